/* Calls-per-second limits: one token bucket per key (trunk SID).
 *
 * rate = limit tokens per second, burst = max(1, limit) tokens; a call
 * takes one token. Time comes from the caller (clock_now_ms() in
 * production, so tests can drive it). One table per SIP loop; not
 * thread-safe.
 */
#ifndef TRUNKD_POLICY_CPS_H
#define TRUNKD_POLICY_CPS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pl.h"

/* A bucket, usable on its own. tokens are in thousandths. */
struct cps_bucket {
	uint64_t last_ms;
	uint64_t milli; /* available tokens x 1000 */
	bool init;
};

/* Take one token from b at now_ms with the given limit (calls per
 * second; 0 = unlimited). Returns true when the call may proceed. */
bool cps_bucket_take(struct cps_bucket *b, uint32_t limit, uint64_t now_ms);

struct cps_table;

/* Table of buckets keyed by string (mem object). Returns 0 or ENOMEM. */
int cps_table_alloc(struct cps_table **tp);

/* Take a token for key (e.g. the trunk SID) at clock_now_ms(). Returns 0
 * (admitted), EBUSY (over the limit) or ENOMEM (the call is admitted
 * neither; treat as a failure). */
int cps_take(struct cps_table *t, const struct pl *key, uint32_t limit);

/* Number of keys tracked. */
uint32_t cps_table_count(const struct cps_table *t);

#endif
