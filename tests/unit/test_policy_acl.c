/* Unit tests for src/policy/acl: CIDR sets, IPv4/IPv6, merging. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "leakcheck.h"
#include "policy/acl.h"

static bool m(const struct acl *acl, const char *ip)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
	} else {
		assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
		s6->sin6_family = AF_INET6;
	}
	return acl_match(acl, (struct sockaddr *)&ss);
}

static void check_basic(struct acl *acl)
{
	assert_true(m(acl, "203.0.113.0"));
	assert_true(m(acl, "203.0.113.255"));
	assert_false(m(acl, "203.0.114.0"));
	assert_false(m(acl, "203.0.112.255"));
	assert_true(m(acl, "198.51.100.7"));
	assert_false(m(acl, "198.51.100.8"));
	assert_true(m(acl, "::ffff:203.0.113.9"));
	assert_true(m(acl, "2001:db8::1"));
	assert_true(m(acl, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_false(m(acl, "2001:db9::"));
	assert_false(m(acl, "::1"));
	assert_true(m(acl, "fe80::1:2"));
	assert_false(m(acl, "fe80::1:3"));
}

static void test_acl_basic(void **state)
{
	struct acl *acl = NULL;

	(void)state;
	assert_int_equal(acl_alloc(&acl), 0);
	assert_false(m(acl, "203.0.113.1"));
	/* host bits set are ignored */
	assert_int_equal(acl_add(acl, "203.0.113.77", 24), 0);
	assert_int_equal(acl_add_str(acl, "198.51.100.7"), 0);
	assert_int_equal(acl_add_str(acl, "2001:db8::/32"), 0);
	assert_int_equal(acl_add_str(acl, "fe80::1:2"), 0);
	assert_int_equal(acl_count(acl), 4);
	check_basic(acl); /* linear, before compile */
	assert_int_equal(acl_compile(acl), 0);
	check_basic(acl);
	mem_deref(acl);
}

static void test_acl_edges(void **state)
{
	struct acl *acl = NULL;
	struct sockaddr sa;

	(void)state;
	assert_int_equal(acl_alloc(&acl), 0);
	assert_int_equal(acl_add(acl, "203.0.113.1", 33), EINVAL);
	assert_int_equal(acl_add(acl, "2001:db8::", 129), EINVAL);
	assert_int_equal(acl_add(acl, "203.0.113", 24), EINVAL);
	assert_int_equal(acl_add(acl, "[::1]", 128), EINVAL);
	assert_int_equal(acl_add_str(acl, "10.0.0.0/"), EINVAL);
	assert_int_equal(acl_add_str(acl, "10.0.0.0/x"), EINVAL);
	assert_int_equal(acl_add_str(acl, "10.0.0.0/8x"), EINVAL);
	assert_int_equal(acl_add_str(acl, "/8"), EINVAL);
	assert_int_equal(acl_add_str(acl, "10.0.0.0/-1"), EINVAL);
	assert_int_equal(acl_add_str(acl, "10.0.0.0/99999999999999999999"),
			 EINVAL);
	assert_int_equal(acl_count(acl), 0);
	/* whole spaces */
	assert_int_equal(acl_add_str(acl, "0.0.0.0/0"), 0);
	assert_int_equal(acl_compile(acl), 0);
	assert_true(m(acl, "255.255.255.255"));
	assert_true(m(acl, "0.0.0.0"));
	assert_false(m(acl, "::"));
	assert_int_equal(acl_add_str(acl, "::/0"), 0);
	assert_int_equal(acl_compile(acl), 0);
	assert_true(m(acl, "ffff::"));
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	assert_false(acl_match(acl, &sa));
	assert_false(acl_match(acl, NULL));
	assert_false(acl_match(NULL, &sa));
	mem_deref(acl);
}

/* Many entries, overlapping and adjacent: compiled lookups agree with a
 * brute-force reference. */
static void test_acl_many(void **state)
{
	struct acl *acl = NULL;
	static uint32_t net[3000];
	static unsigned len[3000];
	uint32_t x = 12345;
	char ip[32];
	size_t i, k;

	(void)state;
	assert_int_equal(acl_alloc(&acl), 0);
	for (i = 0; i < 3000; i++) {
		x = x * 1103515245u + 12345u;
		len[i] = 16 + (x >> 8) % 17;		/* /16 .. /32 */
		net[i] = (x & 0x0fffffff) | 0x0a000000; /* 10/8 + 11/8 .. */
		net[i] &= len[i] ? ~0u << (32 - len[i]) : 0;
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u/%u", net[i] >> 24,
			 net[i] >> 16 & 255, net[i] >> 8 & 255, net[i] & 255,
			 len[i]);
		assert_int_equal(acl_add_str(acl, ip), 0);
	}
	assert_int_equal(acl_compile(acl), 0);
	for (k = 0; k < 20000; k++) {
		uint32_t a;
		bool want = false;

		x = x * 1103515245u + 12345u;
		if (k < 3000)
			a = net[k] + (x & 3);
		else
			a = (x & 0x0fffffff) | 0x0a000000;
		for (i = 0; i < 3000 && !want; i++)
			want = (a & (~0u << (32 - len[i]))) == net[i];
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
			 a >> 8 & 255, a & 255);
		if (m(acl, ip) != want)
			fail_msg("%s: expected %d", ip, want);
	}
	mem_deref(acl);
}

static void test_acl_merge6(void **state)
{
	struct acl *acl = NULL;

	(void)state;
	assert_int_equal(acl_alloc(&acl), 0);
	assert_int_equal(acl_add_str(acl, "2001:db8::/64"), 0);
	assert_int_equal(acl_add_str(acl, "2001:db8:0:1::/64"), 0);
	assert_int_equal(acl_add_str(acl, "2001:db8::5/128"), 0);
	assert_int_equal(acl_add_str(acl, "2001:db8:0:3::/64"), 0);
	assert_int_equal(acl_add_str(acl, "ffff:ffff:ffff:ffff:ffff:ffff:"
					  "ffff:fff0/124"),
			 0);
	assert_int_equal(acl_add_str(acl, "ffff:ffff:ffff:ffff:ffff:ffff:"
					  "ffff:ff00/120"),
			 0);
	assert_int_equal(acl_compile(acl), 0);
	assert_true(m(acl, "2001:db8:0:1:ffff::"));
	assert_false(m(acl, "2001:db8:0:2::1"));
	assert_true(m(acl, "2001:db8:0:3::1"));
	assert_true(m(acl, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_true(m(acl, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff01"));
	assert_false(m(acl, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:feff"));
	mem_deref(acl);
}

static void test_acl_oom(void **state)
{
	struct acl *acl = NULL;
	int i, err;

	(void)state;
	assert_int_equal(acl_alloc(&acl), 0);
	mem_threshold_set(0);
	err = acl_add_str(acl, "10.0.0.0/8");
	mem_threshold_set(-1);
	assert_int_equal(err, ENOMEM);
	assert_int_equal(acl_count(acl), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(acl_add(acl, "10.1.2.3", 32), 0);
	assert_int_equal(acl_compile(acl), 0);
	assert_true(m(acl, "10.1.2.3"));
	mem_deref(acl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_acl_basic),
		LEAKCHECK_TEST(test_acl_edges),
		LEAKCHECK_TEST(test_acl_many),
		LEAKCHECK_TEST(test_acl_merge6),
		LEAKCHECK_TEST(test_acl_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
