/* Pointer-length string helpers; see pl.h. */
#include "base/pl.h"

#include <errno.h>

#include "base/mem.h"

static inline int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

bool pl_eq(const struct pl *a, const struct pl *b)
{
	return a->l == b->l && (a->l == 0 || memcmp(a->p, b->p, a->l) == 0);
}

bool pl_mem_caseeq(const char *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)p[i]) != lower((unsigned char)s[i]))
			return false;
	return true;
}

bool pl_caseeq(const struct pl *a, const struct pl *b)
{
	return a->l == b->l && pl_mem_caseeq(a->p, b->p, a->l);
}

int pl_u64(const struct pl *pl, uint64_t *vp)
{
	uint64_t v = 0;

	if (!pl || !pl->l)
		return EINVAL;
	for (size_t i = 0; i < pl->l; i++) {
		unsigned d = (unsigned char)pl->p[i] - '0';

		if (d > 9)
			return EINVAL;
		if (v > (UINT64_MAX - d) / 10)
			return ERANGE;
		v = v * 10 + d;
	}
	*vp = v;
	return 0;
}

int pl_u32(const struct pl *pl, uint32_t *vp)
{
	uint64_t v;
	int err = pl_u64(pl, &v);

	if (err)
		return err;
	if (v > UINT32_MAX)
		return ERANGE;
	*vp = (uint32_t)v;
	return 0;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void pl_trim(struct pl *pl)
{
	while (pl->l && is_ws(pl->p[0])) {
		pl->p++;
		pl->l--;
	}
	while (pl->l && is_ws(pl->p[pl->l - 1]))
		pl->l--;
}

const char *pl_chr(const struct pl *pl, char c)
{
	return pl->l ? memchr(pl->p, c, pl->l) : NULL;
}

char *pl_strdup(const struct pl *pl)
{
	return mem_strndup(pl->p ? pl->p : "", pl->l);
}

int pl_strcpy(const struct pl *pl, char *buf, size_t sz)
{
	if (!sz || pl->l >= sz)
		return ENOSPC;
	if (pl->l)
		memcpy(buf, pl->p, pl->l);
	buf[pl->l] = '\0';
	return 0;
}
