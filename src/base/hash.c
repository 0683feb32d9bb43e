/* Chained hash table; see hash.h. */
#include "base/hash.h"

#include <errno.h>
#include <string.h>

#include "base/mem.h"

struct hash {
	struct list *bucket; /* owned */
	uint32_t mask;
};

static void hash_destroy(void *data)
{
	struct hash *h = data;

	mem_deref(h->bucket);
}

int hash_alloc(struct hash **hp, uint32_t bsize)
{
	struct hash *h;
	uint32_t n = 1;

	if (!hp || !bsize || bsize > (1u << 30))
		return EINVAL;
	while (n < bsize)
		n <<= 1;
	h = mem_zalloc(sizeof(*h), hash_destroy);
	if (!h)
		return ENOMEM;
	h->bucket = mem_zalloc(n * sizeof(*h->bucket), NULL);
	if (!h->bucket) {
		mem_deref(h);
		return ENOMEM;
	}
	h->mask = n - 1;
	*hp = h;
	return 0;
}

struct list *hash_bucket(const struct hash *h, uint32_t key)
{
	return &h->bucket[key & h->mask];
}

void hash_append(struct hash *h, uint32_t key, struct le *le, void *data)
{
	list_append(hash_bucket(h, key), le, data);
}

void hash_unlink(struct le *le)
{
	list_unlink(le);
}

uint32_t hash_count(const struct hash *h)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i <= h->mask; i++)
		n += (uint32_t)h->bucket[i].count;
	return n;
}

/* Eight bytes at a time, each word mixed by a multiply and a shift, then
 * a final avalanche so the low bits (the bucket index) depend on every
 * input byte. About a quarter of FNV-1a's byte-at-a-time instructions on
 * the Call-IDs and branches of a call; the keys come from peers, so the
 * mix matters more than the speed of the last bytes. */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 31);
}

uint32_t hash_mem(const void *p, size_t l)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ l, w;

	for (; l >= 8; s += 8, l -= 8) {
		memcpy(&w, s, 8);
		h = mix(h, w);
	}
	if (l) {
		w = 0;
		for (size_t i = 0; i < l; i++)
			w |= (uint64_t)s[i] << (8 * i);
		h = mix(h, w);
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

uint32_t hash_pl(const struct pl *pl)
{
	return hash_mem(pl->p, pl->l);
}

uint32_t hash_plcase(const struct pl *pl)
{
	uint32_t v = 2166136261u;

	for (size_t i = 0; i < pl->l; i++) {
		unsigned char c = (unsigned char)pl->p[i];

		if (c >= 'A' && c <= 'Z')
			c += 32;
		v ^= c;
		v *= 16777619u;
	}
	return v;
}
