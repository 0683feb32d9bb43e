/* Growable buffer; see buf.h. */
#include "base/buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"

static void buf_destroy(void *data)
{
	struct buf *b = data;

	mem_deref(b->data);
}

struct buf *buf_alloc(size_t size)
{
	struct buf *b = mem_zalloc(sizeof(*b), buf_destroy);

	if (!b)
		return NULL;
	b->data = mem_alloc(size ? size : 1, NULL);
	if (!b->data)
		return mem_deref(b);
	b->size = size ? size : 1;
	return b;
}

int buf_reserve(struct buf *b, size_t n)
{
	size_t need, nsz;
	uint8_t *d;

	if (n > SIZE_MAX - b->pos)
		return ENOMEM;
	need = b->pos + n;
	if (need <= b->size)
		return 0;
	nsz = b->size * 2;
	if (nsz < need)
		nsz = need;
	d = mem_realloc(b->data, nsz);
	if (!d)
		return ENOMEM;
	b->data = d;
	b->size = nsz;
	return 0;
}

int buf_write(struct buf *b, const void *p, size_t n)
{
	int err = buf_reserve(b, n);

	if (err)
		return err;
	if (n)
		memcpy(b->data + b->pos, p, n);
	b->pos += n;
	if (b->pos > b->end)
		b->end = b->pos;
	return 0;
}

int buf_write_str(struct buf *b, const char *s)
{
	return buf_write(b, s, strlen(s));
}

int buf_write_pl(struct buf *b, const struct pl *pl)
{
	return buf_write(b, pl->p, pl->l);
}

int buf_write_u8(struct buf *b, uint8_t v)
{
	return buf_write(b, &v, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	int err;

	va_copy(aq, ap);
	n = vsnprintf((char *)b->data + b->pos, b->size - b->pos, fmt, aq);
	va_end(aq);
	if (n < 0)
		return EINVAL;
	if ((size_t)n >= b->size - b->pos) {
		err = buf_reserve(b, (size_t)n + 1);
		if (err)
			return err;
		n = vsnprintf((char *)b->data + b->pos, b->size - b->pos, fmt,
			      ap);
		if (n < 0)
			return EINVAL;
	}
	b->pos += (size_t)n;
	if (b->pos > b->end)
		b->end = b->pos;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}

struct pl buf_pl(const struct buf *b)
{
	struct pl pl = {.p = (const char *)b->data, .l = b->end};

	return pl;
}

void buf_reset(struct buf *b)
{
	b->pos = b->end = 0;
}
