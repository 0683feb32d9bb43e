/* Reference-counted allocator; see mem.h. */
#include "base/mem.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct mem_hdr {
	_Atomic uint32_t nrefs;
	uint32_t magic;
	size_t size;
	mem_destroy_h *dh;
	uint32_t cls;	     /* size class (payload room) or CLS_NONE */
	max_align_t align[]; /* payload follows, suitably aligned */
};

enum { MEM_MAGIC = 0x6d656d21 };

/* Per-thread cache of freed blocks by size class, so that the blocks a
 * loop allocates and frees per message (a SIP message, an SDP session)
 * skip malloc()/free(). Payloads up to CLS_MAX_SIZE are rounded up to a
 * class: 16-byte steps to 256, then eight steps per power of two (at
 * most 12.5% slack). Each thread caches at most CACHE_PER_CLS blocks of a
 * class and CACHE_MAX_BYTES in all; a block freed on another thread goes
 * to that thread's cache. Sanitizer builds keep plain malloc()/free() so
 * use-after-free stays detectable. */
enum {
	CLS_NONE = UINT32_MAX,
	CLS_MAX_SIZE = 16384,
	CLS_COUNT = 17 + 6 * 8, /* classes 0..16, then 8 per octave */
	CACHE_PER_CLS = 16,
	CACHE_MAX_BYTES = 256 * 1024,
};

#if defined(__SANITIZE_ADDRESS__)
#define MEM_NO_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define MEM_NO_CACHE 1
#endif
#endif

/* Class of a payload size and the room that class gives; CLS_NONE for
 * sizes not cached. */
static inline uint32_t size_class(size_t size, size_t *roomp)
{
	unsigned b, s;
	size_t q;

	if (size <= 256) {
		size_t c = size ? (size + 15) >> 4 : 1; /* room for a link */

		*roomp = c << 4;
		return (uint32_t)c;
	}
	if (size > CLS_MAX_SIZE) {
		*roomp = size;
		return CLS_NONE;
	}
	b = 63u - (unsigned)__builtin_clzll((unsigned long long)(size - 1));
	s = b - 3;	     /* b >= 8: eight steps of 2^(b-3) */
	q = (size - 1) >> s; /* 8..15 */
	*roomp = (q + 1) << s;
	return 17u + (b - 8) * 8 + (uint32_t)(q - 8);
}

/* Live block/byte counters, kept per thread so the allocation fast path
 * has no atomic read-modify-write: each thread adds to its own counters
 * with relaxed loads and stores (plain moves), mem_stat_get() sums them.
 * A block freed on another thread than the one that allocated it makes
 * the counts of both threads drift, but not their sum. A thread's
 * counters are registered on its first allocation; when it exits they are
 * folded into the retired ones. */
struct mem_tstat {
	_Atomic ssize_t blocks; /* written only by the owning thread */
	_Atomic ssize_t bytes;
	bool registered;
	struct mem_tstat *next; /* guarded by stat_lock */
	/* owned by this thread only: freed blocks by size class */
	struct mem_hdr *cache[CLS_COUNT];
	uint8_t ncache[CLS_COUNT];
	size_t cache_bytes;
};

static _Thread_local struct mem_tstat tstat;
static struct mem_tstat shared;	    /* fallback, atomic read-modify-write */
static struct mem_tstat *stat_list; /* guarded by stat_lock */
static ssize_t retired_blocks;	    /* guarded by stat_lock */
static ssize_t retired_bytes;	    /* guarded by stat_lock */
static pthread_mutex_t stat_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t stat_once = PTHREAD_ONCE_INIT;
static pthread_key_t stat_key;
static bool stat_key_ok;
static _Atomic ssize_t threshold = -1;

/* A cached block's payload holds the link to the next one. */
static inline struct mem_hdr **cache_link(struct mem_hdr *h)
{
	return (struct mem_hdr **)(void *)h->align;
}

/* Thread exit: free the cached blocks, fold the counters into the retired
 * ones and unlink. */
static void tstat_retire(void *arg)
{
	struct mem_tstat *t = arg, **pp;

	for (unsigned c = 0; c < CLS_COUNT; c++) {
		struct mem_hdr *h = t->cache[c];

		while (h) {
			struct mem_hdr *n = *cache_link(h);

			free(h);
			h = n;
		}
		t->cache[c] = NULL;
		t->ncache[c] = 0;
	}
	t->cache_bytes = 0;

	pthread_mutex_lock(&stat_lock);
	retired_blocks +=
		atomic_load_explicit(&t->blocks, memory_order_relaxed);
	retired_bytes += atomic_load_explicit(&t->bytes, memory_order_relaxed);
	for (pp = &stat_list; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->registered = false;
	pthread_mutex_unlock(&stat_lock);
}

static void stat_key_init(void)
{
	stat_key_ok = pthread_key_create(&stat_key, tstat_retire) == 0;
}

/* Cold path: link this thread's counters into the list. Without a
 * thread-exit hook (pthread key creation failed) they could dangle after
 * the thread exits, so NULL is returned and the shared counters are
 * used. */
static struct mem_tstat *tstat_register(void)
{
	struct mem_tstat *t = &tstat;

	pthread_once(&stat_once, stat_key_init);
	if (!stat_key_ok || pthread_setspecific(stat_key, t) != 0)
		return NULL;
	pthread_mutex_lock(&stat_lock);
	t->next = stat_list;
	stat_list = t;
	t->registered = true;
	pthread_mutex_unlock(&stat_lock);
	return t;
}

static inline struct mem_tstat *tstat_get(void)
{
	struct mem_tstat *t = &tstat;

	if (__builtin_expect(!t->registered, 0))
		return tstat_register();
	return t;
}

/* Add d to counter c of t (NULL: the shared fallback counters). */
static inline void stat_add(struct mem_tstat *t, size_t off, ssize_t d)
{
	_Atomic ssize_t *c;

	if (__builtin_expect(!t, 0)) {
		c = (_Atomic ssize_t *)((char *)&shared + off);
		atomic_fetch_add_explicit(c, d, memory_order_relaxed);
		return;
	}
	c = (_Atomic ssize_t *)((char *)t + off);
	atomic_store_explicit(
		c, atomic_load_explicit(c, memory_order_relaxed) + d,
		memory_order_relaxed);
}

#define STAT_BLOCKS offsetof(struct mem_tstat, blocks)
#define STAT_BYTES  offsetof(struct mem_tstat, bytes)

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
	struct mem_tstat *t;
	struct mem_hdr *h;
	uint32_t cls;
	size_t room;

	if (!may_alloc() || size > SIZE_MAX - sizeof(*h))
		return NULL;
	t = tstat_get();
	cls = size_class(size, &room);
#ifndef MEM_NO_CACHE
	if (__builtin_expect(t && cls != CLS_NONE && t->cache[cls], 1)) {
		h = t->cache[cls];
		t->cache[cls] = *cache_link(h);
		t->ncache[cls]--;
		t->cache_bytes -= room;
	} else
#endif
	{
		h = malloc(sizeof(*h) + room);
		if (!h)
			return NULL;
	}
	atomic_init(&h->nrefs, 1);
	h->magic = MEM_MAGIC;
	h->size = size;
	h->dh = dh;
	h->cls = cls;
	stat_add(t, STAT_BLOCKS, 1);
	stat_add(t, STAT_BYTES, (ssize_t)size);
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
	struct mem_tstat *t;
	struct mem_hdr *h, *nh;
	size_t old, room;

	if (!data)
		return mem_alloc(size, NULL);
	h = hdr_of(data);
	if (!may_alloc() || size > SIZE_MAX - sizeof(*h))
		return NULL;
	old = h->size;
	if (h->cls != CLS_NONE && size_class(size, &room) == h->cls) {
		nh = h; /* still fits the room of its class */
	} else {
		nh = realloc(h, sizeof(*nh) + size);
		if (!nh)
			return NULL;
		nh->cls = CLS_NONE; /* no longer a class-sized block */
	}
	nh->size = size;
	t = tstat_get();
	stat_add(t, STAT_BYTES, (ssize_t)size - (ssize_t)old);
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
	struct mem_tstat *t;
	struct mem_hdr *h;

	if (!data)
		return NULL;
	h = hdr_of(data);
	/* The caller holds one reference. Seeing 1 means it is the only
	 * one: no other thread holds a reference, so none can change the
	 * count concurrently and the atomic decrement can be skipped. The
	 * acquire load pairs with the release of the other holders' earlier
	 * decrements, as the acq_rel decrement would. */
	if (atomic_load_explicit(&h->nrefs, memory_order_acquire) == 1)
		atomic_store_explicit(&h->nrefs, 0, memory_order_relaxed);
	else if (atomic_fetch_sub_explicit(&h->nrefs, 1,
					   memory_order_acq_rel) != 1)
		return NULL;
	if (h->dh)
		h->dh(data);
	t = tstat_get();
	stat_add(t, STAT_BLOCKS, -1);
	stat_add(t, STAT_BYTES, -(ssize_t)h->size);
	h->magic = 0;
#ifndef MEM_NO_CACHE
	if (__builtin_expect(t && h->cls != CLS_NONE, 1)) {
		size_t room;

		(void)size_class(h->size, &room);
		if (t->ncache[h->cls] < CACHE_PER_CLS &&
		    t->cache_bytes + room <= CACHE_MAX_BYTES) {
			*cache_link(h) = t->cache[h->cls];
			t->cache[h->cls] = h;
			t->ncache[h->cls]++;
			t->cache_bytes += room;
			return NULL;
		}
	}
#endif
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
	ssize_t blocks, bytes;

	pthread_mutex_lock(&stat_lock);
	blocks = retired_blocks +
		 atomic_load_explicit(&shared.blocks, memory_order_relaxed);
	bytes = retired_bytes +
		atomic_load_explicit(&shared.bytes, memory_order_relaxed);
	for (const struct mem_tstat *t = stat_list; t; t = t->next) {
		blocks +=
			atomic_load_explicit(&t->blocks, memory_order_relaxed);
		bytes += atomic_load_explicit(&t->bytes, memory_order_relaxed);
	}
	pthread_mutex_unlock(&stat_lock);
	st->blocks = (size_t)blocks;
	st->bytes = (size_t)bytes;
}

void mem_threshold_set(ssize_t n)
{
	atomic_store(&threshold, n);
}
