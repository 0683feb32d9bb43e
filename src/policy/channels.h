/* Concurrent call counters per key (trunk SID, or account SID).
 *
 * chan_acquire() admits a call when the key's count is below its limit
 * and counts it; chan_release() is called exactly once per admitted call
 * when it ends. Trial accounts are capped at CHAN_TRIAL_LIMIT whatever
 * the configured limit. One table per SIP loop; not thread-safe.
 */
#ifndef TRUNKD_POLICY_CHANNELS_H
#define TRUNKD_POLICY_CHANNELS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pl.h"

#define CHAN_TRIAL_LIMIT 4

struct chan_table;

/* Empty table (mem object). Returns 0 or ENOMEM. */
int chan_table_alloc(struct chan_table **tp);

/* Effective limit: limit (0 = unlimited), capped at CHAN_TRIAL_LIMIT for
 * trial accounts. 0 means unlimited. */
uint32_t chan_limit(uint32_t limit, bool trial);

/* Count one more call on key if its count is below limit (0 =
 * unlimited). Returns 0 (admitted), EBUSY (at the limit), EINVAL or
 * ENOMEM. */
int chan_acquire(struct chan_table *t, const struct pl *key, uint32_t limit);

/* Count one call less on key. Returns 0 or ENOENT (nothing held: a
 * double release, which is a bug in the caller). Keys at zero are
 * forgotten. */
int chan_release(struct chan_table *t, const struct pl *key);

/* Calls currently held on key. */
uint32_t chan_count(const struct chan_table *t, const struct pl *key);

#endif
