/* Messages the transaction layer builds, with the SIP printer: responses
 * to a received request (RFC 3261 §8.2.6, sip_print_response() plus the
 * RFC 3581 top Via), the ACK for a non-2xx final response (§17.1.1.3)
 * and CANCEL (§9.1). */
#include <errno.h>
#include <string.h>

#include "base/mem.h"
#include "sip/print.h"
#include "tsx/tsx_int.h"

static bool is_ctl(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

/* A reason phrase without control characters: reason itself, or a copy
 * with spaces for them in *ownp (to mem_deref). NULL on ENOMEM. */
static const char *reason_clean(const char *reason, char **ownp)
{
	const char *r = reason;
	char *c;

	while (*r && !is_ctl(*r))
		r++;
	if (!*r)
		return reason;
	c = mem_strdup(reason);
	if (!c)
		return NULL;
	for (char *p = c; *p; p++)
		if (is_ctl(*p))
			*p = ' ';
	*ownp = c;
	return c;
}

/* The printer copies req's Via lines as written; put the value the
 * transaction answers with (received/rport, sip_transp_via_print()) in
 * place of the top one. The response starts at start in mb and its first
 * Via line is req->h_via's line. Returns 0, EPROTO or ENOMEM; mb is left
 * as it was on error. */
static int top_via_set(struct buf *mb, size_t start,
		       const struct sip_msg *req, const struct sip_via *via,
		       const struct sip_recv *rx)
{
	const struct sip_hdr *h = req->h_via;
	size_t end = mb->end, off, vl = h->val.l, n;
	const uint8_t *nl;
	uint8_t *d;
	int err;

	nl = memchr(mb->data + start, '\n', end - start);
	if (!nl)
		return EPROTO;
	off = (size_t)(nl + 1 - mb->data) + (size_t)(h->val.p - h->line.p);
	if (off + vl > end || memcmp(mb->data + off, h->val.p, vl))
		return EPROTO;
	/* the new value goes after the message, then is moved in */
	mb->pos = end;
	err = sip_transp_via_print(mb, via, rx);
	n = mb->end - end;
	err = err ? err : buf_reserve(mb, n);
	if (err) {
		mb->pos = mb->end = end;
		return err;
	}
	d = mb->data;
	memcpy(d + end + n, d + end, n); /* out of the tail's way */
	memmove(d + off + n, d + off + vl, end - off - vl);
	memcpy(d + off, d + end + n, n);
	mb->pos = mb->end = end - vl + n;
	return 0;
}

int tsx_resp_build(struct buf **mbp, struct sip_msg *req,
		   const struct sip_via *via, const struct sip_recv *rx,
		   uint16_t scode, const char *reason, const char *totag,
		   const char *hdrs, const char *ctype,
		   const struct pl *body)
{
	struct buf *mb = NULL, *xb = NULL;
	struct pl tag = PL_INIT, extra = PL_INIT;
	char *rown = NULL;
	int err;

	if (!mbp || !req || !via || !rx || !req->h_via || !req->h_from ||
	    !req->h_to || !req->h_callid || !req->h_cseq)
		return EINVAL;
	if (!reason || !*reason)
		reason = sip_reason_phrase(scode);
	if (!reason || !*reason)
		reason = "Unknown";
	reason = reason_clean(reason, &rown);
	if (!reason)
		return ENOMEM;
	if (scode > 100 && totag) /* no tag on 100 (§8.2.6.1) */
		pl_set_str(&tag, totag);
	if (hdrs)
		pl_set_str(&extra, hdrs);
	if (ctype && body && body->l) {
		/* Content-Type goes with the extra headers */
		xb = buf_alloc(extra.l + strlen(ctype) + 20);
		err = xb ? 0 : ENOMEM;
		err = err ? err : buf_write_pl(xb, &extra);
		err = err ? err
			  : buf_printf(xb, "Content-Type: %s\r\n", ctype);
		if (err)
			goto out;
		extra = buf_pl(xb);
	}
	mb = buf_alloc(512 + extra.l + (body ? body->l : 0));
	if (!mb) {
		err = ENOMEM;
		goto out;
	}
	err = sip_print_response(mb, req, scode, reason, &tag, &extra,
				 body && body->l ? body : NULL);
	err = err ? err : top_via_set(mb, 0, req, via, rx);
out:
	mem_deref(rown);
	mem_deref(xb);
	if (err)
		mem_deref(mb);
	else
		*mbp = mb;
	return err;
}

/* ACK or CANCEL for req: its Request-URI, top Via, Route set, From,
 * Call-ID and CSeq number, with To as given. */
static int req_build(struct buf **mbp, struct sip_msg *req,
		     const struct pl *method, const struct pl *to)
{
	struct buf *mb;
	int err;

	if (!req->h_via || !req->h_from || !req->h_callid || !to)
		return EINVAL;
	mb = buf_alloc(512);
	if (!mb)
		return ENOMEM;
	err = sip_print_request_line(mb, method, &req->ruri_raw);
	err = err ? err : sip_print_hdr(mb, SIP_HDR_VIA, &req->h_via->val);
	for (uint32_t i = 0; !err && i < req->nhdrs; i++)
		if (req->hdrs[i].id == SIP_HDR_ROUTE)
			err = sip_print_hdr(mb, SIP_HDR_ROUTE,
					    &req->hdrs[i].val);
	err = err ? err : sip_print_hdr(mb, SIP_HDR_FROM, &req->h_from->val);
	err = err ? err : sip_print_hdr(mb, SIP_HDR_TO, to);
	err = err ? err
		  : sip_print_hdr(mb, SIP_HDR_CALL_ID, &req->h_callid->val);
	err = err ? err
		  : sip_print_hdrf(mb, SIP_HDR_CSEQ, "%u %.*s", req->cseq.num,
				   PL_ARG(method));
	err = err ? err : sip_print_hdr(mb, SIP_HDR_MAX_FORWARDS, &PL("70"));
	err = err ? err : sip_print_body(mb, NULL, NULL);
	if (err) {
		mem_deref(mb);
		return err;
	}
	*mbp = mb;
	return 0;
}

int tsx_ack_build(struct buf **mbp, struct sip_msg *req,
		  struct sip_msg *resp)
{
	if (!mbp || !req || !resp || !resp->h_to)
		return EINVAL;
	/* To from the response (its tag), the rest from the request */
	return req_build(mbp, req, &PL("ACK"), &resp->h_to->val);
}

int tsx_cancel_build(struct buf **mbp, struct sip_msg *req)
{
	if (!mbp || !req || !req->h_to)
		return EINVAL;
	return req_build(mbp, req, &PL("CANCEL"), &req->h_to->val);
}
