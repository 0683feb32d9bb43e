/* The one clock. Everything that measures time (transaction timers, CPS
 * buckets, nonces) asks clock_now_ms(), so tests can drive time. */
#ifndef TRUNKD_BASE_CLOCK_H
#define TRUNKD_BASE_CLOCK_H

#include <stdint.h>

/* Milliseconds from a monotonic origin (CLOCK_MONOTONIC), or the value set
 * by clock_mock_set() while a mock is active. */
uint64_t clock_now_ms(void);

/* Wall-clock seconds since the Unix epoch (for records and nonces). */
int64_t clock_wall_s(void);

/* Tests: freeze the clock at ms; clock_mock_advance() moves it;
 * clock_mock_off() returns to the real clock. Not for production code. */
void clock_mock_set(uint64_t ms);
void clock_mock_advance(uint64_t ms);
void clock_mock_off(void);

#endif
