/* Reference-counted allocator; see mem.h. */
#include "base/mem.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct mem_hdr {
	_Atomic uint32_t nrefs;
	uint32_t magic;
	size_t size;
	mem_destroy_h *dh;
	max_align_t align[]; /* payload follows, suitably aligned */
};

enum { MEM_MAGIC = 0x6d656d21 };

static _Atomic size_t stat_blocks;
static _Atomic size_t stat_bytes;
static _Atomic ssize_t threshold = -1;

static struct mem_hdr *hdr_of(const void *data)
{
	return (struct mem_hdr *)((char *)(uintptr_t)data -
				  offsetof(struct mem_hdr, align));
}

static int may_alloc(void)
{
	ssize_t t = atomic_load_explicit(&threshold, memory_order_relaxed);

	if (t < 0)
		return 1;
	if (t == 0)
		return 0;
	atomic_fetch_sub_explicit(&threshold, 1, memory_order_relaxed);
	return 1;
}

void *mem_alloc(size_t size, mem_destroy_h *dh)
{
	struct mem_hdr *h;

	if (!may_alloc() || size > SIZE_MAX - sizeof(*h))
		return NULL;
	h = malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	atomic_init(&h->nrefs, 1);
	h->magic = MEM_MAGIC;
	h->size = size;
	h->dh = dh;
	atomic_fetch_add_explicit(&stat_blocks, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&stat_bytes, size, memory_order_relaxed);
	return h->align;
}

void *mem_zalloc(size_t size, mem_destroy_h *dh)
{
	void *p = mem_alloc(size, dh);

	if (p)
		memset(p, 0, size);
	return p;
}

void *mem_realloc(void *data, size_t size)
{
	struct mem_hdr *h, *nh;
	size_t old;

	if (!data)
		return mem_alloc(size, NULL);
	h = hdr_of(data);
	if (!may_alloc() || size > SIZE_MAX - sizeof(*h))
		return NULL;
	old = h->size;
	nh = realloc(h, sizeof(*nh) + size);
	if (!nh)
		return NULL;
	nh->size = size;
	atomic_fetch_add_explicit(&stat_bytes, size, memory_order_relaxed);
	atomic_fetch_sub_explicit(&stat_bytes, old, memory_order_relaxed);
	return nh->align;
}

void *mem_ref(void *data)
{
	if (data)
		atomic_fetch_add_explicit(&hdr_of(data)->nrefs, 1,
					  memory_order_relaxed);
	return data;
}

void *mem_deref(void *data)
{
	struct mem_hdr *h;

	if (!data)
		return NULL;
	h = hdr_of(data);
	if (atomic_fetch_sub_explicit(&h->nrefs, 1, memory_order_acq_rel) != 1)
		return NULL;
	if (h->dh)
		h->dh(data);
	atomic_fetch_sub_explicit(&stat_blocks, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&stat_bytes, h->size, memory_order_relaxed);
	h->magic = 0;
	free(h);
	return NULL;
}

uint32_t mem_nrefs(const void *data)
{
	return data ? atomic_load(&hdr_of(data)->nrefs) : 0;
}

char *mem_strndup(const char *s, size_t n)
{
	char *d;

	if (!s)
		return NULL;
	d = mem_alloc(n + 1, NULL);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *mem_strdup(const char *s)
{
	return s ? mem_strndup(s, strlen(s)) : NULL;
}

void mem_stat_get(struct mem_stat *st)
{
	st->blocks = atomic_load(&stat_blocks);
	st->bytes = atomic_load(&stat_bytes);
}

void mem_threshold_set(ssize_t n)
{
	atomic_store(&threshold, n);
}
