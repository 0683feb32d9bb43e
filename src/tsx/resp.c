/* Minimal message builders the transaction layer needs: responses to a
 * received request (until the shared printer lands), the ACK for a
 * non-2xx final response (RFC 3261 §17.1.1.3) and CANCEL (§9.1). */
#include <errno.h>
#include <string.h>

#include "base/mem.h"
#include "tsx/tsx_int.h"

static int copy_hdrs(struct buf *mb, const struct sip_msg *msg,
		     enum sip_hdr_id id, const char *name)
{
	int err = 0;

	for (uint32_t i = 0; !err && i < msg->nhdrs; i++)
		if (msg->hdrs[i].id == id)
			err = buf_printf(mb, "%s: %.*s\r\n", name,
					 PL_ARG(&msg->hdrs[i].val));
	return err;
}

static int write_reason(struct buf *mb, const char *reason)
{
	int err = 0;

	for (const char *r = reason; !err && *r; r++) {
		unsigned char ch = (unsigned char)*r;

		err = buf_write_u8(mb, ch < 0x20 || ch == 0x7f ? ' ' : ch);
	}
	return err;
}

int tsx_resp_build(struct buf **mbp, struct sip_msg *req,
		   const struct sip_via *via, const struct sip_recv *rx,
		   uint16_t scode, const char *reason, const char *totag,
		   const char *hdrs, const char *ctype,
		   const struct pl *body)
{
	const struct sip_addr *to;
	struct buf *mb;
	bool add_tag;
	int err;

	if (!mbp || !req || !via || !rx || !req->h_from || !req->h_to ||
	    !req->h_callid || !req->h_cseq)
		return EINVAL;
	if (!reason || !*reason)
		reason = sip_reason_phrase(scode);
	if (!reason || !*reason)
		reason = "Unknown";
	mb = buf_alloc(512 + (body ? body->l : 0));
	if (!mb)
		return ENOMEM;
	err = buf_printf(mb, "SIP/2.0 %u ", scode);
	err = err ? err : write_reason(mb, reason);
	err = err ? err : buf_write_str(mb, "\r\n");
	for (uint32_t i = 0; !err && i < req->nhdrs; i++) {
		const struct sip_hdr *h = &req->hdrs[i];

		if (h->id != SIP_HDR_VIA)
			continue;
		if (h == req->h_via) {
			err = buf_write_str(mb, "Via: ");
			err = err ? err : sip_transp_via_print(mb, via, rx);
			err = err ? err : buf_write_str(mb, "\r\n");
		} else {
			err = buf_printf(mb, "Via: %.*s\r\n", PL_ARG(&h->val));
		}
	}
	add_tag = scode > 100 && totag && *totag &&
		  (sip_msg_to(req, &to) || !pl_isset(&to->tag));
	err = err ? err : buf_printf(mb, "From: %.*s\r\nTo: %.*s",
				     PL_ARG(&req->h_from->val),
				     PL_ARG(&req->h_to->val));
	if (!err && add_tag)
		err = buf_printf(mb, ";tag=%s", totag);
	err = err ? err : buf_printf(mb, "\r\nCall-ID: %.*s\r\nCSeq: %.*s\r\n",
				     PL_ARG(&req->h_callid->val),
				     PL_ARG(&req->h_cseq->val));
	if (!err && scode == 100) /* §8.2.6.1 */
		err = copy_hdrs(mb, req, SIP_HDR_TIMESTAMP, "Timestamp");
	if (!err && hdrs)
		err = buf_write_str(mb, hdrs);
	if (!err && body && body->l && ctype)
		err = buf_printf(mb, "Content-Type: %s\r\n", ctype);
	err = err ? err : buf_printf(mb, "Content-Length: %zu\r\n\r\n",
				     body ? body->l : 0);
	if (!err && body && body->l)
		err = buf_write_pl(mb, body);
	if (err) {
		mem_deref(mb);
		return err;
	}
	*mbp = mb;
	return 0;
}

static int req_build(struct buf **mbp, struct sip_msg *req,
		     const char *method, const struct pl *to)
{
	struct buf *mb;
	int err;

	if (!req->h_via || !req->h_from || !req->h_callid || !to)
		return EINVAL;
	mb = buf_alloc(512);
	if (!mb)
		return ENOMEM;
	err = buf_printf(mb, "%s %.*s SIP/2.0\r\nVia: %.*s\r\n", method,
			 PL_ARG(&req->ruri_raw), PL_ARG(&req->h_via->val));
	err = err ? err : copy_hdrs(mb, req, SIP_HDR_ROUTE, "Route");
	err = err ? err : buf_printf(mb,
				     "From: %.*s\r\nTo: %.*s\r\n"
				     "Call-ID: %.*s\r\nCSeq: %u %s\r\n"
				     "Max-Forwards: 70\r\n"
				     "Content-Length: 0\r\n\r\n",
				     PL_ARG(&req->h_from->val), PL_ARG(to),
				     PL_ARG(&req->h_callid->val),
				     req->cseq.num, method);
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
	return req_build(mbp, req, "ACK", &resp->h_to->val);
}

int tsx_cancel_build(struct buf **mbp, struct sip_msg *req)
{
	if (!mbp || !req || !req->h_to)
		return EINVAL;
	return req_build(mbp, req, "CANCEL", &req->h_to->val);
}
