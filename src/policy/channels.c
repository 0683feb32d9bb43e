/* Concurrent call counters; see channels.h. */
#include "policy/channels.h"

#include <errno.h>
#include <string.h>

#include "base/hash.h"
#include "base/mem.h"

struct chan_table {
	struct hash *ht; /* owned; links struct entry (owned by the table) */
};

struct entry {
	struct le le;
	uint32_t count;
	size_t keylen;
	char key[];
};

static void entry_destroy(void *arg)
{
	struct entry *e = arg;

	hash_unlink(&e->le);
}

static void table_destroy(void *arg)
{
	struct chan_table *t = arg;
	uint32_t i;

	for (i = 0; t->ht && hash_count(t->ht);) {
		struct list *l = hash_bucket(t->ht, i);

		if (l->head)
			mem_deref(l->head->data);
		else
			i++;
	}
	mem_deref(t->ht);
}

int chan_table_alloc(struct chan_table **tp)
{
	struct chan_table *t;
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

uint32_t chan_limit(uint32_t limit, bool trial)
{
	if (trial && (!limit || limit > CHAN_TRIAL_LIMIT))
		return CHAN_TRIAL_LIMIT;
	return limit;
}

static struct entry *lookup(const struct chan_table *t, const struct pl *key,
			    uint32_t h)
{
	struct le *le;

	LIST_FOREACH(hash_bucket(t->ht, h), le)
	{
		struct entry *e = le->data;

		if (e->keylen == key->l && !memcmp(e->key, key->p, key->l))
			return e;
	}
	return NULL;
}

int chan_acquire(struct chan_table *t, const struct pl *key, uint32_t limit)
{
	struct entry *e;
	uint32_t h;

	if (!t || !key || !key->p)
		return EINVAL;
	h = hash_pl(key);
	e = lookup(t, key, h);
	if (e && limit && e->count >= limit)
		return EBUSY;
	if (!e) {
		e = mem_zalloc(sizeof(*e) + key->l + 1, entry_destroy);
		if (!e)
			return ENOMEM;
		memcpy(e->key, key->p, key->l);
		e->keylen = key->l;
		hash_append(t->ht, h, &e->le, e);
	}
	e->count++;
	return 0;
}

int chan_release(struct chan_table *t, const struct pl *key)
{
	struct entry *e;

	if (!t || !key || !key->p)
		return EINVAL;
	e = lookup(t, key, hash_pl(key));
	if (!e || !e->count)
		return ENOENT;
	if (--e->count == 0)
		mem_deref(e);
	return 0;
}

uint32_t chan_count(const struct chan_table *t, const struct pl *key)
{
	const struct entry *e;

	if (!t || !key || !key->p)
		return 0;
	e = lookup(t, key, hash_pl(key));
	return e ? e->count : 0;
}
