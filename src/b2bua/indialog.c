/* In-dialog requests: BYE from either side, requests crossing to the
 * other leg with their bodies (re-INVITE, UPDATE, INFO, PRACK, OPTIONS,
 * ...), glare, the ACK for the 200 and its 32 s rule (32022). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "b2bua/b2bua_int.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "base/str.h"

void indialog_ack_wait(struct call *c);

static struct leg *other(struct leg *l)
{
	return l->side == 'A' ? &l->call->bl : &l->call->a;
}

static void xreq_destroy(void *arg)
{
	struct xreq *r = arg;

	list_unlink(&r->le);
	if (r->st) {
		tsx_handler_set(r->st, NULL, NULL);
		r->st = mem_deref(r->st);
	}
	if (r->ct) {
		tsx_handler_set(r->ct, NULL, NULL);
		r->ct = mem_deref(r->ct);
	}
}

void xreq_flush(struct call *c)
{
	while (c->xreqs.head) {
		struct xreq *r = c->xreqs.head->data;

		list_unlink(&r->le);
		mem_deref(r);
	}
	c->reinv_pending = false;
}

static void xreq_done(struct xreq *r)
{
	if (r->method == SIP_METHOD_INVITE && r->call)
		r->call->reinv_pending = false;
	list_unlink(&r->le);
	mem_deref(r);
}

static const char *ctype_of(struct sip_msg *msg, char *buf, size_t sz)
{
	if (!msg->body.l || !msg->h_ctype)
		return NULL;
	(void)str_append_pl(buf, sz, 0, &msg->h_ctype->val);
	return buf;
}

/* Headers that cross with a request or response, besides the body. */
static int pass_hdrs(struct call *c, struct leg *to, struct sip_msg *msg,
		     bool contact, char *buf, size_t sz)
{
	static const enum sip_hdr_id pass[] = {SIP_HDR_RSEQ,
					       SIP_HDR_REQUIRE,
					       SIP_HDR_SUPPORTED,
					       SIP_HDR_ALLOW,
					       SIP_HDR_SESSION_EXPIRES,
					       SIP_HDR_MIN_SE,
					       SIP_HDR_CONTENT_DISPOSITION,
					       SIP_HDR_EVENT,
					       SIP_HDR_REASON};
	static const struct pl info_pkg = PL("Info-Package");
	const struct sip_hdr *h;
	size_t n = 0;

	buf[0] = '\0';
	if (contact) {
		if (to->side == 'A')
			n = str_join(buf, sz, n, "Contact: ", c->contact_a,
				     "\r\n", NULL);
		else
			n = str_join(buf, sz, n, "Contact: <sip:", c->token,
				     "@", c->b->hostport,
				     to->dlg.tp == SIP_TP_TCP
					     ? ";transport=tcp"
					     : "",
				     ">\r\n", NULL);
	}
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]) && n < sz; i++)
		for (h = sip_msg_hdr(msg, pass[i]); h && n < sz;
		     h = sip_msg_hdr_next(msg, h))
			n = call_hdr_append(buf, sz, n, pass[i], &h->val);
	h = sip_msg_hdr_name(msg, &info_pkg);
	if (h && n < sz) {
		n = str_append(buf, sz, n, "Info-Package: ");
		n = str_append_pl(buf, sz, n, &h->val);
		n = str_append(buf, sz, n, "\r\n");
	}
	return n < sz ? 0 : EMSGSIZE;
}

static void xreq_ct_h(struct tsx *tx, const struct tsx_event *ev, void *arg)
{
	struct xreq *r = arg;
	struct call *c;
	char hdrs[1024], ct[128];
	struct buf *tmp = NULL;
	struct pl body;

	if (!r || tx != r->ct)
		return;
	c = mem_ref(r->call);
	mem_ref(r);
	switch (ev->type) {
	case TSX_EV_RESPONSE: {
		struct sip_msg *resp = ev->msg;
		bool is_inv = r->method == SIP_METHOD_INVITE;
		char reason[64];

		call_trace_rx(c, r->to, resp, NULL);
		if (resp->scode == 100 || !r->st)
			break;
		if (is_inv && resp->scode >= 200 && resp->scode < 300) {
			/* ACK the far side now when the offer was in the
			 * re-INVITE; else the answer comes in the ACK */
			if (!r->ack_wait)
				(void)call_send_ack(c, r->to, r->to_cseq, NULL,
						    NULL);
		}
		if (pass_hdrs(c, r->from, resp,
			      (is_inv || r->method == SIP_METHOD_UPDATE) &&
				      resp->scode < 300,
			      hdrs, sizeof(hdrs)))
			hdrs[0] = '\0';
		(void)str_append_pl(reason, sizeof(reason), 0, &resp->reason);
		(void)call_body_cross(c, r->to, resp, &body, &tmp);
		(void)call_reply(
			c, r->from, r->st, resp->scode, reason, hdrs,
			body.l ? ctype_of(resp, ct, sizeof(ct)) : NULL, &body);
		tmp = mem_deref(tmp);
		if (resp->scode >= 200) {
			tsx_handler_set(r->st, NULL, NULL);
			r->st = mem_deref(r->st);
			if (is_inv)
				c->reinv_pending = false;
			if (resp->scode == 481 || resp->scode == 408) {
				/* the far dialog is gone: end the call */
				call_bye(c, r->from);
				call_end(c);
			}
		}
		break;
	}
	case TSX_EV_TIMEOUT:
	case TSX_EV_TRANSPORT_ERROR:
		if (r->st) {
			(void)call_reply(c, r->from, r->st, ev->scode, NULL,
					 NULL, NULL, NULL);
			tsx_handler_set(r->st, NULL, NULL);
			r->st = mem_deref(r->st);
		}
		break;
	case TSX_EV_TERMINATED:
		tsx_handler_set(r->ct, NULL, NULL);
		r->ct = mem_deref(r->ct);
		if (!r->ack_wait)
			xreq_done(r);
		break;
	default:
		break;
	}
	mem_deref(r);
	mem_deref(c);
}

/* RAck: "rseq cseq method" with the far leg's INVITE CSeq. */
static int rack_hdr(struct sip_msg *msg, struct leg *to, char *buf, size_t sz)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_RACK);
	uint32_t rseq = 0;
	struct pl v;
	size_t i = 0;

	if (!h)
		return ENOENT;
	v = h->val;
	while (i < v.l && v.p[i] >= '0' && v.p[i] <= '9')
		rseq = rseq * 10 + (uint32_t)(v.p[i++] - '0');
	if (!i)
		return EBADMSG;
	snprintf(buf, sz, "RAck: %u %u INVITE\r\n", rseq, to->inv_cseq);
	return 0;
}

static void cross(struct leg *l, struct tsx *st, struct sip_msg *msg)
{
	struct call *c = l->call;
	struct leg *to = other(l);
	char hdrs[1200], ct[128];
	const char *method;
	struct xreq *r;
	bool contact;
	size_t n;
	int err;

	if (!to->dlg.rtag || !to->dlg.rtarget) {
		(void)call_reply(c, l, st, 481, NULL, NULL, NULL, NULL);
		return;
	}
	if (msg->method == SIP_METHOD_INVITE) {
		if (c->reinv_pending) { /* glare, RFC 3261 §14.2 */
			(void)call_reply(c, l, st, 491, NULL, NULL, NULL,
					 NULL);
			return;
		}
		if (c->state != CALL_CONFIRMED) {
			(void)call_reply(c, l, st, 500, NULL,
					 "Retry-After: 1\r\n", NULL, NULL);
			return;
		}
	}
	r = mem_zalloc(sizeof(*r), xreq_destroy);
	if (!r) {
		(void)call_reply(c, l, st, 500, NULL, NULL, NULL, NULL);
		return;
	}
	r->call = c;
	r->from = l;
	r->to = to;
	r->method = msg->method;
	r->from_cseq = msg->cseq.num;
	r->st = mem_ref(st);
	r->to_cseq = ++to->dlg.lcseq;
	r->ack_wait = msg->method == SIP_METHOD_INVITE && !msg->body.l;
	contact = msg->method == SIP_METHOD_INVITE ||
		  msg->method == SIP_METHOD_UPDATE;
	err = pass_hdrs(c, to, msg, contact, hdrs, sizeof(hdrs));
	n = strlen(hdrs);
	if (!err && msg->method == SIP_METHOD_PRACK &&
	    rack_hdr(msg, to, hdrs + n, sizeof(hdrs) - n) == EBADMSG)
		err = EBADMSG;
	if (err) {
		(void)call_reply(c, l, st, 400, NULL, NULL, NULL, NULL);
		mem_deref(r);
		return;
	}
	list_append(&c->xreqs, &r->le, r);
	if (msg->method == SIP_METHOD_INVITE) {
		c->reinv_pending = true;
		to->inv_cseq = r->to_cseq;
	}
	method = msg->method == SIP_METHOD_UNKNOWN
			 ? NULL
			 : sip_method_name(msg->method);
	{
		char mname[32];

		if (!method) {
			(void)str_append_pl(mname, sizeof(mname), 0,
					    &msg->method_name);
			method = mname;
		}
		struct buf *tmp = NULL;
		struct pl body;

		(void)call_body_cross(c, l, msg, &body, &tmp);
		err = call_send_request(c, to, method, r->to_cseq, hdrs,
					body.l ? ctype_of(msg, ct, sizeof(ct))
					       : NULL,
					&body, xreq_ct_h, r, &r->ct);
		mem_deref(tmp);
	}
	if (err) {
		(void)call_reply(c, l, st, 503, NULL, NULL, NULL, NULL);
		xreq_done(r);
	}
}

void indialog_request(struct leg *l, struct tsx *st, struct sip_msg *msg,
		      const struct sip_recv *rx)
{
	struct call *c = l->call;
	struct leg *o = other(l);

	(void)rx;
	if (l->dlg.rtag && !dialog_match(&l->dlg, msg)) {
		(void)call_reply(c, l, st, 481, NULL, NULL, NULL, NULL);
		return;
	}
	/* CSeq must grow (RFC 3261 §12.2.2) */
	if (msg->cseq.num <= l->dlg.rcseq && l->dlg.rcseq &&
	    msg->method != SIP_METHOD_PRACK) {
		(void)call_reply(c, l, st, 500, "CSeq Out of Order", NULL,
				 NULL, NULL);
		return;
	}
	l->dlg.rcseq = msg->cseq.num;
	switch (msg->method) {
	case SIP_METHOD_BYE:
		(void)call_reply(c, l, st, 200, NULL, NULL, NULL, NULL);
		log_info("call %s: BYE from leg %c", c->id, l->side);
		if (l->side == 'B' && c->a.inv &&
		    (c->state == CALL_TRYING || c->state == CALL_EARLY)) {
			/* carrier gave up in the early dialog */
			(void)call_reply(c, &c->a, c->a.inv, 480, NULL, NULL,
					 NULL, NULL);
		} else {
			call_bye(c, o);
		}
		call_end(c);
		return;
	default:
		cross(l, st, msg);
		return;
	}
}

/* ---- the ACK for 2xx ---- */

static void on_ack_timeout(void *arg)
{
	struct call *c = arg;
	const char *ev[2 + B2BUA_MAX_ACK_EVIDENCE];
	char l1[220], l2[220], l3[120];
	size_t n = 0;

	mem_ref(c);
	c->b->stats.ack_timeouts++;
	snprintf(l1, sizeof(l1), "200 OK Contact sent to the PBX: %s",
		 c->contact_a);
	snprintf(l2, sizeof(l2), "200 OK Record-Route sent to the PBX: %s",
		 c->rr_a);
	ev[n++] = l1;
	ev[n++] = l2;
	for (unsigned i = 0; i < c->nack_ev; i++)
		ev[n++] = c->ack_ev[i];
	if (!c->nack_ev) {
		snprintf(l3, sizeof(l3),
			 "No ACK-like request for this dialog arrived "
			 "within %u ms",
			 c->b->conf.ack_timeout_ms);
		ev[n++] = l3;
	}
	log_warn("call %s: no ACK for the 200 OK: BYE on both legs (32022)",
		 c->id);
	call_alert(c, 32022, ev, n);
	call_bye(c, &c->a);
	call_bye(c, &c->bl);
	call_end(c);
	mem_deref(c);
}

void indialog_ack_wait(struct call *c)
{
	(void)tmr_start(c->b->tl, &c->tmr_ack, c->b->conf.ack_timeout_ms,
			on_ack_timeout, c);
}

/* Whether the ACK came the way the 200 said: to its Contact (our token
 * as the Request-URI user) through the Record-Route (a Route naming
 * our token). */
static bool ack_routed(struct call *c, struct sip_msg *msg)
{
	const struct sip_hdr *h;
	bool route = false;
	char param[32];

	(void)str_join(param, sizeof(param), 0, "b2b=", c->token, NULL);
	for (h = sip_msg_hdr(msg, SIP_HDR_ROUTE); h;
	     h = sip_msg_hdr_next(msg, h)) {
		struct sip_addr a;

		if (!sip_addr_decode(&a, &h->val) &&
		    pl_chr(&a.uri.params, 'b') &&
		    memmem(a.uri.params.p, a.uri.params.l, param,
			   strlen(param)))
			route = true;
	}
	return route && pl_eq_str(&msg->ruri.user, c->token);
}

void indialog_ack(struct leg *l, struct sip_msg *msg,
		  const struct sip_recv *rx)
{
	struct call *c = l->call;
	struct le *le;

	if (!dialog_match(&l->dlg, msg))
		return;
	if (l->side == 'A' && c->state == CALL_ANSWERED &&
	    msg->cseq.num == l->inv_cseq) {
		if (!ack_routed(c, msg)) {
			const struct sip_hdr *rt =
				sip_msg_hdr(msg, SIP_HDR_ROUTE);
			char src[64] = "?", dst[64] = "?";

			(void)sa_print(&rx->src, src, sizeof(src));
			(void)sa_print(&rx->dst, dst, sizeof(dst));
			if (!c->ack_ev)
				c->ack_ev =
					mem_zalloc(B2BUA_MAX_ACK_EVIDENCE *
							   sizeof(*c->ack_ev),
						   NULL);
			if (c->ack_ev && c->nack_ev < B2BUA_MAX_ACK_EVIDENCE)
				snprintf(c->ack_ev[c->nack_ev++],
					 sizeof(c->ack_ev[0]),
					 "ACK from %s to %s: ACK %.*s, "
					 "Route: %.*s (expected the 200's "
					 "Contact through its Record-Route)",
					 src, dst, PL_ARG(&msg->ruri_raw),
					 (int)(rt ? rt->val.l : 4),
					 rt ? rt->val.p : "none");
			return;
		}
		tmr_cancel(&c->tmr_ack);
		tmr_cancel(&c->tmr_retx);
		c->state = CALL_CONFIRMED;
		/* an established call keeps a smaller trace */
		trace_limit(&c->trace, TRACE_MAX_MSGS, TRACE_LIVE_BYTES);
		c->a_invite = mem_deref(c->a_invite);
		c->offer = mem_deref(c->offer);
		c->a2xx_body = mem_deref(c->a2xx_body);
		c->a2xx_hdrs = mem_deref(c->a2xx_hdrs);
		/* no 2xx to send again: the INVITE server transaction waits
		 * out Timer L on its own, slim (tsx_slim()) */
		if (c->a.inv) {
			tsx_handler_set(c->a.inv, NULL, NULL);
			c->a.inv = mem_deref(c->a.inv);
		}
		log_debug("call %s: confirmed", c->id);
		return;
	}
	/* the ACK of a relayed re-INVITE: cross its answer if awaited */
	LIST_FOREACH(&c->xreqs, le)
	{
		struct xreq *r = le->data;
		char ct[128];

		if (r->from != l || r->method != SIP_METHOD_INVITE ||
		    r->from_cseq != msg->cseq.num)
			continue;
		if (r->ack_wait) {
			struct buf *tmp = NULL;
			struct pl body;

			(void)call_body_cross(c, l, msg, &body, &tmp);
			(void)call_send_ack(
				c, r->to, r->to_cseq,
				body.l ? ctype_of(msg, ct, sizeof(ct)) : NULL,
				&body);
			mem_deref(tmp);
			r->ack_wait = false;
			if (!r->ct)
				xreq_done(r);
		}
		return;
	}
}
