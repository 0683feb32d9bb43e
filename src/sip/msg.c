/* SIP message decoding: start line, header split, the scalar headers every
 * layer needs, framing of the body; see msg.h. */
#include "sip/msg.h"

#include <errno.h>
#include <string.h>

#include "base/mem.h"
#include "sip/sip_int.h"

_Static_assert(SIP_HDR_COUNT_ <= 64, "sip_msg.hdr_mask holds every id");

static void msg_destroy(void *data)
{
	struct sip_msg *msg = data;

	if (msg->hdrs != msg->inline_hdrs)
		mem_deref(msg->hdrs);
	mem_deref(msg->mb);
}

static inline int fail(const char **reasonp, const char *reason, int err)
{
	if (reasonp)
		*reasonp = reason;
	return err;
}

/* The header array while it is filled: kept in locals (registers)
 * rather than in msg, whose fields every store might alias. */
struct hvec {
	struct sip_hdr *v;
	uint32_t n, cap;
};

/* Grow the header array past the inline slots (cold path); the
 * quick-access pointers set so far move with it. */
static __attribute__((noinline)) int hdr_grow(struct sip_msg *msg,
					      struct hvec *hv)
{
	const struct sip_hdr **quick[] = {
		&msg->h_via,	 &msg->h_from,	 &msg->h_to,   &msg->h_callid,
		&msg->h_cseq,	 &msg->h_maxfwd, &msg->h_clen, &msg->h_ctype,
		&msg->h_contact, &msg->h_route,	 &msg->h_rr,
	};
	enum { NQ = sizeof(quick) / sizeof(quick[0]) };
	size_t at[NQ];
	uint32_t ncap = hv->cap * 2;
	struct sip_hdr *n;

	if (hv->cap >= SIP_MSG_MAX_HDRS)
		return EMSGSIZE;
	if (ncap > SIP_MSG_MAX_HDRS)
		ncap = SIP_MSG_MAX_HDRS;
	for (size_t i = 0; i < NQ; i++)
		at[i] = *quick[i] ? (size_t)(*quick[i] - hv->v) : 0;
	if (hv->v == msg->inline_hdrs) {
		n = mem_alloc(ncap * sizeof(*n), NULL);
		if (n)
			memcpy(n, hv->v, hv->n * sizeof(*n));
	} else {
		n = mem_realloc(hv->v, ncap * sizeof(*n));
	}
	if (!n)
		return ENOMEM;
	for (size_t i = 0; i < NQ; i++)
		if (*quick[i])
			*quick[i] = n + at[i];
	msg->hdrs = hv->v = n; /* owned from here, freed by msg_destroy */
	hv->cap = ncap;
	return 0;
}

/* Append one header value. */
static inline int hdr_add(struct sip_msg *msg, struct hvec *hv,
			  enum sip_hdr_id id, const char *ns, size_t nl,
			  const char *vs, size_t vl, const char *ls, size_t ll)
{
	struct sip_hdr *h;

	if (__builtin_expect(hv->n == hv->cap, 0)) {
		int err = hdr_grow(msg, hv);

		if (err)
			return err;
	}
	h = &hv->v[hv->n++];
	h->id = id;
	msg->hdr_mask |= (uint64_t)1 << id;
	h->name.p = ns;
	h->name.l = nl;
	h->val.p = vs;
	h->val.l = vl;
	h->line.p = ls;
	h->line.l = ll;
	return 0;
}

static inline const char *trim_end(const char *s, const char *e)
{
	while (e > s && sc_is(e[-1], SC_WS))
		e--;
	return e;
}

#ifdef __SSE2__
/* Bit i set when byte i of the 16 at p is c. */
static inline unsigned eq16(__m128i v, char c)
{
	return (unsigned)_mm_movemask_epi8(
		_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}
#endif

static inline int list_err(int err, const char **reasonp)
{
	if (err == EMSGSIZE)
		return fail(reasonp, "Too many headers", err);
	return fail(reasonp, "Out of memory", err);
}

/* Add the element [s, q) of a list (q at its comma or at the value end);
 * returns the start of the next element, or NULL with *errp set. */
static inline const char *list_elem(struct sip_msg *msg, struct hvec *hv,
				    enum sip_hdr_id id, const char *ns,
				    size_t nl, const char *s, const char *q,
				    const char *ve, const char *ls, size_t ll,
				    int *errp, const char **reasonp)
{
	const char *e = trim_end(s, q);
	int err;

	if (e == s) {
		*errp = fail(reasonp, "Empty element in a header list",
			     EBADMSG);
		return NULL;
	}
	err = hdr_add(msg, hv, id, ns, nl, s, (size_t)(e - s), ls, ll);
	if (err) {
		*errp = list_err(err, reasonp);
		return NULL;
	}
	return sc_ws(q + 1, ve);
}

/* Split a list value at top-level commas (outside quotes and <>). The
 * bytes up to end (past ve) may be read. */
static int hdr_add_list(struct sip_msg *msg, struct hvec *hv,
			enum sip_hdr_id id, const char *ns, size_t nl,
			const char *vs, const char *ve, const char *ls,
			size_t ll, const char *end, const char **reasonp)
{
	const char *s = vs, *q, *p;
	bool inq = false, ang = false;
	int err = 0;

	/* no comma: one element (a single Via, Route, Contact) */
	if (!memchr(vs, ',', (size_t)(ve - vs)))
		goto last;
	if (memchr(vs, '"', (size_t)(ve - vs)) ||
	    memchr(vs, '<', (size_t)(ve - vs)))
		goto general;
	/* commas only (Allow, Supported, Via): split at the commas found
	 * 16 bytes at a time */
	p = vs;
#ifdef __SSE2__
	while (p < ve && end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = eq16(v, ',');

		if (ve - p < 16)
			m &= (1u << (ve - p)) - 1u;
		for (; m; m &= m - 1) {
			q = p + __builtin_ctz(m);
			s = list_elem(msg, hv, id, ns, nl, s, q, ve, ls, ll,
				      &err, reasonp);
			if (!s)
				return err;
		}
		p += 16;
	}
#endif
	for (; p < ve; p++) {
		if (*p == ',') {
			s = list_elem(msg, hv, id, ns, nl, s, p, ve, ls, ll,
				      &err, reasonp);
			if (!s)
				return err;
		}
	}
	goto last;

general:
	for (q = vs; q < ve; q++) {
		char c = *q;

		if (inq) {
			if (c == '\\')
				q++;
			else if (c == '"')
				inq = false;
			continue;
		}
		if (c == '"') {
			inq = true;
		} else if (c == '<' && !ang) {
			const char *r = memchr(q, '>', (size_t)(ve - q));

			if (r)
				q = r;
			else
				ang = true;
		} else if (c == ',' && !ang) {
			s = list_elem(msg, hv, id, ns, nl, s, q, ve, ls, ll,
				      &err, reasonp);
			if (!s)
				return err;
		}
	}
last:
	if (s == ve)
		return fail(reasonp, "Empty element in a header list",
			    EBADMSG);
	err = hdr_add(msg, hv, id, ns, nl, s, (size_t)(ve - s), ls, ll);
	return err ? list_err(err, reasonp) : 0;
}

/* "SIP/2.0", case-insensitive. */
static int check_version(const char *p, const char *e, const char **reasonp)
{
	const char *q;

	if (e - p == 7 && !memcmp(p, "SIP/2.0", 7))
		return 0; /* the usual spelling, before the caseless compare */
	if (SC_CASEEQ(p, (size_t)(e - p), "sip/2.0"))
		return 0;
	if (e - p > 4 && SC_CASEEQ(p, 4, "sip/")) {
		q = sc_span(p + 4, e, SC_DIGIT);
		if (q > p + 4 && q < e && *q == '.' &&
		    sc_span(q + 1, e, SC_DIGIT) == e && q + 1 < e)
			return fail(reasonp, "Unsupported SIP version",
				    EBADMSG);
	}
	if (memchr(p, ' ', (size_t)(e - p)))
		return fail(reasonp, "Extra whitespace in the start line",
			    EBADMSG);
	return fail(reasonp, "Malformed SIP-Version", EBADMSG);
}

static int decode_request_line(struct sip_msg *msg, const char *p,
			       const char *le, const char **reasonp)
{
	const char *m, *u, *ue;
	int err;

	m = sc_span(p, le, SC_TOKEN);
	if (m == p || m >= le || *m != ' ')
		return fail(reasonp, "Malformed Request-Line", EBADMSG);
	pl_set(&msg->method_name, p, (size_t)(m - p));
	msg->method = sip_method_from_pl(&msg->method_name);
	u = m + 1;
	ue = memchr(u, ' ', (size_t)(le - u));
	if (ue == u)
		return fail(reasonp, "Extra whitespace in the start line",
			    EBADMSG);
	if (!ue)
		return fail(reasonp, "Request-Line lacks the SIP-Version",
			    EBADMSG);
	pl_set(&msg->ruri_raw, u, (size_t)(ue - u));
	pl_set(&msg->version, ue + 1, (size_t)(le - ue - 1));
	err = check_version(ue + 1, le, reasonp);
	if (err)
		return err;
	err = sip_uri_decode_in(&msg->ruri, &msg->ruri_raw);
	if (err == EMSGSIZE)
		return fail(reasonp, "Request-URI too long", EBADMSG);
	if (err)
		return fail(reasonp, "Malformed Request-URI", EBADMSG);
	if ((msg->ruri.scheme == SIP_URI_SIP ||
	     msg->ruri.scheme == SIP_URI_SIPS) &&
	    msg->ruri.headers.l)
		return fail(reasonp, "Headers not allowed in Request-URI",
			    EBADMSG);
	msg->req = true;
	return 0;
}

static int decode_status_line(struct sip_msg *msg, const char *p,
			      const char *le, const char **reasonp)
{
	const char *v = memchr(p, ' ', (size_t)(le - p));
	const char *c, *r;
	int err;

	if (!v)
		return fail(reasonp, "Malformed Status-Line", EBADMSG);
	err = check_version(p, v, reasonp);
	if (err)
		return err;
	pl_set(&msg->version, p, (size_t)(v - p));
	c = v + 1;
	if (le - c < 4 || !sc_is(c[0], SC_DIGIT) || !sc_is(c[1], SC_DIGIT) ||
	    !sc_is(c[2], SC_DIGIT) || c[3] != ' ')
		return fail(reasonp, "Malformed Status-Code", EBADMSG);
	msg->scode = (uint16_t)((c[0] - '0') * 100 + (c[1] - '0') * 10 +
				(c[2] - '0'));
	if (msg->scode < 100 || msg->scode > 699)
		return fail(reasonp, "Status-Code out of range", EBADMSG);
	for (r = c + 4; r < le; r++) {
		unsigned char b = (unsigned char)*r;

		if ((b < 0x20 && b != '\t') || b == 0x7f)
			return fail(reasonp, "Malformed Reason-Phrase",
				    EBADMSG);
	}
	pl_set(&msg->reason, c + 4, (size_t)(le - c - 4));
	msg->req = false;
	return 0;
}

/* Call-ID = word [ "@" word ] */
static bool callid_ok(const struct pl *v)
{
	const char *p = v->p, *e = p + v->l, *q;

	q = sc_span_long(p, e, SC_WORD);
	if (q == p)
		return false;
	if (q < e && *q == '@') {
		p = q + 1;
		q = sc_span_long(p, e, SC_WORD);
		if (q == p)
			return false;
	}
	return q == e;
}

/* 1*DIGIT into a u32 no larger than max. */
static bool digits_u32(const char *p, const char *e, uint32_t max,
		       uint32_t *vp)
{
	uint64_t v = 0;

	if (p == e)
		return false;
	for (; p < e; p++) {
		if (!sc_is(*p, SC_DIGIT))
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return false;
	}
	*vp = (uint32_t)v;
	return true;
}

static int decode_cseq(struct sip_msg *msg, const char **reasonp)
{
	const struct pl *v = &msg->h_cseq->val;
	const char *p = v->p, *e = p + v->l, *d, *m;
	uint32_t num;

	d = sc_span(p, e, SC_DIGIT);
	m = sc_ws(d, e);
	if (d == p || m == d)
		return fail(reasonp, "Malformed CSeq header", EBADMSG);
	/* RFC 3261 §8.1.1.5: the number MUST be less than 2**31 */
	if (!digits_u32(p, d, 0x7fffffff, &num))
		return fail(reasonp, "CSeq number out of range", EBADMSG);
	if (sc_span(m, e, SC_TOKEN) != e || m == e)
		return fail(reasonp, "Malformed CSeq header", EBADMSG);
	msg->cseq.num = num;
	pl_set(&msg->cseq.method_name, m, (size_t)(e - m));
	if (msg->req) {
		/* the same bytes as the request's method: its id too */
		if ((size_t)(e - m) != msg->method_name.l ||
		    memcmp(m, msg->method_name.p, msg->method_name.l))
			return fail(reasonp,
				    "CSeq method does not match the request",
				    EBADMSG);
		msg->cseq.method = msg->method;
		return 0;
	}
	msg->cseq.method = sip_method_from_pl(&msg->cseq.method_name);
	return 0;
}

/* Note the header about to be added at slot: the quick-access pointers
 * (the first of each id), and in *dupp the first repeat of a
 * single-valued header (reported once the split succeeds, as a repeat is
 * only an error in an otherwise well-formed header section). */
static inline void index_note(struct sip_msg *msg, enum sip_hdr_id id,
			      const struct sip_hdr *slot,
			      enum sip_hdr_id *dupp)
{
	/* offset of the quick-access pointer of each id, 0 for none */
#define QUICK(i, f) [i] = offsetof(struct sip_msg, f)
	static const uint16_t quick_at[SIP_HDR_COUNT_] = {
		QUICK(SIP_HDR_VIA, h_via),
		QUICK(SIP_HDR_FROM, h_from),
		QUICK(SIP_HDR_TO, h_to),
		QUICK(SIP_HDR_CALL_ID, h_callid),
		QUICK(SIP_HDR_CSEQ, h_cseq),
		QUICK(SIP_HDR_MAX_FORWARDS, h_maxfwd),
		QUICK(SIP_HDR_CONTENT_LENGTH, h_clen),
		QUICK(SIP_HDR_CONTENT_TYPE, h_ctype),
		QUICK(SIP_HDR_CONTACT, h_contact),
		QUICK(SIP_HDR_ROUTE, h_route),
		QUICK(SIP_HDR_RECORD_ROUTE, h_rr),
	};
#undef QUICK
	/* the single-valued ones among them */
	const uint64_t single =
		1ULL << SIP_HDR_FROM | 1ULL << SIP_HDR_TO |
		1ULL << SIP_HDR_CALL_ID | 1ULL << SIP_HDR_CSEQ |
		1ULL << SIP_HDR_MAX_FORWARDS | 1ULL << SIP_HDR_CONTENT_LENGTH |
		1ULL << SIP_HDR_CONTENT_TYPE;
	const struct sip_hdr **hp;

	if (!quick_at[id])
		return;
	hp = (const struct sip_hdr **)(void *)((char *)msg + quick_at[id]);
	if (!*hp)
		*hp = slot;
	else if (((single >> id) & 1) && *dupp == SIP_HDR_OTHER)
		*dupp = id;
}

static const char *dup_reason(enum sip_hdr_id id)
{
	switch (id) {
	case SIP_HDR_FROM:
		return "Duplicate From header";
	case SIP_HDR_TO:
		return "Duplicate To header";
	case SIP_HDR_CALL_ID:
		return "Duplicate Call-ID header";
	case SIP_HDR_CSEQ:
		return "Duplicate CSeq header";
	case SIP_HDR_MAX_FORWARDS:
		return "Duplicate Max-Forwards header";
	case SIP_HDR_CONTENT_LENGTH:
		return "Duplicate Content-Length header";
	default:
		return "Duplicate Content-Type header";
	}
}

/* After the split: duplicates of the single-valued headers (dup, from
 * index_note()), mandatory headers, scalar values. */
static int index_hdrs(struct sip_msg *msg, enum sip_hdr_id dup,
		      const char **reasonp)
{
	if (dup != SIP_HDR_OTHER)
		return fail(reasonp, dup_reason(dup), EBADMSG);
	if (!msg->h_callid)
		return fail(reasonp, "Missing Call-ID header", EBADMSG);
	if (!msg->h_from)
		return fail(reasonp, "Missing From header", EBADMSG);
	if (!msg->h_to)
		return fail(reasonp, "Missing To header", EBADMSG);
	if (!msg->h_cseq)
		return fail(reasonp, "Missing CSeq header", EBADMSG);
	if (!msg->h_via)
		return fail(reasonp, "Missing Via header", EBADMSG);
	if (!callid_ok(&msg->h_callid->val))
		return fail(reasonp, "Malformed Call-ID header", EBADMSG);
	msg->callid = msg->h_callid->val;
	msg->maxfwd = -1;
	if (msg->h_maxfwd) {
		const struct pl *v = &msg->h_maxfwd->val;
		uint32_t mf;

		if (!digits_u32(v->p, v->p + v->l, 255, &mf))
			return fail(reasonp, "Malformed Max-Forwards header",
				    EBADMSG);
		msg->maxfwd = (int32_t)mf;
	}
	if (msg->h_clen) {
		const struct pl *v = &msg->h_clen->val;

		if (!digits_u32(v->p, v->p + v->l, SIP_MSG_MAX_SIZE,
				&msg->clen))
			return fail(reasonp, "Malformed Content-Length header",
				    EBADMSG);
		msg->has_clen = true;
	}
	return decode_cseq(msg, reasonp);
}

/* Split the header section starting at p; *bodyp is set to the first
 * byte after the empty line (or e on a datagram without one). */
static int split_hdrs(struct sip_msg *msg, const char *p, const char *e,
		      bool stream, enum sip_hdr_id *dupp, const char **bodyp,
		      const char **reasonp)
{
	struct hvec hv = {.v = msg->hdrs, .n = 0, .cap = SIP_MSG_INLINE_HDRS};
	int err;

	for (;;) {
		const char *ls, *le, *q, *n, *c, *vs, *ve;
		enum sip_hdr_id id;
		struct pl name;

		if (p >= e) {
			/* a datagram ending right after a header line: the
			 * empty line is tolerated as missing (see msg.h) */
			if (stream)
				return fail(reasonp,
					    "Missing empty line after headers",
					    EBADMSG);
			break;
		}
		/* a header name starts above SP: one compare on the usual
		 * path (only the first line can start with SP/HTAB, the
		 * folding loop below takes continuation lines) */
		if (__builtin_expect((unsigned char)*p <= ' ', 0)) {
			if (*p == '\n') {
				p++;
				break;
			}
			if (*p == '\r') {
				if (p + 1 < e && p[1] == '\n') {
					p += 2;
					break;
				}
				return fail(reasonp, "Malformed header line",
					    EBADMSG);
			}
			if (*p == ' ' || *p == '\t')
				return fail(reasonp,
					    "Continuation line without header",
					    EBADMSG);
		}
		ls = p;
		q = memchr(p, '\n', (size_t)(e - p));
		if (!q)
			return fail(reasonp, "Header line not terminated",
				    EBADMSG);
		/* folded continuation lines (rare) */
		while (__builtin_expect(
			q + 1 < e && (q[1] == ' ' || q[1] == '\t'), 0)) {
			q = memchr(q + 1, '\n', (size_t)(e - q - 1));
			if (!q)
				return fail(reasonp,
					    "Header line not terminated",
					    EBADMSG);
		}
		p = q + 1;
		le = q > ls && q[-1] == '\r' ? q - 1 : q;
		if (le - ls > SIP_MSG_MAX_HDR_LEN)
			return fail(reasonp, "Header line too long", EMSGSIZE);
		/* the name ends at the first ':' (HCOLON allows SP/HTAB
		 * before it); a known name is a token by construction,
		 * only unknown ones need the byte check */
		c = sc_find(ls, le, ':');
		if (!c)
			return fail(reasonp, "Header line without colon",
				    EBADMSG);
		n = c;
		if (__builtin_expect(n > ls && (n[-1] == ' ' || n[-1] == '\t'),
				     0)) {
			while (n > ls && (n[-1] == ' ' || n[-1] == '\t'))
				n--;
		}
		name.p = ls;
		name.l = (size_t)(n - ls);
		id = sip_hdr_id(&name);
		if (id == SIP_HDR_OTHER &&
		    (n == ls || sc_span(ls, n, SC_TOKEN) != n))
			return fail(reasonp, "Malformed header name", EBADMSG);
		index_note(msg, id, hv.v + hv.n, dupp);
		vs = sc_ws(c + 1, le);
		ve = trim_end(vs, le);
		if (((sip_hdr_list_mask >> id) & 1) && ve > vs) {
			err = hdr_add_list(msg, &hv, id, ls, name.l, vs, ve,
					   ls, (size_t)(le - ls), e, reasonp);
			if (err)
				return err;
			continue;
		}
		err = hdr_add(msg, &hv, id, ls, name.l, vs, (size_t)(ve - vs),
			      ls, (size_t)(le - ls));
		if (err == EMSGSIZE)
			return fail(reasonp, "Too many headers", err);
		if (err)
			return fail(reasonp, "Out of memory", err);
	}
	msg->nhdrs = hv.n;
	*bodyp = p;
	return 0;
}

int sip_msg_decode(struct sip_msg **msgp, const struct pl *pl, struct buf *mb,
		   bool stream, const char **reasonp)
{
	struct sip_msg *msg = NULL;
	enum sip_hdr_id dup = SIP_HDR_OTHER;
	const char *p, *e, *le, *body;
	size_t avail;
	int err;

	if (!msgp || !pl || (!pl->p && pl->l))
		return fail(reasonp, "Invalid argument", EINVAL);
	if (!pl->l)
		return fail(reasonp, "Empty message", EBADMSG);
	if (pl->l > SIP_MSG_MAX_SIZE)
		return fail(reasonp, "Message too large", EMSGSIZE);
	p = pl->p;
	e = p + pl->l;
	while (p < e && (*p == '\r' || *p == '\n'))
		p++; /* RFC 3261 §7.5: CRLFs before the start line */
	if (p == e)
		return fail(reasonp, "Empty message", EBADMSG);

	msg = mem_alloc(sizeof(*msg), msg_destroy);
	if (!msg)
		return fail(reasonp, "Out of memory", ENOMEM);
	/* the cached values and header slots are written before read */
	memset(msg, 0, offsetof(struct sip_msg, cache.via_v));
	msg->hdrs = msg->inline_hdrs;

	le = memchr(p, '\n', (size_t)(e - p));
	if (!le) {
		err = fail(reasonp, "Start line not terminated", EBADMSG);
		goto out;
	}
	body = le + 1;
	if (le > p && le[-1] == '\r')
		le--;
	if (le - p > 4 && (!memcmp(p, "SIP/", 4) || SC_CASEEQ(p, 4, "sip/")))
		err = decode_status_line(msg, p, le, reasonp);
	else
		err = decode_request_line(msg, p, le, reasonp);
	if (err)
		goto out;

	err = split_hdrs(msg, body, e, stream, &dup, &body, reasonp);
	if (err)
		goto out;
	err = index_hdrs(msg, dup, reasonp);
	if (err)
		goto out;

	avail = (size_t)(e - body);
	if (msg->has_clen) {
		/* RFC 3261 §18.3: a datagram shorter than Content-Length is
		 * an error; bytes after the body are discarded */
		if (msg->clen > avail) {
			err = fail(reasonp, "Content-Length larger than body",
				   EBADMSG);
			goto out;
		}
		pl_set(&msg->body, body, msg->clen);
	} else if (stream) {
		err = fail(reasonp, "Missing Content-Length header", EBADMSG);
		goto out;
	} else {
		pl_set(&msg->body, body, avail);
		msg->clen = (uint32_t)avail;
	}
	pl_set(&msg->raw, p, (size_t)(msg->body.p + msg->body.l - p));
	msg->mb = mem_ref(mb);

out:
	if (err)
		mem_deref(msg);
	else
		*msgp = msg;
	return err;
}
