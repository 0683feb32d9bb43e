/* Reference-counted heap objects.
 *
 * Every object carries a small header with an atomic reference count and an
 * optional destructor. mem_deref() drops one reference and, at zero, calls
 * the destructor and frees the block; it always returns NULL so callers can
 * write `x = mem_deref(x);`. Counts are atomic because config snapshots are
 * shared between the API thread and the SIP loop.
 */
#ifndef TRUNKD_BASE_MEM_H
#define TRUNKD_BASE_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef void(mem_destroy_h)(void *data);

/* Allocate size bytes (uninitialised / zeroed) with destructor dh (may be
 * NULL). Returns NULL on failure. The caller owns the one reference. */
void *mem_alloc(size_t size, mem_destroy_h *dh);
void *mem_zalloc(size_t size, mem_destroy_h *dh);

/* Resize a block that has a single reference. Returns NULL on failure (the
 * old block is left intact). */
void *mem_realloc(void *data, size_t size);

/* Take one more reference; returns data. NULL-safe. */
void *mem_ref(void *data);

/* Drop one reference; destroys at zero. NULL-safe; always returns NULL. */
void *mem_deref(void *data);

uint32_t mem_nrefs(const void *data);

/* Copies as refcounted NUL-terminated strings. NULL on failure. */
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t n);

/* Live block/byte counters (for leak checks in tests). */
struct mem_stat {
	size_t blocks;
	size_t bytes;
};
void mem_stat_get(struct mem_stat *st);

/* Fault injection: after n more successful allocations, every allocation
 * fails until mem_threshold_set(-1). */
void mem_threshold_set(ssize_t n);

#endif
