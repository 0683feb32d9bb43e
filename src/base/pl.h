/* Pointer-length strings: slices into a buffer someone else owns.
 *
 * A struct pl never owns its bytes. Slices of a received SIP message point
 * into the receive buffer, which the message holds a reference on; copy
 * (pl_strdup) whatever must outlive the message. Print with
 * printf("%.*s", PL_ARG(&pl)) so -Wformat keeps checking.
 */
#ifndef TRUNKD_BASE_PL_H
#define TRUNKD_BASE_PL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pl {
	const char *p;
	size_t l;
};

#define PL(s) ((struct pl){.p = (s), .l = sizeof(s) - 1})
#define PL_INIT                   \
	{                         \
		.p = NULL, .l = 0 \
	}
#define PL_ARG(pl) (int)(pl)->l, (pl)->p

static inline void pl_set(struct pl *pl, const char *p, size_t l)
{
	pl->p = p;
	pl->l = l;
}

static inline void pl_set_str(struct pl *pl, const char *s)
{
	pl->p = s;
	pl->l = s ? strlen(s) : 0;
}

static inline bool pl_isset(const struct pl *pl)
{
	return pl && pl->p && pl->l;
}

/* Byte-exact / ASCII case-insensitive equality. The _str forms are
 * inline: with a literal the length is a constant, and a length that
 * differs (the usual case) costs no call. */
bool pl_eq(const struct pl *a, const struct pl *b);
bool pl_caseeq(const struct pl *a, const struct pl *b);
/* n bytes of p and s equal, ASCII case-insensitive. */
bool pl_mem_caseeq(const char *p, const char *s, size_t n);

static inline bool pl_eq_str(const struct pl *a, const char *s)
{
	size_t n = s ? strlen(s) : 0; /* NULL: as "" */

	return a->l == n && (n == 0 || memcmp(a->p, s, n) == 0);
}

static inline bool pl_caseeq_str(const struct pl *a, const char *s)
{
	size_t n = s ? strlen(s) : 0; /* NULL: as "" */

	return a->l == n && pl_mem_caseeq(a->p, s, n);
}

/* Decimal unsigned integer covering the whole slice. Returns 0, EINVAL
 * (empty or non-digit) or ERANGE (overflow); *vp set only on success. */
int pl_u32(const struct pl *pl, uint32_t *vp);
int pl_u64(const struct pl *pl, uint64_t *vp);

/* Trim SP/HTAB/CR/LF on both sides, in place. */
void pl_trim(struct pl *pl);

/* First occurrence of c, or NULL. */
const char *pl_chr(const struct pl *pl, char c);

/* Refcounted NUL-terminated copy (mem_deref it). NULL on failure. */
char *pl_strdup(const struct pl *pl);

/* Copy into a caller buffer of size sz, NUL-terminated. Returns 0 or
 * ENOSPC (nothing copied). */
int pl_strcpy(const struct pl *pl, char *buf, size_t sz);

#endif
