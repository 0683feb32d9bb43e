/* Scanning helpers shared by the SIP parsers; see sip_int.h. */
#include "sip/sip_int.h"

const char *sip_scan_quoted(const char *p, const char *e)
{
	p++; /* opening quote */
	while (p < e) {
		unsigned char c = (unsigned char)*p;

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

bool sip_scan_escaped(const char *p, const char *e, uint16_t cls)
{
	while (p < e) {
		if (!sc_is(*p, cls))
			return false;
		if (*p == '%') {
			if (e - p < 3 || hexval(p[1]) < 0 || hexval(p[2]) < 0)
				return false;
			p += 3;
			continue;
		}
		p++;
	}
	return true;
}

const char *sip_span_escaped(const char *p, const char *e, uint16_t cls)
{
	for (;;) {
		while (p < e && sc_is(*p, cls) && *p != '%')
			p++;
		if (p >= e || *p != '%')
			return p;
		if (e - p < 3 || hexval(p[1]) < 0 || hexval(p[2]) < 0)
			return NULL;
		p += 3;
	}
}

const char *sip_scan_host(const char *p, const char *e, bool *ipv6p)
{
	const char *q;
	int colons = 0;

	if (p >= e)
		return NULL;
	if (*p == '[') {
		for (q = p + 1; q < e && sc_is(*q, SC_IPV6); q++)
			colons += *q == ':';
		if (q >= e || *q != ']' || colons < 2)
			return NULL;
		if (ipv6p)
			*ipv6p = true;
		return q + 1;
	}
	if (!sc_is(*p, SC_TOKEN) || *p == '-' || *p == '.')
		return NULL;
	q = sc_span(p, e, SC_HOST);
	if (ipv6p)
		*ipv6p = false;
	return q;
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
	for (d = q; d < e && sc_is(*d, SC_DIGIT) && d - q < 6; d++)
		v = v * 10 + (uint32_t)(*d - '0');
	if (d == q || v > 65535 || (d < e && sc_is(*d, SC_DIGIT)))
		return NULL;
	*portp = (uint16_t)v;
	return d;
}

int sip_param_next(const char **pp, const char *e, struct sip_param *prm,
		   uint16_t vcls)
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
		v = sc_span(p, e, SC_TOKEN | vcls);
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

const char *sip_scan_params(const char *p, const char *e)
{
	struct sip_param prm;
	int r;

	while ((r = sip_param_next(&p, e, &prm, 0)) == 1)
		;
	return r < 0 ? NULL : p;
}
