/* Unit tests for src/sip/msg.c, msg_get.c, frame.c, check.c, method.c,
 * reason.c: decoding, lazy values, duplicates, limits, framing, OOM. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "leakcheck.h"
#include "sip/msg.h"

static const char invite[] =
	"INVITE sip:+15005550006@trunk.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asd;rport\r\n"
	"v: SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bKx;"
	"received=192.0.2.1 , SIP/2.0/UDP h.example.com\r\n"
	"Max-Forwards: 70\r\n"
	"Route: <sip:p1.example.com;lr>, \"a, b\" <sip:p2.example.com;lr>\r\n"
	"To: <sip:+15005550006@trunk.example.com>\r\n"
	"f: \"Alice\" <sip:alice@pbx.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@pc33.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@192.0.2.10:5062>;expires=60\r\n"
	"X-Custom: hello, world\r\n"
	"Subject: folded\r\n line\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 4\r\n"
	"\r\n"
	"v=0\n"
	"trailing junk ignored on a datagram";

static int decode(struct sip_msg **msgp, const char *s, bool stream,
		  const char **reasonp)
{
	struct pl pl;

	pl_set_str(&pl, s);
	return sip_msg_decode(msgp, &pl, NULL, stream, reasonp);
}

static void test_decode_invite(void **state)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;
	const struct sip_hdr *h;

	(void)state;
	assert_int_equal(decode(&msg, invite, false, &reason), 0);
	assert_true(msg->req);
	assert_int_equal(msg->method, SIP_METHOD_INVITE);
	assert_true(pl_eq_str(&msg->method_name, "INVITE"));
	assert_int_equal(msg->ruri.scheme, SIP_URI_SIP);
	assert_true(pl_eq_str(&msg->ruri.user, "+15005550006"));
	assert_true(pl_eq_str(&msg->ruri.host, "trunk.example.com"));
	assert_true(pl_eq_str(&msg->version, "SIP/2.0"));
	/* 3 Via values, 2 Route values, X-Custom not split */
	assert_int_equal(sip_msg_hdr_count(msg, SIP_HDR_VIA), 3);
	assert_int_equal(sip_msg_hdr_count(msg, SIP_HDR_ROUTE), 2);
	assert_int_equal(msg->nhdrs, 15);
	assert_true(
		pl_eq_str(&msg->callid, "a84b4c76e66710@pc33.example.com"));
	assert_int_equal(msg->cseq.num, 314159);
	assert_int_equal(msg->cseq.method, SIP_METHOD_INVITE);
	assert_int_equal(msg->maxfwd, 70);
	assert_true(msg->has_clen);
	assert_int_equal(msg->clen, 4);
	assert_true(pl_eq_str(&msg->body, "v=0\n"));
	assert_non_null(msg->h_ctype);
	h = sip_msg_hdr(msg, SIP_HDR_ROUTE);
	assert_ptr_equal(h, msg->h_route);
	assert_true(pl_eq_str(&h->val, "<sip:p1.example.com;lr>"));
	h = sip_msg_hdr_next(msg, h);
	assert_true(pl_eq_str(&h->val, "\"a, b\" <sip:p2.example.com;lr>"));
	assert_null(sip_msg_hdr_next(msg, h));
	h = sip_msg_hdr_name(msg, &PL("x-CUSTOM"));
	assert_non_null(h);
	assert_true(pl_eq_str(&h->val, "hello, world"));
	assert_true(pl_eq_str(&h->name, "X-Custom"));
	h = sip_msg_hdr_name(msg, &PL("s"));
	assert_true(pl_eq_str(&h->val, "folded\r\n line"));
	/* list values share their line */
	h = sip_msg_hdr(msg, SIP_HDR_VIA);
	assert_ptr_equal(h[1].line.p, h[2].line.p);
	assert_true(pl_eq_str(&h[2].val, "SIP/2.0/UDP h.example.com"));
	assert_ptr_equal(msg->hdrs, msg->inline_hdrs);
	assert_int_equal(sip_msg_validate(msg, &reason), 0);
	mem_deref(msg);
}

static void test_lazy_values(void **state)
{
	struct sip_msg *msg = NULL;
	const struct sip_via *via, *via2;
	const struct sip_addr *from, *to, *ct, *from2;

	(void)state;
	assert_int_equal(decode(&msg, invite, false, NULL), 0);
	assert_int_equal(msg->cache.via, 0);
	assert_int_equal(sip_msg_via(msg, &via), 0);
	assert_int_equal(msg->cache.via, 1);
	assert_int_equal(sip_msg_via(msg, &via2), 0);
	assert_ptr_equal(via, via2);
	assert_int_equal(via->tp, SIP_TP_UDP);
	assert_true(pl_eq_str(&via->host, "192.0.2.10"));
	assert_int_equal(via->port, 5062);
	assert_true(pl_eq_str(&via->branch, "z9hG4bK776asd"));
	assert_true(via->rport);
	assert_int_equal(via->rport_val, 0);
	assert_int_equal(sip_msg_from(msg, &from), 0);
	assert_true(pl_eq_str(&from->tag, "1928301774"));
	assert_true(pl_eq_str(&from->dname, "\"Alice\""));
	assert_true(pl_eq_str(&from->uri.user, "alice"));
	assert_int_equal(sip_msg_from(msg, &from2), 0);
	assert_ptr_equal(from, from2);
	assert_int_equal(sip_msg_to(msg, &to), 0);
	assert_int_equal(to->tag.l, 0);
	assert_int_equal(sip_msg_contact(msg, &ct), 0);
	assert_int_equal(ct->uri.port, 5062);
	assert_true(pl_eq_str(&ct->params, ";expires=60"));
	mem_deref(msg);
}

static void test_lazy_malformed(void **state)
{
	static const char m[] = "OPTIONS sip:a@b SIP/2.0\r\n"
				"Via: SIP/2.0/UDP h;;\r\n"
				"From: \"unterminated <sip:a@b>\r\n"
				"To: <sip:b@c>\r\n"
				"Call-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n";
	struct sip_msg *msg = NULL;
	const struct sip_via *via;
	const struct sip_addr *a;
	const char *reason = NULL;

	(void)state;
	assert_int_equal(decode(&msg, m, false, NULL), 0);
	assert_int_equal(sip_msg_via(msg, &via), EBADMSG);
	assert_int_equal(sip_msg_via(msg, &via), EBADMSG);
	assert_int_equal(sip_msg_from(msg, &a), EBADMSG);
	assert_int_equal(sip_msg_to(msg, &a), 0);
	assert_int_equal(sip_msg_contact(msg, &a), ENOENT);
	assert_int_equal(sip_msg_validate(msg, &reason), EBADMSG);
	assert_string_equal(reason, "Malformed Via header");
	mem_deref(msg);
}

static void expect_invalid(const char *m, bool stream, const char *want)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;
	int err = decode(&msg, m, stream, &reason);

	if (!err) {
		err = sip_msg_validate(msg, &reason);
		mem_deref(msg);
	}
	assert_int_not_equal(err, 0);
	assert_non_null(reason);
	if (strcmp(reason, want))
		fail_msg("reason \"%s\", want \"%s\"", reason, want);
}

#define BASE_HDRS                                                 \
	"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\n" \
	"From: <sip:c@d>;tag=1\r\nCall-ID: id1\r\nCSeq: 1 OPTIONS\r\n"

static void test_duplicates(void **state)
{
	(void)state;
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Call-ID: id2\r\n\r\n",
		       false, "Duplicate Call-ID header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "CSeq: 2 OPTIONS\r\n\r\n",
		       false, "Duplicate CSeq header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "f: <sip:x@y>\r\n\r\n",
		       false, "Duplicate From header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "T: <sip:x@y>\r\n\r\n",
		       false, "Duplicate To header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Max-Forwards: 1\r\nmax-forwards: 1\r\n\r\n",
		       false, "Duplicate Max-Forwards header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Content-Length: 0\r\nl: 0\r\n\r\n",
		       false, "Duplicate Content-Length header");
}

static void test_invalid(void **state)
{
	(void)state;
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP h\r\nTo: <sip:a@b>\r\n"
		       "From: <sip:c@d>\r\nCSeq: 1 OPTIONS\r\n\r\n",
		       false, "Missing Call-ID header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n"
		       "To: <sip:a@b>\r\nFrom: <sip:c@d>\r\nCall-ID: x\r\n"
		       "CSeq: 1 OPTIONS\r\n\r\n",
		       false, "Missing Via header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS "\r\n", true,
		       "Missing Content-Length header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Content-Length: 10\r\n\r\nshort",
		       false, "Content-Length larger than body");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Content-Length: -1\r\n\r\n",
		       false, "Malformed Content-Length header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Max-Forwards: 256\r\n\r\n",
		       false, "Malformed Max-Forwards header");
	expect_invalid("INVITE sip:a@b SIP/2.0\r\n" BASE_HDRS "\r\n", false,
		       "CSeq method does not match the request");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP h\r\nTo: <sip:a@b>\r\n"
		       "From: <sip:c@d>\r\nCall-ID: x\r\n"
		       "CSeq: 2147483648 OPTIONS\r\n\r\n",
		       false, "CSeq number out of range");
	expect_invalid("OPTIONS sip:a@b SIP/3.0\r\n" BASE_HDRS "\r\n", false,
		       "Unsupported SIP version");
	expect_invalid("OPTIONS  sip:a@b SIP/2.0\r\n" BASE_HDRS "\r\n", false,
		       "Extra whitespace in the start line");
	expect_invalid("OPTIONS <sip:a@b> SIP/2.0\r\n" BASE_HDRS "\r\n", false,
		       "Malformed Request-URI");
	expect_invalid("OPTIONS sip:a@b?x=y SIP/2.0\r\n" BASE_HDRS "\r\n",
		       false, "Headers not allowed in Request-URI");
	expect_invalid("SIP/2.0 1000 Big\r\n" BASE_HDRS "\r\n", false,
		       "Malformed Status-Code");
	expect_invalid("SIP/2.0 099 Low\r\n" BASE_HDRS "\r\n", false,
		       "Status-Code out of range");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Bad Name: x\r\n\r\n",
		       false, "Malformed header name");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "NoColon\r\n\r\n",
		       false, "Header line without colon");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Allow: INVITE,,ACK\r\n\r\n",
		       false, "Empty element in a header list");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Date: Fri, 01 Jan 2010 16:00:00 EST\r\n\r\n",
		       false, "Malformed Date header");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Contact: *\r\nContact: <sip:a@b>\r\n\r\n",
		       false, "Contact '*' mixed with other contacts");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS
		       "Route: sip:a@b\r\n\r\n",
		       false, "Malformed Route header");
	expect_invalid("", false, "Empty message");
	expect_invalid("\r\n\r\n", false, "Empty message");
	{
		struct sip_msg *msg = NULL;
		struct pl none = PL_INIT;
		const char *reason = NULL;

		assert_int_equal(
			sip_msg_decode(&msg, &none, NULL, false, &reason),
			EBADMSG);
		assert_null(msg);
		assert_string_equal(reason, "Empty message");
	}
	expect_invalid("OPTIONS sip:a@b SIP/2.0", false,
		       "Start line not terminated");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS "Foo: x", false,
		       "Header line not terminated");
	expect_invalid("OPTIONS sip:a@b SIP/2.0\r\n" BASE_HDRS, true,
		       "Missing empty line after headers");
}

static void test_lenient(void **state)
{
	/* bare LF, no final empty line on a datagram, leading CRLF, no
	 * Content-Length on a datagram, compact forms, any case */
	static const char m[] = "\r\nSIP/2.0 180 \n"
				"V: SIP/2.0/UDP h;branch=z9hG4bK1\n"
				"T: <sip:a@b>;tag=x\nF: <sip:c@d>;tag=1\n"
				"I: id1\nCSEQ: 1 INVITE\n";
	struct sip_msg *msg = NULL;
	const char *reason = NULL;

	(void)state;
	assert_int_equal(decode(&msg, m, false, &reason), 0);
	assert_false(msg->req);
	assert_int_equal(msg->scode, 180);
	assert_int_equal(msg->reason.l, 0);
	assert_int_equal(msg->body.l, 0);
	assert_false(msg->has_clen);
	assert_int_equal(msg->maxfwd, -1);
	assert_int_equal(sip_msg_validate(msg, &reason), 0);
	mem_deref(msg);
}

/* A message with n extra headers. */
static char *many_hdrs(unsigned n, size_t vlen)
{
	struct buf *b = buf_alloc(1024);
	char *s;

	assert_non_null(b);
	assert_int_equal(
		buf_printf(b, "OPTIONS sip:a@b SIP/2.0\r\n%s", BASE_HDRS), 0);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(buf_printf(b, "X-H%u: ", i), 0);
		for (size_t k = 0; k < vlen; k++)
			assert_int_equal(buf_write_u8(b, 'v'), 0);
		assert_int_equal(buf_write_str(b, "\r\n"), 0);
	}
	assert_int_equal(buf_write_str(b, "\r\n"), 0);
	s = mem_strndup((const char *)b->data, b->end);
	mem_deref(b);
	return s;
}

static void test_limits(void **state)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;
	char *s;
	struct pl pl;

	(void)state;
	/* overflow of the inline header slots: one more allocation */
	s = many_hdrs(100, 3);
	assert_int_equal(decode(&msg, s, false, &reason), 0);
	assert_int_equal(msg->nhdrs, 105);
	assert_ptr_not_equal(msg->hdrs, msg->inline_hdrs);
	assert_true(pl_eq_str(&msg->hdrs[104].val, "vvv"));
	assert_non_null(sip_msg_hdr_name(msg, &PL("x-h99")));
	msg = mem_deref(msg);
	mem_deref(s);

	s = many_hdrs(SIP_MSG_MAX_HDRS, 1);
	assert_int_equal(decode(&msg, s, false, &reason), EMSGSIZE);
	assert_string_equal(reason, "Too many headers");
	mem_deref(s);

	s = many_hdrs(1, SIP_MSG_MAX_HDR_LEN);
	assert_int_equal(decode(&msg, s, false, &reason), EMSGSIZE);
	assert_string_equal(reason, "Header line too long");
	mem_deref(s);

	s = many_hdrs(20, 4000);
	assert_int_equal(decode(&msg, s, false, &reason), EMSGSIZE);
	assert_string_equal(reason, "Message too large");
	mem_deref(s);

	s = mem_zalloc(SIP_MSG_MAX_URI_LEN + 200, NULL);
	memcpy(s, "OPTIONS sip:", 12);
	memset(s + 12, 'a', SIP_MSG_MAX_URI_LEN);
	memcpy(s + 12 + SIP_MSG_MAX_URI_LEN, " SIP/2.0\r\n\r\n", 12);
	pl_set_str(&pl, s);
	assert_int_equal(sip_msg_decode(&msg, &pl, NULL, false, &reason),
			 EBADMSG);
	assert_string_equal(reason, "Request-URI too long");
	mem_deref(s);
}

static void test_mb_ref(void **state)
{
	struct buf *mb = buf_alloc(sizeof(invite));
	struct sip_msg *msg = NULL;
	struct pl pl;

	(void)state;
	assert_non_null(mb);
	assert_int_equal(buf_write_str(mb, invite), 0);
	pl = buf_pl(mb);
	assert_int_equal(sip_msg_decode(&msg, &pl, mb, true, NULL), 0);
	assert_int_equal(mem_nrefs(mb), 2);
	mem_deref(mb);
	assert_true(
		pl_eq_str(&msg->callid, "a84b4c76e66710@pc33.example.com"));
	mem_deref(msg);
}

static void test_frame(void **state)
{
	static const char two[] = "\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n"
				  "l: 5\r\n\r\nhelloBYE sip:x SIP/2.0\r\n";
	const char *reason = NULL;
	size_t skip = 99, len = 0;
	struct pl pl;

	(void)state;
	pl_set_str(&pl, two);
	assert_int_equal(sip_msg_frame(&pl, &skip, &len, &reason), 0);
	assert_int_equal(skip, 4);
	assert_int_equal(len, 38);
	assert_memory_equal(two + skip + len - 5, "hello", 5);
	/* the second message is incomplete */
	pl.p += skip + len;
	pl.l -= skip + len;
	assert_int_equal(sip_msg_frame(&pl, &skip, &len, &reason), ENODATA);
	/* body not all there yet */
	pl_set(&pl, two, 40);
	assert_int_equal(sip_msg_frame(&pl, &skip, &len, &reason), ENODATA);
	/* nothing at all (NULL slice) */
	pl_set(&pl, NULL, 0);
	assert_int_equal(sip_msg_frame(&pl, &skip, &len, &reason), ENODATA);
	assert_int_equal(skip, 0);
	/* keep-alive only */
	pl_set_str(&pl, "\r\n\r\n");
	assert_int_equal(sip_msg_frame(&pl, &skip, &len, &reason), ENODATA);
	assert_int_equal(skip, 4);
	pl_set_str(&pl, "OPTIONS sip:a@b SIP/2.0\r\nTo: x\r\n\r\n");
	assert_int_equal(sip_msg_frame(&pl, &skip, &len, &reason), EBADMSG);
	assert_string_equal(reason, "Missing Content-Length header");
	pl_set_str(&pl, "OPTIONS sip:a@b SIP/2.0\nContent-Length: x\n\n");
	assert_int_equal(sip_msg_frame(&pl, &skip, &len, &reason), EBADMSG);
	assert_string_equal(reason, "Malformed Content-Length header");
	pl_set_str(&pl, "OPTIONS sip:a@b SIP/2.0\nl: 1\nl: 1\n\nx");
	assert_int_equal(sip_msg_frame(&pl, &skip, &len, &reason), EBADMSG);
	assert_string_equal(reason, "Duplicate Content-Length header");
	/* bare LF, folded header */
	pl_set_str(&pl, "OPTIONS sip:a@b SIP/2.0\nX: a\n b\nl: 1\n\nxyz");
	assert_int_equal(sip_msg_frame(&pl, &skip, &len, &reason), 0);
	assert_int_equal(skip, 0);
	assert_int_equal(len, pl.l - 2);
}

static void test_oom(void **state)
{
	char *s = many_hdrs(80, 2);
	struct sip_msg *msg = NULL;
	const char *reason;
	int err = ENOMEM;
	ssize_t n;

	(void)state;
	for (n = 0; n < 10 && err; n++) {
		mem_threshold_set(n);
		reason = NULL;
		err = decode(&msg, s, false, &reason);
		mem_threshold_set(-1);
		if (err) {
			assert_int_equal(err, ENOMEM);
			assert_string_equal(reason, "Out of memory");
		}
	}
	assert_int_equal(err, 0);
	assert_true(n > 2); /* msg, overflow array, its growth */
	assert_int_equal(msg->nhdrs, 85);
	mem_deref(msg);
	mem_deref(s);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(sip_method_from_pl(&PL("REGISTER")),
			 SIP_METHOD_REGISTER);
	assert_int_equal(sip_method_from_pl(&PL("register")),
			 SIP_METHOD_UNKNOWN);
	assert_int_equal(sip_method_from_pl(&PL("NOTIFY")), SIP_METHOD_NOTIFY);
	assert_string_equal(sip_method_name(SIP_METHOD_CANCEL), "CANCEL");
	assert_string_equal(sip_reason_phrase(404), "Not Found");
	assert_string_equal(sip_reason_phrase(100), "Trying");
	assert_string_equal(sip_reason_phrase(608), "Rejected");
	assert_string_equal(sip_reason_phrase(499), "");
	for (int m = SIP_METHOD_INVITE; m <= SIP_METHOD_PUBLISH; m++) {
		struct pl n;

		pl_set_str(&n, sip_method_name((enum sip_method)m));
		assert_int_equal(sip_method_from_pl(&n), m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_decode_invite),
		LEAKCHECK_TEST(test_lazy_values),
		LEAKCHECK_TEST(test_lazy_malformed),
		LEAKCHECK_TEST(test_duplicates),
		LEAKCHECK_TEST(test_invalid),
		LEAKCHECK_TEST(test_lenient),
		LEAKCHECK_TEST(test_limits),
		LEAKCHECK_TEST(test_mb_ref),
		LEAKCHECK_TEST(test_frame),
		LEAKCHECK_TEST(test_oom),
		LEAKCHECK_TEST(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
