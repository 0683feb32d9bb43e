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

/* RFC 4566 token-char: %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 /
 * %x41-5A / %x5E-7E, as a bitmap over 0x00-0x7f (bit c of word c / 32). */
static const uint32_t token_map[4] = {
    0x00000000u,
    /* 0x20-0x3f: 21 23-27 2a 2b 2d 2e 30-39 */
    0x03ff6cfau,
    /* 0x40-0x5f: 41-5a 5e 5f */
    0xc7fffffeu,
    /* 0x60-0x7f: 60-7e */
    0x7fffffffu,
};

static inline bool is_token_char(unsigned char c)
{
	return c < 0x80 && ((token_map[c >> 5] >> (c & 31)) & 1);
}

static inline bool is_token(const char *p, size_t l)
{
	if (!l)
		return false;
	for (size_t i = 0; i < l; i++)
		if (!is_token_char((unsigned char)p[i]))
			return false;
	return true;
}

bool sdp_is_token(const struct pl *pl)
{
	return is_token(pl->p, pl->l);
}

/* pl equals the literal lit (length known at compile time). */
#define PL_IS(pl, lit)                                                        \
	((pl)->l == sizeof(lit) - 1 && !memcmp((pl)->p, lit, sizeof(lit) - 1))

/* 1*DIGIT as u32; false if empty, not digits or over UINT32_MAX. */
static inline bool dec_u32(const struct pl *pl, uint32_t *vp)
{
	uint64_t v = 0;

	if (!pl->l)
		return false;
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

static bool is_digits(const struct pl *pl)
{
	if (!pl->l)
		return false;
	for (size_t i = 0; i < pl->l; i++)
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
	return true;
}

/* Visible characters, no whitespace (non-ws-string of RFC 4566). */
static bool is_nonws(const struct pl *pl)
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
	size_t i = 0;

	if (!rest->l)
		return false;
	while (i < rest->l && (rest->p[i] == ' ' || rest->p[i] == '\t'))
		i++;
	if (i == rest->l) {
		rest->p += i;
		rest->l = 0;
		return false;
	}
	f->p = rest->p + i;
	while (i < rest->l && rest->p[i] != ' ' && rest->p[i] != '\t')
		i++;
	f->l = (size_t)(rest->p + i - f->p);
	rest->p += i;
	rest->l -= i;
	return true;
}

/* Split v into exactly n fields; false if fewer or more. */
static bool fields(const struct pl *v, struct pl *f, unsigned n)
{
	struct pl rest = *v, extra;

	for (unsigned i = 0; i < n; i++)
		if (!sdp_field_next(&rest, &f[i]))
			return false;
	return !sdp_field_next(&rest, &extra);
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
 * decimal parts 0-255, no leading zeros, nothing else. */
static bool is_ipv4(const struct pl *pl)
{
	const char *p = pl->p, *e = p + pl->l;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, n = 0;

		if (part) {
			if (p == e || *p != '.')
				return false;
			p++;
		}
		while (p < e && *p >= '0' && *p <= '9') {
			if (n && v == 0)
				return false; /* leading zero */
			v = v * 10 + (unsigned)(*p - '0');
			if (v > 255)
				return false;
			p++;
			n++;
		}
		if (!n)
			return false;
	}
	return p == e;
}

int sdp_addr_af(const struct pl *addrtype, const struct pl *addr,
		bool literal_only)
{
	char tmp[64];
	union {
		struct in_addr a4;
		struct in6_addr a6;
	} u;
	int af;

	if (PL_IS(addrtype, "IP4"))
		af = AF_INET;
	else if (PL_IS(addrtype, "IP6"))
		af = AF_INET6;
	else
		return -1;
	if (af == AF_INET) {
		if (is_ipv4(addr))
			return af;
	} else if (pl_strcpy(addr, tmp, sizeof(tmp)) == 0 &&
		   inet_pton(af, tmp, &u) == 1) {
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

/* "<addrtype> <addr>[/ttl[/n]]" fields of c= (nettype already checked). */
static int conn_decode(struct sdp_conn *c, const struct pl *addrtype,
		       const struct pl *addr)
{
	struct pl a = *addr, suf = PL_INIT;
	const char *slash = pl_chr(addr, '/');
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
	af = sdp_addr_af(addrtype, &a, false);
	if (af < 0)
		return EBADMSG;
	c->set = true;
	c->af = af;
	c->addrtype = *addrtype;
	c->addr = a;
	c->suffix = suf;
	return 0;
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

#define FAIL(d, r)                                                            \
	do {                                                                  \
		(d)->reason = (r);                                            \
		return EBADMSG;                                               \
	} while (0)

static int dec_origin(struct dec *d, const struct pl *v)
{
	struct sdp_origin *o = &d->s->origin;
	struct pl f[6];

	if (d->seen_o)
		FAIL(d, "Duplicate o= line");
	if (!fields(v, f, 6) || !is_nonws(&f[0]) || !is_digits(&f[1]) ||
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

static int dec_conn(struct dec *d, const struct pl *v)
{
	struct sdp_conn *c = d->m ? &d->m->conn : &d->s->conn;
	struct pl f[3];

	if (c->set)
		FAIL(d, "Duplicate c= line");
	if (!fields(v, f, 3))
		FAIL(d, "Malformed c= line");
	if (!PL_IS(&f[0], "IN"))
		FAIL(d, "Unsupported c= network type");
	if (!PL_IS(&f[1], "IP4") && !PL_IS(&f[1], "IP6"))
		FAIL(d, "Unsupported c= address type");
	if (conn_decode(c, &f[1], &f[2]))
		FAIL(d, "Malformed c= address");
	return 0;
}

static int dec_time(struct dec *d, const struct pl *v)
{
	struct pl f[2];
	uint64_t a, b;

	if (!fields(v, f, 2) || pl_u64(&f[0], &a) || pl_u64(&f[1], &b))
		FAIL(d, "Malformed t= line");
	if (!d->seen_t) {
		d->s->t_start = a;
		d->s->t_stop = b;
	}
	d->seen_t = true;
	return 0;
}

/* b=<bwtype>:<bandwidth> */
static int dec_bw(struct dec *d, const struct pl *v)
{
	const char *colon = pl_chr(v, ':');
	struct pl t, n;

	if (!colon)
		FAIL(d, "Malformed b= line");
	pl_set(&t, v->p, (size_t)(colon - v->p));
	pl_set(&n, colon + 1, v->l - t.l - 1);
	if (!sdp_is_token(&t) || !is_digits(&n))
		FAIL(d, "Malformed b= line");
	return 0;
}

/* proto = token *("/" token) */
static bool is_proto(const struct pl *proto)
{
	struct pl t = {.p = proto->p, .l = 0};

	for (size_t i = 0; i <= proto->l; i++) {
		if (i == proto->l || proto->p[i] == '/') {
			t.l = (size_t)(proto->p + i - t.p);
			if (!sdp_is_token(&t))
				return false;
			t.p = proto->p + i + 1;
		}
	}
	return true;
}

static bool proto_is_rtp(const struct pl *proto)
{
	/* RTP/AVP, RTP/SAVP, RTP/AVPF, UDP/TLS/RTP/SAVPF, TCP/RTP/AVP ... */
	for (size_t i = 0; i + 4 <= proto->l; i++)
		if (!memcmp(proto->p + i, "RTP/", 4) &&
		    (i == 0 || proto->p[i - 1] == '/'))
			return true;
	return false;
}

static int dec_media(struct dec *d, const struct pl *v)
{
	struct sdp_media *m = &d->s->media[d->s->nmedia];
	struct pl rest = *v, port, f;
	const char *slash;
	uint32_t n;

	if (d->s->nmedia >= SDP_MAX_MEDIA) /* prescan guards; be safe */
		FAIL(d, "Too many media sections");
	/* the block is not zeroed (fmts[] alone is ~3 KB): clear all but
	 * the format slots, which are cleared as they are filled */
	memset(m, 0, offsetof(struct sdp_media, fmts));
	memset(&m->nfmts, 0, sizeof(*m) - offsetof(struct sdp_media, nfmts));
	m->line = *v;
	if (!sdp_field_next(&rest, &m->type) || !sdp_is_token(&m->type) ||
	    !sdp_field_next(&rest, &port) ||
	    !sdp_field_next(&rest, &m->proto) || !is_proto(&m->proto))
		FAIL(d, "Malformed m= line");
	m->nports = 1;
	slash = pl_chr(&port, '/');
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
	while (sdp_field_next(&rest, &f)) {
		struct sdp_fmt *fmt;

		if (m->nfmts >= SDP_MAX_FMT)
			FAIL(d, "Too many formats on m= line");
		if (!sdp_is_token(&f))
			FAIL(d, "Malformed m= format");
		fmt = &m->fmts[m->nfmts];
		memset(fmt, 0, sizeof(*fmt));
		fmt->id = f;
		fmt->pt = -1;
		fmt->channels = 1;
		if (m->rtp) {
			const char *name;
			uint32_t srate;

			if (!dec_u32(&f, &n) || n > SDP_MAX_PT)
				FAIL(d, "Malformed RTP payload type");
			for (uint32_t i = 0; i < m->nfmts; i++)
				if (m->fmts[i].pt == (int)n)
					FAIL(d, "Duplicate payload type");
			fmt->pt = (int)n;
			if (sdp_static_pt(fmt->pt, &name, &srate)) {
				fmt->known = true;
				pl_set_str(&fmt->name, name);
				fmt->srate = srate;
			}
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

static struct sdp_fmt *fmt_by_id(struct sdp_media *m, const struct pl *id)
{
	for (uint32_t i = 0; i < m->nfmts; i++)
		if (pl_eq(&m->fmts[i].id, id))
			return &m->fmts[i];
	return NULL;
}

/* rtpmap:<pt> <name>/<rate>[/<channels>] */
static int attr_rtpmap(struct dec *d, const struct sdp_attr *a)
{
	struct pl f[2], name, rate, ch = PL_INIT;
	struct sdp_fmt *fmt;
	const char *s1, *s2;
	uint32_t pt, srate, nch = 1;

	if (!fields(&a->value, f, 2) || !dec_u32(&f[0], &pt) ||
	    pt > SDP_MAX_PT)
		FAIL(d, "Malformed a=rtpmap");
	s1 = pl_chr(&f[1], '/');
	if (!s1)
		FAIL(d, "Malformed a=rtpmap");
	pl_set(&name, f[1].p, (size_t)(s1 - f[1].p));
	pl_set(&rate, s1 + 1, f[1].l - name.l - 1);
	s2 = pl_chr(&rate, '/');
	if (s2) {
		pl_set(&ch, s2 + 1, rate.l - (size_t)(s2 - rate.p) - 1);
		rate.l = (size_t)(s2 - rate.p);
		if (!dec_u32(&ch, &nch) || nch == 0 || nch > 255)
			FAIL(d, "Malformed a=rtpmap");
	}
	if (!sdp_is_token(&name) || !dec_u32(&rate, &srate) || srate == 0)
		FAIL(d, "Malformed a=rtpmap");
	if (!d->m || !d->m->rtp)
		return 0; /* kept as an attribute, nothing to map */
	fmt = fmt_by_id(d->m, &f[0]);
	if (!fmt)
		return 0; /* a pt not on the m= line: ignore the mapping */
	if (fmt->rtpmap)
		FAIL(d, "Duplicate a=rtpmap");
	fmt->rtpmap = a;
	fmt->known = true;
	fmt->name = name;
	fmt->srate = srate;
	fmt->channels = nch;
	return 0;
}

/* fmtp:<fmt> <params> */
static int attr_fmtp(struct dec *d, const struct sdp_attr *a)
{
	struct pl rest = a->value, id;
	struct sdp_fmt *fmt;

	if (!sdp_field_next(&rest, &id) || !sdp_is_token(&id))
		FAIL(d, "Malformed a=fmtp");
	pl_trim(&rest);
	if (!d->m)
		return 0;
	fmt = fmt_by_id(d->m, &id);
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
	struct pl rest = a->value, f[4];
	struct sdp_conn c = {.set = false};
	uint32_t port;
	unsigned n = 0;

	while (n < 4 && sdp_field_next(&rest, &f[n]))
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

static int attr_dir(struct dec *d, enum sdp_dir dir)
{
	enum sdp_dir *cur = d->m ? &d->m->dir : &d->s->dir;

	if (*cur != SDP_DIR_NONE && *cur != dir)
		FAIL(d, "Conflicting direction attributes");
	*cur = dir;
	return 0;
}

static int dec_attr(struct dec *d, const struct pl *v)
{
	struct sdp_attr *a;
	const char *colon;

	if (d->nattrs >= d->cap_attrs)
		FAIL(d, "Too many attributes");
	a = &d->attrs[d->nattrs];
	memset(a, 0, sizeof(*a));
	a->line = *v;
	colon = pl_chr(v, ':');
	if (colon) {
		pl_set(&a->name, v->p, (size_t)(colon - v->p));
		pl_set(&a->value, colon + 1, v->l - a->name.l - 1);
		a->has_value = true;
	} else {
		a->name = *v;
	}
	if (!sdp_is_token(&a->name))
		FAIL(d, "Malformed attribute name");
	d->nattrs++;
	if (d->m)
		d->m->nattrs++;
	else
		d->s->nattrs++;

	if (PL_IS(&a->name, "rtpmap"))
		return attr_rtpmap(d, a);
	if (PL_IS(&a->name, "fmtp"))
		return attr_fmtp(d, a);
	if (PL_IS(&a->name, "rtcp"))
		return attr_rtcp(d, a);
	if (PL_IS(&a->name, "sendrecv"))
		return attr_dir(d, SDP_DIR_SENDRECV);
	if (PL_IS(&a->name, "sendonly"))
		return attr_dir(d, SDP_DIR_SENDONLY);
	if (PL_IS(&a->name, "recvonly"))
		return attr_dir(d, SDP_DIR_RECVONLY);
	if (PL_IS(&a->name, "inactive"))
		return attr_dir(d, SDP_DIR_INACTIVE);
	if (PL_IS(&a->name, "ptime")) {
		uint32_t ms;

		if (!dec_u32(&a->value, &ms) || ms == 0)
			FAIL(d, "Malformed a=ptime");
		if (d->m)
			d->m->ptime = ms;
		return 0;
	}
	if (PL_IS(&a->name, "crypto")) {
		struct sdp_crypto c;

		if (sdp_crypto_decode(&c, &a->value))
			FAIL(d, "Malformed a=crypto");
		if (d->m)
			d->m->ncrypto++;
		return 0;
	}
	return 0; /* unknown attributes are kept as they are */
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

static int dec_line(struct dec *d, char type, const struct pl *v)
{
	/* lines allowed inside a media section (RFC 4566 §5) */
	if (d->m && type != 'i' && type != 'c' && type != 'b' && type != 'k' &&
	    type != 'a' && type != 'm')
		FAIL(d, "Session-level line inside a media section");

	switch (type) {
	case 'v':
		FAIL(d, "Duplicate v= line");
	case 'o':
		return dec_origin(d, v);
	case 's':
		if (d->seen_s)
			FAIL(d, "Duplicate s= line");
		d->seen_s = true;
		d->s->name = *v;
		return 0;
	case 'c':
		return dec_conn(d, v);
	case 't':
		return dec_time(d, v);
	case 'b':
		return dec_bw(d, v);
	case 'm':
		if (!d->seen_o)
			FAIL(d, "Missing o= line");
		if (!d->seen_s)
			FAIL(d, "Missing s= line");
		if (!d->seen_t)
			FAIL(d, "Missing t= line");
		return dec_media(d, v);
	case 'a':
		return dec_attr(d, v);
	case 'i':
	case 'u':
	case 'e':
	case 'p':
	case 'r':
	case 'z':
	case 'k':
		return 0; /* free text or unused here; printed as written */
	default:
		FAIL(d, "Unknown SDP line type");
	}
}

static void sess_destroy(void *data)
{
	struct sdp_session *s = data;

	mem_deref(s->mb);
}

/* Count m= and a= lines to size the block. */
static void prescan(const struct pl *body, uint32_t *nmp, uint32_t *nap)
{
	const char *p = body->p, *e = p + body->l, *nl;
	uint32_t nm = 0, na = 0;

	for (;;) {
		if (e - p >= 2 && p[1] == '=') {
			if (p[0] == 'm')
				nm++;
			else if (p[0] == 'a')
				na++;
		}
		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			break;
		p = nl + 1;
	}
	*nmp = nm;
	*nap = na;
}

int sdp_session_decode(struct sdp_session **sessp, const struct pl *body,
		       struct buf *mb, const char **reasonp)
{
	struct dec d = {.s = NULL};
	struct sdp_session *s = NULL;
	struct pl rest, line;
	uint32_t nm, na;
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
	prescan(body, &nm, &na);
	if (nm > SDP_MAX_MEDIA) {
		d.reason = "Too many media sections";
		err = EBADMSG;
		goto out;
	}
	if (na > SDP_MAX_ATTRS) {
		d.reason = "Too many attributes";
		err = EBADMSG;
		goto out;
	}
	/* media and attribute slots are cleared as they are filled */
	s = mem_alloc(sizeof(*s) + nm * sizeof(struct sdp_media) +
			  na * sizeof(struct sdp_attr),
		      sess_destroy);
	if (!s) {
		err = ENOMEM;
		goto out;
	}
	memset(s, 0, sizeof(*s));
	s->raw = *body;
	s->media = (struct sdp_media *)(s + 1);
	s->attrs = (struct sdp_attr *)(s->media + nm);
	d.s = s;
	d.attrs = s->attrs;
	d.cap_attrs = na;

	rest = *body;
	while (sdp_line_next(&rest, &line)) {
		struct pl v;

		if (!line.l)
			continue;
		if (line.l < 2 || line.p[1] != '=' || line.p[0] < 'a' ||
		    line.p[0] > 'z') {
			d.reason = "Malformed SDP line";
			err = EBADMSG;
			goto out;
		}
		if (memchr(line.p, '\r', line.l)) {
			d.reason = "CR inside an SDP line";
			err = EBADMSG;
			goto out;
		}
		pl_set(&v, line.p + 2, line.l - 2);
		if (first) {
			if (line.p[0] != 'v' || !PL_IS(&v, "0")) {
				d.reason = "SDP must start with v=0";
				err = EBADMSG;
				goto out;
			}
			first = false;
			continue;
		}
		err = dec_line(&d, line.p[0], &v);
		if (err)
			goto out;
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
