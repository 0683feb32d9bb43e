/* Random tokens; see rand.h.
 *
 * Bytes come from getrandom() in blocks of RAND_POOL bytes kept per
 * thread, so a token costs a copy, not a system call (the SIP thread
 * made ~9 getrandom() calls per call before). The bytes are the kernel's
 * CSPRNG output, only buffered: tags, branches and Call-IDs stay as
 * unguessable as before. RFC 3261 §19.3 asks them to be globally unique
 * and, for tags, cryptographically random with at least 32 bits of
 * randomness; they protect nothing secret (anyone on the path sees them),
 * so keeping a few KB of not yet used bytes in memory is harmless. The
 * process never forks, so no two processes share a pool. Should
 * getrandom() fail (never expected), a clock-seeded xorshift fills the
 * pool: unique enough for tags. */
#include "net/rand.h"

#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

enum { RAND_POOL = 4096 };

struct rand_pool {
	uint8_t b[RAND_POOL];
	size_t pos;  /* next unused byte; RAND_POOL: empty */
	uint64_t xs; /* fallback state, 0 until seeded */
};

static _Thread_local struct rand_pool pool = {.pos = RAND_POOL};

static uint64_t xorshift(struct rand_pool *p)
{
	struct timespec ts;

	if (!p->xs) {
		clock_gettime(CLOCK_REALTIME, &ts);
		p->xs = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
			(uint64_t)(uintptr_t)&ts;
		if (!p->xs)
			p->xs = 88172645463325252ull;
	}
	p->xs ^= p->xs << 13;
	p->xs ^= p->xs >> 7;
	p->xs ^= p->xs << 17;
	return p->xs;
}

static void pool_fill(struct rand_pool *p)
{
	size_t n = 0;
	ssize_t r;

	while (n < RAND_POOL) {
		r = getrandom(p->b + n, RAND_POOL - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	for (; n < RAND_POOL; n += 8) {
		uint64_t x = xorshift(p);

		memcpy(p->b + n, &x, 8);
	}
	p->pos = 0;
}

/* n (<= RAND_POOL) random bytes into out. */
static void rand_bytes(uint8_t *out, size_t n)
{
	struct rand_pool *p = &pool;
	size_t k;

	while (n) {
		if (p->pos >= RAND_POOL)
			pool_fill(p);
		k = RAND_POOL - p->pos;
		if (k > n)
			k = n;
		memcpy(out, p->b + p->pos, k);
		/* used bytes do not stay in memory */
		memset(p->b + p->pos, 0, k);
		p->pos += k;
		out += k;
		n -= k;
	}
}

void net_rand_token(char *buf, size_t sz)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t rnd[32];
	size_t n, nb;

	if (!buf || !sz)
		return;
	n = sz - 1;
	if (n > 2 * sizeof(rnd))
		n = 2 * sizeof(rnd);
	nb = (n + 1) / 2;
	rand_bytes(rnd, nb);
	/* two digits per byte, low nibble first */
	for (size_t j = 0; j < n / 2; j++) {
		buf[2 * j] = hex[rnd[j] & 15];
		buf[2 * j + 1] = hex[rnd[j] >> 4];
	}
	if (n & 1)
		buf[n - 1] = hex[rnd[n / 2] & 15];
	buf[n] = '\0';
}

uint32_t net_rand_u32(void)
{
	uint32_t v;

	rand_bytes((uint8_t *)&v, sizeof(v));
	return v;
}
