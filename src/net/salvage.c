/* Answering requests the parser rejected: when the request line and the
 * Via, From, To, Call-ID and CSeq lines can be found, send 400 with the
 * parser's reason (RFC 3261 §8.2, §21.4.1); otherwise the caller drops
 * and counts. Header names are matched with the one name table
 * (sip_hdr_id); values are copied as written. */
#include <errno.h>
#include <string.h>

#include "base/mem.h"
#include "net/net_int.h"
#include "net/rand.h"
#include "sip/hdr.h"
#include "sip/print.h"

enum {
	MAX_VIAS = 32,
	MAX_LINES = 512,
};

struct salvage {
	struct pl via[MAX_VIAS];
	unsigned nvia;
	struct pl from, to, callid, cseq;
	struct pl *last; /* the value a folded line continues */
};

/* Next line of s (without CRLF/LF); false at the end. */
static bool next_line(struct pl *s, struct pl *line)
{
	const char *nl;

	if (!s->l)
		return false;
	nl = pl_chr(s, '\n');
	if (!nl) {
		*line = *s;
		s->p += s->l;
		s->l = 0;
	} else {
		pl_set(line, s->p, (size_t)(nl - s->p));
		s->l -= (size_t)(nl - s->p) + 1;
		s->p = nl + 1;
	}
	if (line->l && line->p[line->l - 1] == '\r')
		line->l--;
	return true;
}

static bool clean(const struct pl *v)
{
	for (size_t i = 0; i < v->l; i++) {
		unsigned char ch = (unsigned char)v->p[i];

		if (ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n')
			return false;
		if (ch == 0x7f)
			return false;
	}
	return true;
}

/* Request line: METHOD SP ... ; a response or ACK is never answered. */
static int check_start(const struct pl *line)
{
	const char *sp = pl_chr(line, ' ');
	struct pl m;

	if (!sp || sp == line->p)
		return EBADMSG;
	pl_set(&m, line->p, (size_t)(sp - line->p));
	if (m.l >= 4 && !memcmp(m.p, "SIP/", 4))
		return EPROTO;
	if (pl_eq_str(&m, "ACK"))
		return EPROTO;
	for (size_t i = 0; i < m.l; i++) {
		unsigned char ch = (unsigned char)m.p[i];

		if (ch <= 0x20 || ch >= 0x7f || strchr("()<>@,;:\\\"/[]?={}",
						      ch))
			return EBADMSG;
	}
	return 0;
}

static void take(struct salvage *sv, const struct pl *line)
{
	const char *colon = pl_chr(line, ':');
	struct pl name, val;
	struct pl *slot = NULL;

	sv->last = NULL;
	if (!colon)
		return;
	pl_set(&name, line->p, (size_t)(colon - line->p));
	pl_trim(&name);
	pl_set(&val, colon + 1, line->l - (size_t)(colon - line->p) - 1);
	pl_trim(&val);
	switch (sip_hdr_id(&name)) {
	case SIP_HDR_VIA:
		if (sv->nvia < MAX_VIAS)
			slot = &sv->via[sv->nvia++];
		break;
	case SIP_HDR_FROM:
		slot = sv->from.p ? NULL : &sv->from;
		break;
	case SIP_HDR_TO:
		slot = sv->to.p ? NULL : &sv->to;
		break;
	case SIP_HDR_CALL_ID:
		slot = sv->callid.p ? NULL : &sv->callid;
		break;
	case SIP_HDR_CSEQ:
		slot = sv->cseq.p ? NULL : &sv->cseq;
		break;
	default:
		break;
	}
	if (!slot)
		return;
	*slot = val;
	sv->last = slot;
}

static bool has_tag(const struct pl *to)
{
	for (size_t i = 0; i + 5 <= to->l; i++)
		if (!strncasecmp(to->p + i, ";tag=", 5))
			return true;
	return false;
}

/* The 400 (RFC 3261 §8.2.6) from the recovered lines, with the printer's
 * builders. reason is the parser's (its own text, never message bytes). */
static int build(struct buf *mb, const struct salvage *sv,
		 const char *reason, const struct sip_recv *rx,
		 struct sip_via *via, bool *via_okp)
{
	char tag[17];
	int err;

	err = sip_print_status_line(mb, 400, reason);
	*via_okp = !sip_via_decode(via, &sv->via[0]);
	if (!err && *via_okp) {
		err = buf_write_str(mb, "Via: ");
		err = err ? err : sip_transp_via_print(mb, via, rx);
		err = err ? err : buf_write_str(mb, "\r\n");
	} else if (!err) {
		err = sip_print_hdr(mb, SIP_HDR_VIA, &sv->via[0]);
	}
	for (unsigned i = 1; !err && i < sv->nvia; i++)
		err = sip_print_hdr(mb, SIP_HDR_VIA, &sv->via[i]);
	err = err ? err : sip_print_hdr(mb, SIP_HDR_FROM, &sv->from);
	if (!err && !has_tag(&sv->to)) {
		net_rand_token(tag, sizeof(tag));
		err = sip_print_hdrf(mb, SIP_HDR_TO, "%.*s;tag=%s",
				     PL_ARG(&sv->to), tag);
	} else if (!err) {
		err = sip_print_hdr(mb, SIP_HDR_TO, &sv->to);
	}
	err = err ? err : sip_print_hdr(mb, SIP_HDR_CALL_ID, &sv->callid);
	err = err ? err : sip_print_hdr(mb, SIP_HDR_CSEQ, &sv->cseq);
	return err ? err : sip_print_body(mb, NULL, NULL);
}

int salvage_400(struct sip_transp *tp, const struct pl *raw,
		const char *reason, const struct sip_recv *rx)
{
	struct salvage sv;
	struct sip_via via;
	struct pl s = *raw, line;
	struct buf *mb;
	unsigned nlines = 0;
	bool via_ok = false;
	int err;

	memset(&sv, 0, sizeof(sv));
	if (!next_line(&s, &line))
		return EBADMSG;
	err = check_start(&line);
	if (err)
		return err;
	while (next_line(&s, &line) && line.l && ++nlines < MAX_LINES) {
		if ((line.p[0] == ' ' || line.p[0] == '\t') && sv.last) {
			/* folded: extend the value over this line */
			sv.last->l = (size_t)(line.p + line.l - sv.last->p);
			continue;
		}
		take(&sv, &line);
	}
	if (!sv.nvia || !sv.from.l || !sv.to.l || !sv.callid.l ||
	    !sv.cseq.l)
		return EBADMSG;
	for (unsigned i = 0; i < sv.nvia; i++)
		if (!clean(&sv.via[i]))
			return EBADMSG;
	if (!clean(&sv.from) || !clean(&sv.to) || !clean(&sv.callid) ||
	    !clean(&sv.cseq))
		return EBADMSG;

	mb = buf_alloc(512);
	if (!mb)
		return ENOMEM;
	err = build(mb, &sv, reason && *reason ? reason : "Bad Request", rx,
		    &via, &via_ok);
	if (err)
		goto out;
	if (via_ok)
		err = sip_transp_send_response(tp, rx, &via, mb, NULL, NULL);
	else
		err = sip_transp_send(tp, rx->tp, (struct sockaddr *)&rx->src,
				      rx->conn, mb, NULL, NULL);
out:
	mem_deref(mb);
	return err;
}
