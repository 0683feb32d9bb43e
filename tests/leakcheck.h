/* Every unit test asserts it leaked no mem blocks: setup records the live
 * block count, teardown compares. Use LEAKCHECK_TEST(fn) in place of
 * cmocka_unit_test(fn). */
#ifndef TRUNKD_TESTS_LEAKCHECK_H
#define TRUNKD_TESTS_LEAKCHECK_H

#include "base/mem.h"

static size_t leakcheck_blocks;

static inline int leakcheck_setup(void **state)
{
	struct mem_stat st;

	(void)state;
	mem_stat_get(&st);
	leakcheck_blocks = st.blocks;
	return 0;
}

static inline int leakcheck_teardown(void **state)
{
	struct mem_stat st;

	(void)state;
	mem_stat_get(&st);
	if (st.blocks != leakcheck_blocks) {
		print_error("leaked %zu mem blocks\n",
			    st.blocks - leakcheck_blocks);
		return -1;
	}
	return 0;
}

#define LEAKCHECK_TEST(fn)                                   \
	cmocka_unit_test_setup_teardown(fn, leakcheck_setup, \
					leakcheck_teardown)

#endif
