/* Unit tests for src/base: mem, pl, list, hash, buf, clock, sa. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/hash.h"
#include "base/list.h"
#include "base/mem.h"
#include "base/pl.h"
#include "base/sa.h"
#include "base/str.h"
#include "leakcheck.h"

static int dtor_calls;

static void counting_dtor(void *data)
{
	(void)data;
	dtor_calls++;
}

static void test_mem_refcount(void **state)
{
	char *p;

	(void)state;
	dtor_calls = 0;
	p = mem_zalloc(16, counting_dtor);
	assert_non_null(p);
	assert_int_equal(mem_nrefs(p), 1);
	assert_ptr_equal(mem_ref(p), p);
	assert_int_equal(mem_nrefs(p), 2);
	assert_null(mem_deref(p));
	assert_int_equal(dtor_calls, 0);
	assert_null(mem_deref(p));
	assert_int_equal(dtor_calls, 1);
	assert_null(mem_deref(NULL));
}

static void test_mem_threshold(void **state)
{
	void *a, *b;

	(void)state;
	mem_threshold_set(1);
	a = mem_alloc(8, NULL);
	b = mem_alloc(8, NULL);
	mem_threshold_set(-1);
	assert_non_null(a);
	assert_null(b);
	mem_deref(a);
}

static void test_pl(void **state)
{
	struct pl a = PL("Hello"), b = PL("hELLO"), n = PL("4294967296");
	struct pl t = PL("  x y \r\n");
	uint32_t v = 7;
	char buf[4];

	(void)state;
	assert_true(pl_caseeq(&a, &b));
	assert_false(pl_eq(&a, &b));
	assert_int_equal(pl_u32(&n, &v), ERANGE);
	assert_int_equal(v, 7);
	n = PL("42");
	assert_int_equal(pl_u32(&n, &v), 0);
	assert_int_equal(v, 42);
	n = PL("4a");
	assert_int_equal(pl_u32(&n, &v), EINVAL);
	pl_trim(&t);
	assert_true(pl_eq_str(&t, "x y"));
	assert_int_equal(pl_strcpy(&a, buf, sizeof(buf)), ENOSPC);
	assert_int_equal(pl_strcpy(&t, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "x y");
}

struct item {
	struct le le;
	int v;
};

static void test_list_hash(void **state)
{
	struct item it[3] = {{.v = 1}, {.v = 2}, {.v = 3}};
	struct list l = LIST_INIT;
	struct hash *h = NULL;
	struct le *le;
	int sum = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		list_append(&l, &it[i].le, &it[i]);
	list_unlink(&it[1].le);
	LIST_FOREACH(&l, le)
	sum += ((struct item *)le->data)->v;
	assert_int_equal(sum, 4);
	assert_int_equal(list_count(&l), 2);
	list_unlink(&it[0].le);
	list_unlink(&it[2].le);
	assert_true(list_isempty(&l));

	assert_int_equal(hash_alloc(&h, 5), 0);
	hash_append(h, 9, &it[0].le, &it[0]);
	hash_append(h, 17, &it[1].le, &it[1]);
	assert_int_equal(hash_count(h), 2);
	assert_int_equal(list_count(hash_bucket(h, 1)), 2); /* 8 buckets */
	hash_unlink(&it[0].le);
	hash_unlink(&it[1].le);
	mem_deref(h);
	struct pl x = PL("Via"), y = PL("vIA");
	assert_int_equal(hash_plcase(&x), hash_plcase(&y));
}

/* hash_mem: every byte and the length count, and keys that differ only
 * in a counter (branches, tags) spread evenly over a power-of-two table:
 * 65536 keys in 4096 buckets, 16 per bucket on average. */
static void test_hash_spread(void **state)
{
	static uint16_t count[4096];
	char key[64];
	unsigned max = 0;

	(void)state;
	assert_int_not_equal(hash_mem("a", 1), hash_mem("a\0", 2));
	assert_int_not_equal(hash_mem("abcdefgh1", 9),
			     hash_mem("abcdefgh2", 9));
	assert_int_not_equal(hash_mem("1bcdefghi", 9),
			     hash_mem("2bcdefghi", 9));
	assert_int_equal(hash_mem("z9hG4bK", 7), hash_mem("z9hG4bK", 7));
	memset(count, 0, sizeof(count));
	for (unsigned i = 0; i < 65536; i++) {
		int n = snprintf(key, sizeof(key), "z9hG4bK-trunkd-%u", i);

		count[hash_mem(key, (size_t)n) & 4095]++;
	}
	for (unsigned i = 0; i < 4096; i++)
		max = count[i] > max ? count[i] : max;
	assert_true(max <
		    40); /* a Poisson(16) tail: 32 here, 29 with FNV-1a */
}

static void test_buf(void **state)
{
	struct buf *b = buf_alloc(4);
	struct pl pl;

	(void)state;
	assert_non_null(b);
	assert_int_equal(buf_write_str(b, "INVITE "), 0);
	assert_int_equal(buf_printf(b, "sip:%s@%s", "alice", "example.com"),
			 0);
	pl = buf_pl(b);
	assert_true(pl_eq_str(&pl, "INVITE sip:alice@example.com"));
	buf_reset(b);
	assert_int_equal(buf_write_u32(b, 0), 0);
	assert_int_equal(buf_write_u8(b, ' '), 0);
	assert_int_equal(buf_write_u32(b, 4294967295u), 0);
	assert_int_equal(buf_write_u8(b, ' '), 0);
	assert_int_equal(buf_write_u32(b, 100), 0);
	pl = buf_pl(b);
	assert_true(pl_eq_str(&pl, "0 4294967295 100"));
	/* every length of number against snprintf */
	for (uint32_t v = 1, i = 0; i < 40; i++, v = v * 3 + i) {
		char want[16];

		buf_reset(b);
		assert_int_equal(buf_write_u32(b, v), 0);
		snprintf(want, sizeof(want), "%u", v);
		pl = buf_pl(b);
		assert_true(pl_eq_str(&pl, want));
	}
	mem_deref(b);
}

static void test_str(void **state)
{
	char a[8], big[64];
	struct pl pl = PL("ab\0cd");
	size_t n;

	(void)state;
	n = str_join(big, sizeof(big), 0, "<sip:", "x", "@", "h", ">", NULL);
	assert_int_equal(n, 9);
	assert_string_equal(big, "<sip:x@h>");
	n = str_append_u32(big, sizeof(big), n, 4294967295u);
	n = str_append_u32(big, sizeof(big), n, 0);
	assert_string_equal(big, "<sip:x@h>42949672950");
	assert_int_equal(n, strlen(big));
	/* "%.*s" stops at a NUL; an empty pl's p may be NULL */
	n = str_append_pl(big, sizeof(big), 0, &pl);
	assert_int_equal(n, 2);
	pl.p = NULL;
	pl.l = 0;
	n = str_append_pl(big, sizeof(big), n, &pl);
	assert_string_equal(big, "ab");
	/* cut as snprintf: NUL-ended, the full length returned */
	n = str_append(a, sizeof(a), 0, "0123456789");
	assert_int_equal(n, 10);
	assert_string_equal(a, "0123456");
	n = str_append(a, sizeof(a), n, "more");
	assert_int_equal(n, 14);
	assert_string_equal(a, "0123456");
	n = str_append(a, sizeof(a), 6, "xyz");
	assert_int_equal(n, 9);
	assert_string_equal(a, "012345x");
}

/* buf_printf() against snprintf(): the fast path (no flags or width)
 * and the vsnprintf() fallback print the same; a NUL follows the text. */
#define BUF_CMP(...)                                                \
	do {                                                        \
		char want[256];                                     \
		struct buf *cb = buf_alloc(1);                      \
		struct pl got;                                      \
		int wn = snprintf(want, sizeof(want), __VA_ARGS__); \
		assert_non_null(cb);                                \
		assert_int_equal(buf_write_str(cb, ">"), 0);        \
		assert_int_equal(buf_printf(cb, __VA_ARGS__), 0);   \
		got = buf_pl(cb);                                   \
		assert_int_equal(got.l, (size_t)wn + 1);            \
		assert_memory_equal(got.p + 1, want, (size_t)wn);   \
		assert_int_equal(cb->data[cb->pos], 0);             \
		mem_deref(cb);                                      \
	} while (0)

static void test_buf_printf(void **state)
{
	const char *volatile nul = NULL; /* an empty pl's p */
	struct pl pl = PL("abcdef");

	(void)state;
	BUF_CMP("plain text, no conversion");
	BUF_CMP("%s|%.*s|%.3s|%%|%c", "str", 4, "truncated", "abcdef", 'Z');
	BUF_CMP("%.*s", (int)pl.l, pl.p);
	BUF_CMP("[%.*s]", 0, nul);
	BUF_CMP("[%.*s]", -1, "negative precision: whole");
	BUF_CMP("%d %d %d %i", 0, -1, 2147483647, -2147483647 - 1);
	BUF_CMP("%u %u %x %x", 0u, 4294967295u, 0u, 0xdeadbeefu);
	BUF_CMP("%ld %lu %lld %llu", -9223372036854775807L - 1,
		18446744073709551615UL, -5LL, 18446744073709551615ULL);
	BUF_CMP("%zu %zd %lx", (size_t)12345, (ssize_t)-7, 0xabcUL);
	BUF_CMP("%hu %hd %hhu %hhd", (unsigned short)65535, (short)-2,
		(unsigned char)255, (signed char)-3);
	BUF_CMP("SIP/2.0 %u %s\r\nCSeq: %u %.*s\r\n", 200u, "OK", 7u, 6,
		"INVITEX");
	/* the fallback: flags, width, precision on numbers, %p, %f */
	BUF_CMP("%02x|%5u|%-4s|%.3d|%+d", 7u, 42u, "ab", 5, 3);
	BUF_CMP("%08.3f %s", 3.14159, "x");
	BUF_CMP("%s %u then %5u", "fast first", 1u, 7u);
	/* a long string grows the buffer */
	BUF_CMP("%s%s%s", "0123456789012345678901234567890123456789",
		"0123456789012345678901234567890123456789",
		"0123456789012345678901234567890123456789");
}

/* sa_set() takes IPv4 literals exactly as inet_pton() does. */
static void test_sa_set_ipv4(void **state)
{
	static const char *const in[] = {
		"1.2.3.4",	  "0.0.0.0",   "255.255.255.255",
		"127.0.0.1",	  "256.1.1.1", "01.2.3.4",
		"1.2.3.04",	  "1.2.3",     "1.2.3.4.5",
		"1..2.3",	  "1.2.3.",    ".1.2.3",
		"1.2.3.4 ",	  "+1.2.3.4",  "1.2.3.-4",
		"1.2.3.4a",	  "999.0.0.0", "10.0.0.1000",
		"0.0.0.00",	  "",	       "1.2.3.4\0.5",
		"::ffff:1.2.3.4",
	};
	struct sockaddr_storage sa;
	struct in_addr want;
	struct pl pl;

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		int ok = inet_pton(AF_INET, in[i], &want) == 1;
		int err;

		pl_set_str(&pl, in[i]);
		if (i == sizeof(in) / sizeof(in[0]) - 2)
			pl.l = 9; /* a NUL inside: the C string stops there */
		err = sa_set(&sa, &pl, 5060);
		if (ok && pl.l == strlen(in[i])) {
			assert_int_equal(err, 0);
			assert_int_equal(sa.ss_family, AF_INET);
			assert_memory_equal(
				&((struct sockaddr_in *)&sa)->sin_addr, &want,
				sizeof(want));
			assert_int_equal(sa_port(&sa), 5060);
		} else if (!ok && pl.l == strlen(in[i])) {
			assert_true(err != 0 || sa.ss_family == AF_INET6);
		}
	}
}

static void test_clock_mock(void **state)
{
	(void)state;
	clock_mock_set(1000);
	assert_int_equal(clock_now_ms(), 1000);
	clock_mock_advance(500);
	assert_int_equal(clock_now_ms(), 1500);
	clock_mock_off();
	assert_true(clock_now_ms() != 1500);
}

static void test_sa(void **state)
{
	struct sockaddr_storage sa;
	char buf[64];

	(void)state;
	assert_int_equal(sa_parse(&sa, "127.0.0.1:5060", 1), 0);
	assert_int_equal(sa_port(&sa), 5060);
	assert_true(sa_is_loopback(&sa));
	assert_int_equal(sa_print(&sa, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "127.0.0.1:5060");
	assert_int_equal(sa_parse(&sa, "[::1]:5070", 1), 0);
	assert_int_equal(sa_port(&sa), 5070);
	assert_int_equal(sa_print(&sa, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "[::1]:5070");
	assert_int_equal(sa_parse(&sa, "2001:db8::1", 5060), 0);
	assert_int_equal(sa_port(&sa), 5060);
	assert_false(sa_is_private(&sa));
	assert_int_equal(sa_parse(&sa, "192.168.1.2", 5060), 0);
	assert_true(sa_is_private(&sa));
	assert_int_equal(sa_parse(&sa, "172.20.0.1", 5060), 0);
	assert_true(sa_is_private(&sa));
	assert_int_equal(sa_parse(&sa, "172.32.0.1", 5060), 0);
	assert_false(sa_is_private(&sa));
	assert_int_equal(sa_parse(&sa, "1.2.3.4:70000", 1), EINVAL);
	assert_int_equal(sa_parse(&sa, "example.com:5060", 1), EINVAL);
	assert_int_equal(sa_parse(&sa, "[::1", 1), EINVAL);
	assert_int_equal(sa_parse(&sa, "1.2.3.4:", 1), EINVAL);
	assert_int_equal(sa_parse(&sa, "10.0.0.1", 5060), 0);
	assert_int_equal(sa_port(&sa), 5060);
	assert_int_equal(sa_parse(&sa, "::1", 5061), 0);
	assert_int_equal(sa_port(&sa), 5061);
	assert_int_equal(sa_parse(&sa, "[::1]", 5062), 0);
	assert_int_equal(sa_port(&sa), 5062);
	assert_int_equal(sa_parse(&sa, "[::1]x", 1), EINVAL);
	assert_int_equal(sa_parse(&sa, "[::1]:", 1), EINVAL);
	assert_int_equal(sa_parse(&sa, "[[::1]]:5", 1), EINVAL);
	assert_int_equal(sa_parse(&sa, "", 1), EINVAL);
	assert_int_equal(sa_parse(&sa, NULL, 1), EINVAL);

	/* the hand-made IPv4 printer: extremes, exact fit, too small */
	assert_int_equal(sa_parse(&sa, "255.255.255.255:65535", 1), 0);
	assert_int_equal(sa_print(&sa, buf, 22), 0);
	assert_string_equal(buf, "255.255.255.255:65535");
	assert_int_equal(sa_print(&sa, buf, 21), ENOSPC);
	assert_int_equal(sa_ntop(&sa, buf, 16), 0);
	assert_string_equal(buf, "255.255.255.255");
	assert_int_equal(sa_ntop(&sa, buf, 15), ENOSPC);
	assert_int_equal(sa_parse(&sa, "0.0.0.0:0", 1), 0);
	assert_int_equal(sa_print(&sa, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0.0.0.0:0");
	assert_int_equal(sa_parse(&sa, "10.100.7.99:50", 1), 0);
	assert_int_equal(sa_print(&sa, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "10.100.7.99:50");
	assert_int_equal(sa_print(&sa, NULL, 10), EINVAL);
	assert_int_equal(sa_parse(&sa, "[2001:db8::ff]:1", 1), 0);
	assert_int_equal(sa_print(&sa, buf, 17), 0);
	assert_string_equal(buf, "[2001:db8::ff]:1");
	assert_int_equal(sa_print(&sa, buf, 16), ENOSPC);
}

/* sa_set, sa_copy, sa_str, sa_isset, sa_eq/sa_eq_addr and sa_hash (the
 * helpers the transports use). */
static void test_sa_net(void **state)
{
	struct sockaddr_storage a, b, unset;
	struct sockaddr_in in4;
	char buf[SA_STRLEN];

	(void)state;
	memset(&unset, 0, sizeof(unset));
	assert_int_equal(sa_set(&a, &PL("192.0.2.1"), 5060), 0);
	assert_string_equal(sa_str(&a, buf, sizeof(buf)), "192.0.2.1:5060");
	assert_int_equal(sa_set(&a, &PL("[2001:db8::1]"), 5061), 0);
	assert_int_equal(a.ss_family, AF_INET6);
	assert_string_equal(sa_str(&a, buf, sizeof(buf)),
			    "[2001:db8::1]:5061");
	assert_int_equal(sa_set(&a, &PL("2001:db8::1"), 0), 0);
	assert_int_equal(sa_port(&a), 0);
	assert_int_equal(sa_set(&a, &PL("pbx.example"), 5060), EINVAL);
	assert_int_equal(sa_set(&a, &PL("[]"), 5060), EINVAL);
	assert_int_equal(sa_set(&a, &PL(""), 5060), EINVAL);
	assert_int_equal(sa_set(&a, NULL, 5060), EINVAL);
	assert_string_equal(sa_str(&unset, buf, sizeof(buf)), "?");
	assert_string_equal(sa_str(NULL, buf, sizeof(buf)), "?");
	assert_int_equal(sa_ntop(&unset, buf, sizeof(buf)), EINVAL);

	assert_true(sa_isset(&a));
	assert_false(sa_isset(&unset));
	assert_false(sa_isset(NULL));
	assert_int_equal(sa_port(NULL), 0);
	assert_int_equal(sa_port(&unset), 0);

	/* a struct sockaddr_in from a caller comes in whole */
	memset(&in4, 0, sizeof(in4));
	in4.sin_family = AF_INET;
	in4.sin_port = htons(5070);
	in4.sin_addr.s_addr = htonl(0x7f000001);
	assert_int_equal(sa_copy(&b, (struct sockaddr *)&in4), 0);
	assert_string_equal(sa_str(&b, buf, sizeof(buf)), "127.0.0.1:5070");
	assert_int_equal(sa_copy(&b, (struct sockaddr *)&unset), EINVAL);
	assert_int_equal(sa_copy(&b, NULL), EINVAL);

	/* equality with and without the port; the hash follows sa_eq */
	assert_int_equal(sa_parse(&a, "127.0.0.1:5070", 0), 0);
	assert_true(sa_eq(&a, &b));
	assert_int_equal(sa_hash(&a), sa_hash(&b));
	sa_set_port(&b, 5071);
	assert_false(sa_eq(&a, &b));
	assert_true(sa_eq_addr(&a, &b));
	assert_true(sa_hash(&a) != sa_hash(&b));
	assert_int_equal(sa_parse(&b, "127.0.0.2:5070", 0), 0);
	assert_false(sa_eq_addr(&a, &b));
	assert_int_equal(sa_parse(&b, "[::1]:5070", 0), 0);
	assert_false(sa_eq_addr(&a, &b));
	assert_int_equal(sa_parse(&a, "[::1]:5070", 0), 0);
	assert_true(sa_eq(&a, &b));
	assert_int_equal(sa_hash(&a), sa_hash(&b));
	assert_false(sa_eq(&a, NULL));
	assert_false(sa_eq_addr(NULL, &b));
	assert_false(sa_eq(&unset, &unset));
	assert_int_equal(sa_hash(&unset), 0);
	assert_int_equal(sa_hash(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_mem_refcount),
		LEAKCHECK_TEST(test_mem_threshold),
		LEAKCHECK_TEST(test_pl),
		LEAKCHECK_TEST(test_list_hash),
		LEAKCHECK_TEST(test_hash_spread),
		LEAKCHECK_TEST(test_buf),
		LEAKCHECK_TEST(test_buf_printf),
		LEAKCHECK_TEST(test_str),
		LEAKCHECK_TEST(test_sa_set_ipv4),
		LEAKCHECK_TEST(test_clock_mock),
		LEAKCHECK_TEST(test_sa),
		LEAKCHECK_TEST(test_sa_net),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
