/* Unit tests for src/sip/print.c: builders, sip_print_response, and
 * re-emitting a received message with edits (round trips through the
 * parser), OOM. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "leakcheck.h"
#include "sip/print.h"

static const char req[] =
	"INVITE sip:+15005550001@trunk.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1, "
	"SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK2\r\n"
	"v: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK3\r\n"
	"Max-Forwards: 70\r\n"
	"Route: <sip:p1.example.com;lr>\r\n"
	"To: \"Bob\" <sip:+15005550001@trunk.example.com>\r\n"
	"From: <sip:alice@pbx.example.com>;tag=abc\r\n"
	"Call-ID: c1@pbx\r\n"
	"CSeq: 7 INVITE\r\n"
	"Timestamp: 54\r\n"
	"Subject: a\r\n folded line\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 5\r\n"
	"\r\n"
	"hello";

static struct sip_msg *parse(const char *s, size_t len)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;
	struct pl pl;
	int err;

	pl_set(&pl, s, len);
	err = sip_msg_decode(&msg, &pl, NULL, true, &reason);
	if (err)
		fail_msg("decode: %s", reason);
	assert_int_equal(sip_msg_validate(msg, &reason), 0);
	return msg;
}

static struct sip_msg *parse_buf(const struct buf *b)
{
	return parse((const char *)b->data, b->end);
}

static bool contains(const struct buf *b, const char *s)
{
	return memmem(b->data, b->end, s, strlen(s)) != NULL;
}

static void test_copy_roundtrip(void **state)
{
	struct sip_msg *msg = parse(req, sizeof(req) - 1), *m2;
	struct buf *b = buf_alloc(64);

	(void)state;
	assert_int_equal(sip_print_msg(b, msg, NULL), 0);
	assert_int_equal(b->end, sizeof(req) - 1);
	assert_memory_equal(b->data, req, sizeof(req) - 1);
	m2 = parse_buf(b);
	assert_int_equal(m2->nhdrs, msg->nhdrs);
	mem_deref(m2);
	mem_deref(b);
	mem_deref(msg);
}

static void test_edits(void **state)
{
	struct sip_msg *msg = parse(req, sizeof(req) - 1), *m2;
	struct buf *b = buf_alloc(64);
	struct sip_edits ed;
	const struct sip_hdr *via1 = sip_msg_hdr(msg, SIP_HDR_VIA);
	const struct sip_via *v;
	const struct sip_hdr *h;

	(void)state;
	sip_edits_init(&ed);
	/* a proxy: new top Via, decrement Max-Forwards, pop Route, new
	 * Request-URI, add a header, remove the 2nd Via of a list line */
	pl_set_str(&ed.via, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnew");
	pl_set_str(&ed.ruri, "sip:+15005550001@127.0.0.1:5070");
	assert_int_equal(sip_edit_replace(&ed, msg->h_maxfwd, &PL("69")), 0);
	assert_int_equal(sip_edit_remove(&ed, msg->h_route), 0);
	assert_int_equal(sip_edit_remove(&ed, via1 + 1), 0);
	assert_int_equal(sip_edit_insert(&ed, msg->h_callid, true,
					 &PL("X-Trunkd-Call-ID"), &PL("42")),
			 0);
	assert_int_equal(sip_edit_insert(&ed, msg->h_callid, false,
					 &PL("P-Early"), &PL("1")),
			 0);
	assert_int_equal(sip_edit_insert(&ed, msg->h_callid, false,
					 &PL("bad name"), &PL("1")),
			 EINVAL);
	ed.set_body = true;
	pl_set_str(&ed.body, "new body!");
	assert_int_equal(sip_print_msg(b, msg, &ed), 0);

	m2 = parse_buf(b);
	assert_true(
		pl_eq_str(&m2->ruri_raw, "sip:+15005550001@127.0.0.1:5070"));
	assert_int_equal(m2->maxfwd, 69);
	assert_null(m2->h_route);
	assert_int_equal(sip_msg_hdr_count(m2, SIP_HDR_VIA), 3);
	assert_int_equal(sip_msg_via(m2, &v), 0);
	assert_true(pl_eq_str(&v->branch, "z9hG4bKnew"));
	h = sip_msg_hdr(m2, SIP_HDR_VIA);
	assert_true(pl_eq_str(&h[1].val,
			      "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1"));
	assert_true(
		pl_eq_str(&h[2].val, "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK3"));
	h = sip_msg_hdr(m2, SIP_HDR_CALL_ID);
	assert_true(pl_eq_str(&h[-1].name, "P-Early"));
	assert_int_equal(h[1].id, SIP_HDR_X_TRUNKD_CALL_ID);
	assert_true(pl_eq_str(&h[1].val, "42"));
	assert_int_equal(m2->clen, 9);
	assert_true(pl_eq_str(&m2->body, "new body!"));
	/* untouched lines are copied as they were (folding kept) */
	assert_true(contains(b, "Subject: a\r\n folded line\r\n"));
	mem_deref(m2);
	mem_deref(b);
	mem_deref(msg);
}

static void test_no_clen(void **state)
{
	static const char m[] =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"To: <sip:a@b>;tag=2\r\nFrom: <sip:c@d>;tag=1\r\n"
		"Call-ID: x\r\nCSeq: 1 BYE\r\n\r\nbody";
	struct sip_msg *msg = NULL, *m2;
	struct buf *b = buf_alloc(64);
	struct pl pl;

	(void)state;
	pl_set_str(&pl, m);
	assert_int_equal(sip_msg_decode(&msg, &pl, NULL, false, NULL), 0);
	assert_int_equal(sip_print_msg(b, msg, NULL), 0);
	assert_true(contains(b, "Content-Length: 4\r\n\r\nbody"));
	m2 = parse_buf(b);
	assert_int_equal(m2->scode, 200);
	assert_true(pl_eq_str(&m2->reason, "OK"));
	mem_deref(m2);
	mem_deref(b);
	mem_deref(msg);
}

static void test_response(void **state)
{
	struct sip_msg *msg = parse(req, sizeof(req) - 1), *r;
	struct buf *b = buf_alloc(64);
	const struct sip_addr *to;
	const struct sip_hdr *h;
	struct pl tag = PL("t0g"), extra = PL("Contact: <sip:t@127.0.0.1>\r\n"
					      "Content-Type: text/plain\r\n");

	(void)state;
	assert_int_equal(sip_print_response(b, msg, 486, NULL, &tag, &extra,
					    &PL("busy")),
			 0);
	r = parse_buf(b);
	assert_false(r->req);
	assert_int_equal(r->scode, 486);
	assert_true(pl_eq_str(&r->reason, "Busy Here"));
	assert_int_equal(sip_msg_hdr_count(r, SIP_HDR_VIA), 3);
	h = sip_msg_hdr(r, SIP_HDR_VIA);
	assert_true(
		pl_eq_str(&h[2].val, "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK3"));
	assert_int_equal(sip_msg_to(r, &to), 0);
	assert_true(pl_eq_str(&to->tag, "t0g"));
	assert_true(pl_eq_str(&to->dname, "\"Bob\""));
	assert_true(pl_eq(&r->callid, &msg->callid));
	assert_int_equal(r->cseq.num, 7);
	assert_int_equal(r->cseq.method, SIP_METHOD_INVITE);
	assert_null(sip_msg_hdr(r, SIP_HDR_ROUTE));
	assert_null(sip_msg_hdr(r, SIP_HDR_TIMESTAMP));
	assert_non_null(r->h_contact);
	assert_true(pl_eq_str(&r->body, "busy"));
	r = mem_deref(r);

	/* 100 Trying: no tag, Timestamp copied */
	buf_reset(b);
	assert_int_equal(
		sip_print_response(b, msg, 100, NULL, NULL, NULL, NULL), 0);
	r = parse_buf(b);
	assert_int_equal(sip_msg_to(r, &to), 0);
	assert_int_equal(to->tag.l, 0);
	assert_non_null(sip_msg_hdr(r, SIP_HDR_TIMESTAMP));
	assert_int_equal(r->clen, 0);
	r = mem_deref(r);

	/* the top Via value replaced, the rest of its list line kept; a
	 * reason with CR LF cannot start a header line */
	buf_reset(b);
	assert_int_equal(sip_print_response_via(b, msg,
						&PL("SIP/2.0/UDP 192.0.2.10;"
						    "branch=z9hG4bK1;rport=5"),
						480, "Gone\r\nX-Evil: 1", NULL,
						NULL, NULL),
			 0);
	r = parse_buf(b);
	assert_true(pl_eq_str(&r->reason, "Gone  X-Evil: 1"));
	assert_null(sip_msg_hdr_name(r, &PL("X-Evil")));
	assert_int_equal(sip_msg_hdr_count(r, SIP_HDR_VIA), 3);
	h = sip_msg_hdr(r, SIP_HDR_VIA);
	assert_true(pl_eq_str(
		&h[0].val, "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1;rport=5"));
	assert_true(pl_eq(&h[1].val, &sip_msg_hdr(msg, SIP_HDR_VIA)[1].val));
	r = mem_deref(r);

	/* bad arguments leave the buffer as it was */
	buf_reset(b);
	assert_int_equal(
		sip_print_response(b, msg, 700, NULL, NULL, NULL, NULL),
		EINVAL);
	assert_int_equal(
		sip_print_response(b, msg, 200, NULL, &PL("a b"), NULL, NULL),
		EINVAL);
	assert_int_equal(b->end, 0);
	mem_deref(b);
	mem_deref(msg);
}

static void test_tag_kept(void **state)
{
	static const char m[] =
		"BYE sip:a@b SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"To: <sip:a@b>;tag=old\r\nFrom: <sip:c@d>;tag=1\r\n"
		"Call-ID: x\r\nCSeq: 2 BYE\r\nl: 0\r\n\r\n";
	struct sip_msg *msg = parse(m, sizeof(m) - 1), *r;
	struct buf *b = buf_alloc(64);
	const struct sip_addr *to;

	(void)state;
	assert_int_equal(sip_print_response(b, msg, 200, "Fine", &PL("new"),
					    NULL, NULL),
			 0);
	r = parse_buf(b);
	assert_true(pl_eq_str(&r->reason, "Fine"));
	assert_int_equal(sip_msg_to(r, &to), 0);
	assert_true(pl_eq_str(&to->tag, "old"));
	mem_deref(r);
	mem_deref(b);
	mem_deref(msg);
}

static void test_build_request(void **state)
{
	struct buf *b = buf_alloc(16);
	struct sip_msg *m;

	(void)state;
	assert_int_equal(sip_print_request_line(b, &PL("OPTIONS"),
						&PL("sip:x@127.0.0.1")),
			 0);
	assert_int_equal(sip_print_hdrf(b, SIP_HDR_VIA,
					"SIP/2.0/UDP 127.0.0.1:%u;branch=%s",
					5060, "z9hG4bKab"),
			 0);
	assert_int_equal(
		sip_print_hdr(b, SIP_HDR_FROM, &PL("<sip:t@127.0.0.1>;tag=1")),
		0);
	assert_int_equal(
		sip_print_hdr(b, SIP_HDR_TO, &PL("<sip:x@127.0.0.1>")), 0);
	assert_int_equal(sip_print_hdr(b, SIP_HDR_CALL_ID, &PL("abc")), 0);
	assert_int_equal(sip_print_hdr(b, SIP_HDR_CSEQ, &PL("1 OPTIONS")), 0);
	assert_int_equal(sip_print_hdr_name(b, &PL("X-Foo"), &PL("bar")), 0);
	assert_int_equal(sip_print_hdr(b, SIP_HDR_OTHER, &PL("x")), EINVAL);
	assert_int_equal(sip_print_hdr_name(b, &PL("X:Foo"), &PL("x")),
			 EINVAL);
	assert_int_equal(
		sip_print_request_line(b, &PL("OPTIONS"), &PL("sip:a b")),
		EINVAL);
	assert_int_equal(sip_print_status_line(b, 99, NULL), EINVAL);
	assert_int_equal(
		sip_print_body(b, &PL("application/sdp"), &PL("v=0\r\n")), 0);
	m = parse_buf(b);
	assert_int_equal(m->method, SIP_METHOD_OPTIONS);
	assert_true(pl_eq_str(&m->h_ctype->val, "application/sdp"));
	assert_true(pl_eq_str(&m->body, "v=0\r\n"));
	assert_true(pl_eq_str(&sip_msg_hdr_name(m, &PL("x-foo"))->val, "bar"));
	mem_deref(m);
	mem_deref(b);
}

static void test_edit_limits(void **state)
{
	struct sip_msg *msg = parse(req, sizeof(req) - 1);
	struct sip_edits ed;

	(void)state;
	sip_edits_init(&ed);
	for (int i = 0; i < SIP_EDITS_MAX; i++)
		assert_int_equal(sip_edit_remove(&ed, msg->h_route), 0);
	assert_int_equal(sip_edit_remove(&ed, msg->h_route), ENOSPC);
	assert_int_equal(sip_edit_remove(&ed, NULL), EINVAL);
	assert_int_equal(sip_edit_replace(&ed, msg->h_to, NULL), EINVAL);
	mem_deref(msg);
}

static void test_oom(void **state)
{
	struct sip_msg *msg = parse(req, sizeof(req) - 1);
	struct sip_edits ed;
	int err = ENOMEM;
	ssize_t n;

	(void)state;
	sip_edits_init(&ed);
	pl_set_str(&ed.via, "SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx");
	assert_int_equal(sip_edit_remove(&ed, msg->h_route), 0);
	for (n = 0; n < 20 && err; n++) {
		struct buf *b;

		mem_threshold_set(n);
		b = buf_alloc(8);
		err = b ? sip_print_msg(b, msg, &ed) : ENOMEM;
		if (!err)
			err = sip_print_response(b, msg, 180, NULL, &PL("x"),
						 NULL, NULL);
		mem_threshold_set(-1);
		if (err) {
			assert_int_equal(err, ENOMEM);
			/* failed prints leave nothing behind */
			if (b)
				assert_true(b->end == 0 ||
					    b->data[b->end - 1] == 'o');
		}
		mem_deref(b);
	}
	assert_int_equal(err, 0);
	assert_true(n > 3);
	mem_deref(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_copy_roundtrip),
		LEAKCHECK_TEST(test_edits),
		LEAKCHECK_TEST(test_no_clen),
		LEAKCHECK_TEST(test_response),
		LEAKCHECK_TEST(test_tag_kept),
		LEAKCHECK_TEST(test_build_request),
		LEAKCHECK_TEST(test_edit_limits),
		LEAKCHECK_TEST(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
