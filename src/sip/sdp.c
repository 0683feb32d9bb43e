/* SDP parser (RFC 4566); see sdp.h. The printer is in sdp_print.c, the
 * codec helpers in sdp_codec.c. */
#include "sip/sdp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "base/mem.h"
#include "sip/sdp_int.h"
#include "sip/sip_int.h"

/* Byte classes: RFC 4566 token-char (%x21 / %x23-27 / %x2A-2B /
 * %x2D-2E / %x30-39 / %x41-5A / %x5E-7E), DIGIT, SP/HTAB (field
 * separators), non-ws-string bytes (VCHAR / %x80-FF) and FQDN bytes
 * (ALPHA / DIGIT / "-" / "."). */
enum {
	CT_TOK = 1,
	CT_DIG = 2,
	CT_SP = 4,
	CT_NWS = 8,
	CT_FQDN = 16,
	CT_NSP = 32, /* anything but SP/HTAB */
};

/* clang-format off */
static const uint8_t ct[256] = {
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x04, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x04, 0x29, 0x28, 0x29, 0x29, 0x29, 0x29, 0x29, 0x28, 0x28, 0x29, 0x29, 0x28, 0x39, 0x39, 0x28,
    0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28,
    0x28, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39,
    0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x28, 0x28, 0x28, 0x29, 0x29,
    0x29, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39,
    0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x29, 0x29, 0x29, 0x29, 0x20,
    0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28,
    0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28,
    0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28,
    0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28,
    0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28,
    0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28,
    0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28,
    0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28,
};
/* clang-format on */

/* End of the run of class cls bytes from p. */
static inline const char *span(const char *p, const char *e, uint8_t cls)
{
	while (e - p >= 4) {
		if (!(ct[(unsigned char)p[0]] & cls))
			return p;
		if (!(ct[(unsigned char)p[1]] & cls))
			return p + 1;
		if (!(ct[(unsigned char)p[2]] & cls))
			return p + 2;
		if (!(ct[(unsigned char)p[3]] & cls))
			return p + 3;
		p += 4;
	}
	while (p < e && (ct[(unsigned char)*p] & cls))
		p++;
	return p;
}

static inline bool is_token(const char *p, size_t l)
{
	return l && span(p, p + l, CT_TOK) == p + l;
}

bool sdp_is_token(const struct pl *pl)
{
	return is_token(pl->p, pl->l);
}

/* [p, p+n) equals the literal lit. */
#define MEM_IS(p, n, lit) \
	((n) == sizeof(lit) - 1 && !memcmp((p), lit, sizeof(lit) - 1))

/* Up to 19 DIGITs (no overflow check needed) as u64; false when a byte
 * is no digit. */
static inline bool dec_short(const struct pl *pl, uint64_t *vp)
{
	uint64_t v = 0;

	for (size_t i = 0; i < pl->l; i++) {
		unsigned d = (unsigned char)pl->p[i] - '0';

		if (d > 9)
			return false;
		v = v * 10 + d;
	}
	*vp = v;
	return true;
}

/* 1*DIGIT as u32; false if empty, not digits or over UINT32_MAX. */
static inline bool dec_u32(const struct pl *pl, uint32_t *vp)
{
	uint64_t v = 0;

	if (!pl->l)
		return false;
	if (pl->l <= 9) {
		/* up to 9 digits cannot overflow: no check per digit */
		if (!dec_short(pl, &v))
			return false;
		*vp = (uint32_t)v;
		return true;
	}
	for (size_t i = 0; i < pl->l; i++) {
		unsigned d = (unsigned char)pl->p[i] - '0';

		if (d > 9)
			return false;
		v = v * 10 + d;
		if (v > UINT32_MAX)
			return false;
	}
	*vp = (uint32_t)v;
	return true;
}

/* 1*DIGIT as u64; false if empty, not digits or over UINT64_MAX. */
static inline bool dec_u64(const struct pl *pl, uint64_t *vp)
{
	uint64_t v = 0;

	if (!pl->l)
		return false;
	if (pl->l <= 19) /* cannot overflow: no check per digit */
		return dec_short(pl, vp);
	for (size_t i = 0; i < pl->l; i++) {
		unsigned d = (unsigned char)pl->p[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*vp = v;
	return true;
}

static inline bool is_digits(const struct pl *pl)
{
	if (!pl->l)
		return false;
	for (size_t i = 0; i < pl->l; i++)
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
	return true;
}

/* Visible characters, no whitespace (non-ws-string of RFC 4566). */
static inline bool is_nonws(const struct pl *pl)
{
	if (!pl->l)
		return false;
	for (size_t i = 0; i < pl->l; i++) {
		unsigned char c = (unsigned char)pl->p[i];

		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

static inline bool is_sp(char c)
{
	return ct[(unsigned char)c] & CT_SP;
}

/* Free text (byte-string): anything but CR (LF and NUL cannot occur
 * inside a line: lines end at LF, NUL is rejected for the whole body). */
static inline bool no_cr(const char *p, const char *e)
{
	return p >= e || !memchr(p, '\r', (size_t)(e - p));
}

/* sdp_field_next() on a cursor: skip SP/HTAB, take the run up to the next
 * SP/HTAB. False when only whitespace is left. */
static inline bool field(const char **pp, const char *e, struct pl *f)
{
	const char *p = *pp, *q;

	while (p < e && is_sp(*p))
		p++;
	*pp = p;
	if (p == e)
		return false;
	q = span(p + 1, e, CT_NSP);
	f->p = p;
	f->l = (size_t)(q - p);
	*pp = q;
	return true;
}

/* Only SP/HTAB left in [p, e). */
static inline bool ws_only(const char *p, const char *e)
{
	while (p < e && is_sp(*p))
		p++;
	return p == e;
}

/* End of the run of token-chars from p. */
static inline const char *token_end(const char *p, const char *e)
{
	return span(p, e, CT_TOK);
}

bool sdp_line_next(struct pl *rest, struct pl *line)
{
	const char *nl;
	size_t l;

	if (!rest->l)
		return false;
	nl = memchr(rest->p, '\n', rest->l);
	l = nl ? (size_t)(nl - rest->p) : rest->l;
	line->p = rest->p;
	line->l = l;
	if (l && line->p[l - 1] == '\r')
		line->l--;
	if (nl)
		l++;
	rest->p += l;
	rest->l -= l;
	return true;
}

bool sdp_field_next(struct pl *rest, struct pl *f)
{
	const char *p = rest->p, *e;
	bool ok;

	if (!rest->l)
		return false;
	e = p + rest->l;
	ok = field(&p, e, f);
	rest->l = (size_t)(e - p);
	rest->p = p;
	return ok;
}

/* Split [p, e) into exactly n fields; false if fewer or more. */
static inline bool fields(const char *p, const char *e, struct pl *f,
			  unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!field(&p, e, &f[i]))
			return false;
	return ws_only(p, e);
}

/* Hostname per RFC 4566 FQDN: letters, digits, '-', '.'; at least 4
 * characters there, but we accept any non-empty name. */
static bool is_fqdn(const struct pl *pl)
{
	if (!pl->l)
		return false;
	for (size_t i = 0; i < pl->l; i++) {
		char c = pl->p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* Dotted-quad IPv4 literal as inet_pton(AF_INET) accepts it: four
 * decimal parts 0-255, no leading zeros, nothing else. Its bytes go to
 * ip[0..3] (written even when false). */
static inline bool is_ipv4(const struct pl *pl, uint8_t *ip)
{
	const char *p = pl->p, *e = p + pl->l;

	for (int part = 0; part < 4; part++) {
		unsigned v, d;

		if (part) {
			if (p == e || *p != '.')
				return false;
			p++;
		}
		if (p == e || (v = (unsigned)(*p - '0')) > 9)
			return false;
		p++;
		/* up to two more digits; no leading zero */
		if (p < e && (d = (unsigned)(*p - '0')) <= 9) {
			if (!v)
				return false;
			v = v * 10 + d;
			p++;
			if (p < e && (d = (unsigned)(*p - '0')) <= 9) {
				v = v * 10 + d;
				p++;
				if (v > 255 ||
				    (p < e && (unsigned)(*p - '0') <= 9))
					return false;
			}
		}
		ip[part] = (uint8_t)v;
	}
	return p == e;
}

/* Not an IP literal of af: an FQDN (AF_UNSPEC) or -1 (cold path); an
 * IPv6 literal's bytes go to ip[0..15]. */
static int addr_af_slow(int af, const struct pl *addr, bool literal_only,
			uint8_t *ip)
{
	char tmp[64];
	union {
		struct in_addr a4;
		struct in6_addr a6;
	} u;

	if (af == AF_INET6 && pl_strcpy(addr, tmp, sizeof(tmp)) == 0 &&
	    inet_pton(af, tmp, &u) == 1) {
		memcpy(ip, &u.a6, 16);
		return af;
	}
	if (literal_only || pl_chr(addr, ':'))
		return -1;
	/* a top label is never numeric: "1.2.3" is a bad literal */
	if (addr->l && addr->p[addr->l - 1] >= '0' &&
	    addr->p[addr->l - 1] <= '9')
		return -1;
	return is_fqdn(addr) ? AF_UNSPEC : -1;
}

/* ip: 16 bytes for the literal's (4 or 16 of them). */
static inline int addr_af(const struct pl *addrtype, const struct pl *addr,
			  bool literal_only, uint8_t *ip)
{
	if (PL_IS(addrtype, "IP4")) {
		if (is_ipv4(addr, ip))
			return AF_INET;
		return addr_af_slow(AF_INET, addr, literal_only, ip);
	}
	if (PL_IS(addrtype, "IP6"))
		return addr_af_slow(AF_INET6, addr, literal_only, ip);
	return -1;
}

int sdp_addr_af(const struct pl *addrtype, const struct pl *addr,
		bool literal_only)
{
	uint8_t ip[16];

	return addr_af(addrtype, addr, literal_only, ip);
}

/* "<addrtype> <addr>[/ttl[/n]]" fields of c= (nettype already checked). */
static inline int conn_decode(struct sdp_conn *c, const struct pl *addrtype,
			      const struct pl *addr)
{
	struct pl a = *addr, suf = PL_INIT;
	const char *slash = memchr(addr->p, '/', addr->l);
	uint8_t ip[16] = {0};
	int af;

	if (slash) {
		a.l = (size_t)(slash - addr->p);
		suf.p = slash;
		suf.l = addr->l - a.l;
		/* "/digits" or "/digits/digits" */
		struct pl s = {.p = suf.p + 1, .l = suf.l - 1};
		const char *s2 = pl_chr(&s, '/');
		struct pl d1 = s, d2 = PL_INIT;

		if (s2) {
			d1.l = (size_t)(s2 - s.p);
			d2.p = s2 + 1;
			d2.l = s.l - d1.l - 1;
			if (!is_digits(&d2))
				return EBADMSG;
		}
		if (!is_digits(&d1))
			return EBADMSG;
	}
	af = addr_af(addrtype, &a, false, ip);
	if (af < 0)
		return EBADMSG;
	c->set = true;
	c->af = af;
	memcpy(c->ip, ip, sizeof(c->ip));
	c->addrtype = *addrtype;
	c->addr = a;
	c->suffix = suf;
	return 0;
}

/* The 8 bytes at p as a word (the caller checked that 8 can be
 * read); on little-endian, w8(p) & ((1 << 8n) - 1) holds the first n. */
static inline uint64_t w8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* The first n (1..7) bytes of [p, p+8) equal those of lit. */
static inline bool eq_first(const char *p, const char *lit, unsigned n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t mask = (1ULL << (8 * n)) - 1;

	return (w8(p) & mask) == (w8(lit) & mask);
#else
	return !memcmp(p, lit, n);
#endif
}

/* Fast path of conn_decode() for the common "IN IP4 <IPv4>" with single
 * spaces: true when it applies (c filled as conn_decode() would), false
 * to take the general path. */
static inline bool conn_fast(struct sdp_conn *c, const char *v, const char *e)
{
	struct pl a;

	if (e - v < 14 || !eq_first(v, "IN IP4 .", 7))
		return false;
	pl_set(&a, v + 7, (size_t)(e - v - 7));
	if (!is_ipv4(&a, c->ip))
		return false;
	c->set = true;
	c->af = AF_INET;
	pl_set(&c->addrtype, v + 3, 3);
	c->addr = a;
	c->suffix = (struct pl)PL_INIT;
	return true;
}

/* Parser state. */
struct dec {
	struct sdp_session *s;
	struct sdp_media *m;	/* current media section or NULL */
	struct sdp_attr *attrs; /* pool */
	uint32_t nattrs;	/* used */
	uint32_t cap_attrs;
	bool seen_o, seen_s, seen_t;
	const char *reason;
};

#define FAIL(d, r)                 \
	do {                       \
		(d)->reason = (r); \
		return EBADMSG;    \
	} while (0)

/* "<user> <digits> <digits> IN IP4 <IPv4>" with single spaces: true
 * when it applies and o is filled; false for the general path. */
static inline bool origin_fast(struct sdp_origin *o, const char *v,
			       const char *e)
{
	const char *p = v, *q;

	q = span(p, e, CT_NWS);
	if (q == p || q == e || *q != ' ')
		return false;
	pl_set(&o->user, p, (size_t)(q - p));
	p = q + 1;
	q = span(p, e, CT_DIG);
	if (q == p || q == e || *q != ' ')
		return false;
	pl_set(&o->sess_id, p, (size_t)(q - p));
	p = q + 1;
	q = span(p, e, CT_DIG);
	if (q == p || q == e || *q != ' ')
		return false;
	pl_set(&o->sess_version, p, (size_t)(q - p));
	return conn_fast(&o->addr, q + 1, e);
}

static int dec_origin(struct dec *d, const char *v, const char *e)
{
	struct sdp_origin *o = &d->s->origin;
	struct pl f[6];

	if (d->seen_o)
		FAIL(d, "Duplicate o= line");
	if (origin_fast(o, v, e)) {
		d->seen_o = true;
		return 0;
	}
	if (!fields(v, e, f, 6) || !is_nonws(&f[0]) || !is_digits(&f[1]) ||
	    !is_digits(&f[2]) || !PL_IS(&f[3], "IN"))
		FAIL(d, "Malformed o= line");
	if (conn_decode(&o->addr, &f[4], &f[5]) || o->addr.suffix.l)
		FAIL(d, "Malformed o= line");
	o->user = f[0];
	o->sess_id = f[1];
	o->sess_version = f[2];
	d->seen_o = true;
	return 0;
}

static int dec_conn(struct dec *d, const char *v, const char *e)
{
	struct sdp_conn *c = d->m ? &d->m->conn : &d->s->conn;
	struct pl f[3];

	if (c->set)
		FAIL(d, "Duplicate c= line");
	if (conn_fast(c, v, e))
		return 0;
	if (!fields(v, e, f, 3))
		FAIL(d, "Malformed c= line");
	if (!PL_IS(&f[0], "IN"))
		FAIL(d, "Unsupported c= network type");
	if (!PL_IS(&f[1], "IP4") && !PL_IS(&f[1], "IP6"))
		FAIL(d, "Unsupported c= address type");
	if (conn_decode(c, &f[1], &f[2]))
		FAIL(d, "Malformed c= address");
	return 0;
}

static int dec_time(struct dec *d, const char *v, const char *e)
{
	struct pl f[2];
	const char *q = span(v, e, CT_DIG), *r = NULL;
	uint64_t a, b;

	/* fast path: "<digits> <digits>", at most 19 digits each */
	if (q > v && q - v < 20 && q < e && *q == ' ')
		r = span(q + 1, e, CT_DIG);
	if (r == e && r > q + 1 && r - q - 1 < 20) {
		pl_set(&f[0], v, (size_t)(q - v));
		pl_set(&f[1], q + 1, (size_t)(r - q - 1));
	} else if (!fields(v, e, f, 2)) {
		FAIL(d, "Malformed t= line");
	}
	if (!dec_u64(&f[0], &a) || !dec_u64(&f[1], &b))
		FAIL(d, "Malformed t= line");
	if (!d->seen_t) {
		d->s->t_start = a;
		d->s->t_stop = b;
	}
	d->seen_t = true;
	return 0;
}

/* b=<bwtype>:<bandwidth> */
static int dec_bw(struct dec *d, const char *v, const char *e)
{
	const char *colon = token_end(v, e);
	struct pl n;

	if (colon == v || colon == e || *colon != ':')
		FAIL(d, "Malformed b= line");
	pl_set(&n, colon + 1, (size_t)(e - colon - 1));
	if (!is_digits(&n))
		FAIL(d, "Malformed b= line");
	return 0;
}

/* proto = token *("/" token) */
static inline bool is_proto(const struct pl *proto)
{
	const char *p = proto->p, *e = p + proto->l;

	for (;;) {
		const char *t = token_end(p, e);

		if (t == p)
			return false;
		if (t == e)
			return true;
		if (*t != '/')
			return false;
		p = t + 1;
	}
}

static inline bool proto_is_rtp(const struct pl *proto)
{
	/* RTP/AVP, RTP/SAVP, RTP/AVPF, UDP/TLS/RTP/SAVPF, TCP/RTP/AVP ... */
	for (size_t i = 0; i + 4 <= proto->l; i++)
		if (!memcmp(proto->p + i, "RTP/", 4) &&
		    (i == 0 || proto->p[i - 1] == '/'))
			return true;
	return false;
}

/* Fast path of the m= line head for the common "audio <port> RTP/AVP "
 * with single spaces: true when it applies (type, port, nports, proto,
 * rtp set as the general path would) with *pp after "RTP/AVP"; false for
 * the general path. */
static inline bool media_fast(struct sdp_media *m, const char *v,
			      const char *e, const char **pp)
{
	const char *p = v + 6, *q;
	uint32_t port = 0;

	if (e - v < 17 || !eq_first(v, "audio ..", 6))
		return false;
	q = span(p, e, CT_DIG);
	if (q == p || q - p > 5 || e - q < 9 || w8(q) != w8(" RTP/AVP") ||
	    q[8] != ' ')
		return false;
	for (; p < q; p++)
		port = port * 10 + (uint32_t)(*p - '0');
	if (port > 65535)
		return false;
	pl_set(&m->type, v, 5);
	m->port = (uint16_t)port;
	m->nports = 1;
	pl_set(&m->proto, q + 1, 7);
	m->rtp = true;
	*pp = q + 8;
	return true;
}

static int dec_media(struct dec *d, const char *v, const char *e)
{
	struct sdp_media *m = &d->s->media[d->s->nmedia];
	struct pl port, f;
	const char *p = v, *slash;
	uint64_t seen[2] = {0, 0};
	uint32_t n;

	if (d->s->nmedia >= SDP_MAX_MEDIA) /* prescan guards; be safe */
		FAIL(d, "Too many media sections");
	/* the block is not zeroed (fmts[] alone is ~3 KB): clear all but
	 * the format slots, which are cleared as they are filled */
	memset(m, 0, offsetof(struct sdp_media, fmts));
	memset(&m->nfmts, 0, sizeof(*m) - offsetof(struct sdp_media, nfmts));
	pl_set(&m->line, v, (size_t)(e - v));
	if (media_fast(m, v, e, &p))
		goto fmts;
	if (!field(&p, e, &m->type) || !is_token(m->type.p, m->type.l) ||
	    !field(&p, e, &port) || !field(&p, e, &m->proto) ||
	    !is_proto(&m->proto))
		FAIL(d, "Malformed m= line");
	m->nports = 1;
	slash = memchr(port.p, '/', port.l);
	if (slash) {
		struct pl c = {.p = slash + 1,
			       .l = port.l - (size_t)(slash - port.p) - 1};

		port.l = (size_t)(slash - port.p);
		if (!dec_u32(&c, &n) || n == 0 || n > 65535)
			FAIL(d, "Malformed m= port");
		m->nports = (uint16_t)n;
	}
	if (!dec_u32(&port, &n) || n > 65535)
		FAIL(d, "Malformed m= port");
	m->port = (uint16_t)n;
	m->rtp = proto_is_rtp(&m->proto);
fmts:
	while (field(&p, e, &f)) {
		struct sdp_fmt *fmt;

		if (m->nfmts >= SDP_MAX_FMT)
			FAIL(d, "Too many formats on m= line");
		fmt = &m->fmts[m->nfmts];
		if (m->rtp) {
			if (!dec_u32(&f, &n) || n > SDP_MAX_PT) {
				if (!is_token(f.p, f.l))
					FAIL(d, "Malformed m= format");
				FAIL(d, "Malformed RTP payload type");
			}
			if ((seen[n >> 6] >> (n & 63)) & 1)
				FAIL(d, "Duplicate payload type");
			seen[n >> 6] |= 1ULL << (n & 63);
			*fmt = (struct sdp_fmt){
				.id = f, .pt = (int)n, .channels = 1};
			if (n < SDP_STATIC_PTS && sdp_static_pts[n].name) {
				const struct sdp_static_pt *sp =
					&sdp_static_pts[n];

				fmt->known = true;
				pl_set(&fmt->name, sp->name, sp->len);
				fmt->srate = sp->srate;
			}
		} else {
			if (!is_token(f.p, f.l))
				FAIL(d, "Malformed m= format");
			*fmt = (struct sdp_fmt){
				.id = f, .pt = -1, .channels = 1};
		}
		m->nfmts++;
	}
	if (!m->nfmts)
		FAIL(d, "m= line without formats");
	m->attrs = d->attrs + d->nattrs;
	d->m = m;
	d->s->nmedia++;
	return 0;
}

static inline struct sdp_fmt *fmt_by_id(struct sdp_media *m, const char *id,
					size_t idl)
{
	if (m->rtp && idl && idl <= 3) {
		/* RTP formats are digit strings with their value in pt: a
		 * digit id matches one of the same value and length */
		int n = 0;
		size_t i;

		for (i = 0; i < idl && id[i] >= '0' && id[i] <= '9'; i++)
			n = n * 10 + (id[i] - '0');
		if (i == idl) {
			for (uint32_t k = 0; k < m->nfmts; k++)
				if (m->fmts[k].pt == n &&
				    m->fmts[k].id.l == idl)
					return &m->fmts[k];
			return NULL;
		}
	}
	for (uint32_t i = 0; i < m->nfmts; i++)
		if (m->fmts[i].id.l == idl &&
		    !memcmp(m->fmts[i].id.p, id, idl))
			return &m->fmts[i];
	return NULL;
}

/* 1*DIGIT from p as u32 (no overflow); returns the end, or NULL. */
static inline const char *digits_u32(const char *p, const char *e,
				     uint32_t *vp)
{
	const char *s = p, *fast = e - p > 9 ? p + 9 : e;
	uint64_t v = 0;

	/* the first 9 digits cannot overflow: no check for them */
	for (; p < fast; p++) {
		unsigned dg = (unsigned char)*p - '0';

		if (dg > 9)
			goto out;
		v = v * 10 + dg;
	}
	for (; p < e; p++) {
		unsigned dg = (unsigned char)*p - '0';

		if (dg > 9)
			break;
		v = v * 10 + dg;
		if (v > UINT32_MAX)
			return NULL;
	}
out:
	if (p == s)
		return NULL;
	*vp = (uint32_t)v;
	return p;
}

/* rtpmap:<pt> <name>/<rate>[/<channels>] */
static int attr_rtpmap(struct dec *d, const struct sdp_attr *a)
{
	const char *p = a->value.p, *e, *id, *ide, *n, *q;
	struct sdp_fmt *fmt;
	uint32_t pt, srate, nch = 1;

	if (!a->has_value)
		FAIL(d, "Malformed a=rtpmap");
	e = p + a->value.l;
	while (p < e && is_sp(*p))
		p++;
	id = p;
	ide = digits_u32(p, e, &pt);
	if (!ide || ide == e || !is_sp(*ide) || pt > SDP_MAX_PT)
		FAIL(d, "Malformed a=rtpmap");
	for (n = ide; n < e && is_sp(*n); n++)
		;
	/* token-chars hold ALPHA, DIGIT, '-' and '.': long names
	 * ("telephone-event") skip 16 of those at a time first */
	q = token_end(sc_alnum_run(n, e), e);
	if (q == n || q == e || *q != '/')
		FAIL(d, "Malformed a=rtpmap");
	p = digits_u32(q + 1, e, &srate);
	if (!p || srate == 0)
		FAIL(d, "Malformed a=rtpmap");
	if (p < e && *p == '/') {
		p = digits_u32(p + 1, e, &nch);
		if (!p || nch == 0 || nch > 255)
			FAIL(d, "Malformed a=rtpmap");
	}
	if (!ws_only(p, e))
		FAIL(d, "Malformed a=rtpmap");
	if (!d->m || !d->m->rtp)
		return 0; /* kept as an attribute, nothing to map */
	if (ide - id <= 3) {
		/* the id is digits with value pt: as fmt_by_id() would, match
		 * the RTP format of that value and id length */
		fmt = NULL;
		for (uint32_t k = 0; k < d->m->nfmts; k++)
			if (d->m->fmts[k].pt == (int)pt &&
			    d->m->fmts[k].id.l == (size_t)(ide - id)) {
				fmt = &d->m->fmts[k];
				break;
			}
	} else {
		fmt = fmt_by_id(d->m, id, (size_t)(ide - id));
	}
	if (!fmt)
		return 0; /* a pt not on the m= line: ignore the mapping */
	if (fmt->rtpmap)
		FAIL(d, "Duplicate a=rtpmap");
	fmt->rtpmap = a;
	fmt->known = true;
	pl_set(&fmt->name, n, (size_t)(q - n));
	fmt->srate = srate;
	fmt->channels = nch;
	return 0;
}

/* fmtp:<fmt> <params> */
static int attr_fmtp(struct dec *d, const struct sdp_attr *a)
{
	const char *p = a->value.p, *e;
	struct sdp_fmt *fmt;
	struct pl id, rest;

	if (!a->has_value)
		FAIL(d, "Malformed a=fmtp");
	e = p + a->value.l;
	if (!field(&p, e, &id) || !is_token(id.p, id.l))
		FAIL(d, "Malformed a=fmtp");
	if (!no_cr(p, e))
		FAIL(d, "CR inside an SDP line");
	while (p < e && is_sp(*p))
		p++;
	while (e > p && is_sp(e[-1]))
		e--;
	pl_set(&rest, p, (size_t)(e - p));
	if (!d->m)
		return 0;
	fmt = fmt_by_id(d->m, id.p, id.l);
	if (!fmt)
		return 0;
	if (fmt->fmtp_attr)
		FAIL(d, "Duplicate a=fmtp");
	fmt->fmtp_attr = a;
	fmt->fmtp = rest;
	return 0;
}

/* rtcp:<port> [IN <addrtype> <addr>] (RFC 3605) */
static int attr_rtcp(struct dec *d, const struct sdp_attr *a)
{
	const char *p = a->value.p, *e;
	struct pl f[4];
	struct sdp_conn c = {.set = false};
	uint32_t port;
	unsigned n = 0;

	if (!a->has_value)
		FAIL(d, "Malformed a=rtcp");
	e = p + a->value.l;
	while (n < 4 && field(&p, e, &f[n]))
		n++;
	if ((n != 1 && n != 4) || !dec_u32(&f[0], &port) || port > 65535)
		FAIL(d, "Malformed a=rtcp");
	if (n == 4 && (!PL_IS(&f[1], "IN") || conn_decode(&c, &f[2], &f[3]) ||
		       c.suffix.l))
		FAIL(d, "Malformed a=rtcp");
	if (!d->m)
		return 0;
	if (d->m->has_rtcp)
		FAIL(d, "Duplicate a=rtcp");
	d->m->has_rtcp = true;
	d->m->rtcp_port = (uint16_t)port;
	d->m->rtcp_conn = c;
	return 0;
}

static int attr_dir(struct dec *d, const struct sdp_attr *a, enum sdp_dir dir)
{
	enum sdp_dir *cur = d->m ? &d->m->dir : &d->s->dir;

	if (a->has_value && !no_cr(a->value.p, a->value.p + a->value.l))
		FAIL(d, "CR inside an SDP line");
	if (*cur != SDP_DIR_NONE && *cur != dir)
		FAIL(d, "Conflicting direction attributes");
	*cur = dir;
	return 0;
}

static int attr_ptime(struct dec *d, const struct sdp_attr *a)
{
	uint32_t ms;

	if (!dec_u32(&a->value, &ms) || ms == 0)
		FAIL(d, "Malformed a=ptime");
	if (d->m)
		d->m->ptime = ms;
	return 0;
}

static int attr_crypto(struct dec *d, const struct sdp_attr *a)
{
	struct sdp_crypto c;

	if (sdp_crypto_decode(&c, &a->value))
		FAIL(d, "Malformed a=crypto");
	if (!no_cr(a->value.p, a->value.p + a->value.l))
		FAIL(d, "CR inside an SDP line");
	if (d->m)
		d->m->ncrypto++;
	return 0;
}

/* The attributes trunkd reads are parsed to their grammar; any other
 * value only needs to be a byte-string (no CR). */
static int dec_attr(struct dec *d, const char *v, const char *e)
{
	enum { K_OTHER, K_FMTP, K_RTCP, K_PTIME, K_RTPMAP, K_SENDRECV } k;
	struct sdp_attr *a;
	const char *ne;
	size_t nl;

	/* the common names trunkd reads, followed by ':' or the line end,
	 * are tokens: no class scan and no name compare below for them */
	k = K_OTHER;
	if (e - v >= 8) {
		if (eq_first(v, "rtpmap:.", 7))
			k = K_RTPMAP;
		else if (eq_first(v, "fmtp:...", 5))
			k = K_FMTP;
		else if (eq_first(v, "ptime:..", 6))
			k = K_PTIME;
		else if (eq_first(v, "rtcp:...", 5))
			k = K_RTCP;
		else if (e - v == 8 && w8(v) == w8("sendrecv"))
			k = K_SENDRECV;
	}
	switch (k) {
	case K_FMTP:
	case K_RTCP:
		ne = v + 4;
		break;
	case K_PTIME:
		ne = v + 5;
		break;
	case K_RTPMAP:
		ne = v + 6;
		break;
	case K_SENDRECV:
		ne = v + 8;
		break;
	default:
		ne = token_end(v, e);
		break;
	}
	nl = (size_t)(ne - v);
	if (ne == v || (ne < e && *ne != ':'))
		FAIL(d, "Malformed attribute name");
	if (d->nattrs >= d->cap_attrs)
		FAIL(d, "Too many attributes");
	a = &d->attrs[d->nattrs++];
	pl_set(&a->line, v, (size_t)(e - v));
	pl_set(&a->name, v, nl);
	if (ne < e) {
		pl_set(&a->value, ne + 1, (size_t)(e - ne - 1));
		a->has_value = true;
	} else {
		pl_set(&a->value, NULL, 0);
		a->has_value = false;
	}
	if (d->m)
		d->m->nattrs++;
	else
		d->s->nattrs++;

	switch (k) {
	case K_FMTP:
		return attr_fmtp(d, a);
	case K_RTCP:
		return attr_rtcp(d, a);
	case K_PTIME:
		return attr_ptime(d, a);
	case K_RTPMAP:
		return attr_rtpmap(d, a);
	case K_SENDRECV:
		return attr_dir(d, a, SDP_DIR_SENDRECV);
	default:
		break;
	}
	switch (nl) {
	case 4:
		if (!memcmp(v, "fmtp", 4))
			return attr_fmtp(d, a);
		if (!memcmp(v, "rtcp", 4))
			return attr_rtcp(d, a);
		break;
	case 5:
		if (!memcmp(v, "ptime", 5))
			return attr_ptime(d, a);
		break;
	case 6:
		if (!memcmp(v, "rtpmap", 6))
			return attr_rtpmap(d, a);
		if (!memcmp(v, "crypto", 6))
			return attr_crypto(d, a);
		break;
	case 8:
		if (!memcmp(v, "sendrecv", 8))
			return attr_dir(d, a, SDP_DIR_SENDRECV);
		if (!memcmp(v, "sendonly", 8))
			return attr_dir(d, a, SDP_DIR_SENDONLY);
		if (!memcmp(v, "recvonly", 8))
			return attr_dir(d, a, SDP_DIR_RECVONLY);
		if (!memcmp(v, "inactive", 8))
			return attr_dir(d, a, SDP_DIR_INACTIVE);
		break;
	default:
		break;
	}
	/* unknown attributes are kept as they are */
	if (a->has_value && !no_cr(a->value.p, e))
		FAIL(d, "CR inside an SDP line");
	return 0;
}

int sdp_crypto_decode(struct sdp_crypto *c, const struct pl *value)
{
	struct pl rest = *value, tag, suite, key;
	uint32_t t;

	if (!sdp_field_next(&rest, &tag) || !sdp_field_next(&rest, &suite) ||
	    !sdp_field_next(&rest, &key))
		return EBADMSG;
	if (tag.l > 9 || !dec_u32(&tag, &t) || !sdp_is_token(&suite) ||
	    !is_nonws(&key) || !pl_chr(&key, ':'))
		return EBADMSG;
	pl_trim(&rest);
	c->tag = t;
	c->suite = suite;
	c->key_params = key;
	c->sess_params = rest;
	return 0;
}

static int dec_line(struct dec *d, char type, const char *v, const char *e)
{
	/* lines allowed inside a media section (RFC 4566 §5) */
	enum {
		MEDIA_LINES = 1u << ('i' - 'a') | 1u << ('c' - 'a') |
			      1u << ('b' - 'a') | 1u << ('k' - 'a') |
			      1u << ('a' - 'a') | 1u << ('m' - 'a'),
	};

	/* type is 'a'..'z' (checked by the caller) */
	if (d->m && !((MEDIA_LINES >> (type - 'a')) & 1))
		FAIL(d, "Session-level line inside a media section");

	switch (type) {
	case 'a':
		return dec_attr(d, v, e);
	case 'c':
		return dec_conn(d, v, e);
	case 'o':
		return dec_origin(d, v, e);
	case 's':
		if (d->seen_s)
			FAIL(d, "Duplicate s= line");
		if (!no_cr(v, e))
			FAIL(d, "CR inside an SDP line");
		d->seen_s = true;
		pl_set(&d->s->name, v, (size_t)(e - v));
		return 0;
	case 't':
		return dec_time(d, v, e);
	case 'm':
		if (!d->seen_o)
			FAIL(d, "Missing o= line");
		if (!d->seen_s)
			FAIL(d, "Missing s= line");
		if (!d->seen_t)
			FAIL(d, "Missing t= line");
		return dec_media(d, v, e);
	case 'b':
		return dec_bw(d, v, e);
	case 'v':
		FAIL(d, "Duplicate v= line");
	case 'i':
	case 'u':
	case 'e':
	case 'p':
	case 'r':
	case 'z':
	case 'k':
		/* free text or unused here; printed as written */
		if (!no_cr(v, e))
			FAIL(d, "CR inside an SDP line");
		return 0;
	default:
		FAIL(d, "Unknown SDP line type");
	}
}

static void sess_destroy(void *data)
{
	struct sdp_session *s = data;

	mem_deref(s->mb);
}

/* Line ends the prescan remembers, so the parse does not search again. */
enum { PRESCAN_LINES = 48 };

struct prescan {
	uint32_t nm, na; /* m= and a= lines */
	uint32_t nends;
	const char *ends[PRESCAN_LINES]; /* LF of line i, NULL: none */
};

/* Count m= and a= lines to size the block. */
static void prescan(const struct pl *body, struct prescan *ps)
{
	const char *p = body->p, *e = p + body->l, *nl;
	uint32_t nm = 0, na = 0, n = 0;

	for (;;) {
		if (e - p >= 2 && p[1] == '=') {
			if (p[0] == 'm')
				nm++;
			else if (p[0] == 'a')
				na++;
		}
		nl = sc_find(p, e, '\n');
		if (n < PRESCAN_LINES)
			ps->ends[n++] = nl;
		if (!nl)
			break;
		p = nl + 1;
	}
	ps->nm = nm;
	ps->na = na;
	ps->nends = n;
}

int sdp_session_decode(struct sdp_session **sessp, const struct pl *body,
		       struct buf *mb, const char **reasonp)
{
	struct dec d = {.s = NULL};
	struct sdp_session *s = NULL;
	struct prescan ps;
	const char *p, *e;
	uint32_t li = 0;
	bool first = true;
	int err = 0;

	if (!sessp || !body)
		return EINVAL;
	if (!body->p || !body->l) {
		d.reason = "Empty SDP";
		err = EBADMSG;
		goto out;
	}
	if (body->l > SDP_MAX_SIZE) {
		d.reason = "SDP too large";
		err = EBADMSG;
		goto out;
	}
	if (memchr(body->p, '\0', body->l)) {
		d.reason = "NUL byte in SDP";
		err = EBADMSG;
		goto out;
	}
	prescan(body, &ps);
	if (ps.nm > SDP_MAX_MEDIA) {
		d.reason = "Too many media sections";
		err = EBADMSG;
		goto out;
	}
	if (ps.na > SDP_MAX_ATTRS) {
		d.reason = "Too many attributes";
		err = EBADMSG;
		goto out;
	}
	/* media and attribute slots are cleared as they are filled */
	s = mem_alloc(sizeof(*s) + ps.nm * sizeof(struct sdp_media) +
			      ps.na * sizeof(struct sdp_attr),
		      sess_destroy);
	if (!s) {
		err = ENOMEM;
		goto out;
	}
	memset(s, 0, sizeof(*s));
	s->raw = *body;
	s->media = (struct sdp_media *)(s + 1);
	s->attrs = (struct sdp_attr *)(s->media + ps.nm);
	d.s = s;
	d.attrs = s->attrs;
	d.cap_attrs = ps.na;

	p = body->p;
	e = p + body->l;
	while (p < e) {
		const char *nl, *le, *next;

		nl = li < ps.nends ? ps.ends[li]
				   : memchr(p, '\n', (size_t)(e - p));
		li++;
		le = nl ? nl : e;
		next = nl ? nl + 1 : e;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p) {
			p = next;
			continue;
		}
		if (le - p < 2 || p[1] != '=' || p[0] < 'a' || p[0] > 'z') {
			d.reason = "Malformed SDP line";
			err = EBADMSG;
			goto out;
		}
		if (first) {
			if (p[0] != 'v' || le - p != 3 || p[2] != '0') {
				d.reason = "SDP must start with v=0";
				err = EBADMSG;
			}
			first = false;
		} else {
			err = dec_line(&d, p[0], p + 2, le);
		}
		if (err) {
			/* a CR inside the line is the better reason; the
			 * line parsers accept none */
			if (memchr(p, '\r', (size_t)(le - p)))
				d.reason = "CR inside an SDP line";
			goto out;
		}
		p = next;
	}
	if (first) {
		d.reason = "Empty SDP";
		err = EBADMSG;
		goto out;
	}
	if (!d.seen_o || !d.seen_s || !d.seen_t) {
		d.reason = !d.seen_o   ? "Missing o= line"
			   : !d.seen_s ? "Missing s= line"
				       : "Missing t= line";
		err = EBADMSG;
		goto out;
	}
	for (uint32_t i = 0; i < s->nmedia; i++) {
		if (s->media[i].port && !s->conn.set &&
		    !s->media[i].conn.set) {
			d.reason = "Missing c= line";
			err = EBADMSG;
			goto out;
		}
	}
	if (mb)
		s->mb = mem_ref(mb);
out:
	if (err) {
		mem_deref(s);
		if (reasonp)
			*reasonp = err == ENOMEM ? "Out of memory" : d.reason;
	} else {
		*sessp = s;
	}
	return err;
}

const struct sdp_conn *sdp_media_conn(const struct sdp_session *sess,
				      const struct sdp_media *m)
{
	if (m && m->conn.set)
		return &m->conn;
	if (sess && sess->conn.set)
		return &sess->conn;
	return NULL;
}

int sdp_conn_sa(const struct sdp_conn *c, uint16_t port,
		struct sockaddr_storage *sa)
{
	struct sockaddr_storage t;

	if (!c || !sa || !c->set || (c->af != AF_INET && c->af != AF_INET6))
		return EINVAL;
	memset(&t, 0, sizeof(t));
	if (c->af == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&t;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, c->ip, 4);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&t;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		memcpy(&in6->sin6_addr, c->ip, 16);
	}
	*sa = t;
	return 0;
}

enum sdp_dir sdp_media_dir(const struct sdp_session *sess,
			   const struct sdp_media *m)
{
	if (m && m->dir != SDP_DIR_NONE)
		return m->dir;
	if (sess && sess->dir != SDP_DIR_NONE)
		return sess->dir;
	return SDP_DIR_SENDRECV;
}

const char *sdp_dir_name(enum sdp_dir dir)
{
	switch (dir) {
	case SDP_DIR_SENDRECV:
		return "sendrecv";
	case SDP_DIR_SENDONLY:
		return "sendonly";
	case SDP_DIR_RECVONLY:
		return "recvonly";
	case SDP_DIR_INACTIVE:
		return "inactive";
	case SDP_DIR_NONE:
		break;
	}
	return "";
}

const struct sdp_attr *sdp_attr_find(const struct sdp_attr *attrs,
				     uint32_t nattrs, const char *name,
				     const struct sdp_attr *prev)
{
	uint32_t i = 0;

	if (!attrs || !name)
		return NULL;
	if (prev) {
		if (prev < attrs || prev >= attrs + nattrs)
			return NULL;
		i = (uint32_t)(prev - attrs) + 1;
	}
	for (; i < nattrs; i++)
		if (pl_eq_str(&attrs[i].name, name))
			return &attrs[i];
	return NULL;
}
