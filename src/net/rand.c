/* Random tokens; see rand.h. getrandom() where it works, else a
 * clock-seeded xorshift (tags need uniqueness, not secrecy). */
#include "net/rand.h"

#include <stdint.h>
#include <sys/random.h>
#include <time.h>

static uint64_t xorshift(void)
{
	static _Thread_local uint64_t s;
	struct timespec ts;

	if (!s) {
		clock_gettime(CLOCK_REALTIME, &ts);
		s = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
		    (uint64_t)(uintptr_t)&ts;
		if (!s)
			s = 88172645463325252ull;
	}
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

void net_rand_token(char *buf, size_t sz)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t rnd[64];
	size_t n;

	if (!buf || !sz)
		return;
	n = sz - 1;
	if (n > sizeof(rnd))
		n = sizeof(rnd);
	if (getrandom(rnd, n, GRND_NONBLOCK) != (ssize_t)n) {
		for (size_t i = 0; i < n; i++)
			rnd[i] = (uint8_t)xorshift();
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = hex[rnd[i] & 15];
	buf[n] = '\0';
}
