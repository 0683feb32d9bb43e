/* Clock; see clock.h. */
#include "base/clock.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

static _Atomic bool mocked;
static _Atomic uint64_t mock_ms;

uint64_t clock_now_ms(void)
{
	struct timespec ts;

	if (atomic_load_explicit(&mocked, memory_order_relaxed))
		return atomic_load_explicit(&mock_ms, memory_order_relaxed);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int64_t clock_wall_s(void)
{
	return (int64_t)time(NULL);
}

void clock_mock_set(uint64_t ms)
{
	atomic_store(&mock_ms, ms);
	atomic_store(&mocked, true);
}

void clock_mock_advance(uint64_t ms)
{
	atomic_fetch_add(&mock_ms, ms);
}

void clock_mock_off(void)
{
	atomic_store(&mocked, false);
}
