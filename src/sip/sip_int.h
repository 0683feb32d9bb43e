/* Private to src/sip: byte classes and small scanning helpers shared by
 * the URI, address, Via and message parsers. Never include this from
 * another folder. */
#ifndef TRUNKD_SIP_SIP_INT_H
#define TRUNKD_SIP_SIP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/pl.h"

/* Bits of sip_chars[] (see gen_chars.py for the exact sets). */
enum {
	SC_TOKEN = 1 << 0, /* token */
	SC_WORD = 1 << 1,  /* word (Call-ID) */
	SC_WS = 1 << 2,	   /* SP HTAB CR LF: LWS inside an unfolded value */
	/* the URI classes below hold no '%': the escaped scanners take a
	 * %HH escape where one of them is allowed (SC_ESCAPABLE) */
	SC_USER = 1 << 3,   /* URI user */
	SC_PASS = 1 << 4,   /* URI password */
	SC_HOST = 1 << 5,   /* hostname / IPv4 chars */
	SC_PARAM = 1 << 6,  /* URI paramchar */
	SC_HNV = 1 << 7,    /* URI hname / hvalue chars */
	SC_SCHEME = 1 << 8, /* scheme after the first ALPHA */
	SC_DIGIT = 1 << 9,
	SC_HEX = 1 << 10,
	SC_URIC = 1 << 11, /* absoluteURI body chars */
	SC_IPV6 = 1 << 12, /* hex, ':' and '.' */
	SC_TEL = 1 << 13,  /* telephone-subscriber chars (lenient) */
};

/* Classes in which %HH escapes are allowed besides their bytes. */
#define SC_ESCAPABLE (SC_USER | SC_PASS | SC_PARAM | SC_HNV | SC_URIC)

extern const uint16_t sip_chars[256];

/* Bit id set for the list headers of hdr.c (generated into hdr_id.c). */
extern const uint64_t sip_hdr_list_mask;

static inline bool sc_is(char c, uint16_t cls)
{
	return (sip_chars[(unsigned char)c] & cls) != 0;
}

/* End of the run of class cls bytes at the start of [p, e). Unrolled by
 * four so the bound is checked once per four bytes. */
static inline const char *sc_span(const char *p, const char *e, uint16_t cls)
{
	while (e - p >= 4) {
		if (!sc_is(p[0], cls))
			return p;
		if (!sc_is(p[1], cls))
			return p + 1;
		if (!sc_is(p[2], cls))
			return p + 2;
		if (!sc_is(p[3], cls))
			return p + 3;
		p += 4;
	}
	while (p < e && sc_is(*p, cls))
		p++;
	return p;
}

/* Classes holding every ALPHA, DIGIT, '-' and '.'. */
#define SC_HAS_ALNUM                                                   \
	(SC_TOKEN | SC_WORD | SC_USER | SC_PASS | SC_HOST | SC_PARAM | \
	 SC_HNV | SC_SCHEME | SC_URIC)

/* Skip the 16-byte blocks of ALPHA, DIGIT, '-' and '.' from p (SSE2;
 * without it, nothing): returns p advanced to the first other byte of
 * the first block that holds one, or to a point less than 16 bytes
 * before e. */
static inline const char *sc_alnum_run(const char *p, const char *e)
{
#ifdef __SSE2__
	while (e - p >= 16) {
		const __m128i v =
			_mm_loadu_si128((const __m128i *)(const void *)p);
		/* x in [lo, lo + n): (int8)(x + 128 - lo) < n - 128 */
		const __m128i a = _mm_cmplt_epi8(
			_mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)),
				     _mm_set1_epi8((char)(128 - 'a'))),
			_mm_set1_epi8((char)(26 - 128)));
		const __m128i d = _mm_cmplt_epi8(
			_mm_add_epi8(v, _mm_set1_epi8((char)(128 - '0'))),
			_mm_set1_epi8((char)(10 - 128)));
		const __m128i h =
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
				     _mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_or_si128(a, d), h));

		if (m != 0xffffu)
			return p + __builtin_ctz(~m);
		p += 16;
	}
#else
	(void)e;
#endif
	return p;
}

/* sc_span() for runs that are often long (hosts, Call-IDs, branch and tag
 * values): for a class of SC_HAS_ALNUM, 16-byte runs of ALPHA, DIGIT,
 * '-' and '.' are skipped with one SSE2 test each first. (For the many
 * 2-5 byte names plain sc_span() is cheaper.) */
static inline const char *sc_span_long(const char *p, const char *e,
				       uint16_t cls)
{
	if (cls & SC_HAS_ALNUM)
		p = sc_alnum_run(p, e);
	return sc_span(p, e, cls);
}

/* Skip LWS (SP, HTAB and the CRLF of folded lines). */
static inline const char *sc_ws(const char *p, const char *e)
{
	while (p < e && sc_is(*p, SC_WS))
		p++;
	return p;
}

static inline char sc_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Case-insensitive compare of [p, p+n) with a lowercase literal. */
static inline bool sc_caseeq(const char *p, size_t n, const char *lit,
			     size_t litlen)
{
	if (n != litlen)
		return false;
	/* litlen is a constant at every SC_CASEEQ site: unrolled */
	for (size_t i = 0; i < litlen; i++)
		if (sc_lower(p[i]) != lit[i])
			return false;
	return true;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Byte i of the literal lit in a little-endian word, and its 0x20 bit
 * when it is a lowercase letter (0 past the end); constants for a
 * literal. */
#define SC_LB_(lit, i)                                               \
	((i) < sizeof(lit) - 1                                       \
		 ? (uint64_t)(unsigned char)(lit)[(i) % sizeof(lit)] \
			   << (8 * (i))                              \
		 : 0)
#define SC_LM_(lit, i)                                               \
	((i) < sizeof(lit) - 1 && (lit)[(i) % sizeof(lit)] >= 'a' && \
			 (lit)[(i) % sizeof(lit)] <= 'z'             \
		 ? 0x20ULL << (8 * (i))                              \
		 : 0)
#define SC_LW_(lit, f)                                               \
	(f(lit, 0) | f(lit, 1) | f(lit, 2) | f(lit, 3) | f(lit, 4) | \
	 f(lit, 5) | f(lit, 6) | f(lit, 7))

/* sc_caseeq() of a literal of up to 8 bytes as one word compare: a byte
 * ORed with 0x20 equals a lowercase letter only when it is that letter
 * in either case; the other bytes compare exactly. */
static inline bool sc_caseeq_w(const char *p, size_t n, size_t litlen,
			       uint64_t lit, uint64_t mask)
{
	uint64_t w = 0;

	if (n != litlen)
		return false;
	memcpy(&w, p, litlen < 8 ? litlen : 8);
	return (w | mask) == lit;
}

#define SC_CASEEQ(p, n, lit)                                             \
	(sizeof(lit) - 1 <= 8                                            \
		 ? sc_caseeq_w((p), (n), sizeof(lit) - 1,                \
			       SC_LW_(lit, SC_LB_), SC_LW_(lit, SC_LM_)) \
		 : sc_caseeq((p), (n), (lit), sizeof(lit) - 1))
#else
#define SC_CASEEQ(p, n, lit) sc_caseeq((p), (n), (lit), sizeof(lit) - 1)
#endif

/* First byte c in [p, e), or NULL: memchr() for the short distances of
 * a header or SDP line, 16 bytes per step inline (no call) while 16 can
 * be loaded without passing e. */
static inline const char *sc_find(const char *p, const char *e, char c)
{
#ifdef __SSE2__
	const __m128i k = _mm_set1_epi8(c);

	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, k));

		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
	return p < e ? memchr(p, c, (size_t)(e - p)) : NULL;
}

/* Span of chars of cls and (for SC_ESCAPABLE classes) %HH escapes from
 * p, checking that each '%' starts a %HH escape. Returns the end, or NULL
 * on a bad escape. */
const char *sip_span_escaped(const char *p, const char *e, uint16_t cls);

/* sip_span_escaped() with the span of plain class bytes inline: the
 * out-of-line call only when the span stops at a '%'. */
static inline const char *sc_span_esc(const char *p, const char *e,
				      uint16_t cls)
{
	p = sc_span(p, e, cls);
	if ((cls & SC_ESCAPABLE) && p < e && *p == '%')
		return sip_span_escaped(p, e, cls);
	return p;
}

/* Scan a quoted-string starting at p (which must be '"'). Returns the
 * position after the closing quote, or NULL when unterminated or holding
 * a forbidden byte. */
const char *sip_scan_quoted(const char *p, const char *e);

/* True when [p, e) holds only chars of cls and, if cls is one of
 * SC_ESCAPABLE, well-formed %HH escapes. */
bool sip_scan_escaped(const char *p, const char *e, uint16_t cls);

/* Scan an IPv6 reference "[" IPv6 "]" at p (which must be '['). Returns
 * the end or NULL. */
const char *sip_scan_ipv6ref(const char *p, const char *e);

/* Scan a host: "[" IPv6 "]" or hostname / IPv4. Returns the end or NULL;
 * *ipv6p (may be NULL) tells which on success. */
static inline const char *sip_scan_host(const char *p, const char *e,
					bool *ipv6p)
{
	const char *q;

	if (p >= e)
		return NULL;
	if (*p == '[') {
		q = sip_scan_ipv6ref(p, e);
		if (q && ipv6p)
			*ipv6p = true;
		return q;
	}
	if (!sc_is(*p, SC_TOKEN) || *p == '-' || *p == '.')
		return NULL;
	q = sc_span_long(p, e, SC_HOST);
	if (ipv6p)
		*ipv6p = false;
	return q;
}

/* One header parameter (";name=value"); val is empty without '='. */
struct sip_param {
	struct pl name;
	struct pl val; /* as written, quotes kept */
	bool has_val;
};

/* Read the next SEMI generic-param at *pp (LWS allowed around ';' and
 * '='). gen-value = token / host ("[" IPv6 "]") / quoted-string; bytes of
 * vcls are accepted in unquoted values besides token chars. Returns 1 and
 * advances *pp past the parameter; 0 when *pp (after LWS) holds no ';'
 * (*pp unchanged); -1 when malformed (e.g. empty ";;"). */
static inline int sip_param_next(const char **pp, const char *e,
				 struct sip_param *prm, uint16_t vcls)
{
	const char *p = sc_ws(*pp, e);
	const char *n, *v;

	if (p >= e || *p != ';')
		return 0;
	p = sc_ws(p + 1, e);
	n = sc_span(p, e, SC_TOKEN);
	if (n == p)
		return -1;
	pl_set(&prm->name, p, (size_t)(n - p));
	p = sc_ws(n, e);
	if (p >= e || *p != '=') {
		prm->has_val = false;
		pl_set(&prm->val, n, 0);
		*pp = n;
		return 1;
	}
	p = sc_ws(p + 1, e);
	if (p < e && *p == '"') {
		v = sip_scan_quoted(p, e);
	} else if (p < e && *p == '[') {
		v = sip_scan_host(p, e, NULL);
	} else {
		v = sc_span_long(p, e, SC_TOKEN | vcls);
		if (v == p)
			v = NULL;
	}
	if (!v)
		return -1;
	prm->has_val = true;
	pl_set(&prm->val, p, (size_t)(v - p));
	*pp = v;
	return 1;
}

/* Scan *( SEMI generic-param ) from p. Returns the end of the last
 * parameter (LWS after it not consumed); NULL when one is malformed. */
const char *sip_scan_params(const char *p, const char *e);

/* Scan ":" port with LWS allowed around the colon when lws is true.
 * Returns the end; *portp = 0 when there is no port. NULL if malformed. */
const char *sip_scan_port(const char *p, const char *e, bool lws,
			  uint16_t *portp);

/* sip_uri_decode() / sip_addr_decode() / sip_via_decode() writing
 * straight into *out (no copy of the result): *out is overwritten even
 * when they fail, so use them only where a failed result is never read
 * (e.g. the message cache, marked malformed on failure). */
struct sip_uri;
struct sip_addr;
struct sip_via;
int sip_uri_decode_in(struct sip_uri *out, const struct pl *pl);
int sip_addr_decode_in(struct sip_addr *out, const struct pl *pl);
int sip_via_decode_in(struct sip_via *out, const struct pl *pl);

#endif
