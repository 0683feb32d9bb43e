/* Unit tests for src/net/rand: buffered random tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "net/rand.h"

static void test_token_shape(void **state)
{
	char buf[80];

	(void)state;
	for (size_t sz = 1; sz < sizeof(buf); sz++) {
		memset(buf, 'X', sizeof(buf));
		net_rand_token(buf, sz);
		size_t want = sz - 1 > 64 ? 64 : sz - 1;

		assert_int_equal(strlen(buf), want);
		for (size_t i = 0; i < want; i++)
			assert_non_null(strchr("0123456789abcdef", buf[i]));
		assert_int_equal(buf[sz - 1 > 64 ? 65 : sz], 'X');
	}
	net_rand_token(NULL, 10); /* no crash */
	buf[0] = 'X';
	net_rand_token(buf, 0);
	assert_int_equal(buf[0], 'X');
}

/* Many tokens, across several 4 KB refills: all distinct, and every hex
 * digit about equally frequent in every position (both nibbles of a
 * byte are used). */
static void test_token_unique_uniform(void **state)
{
	enum { N = 4000, L = 16 };
	static char tok[N][L + 1];
	unsigned count[L][16];

	(void)state;
	memset(count, 0, sizeof(count));
	for (int i = 0; i < N; i++) {
		net_rand_token(tok[i], sizeof(tok[i]));
		for (int j = 0; j < L; j++) {
			char c = tok[i][j];

			count[j][c <= '9' ? c - '0' : c - 'a' + 10]++;
		}
	}
	for (int i = 0; i < N; i++)
		for (int k = i + 1; k < N; k++)
			assert_string_not_equal(tok[i], tok[k]);
	/* expected 250 per cell; 120..400 is > 8 sigma either way */
	for (int j = 0; j < L; j++)
		for (int d = 0; d < 16; d++) {
			assert_true(count[j][d] > 120);
			assert_true(count[j][d] < 400);
		}
}

static void test_u32(void **state)
{
	uint32_t or = 0, and = ~0u;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		uint32_t v = net_rand_u32();

		or |= v;
		and &= v;
	}
	assert_int_equal(or, ~0u);
	assert_int_equal(and, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_shape),
		cmocka_unit_test(test_token_unique_uniform),
		cmocka_unit_test(test_u32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
