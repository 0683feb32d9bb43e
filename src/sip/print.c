/* SIP message printer; see print.h. */
#include "sip/print.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "sip/sip_int.h"

static const struct pl crlf = {.p = "\r\n", .l = 2};

static int put(struct buf *b, const char *p, size_t l)
{
	return buf_write(b, p, l);
}

static int put_pl(struct buf *b, const struct pl *pl)
{
	return pl && pl->l ? buf_write(b, pl->p, pl->l) : 0;
}

/* Restore b after a failed print. */
static int rollback(struct buf *b, size_t pos, size_t end, int err)
{
	if (err) {
		b->pos = pos;
		b->end = end;
	}
	return err;
}

static bool is_token(const struct pl *pl)
{
	return pl && pl->l &&
	       sc_span(pl->p, pl->p + pl->l, SC_TOKEN) == pl->p + pl->l;
}

void sip_edits_init(struct sip_edits *ed)
{
	if (ed)
		memset(ed, 0, sizeof(*ed));
}

static int edit_add(struct sip_edits *ed, enum sip_edit_op op,
		    const struct sip_hdr *hdr, const struct pl *name,
		    const struct pl *val)
{
	struct sip_edit *e;

	if (!ed || !hdr)
		return EINVAL;
	if (ed->n >= SIP_EDITS_MAX)
		return ENOSPC;
	e = &ed->e[ed->n++];
	memset(e, 0, sizeof(*e));
	e->op = op;
	e->hdr = hdr;
	if (name)
		e->name = *name;
	if (val)
		e->val = *val;
	return 0;
}

int sip_edit_remove(struct sip_edits *ed, const struct sip_hdr *hdr)
{
	return edit_add(ed, SIP_EDIT_REMOVE, hdr, NULL, NULL);
}

int sip_edit_replace(struct sip_edits *ed, const struct sip_hdr *hdr,
		     const struct pl *val)
{
	if (!val)
		return EINVAL;
	return edit_add(ed, SIP_EDIT_REPLACE, hdr, NULL, val);
}

int sip_edit_insert(struct sip_edits *ed, const struct sip_hdr *hdr,
		    bool after, const struct pl *name, const struct pl *val)
{
	if (!is_token(name) || !val)
		return EINVAL;
	return edit_add(ed,
			after ? SIP_EDIT_INSERT_AFTER : SIP_EDIT_INSERT_BEFORE,
			hdr, name, val);
}

static int put_hdr(struct buf *b, const struct pl *name, const struct pl *val)
{
	int err = put_pl(b, name);

	err = err ? err : put(b, ": ", 2);
	err = err ? err : put_pl(b, val);
	return err ? err : put_pl(b, &crlf);
}

static int put_clen(struct buf *b, size_t len)
{
	int err;

	if (len > UINT32_MAX)
		return EINVAL;
	err = put(b, "Content-Length: ", 16);
	err = err ? err : buf_write_u32(b, (uint32_t)len);
	return err ? err : put_pl(b, &crlf);
}

static bool line_edited(const struct sip_edits *ed, const struct sip_hdr *h)
{
	if (!ed)
		return false;
	for (uint32_t i = 0; i < ed->n; i++)
		if (ed->e[i].hdr && ed->e[i].hdr->line.p == h->line.p)
			return true;
	return false;
}

/* Emit one header value with the edits that name it. */
static int put_edited(struct buf *b, const struct sip_edits *ed,
		      const struct sip_hdr *h, size_t body_len)
{
	const struct pl *val = &h->val;
	bool removed = false;
	int err = 0;

	for (uint32_t i = 0; i < ed->n && !err; i++) {
		const struct sip_edit *e = &ed->e[i];

		if (e->hdr != h)
			continue;
		if (e->op == SIP_EDIT_INSERT_BEFORE)
			err = put_hdr(b, &e->name, &e->val);
		else if (e->op == SIP_EDIT_REMOVE)
			removed = true;
		else if (e->op == SIP_EDIT_REPLACE)
			val = &e->val;
	}
	if (!err && !removed) {
		if (h->id == SIP_HDR_CONTENT_LENGTH)
			err = put_clen(b, body_len);
		else
			err = put_hdr(b, &h->name, val);
	}
	for (uint32_t i = 0; i < ed->n && !err; i++) {
		const struct sip_edit *e = &ed->e[i];

		if (e->hdr == h && e->op == SIP_EDIT_INSERT_AFTER)
			err = put_hdr(b, &e->name, &e->val);
	}
	return err;
}

/* "SIP/2.0 scode reason CRLF", reason as is. */
static int put_status(struct buf *b, uint16_t scode, const struct pl *reason)
{
	int err = put(b, "SIP/2.0 ", 8);

	err = err ? err : buf_write_u32(b, scode);
	err = err ? err : put(b, " ", 1);
	err = err ? err : put_pl(b, reason);
	return err ? err : put_pl(b, &crlf);
}

static int print_start(struct buf *b, const struct sip_msg *msg,
		       const struct sip_edits *ed)
{
	if (msg->req) {
		const struct pl *ruri =
			ed && ed->ruri.l ? &ed->ruri : &msg->ruri_raw;

		return sip_print_request_line(b, &msg->method_name, ruri);
	}
	return put_status(b, msg->scode, &msg->reason);
}

int sip_print_msg(struct buf *b, const struct sip_msg *msg,
		  const struct sip_edits *ed)
{
	const struct pl *body;
	size_t pos, end;
	bool via_done = false, clen_done = false;
	int err;

	if (!b || !msg)
		return EINVAL;
	pos = b->pos;
	end = b->end;
	body = ed && ed->set_body ? &ed->body : &msg->body;
	err = print_start(b, msg, ed);
	for (uint32_t i = 0; i < msg->nhdrs && !err;) {
		const struct sip_hdr *h = &msg->hdrs[i];
		uint32_t j = i + 1;

		/* values split from one line share line.p */
		while (j < msg->nhdrs && msg->hdrs[j].line.p == h->line.p)
			j++;
		if (!via_done && ed && ed->via.l && h->id == SIP_HDR_VIA) {
			err = put_hdr(b, &PL("Via"), &ed->via);
			via_done = true;
		}
		if (h->id == SIP_HDR_CONTENT_LENGTH)
			clen_done = true;
		if (err)
			break;
		if (line_edited(ed, h)) {
			for (uint32_t k = i; k < j && !err; k++)
				err = put_edited(b, ed, &msg->hdrs[k],
						 body->l);
		} else if (h->id == SIP_HDR_CONTENT_LENGTH) {
			err = put_clen(b, body->l);
		} else {
			err = put_pl(b, &h->line);
			err = err ? err : put_pl(b, &crlf);
		}
		i = j;
	}
	if (!err && ed && ed->via.l && !via_done)
		err = put_hdr(b, &PL("Via"), &ed->via);
	if (!err && ed)
		err = put_pl(b, &ed->append);
	if (!err && !clen_done)
		err = put_clen(b, body->l);
	if (!err)
		err = put_pl(b, &crlf);
	if (!err)
		err = put_pl(b, body);
	return rollback(b, pos, end, err);
}

int sip_print_request_line(struct buf *b, const struct pl *method,
			   const struct pl *ruri)
{
	size_t pos, end;
	int err;

	if (!b || !is_token(method) || !ruri || !ruri->l ||
	    memchr(ruri->p, ' ', ruri->l))
		return EINVAL;
	pos = b->pos;
	end = b->end;
	err = put_pl(b, method);
	err = err ? err : put(b, " ", 1);
	err = err ? err : put_pl(b, ruri);
	err = err ? err : put(b, " SIP/2.0\r\n", 10);
	return rollback(b, pos, end, err);
}

int sip_print_status_line(struct buf *b, uint16_t scode, const char *reason)
{
	const char *r;
	size_t pos, end;
	struct pl rp;
	int err;

	if (!b || scode < 100 || scode > 699)
		return EINVAL;
	if (!reason || !*reason)
		reason = sip_reason_phrase(scode);
	if (!*reason)
		reason = "Unknown";
	pos = b->pos;
	end = b->end;
	/* a control character (CR, LF) would end the line early and let the
	 * phrase inject headers: RFC 3261 §25.1 Reason-Phrase has none */
	for (r = reason; *r; r++) {
		unsigned char c = (unsigned char)*r;

		if (c < 0x20 || c == 0x7f)
			break;
	}
	pl_set(&rp, reason, (size_t)(r - reason));
	err = put(b, "SIP/2.0 ", 8);
	err = err ? err : buf_write_u32(b, scode);
	err = err ? err : put(b, " ", 1);
	err = err ? err : put_pl(b, &rp);
	for (; !err && *r; r++) {
		unsigned char c = (unsigned char)*r;

		err = buf_write_u8(b, c < 0x20 || c == 0x7f ? ' ' : c);
	}
	err = err ? err : put_pl(b, &crlf);
	return rollback(b, pos, end, err);
}

int sip_print_hdr(struct buf *b, enum sip_hdr_id id, const struct pl *val)
{
	const char *name = sip_hdr_name(id);
	struct pl n;

	if (!name || id == SIP_HDR_OTHER)
		return EINVAL;
	pl_set_str(&n, name);
	return sip_print_hdr_name(b, &n, val);
}

int sip_print_hdr_name(struct buf *b, const struct pl *name,
		       const struct pl *val)
{
	size_t pos, end;

	if (!b || !is_token(name) || !val)
		return EINVAL;
	pos = b->pos;
	end = b->end;
	return rollback(b, pos, end, put_hdr(b, name, val));
}

int sip_print_hdrf(struct buf *b, enum sip_hdr_id id, const char *fmt, ...)
{
	const char *name = sip_hdr_name(id);
	size_t pos, end;
	va_list ap;
	int err;

	if (!b || !name || id == SIP_HDR_OTHER || !fmt)
		return EINVAL;
	pos = b->pos;
	end = b->end;
	err = buf_printf(b, "%s: ", name);
	if (!err) {
		va_start(ap, fmt);
		err = buf_vprintf(b, fmt, ap);
		va_end(ap);
	}
	err = err ? err : put_pl(b, &crlf);
	return rollback(b, pos, end, err);
}

int sip_print_body(struct buf *b, const struct pl *ctype,
		   const struct pl *body)
{
	size_t pos, end;
	int err = 0;

	if (!b)
		return EINVAL;
	pos = b->pos;
	end = b->end;
	if (ctype && ctype->l)
		err = put_hdr(b, &PL("Content-Type"), ctype);
	err = err ? err : put_clen(b, body ? body->l : 0);
	err = err ? err : put_pl(b, &crlf);
	err = err ? err : put_pl(b, body);
	return rollback(b, pos, end, err);
}

/* Copy every line of header id once (list values share their line). */
static int copy_lines(struct buf *b, const struct sip_msg *msg,
		      enum sip_hdr_id id)
{
	const char *last = NULL;
	int err = 0;

	for (uint32_t i = 0; i < msg->nhdrs && !err; i++) {
		const struct sip_hdr *h = &msg->hdrs[i];

		if (h->id != id || h->line.p == last)
			continue;
		last = h->line.p;
		err = put_pl(b, &h->line);
		err = err ? err : put_pl(b, &crlf);
	}
	return err;
}

/* The line of a single-valued header (the parser rejects duplicates of
 * From, Call-ID and CSeq), else every line of id. */
static int copy_line(struct buf *b, const struct sip_msg *msg,
		     const struct sip_hdr *h, enum sip_hdr_id id)
{
	int err;

	if (!h)
		return copy_lines(b, msg, id);
	err = put_pl(b, &h->line);
	return err ? err : put_pl(b, &crlf);
}

static int put_to(struct buf *b, const struct sip_msg *req,
		  const struct pl *to_tag)
{
	const struct sip_addr *to = &req->cache.to_v;
	struct sip_addr local;
	int err;

	if (!to_tag || !to_tag->l)
		return copy_line(b, req, req->h_to, SIP_HDR_TO);
	/* the To a reader decoded already (sip_msg_to()), else a local
	 * decode: the request is const here */
	if (req->cache.to != 1) {
		if (sip_addr_decode(&local, &req->h_to->val))
			return copy_line(b, req, req->h_to, SIP_HDR_TO);
		to = &local;
	}
	if (to->tag.l)
		return copy_line(b, req, req->h_to, SIP_HDR_TO);
	err = put_pl(b, &req->h_to->name);
	err = err ? err : put(b, ": ", 2);
	err = err ? err : put_pl(b, &req->h_to->val);
	err = err ? err : put(b, ";tag=", 5);
	err = err ? err : put_pl(b, to_tag);
	return err ? err : put_pl(b, &crlf);
}

/* Every Via line of req, the value of the topmost replaced by top (when
 * set): the rest of its line (further values of a list) stays. */
static int copy_vias(struct buf *b, const struct sip_msg *req,
		     const struct pl *top)
{
	const struct sip_hdr *h = req->h_via;
	const char *last = NULL;
	struct pl head, tail;
	int err = 0;

	if (!top || !top->l || !h)
		return copy_lines(b, req, SIP_HDR_VIA);
	for (uint32_t i = 0; i < req->nhdrs && !err; i++) {
		const struct sip_hdr *v = &req->hdrs[i];

		if (v->id != SIP_HDR_VIA || v->line.p == last)
			continue;
		last = v->line.p;
		if (v->line.p != h->line.p) {
			err = put_pl(b, &v->line);
		} else {
			pl_set(&head, h->line.p,
			       (size_t)(h->val.p - h->line.p));
			pl_set(&tail, h->val.p + h->val.l,
			       (size_t)(h->line.p + h->line.l -
					(h->val.p + h->val.l)));
			err = put_pl(b, &head);
			err = err ? err : put_pl(b, top);
			err = err ? err : put_pl(b, &tail);
		}
		err = err ? err : put_pl(b, &crlf);
	}
	return err;
}

int sip_print_response(struct buf *b, const struct sip_msg *req,
		       uint16_t scode, const char *reason,
		       const struct pl *to_tag, const struct pl *extra_headers,
		       const struct pl *body)
{
	return sip_print_response_via(b, req, NULL, scode, reason, to_tag,
				      extra_headers, body);
}

int sip_print_response_via(struct buf *b, const struct sip_msg *req,
			   const struct pl *top_via, uint16_t scode,
			   const char *reason, const struct pl *to_tag,
			   const struct pl *extra_headers,
			   const struct pl *body)
{
	size_t pos, end;
	int err;

	if (!b || !req || !req->req || !req->h_to || scode < 100 ||
	    scode > 699)
		return EINVAL;
	if (to_tag && to_tag->l && !is_token(to_tag))
		return EINVAL;
	pos = b->pos;
	end = b->end;
	err = sip_print_status_line(b, scode, reason);
	err = err ? err : copy_vias(b, req, top_via);
	err = err ? err : copy_line(b, req, req->h_from, SIP_HDR_FROM);
	err = err ? err : put_to(b, req, to_tag);
	err = err ? err : copy_line(b, req, req->h_callid, SIP_HDR_CALL_ID);
	err = err ? err : copy_line(b, req, req->h_cseq, SIP_HDR_CSEQ);
	if (!err && scode == 100)
		err = copy_lines(b, req, SIP_HDR_TIMESTAMP);
	err = err ? err : put_pl(b, extra_headers);
	err = err ? err : put_clen(b, body ? body->l : 0);
	err = err ? err : put_pl(b, &crlf);
	err = err ? err : put_pl(b, body);
	return rollback(b, pos, end, err);
}
