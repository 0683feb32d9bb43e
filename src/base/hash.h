/* Chained hash table over intrusive list elements. Buckets are a power of
 * two; the caller computes the key's hash (hash_str / hash_strcase) and
 * compares keys itself while walking a bucket. The table never owns the
 * objects it links. */
#ifndef TRUNKD_BASE_HASH_H
#define TRUNKD_BASE_HASH_H

#include <stdint.h>

#include "base/list.h"
#include "base/pl.h"

struct hash;

/* bsize is rounded up to a power of two. Returns 0 or ENOMEM. */
int hash_alloc(struct hash **hp, uint32_t bsize);
void hash_append(struct hash *h, uint32_t key, struct le *le, void *data);
void hash_unlink(struct le *le);
/* The bucket list for key (never NULL). */
struct list *hash_bucket(const struct hash *h, uint32_t key);
uint32_t hash_count(const struct hash *h);

/* FNV-1a over bytes; the case variant folds ASCII letters. */
uint32_t hash_mem(const void *p, size_t l);
uint32_t hash_pl(const struct pl *pl);
uint32_t hash_plcase(const struct pl *pl);

#endif
