/* The transaction table: open addressing with linear probing and
 * backward-shift deletion (no tombstones); see tsx_int.h. */
#include <errno.h>
#include <string.h>

#include "base/mem.h"
#include "tsx/tsx_int.h"

int tsx_table_init(struct tsx_table *t, uint32_t size)
{
	size_t n = 16;

	while (n < size && n < ((size_t)1 << 30))
		n <<= 1;
	t->slot = mem_zalloc(n * sizeof(*t->slot), NULL);
	if (!t->slot)
		return ENOMEM;
	t->mask = n - 1;
	t->n = 0;
	return 0;
}

void tsx_table_release(struct tsx_table *t)
{
	t->slot = mem_deref(t->slot);
	t->mask = 0;
	t->n = 0;
}

static void put(struct tsx_slot *slot, size_t mask, uint32_t key,
		struct tsx *tx)
{
	size_t i = key & mask;

	while (slot[i].tx)
		i = (i + 1) & mask;
	slot[i].key = key;
	slot[i].tx = tx;
}

int tsx_table_grow(struct tsx_table *t)
{
	size_t size = t->mask + 1, nsize = size * 2;
	struct tsx_slot *ns;

	if (nsize > SIZE_MAX / sizeof(*ns))
		return ENOMEM;
	ns = mem_zalloc(nsize * sizeof(*ns), NULL);
	if (!ns)
		return ENOMEM;
	for (size_t i = 0; i < size; i++)
		if (t->slot[i].tx)
			put(ns, nsize - 1, t->slot[i].key, t->slot[i].tx);
	mem_deref(t->slot);
	t->slot = ns;
	t->mask = nsize - 1;
	return 0;
}

int tsx_table_add(struct tsx_table *t, uint32_t key, struct tsx *tx)
{
	int err = tsx_table_reserve(t);

	if (err)
		return err;
	put(t->slot, t->mask, key, tx);
	t->n++;
	return 0;
}

void tsx_table_del(struct tsx_table *t, uint32_t key, struct tsx *tx)
{
	size_t i = key & t->mask, j, home;

	while (t->slot[i].tx != tx) {
		if (!t->slot[i].tx)
			return; /* not in the table */
		i = (i + 1) & t->mask;
	}
	/* close the hole: move back each later entry of the run whose
	 * home is not between the hole and its slot (cyclically) */
	for (j = (i + 1) & t->mask; t->slot[j].tx; j = (j + 1) & t->mask) {
		home = t->slot[j].key & t->mask;
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i].tx = NULL;
	t->slot[i].key = 0;
	t->n--;
}

struct tsx *tsx_table_next(const struct tsx_table *t, uint32_t key,
			   size_t *pos)
{
	size_t i = *pos == TSX_TABLE_START ? key & t->mask : *pos;

	/* the run ends at an empty slot: there is one, at most half full */
	for (; t->slot[i].tx; i = (i + 1) & t->mask) {
		if (t->slot[i].key == key) {
			*pos = (i + 1) & t->mask;
			return t->slot[i].tx;
		}
	}
	return NULL;
}

struct tsx *tsx_table_any(const struct tsx_table *t, size_t *pos)
{
	for (; *pos <= t->mask; (*pos)++)
		if (t->slot[*pos].tx)
			return t->slot[*pos].tx;
	return NULL;
}
