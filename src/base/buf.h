/* Growable byte buffer for building messages: write at pos, read from pos,
 * end marks valid data. Refcounted (mem), so a received datagram's buffer
 * can be shared by the message slices that point into it. */
#ifndef TRUNKD_BASE_BUF_H
#define TRUNKD_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/pl.h"

struct buf {
	uint8_t *data; /* owned */
	size_t size;   /* allocated */
	size_t pos;    /* read/write cursor */
	size_t end;    /* end of valid data */
};

/* New buffer with capacity size (> 0). NULL on failure. */
struct buf *buf_alloc(size_t size);

/* Ensure room for n more bytes at pos. Returns 0 or ENOMEM. */
int buf_reserve(struct buf *b, size_t n);

/* buf_write() when the bytes do not fit: grows the buffer first. */
int buf_write_grow(struct buf *b, const void *p, size_t n);

/* Append at pos (moving pos and end). Return 0 or ENOMEM. Inline: the
 * message builders append a few hundred short pieces per call, and a
 * constant length (buf_write_lit, buf_write_u8) becomes plain moves. */
static inline int buf_write(struct buf *b, const void *p, size_t n)
{
	if (__builtin_expect(n > b->size - b->pos, 0))
		return buf_write_grow(b, p, n);
	if (n)
		memcpy(b->data + b->pos, p, n);
	b->pos += n;
	if (b->pos > b->end)
		b->end = b->pos;
	return 0;
}

static inline int buf_write_str(struct buf *b, const char *s)
{
	return buf_write(b, s, strlen(s));
}

static inline int buf_write_pl(struct buf *b, const struct pl *pl)
{
	return buf_write(b, pl->p, pl->l);
}

static inline int buf_write_u8(struct buf *b, uint8_t v)
{
	return buf_write(b, &v, 1);
}

/* Append a string literal (its length known at compile time). */
#define buf_write_lit(b, lit) buf_write((b), "" lit, sizeof(lit) - 1)
/* Append v in decimal (no sign, no padding); for message builders that
 * would otherwise go through printf. Returns 0 or ENOMEM. */
int buf_write_u32(struct buf *b, uint32_t v);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Valid bytes [0, end) as a pl. */
struct pl buf_pl(const struct buf *b);

/* Forget contents, keep capacity. */
void buf_reset(struct buf *b);

#endif
