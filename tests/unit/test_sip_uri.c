/* Unit tests for src/sip/uri.c (and the scanner helpers it uses). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "leakcheck.h"
#include "sip/msg.h"
#include "sip/uri.h"

static int dec(struct sip_uri *u, const char *s)
{
	struct pl pl;

	pl_set_str(&pl, s);
	return sip_uri_decode(u, &pl);
}

static void test_sip_uri(void **state)
{
	struct sip_uri u;
	struct pl v;

	(void)state;
	assert_int_equal(dec(&u, "sip:alice:secret@Example.COM:5070;"
				 "transport=tcp;lr?subject=hi&x=%20"),
			 0);
	assert_int_equal(u.scheme, SIP_URI_SIP);
	assert_true(pl_eq_str(&u.scheme_pl, "sip"));
	assert_true(pl_eq_str(&u.user, "alice"));
	assert_true(pl_eq_str(&u.password, "secret"));
	assert_true(pl_eq_str(&u.host, "Example.COM"));
	assert_int_equal(u.port, 5070);
	assert_true(pl_eq_str(&u.params, ";transport=tcp;lr"));
	assert_true(pl_eq_str(&u.headers, "?subject=hi&x=%20"));
	assert_true(sip_uri_param(&u, "TRANSPORT", &v));
	assert_true(pl_eq_str(&v, "tcp"));
	assert_true(sip_uri_param(&u, "lr", &v));
	assert_int_equal(v.l, 0);
	assert_false(sip_uri_param(&u, "l", NULL));

	assert_int_equal(dec(&u, "SIPS:[2001:db8::1]:5061"), 0);
	assert_int_equal(u.scheme, SIP_URI_SIPS);
	assert_true(u.host_is_ipv6);
	assert_true(pl_eq_str(&u.host, "[2001:db8::1]"));
	assert_int_equal(u.port, 5061);
	assert_int_equal(u.user.l, 0);

	/* RFC 5118: no port inside the brackets; 3 colons tolerated */
	assert_int_equal(dec(&u, "sip:[2001:db8::10:5070]"), 0);
	assert_int_equal(u.port, 0);
	assert_int_equal(dec(&u, "sip:user@[2001:db8:::192.0.2.1]"), 0);
	assert_int_equal(dec(&u, "sip:2001:db8::10"), EBADMSG);

	/* user part with ';' '?' and escapes (RFC 4475 semiuri, esc01) */
	assert_int_equal(dec(&u, "sip:user;par=u%40example.net@example.com"),
			 0);
	assert_true(pl_eq_str(&u.user, "user;par=u%40example.net"));
	assert_int_equal(u.params.l, 0);
	assert_int_equal(dec(&u, "sip:null-%00-null@example.com"), 0);
	assert_int_equal(dec(&u, "sip:%zz@example.com"), EBADMSG);
	assert_int_equal(dec(&u, "sip:%4@example.com"), EBADMSG);
	assert_int_equal(dec(&u, "sip:example.com;%6C%72"), 0);
}

static void test_other_schemes(void **state)
{
	struct sip_uri u;

	(void)state;
	assert_int_equal(dec(&u, "tel:+1-201-555-0123;phone-context=x"), 0);
	assert_int_equal(u.scheme, SIP_URI_TEL);
	assert_true(pl_eq_str(&u.user, "+1-201-555-0123"));
	assert_true(pl_eq_str(&u.params, ";phone-context=x"));
	assert_int_equal(dec(&u, "tel:"), EBADMSG);
	assert_int_equal(dec(&u, "tel:+1@x"), EBADMSG);
	assert_int_equal(dec(&u, "soap.beep://192.0.2.103:3002"), 0);
	assert_int_equal(u.scheme, SIP_URI_OTHER);
	assert_true(pl_eq_str(&u.scheme_pl, "soap.beep"));
	assert_int_equal(dec(&u, "isbn:2983792873"), 0);
	assert_int_equal(dec(&u, "http://www.example.com"), 0);
	assert_int_equal(dec(&u, "1sip:x"), EBADMSG);
	assert_int_equal(dec(&u, "<sip:x>"), EBADMSG);
	assert_int_equal(dec(&u, "sip:"), EBADMSG);
	assert_int_equal(dec(&u, "sip:a@"), EBADMSG);
	assert_int_equal(dec(&u, "sip:a@b c"), EBADMSG);
	assert_int_equal(dec(&u, "sip:a@b;"), EBADMSG);
	assert_int_equal(dec(&u, "sip:a@b;x="), EBADMSG);
	assert_int_equal(dec(&u, "sip:a@b:99999"), EBADMSG);
	assert_int_equal(dec(&u, "sip:a@b:"), EBADMSG);
	assert_int_equal(dec(&u, "sip:a@b?x"), EBADMSG);
	assert_int_equal(dec(&u, "x:"), EBADMSG);
	assert_int_equal(dec(&u, ""), EBADMSG);
}

static void test_uri_limit(void **state)
{
	static char s[SIP_MSG_MAX_URI_LEN + 2];
	struct sip_uri u;

	(void)state;
	memcpy(s, "sip:", 4);
	memset(s + 4, 'a', sizeof(s) - 5);
	assert_int_equal(dec(&u, s), EMSGSIZE);
	s[SIP_MSG_MAX_URI_LEN] = '\0';
	assert_int_equal(dec(&u, s), 0);
}

static bool cmp(const char *a, const char *b)
{
	struct sip_uri ua, ub;

	assert_int_equal(dec(&ua, a), 0);
	assert_int_equal(dec(&ub, b), 0);
	return sip_uri_cmp(&ua, &ub);
}

/* RFC 3261 §19.1.4 examples */
static void test_uri_cmp(void **state)
{
	(void)state;
	assert_true(cmp("sip:%61lice@atlanta.com;transport=TCP",
			"sip:alice@AtLanTa.CoM;Transport=tcp"));
	assert_true(cmp("sip:carol@chicago.com",
			"sip:carol@chicago.com;newparam=5"));
	assert_true(cmp("sip:carol@chicago.com;security=on",
			"sip:carol@chicago.com;newparam=5"));
	assert_true(cmp("sip:biloxi.com;transport=tcp;method=REGISTER",
			"sip:biloxi.com;method=REGISTER;transport=tcp"));
	assert_false(cmp("SIP:ALICE@AtLanTa.CoM;Transport=udp",
			 "sip:alice@AtLanTa.CoM;Transport=UDP"));
	assert_false(cmp("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
	assert_false(
		cmp("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
	assert_false(cmp("sip:carol@chicago.com;newparam=5",
			 "sip:carol@chicago.com;newparam=6"));
	assert_false(cmp("sip:a@b", "sips:a@b"));
	assert_true(cmp("tel:+1555", "tel:+1555"));
	assert_false(cmp("sip:a@b?subject=x", "sip:a@b"));
}

static void test_param_get(void **state)
{
	struct pl v;

	(void)state;
	assert_true(
		sip_param_get(&PL(" ; tag = 12 ;x=\"q;y\";lr"), "tag", &v));
	assert_true(pl_eq_str(&v, "12"));
	assert_true(sip_param_get(&PL(";x=\"q;y\";lr"), "x", &v));
	assert_true(pl_eq_str(&v, "\"q;y\""));
	assert_true(sip_param_get(&PL(";x=\"q;y\";lr"), "lr", &v));
	assert_false(sip_param_get(&PL(";x=\"q;lr\""), "lr", &v));
	assert_false(sip_param_get(&PL(""), "a", &v));
	assert_false(sip_param_get(&PL(";a"), "ab", &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_sip_uri),
		LEAKCHECK_TEST(test_other_schemes),
		LEAKCHECK_TEST(test_uri_limit),
		LEAKCHECK_TEST(test_uri_cmp),
		LEAKCHECK_TEST(test_param_get),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
