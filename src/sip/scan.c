/* Scanning helpers shared by the SIP parsers; see sip_int.h. */
#include "sip/sip_int.h"

const char *sip_scan_quoted(const char *p, const char *e)
{
	p++; /* opening quote */
	while (p < e) {
		unsigned char c;

#ifdef __SSE2__
		/* skip 16 bytes at a time to the next '"', '\\' or CTL */
		while (e - p >= 16) {
			const __m128i v = _mm_loadu_si128(
				(const __m128i *)(const void *)p);
			const __m128i ctl = _mm_cmpeq_epi8(
				_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
			const __m128i stop = _mm_or_si128(
				_mm_or_si128(ctl,
					     _mm_cmpeq_epi8(
						     v, _mm_set1_epi8(0x7f))),
				_mm_or_si128(
					_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					_mm_cmpeq_epi8(v,
						       _mm_set1_epi8('\\'))));
			unsigned m = (unsigned)_mm_movemask_epi8(stop);

			if (m) {
				p += __builtin_ctz(m);
				break;
			}
			p += 16;
		}
		if (p >= e)
			break;
#endif
		c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c == '\\') {
			if (p + 1 >= e || p[1] == '\r' || p[1] == '\n')
				return NULL;
			p += 2;
			continue;
		}
		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
			return NULL;
		if (c == 0x7f)
			return NULL;
		p++;
	}
	return NULL;
}

static inline int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = sc_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

const char *sip_span_escaped(const char *p, const char *e, uint16_t cls)
{
	for (;;) {
		p = sc_span(p, e, cls);
		if (p >= e || *p != '%' || !(cls & SC_ESCAPABLE))
			return p;
		if (e - p < 3 || hexval(p[1]) < 0 || hexval(p[2]) < 0)
			return NULL;
		p += 3;
	}
}

bool sip_scan_escaped(const char *p, const char *e, uint16_t cls)
{
	return sip_span_escaped(p, e, cls) == e;
}

const char *sip_scan_ipv6ref(const char *p, const char *e)
{
	const char *q;
	int colons = 0;

	for (q = p + 1; q < e && sc_is(*q, SC_IPV6); q++)
		colons += *q == ':';
	if (q >= e || *q != ']' || colons < 2)
		return NULL;
	return q + 1;
}

const char *sip_scan_port(const char *p, const char *e, bool lws,
			  uint16_t *portp)
{
	const char *q = lws ? sc_ws(p, e) : p;
	uint32_t v = 0;
	const char *d;

	if (q >= e || *q != ':') {
		*portp = 0;
		return p;
	}
	q = lws ? sc_ws(q + 1, e) : q + 1;
	/* 1 to 5 digits, at most 65535: up to 5 without a count check,
	 * then a sixth digit is an error */
	for (d = q; d < (e - q > 5 ? q + 5 : e); d++) {
		uint32_t dg = (uint32_t)(unsigned char)*d - '0';

		if (dg > 9)
			break;
		v = v * 10 + dg;
	}
	if (d == q || v > 65535 ||
	    (d < e && (uint32_t)(unsigned char)*d - '0' <= 9))
		return NULL;
	*portp = (uint16_t)v;
	return d;
}

const char *sip_scan_params(const char *p, const char *e)
{
	struct sip_param prm;
	int r;

	while ((r = sip_param_next(&p, e, &prm, 0)) == 1)
		;
	return r < 0 ? NULL : p;
}
