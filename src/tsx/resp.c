/* Messages the transaction layer builds, with the SIP printer: responses
 * to a received request (RFC 3261 §8.2.6, sip_print_response() plus the
 * RFC 3581 top Via), the ACK for a non-2xx final response (§17.1.1.3)
 * and CANCEL (§9.1). */
#include <errno.h>
#include <string.h>

#include "base/mem.h"
#include "sip/print.h"
#include "tsx/tsx_int.h"

int tsx_resp_build(struct buf **mbp, struct sip_msg *req,
		   const struct pl *top_via, uint16_t scode,
		   const char *reason, const char *totag, const char *hdrs,
		   const char *ctype, const struct pl *body)
{
	struct buf *mb = NULL, *xb = NULL;
	struct pl tag = PL_INIT, extra = PL_INIT;
	int err;

	if (!mbp || !req || !top_via || !req->h_via || !req->h_from ||
	    !req->h_to || !req->h_callid || !req->h_cseq)
		return EINVAL;
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
	err = sip_print_response_via(mb, req, top_via, scode, reason, &tag,
				     &extra, body && body->l ? body : NULL);
out:
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

int tsx_ack_build(struct buf **mbp, struct sip_msg *req, struct sip_msg *resp)
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
