/* B2BUA object, call table, call lifetime, sending helpers, alerts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "b2bua/b2bua_int.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "base/str.h"
#include "policy/channels.h"
#include "policy/cps.h"
#include "policy/digest.h"

/* ---- alerts ---- */

void b2bua_alert_emit(struct b2bua *b, uint32_t code,
		      const struct admit_req *ar, const char *call_id,
		      const char *const *ev, size_t nev,
		      struct sip_msg *trace_msg, const struct sip_recv *rx,
		      const struct buf *resp, const struct sip_trace *ct)
{
	struct alert_trace_msg tm[TRACE_MAX_MSGS];
	struct trace_addrs ta[TRACE_MAX_MSGS];
	struct alert_event e;
	struct alert_kv kv[2];
	char src[64] = "", dst[64] = "", ip[64] = "", callid[256] = "",
	     url[512] = "";
	size_t nkv = 0, ntm = 0;

	if (!b->conf.alerts || !code)
		return;
	memset(&e, 0, sizeof(e));
	e.code = code;
	if (ar && ar->trunk) {
		e.account_sid = ar->trunk->account_sid;
		e.resource_sid = ar->trunk->sid;
	} else if (ar && ar->snap) {
		/* no trunk (unknown domain): the operator's account, the
		 * first top-level one */
		for (size_t i = 0; i < ar->snap->naccounts; i++)
			if (!ar->snap->accounts[i].owner_sid) {
				e.account_sid = ar->snap->accounts[i].sid;
				break;
			}
	}
	if (call_id) {
		snprintf(callid, sizeof(callid), "%s", call_id);
	} else if (trace_msg) {
		(void)pl_strcpy(&trace_msg->callid, callid, sizeof(callid));
	}
	e.call_id = callid;
	if (ar && ar->scode)
		e.response_code = ar->scode;
	if (trace_msg && trace_msg->req) {
		e.request_method = sip_method_name(trace_msg->method);
		snprintf(url, sizeof(url), "%.*s",
			 PL_ARG(&trace_msg->ruri_raw));
		e.request_url = url;
	}
	if (rx) {
		(void)sa_print(&rx->src, src, sizeof(src));
		(void)sa_print(&rx->dst, dst, sizeof(dst));
		(void)sa_ntop(&rx->src, ip, sizeof(ip));
		kv[nkv].key = "sourceIp";
		kv[nkv++].value = ip;
	}
	e.text = kv;
	e.text_n = nkv;
	e.evidence = ev;
	e.evidence_n = nev;
	if (ct && ct->n) {
		ntm = trace_export(ct, tm, ta, TRACE_MAX_MSGS);
	} else if (trace_msg) {
		memset(tm, 0, 2 * sizeof(tm[0]));
		tm[0].time_ms = b2bua_wall_ms(b);
		tm[0].leg = 'A';
		tm[0].sent = false;
		tm[0].src = src;
		tm[0].dst = dst;
		tm[0].msg = trace_msg->raw.p;
		tm[0].msg_len = trace_msg->raw.l;
		ntm = 1;
		if (resp && resp->end) {
			tm[1] = tm[0];
			tm[1].sent = true;
			tm[1].src = dst;
			tm[1].dst = src;
			tm[1].msg = (const char *)resp->data;
			tm[1].msg_len = resp->end;
			ntm = 2;
		}
	}
	e.trace = ntm ? tm : NULL;
	e.trace_n = ntm;
	if (!alert_emit(b->conf.alerts, &e, NULL))
		b->stats.alerts++;
}

void call_alert(struct call *c, uint32_t code, const char *const *ev,
		size_t nev)
{
	struct admit_req ar;
	struct sip_recv rx;

	memset(&ar, 0, sizeof(ar));
	memset(&rx, 0, sizeof(rx));
	ar.trunk = c->trunk;
	rx.src = c->a_srcsa;
	rx.dst = c->b->laddr;
	b2bua_alert_emit(c->b, code, &ar, c->a.dlg.callid, ev, nev,
			 c->a_invite, &rx, NULL, &c->trace);
}

/* ---- call table ---- */

struct leg *call_leg_find(struct b2bua *b, struct sip_msg *msg)
{
	struct list *l = hash_bucket(b->calls, hash_pl(&msg->callid));
	const struct sip_addr *to;
	struct le *le;

	if (sip_msg_to(msg, &to))
		return NULL;
	LIST_FOREACH(l, le)
	{
		struct leg *g = le->data;

		if (!g->dlg.callid || !pl_eq_str(&msg->callid, g->dlg.callid))
			continue;
		if (g->dlg.ltag && pl_eq_str(&to->tag, g->dlg.ltag))
			return g;
	}
	return NULL;
}

static void tx_release(struct tsx **txp)
{
	if (!*txp)
		return;
	tsx_handler_set(*txp, NULL, NULL);
	*txp = mem_deref(*txp);
}

static void call_destroy(void *arg)
{
	struct call *c = arg;

	tmr_cancel(&c->tmr_try);
	tmr_cancel(&c->tmr_ack);
	tmr_cancel(&c->tmr_retx);
	hash_unlink(&c->a.he);
	hash_unlink(&c->bl.he);
	hash_unlink(&c->he_id);
	call_media_end(c);
	invite_targets_release(c);
	xreq_flush(c);
	tx_release(&c->a.inv);
	tx_release(&c->bl.inv);
	dialog_reset(&c->a.dlg);
	dialog_reset(&c->bl.dlg);
	mem_deref(c->offer);
	mem_deref(c->offer_sdp);
	mem_deref(c->offer_rw);
	mem_deref(c->a2xx_hdrs);
	mem_deref(c->a2xx_body);
	mem_deref(c->ack_ev);
	mem_deref(c->a_invite);
	mem_deref(c->snap);
	trace_reset(&c->trace);
}

void call_end(struct call *c)
{
	struct b2bua *b;

	if (!c || c->state == CALL_ENDED)
		return;
	b = c->b;
	c->state = CALL_ENDED;
	tmr_cancel(&c->tmr_try);
	tmr_cancel(&c->tmr_ack);
	tmr_cancel(&c->tmr_retx);
	if (c->chan_held && c->trunk) {
		struct pl key;

		pl_set_str(&key, c->trunk->sid);
		(void)chan_release(b->admit.chans, &key);
		c->chan_held = false;
	}
	hash_unlink(&c->a.he);
	hash_unlink(&c->bl.he);
	hash_unlink(&c->he_id);
	call_media_end(c);
	invite_targets_release(c); /* a DNS lookup in flight: cancelled */
	xreq_flush(c);
	tx_release(&c->a.inv);
	tx_release(&c->bl.inv);
	if (b->stats.calls)
		b->stats.calls--;
	trace_reset(&c->trace);
	log_debug("call %s ended", c->id);
	mem_deref(c); /* the table's reference */
}

static void id_make(char *buf)
{
	buf[0] = 'C';
	buf[1] = 'A';
	dialog_token(buf + 2, 32);
}

int call_alloc(struct call **cp, struct b2bua *b, struct snapshot *snap,
	       struct admit_req *ar, struct tsx *st, struct sip_msg *msg,
	       const struct sip_recv *rx)
{
	char callid[40], ltag[20], luri[128], ruri[128];
	const char *tpp;
	struct call *c;
	uint32_t hc;
	int err;

	c = mem_zalloc(sizeof(*c), call_destroy);
	if (!c)
		return ENOMEM;
	c->b = b;
	id_make(c->id);
	c->snap = mem_ref(snap);
	c->trunk = ar->trunk;
	memcpy(c->called, ar->called, sizeof(c->called));
	memcpy(c->caller, ar->caller, sizeof(c->caller));
	c->offer_sdp = mem_ref(ar->sdp);
	c->offer_rw = mem_ref(ar->offer_rw);
	c->maxfwd = msg->maxfwd < 0 ? 70 : msg->maxfwd - 1;
	c->a_invite = mem_ref(msg);
	(void)sa_print(&rx->src, c->a_src, sizeof(c->a_src));
	c->a_srcsa = rx->src;
	list_init(&c->xreqs);
	trace_init(&c->trace, 0, 0);
	call_trace(c, 'A', false, &rx->src, &rx->dst, msg->raw.p, msg->raw.l);
	c->a.call = c;
	c->a.side = 'A';
	c->bl.call = c;
	c->bl.side = 'B';

	/* leg A: we are its UAS */
	err = dialog_uas_init(&c->a.dlg, msg, rx, tsx_totag(st));
	if (err)
		goto out;
	c->a.inv_cseq = msg->cseq.num;
	c->a.inv = mem_ref(st);
	dialog_token(c->token, 16);
	tpp = rx->tp == SIP_TP_TCP ? ";transport=tcp" : "";
	(void)str_join(c->contact_a, sizeof(c->contact_a), 0,
		       "<sip:", c->token, "@", b->hostport, tpp, ">", NULL);
	(void)str_join(c->rr_a, sizeof(c->rr_a), 0, "<sip:", b->hostport,
		       ";lr;b2b=", c->token, tpp, ">", NULL);

	/* leg B: our own Call-ID, tags and URIs; nothing of leg A. The
	 * Call-ID's first two hex digits carry the shard of leg A's
	 * Call-ID, so a dispatcher can send both legs to one loop. */
	hc = hash_pl(&msg->callid);
	dialog_token(callid, 30);
	callid[0] = "0123456789abcdef"[(hc >> 4) & 15];
	callid[1] = "0123456789abcdef"[hc & 15];
	dialog_token(ltag, 16);
	(void)str_join(luri, sizeof(luri), 0,
		       "<sip:", c->caller[0] ? c->caller : "anonymous", "@",
		       b->hostport, ">", NULL);
	(void)str_join(ruri, sizeof(ruri), 0, "<sip:", c->called, "@",
		       b->hostport, ">", NULL);
	c->bl.dlg.callid = mem_strdup(callid);
	c->bl.dlg.ltag = mem_strdup(ltag);
	c->bl.dlg.luri = mem_strdup(luri);
	c->bl.dlg.ruri = mem_strdup(ruri);
	if (!c->bl.dlg.callid || !c->bl.dlg.ltag || !c->bl.dlg.luri ||
	    !c->bl.dlg.ruri) {
		err = ENOMEM;
		goto out;
	}
	hash_append(b->calls, hash_pl(&msg->callid), &c->a.he, &c->a);
	hash_append(b->calls, hash_mem(callid, strlen(callid)), &c->bl.he,
		    &c->bl);
	hash_append(b->ids, hash_mem(c->id, strlen(c->id)), &c->he_id, c);
	c->chan_held = ar->chan_held;
	ar->chan_held = false; /* the call releases it now */
	b->stats.calls++;
out:
	if (err)
		mem_deref(c);
	else
		*cp = c;
	return err;
}

/* ---- sending ---- */

size_t call_hdr_append(char *buf, size_t sz, size_t n, enum sip_hdr_id id,
		       const struct pl *val)
{
	n = str_join(buf, sz, n, sip_hdr_name(id), ": ", NULL);
	n = str_append_pl(buf, sz, n, val);
	return str_append(buf, sz, n, "\r\n");
}

int call_send_request(struct call *c, struct leg *l, const char *method,
		      uint32_t cseq, const char *hdrs, const char *ctype,
		      const struct pl *body, tsx_h *h, void *arg,
		      struct tsx **ctp)
{
	char branch[TSX_BRANCH_SIZE];
	enum sip_method mid;
	struct buf *mb;
	struct pl mp;
	int err;

	mb = buf_alloc(768 + (body ? body->l : 0));
	if (!mb)
		return ENOMEM;
	tsx_branch_make(branch, sizeof(branch));
	err = dialog_request_print(mb, &l->dlg, method, cseq, c->b->hostport,
				   branch, c->maxfwd > 0 ? c->maxfwd : 70,
				   hdrs, ctype, body);
	if (!err)
		call_trace(c, l->side, true, &c->b->laddr, &l->dlg.dst,
			   (const char *)mb->data, mb->end);
	/* printed here: the transaction need not parse it again */
	pl_set_str(&mp, method);
	mid = sip_method_from_pl(&mp);
	if (!err && mid != SIP_METHOD_UNKNOWN && mid != SIP_METHOD_ACK)
		err = tsx_request_known(ctp, c->b->tsxl, mb, mid, branch,
					l->dlg.tp,
					(struct sockaddr *)&l->dlg.dst,
					l->dlg.conn, true, h, arg);
	else if (!err)
		err = tsx_request(ctp, c->b->tsxl, mb, l->dlg.tp,
				  (struct sockaddr *)&l->dlg.dst, l->dlg.conn,
				  true, h, arg);
	mem_deref(mb);
	if (err)
		log_warn("call %s: %s to leg %c not sent: %s", c->id, method,
			 l->side, strerror(err));
	return err;
}

int call_send_ack(struct call *c, struct leg *l, uint32_t cseq,
		  const char *ctype, const struct pl *body)
{
	char branch[TSX_BRANCH_SIZE];
	struct buf *mb;
	int err;

	mb = buf_alloc(512 + (body ? body->l : 0));
	if (!mb)
		return ENOMEM;
	tsx_branch_make(branch, sizeof(branch));
	err = dialog_request_print(mb, &l->dlg, "ACK", cseq, c->b->hostport,
				   branch, 70, NULL, ctype, body);
	if (!err)
		call_trace(c, l->side, true, &c->b->laddr, &l->dlg.dst,
			   (const char *)mb->data, mb->end);
	if (!err)
		err = sip_transp_send(c->b->tp, l->dlg.tp,
				      (struct sockaddr *)&l->dlg.dst,
				      l->dlg.conn, mb, NULL, NULL);
	mem_deref(mb);
	return err;
}

void call_bye(struct call *c, struct leg *l)
{
	if (!l->dlg.rtag || !l->dlg.rtarget)
		return;
	(void)call_send_request(c, l, "BYE", ++l->dlg.lcseq, NULL, NULL, NULL,
				NULL, NULL, NULL);
}

/* ---- the B2BUA object ---- */

static void b2bua_destroy(void *arg)
{
	struct b2bua *b = arg;

	if (b->calls) {
		for (uint32_t i = 0; i < 4096; i++) {
			struct list *l = hash_bucket(b->calls, i);

			while (l->head) {
				struct leg *g = l->head->data;

				call_end(g->call);
			}
		}
	}
	b->calls = mem_deref(b->calls);
	b->ids = mem_deref(b->ids);
	b->admit.digest = mem_deref(b->admit.digest);
	b->admit.cps = mem_deref(b->admit.cps);
	b->admit.chans = mem_deref(b->admit.chans);
	b->rl = mem_deref(b->rl);
	b->tsxl = mem_deref(b->tsxl);
	b->tp = mem_deref(b->tp);
	b->tl = mem_deref(b->tl);
}

int b2bua_alloc(struct b2bua **bp, struct tsx_layer *tsxl,
		struct sip_transp *tp, struct tmrl *tl,
		const struct b2bua_conf *conf)
{
	struct sockaddr_storage ss;
	char host[64];
	struct b2bua *b;
	int err;

	if (!bp || !tsxl || !tp || !tl || !conf || !conf->snap_h)
		return EINVAL;
	if (sip_transp_laddr(tp, SIP_TP_UDP, AF_UNSPEC, &ss) &&
	    sip_transp_laddr(tp, SIP_TP_TCP, AF_UNSPEC, &ss))
		return ENOENT;
	b = mem_zalloc(sizeof(*b), b2bua_destroy);
	if (!b)
		return ENOMEM;
	b->tsxl = mem_ref(tsxl);
	b->tp = mem_ref(tp);
	b->tl = mem_ref(tl);
	b->conf = *conf;
	if (conf->public_ip)
		snprintf(b->pubip, sizeof(b->pubip), "%s", conf->public_ip);
	b->conf.public_ip = b->pubip;
	b->laddr = ss;
	b->wall_base = clock_wall_s() * 1000 - (int64_t)clock_now_ms();
	if (!b->conf.ack_timeout_ms)
		b->conf.ack_timeout_ms = 32000;
	if (!b->conf.target_timeout_ms)
		b->conf.target_timeout_ms = 4000;
	if (b->pubip[0]) {
		bool v6 = strchr(b->pubip, ':') != NULL;

		snprintf(b->hostport, sizeof(b->hostport), "%s%s%s:%u",
			 v6 ? "[" : "", b->pubip, v6 ? "]" : "", sa_port(&ss));
	} else if (sa_print(&ss, b->hostport, sizeof(b->hostport))) {
		err = EINVAL;
		goto out;
	}
	(void)host;
	err = hash_alloc(&b->calls, 4096);
	err = err ? err : hash_alloc(&b->ids, 4096);
	err = err ? err : digest_ctx_alloc(&b->admit.digest, NULL, 0, 0, 0);
	err = err ? err : cps_table_alloc(&b->admit.cps);
	err = err ? err : chan_table_alloc(&b->admit.chans);
	err = err ? err : alert_ratelimit_alloc(&b->rl, 10000, 1024, 20);
out:
	if (err)
		mem_deref(b);
	else
		*bp = b;
	return err;
}

bool b2bua_request(struct b2bua *b, struct tsx *st, struct sip_msg *msg,
		   const struct sip_recv *rx)
{
	const struct sip_addr *to;
	struct leg *l;

	if (!b || !st || !msg)
		return false;
	if (sip_msg_to(msg, &to))
		return false;
	if (!pl_isset(&to->tag)) {
		switch (msg->method) {
		case SIP_METHOD_INVITE:
			invite_new(b, st, msg, rx);
			return true;
		case SIP_METHOD_BYE:
		case SIP_METHOD_PRACK:
		case SIP_METHOD_UPDATE:
		case SIP_METHOD_INFO:
			(void)tsx_reply(st, 481, NULL, NULL, NULL, NULL);
			return true;
		default:
			return false;
		}
	}
	l = call_leg_find(b, msg);
	if (!l || l->call->state == CALL_ENDED) {
		(void)tsx_reply(st, 481, NULL, NULL, NULL, NULL);
		return true;
	}
	mem_ref(l->call);
	call_trace_rx(l->call, l, msg, rx);
	indialog_request(l, st, msg, rx);
	mem_deref(l->call);
	return true;
}

void b2bua_ack(struct b2bua *b, struct sip_msg *msg, const struct sip_recv *rx)
{
	struct leg *l;

	if (!b || !msg)
		return;
	l = call_leg_find(b, msg);
	if (!l)
		return;
	mem_ref(l->call);
	call_trace_rx(l->call, l, msg, rx);
	indialog_ack(l, msg, rx);
	mem_deref(l->call);
}

void b2bua_stats_get(const struct b2bua *b, struct b2bua_stats *st)
{
	if (b && st)
		*st = b->stats;
}
