/* Bounded string building; see str.h. */
#include "base/str.h"

#include <stdarg.h>
#include <string.h>

static size_t append(char *dst, size_t sz, size_t n, const char *s, size_t l)
{
	size_t room, k;

	if (n < sz) {
		room = sz - n - 1;
		k = l < room ? l : room;
		memcpy(dst + n, s, k);
		dst[n + k] = '\0';
	}
	return n + l;
}

size_t str_append(char *dst, size_t sz, size_t n, const char *s)
{
	return append(dst, sz, n, s, strlen(s));
}

size_t str_join(char *dst, size_t sz, size_t n, ...)
{
	const char *s;
	va_list ap;

	va_start(ap, n);
	while ((s = va_arg(ap, const char *)))
		n = append(dst, sz, n, s, strlen(s));
	va_end(ap);
	return n;
}

size_t str_append_pl(char *dst, size_t sz, size_t n, const struct pl *pl)
{
	if (!pl->l)
		return append(dst, sz, n, "", 0);
	return append(dst, sz, n, pl->p, strnlen(pl->p, pl->l));
}

size_t str_append_u32(char *dst, size_t sz, size_t n, uint32_t v)
{
	char t[10], *p = t + sizeof(t);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return append(dst, sz, n, p, (size_t)(t + sizeof(t) - p));
}
