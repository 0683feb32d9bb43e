/* sip:, sips: and tel: URIs; see uri.h. */
#include "sip/uri.h"

#include <errno.h>
#include <string.h>

#include "sip/msg.h"
#include "sip/sip_int.h"

static bool is_alpha(char c)
{
	c = sc_lower(c);
	return c >= 'a' && c <= 'z';
}

/* *( ";" pname [ "=" pvalue ] ) with URI paramchars; returns the end or
 * NULL. */
static const char *scan_uri_params(const char *p, const char *e)
{
	while (p < e && *p == ';') {
		const char *n = sc_span_esc(p + 1, e, SC_PARAM);

		if (!n || n == p + 1)
			return NULL;
		p = n;
		if (p < e && *p == '=') {
			const char *v = sc_span_esc(p + 1, e, SC_PARAM);

			if (!v || v == p + 1)
				return NULL;
			p = v;
		}
	}
	return p;
}

/* "?" header *( "&" header ), header = hname "=" hvalue. */
static const char *scan_uri_headers(const char *p, const char *e)
{
	char sep = '?';

	while (p < e && *p == sep) {
		const char *n = sc_span_esc(p + 1, e, SC_HNV);

		if (!n || n == p + 1 || n >= e || *n != '=')
			return NULL;
		p = sc_span_esc(n + 1, e, SC_HNV);
		if (!p)
			return NULL;
		sep = '&';
	}
	return p;
}

static int decode_sip(struct sip_uri *u, const char *s, const char *e)
{
	const char *q, *r;

	if (memchr(s, '@', (size_t)(e - s))) {
		/* userinfo: neither class holds ':' or '@', so the user span
		 * stops at the first ':' or at the '@' (if well-formed) */
		const char *ue = sc_span_esc(s, e, SC_USER), *pe;

		if (!ue || ue == s || ue >= e)
			return EBADMSG;
		pl_set(&u->user, s, (size_t)(ue - s));
		pe = ue;
		if (*ue == ':') {
			pe = sc_span_esc(ue + 1, e, SC_PASS);
			if (!pe || pe >= e)
				return EBADMSG;
			pl_set(&u->password, ue + 1, (size_t)(pe - ue - 1));
		}
		if (*pe != '@')
			return EBADMSG;
		s = pe + 1;
	}
	q = sip_scan_host(s, e, &u->host_is_ipv6);
	if (!q || q == s)
		return EBADMSG;
	pl_set(&u->host, s, (size_t)(q - s));
	if (q < e && *q == ':') {
		q = sip_scan_port(q, e, false, &u->port);
		if (!q)
			return EBADMSG;
	}
	r = scan_uri_params(q, e);
	if (!r)
		return EBADMSG;
	pl_set(&u->params, q, (size_t)(r - q));
	q = r < e ? scan_uri_headers(r, e) : r;
	if (!q || q != e)
		return EBADMSG;
	pl_set(&u->headers, r, (size_t)(q - r));
	return 0;
}

static int decode_tel(struct sip_uri *u, const char *s, const char *e)
{
	const char *q = sc_span(s, e, SC_TEL);
	const char *r;

	if (q == s || !sip_scan_escaped(s, q, SC_TEL))
		return EBADMSG;
	pl_set(&u->user, s, (size_t)(q - s));
	r = scan_uri_params(q, e);
	if (!r || r != e)
		return EBADMSG;
	pl_set(&u->params, q, (size_t)(r - q));
	return 0;
}

int sip_uri_decode_in(struct sip_uri *up, const struct pl *pl)
{
	struct sip_uri *const u = up;
	const char *p, *e, *q;
	size_t sl;

	if (!pl || !pl->p || !pl->l)
		return EBADMSG;
	if (pl->l > SIP_MSG_MAX_URI_LEN)
		return EMSGSIZE;
	p = pl->p;
	e = p + pl->l;
	/* every field is set here: no memset of the whole struct */
	u->user = u->password = u->host = u->params = u->headers =
		(struct pl)PL_INIT;
	u->port = 0;
	u->host_is_ipv6 = false;
	u->raw = *pl;
	if (pl->l > 4 && !memcmp(p, "sip:", 4)) {
		/* the usual spelling, before the caseless scheme check */
		sl = 3;
		u->scheme = SIP_URI_SIP;
	} else {
		if (!is_alpha(*p))
			return EBADMSG;
		q = sc_span(p + 1, e, SC_SCHEME);
		if (q >= e || *q != ':')
			return EBADMSG;
		sl = (size_t)(q - p);
		if (SC_CASEEQ(p, sl, "sip"))
			u->scheme = SIP_URI_SIP;
		else if (SC_CASEEQ(p, sl, "sips"))
			u->scheme = SIP_URI_SIPS;
		else if (SC_CASEEQ(p, sl, "tel"))
			u->scheme = SIP_URI_TEL;
		else
			u->scheme = SIP_URI_OTHER;
	}
	pl_set(&u->scheme_pl, p, sl);
	q = p + sl + 1;
	switch (u->scheme) {
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		return decode_sip(u, q, e);
	case SIP_URI_TEL:
		return decode_tel(u, q, e);
	default:
		/* absoluteURI: checked for its characters only */
		return (q < e && sip_scan_escaped(q, e, SC_URIC)) ? 0
								  : EBADMSG;
	}
}

int sip_uri_decode(struct sip_uri *uri, const struct pl *pl)
{
	struct sip_uri u;
	int err;

	if (!uri)
		return EBADMSG;
	err = sip_uri_decode_in(&u, pl);
	if (err)
		return err;
	*uri = u;
	return 0;
}

bool sip_param_get(const struct pl *params, const char *name, struct pl *valp)
{
	const char *p, *e;
	size_t nl;

	if (!params || !params->p || !name)
		return false;
	p = params->p;
	e = p + params->l;
	nl = strlen(name);
	while (p < e) {
		const char *n, *ne, *v, *ve;

		if (*p != ';') {
			p++;
			continue;
		}
		n = sc_ws(p + 1, e);
		ne = n;
		while (ne < e && *ne != '=' && *ne != ';' &&
		       !sc_is(*ne, SC_WS))
			ne++;
		v = sc_ws(ne, e);
		ve = v;
		if (v < e && *v == '=') {
			v = sc_ws(v + 1, e);
			if (v < e && *v == '"') {
				ve = sip_scan_quoted(v, e);
				if (!ve)
					ve = e;
			} else {
				ve = v;
				while (ve < e && *ve != ';' &&
				       !sc_is(*ve, SC_WS))
					ve++;
			}
		} else {
			v = ve = ne;
		}
		if ((size_t)(ne - n) == nl) {
			size_t i;

			for (i = 0; i < nl; i++)
				if (sc_lower(n[i]) != sc_lower(name[i]))
					break;
			if (i == nl) {
				if (valp)
					pl_set(valp, v, (size_t)(ve - v));
				return true;
			}
		}
		p = ve > p ? ve : p + 1;
	}
	return false;
}

bool sip_uri_param(const struct sip_uri *uri, const char *name,
		   struct pl *valp)
{
	return uri ? sip_param_get(&uri->params, name, valp) : false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = sc_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Next byte of an escaped string, %HH decoded. */
static int unesc_next(const char **pp, const char *e)
{
	const char *p = *pp;

	if (*p == '%' && e - p >= 3 && hexval(p[1]) >= 0 &&
	    hexval(p[2]) >= 0) {
		*pp = p + 3;
		return hexval(p[1]) * 16 + hexval(p[2]);
	}
	*pp = p + 1;
	return (unsigned char)*p;
}

static bool unesc_eq(const struct pl *a, const struct pl *b, bool icase)
{
	const char *p, *pe, *q, *qe;

	if (!a->l || !b->l)
		return a->l == b->l;
	p = a->p;
	pe = p + a->l;
	q = b->p;
	qe = q + b->l;

	while (p < pe && q < qe) {
		int x = unesc_next(&p, pe), y = unesc_next(&q, qe);

		if (icase) {
			x = sc_lower((char)x);
			y = sc_lower((char)y);
		}
		if (x != y)
			return false;
	}
	return p == pe && q == qe;
}

static const char *const strict_params[] = {"user", "ttl", "method", "maddr",
					    "transport"};

/* Params of a compared with b: shared ones must match, the strict ones
 * must appear in both. */
static bool params_match(const struct pl *a, const struct pl *b)
{
	const char *p, *e;

	if (!a->l)
		return true;
	p = a->p;
	e = p + a->l;

	while (p < e) {
		const char *n = p + 1, *ne, *v, *ve;
		char name[64];
		struct pl bv, av;

		ne = n;
		while (ne < e && *ne != '=' && *ne != ';')
			ne++;
		v = ve = ne;
		if (ne < e && *ne == '=') {
			v = ne + 1;
			ve = v;
			while (ve < e && *ve != ';')
				ve++;
		}
		p = ve;
		pl_set(&av, v, (size_t)(ve - v));
		if ((size_t)(ne - n) >= sizeof(name))
			continue;
		memcpy(name, n, (size_t)(ne - n));
		name[ne - n] = '\0';
		if (sip_param_get(b, name, &bv)) {
			if (!unesc_eq(&av, &bv, true))
				return false;
			continue;
		}
		for (size_t i = 0;
		     i < sizeof(strict_params) / sizeof(strict_params[0]);
		     i++) {
			struct pl np;

			pl_set(&np, n, (size_t)(ne - n));
			if (pl_caseeq_str(&np, strict_params[i]))
				return false;
		}
	}
	return true;
}

bool sip_uri_cmp(const struct sip_uri *a, const struct sip_uri *b)
{
	if (!a || !b || a->scheme != b->scheme)
		return false;
	if (a->scheme == SIP_URI_OTHER)
		return pl_caseeq(&a->raw, &b->raw);
	if (!unesc_eq(&a->user, &b->user, a->scheme == SIP_URI_TEL) ||
	    !unesc_eq(&a->password, &b->password, false))
		return false;
	if (!unesc_eq(&a->host, &b->host, true) || a->port != b->port)
		return false;
	if (!params_match(&a->params, &b->params) ||
	    !params_match(&b->params, &a->params))
		return false;
	return unesc_eq(&a->headers, &b->headers, true);
}
