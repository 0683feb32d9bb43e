/* Unit tests for src/policy/numbering and e164. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "leakcheck.h"
#include "policy/e164.h"
#include "policy/numbering.h"
#include "policy/numbering_int.h"

static const char *iso_of(const char *digits)
{
	const struct numbering_country *c =
		numbering_country_of(digits, strlen(digits));

	return c ? c->iso : "-";
}

static void test_country_of(void **state)
{
	(void)state;
	assert_string_equal(iso_of("12125551234"), "US");
	assert_string_equal(iso_of("14165551234"), "CA");
	assert_string_equal(iso_of("16045551234"), "CA");
	assert_string_equal(iso_of("18765551234"), "JM");
	assert_string_equal(iso_of("17875551234"), "PR");
	assert_string_equal(iso_of("12425551234"), "BS");
	assert_string_equal(iso_of("18095551234"), "DO");
	assert_string_equal(iso_of("18005551234"), "US"); /* toll free */
	assert_string_equal(iso_of("74951234567"), "RU");
	assert_string_equal(iso_of("77011234567"), "KZ");
	assert_string_equal(iso_of("442071234567"), "GB");
	assert_string_equal(iso_of("441481234567"), "GG");
	assert_string_equal(iso_of("441624123456"), "IM");
	assert_string_equal(iso_of("447781123456"), "GG");
	assert_string_equal(iso_of("33123456789"), "FR");
	assert_string_equal(iso_of("4930123456"), "DE");
	assert_string_equal(iso_of("390669812345"), "VA");
	assert_string_equal(iso_of("390612345678"), "IT");
	assert_string_equal(iso_of("358181234567"), "AX");
	assert_string_equal(iso_of("35891234567"), "FI");
	assert_string_equal(iso_of("3545551234"), "IS");
	assert_string_equal(iso_of("88213"), "-"); /* non-geographic */
	assert_string_equal(iso_of("80012345678"), "-");
	assert_string_equal(iso_of("0123"), "-");
	assert_string_equal(iso_of("1a"), "-");
	assert_null(numbering_country_of(NULL, 3));
	assert_null(numbering_country_of("1", 0));
}

static void test_country_table(void **state)
{
	const struct numbering_country *c, *prev = NULL;
	unsigned cont;
	char buf[8];
	size_t i, n = numbering_country_count();

	(void)state;
	assert_true(n > 240);
	for (i = 0; i < n; i++) {
		c = numbering_country_at(i);
		assert_non_null(c);
		assert_int_equal(strlen(c->iso), 2);
		assert_true(c->cc >= 1 && c->cc <= 999);
		assert_true(c->name[0] != '\0');
		assert_true(c->lengths != 0);
		assert_int_equal(numbering_country_index(c), i);
		if (prev)
			assert_true(strcmp(prev->iso, c->iso) < 0);
		assert_ptr_equal(numbering_country_find(c->iso), c);
		assert_true(numbering_continent_name(c->continent)[0]);
		prev = c;
	}
	assert_null(numbering_country_at(n));
	c = numbering_country_find("us");
	assert_non_null(c);
	assert_string_equal(c->name, "United States");
	assert_int_equal(c->cc, 1);
	assert_true(c->main);
	assert_string_equal(numbering_continent_name(c->continent),
			    "NORTH_AMERICA");
	assert_int_equal(numbering_cc_print(c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "+1");
	assert_int_equal(numbering_cc_print(c, buf, 2), ENOSPC);
	c = numbering_country_find("CA");
	assert_false(c->main);
	c = numbering_country_find("GB");
	assert_string_equal(numbering_continent_name(c->continent), "EUROPE");
	assert_string_equal(numbering_continent_name(
				    numbering_country_find("BR")->continent),
			    "SOUTH_AMERICA");
	assert_string_equal(numbering_continent_name(
				    numbering_country_find("AU")->continent),
			    "OCEANIA");
	assert_null(numbering_country_find("ZZ"));
	assert_null(numbering_country_find("USA"));
	assert_null(numbering_country_find(NULL));
	assert_int_equal(numbering_continent_decode("europe", &cont), 0);
	assert_int_equal(cont, NUMBERING_EUROPE);
	assert_int_equal(numbering_continent_decode("Atlantis", &cont),
			 EINVAL);
	assert_string_equal(numbering_continent_name(99), "");
	assert_non_null(strstr(numbering_source(), "libphonenumber-js"));
}

/* The longest table prefix of d, by a linear scan: what the searches
 * must agree with. */
static const struct numbering_country *country_linear(const char *d)
{
	size_t best = 0, bi = 0, l;

	for (size_t i = 0; i < numbering_prefix_n; i++) {
		l = strlen(numbering_prefixes[i].digits);
		if (l > best && !strncmp(d, numbering_prefixes[i].digits, l)) {
			best = l;
			bi = i;
		}
	}
	if (!best || numbering_prefixes[bi].country == NUMBERING_NONE)
		return NULL;
	return &numbering_countries[numbering_prefixes[bi].country];
}

static bool high_risk_linear(const char *d)
{
	for (size_t i = 0; i < numbering_hr_all_n; i++)
		if (!strncmp(d, numbering_hr_all[i],
			     strlen(numbering_hr_all[i])))
			return true;
	return false;
}

/* Every table entry, cut and extended, and numbers around each: the
 * prefix searches give what a linear scan gives. */
static void test_prefix_search_agrees(void **state)
{
	char d[32];
	size_t ntab[2] = {numbering_prefix_n, numbering_hr_all_n};
	unsigned seed = 12345;

	(void)state;
	for (int t = 0; t < 2; t++) {
		for (size_t i = 0; i < ntab[t]; i++) {
			const char *e = t ? numbering_hr_all[i]
					  : numbering_prefixes[i].digits;
			size_t el = strlen(e);

			for (size_t cut = 1; cut <= el + 6 && cut < 20;
			     cut++) {
				memcpy(d, e, el < cut ? el : cut);
				for (size_t k = el; k < cut; k++) {
					seed = seed * 1103515245u + 12345u;
					d[k] = (char)('0' + (seed >> 16) % 10);
				}
				d[cut] = '\0';
				assert_ptr_equal(numbering_country_of(d, cut),
						 country_linear(d));
				assert_int_equal(
					numbering_is_high_risk(d, cut),
					high_risk_linear(d));
			}
		}
	}
}

static void test_cc_and_lengths(void **state)
{
	uint16_t cc = 0;
	const struct numbering_country *us = numbering_country_find("US");
	const struct numbering_country *de = numbering_country_find("DE");

	(void)state;
	assert_int_equal(numbering_cc_match("15551234567", 11, &cc), 1);
	assert_int_equal(cc, 1);
	assert_int_equal(numbering_cc_match("358401234", 9, &cc), 3);
	assert_int_equal(cc, 358);
	assert_int_equal(numbering_cc_match("8821234", 7, &cc), 3);
	assert_int_equal(cc, 882);
	assert_int_equal(numbering_cc_match("2891234", 7, &cc), 0);
	assert_int_equal(numbering_cc_match("0", 1, &cc), 0);
	assert_int_equal(numbering_cc_match("", 0, &cc), 0);
	assert_true(numbering_length_valid(us, 11));
	assert_false(numbering_length_valid(us, 12));
	assert_false(numbering_length_valid(us, 1));
	assert_true(numbering_length_valid(de, 12));
	assert_false(numbering_length_valid(NULL, 11));
}

static int count_prefix(const char *p, void *arg)
{
	size_t *n = arg;

	assert_true(p[0] >= '1' && p[0] <= '9');
	(*n)++;
	return 0;
}

static int stop_at_first(const char *p, void *arg)
{
	(void)p;
	(void)arg;
	return 42;
}

static void test_high_risk(void **state)
{
	size_t n = 0;

	(void)state;
	assert_true(numbering_is_high_risk("19005551234", 11));
	assert_false(numbering_is_high_risk("12125551234", 11));
	assert_false(numbering_is_high_risk("18005551234", 11));
	assert_true(numbering_is_high_risk("449012345678", 12));
	assert_false(numbering_is_high_risk("442071234567", 12));
	assert_false(numbering_is_high_risk("x", 1));
	assert_int_equal(
		numbering_high_risk_apply(numbering_country_find("US"),
					  count_prefix, &n),
		0);
	assert_true(n > 0);
	assert_int_equal(
		numbering_high_risk_apply(numbering_country_find("GB"),
					  stop_at_first, NULL),
		42);
}

static void test_e164_valid(void **state)
{
	static const char *const good[] = {
		"+15551234567",	    "+4930123456",  "+12345678",
		"+123456789012345", "+88213456789",
	};
	static const char *const bad[] = {
		"15551234567",	  "+1555123",	 "+1234567890123456", "+",
		"+1555 123 4567", "+2891234567", "+0123456789",	      "",
		"+1555123456a",
	};
	size_t i;
	struct pl p;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		pl_set_str(&p, good[i]);
		if (!e164_is_valid(&p))
			fail_msg("%s should be valid", good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pl_set_str(&p, bad[i]);
		if (e164_is_valid(&p))
			fail_msg("%s should be invalid", bad[i]);
	}
	assert_false(e164_is_valid(NULL));
}

static int uri(const char *s, char *out)
{
	struct pl p;

	pl_set_str(&p, s);
	return e164_from_uri(&p, out, E164_SIZE);
}

static void test_e164_extract(void **state)
{
	char out[E164_SIZE];
	struct pl p;

	(void)state;
	assert_int_equal(uri("sip:+15551234567@trunk.example.com", out), 0);
	assert_string_equal(out, "+15551234567");
	assert_int_equal(uri("SIPS:+15551234567@h:5061;transport=tls", out),
			 0);
	assert_string_equal(out, "+15551234567");
	assert_int_equal(uri("sip:+1-555-123-4567;isub=1@h;user=phone", out),
			 0);
	assert_string_equal(out, "+15551234567");
	assert_int_equal(uri("sip:+1-555-123-4567@h", out), EINVAL);
	assert_int_equal(uri("sip:+1-555@h;user=phonex", out), EINVAL);
	assert_int_equal(uri("tel:+1-(555)-123.4567;ext=22", out), 0);
	assert_string_equal(out, "+15551234567");
	assert_int_equal(uri("tel:5551234;phone-context=+1555", out), EINVAL);
	assert_int_equal(uri("sip:15551234567@h", out), EINVAL);
	assert_int_equal(uri("sip:%2B15551234567@h", out), EINVAL);
	assert_int_equal(uri("sip:+1555:pw@h", out), EINVAL);
	assert_int_equal(uri("sip:+15551234567", out), EINVAL);
	assert_int_equal(uri("http://x", out), EPROTONOSUPPORT);
	assert_int_equal(uri("tel:+", out), EINVAL);
	assert_int_equal(uri("tel:+12345678901234567890", out), EINVAL);
	p = PL("+15551234567");
	assert_int_equal(e164_from_user(&p, false, out, 5), ENOSPC);
	assert_int_equal(e164_from_user(&p, false, out, 13), 0);
	assert_int_equal(e164_from_user(NULL, false, out, 13), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_country_of),
		LEAKCHECK_TEST(test_country_table),
		LEAKCHECK_TEST(test_cc_and_lengths),
		LEAKCHECK_TEST(test_high_risk),
		LEAKCHECK_TEST(test_prefix_search_agrees),
		LEAKCHECK_TEST(test_e164_valid),
		LEAKCHECK_TEST(test_e164_extract),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
