/* Per-key alert rate limiter: a fixed table of (key hash, last allowed
 * time) slots probed linearly over a short window, plus a global
 * per-second cap. Memory stays bounded whatever the keys are. */
#include "alert/alert.h"

#include <errno.h>
#include <string.h>

#include "base/mem.h"

enum { PROBE = 8 };

struct rl_slot {
	uint64_t hash; /* 0 = empty */
	uint64_t last_ms;
};

struct alert_ratelimit {
	struct rl_slot *slots; /* owned (mem) */
	size_t mask;
	uint32_t interval_ms;
	uint32_t burst_per_s;
	uint64_t window_start; /* global cap: current 1 s window */
	uint32_t window_count;
	uint64_t suppressed;
};

static void rl_destroy(void *data)
{
	struct alert_ratelimit *rl = data;

	mem_deref(rl->slots);
}

int alert_ratelimit_alloc(struct alert_ratelimit **rlp, uint32_t interval_ms,
			  uint32_t slots, uint32_t burst_per_s)
{
	struct alert_ratelimit *rl;
	size_t n = PROBE;

	if (!rlp || !interval_ms || !slots)
		return EINVAL;
	while (n < slots && n < ((size_t)1 << 24))
		n <<= 1;
	rl = mem_zalloc(sizeof(*rl), rl_destroy);
	if (!rl)
		return ENOMEM;
	rl->slots = mem_zalloc(n * sizeof(*rl->slots), NULL);
	if (!rl->slots) {
		mem_deref(rl);
		return ENOMEM;
	}
	rl->mask = n - 1;
	rl->interval_ms = interval_ms;
	rl->burst_per_s = burst_per_s;
	*rlp = rl;
	return 0;
}

/* 64-bit FNV-1a; never 0 (0 marks an empty slot). */
static uint64_t key_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h ? h : 1;
}

static bool global_allow(struct alert_ratelimit *rl, uint64_t now_ms)
{
	if (!rl->burst_per_s)
		return true;
	if (now_ms - rl->window_start >= 1000 || now_ms < rl->window_start) {
		rl->window_start = now_ms;
		rl->window_count = 0;
	}
	if (rl->window_count >= rl->burst_per_s)
		return false;
	rl->window_count++;
	return true;
}

bool alert_ratelimit_allow(struct alert_ratelimit *rl, const void *key,
			   size_t len, uint64_t now_ms)
{
	uint64_t h = key_hash(key, len);
	struct rl_slot *victim = NULL, *free_slot = NULL;

	for (size_t i = 0; i < PROBE; i++) {
		struct rl_slot *s = &rl->slots[(h + i) & rl->mask];

		if (s->hash == h) {
			if (now_ms - s->last_ms < rl->interval_ms &&
			    now_ms >= s->last_ms) {
				rl->suppressed++;
				return false;
			}
			if (!global_allow(rl, now_ms)) {
				rl->suppressed++;
				return false;
			}
			s->last_ms = now_ms;
			return true;
		}
		/* empty or expired slots are free; else evict the oldest */
		if (!s->hash || now_ms - s->last_ms >= rl->interval_ms) {
			if (!free_slot)
				free_slot = s;
		} else if (!victim || s->last_ms < victim->last_ms) {
			victim = s;
		}
	}
	if (free_slot)
		victim = free_slot;
	if (!global_allow(rl, now_ms)) {
		rl->suppressed++;
		return false;
	}
	victim->hash = h;
	victim->last_ms = now_ms;
	return true;
}

uint64_t alert_ratelimit_suppressed(const struct alert_ratelimit *rl)
{
	return rl->suppressed;
}
