/* Token buckets per trunk; see cps.h. */
#include "policy/cps.h"

#include <errno.h>
#include <string.h>

#include "base/clock.h"
#include "base/hash.h"
#include "base/mem.h"

struct cps_table {
	struct hash *ht; /* owned; links struct entry (owned by the table) */
};

struct entry {
	struct le le;
	struct cps_bucket b;
	size_t keylen;
	char key[]; /* owned */
};

bool cps_bucket_take(struct cps_bucket *b, uint32_t limit, uint64_t now_ms)
{
	uint64_t burst = (uint64_t)(limit ? limit : 1) * 1000u;

	if (!b)
		return false;
	if (!limit)
		return true;
	if (!b->init) {
		b->init = true;
		b->milli = burst;
		b->last_ms = now_ms;
	} else if (now_ms > b->last_ms) {
		/* limit tokens per 1000 ms = limit milli-tokens per ms */
		uint64_t dt = now_ms - b->last_ms;
		uint64_t add = dt >= burst ? burst : dt * limit;

		b->milli = b->milli + add > burst ? burst : b->milli + add;
		b->last_ms = now_ms;
	}
	if (b->milli < 1000)
		return false;
	b->milli -= 1000;
	return true;
}

static void table_destroy(void *arg)
{
	struct cps_table *t = arg;
	uint32_t i;

	/* walk each bucket by taking its head until empty */
	for (i = 0; t->ht && hash_count(t->ht);) {
		struct list *l = hash_bucket(t->ht, i);

		if (l->head) {
			struct entry *e = l->head->data;

			hash_unlink(&e->le);
			mem_deref(e);
		} else {
			i++;
		}
	}
	mem_deref(t->ht);
}

int cps_table_alloc(struct cps_table **tp)
{
	struct cps_table *t;
	int err;

	if (!tp)
		return EINVAL;
	t = mem_zalloc(sizeof(*t), table_destroy);
	if (!t)
		return ENOMEM;
	err = hash_alloc(&t->ht, 64);
	if (err) {
		mem_deref(t);
		return err;
	}
	*tp = t;
	return 0;
}

int cps_take(struct cps_table *t, const struct pl *key, uint32_t limit)
{
	struct entry *e = NULL;
	struct le *le;
	uint32_t h;

	if (!t || !key || !key->p)
		return EINVAL;
	if (!limit)
		return 0;
	h = hash_pl(key);
	LIST_FOREACH(hash_bucket(t->ht, h), le)
	{
		struct entry *x = le->data;

		if (x->keylen == key->l && !memcmp(x->key, key->p, key->l)) {
			e = x;
			break;
		}
	}
	if (!e) {
		e = mem_zalloc(sizeof(*e) + key->l + 1, NULL);
		if (!e)
			return ENOMEM;
		memcpy(e->key, key->p, key->l);
		e->keylen = key->l;
		hash_append(t->ht, h, &e->le, e);
	}
	return cps_bucket_take(&e->b, limit, clock_now_ms()) ? 0 : EBUSY;
}

uint32_t cps_table_count(const struct cps_table *t)
{
	return t ? hash_count(t->ht) : 0;
}
