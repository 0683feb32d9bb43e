/* Responses the B2BUA sends, printed here (so the exact text can go into
 * the call's trace and the alerts' evidence) and handed to the server
 * transaction with tsx_reply_buf(); the call's trace recorder. */
#include <errno.h>
#include <string.h>

#include "b2bua/b2bua_int.h"
#include "base/clock.h"
#include "base/mem.h"

int b2bua_resp_print(struct buf **mbp, struct tsx *st, uint16_t scode,
		     const char *reason, const char *hdrs, const char *ctype,
		     const struct pl *body)
{
	struct sip_msg *req = tsx_request_msg(st);
	const struct sip_recv *rx = tsx_recv_info(st);
	const char *totag = tsx_totag(st);
	const struct sip_addr *to;
	const struct sip_via *via;
	struct buf *mb;
	int err;

	if (!req || !rx || !req->h_from || !req->h_to || !req->h_callid ||
	    !req->h_cseq || sip_msg_via(req, &via) || scode < 100 ||
	    scode > 699)
		return EINVAL;
	if (!reason || !*reason)
		reason = sip_reason_phrase(scode);
	if (!reason || !*reason)
		reason = "Unknown";
	mb = buf_alloc(512 + (hdrs ? strlen(hdrs) : 0) + (body ? body->l : 0));
	if (!mb)
		return ENOMEM;
	err = buf_printf(mb, "SIP/2.0 %u ", scode);
	for (const char *r = reason; !err && *r; r++) {
		unsigned char ch = (unsigned char)*r;

		err = buf_write_u8(mb, ch < 0x20 || ch == 0x7f ? ' ' : ch);
	}
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
	err = err ? err
		  : buf_printf(mb, "From: %.*s\r\nTo: %.*s",
			       PL_ARG(&req->h_from->val),
			       PL_ARG(&req->h_to->val));
	if (!err && scode > 100 && totag && *totag &&
	    (sip_msg_to(req, &to) || !pl_isset(&to->tag)))
		err = buf_printf(mb, ";tag=%s", totag);
	err = err ? err
		  : buf_printf(mb, "\r\nCall-ID: %.*s\r\nCSeq: %.*s\r\n",
			       PL_ARG(&req->h_callid->val),
			       PL_ARG(&req->h_cseq->val));
	if (!err && hdrs)
		err = buf_write_str(mb, hdrs);
	if (!err && body && body->l && ctype)
		err = buf_printf(mb, "Content-Type: %s\r\n", ctype);
	err = err ? err
		  : buf_printf(mb, "Content-Length: %zu\r\n\r\n",
			       body ? body->l : 0);
	if (!err && body && body->l)
		err = buf_write_pl(mb, body);
	if (err)
		mem_deref(mb);
	else
		*mbp = mb;
	return err;
}

int64_t b2bua_wall_ms(const struct b2bua *b)
{
	return b->wall_base + (int64_t)clock_now_ms();
}

void call_trace(struct call *c, char leg, bool sent,
		const struct sockaddr_storage *src,
		const struct sockaddr_storage *dst, const char *msg,
		size_t len)
{
	if (!c || c->state == CALL_ENDED || !msg)
		return;
	(void)trace_add(&c->trace, b2bua_wall_ms(c->b), leg, sent, src, dst,
			msg, len);
}

void call_trace_rx(struct call *c, struct leg *l, struct sip_msg *msg,
		   const struct sip_recv *rx)
{
	if (!msg)
		return;
	call_trace(c, l->side, false, rx ? &rx->src : &l->dlg.dst,
		   rx ? &rx->dst : &c->b->laddr, msg->raw.p, msg->raw.l);
}

int call_reply(struct call *c, struct leg *l, struct tsx *st, uint16_t scode,
	       const char *reason, const char *hdrs, const char *ctype,
	       const struct pl *body)
{
	const struct sip_recv *rx = tsx_recv_info(st);
	struct buf *mb = NULL;
	int err;

	err = b2bua_resp_print(&mb, st, scode, reason, hdrs, ctype, body);
	if (err) /* not a server transaction we can print for */
		return tsx_reply(st, scode, reason, hdrs, ctype, body);
	err = tsx_reply_buf(st, scode, mb);
	if (!err && c && l)
		call_trace(c, l->side, true, rx ? &rx->dst : NULL,
			   rx ? &rx->src : NULL, (const char *)mb->data,
			   mb->end);
	mem_deref(mb);
	return err;
}
