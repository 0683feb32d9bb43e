/* Bounded string building into a char array, as a chain of
 * n += snprintf(dst + n, sz - n, ...) would do, without printf's cost
 * (~1k instructions per call in glibc) on the per-call paths. */
#ifndef TRUNKD_BASE_STR_H
#define TRUNKD_BASE_STR_H

#include <stddef.h>
#include <stdint.h>

#include "base/pl.h"

/* Append s to the string dst[0..n) in an array of sz bytes, as
 * snprintf(dst + n, sz - n, "%s", s): dst stays NUL-ended, cut at
 * sz - 1 bytes. Returns n plus the length of s (the length the whole
 * string would have): a result >= sz means it was cut. When n >= sz
 * already, nothing is written. */
size_t str_append(char *dst, size_t sz, size_t n, const char *s);

/* str_append() of each string argument in turn, up to the NULL that
 * ends the list. */
size_t str_join(char *dst, size_t sz, size_t n, ...) __attribute__((sentinel));

/* As str_append() with the bytes of pl up to its first NUL, if any (as
 * "%.*s" prints). pl may be empty. */
size_t str_append_pl(char *dst, size_t sz, size_t n, const struct pl *pl);

/* As str_append() with v in decimal. */
size_t str_append_u32(char *dst, size_t sz, size_t n, uint32_t v);

#endif
