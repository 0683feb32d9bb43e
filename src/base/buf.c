/* Growable buffer; see buf.h. */
#include "base/buf.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"

/* The first data block lives in the same allocation as the struct (one
 * allocation per buffer: a call builds and receives a score of them);
 * growing moves it to a block of its own. */
static bool data_inline(const struct buf *b)
{
	return b->data == (const uint8_t *)(b + 1);
}

static void buf_destroy(void *data)
{
	struct buf *b = data;

	if (!data_inline(b))
		mem_deref(b->data);
}

struct buf *buf_alloc(size_t size)
{
	size_t sz = size ? size : 1;
	struct buf *b;

	if (sz > SIZE_MAX - sizeof(*b))
		return NULL;
	b = mem_alloc(sizeof(*b) + sz, buf_destroy);
	if (!b)
		return NULL;
	b->data = (uint8_t *)(b + 1);
	b->size = sz;
	b->pos = 0;
	b->end = 0;
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
	if (data_inline(b)) {
		d = mem_alloc(nsz, NULL);
		if (d)
			memcpy(d, b->data, b->end);
	} else {
		d = mem_realloc(b->data, nsz);
	}
	if (!d)
		return ENOMEM;
	b->data = d;
	b->size = nsz;
	return 0;
}

int buf_write_grow(struct buf *b, const void *p, size_t n)
{
	int err = buf_reserve(b, n);

	if (err)
		return err;
	return buf_write(b, p, n);
}

int buf_write_u32(struct buf *b, uint32_t v)
{
	char t[10], *p = t + sizeof(t);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return buf_write(b, p, (size_t)(t + sizeof(t) - p));
}

/* One conversion of the fast path: no flags, no width; a precision
 * ("%.*s", "%.12s") only on s; length modifiers hh h l ll z. */
struct conv {
	char c;	   /* % c s d i u x */
	char len;  /* 0, 'H' (hh), 'h', 'l', 'L' (ll), 'z' */
	int prec;  /* -1: none */
	bool star; /* precision from the arguments */
};

/* Parse the conversion after '%' at p into cv; the character after it,
 * or NULL when the fast path does not handle it. */
static const char *conv_parse(const char *p, struct conv *cv)
{
	cv->len = 0;
	cv->prec = -1;
	cv->star = false;
	if (*p == '.') {
		p++;
		if (*p == '*') {
			cv->star = true;
			p++;
		} else {
			cv->prec = 0;
			while (*p >= '0' && *p <= '9' && cv->prec < 100000)
				cv->prec = cv->prec * 10 + (*p++ - '0');
		}
	}
	if (*p == 'h') {
		p++;
		cv->len = 'h';
		if (*p == 'h') {
			p++;
			cv->len = 'H';
		}
	} else if (*p == 'l') {
		p++;
		cv->len = 'l';
		if (*p == 'l') {
			p++;
			cv->len = 'L';
		}
	} else if (*p == 'z') {
		p++;
		cv->len = 'z';
	}
	cv->c = *p;
	switch (cv->c) {
	case '%':
	case 'c':
		if (cv->len || cv->prec >= 0 || cv->star)
			return NULL;
		break;
	case 's':
		if (cv->len)
			return NULL;
		break;
	case 'd':
	case 'i':
	case 'u':
	case 'x':
		if (cv->prec >= 0 || cv->star)
			return NULL;
		break;
	default:
		return NULL;
	}
	return p + 1;
}

static int put_num(struct buf *b, uint64_t v, bool neg, unsigned base)
{
	char t[24], *p = t + sizeof(t);

	do {
		*--p = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		*--p = '-';
	return buf_write(b, p, (size_t)(t + sizeof(t) - p));
}

static int put_signed(struct buf *b, const struct conv *cv, va_list *ap)
{
	long long v;

	switch (cv->len) {
	case 'H':
		v = (signed char)va_arg(*ap, int);
		break;
	case 'h':
		v = (short)va_arg(*ap, int);
		break;
	case 'l':
		v = va_arg(*ap, long);
		break;
	case 'L':
		v = va_arg(*ap, long long);
		break;
	case 'z':
		v = va_arg(*ap, ssize_t);
		break;
	default:
		v = va_arg(*ap, int);
		break;
	}
	if (v < 0)
		return put_num(b, (uint64_t)(-(v + 1)) + 1, true, 10);
	return put_num(b, (uint64_t)v, false, 10);
}

static int put_unsigned(struct buf *b, const struct conv *cv, va_list *ap)
{
	unsigned long long v;

	switch (cv->len) {
	case 'H':
		v = (unsigned char)va_arg(*ap, unsigned);
		break;
	case 'h':
		v = (unsigned short)va_arg(*ap, unsigned);
		break;
	case 'l':
		v = va_arg(*ap, unsigned long);
		break;
	case 'L':
		v = va_arg(*ap, unsigned long long);
		break;
	case 'z':
		v = va_arg(*ap, size_t);
		break;
	default:
		v = va_arg(*ap, unsigned);
		break;
	}
	return put_num(b, v, false, cv->c == 'x' ? 16 : 10);
}

static int put_str(struct buf *b, const struct conv *cv, va_list *ap)
{
	int prec = cv->star ? va_arg(*ap, int) : cv->prec;
	const char *s = va_arg(*ap, const char *);

	if (!s) /* as glibc */
		s = prec < 0 || prec >= 6 ? "(null)" : "";
	return buf_write(b, s,
			 prec < 0 ? strlen(s) : strnlen(s, (size_t)prec));
}

/* The fast path of buf_vprintf(). ENOTSUP: fmt has a conversion it does
 * not handle (the caller undoes what was written). */
static int fast_vprintf(struct buf *b, const char *fmt, va_list *ap)
{
	const char *p = fmt, *q;
	struct conv cv;
	int err = 0;

	while (!err && *p) {
		q = strchr(p, '%');
		if (!q)
			return buf_write(b, p, strlen(p));
		if (q > p)
			err = buf_write(b, p, (size_t)(q - p));
		if (err)
			break;
		p = conv_parse(q + 1, &cv);
		if (!p)
			return ENOTSUP;
		switch (cv.c) {
		case '%':
			err = buf_write_u8(b, '%');
			break;
		case 'c':
			err = buf_write_u8(b, (uint8_t)va_arg(*ap, int));
			break;
		case 's':
			err = put_str(b, &cv, ap);
			break;
		case 'd':
		case 'i':
			err = put_signed(b, &cv, ap);
			break;
		default:
			err = put_unsigned(b, &cv, ap);
			break;
		}
	}
	return err;
}

/* printf into the buffer. The formats messages are built with (%s,
 * %.*s, %u, %d, %c, %x, no flags or width) are printed here directly:
 * glibc's vsnprintf() cost ~70k instructions per call, a quarter of the
 * SIP thread's user time. Anything else goes to vsnprintf(). */
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	size_t pos = b->pos, end = b->end;
	va_list aq;
	int n;
	int err;

	va_copy(aq, ap);
	err = fast_vprintf(b, fmt, &aq);
	va_end(aq);
	/* a NUL after the text, not counted, as vsnprintf() leaves */
	err = err ? err : buf_reserve(b, 1);
	if (!err) {
		b->data[b->pos] = '\0';
		return 0;
	}
	b->pos = pos;
	b->end = end;
	if (err != ENOTSUP)
		return err;
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
