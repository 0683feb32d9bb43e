/* IP access control lists as sorted disjoint ranges; see acl.h. */
#include "policy/acl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* A 128-bit address as two 64-bit halves; IPv4 is kept in its own
 * array as uint32. */
struct u128 {
	uint64_t hi, lo;
};

struct r4 {
	uint32_t lo, hi;
};

struct r6 {
	struct u128 lo, hi;
};

struct acl {
	struct r4 *v4; /* owned */
	struct r6 *v6; /* owned */
	size_t n4, n6, cap4, cap6;
	size_t added;
	bool sorted4, sorted6;
};

static void acl_destroy(void *arg)
{
	struct acl *acl = arg;

	mem_deref(acl->v4);
	mem_deref(acl->v6);
}

int acl_alloc(struct acl **aclp)
{
	struct acl *acl;

	if (!aclp)
		return EINVAL;
	acl = mem_zalloc(sizeof(*acl), acl_destroy);
	if (!acl)
		return ENOMEM;
	acl->sorted4 = acl->sorted6 = true;
	*aclp = acl;
	return 0;
}

static int grow(void **arr, size_t *cap, size_t need, size_t esz)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	p = *arr ? mem_realloc(*arr, ncap * esz) : mem_alloc(ncap * esz, NULL);
	if (!p)
		return ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int add4(struct acl *acl, uint32_t a, unsigned plen)
{
	uint32_t mask = plen ? ~0u << (32 - plen) : 0;
	int err;

	err = grow((void **)&acl->v4, &acl->cap4, acl->n4 + 1,
		   sizeof(*acl->v4));
	if (err)
		return err;
	acl->v4[acl->n4].lo = a & mask;
	acl->v4[acl->n4].hi = (a & mask) | ~mask;
	acl->n4++;
	acl->sorted4 = false;
	acl->added++;
	return 0;
}

static struct u128 u128_from(const uint8_t *b)
{
	struct u128 v = {0, 0};
	int i;

	for (i = 0; i < 8; i++)
		v.hi = v.hi << 8 | b[i];
	for (i = 8; i < 16; i++)
		v.lo = v.lo << 8 | b[i];
	return v;
}

static int u128_cmp(const struct u128 *a, const struct u128 *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

static int add6(struct acl *acl, const uint8_t *b, unsigned plen)
{
	struct u128 a = u128_from(b), mhi, mlo;
	int err;

	mhi.hi = plen == 0 ? 0 : plen >= 64 ? ~0ull : ~0ull << (64 - plen);
	mlo.hi = 0;
	mlo.lo = plen <= 64 ? 0 : plen >= 128 ? ~0ull : ~0ull << (128 - plen);
	err = grow((void **)&acl->v6, &acl->cap6, acl->n6 + 1,
		   sizeof(*acl->v6));
	if (err)
		return err;
	acl->v6[acl->n6].lo.hi = a.hi & mhi.hi;
	acl->v6[acl->n6].lo.lo = a.lo & mlo.lo;
	acl->v6[acl->n6].hi.hi = a.hi | ~mhi.hi;
	acl->v6[acl->n6].hi.lo = a.lo | ~mlo.lo;
	acl->n6++;
	acl->sorted6 = false;
	acl->added++;
	return 0;
}

int acl_add(struct acl *acl, const char *addr, unsigned plen)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (!acl || !addr)
		return EINVAL;
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		if (plen > 32)
			return EINVAL;
		return add4(acl, ntohl(a4.s_addr), plen);
	}
	if (inet_pton(AF_INET6, addr, &a6) == 1) {
		if (plen > 128)
			return EINVAL;
		return add6(acl, a6.s6_addr, plen);
	}
	return EINVAL;
}

int acl_add_str(struct acl *acl, const char *cidr)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *slash;
	unsigned long plen;
	size_t n;
	char *end;

	if (!acl || !cidr)
		return EINVAL;
	slash = strchr(cidr, '/');
	if (!slash)
		return acl_add(acl, cidr, strchr(cidr, ':') ? 128 : 32);
	n = (size_t)(slash - cidr);
	if (n == 0 || n >= sizeof(buf) || slash[1] < '0' || slash[1] > '9')
		return EINVAL;
	memcpy(buf, cidr, n);
	buf[n] = '\0';
	errno = 0;
	plen = strtoul(slash + 1, &end, 10);
	if (errno || *end || plen > 128)
		return EINVAL;
	return acl_add(acl, buf, (unsigned)plen);
}

static int cmp4(const void *a, const void *b)
{
	const struct r4 *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

static int cmp6(const void *a, const void *b)
{
	const struct r6 *x = a, *y = b;

	return u128_cmp(&x->lo, &y->lo);
}

static void u128_inc(struct u128 *v)
{
	if (++v->lo == 0)
		v->hi++;
}

int acl_compile(struct acl *acl)
{
	size_t i, o;

	if (!acl)
		return EINVAL;
	if (!acl->sorted4 && acl->n4) {
		qsort(acl->v4, acl->n4, sizeof(*acl->v4), cmp4);
		for (i = 1, o = 0; i < acl->n4; i++) {
			struct r4 *cur = &acl->v4[o];

			/* overlapping or adjacent: merge */
			if (cur->hi == UINT32_MAX ||
			    acl->v4[i].lo <= cur->hi + 1) {
				if (acl->v4[i].hi > cur->hi)
					cur->hi = acl->v4[i].hi;
			} else {
				acl->v4[++o] = acl->v4[i];
			}
		}
		acl->n4 = o + 1;
	}
	acl->sorted4 = true;
	if (!acl->sorted6 && acl->n6) {
		qsort(acl->v6, acl->n6, sizeof(*acl->v6), cmp6);
		for (i = 1, o = 0; i < acl->n6; i++) {
			struct r6 *cur = &acl->v6[o];
			struct u128 next = cur->hi;
			bool top = cur->hi.hi == UINT64_MAX &&
				   cur->hi.lo == UINT64_MAX;

			u128_inc(&next);
			if (top || u128_cmp(&acl->v6[i].lo, &next) <= 0) {
				if (u128_cmp(&acl->v6[i].hi, &cur->hi) > 0)
					cur->hi = acl->v6[i].hi;
			} else {
				acl->v6[++o] = acl->v6[i];
			}
		}
		acl->n6 = o + 1;
	}
	acl->sorted6 = true;
	return 0;
}

static bool match4(const struct acl *acl, uint32_t a)
{
	size_t lo = 0, hi = acl->n4, i;

	if (!acl->sorted4) {
		for (i = 0; i < acl->n4; i++)
			if (a >= acl->v4[i].lo && a <= acl->v4[i].hi)
				return true;
		return false;
	}
	/* last range with lo <= a */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (acl->v4[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && a <= acl->v4[lo - 1].hi;
}

static bool match6(const struct acl *acl, const struct u128 *a)
{
	size_t lo = 0, hi = acl->n6, i;

	if (!acl->sorted6) {
		for (i = 0; i < acl->n6; i++)
			if (u128_cmp(a, &acl->v6[i].lo) >= 0 &&
			    u128_cmp(a, &acl->v6[i].hi) <= 0)
				return true;
		return false;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u128_cmp(&acl->v6[mid].lo, a) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && u128_cmp(a, &acl->v6[lo - 1].hi) <= 0;
}

bool acl_match(const struct acl *acl, const struct sockaddr *sa)
{
	if (!acl || !sa)
		return false;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		return match4(acl, ntohl(s4->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 =
			(const struct sockaddr_in6 *)sa;
		const uint8_t *b = s6->sin6_addr.s6_addr;
		struct u128 a;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			return match4(acl, (uint32_t)b[12] << 24 |
					   (uint32_t)b[13] << 16 |
					   (uint32_t)b[14] << 8 | b[15]);
		a = u128_from(b);
		return match6(acl, &a);
	}
	return false;
}

size_t acl_count(const struct acl *acl)
{
	return acl ? acl->added : 0;
}
