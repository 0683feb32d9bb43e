/* Unit tests for src/policy cps, channels, deny and codec. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "leakcheck.h"
#include "policy/channels.h"
#include "policy/codec.h"
#include "policy/cps.h"
#include "policy/deny.h"

static void test_bucket(void **state)
{
	struct cps_bucket b;
	int i, ok = 0;

	(void)state;
	memset(&b, 0, sizeof(b));
	/* limit 1: one call, then one per second */
	assert_true(cps_bucket_take(&b, 1, 1000));
	assert_false(cps_bucket_take(&b, 1, 1000));
	assert_false(cps_bucket_take(&b, 1, 1999));
	assert_true(cps_bucket_take(&b, 1, 2000));
	/* a long idle time refills only up to the burst */
	assert_true(cps_bucket_take(&b, 1, 100000));
	assert_false(cps_bucket_take(&b, 1, 100000));
	/* limit 10: burst of 10, then 1 per 100 ms */
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 20; i++)
		ok += cps_bucket_take(&b, 10, 5000);
	assert_int_equal(ok, 10);
	assert_false(cps_bucket_take(&b, 10, 5099));
	assert_true(cps_bucket_take(&b, 10, 5100));
	/* over 10 s at limit 10: about 100 more */
	for (i = 0, ok = 0; i < 10000; i++)
		ok += cps_bucket_take(&b, 10, 5100 + (uint64_t)i);
	assert_in_range(ok, 99, 100);
	/* time going backwards takes nothing */
	assert_false(cps_bucket_take(&b, 10, 10));
	/* unlimited */
	assert_true(cps_bucket_take(&b, 0, 0));
	assert_false(cps_bucket_take(NULL, 1, 0));
}

static void test_cps_table(void **state)
{
	struct cps_table *t = NULL;
	struct pl a = PL("TKaaaa"), b = PL("TKbbbb");

	(void)state;
	clock_mock_set(1000);
	assert_int_equal(cps_table_alloc(&t), 0);
	assert_int_equal(cps_take(t, &a, 1), 0);
	assert_int_equal(cps_take(t, &a, 1), EBUSY);
	assert_int_equal(cps_take(t, &b, 2), 0);
	assert_int_equal(cps_take(t, &b, 2), 0);
	assert_int_equal(cps_take(t, &b, 2), EBUSY);
	assert_int_equal(cps_take(t, &a, 0), 0);
	clock_mock_advance(1000);
	assert_int_equal(cps_take(t, &a, 1), 0);
	assert_int_equal(cps_table_count(t), 2);
	assert_int_equal(cps_take(t, NULL, 1), EINVAL);
	mem_threshold_set(0);
	assert_int_equal(cps_take(t, &PL("TKnew"), 1), ENOMEM);
	mem_threshold_set(-1);
	clock_mock_off();
	mem_deref(t);
}

static void test_channels(void **state)
{
	struct chan_table *t = NULL;
	struct pl a = PL("TKaaaa"), b = PL("TKbbbb");
	int i;

	(void)state;
	assert_int_equal(chan_table_alloc(&t), 0);
	assert_int_equal(chan_limit(0, false), 0);
	assert_int_equal(chan_limit(10, false), 10);
	assert_int_equal(chan_limit(10, true), 4);
	assert_int_equal(chan_limit(0, true), 4);
	assert_int_equal(chan_limit(2, true), 2);
	for (i = 0; i < 4; i++)
		assert_int_equal(chan_acquire(t, &a, chan_limit(0, true)), 0);
	assert_int_equal(chan_acquire(t, &a, 4), EBUSY);
	assert_int_equal(chan_count(t, &a), 4);
	assert_int_equal(chan_acquire(t, &b, 1), 0);
	assert_int_equal(chan_acquire(t, &b, 1), EBUSY);
	assert_int_equal(chan_release(t, &a), 0);
	assert_int_equal(chan_acquire(t, &a, 4), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(chan_release(t, &a), 0);
	assert_int_equal(chan_release(t, &a), ENOENT);
	assert_int_equal(chan_count(t, &a), 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(chan_acquire(t, &a, 0), 0);
	assert_int_equal(chan_count(t, &a), 1000);
	mem_threshold_set(0);
	assert_int_equal(chan_acquire(t, &PL("TKnew"), 1), ENOMEM);
	mem_threshold_set(-1);
	mem_deref(t); /* frees held entries */
}

static bool dm(const struct deny *d, const char *s)
{
	struct pl p;

	pl_set_str(&p, s);
	return deny_match(d, &p);
}

static int dadd(struct deny *d, const char *s, enum deny_kind k)
{
	struct pl p;

	pl_set_str(&p, s);
	return deny_add(d, &p, k);
}

static void test_deny(void **state)
{
	struct deny *d = NULL;
	char num[20];
	int i;

	(void)state;
	assert_int_equal(deny_alloc(&d), 0);
	assert_false(dm(d, "+15551234567"));
	assert_int_equal(dadd(d, "+15551234567", DENY_EXACT), 0);
	assert_int_equal(dadd(d, "+1900", DENY_PREFIX), 0);
	assert_int_equal(dadd(d, "4420", DENY_PREFIX), 0);
	assert_int_equal(dadd(d, "+4420", DENY_PREFIX), 0); /* dup */
	assert_int_equal(deny_count(d), 3);
	assert_true(dm(d, "+15551234567"));
	assert_true(dm(d, "15551234567"));
	assert_false(dm(d, "+155512345678"));
	assert_false(dm(d, "+1555123456"));
	assert_true(dm(d, "+19005550000"));
	assert_true(dm(d, "+1900"));
	assert_false(dm(d, "+190"));
	assert_true(dm(d, "+442071234567"));
	assert_false(dm(d, "+4421"));
	assert_false(dm(d, "+1900x"));
	assert_false(dm(d, ""));
	assert_int_equal(dadd(d, "", DENY_EXACT), EINVAL);
	assert_int_equal(dadd(d, "+", DENY_EXACT), EINVAL);
	assert_int_equal(dadd(d, "12a", DENY_EXACT), EINVAL);
	assert_int_equal(dadd(d, "1234567890123456", DENY_EXACT), EINVAL);
	assert_int_equal(dadd(d, "123", (enum deny_kind)7), EINVAL);
	/* many entries */
	for (i = 0; i < 20000; i++) {
		snprintf(num, sizeof(num), "+4930%07d", i * 37);
		assert_int_equal(dadd(d, num, DENY_EXACT), 0);
	}
	assert_int_equal(deny_count(d), 20003);
	assert_true(dm(d, "+49300000037"));
	assert_false(dm(d, "+49300000038"));
	/* exact and prefix on the same digits */
	assert_int_equal(dadd(d, "+4930", DENY_PREFIX), 0);
	assert_true(dm(d, "+49300000038"));
	mem_deref(d);
	/* a failed growth leaves the trie as it was */
	assert_int_equal(deny_alloc(&d), 0);
	mem_threshold_set(0);
	assert_int_equal(dadd(d, "+111111111111111", DENY_EXACT), 0);
	assert_int_equal(dadd(d, "+222222222222222", DENY_EXACT), ENOMEM);
	mem_threshold_set(-1);
	assert_true(dm(d, "+111111111111111"));
	assert_false(dm(d, "+222222222222222"));
	assert_int_equal(deny_count(d), 1);
	mem_deref(d);
}

static void test_codec(void **state)
{
	struct codec_offer o[] = {
		{.pt = 18, .name = PL_INIT},
		{.pt = 8, .name = PL_INIT},
		{.pt = 0, .name = PL_INIT},
		{.pt = 101, .name = PL("telephone-event")},
		{.pt = 96, .name = PL("opus")},
	};
	uint8_t kept[8];
	size_t n = 99;

	(void)state;
	assert_string_equal(codec_static_name(0), "PCMU");
	assert_string_equal(codec_static_name(8), "PCMA");
	assert_null(codec_static_name(1));
	assert_null(codec_static_name(96));
	/* default: PCMU only */
	assert_int_equal(codec_filter(NULL, o, 5, kept, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(kept[0], 0);
	assert_int_equal(kept[1], 101);
	/* offer order kept */
	assert_int_equal(codec_filter(" pcma , PCMU,", o, 5, kept, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(kept[0], 8);
	assert_int_equal(kept[1], 0);
	assert_int_equal(kept[2], 101);
	assert_int_equal(codec_filter("OPUS", o, 5, kept, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(kept[1], 96);
	/* telephone-event alone is no codec */
	n = 99;
	assert_int_equal(codec_filter("G722", o, 5, kept, &n), ENOENT);
	assert_int_equal(n, 99);
	assert_int_equal(codec_filter("PCMU", o + 3, 1, kept, &n), ENOENT);
	assert_int_equal(codec_filter("PCMU", NULL, 0, kept, &n), ENOENT);
	assert_int_equal(codec_filter("PCMU", NULL, 2, kept, &n), EINVAL);
	/* rtpmap name wins over the static table; PCM is not PCMU */
	{
		struct codec_offer r[] = {{.pt = 0, .name = PL("PCMA")},
					  {.pt = 97, .name = PL("PCM")}};

		assert_int_equal(codec_filter("PCMU", r, 2, kept, &n), ENOENT);
		assert_int_equal(codec_filter("PCMA", r, 2, kept, &n), 0);
		assert_int_equal(n, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_bucket),   LEAKCHECK_TEST(test_cps_table),
		LEAKCHECK_TEST(test_channels), LEAKCHECK_TEST(test_deny),
		LEAKCHECK_TEST(test_codec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
