/* Unit tests for src/sip/hdr.c + hdr_id.c: the one header-name table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "leakcheck.h"
#include "sip/hdr.h"

static enum sip_hdr_id id(const char *s)
{
	struct pl pl;

	pl_set_str(&pl, s);
	return sip_hdr_id(&pl);
}

static void test_every_name(void **state)
{
	(void)state;
	for (int i = 1; i < SIP_HDR_COUNT_; i++) {
		const char *n = sip_hdr_name((enum sip_hdr_id)i);
		char up[64], low[64], c = sip_hdr_compact((enum sip_hdr_id)i);
		size_t l;

		assert_non_null(n);
		l = strlen(n);
		assert_true(l < sizeof(up));
		for (size_t k = 0; k <= l; k++) {
			up[k] = (char)(n[k] >= 'a' && n[k] <= 'z' ? n[k] - 32
								  : n[k]);
			low[k] = (char)(n[k] >= 'A' && n[k] <= 'Z' ? n[k] + 32
								   : n[k]);
		}
		assert_int_equal(id(n), i);
		assert_int_equal(id(up), i);
		assert_int_equal(id(low), i);
		/* whole tokens only: no prefix matches ("To" minus its
		 * last letter is "t", To's compact form) */
		low[l - 1] = '\0';
		if (l > 2)
			assert_int_not_equal(id(low), i);
		if (c) {
			char s[2] = {c, 0};

			assert_int_equal(id(s), i);
			s[0] = (char)(c - 32);
			assert_int_equal(id(s), i);
		}
	}
}

static void test_lookup(void **state)
{
	(void)state;
	assert_int_equal(id("Via"), SIP_HDR_VIA);
	assert_int_equal(id("v"), SIP_HDR_VIA);
	assert_int_equal(id("MaX-fOrWaRdS"), SIP_HDR_MAX_FORWARDS);
	assert_int_equal(id("i"), SIP_HDR_CALL_ID);
	assert_int_equal(id("l"), SIP_HDR_CONTENT_LENGTH);
	assert_int_equal(id("C%6Fntact"), SIP_HDR_OTHER);
	assert_int_equal(id("Contacts"), SIP_HDR_OTHER);
	assert_int_equal(id("Contac"), SIP_HDR_OTHER);
	assert_int_equal(id("Call\rID"), SIP_HDR_OTHER);
	assert_int_equal(id("Call_ID"), SIP_HDR_OTHER);
	assert_int_equal(id("Via "), SIP_HDR_OTHER);
	assert_int_equal(id("q"), SIP_HDR_OTHER);
	assert_int_equal(id(""), SIP_HDR_OTHER);
	assert_null(sip_hdr_name(SIP_HDR_OTHER));
	assert_null(sip_hdr_name(SIP_HDR_COUNT_));
	assert_string_equal(sip_hdr_name(SIP_HDR_CALL_ID), "Call-ID");
	assert_true(sip_hdr_is_list(SIP_HDR_VIA));
	assert_true(sip_hdr_is_list(SIP_HDR_CONTACT));
	assert_true(sip_hdr_is_list(SIP_HDR_ROUTE));
	assert_false(sip_hdr_is_list(SIP_HDR_TO));
	assert_false(sip_hdr_is_list(SIP_HDR_AUTHORIZATION));
	assert_false(sip_hdr_is_list(SIP_HDR_OTHER));
	assert_int_equal(sip_hdr_compact(SIP_HDR_CONTACT), 'm');
	assert_int_equal(sip_hdr_compact(SIP_HDR_CSEQ), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_every_name),
		LEAKCHECK_TEST(test_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
