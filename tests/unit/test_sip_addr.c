/* Unit tests for src/sip/addr.c: name-addr / addr-spec. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include "leakcheck.h"
#include "sip/addr.h"

static int dec(struct sip_addr *a, const char *s)
{
	struct pl pl;

	pl_set_str(&pl, s);
	return sip_addr_decode(a, &pl);
}

static void test_name_addr(void **state)
{
	struct sip_addr a;

	(void)state;
	assert_int_equal(dec(&a, " \"J Rosenberg \\\\\\\"\"  <sip:j@e.com>\r\n"
				 "  ;\r\n  tag = 98asjd8 "),
			 0);
	assert_true(pl_eq_str(&a.dname, "\"J Rosenberg \\\\\\\"\""));
	assert_true(pl_eq_str(&a.uri.raw, "sip:j@e.com"));
	assert_true(pl_eq_str(&a.tag, "98asjd8"));
	assert_false(a.star);

	assert_int_equal(dec(&a, "caller<sip:caller@example.com>;tag=323"), 0);
	assert_true(pl_eq_str(&a.dname, "caller"));
	assert_true(pl_eq_str(&a.tag, "323"));

	assert_int_equal(dec(&a, "token1~` token2'+_ <sip:m@e.com>"), 0);
	assert_true(pl_eq_str(&a.dname, "token1~` token2'+_"));

	assert_int_equal(dec(&a, "<sip:a@b;lr;x=y?h=v>;expires=5;q=0.5"), 0);
	assert_int_equal(a.dname.l, 0);
	assert_true(pl_eq_str(&a.uri.params, ";lr;x=y"));
	assert_true(pl_eq_str(&a.params, ";expires=5;q=0.5"));
	assert_int_equal(a.tag.l, 0);

	assert_int_equal(dec(&a, "\"%Z%45\" <sip:resource@example.com>"), 0);
	assert_int_equal(dec(&a, "<http://www.example.com>;tag=3"), 0);
	assert_int_equal(a.uri.scheme, SIP_URI_OTHER);
	assert_int_equal(dec(&a, "*"), 0);
	assert_true(a.star);
}

static void test_addr_spec(void **state)
{
	struct sip_addr a;

	(void)state;
	/* params after an addr-spec belong to the header */
	assert_int_equal(dec(&a, "sip:user@example.com;tag=1;x"), 0);
	assert_true(pl_eq_str(&a.uri.raw, "sip:user@example.com"));
	assert_true(pl_eq_str(&a.params, ";tag=1;x"));
	assert_true(pl_eq_str(&a.tag, "1"));
	assert_int_equal(a.dname.l, 0);
	assert_int_equal(dec(&a, "isbn:2983792873"), 0);
	assert_int_equal(dec(&a, "sip:j@e.com ;   tag    = 1918181833n"), 0);
	assert_true(pl_eq_str(&a.tag, "1918181833n"));
}

static void test_bad(void **state)
{
	struct sip_addr a;

	(void)state;
	assert_int_equal(dec(&a, ""), EBADMSG);
	assert_int_equal(dec(&a, "\"Mr. J. User <sip:j@example.com>"),
			 EBADMSG);
	assert_int_equal(dec(&a, "Bell, Alexander <sip:a@example.com>"),
			 EBADMSG);
	assert_int_equal(dec(&a, "\"W\" < sip:t@example.org >"), EBADMSG);
	assert_int_equal(dec(&a, "sip:u@example.com?Route=%3Csip:x%3E"),
			 EBADMSG);
	assert_int_equal(dec(&a, "<sip:a@b"), EBADMSG);
	assert_int_equal(dec(&a, "<sip:a@b>;;"), EBADMSG);
	assert_int_equal(dec(&a, "<sip:a@b>;tag="), EBADMSG);
	assert_int_equal(dec(&a, "<sip:a@b> junk"), EBADMSG);
	assert_int_equal(dec(&a, "\"x\" sip:a@b"), EBADMSG);
	assert_int_equal(dec(&a, "<>"), EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_name_addr),
		LEAKCHECK_TEST(test_addr_spec),
		LEAKCHECK_TEST(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
