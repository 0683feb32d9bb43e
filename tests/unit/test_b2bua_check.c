/* B2BUA helpers: the bounded per-call SIP trace, the 32105 Contact
 * check and the public/private address test behind 39031. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "b2bua/b2bua_int.h"
#include "b2bua/trace.h"
#include "base/mem.h"
#include "base/sa.h"
#include "../leakcheck.h"

static void test_trace_bounds(void **state)
{
	struct alert_trace_msg out[TRACE_MAX_MSGS];
	struct trace_addrs ta[TRACE_MAX_MSGS];
	struct sockaddr_storage a, b;
	struct sip_trace t;
	char msg[64];
	size_t n;

	(void)state;
	assert_int_equal(sa_parse(&a, "192.0.2.1:5060", 0), 0);
	assert_int_equal(sa_parse(&b, "198.51.100.2:5080", 0), 0);
	trace_init(&t, 4, 1000);
	assert_int_equal(
		trace_add(&t, 1000, 'A', false, &a, &b, "INVITE x", 8), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(msg, sizeof(msg), "msg %d", i);
		assert_int_equal(trace_add(&t, 1001 + i, i & 1 ? 'B' : 'A',
					   true, &b, NULL, msg, strlen(msg)),
				 0);
	}
	/* at most 4: the pinned INVITE and the 3 newest */
	n = trace_export(&t, out, ta, TRACE_MAX_MSGS);
	assert_int_equal(n, 4);
	assert_string_equal(out[0].msg, "INVITE x");
	assert_string_equal(out[0].src, "192.0.2.1:5060");
	assert_string_equal(out[0].dst, "198.51.100.2:5080");
	assert_false(out[0].sent);
	assert_string_equal(out[1].msg, "msg 7");
	assert_string_equal(out[3].msg, "msg 9");
	assert_int_equal(out[3].leg, 'B');
	assert_string_equal(out[3].dst, "");
	assert_int_equal(out[3].time_ms, 1010);
	/* byte bound: a big message evicts all but the pinned one, and one
	 * over the bound is cut */
	memset(msg, 'x', sizeof(msg));
	assert_int_equal(trace_add(&t, 2000, 'A', true, NULL, NULL, msg, 60),
			 0);
	trace_limit(&t, 4, 70);
	n = trace_export(&t, out, ta, TRACE_MAX_MSGS);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].msg_len, 60);
	trace_limit(&t, 4, 20);
	assert_int_equal(trace_export(&t, out, ta, TRACE_MAX_MSGS), 1);
	assert_int_equal(trace_add(&t, 2001, 'B', false, NULL, NULL, msg, 60),
			 0);
	n = trace_export(&t, out, ta, TRACE_MAX_MSGS);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].msg_len, 20);
	assert_int_equal(trace_export(&t, out, ta, 1), 1);
	assert_int_equal(trace_add(NULL, 0, 'A', true, NULL, NULL, "x", 1),
			 EINVAL);
	trace_reset(&t);
	assert_int_equal(trace_export(&t, out, ta, TRACE_MAX_MSGS), 0);
	assert_int_equal(t.bytes, 0);
}

static struct sip_msg *invite(const char *contact)
{
	char raw[512];
	struct sip_msg *m = NULL;
	struct pl pl;

	snprintf(raw, sizeof(raw),
		 "INVITE sip:+14155550100@t.example.com SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKx\r\n"
		 "From: <sip:+15551230000@t.example.com>;tag=a\r\n"
		 "To: <sip:+14155550100@t.example.com>\r\n"
		 "Call-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
		 "Contact: %s\r\nContent-Length: 0\r\n\r\n",
		 contact);
	pl_set_str(&pl, raw);
	/* the message keeps slices into raw: copy into a buf it owns */
	{
		struct buf *mb = buf_alloc(pl.l);

		assert_non_null(mb);
		assert_int_equal(buf_write_pl(mb, &pl), 0);
		pl = buf_pl(mb);
		assert_int_equal(sip_msg_decode(&m, &pl, mb, false, NULL), 0);
		mem_deref(mb);
	}
	return m;
}

static void test_contact(void **state)
{
	static const struct {
		const char *contact, *src;
		bool alert;
	} cases[] = {
		{"<sip:pbx@127.0.0.1:5060>", "203.0.113.5:5060", true},
		{"<sip:pbx@localhost>", "203.0.113.5:5060", true},
		{"<sip:pbx@localhost>", "10.0.0.2:5060", true},
		{"<sip:pbx@192.168.1.20:5060>", "203.0.113.5:5060", true},
		{"<sip:pbx@[::1]:5060>", "[2001:db8::1]:5060", true},
		{"<sip:pbx@0.0.0.0>", "10.0.0.2:5060", true},
		{"<sip:pbx@192.168.1.20:5060>", "10.0.0.2:5060", false},
		{"<sip:pbx@127.0.0.1:5060>", "127.0.0.1:5060", false},
		{"<sip:pbx@203.0.113.5:5060>", "203.0.113.5:5060", false},
		{"<sip:pbx@pbx.example.com>", "203.0.113.5:5060", false},
	};
	char ev[320];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sip_msg *m = invite(cases[i].contact);
		struct sockaddr_storage src;
		bool got;

		assert_int_equal(sa_parse(&src, cases[i].src, 0), 0);
		ev[0] = '\0';
		got = contact_unroutable(m, &src, ev, sizeof(ev));
		if (got != cases[i].alert)
			fail_msg("%s from %s: %d", cases[i].contact,
				 cases[i].src, got);
		if (got) {
			assert_non_null(strstr(ev, "Contact: sip:pbx@"));
			assert_non_null(strstr(ev, cases[i].src));
		}
		mem_deref(m);
	}
	assert_false(contact_unroutable(NULL, NULL, ev, sizeof(ev)));
}

static void test_public(void **state)
{
	static const struct {
		const char *a;
		bool pub;
	} cases[] = {
		{"203.0.113.5", true},	{"8.8.8.8", true},
		{"10.1.2.3", false},	{"172.20.0.1", false},
		{"192.168.0.1", false}, {"100.64.0.1", false},
		{"127.0.0.1", false},	{"169.254.1.1", false},
		{"2001:db8::1", true},	{"fd00::1", false},
		{"fe80::1", false},	{"::1", false},
	};
	struct sockaddr_storage sa;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sa_parse(&sa, cases[i].a, 0), 0);
		if (addr_is_public(&sa) != cases[i].pub)
			fail_msg("%s", cases[i].a);
	}
	memset(&sa, 0, sizeof(sa));
	assert_false(addr_is_public(&sa));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_trace_bounds),
		LEAKCHECK_TEST(test_contact),
		LEAKCHECK_TEST(test_public),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
