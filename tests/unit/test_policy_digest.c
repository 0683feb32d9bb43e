/* Unit tests for src/policy/digest: RFC 2617 / RFC 7616 vectors, header
 * parsing, nonces, replay cache, challenges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/mem.h"
#include "leakcheck.h"
#include "policy/digest.h"

static int decode(struct digest_cred *c, const char *s)
{
	struct pl p;

	pl_set_str(&p, s);
	return digest_cred_decode(c, &p);
}

static const char rfc2617[] =
	"Digest username=\"Mufasa\",\r\n"
	"     realm=\"testrealm@host.com\",\r\n"
	"     nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
	"     uri=\"/dir/index.html\",\r\n"
	"     qop=auth,\r\n"
	"     nc=00000001,\r\n"
	"     cnonce=\"0a4f113b\",\r\n"
	"     response=\"6629fae49393a05397450978507c4ef1\",\r\n"
	"     opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

static const char rfc7616_sha256[] =
	"Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
	"uri=\"/dir/index.html\", algorithm=SHA-256, "
	"nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
	"nc=00000001, "
	"cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", "
	"qop=auth, "
	"response=\"753927fa0e85d155564e2e272a28d180"
	"2ca10daf4496794697cf8db5856cb6c1\", "
	"opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

static const char rfc7616_md5[] =
	"Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
	"uri=\"/dir/index.html\", algorithm=MD5, "
	"nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
	"nc=00000001, "
	"cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", "
	"qop=auth, response=\"8ca523f5e9506fed4657c9700eebdbec\", "
	"opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

static void test_ha1(void **state)
{
	char out[DIGEST_HEX_SIZE], small[10];

	(void)state;
	assert_int_equal(digest_ha1(out, sizeof(out), DIGEST_ALG_MD5, "Mufasa",
				    "testrealm@host.com", "Circle Of Life"),
			 0);
	assert_string_equal(out, "939e7578ed9e3c518a452acee763bce9");
	assert_int_equal(digest_ha1(out, sizeof(out), DIGEST_ALG_SHA256,
				    "Mufasa", "http-auth@example.org",
				    "Circle of Life"),
			 0);
	assert_int_equal(strlen(out), 64);
	assert_int_equal(digest_ha1(small, sizeof(small), DIGEST_ALG_MD5, "a",
				    "b", "c"),
			 ENOSPC);
	assert_int_equal(
		digest_ha1(out, sizeof(out), DIGEST_ALG_MD5, NULL, "b", "c"),
		EINVAL);
	assert_int_equal(digest_ha1(out, sizeof(out), (enum digest_alg)7, "a",
				    "b", "c"),
			 EINVAL);
}

static void test_rfc2617_md5(void **state)
{
	struct digest_cred c;
	char ha1[DIGEST_HEX_SIZE];
	struct pl uri = PL("/dir/index.html"), other = PL("/x");

	(void)state;
	assert_int_equal(decode(&c, rfc2617), 0);
	assert_true(pl_eq_str(&c.username, "Mufasa"));
	assert_true(pl_eq_str(&c.opaque, "5ccc069c403ebaf9f0171e9517f40e41"));
	assert_int_equal(c.ncval, 1);
	assert_int_equal(c.alg, DIGEST_ALG_MD5);
	assert_int_equal(digest_ha1(ha1, sizeof(ha1), DIGEST_ALG_MD5, "Mufasa",
				    "testrealm@host.com", "Circle Of Life"),
			 0);
	assert_int_equal(digest_verify(&c, "GET", &uri, ha1), 0);
	assert_int_equal(digest_verify(&c, "GET", NULL, ha1), 0);
	assert_int_equal(digest_verify(&c, "POST", &uri, ha1), EACCES);
	assert_int_equal(digest_verify(&c, "GET", &other, ha1), EINVAL);
	/* uppercase stored HA1 is accepted */
	for (char *p = ha1; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(digest_verify(&c, "GET", &uri, ha1), 0);
	/* wrong password */
	assert_int_equal(digest_ha1(ha1, sizeof(ha1), DIGEST_ALG_MD5, "Mufasa",
				    "testrealm@host.com", "Circle of Life"),
			 0);
	assert_int_equal(digest_verify(&c, "GET", &uri, ha1), EACCES);
	/* HA1 of the wrong algorithm length */
	assert_int_equal(digest_verify(&c, "GET", &uri, "abcd"), EINVAL);
}

static void test_rfc7616(void **state)
{
	struct digest_cred c;
	char ha1[DIGEST_HEX_SIZE];

	(void)state;
	assert_int_equal(decode(&c, rfc7616_sha256), 0);
	assert_int_equal(c.alg, DIGEST_ALG_SHA256);
	assert_int_equal(digest_ha1(ha1, sizeof(ha1), DIGEST_ALG_SHA256,
				    "Mufasa", "http-auth@example.org",
				    "Circle of Life"),
			 0);
	assert_int_equal(digest_verify(&c, "GET", NULL, ha1), 0);
	/* an MD5 HA1 does not fit a SHA-256 credential */
	assert_int_equal(digest_ha1(ha1, sizeof(ha1), DIGEST_ALG_MD5, "Mufasa",
				    "http-auth@example.org", "Circle of Life"),
			 0);
	assert_int_equal(digest_verify(&c, "GET", NULL, ha1), EINVAL);

	assert_int_equal(decode(&c, rfc7616_md5), 0);
	assert_int_equal(c.alg, DIGEST_ALG_MD5);
	assert_int_equal(digest_verify(&c, "GET", NULL, ha1), 0);
}

static void test_no_qop(void **state)
{
	struct digest_cred c;
	char ha1[DIGEST_HEX_SIZE];

	(void)state;
	/* RFC 2069 style: response = MD5(HA1:nonce:HA2); computed offline:
	 * HA1 = MD5("u:r:p"), HA2 = MD5("INVITE:sip:+15551234567@t"),
	 * with Python's hashlib */
	assert_int_equal(
		digest_ha1(ha1, sizeof(ha1), DIGEST_ALG_MD5, "u", "r", "p"),
		0);
	assert_int_equal(decode(&c, "Digest username=\"u\",realm=\"r\","
				    "nonce=\"n\",uri=\"sip:+15551234567@t\","
				    "response=\"bb34a0b8bbbbf5e7fd39cbf6fef"
				    "99eed\""),
			 0);
	assert_int_equal(c.ncval, 0);
	assert_int_equal(digest_verify(&c, "INVITE", NULL, ha1), 0);
	assert_int_equal(digest_verify(&c, "ACK", NULL, ha1), EACCES);
	/* qop other than auth is refused */
	assert_int_equal(decode(&c, "Digest username=\"u\",realm=\"r\","
				    "nonce=\"n\",uri=\"x\",qop=auth-int,"
				    "nc=00000001,cnonce=\"c\","
				    "response=\"ab\""),
			 0);
	assert_int_equal(digest_verify(&c, "INVITE", NULL, ha1), EINVAL);
}

static void test_parse_escapes(void **state)
{
	struct digest_cred c;

	(void)state;
	assert_int_equal(decode(&c, "digest  USERNAME = \"a\\\"b\\\\c\" , "
				    "Realm=\"r\", nonce=\"n\", uri=\"u\", "
				    "response=\"x\", foo=bar, baz=\"q,q\", "
				    "userhash=true, algorithm=sha-256"),
			 0);
	assert_true(pl_eq_str(&c.username, "a\"b\\c"));
	assert_true(c.userhash);
	assert_int_equal(c.alg, DIGEST_ALG_SHA256);
	assert_false(pl_isset(&c.qop));
	assert_int_equal(decode(&c, "Digest username=\"\", realm=\"\", "
				    "nonce=\"\", uri=\"u\", response=\"x\""),
			 0);
	assert_int_equal(c.username.l, 0);
}

static void test_parse_errors(void **state)
{
	struct digest_cred c;
	char big[2200];
	static const char *const bad[] = {
		"",
		"Digest",
		"Digest ",
		"Digest username",
		"Digest username=",
		"Digest username=\"unterminated",
		"Digest username=\"a\" realm=\"r\"",
		"Digest username=\"a\",,realm=\"r\"",
		/* missing response */
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"",
		/* qop without nc/cnonce */
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		"response=\"x\", qop=auth",
		/* nc not 8 hex digits */
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		"response=\"x\", qop=auth, cnonce=\"c\", nc=1",
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		"response=\"x\", qop=auth, cnonce=\"c\", nc=0000000g",
		/* duplicate */
		"Digest username=\"a\", username=\"b\", realm=\"r\", "
		"nonce=\"n\", uri=\"u\", response=\"x\"",
		"Digest username=\"a\\",
		"Digest username=\"a\nb\", realm=\"r\", nonce=\"n\", "
		"uri=\"u\", "
		"response=\"x\"",
	};
	size_t i;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = decode(&c, bad[i]);

		if (err != EBADMSG)
			fail_msg("case %zu: %d", i, err);
	}
	/* untouched on failure */
	assert_int_equal((unsigned char)c.store[0], 0x5a);
	assert_int_equal(decode(&c, "Basic dXNlcjpwYXNz"), ENOTSUP);
	assert_int_equal(decode(&c, "Digest username=\"a\", realm=\"r\", "
				    "nonce=\"n\", uri=\"u\", response=\"x\", "
				    "algorithm=MD5-sess"),
			 ENOTSUP);
	memcpy(big, "Digest username=\"", 17);
	memset(big + 17, 'a', sizeof(big) - 19);
	big[sizeof(big) - 2] = '"';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(decode(&c, big), EMSGSIZE);
	assert_int_equal(digest_cred_decode(&c, NULL), EINVAL);
}

static void test_challenge(void **state)
{
	struct buf *b = buf_alloc(64);
	struct pl p;

	(void)state;
	assert_non_null(b);
	assert_int_equal(digest_challenge_print(b, DIGEST_ALG_SHA256,
						"tr\"unk", "NONCE", NULL,
						false),
			 0);
	p = buf_pl(b);
	assert_true(pl_eq_str(&p, "Digest realm=\"tr\\\"unk\", "
				  "nonce=\"NONCE\", algorithm=SHA-256, "
				  "qop=\"auth\""));
	buf_reset(b);
	assert_int_equal(digest_challenge_print(b, DIGEST_ALG_MD5, "r", "N",
						"op", true),
			 0);
	p = buf_pl(b);
	assert_true(pl_eq_str(&p, "Digest realm=\"r\", nonce=\"N\", "
				  "opaque=\"op\", algorithm=MD5, "
				  "qop=\"auth\", stale=true"));
	assert_int_equal(digest_challenge_print(b, DIGEST_ALG_MD5, NULL, "N",
						NULL, false),
			 EINVAL);
	mem_deref(b);
}

static void test_nonce(void **state)
{
	struct digest_ctx *ctx = NULL, *other = NULL, *same = NULL;
	static const uint8_t key[16] = "0123456789abcdef";
	char n[DIGEST_NONCE_LEN + 1], n2[DIGEST_NONCE_LEN + 1];
	struct pl p;

	(void)state;
	clock_mock_set(1000000);
	assert_int_equal(digest_ctx_alloc(&ctx, key, sizeof(key), 60, 0), 0);
	assert_int_equal(digest_ctx_alloc(&same, key, sizeof(key), 60, 0), 0);
	assert_int_equal(digest_ctx_alloc(&other, NULL, 0, 0, 0), 0);
	assert_int_equal(digest_ctx_alloc(&other, key, 8, 0, 0), EINVAL);
	assert_int_equal(digest_nonce_make(ctx, n, sizeof(n) - 1), ENOSPC);
	assert_int_equal(digest_nonce_make(ctx, n, sizeof(n)), 0);
	assert_int_equal(strlen(n), DIGEST_NONCE_LEN);
	assert_int_equal(digest_nonce_make(ctx, n2, sizeof(n2)), 0);
	assert_string_not_equal(n, n2);
	pl_set_str(&p, n);
	assert_int_equal(digest_nonce_check(ctx, &p), 0);
	assert_int_equal(digest_nonce_check(same, &p), 0);
	assert_int_equal(digest_nonce_check(other, &p), EPERM);
	/* tampered */
	n[3] = n[3] == 'A' ? 'B' : 'A';
	assert_int_equal(digest_nonce_check(ctx, &p), EPERM);
	n[3] = n2[3]; /* may or may not restore; rebuild instead */
	assert_int_equal(digest_nonce_make(ctx, n, sizeof(n)), 0);
	p.l = 10;
	assert_int_equal(digest_nonce_check(ctx, &p), EPERM);
	p = PL("dcd98b7102dd2f0e8b11d0f600bfb0c093");
	assert_int_equal(digest_nonce_check(ctx, &p), EPERM);
	/* expiry */
	pl_set_str(&p, n);
	clock_mock_advance(60000);
	assert_int_equal(digest_nonce_check(ctx, &p), 0);
	clock_mock_advance(1);
	assert_int_equal(digest_nonce_check(ctx, &p), ESTALE);
	/* from the future (clock went back) */
	clock_mock_set(1000);
	assert_int_equal(digest_nonce_check(ctx, &p), EPERM);
	clock_mock_off();
	mem_deref(ctx);
	mem_deref(same);
	mem_deref(other);
}

static void test_replay(void **state)
{
	struct digest_ctx *ctx = NULL;
	char n[DIGEST_NONCE_LEN + 1], first[DIGEST_NONCE_LEN + 1];
	struct pl p, pf;
	int i;

	(void)state;
	clock_mock_set(5000);
	assert_int_equal(digest_ctx_alloc(&ctx, NULL, 0, 300, 16), 0);
	assert_int_equal(digest_nonce_make(ctx, first, sizeof(first)), 0);
	pl_set_str(&pf, first);
	assert_int_equal(digest_replay_check(ctx, &pf, 1), 0);
	assert_int_equal(digest_replay_check(ctx, &pf, 1), EALREADY);
	assert_int_equal(digest_replay_check(ctx, &pf, 2), 0);
	assert_int_equal(digest_replay_check(ctx, &pf, 2), EALREADY);
	p = PL("bogus");
	assert_int_equal(digest_replay_check(ctx, &p, 1), EPERM);
	/* fill the cache with later nonces: the first one's pairs get
	 * evicted, and the first nonce must turn stale, not replayable */
	for (i = 0; i < 16; i++) {
		clock_mock_advance(10);
		assert_int_equal(digest_nonce_make(ctx, n, sizeof(n)), 0);
		pl_set_str(&p, n);
		assert_int_equal(digest_replay_check(ctx, &p, 1), 0);
	}
	assert_int_equal(digest_replay_check(ctx, &pf, 1), ESTALE);
	assert_int_equal(digest_nonce_check(ctx, &pf), ESTALE);
	/* the latest one is still remembered */
	assert_int_equal(digest_replay_check(ctx, &p, 1), EALREADY);
	assert_int_equal(digest_nonce_check(ctx, &p), 0);
	/* after expiry everything is stale, entries get recycled */
	clock_mock_advance(301000);
	assert_int_equal(digest_replay_check(ctx, &p, 1), ESTALE);
	assert_int_equal(digest_nonce_make(ctx, n, sizeof(n)), 0);
	pl_set_str(&p, n);
	assert_int_equal(digest_replay_check(ctx, &p, 7), 0);
	assert_int_equal(digest_replay_check(ctx, &p, 7), EALREADY);
	clock_mock_off();
	mem_deref(ctx);
}

static void test_replay_many(void **state)
{
	struct digest_ctx *ctx = NULL;
	char n[DIGEST_NONCE_LEN + 1];
	struct pl p;
	uint32_t nc;

	(void)state;
	clock_mock_set(1);
	assert_int_equal(digest_ctx_alloc(&ctx, NULL, 0, 300, 4096), 0);
	assert_int_equal(digest_nonce_make(ctx, n, sizeof(n)), 0);
	pl_set_str(&p, n);
	for (nc = 1; nc <= 3000; nc++)
		assert_int_equal(digest_replay_check(ctx, &p, nc), 0);
	for (nc = 1; nc <= 3000; nc += 97)
		assert_int_equal(digest_replay_check(ctx, &p, nc), EALREADY);
	clock_mock_off();
	mem_deref(ctx);
}

static void test_oom(void **state)
{
	struct digest_ctx *ctx = NULL;
	int n, err;

	(void)state;
	for (n = 0; n < 4; n++) {
		mem_threshold_set(n);
		err = digest_ctx_alloc(&ctx, NULL, 0, 0, 0);
		mem_threshold_set(-1);
		if (!err) {
			char nonce[DIGEST_NONCE_LEN + 1];
			struct pl p;

			assert_int_equal(
				digest_nonce_make(ctx, nonce, sizeof(nonce)),
				0);
			pl_set_str(&p, nonce);
			mem_threshold_set(0);
			err = digest_replay_check(ctx, &p, 1);
			mem_threshold_set(-1);
			assert_int_equal(err, ENOMEM);
			assert_int_equal(digest_replay_check(ctx, &p, 1), 0);
			ctx = mem_deref(ctx);
		} else {
			assert_int_equal(err, ENOMEM);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_ha1),
		LEAKCHECK_TEST(test_rfc2617_md5),
		LEAKCHECK_TEST(test_rfc7616),
		LEAKCHECK_TEST(test_no_qop),
		LEAKCHECK_TEST(test_parse_escapes),
		LEAKCHECK_TEST(test_parse_errors),
		LEAKCHECK_TEST(test_challenge),
		LEAKCHECK_TEST(test_nonce),
		LEAKCHECK_TEST(test_replay),
		LEAKCHECK_TEST(test_replay_many),
		LEAKCHECK_TEST(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
