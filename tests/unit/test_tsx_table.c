/* Unit tests for the transaction table (src/tsx/table.c): open addressing
 * with linear probing and backward-shift deletion, checked against a
 * plain array model under colliding keys, wrap-around and growth. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "leakcheck.h"
#include "tsx/tsx_int.h"

enum { NX = 3000 };

/* The table stores pointers and never dereferences them: fake ones. */
static struct tsx *fake(size_t i)
{
	static char pool[NX + 1];

	return (struct tsx *)(void *)&pool[i + 1];
}

static size_t count_key(const struct tsx_table *t, uint32_t key,
			struct tsx *want, bool *found)
{
	size_t pos = TSX_TABLE_START, n = 0;
	struct tsx *tx;

	*found = false;
	while ((tx = tsx_table_next(t, key, &pos))) {
		n++;
		if (tx == want)
			*found = true;
	}
	return n;
}

static unsigned long lcg(unsigned long *s)
{
	*s = *s * 6364136223846793005ul + 1442695040888963407ul;
	return *s >> 33;
}

/* Keys that crowd a few home slots, some at the end of the array
 * whatever its size (low bits all ones), so probe runs wrap around to
 * slot 0. */
static uint32_t key_of(size_t i)
{
	return (uint32_t)(i % 7 == 0 ? 0xfffffu - i % 3 : i % 61) |
	       (uint32_t)(i % 5) << 24;
}

static void test_tsx_table_model(void **state)
{
	struct tsx_table t;
	static bool in[NX];
	unsigned long seed = 7;
	size_t n = 0;

	(void)state;
	memset(in, 0, sizeof(in));
	assert_int_equal(tsx_table_init(&t, 64), 0);
	assert_int_equal(t.mask, 63);
	for (int round = 0; round < 40000; round++) {
		size_t i = lcg(&seed) % NX;
		uint32_t key = key_of(i);
		bool found;

		if (in[i]) {
			tsx_table_del(&t, key, fake(i));
			in[i] = false;
			n--;
		} else {
			assert_int_equal(tsx_table_add(&t, key, fake(i)), 0);
			in[i] = true;
			n++;
		}
		assert_int_equal(t.n, n);
		/* at most half full */
		assert_true(t.n * 2 <= t.mask + 1);
		if (round % 997 == 0) {
			for (size_t k = 0; k < NX; k++) {
				size_t same = 0;

				for (size_t j = k % 5; j < NX; j += 5)
					if (in[j] && key_of(j) == key_of(k))
						same++;
				assert_int_equal(count_key(&t, key_of(k),
							   fake(k), &found),
						 same);
				assert_true(found == in[k]);
			}
		}
	}
	/* teardown order: every entry once, removals allowed */
	{
		size_t pos = 0, seen = 0;
		struct tsx *tx;

		while ((tx = tsx_table_any(&t, &pos))) {
			size_t i = (size_t)((char *)(void *)tx -
					    (char *)(void *)fake(0));

			assert_true(in[i]);
			in[i] = false;
			tsx_table_del(&t, key_of(i), tx);
			seen++;
		}
		assert_int_equal(seen, n);
		assert_int_equal(t.n, 0);
	}
	/* removing what is not there changes nothing */
	tsx_table_del(&t, 5, fake(5));
	assert_int_equal(t.n, 0);
	tsx_table_release(&t);
}

static void test_tsx_table_oom(void **state)
{
	struct tsx_table t;
	size_t i;

	(void)state;
	mem_threshold_set(0);
	assert_int_equal(tsx_table_init(&t, 16), ENOMEM);
	mem_threshold_set(-1);
	assert_int_equal(tsx_table_init(&t, 16), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(tsx_table_add(&t, (uint32_t)i, fake(i)), 0);
	/* the ninth needs a bigger array */
	mem_threshold_set(0);
	assert_int_equal(tsx_table_reserve(&t), ENOMEM);
	assert_int_equal(tsx_table_add(&t, 8, fake(8)), ENOMEM);
	mem_threshold_set(-1);
	assert_int_equal(t.n, 8);
	assert_int_equal(tsx_table_add(&t, 8, fake(8)), 0);
	assert_int_equal(t.mask, 31);
	for (i = 0; i < 9; i++) {
		bool found;

		assert_int_equal(count_key(&t, (uint32_t)i, fake(i), &found),
				 1);
		assert_true(found);
	}
	tsx_table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_tsx_table_model),
		LEAKCHECK_TEST(test_tsx_table_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
