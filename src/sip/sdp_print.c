/* SDP printer for rewriting (addresses, ports, formats, o= version); see
 * sdp.h. It walks the parsed body line by line again, so every line it
 * does not rewrite is copied as written. */
#include "sip/sdp.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "sip/sdp_int.h"

void sdp_rewrite_init(struct sdp_rewrite *rw)
{
	if (rw)
		memset(rw, 0, sizeof(*rw));
}

void sdp_rewrite_port(struct sdp_rewrite *rw, uint32_t idx, uint16_t port,
		      uint16_t rtcp_port)
{
	if (!rw || idx >= SDP_MAX_MEDIA)
		return;
	rw->media[idx].set_port = true;
	rw->media[idx].port = port;
	rw->media[idx].rtcp_port = rtcp_port;
}

void sdp_rewrite_keep_pt(struct sdp_rewrite *rw, uint32_t idx, int pt)
{
	if (!rw || idx >= SDP_MAX_MEDIA || pt < 0 || pt > SDP_MAX_PT)
		return;
	rw->media[idx].filter = true;
	rw->media[idx].keep[pt / 64] |= (uint64_t)1 << (pt % 64);
}

static bool bit_get(const uint64_t *bits, int pt)
{
	return (bits[pt / 64] >> (pt % 64)) & 1;
}

/* Some format of m is in keep. */
static bool keeps_any(const struct sdp_media *m, const uint64_t *keep)
{
	for (uint32_t i = 0; i < m->nfmts; i++)
		if (bit_get(keep, m->fmts[i].pt))
			return true;
	return false;
}

bool sdp_rewrite_rejects(const struct sdp_rewrite *rw,
			 const struct sdp_session *sess, uint32_t idx)
{
	const struct sdp_media *m;

	if (!sess || idx >= sess->nmedia)
		return false;
	m = &sess->media[idx];
	if (!m->port)
		return true;
	return rw && idx < SDP_MAX_MEDIA && rw->media[idx].filter && m->rtp &&
	       !keeps_any(m, rw->media[idx].keep);
}

/* What one media section prints. */
struct mplan {
	bool filter; /* format filtering applies */
	uint64_t keep[2];
	bool set_port;
	uint16_t port;
	bool rtcp_drop;
	uint16_t rtcp_port;
};

static void plan_media(struct mplan *p, const struct sdp_media *m,
		       const struct sdp_rewrite *rw, uint32_t idx)
{
	memset(p, 0, sizeof(*p));
	if (!rw || idx >= SDP_MAX_MEDIA)
		return;
	p->set_port = rw->media[idx].set_port;
	p->port = rw->media[idx].port;
	if (p->set_port) {
		p->rtcp_port = rw->media[idx].rtcp_port;
		p->rtcp_drop = !p->rtcp_port;
	}
	if (rw->media[idx].filter && m->rtp) {
		bool any = false;

		p->filter = true;
		for (uint32_t i = 0; i < m->nfmts; i++) {
			int pt = m->fmts[i].pt;

			if (bit_get(rw->media[idx].keep, pt)) {
				p->keep[pt / 64] |= (uint64_t)1 << (pt % 64);
				any = true;
			}
		}
		if (!any) {
			/* rejected stream: port 0, first format only */
			int pt = m->fmts[0].pt;

			p->keep[pt / 64] |= (uint64_t)1 << (pt % 64);
			p->set_port = true;
			p->port = 0;
			p->rtcp_drop = true;
			p->rtcp_port = 0;
		}
	}
}

/* Printer state. Lines copied as written wait in [run, rune) of the
 * body (empty: run == rune) and go out in one write with their
 * neighbours: the relay prints each offer and answer, most of whose
 * lines stay as they are. */
struct pr {
	struct buf *b;
	const char *end; /* of the body */
	const char *run, *rune;
	const struct sdp_rewrite *rw; /* NULL: no changes */
	/* with rw->addr: "c=IN IP4 <addr>\r\n"; the o= line and a=rtcp use
	 * it from "IN" (in + 2) */
	char in[2 + 7 + 64 + 2];
	size_t inl;
};

static int flush(struct pr *pr)
{
	size_t n = (size_t)(pr->rune - pr->run);
	const char *p = pr->run;

	if (!n)
		return 0;
	pr->run = pr->rune; /* empty */
	return buf_write(pr->b, p, n);
}

static int crlf(struct buf *b)
{
	return buf_write_lit(b, "\r\n");
}

/* copy_from() when [p, e) does not extend the queued run. */
static int copy_from_slow(struct pr *pr, const char *p, const char *e)
{
	int err = flush(pr);

	if (err)
		return err;
	if (pr->end - e >= 2 && e[0] == '\r' && e[1] == '\n') {
		pr->run = p;
		pr->rune = e + 2;
		return 0;
	}
	err = buf_write(pr->b, p, (size_t)(e - p));
	return err ? err : crlf(pr->b);
}

/* [p, line end) then CRLF, where p is in line: queued when the body
 * has CRLF there, written otherwise. */
static inline int copy_from(struct pr *pr, const char *p,
			    const struct pl *line)
{
	const char *e = line->p + line->l;

	if (pr->rune == p && pr->end - e >= 2 && e[0] == '\r' &&
	    e[1] == '\n') {
		pr->rune = e + 2;
		return 0;
	}
	return copy_from_slow(pr, p, e);
}

/* "IN atype addr CRLF" (atype a string or, when NULL, the pl). */
static int put_in_addr(struct buf *b, const char *atype,
		       const struct pl *atype_pl, const struct pl *addr)
{
	int err = buf_write_lit(b, "IN ");

	if (!err)
		err = atype ? buf_write_str(b, atype)
			    : buf_write_pl(b, atype_pl);
	err = err ? err : buf_write_u8(b, ' ');
	err = err ? err : buf_write_pl(b, addr);
	return err ? err : crlf(b);
}

/* "IN <rewritten address> CRLF" */
static int put_rw_addr(struct pr *pr)
{
	return buf_write(pr->b, pr->in + 2, pr->inl - 2);
}

/* Decimal increment of a digit string. */
static int print_incr(struct buf *b, const struct pl *d)
{
	size_t k = 0;
	int err = 0;

	while (k < d->l && d->p[d->l - 1 - k] == '9')
		k++;
	if (k == d->l) {
		err = buf_write_lit(b, "1");
	} else {
		size_t pre = d->l - k - 1;

		err = buf_write(b, d->p, pre);
		if (!err)
			err = buf_write_u8(b, (uint8_t)(d->p[pre] + 1));
	}
	for (size_t i = 0; !err && i < k; i++)
		err = buf_write_lit(b, "0");
	return err;
}

/* b follows a with one SP between them in the body. */
static bool sp_between(const struct pl *a, const struct pl *b)
{
	return b->p == a->p + a->l + 1 && b->p[-1] == ' ';
}

static int print_origin(struct pr *pr, const struct sdp_session *s,
			const struct pl *line)
{
	const struct sdp_origin *o = &s->origin;
	const struct sdp_rewrite *rw = pr->rw;
	struct buf *b = pr->b;
	int err = flush(pr);

	if (err)
		return err;
	if (o->user.p == line->p + 2 && sp_between(&o->user, &o->sess_id) &&
	    sp_between(&o->sess_id, &o->sess_version)) {
		/* "o=<user> <id> " as written */
		err = buf_write(b, line->p,
				(size_t)(o->sess_version.p - line->p));
	} else {
		err = buf_write_lit(b, "o=");
		err = err ? err : buf_write_pl(b, &o->user);
		err = err ? err : buf_write_u8(b, ' ');
		err = err ? err : buf_write_pl(b, &o->sess_id);
		err = err ? err : buf_write_u8(b, ' ');
	}
	if (err)
		return err;
	if (rw->bump_version)
		err = print_incr(b, &o->sess_version);
	else
		err = buf_write_pl(b, &o->sess_version);
	err = err ? err : buf_write_u8(b, ' ');
	if (err)
		return err;
	if (rw->addr.l)
		return put_rw_addr(pr);
	return put_in_addr(b, NULL, &o->addr.addrtype, &o->addr.addr);
}

static int print_mline(struct pr *pr, const struct pl *line,
		       const struct sdp_media *m, const struct mplan *p)
{
	struct buf *b = pr->b;
	bool as_written;
	int err = flush(pr);

	if (err)
		return err;
	if (m->type.p == line->p + 2 && m->type.p[m->type.l] == ' ') {
		/* "m=<type> " as written */
		err = buf_write(b, line->p, m->type.l + 3);
	} else {
		err = buf_write_lit(b, "m=");
		err = err ? err : buf_write_pl(b, &m->type);
		err = err ? err : buf_write_u8(b, ' ');
	}
	if (!err && p->set_port) {
		err = buf_write_u32(b, p->port);
	} else if (!err) {
		err = buf_write_u32(b, m->port);
		if (!err && m->nports > 1) {
			err = buf_write_u8(b, '/');
			err = err ? err : buf_write_u32(b, m->nports);
		}
	}
	if (err)
		return err;
	/* " <proto> <fmt> ..." with single spaces and every format: the
	 * rest of the line as written */
	as_written = !p->filter && m->proto.p[-1] == ' ' &&
		     sp_between(&m->proto, &m->fmts[0].id) &&
		     m->fmts[m->nfmts - 1].id.p + m->fmts[m->nfmts - 1].id.l ==
			     line->p + line->l;
	for (uint32_t i = 1; as_written && i < m->nfmts; i++)
		as_written = sp_between(&m->fmts[i - 1].id, &m->fmts[i].id);
	if (as_written)
		return copy_from(pr, m->proto.p - 1, line);
	err = buf_write_u8(b, ' ');
	err = err ? err : buf_write_pl(b, &m->proto);
	for (uint32_t i = 0; !err && i < m->nfmts; i++) {
		if (p->filter && !bit_get(p->keep, m->fmts[i].pt))
			continue;
		err = buf_write_u8(b, ' ');
		err = err ? err : buf_write_pl(b, &m->fmts[i].id);
	}
	return err ? err : crlf(b);
}

/* a=rtpmap / a=fmtp / a=rtcp-fb lines of a payload type that was
 * filtered out are dropped. */
static bool attr_filtered(const struct pl *name, const struct pl *value,
			  const struct mplan *p)
{
	struct pl rest = *value, f;
	uint32_t pt;

	if (!p->filter)
		return false;
	if (!PL_IS(name, "rtpmap") && !PL_IS(name, "fmtp") &&
	    !PL_IS(name, "rtcp-fb"))
		return false;
	if (!sdp_field_next(&rest, &f) || pl_u32(&f, &pt) || pt > SDP_MAX_PT)
		return false; /* "*" or a non-RTP id: keep */
	return !bit_get(p->keep, (int)pt);
}

/* An a= line (line without "a=") of media section m (NULL: session
 * level). a=rtcp is printed from what the parser read, rewritten or not
 * (the parser ignores fields past the address). */
static int print_attr(struct pr *pr, const struct pl *line,
		      const struct sdp_media *m, const struct mplan *p)
{
	const struct sdp_rewrite *rw = pr->rw;
	struct pl name = *line, value = PL_INIT;
	const char *colon;
	struct buf *b = pr->b;
	uint16_t port;
	int err;

	if (!m)
		return copy_from(pr, line->p - 2, line);
	colon = pl_chr(line, ':');
	if (colon) {
		name.l = (size_t)(colon - line->p);
		pl_set(&value, colon + 1, line->l - name.l - 1);
	}
	if (attr_filtered(&name, &value, p))
		return 0;
	if (!PL_IS(&name, "rtcp") || !m->has_rtcp)
		return copy_from(pr, line->p - 2, line);
	port = m->rtcp_port;
	if (p->rtcp_drop)
		return 0;
	if (p->rtcp_port)
		port = p->rtcp_port;
	err = flush(pr);
	err = err ? err : buf_write_lit(b, "a=rtcp:");
	err = err ? err : buf_write_u32(b, port);
	if (err)
		return err;
	if (rw && rw->addr.l) {
		err = buf_write_u8(b, ' ');
		return err ? err : put_rw_addr(pr);
	}
	if (m->rtcp_conn.set) {
		err = buf_write_u8(b, ' ');
		return err ? err
			   : put_in_addr(b, NULL, &m->rtcp_conn.addrtype,
					 &m->rtcp_conn.addr);
	}
	return crlf(b);
}

/* pr->in for rw->addr; EINVAL if it is no IP literal. */
static int rw_addr_init(struct pr *pr, const struct pl *addr)
{
	const char *atype = pl_chr(addr, ':') ? "IP6" : "IP4";
	struct pl at;

	pl_set_str(&at, atype);
	if (addr->l > sizeof(pr->in) - 11 || sdp_addr_af(&at, addr, true) < 0)
		return EINVAL;
	memcpy(pr->in, "c=IN ", 5);
	memcpy(pr->in + 5, atype, 3);
	pr->in[8] = ' ';
	memcpy(pr->in + 9, addr->p, addr->l);
	memcpy(pr->in + 9 + addr->l, "\r\n", 2);
	pr->inl = 11 + addr->l;
	return 0;
}

int sdp_print(struct buf *b, const struct sdp_session *s,
	      const struct sdp_rewrite *rw)
{
	const struct sdp_media *m = NULL;
	struct pl rest, line;
	struct mplan plan;
	struct pr pr;
	uint32_t mi = 0;
	int err = 0;

	if (!b || !s)
		return EINVAL;
	memset(&plan, 0, sizeof(plan));
	pr.b = b;
	pr.end = s->raw.p + s->raw.l;
	pr.run = pr.rune = s->raw.p;
	pr.rw = rw;
	pr.inl = 0;
	if (rw && rw->addr.l) {
		err = rw_addr_init(&pr, &rw->addr);
		if (err)
			return err;
	}

	rest = s->raw;
	while (!err && sdp_line_next(&rest, &line)) {
		struct pl v;

		if (line.l < 2)
			continue; /* blank; the parser allows nothing else */
		pl_set(&v, line.p + 2, line.l - 2);
		switch (line.p[0]) {
		case 'o':
			if (rw && (rw->bump_version || rw->addr.l))
				err = print_origin(&pr, s, &line);
			else
				err = copy_from(&pr, line.p, &line);
			break;
		case 'c':
			if (rw && rw->addr.l) {
				err = flush(&pr);
				err = err ? err : buf_write(b, pr.in, pr.inl);
			} else {
				err = copy_from(&pr, line.p, &line);
			}
			break;
		case 'm':
			if (mi >= s->nmedia)
				return EINVAL; /* not the parsed body */
			m = &s->media[mi];
			plan_media(&plan, m, rw, mi);
			mi++;
			err = print_mline(&pr, &line, m, &plan);
			break;
		case 'a':
			err = print_attr(&pr, &v, m, &plan);
			break;
		default:
			err = copy_from(&pr, line.p, &line);
			break;
		}
	}
	return err ? err : flush(&pr);
}
