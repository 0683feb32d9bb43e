/* Initial INVITE: admission, the carrier leg, failover across targets,
 * provisional and final responses relayed to the PBX, CANCEL. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b2bua/b2bua_int.h"
#include "net/rand.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "base/str.h"

void indialog_ack_wait(struct call *c);

/* ---- rejection at admission ---- */

static void admit_answer(struct b2bua *b, struct tsx *st, struct sip_msg *msg,
			 const struct sip_recv *rx, enum admit_verdict v,
			 struct admit_req *ar)
{
	const char *ev[ADMIT_MAX_EVIDENCE];
	struct buf *hb = NULL;

	for (unsigned i = 0; i < ar->nevidence; i++)
		ev[i] = ar->evidence[i];
	switch (v) {
	case ADMIT_DROP:
		b->stats.dropped++;
		/* no answer at all, not even 100 Trying; the transaction
		 * ends now so a flood holds no memory. Alert at most once
		 * per source address and interval. */
		(void)tsx_drop(st);
		if (alert_ratelimit_allow(b->rl, &rx->src, sizeof(rx->src),
					  clock_now_ms()))
			b2bua_alert_emit(b, ar->alert, ar, NULL, ev,
					 ar->nevidence, msg, rx, NULL, NULL);
		break;
	case ADMIT_CHALLENGE:
		b->stats.challenged++;
		hb = buf_alloc(512);
		if (!hb || admit_challenge_print(&b->admit, hb, ar->stale) ||
		    buf_write_u8(hb, 0)) {
			(void)tsx_reply(st, 500, NULL, NULL, NULL, NULL);
			break;
		}
		(void)tsx_reply(st, 407, NULL, (const char *)hb->data, NULL,
				NULL);
		break;
	default:
		b->stats.rejected++;
		if (tsx_reply_print(&hb, st, ar->scode, ar->reason, NULL, NULL,
				    NULL) ||
		    tsx_reply_buf(st, ar->scode, hb))
			(void)tsx_reply(st, ar->scode, ar->reason, NULL, NULL,
					NULL);
		log_info("INVITE %.*s from %s: %u %s (alert %u)",
			 PL_ARG(&msg->ruri_raw), "PBX", ar->scode,
			 ar->reason ? ar->reason : "", ar->alert);
		b2bua_alert_emit(b, ar->alert, ar, NULL, ev, ar->nevidence,
				 msg, rx, hb, NULL);
		break;
	}
	mem_deref(hb);
}

/* ---- carrier targets ---- */

/* Order the policy's enabled targets: priority ascending, and among
 * equal priorities a weighted random order (weight-proportional pick
 * without replacement). */
static void targets_pick(struct call *c)
{
	const struct snap_policy *p = c->trunk ? c->trunk->policy : NULL;
	size_t i = 0;

	c->ntgts = 0;
	if (!p)
		return;
	while (i < p->ntargets && c->ntgts < B2BUA_MAX_TARGETS) {
		const struct snap_target *grp[B2BUA_MAX_TARGETS];
		size_t n = 0, j = i;
		int prio = p->targets[i].priority;

		for (; j < p->ntargets && p->targets[j].priority == prio; j++)
			if (p->targets[j].enabled && n < B2BUA_MAX_TARGETS)
				grp[n++] = &p->targets[j];
		i = j;
		while (n && c->ntgts < B2BUA_MAX_TARGETS) {
			uint64_t total = 0, pick;
			uint32_t rnd = net_rand_u32();
			size_t k;

			for (k = 0; k < n; k++)
				total += (uint64_t)(grp[k]->weight > 0
							    ? grp[k]->weight
							    : 0) +
					 1;
			pick = rnd % total;
			for (k = 0; k < n - 1; k++) {
				uint64_t w =
					(uint64_t)(grp[k]->weight > 0
							   ? grp[k]->weight
							   : 0) +
					1;
				if (pick < w)
					break;
				pick -= w;
			}
			c->tgts[c->ntgts++].uri = grp[k]->target;
			grp[k] = grp[--n];
		}
	}
}

static void b_inv_h(struct tsx *tx, const struct tsx_event *ev, void *arg);
static int carrier_send(struct call *c);

static void a_final(struct call *c, uint16_t scode, const char *reason)
{
	if (c->a.inv)
		(void)call_reply(c, &c->a, c->a.inv, scode, reason, NULL, NULL,
				 NULL);
	call_end(c);
}

/* Give up on the current target (its transaction runs on without us). */
static void target_abandon(struct call *c)
{
	tmr_cancel(&c->tmr_try);
	if (c->bl.inv) {
		if (c->b_provisional)
			(void)tsx_cancel(c->bl.inv);
		tsx_handler_set(c->bl.inv, NULL, NULL);
		c->bl.inv = mem_deref(c->bl.inv);
	}
	c->b_provisional = false;
}

/* The targets after the current one, until one starts; when none is
 * left, the final answer to the PBX: the last carrier's final response,
 * else scode (reason: NULL for the default phrase). */
static void targets_continue(struct call *c, uint16_t scode, const char *why,
			     const char *reason)
{
	while (++c->cur < c->ntgts) {
		c->b->stats.failovers++;
		log_info("call %s: target failed (%u %s), next: %s", c->id,
			 scode, why, c->tgts[c->cur].uri);
		if (!invite_carrier_start(c))
			return;
	}
	if (c->last_scode >= 300)
		a_final(c, c->last_scode,
			c->last_reason[0] ? c->last_reason : NULL);
	else
		a_final(c, scode, reason);
}

/* After a failure of the current attempt: the next address of the
 * target, else the next target, else the final answer to the PBX. */
static void target_next(struct call *c, uint16_t scode, const char *why)
{
	target_abandon(c);
	if (c->state == CALL_CANCELLING) {
		call_end(c);
		return;
	}
	while (c->acur + 1 < c->naddrs) {
		char a[SA_STRLEN];

		c->acur++;
		c->b->stats.failovers++;
		log_info("call %s: target failed (%u %s), next address of "
			 "%s: %s",
			 c->id, scode, why, c->tgts[c->cur].uri,
			 sa_str(&c->addrs[c->acur].addr, a, sizeof(a)));
		if (!carrier_send(c))
			return;
	}
	targets_continue(c, scode, why, NULL);
}

static void on_try_timeout(void *arg)
{
	struct call *c = arg;

	mem_ref(c);
	if (c->state == CALL_CANCELLING)
		call_end(c);
	else if (!c->b_provisional)
		target_next(c, 408, "no response");
	mem_deref(c);
}

/* Send the INVITE to the current address of the current target. */
static int carrier_send(struct call *c)
{
	struct sockaddr_storage dst;
	enum sip_transport tp;
	char hostport[280], rtarget[360], ruri[360], hdrs[512];
	const char *tpp;
	struct pl body;
	size_t n = 0;
	int err;

	if (c->acur >= c->naddrs)
		return ENOENT;
	dst = c->addrs[c->acur].addr;
	tp = c->addrs[c->acur].tp;
	tpp = tp == SIP_TP_TCP ? ";transport=tcp" : "";
	if (c->tgt_host) /* a name: the Request-URI keeps it */
		(void)str_append(hostport, sizeof(hostport), 0, c->tgt_host);
	else if (sa_print(&dst, hostport, sizeof(hostport)))
		return EINVAL;
	(void)str_join(rtarget, sizeof(rtarget), 0, "sip:", c->called, "@",
		       hostport, tpp, NULL);
	(void)str_join(ruri, sizeof(ruri), 0, "<sip:", c->called, "@",
		       hostport, ">", NULL);
	mem_deref(c->bl.dlg.rtarget);
	mem_deref(c->bl.dlg.ruri);
	mem_deref(c->bl.dlg.rtag);
	mem_deref(c->bl.dlg.routes);
	c->bl.dlg.rtag = NULL;
	c->bl.dlg.routes = NULL;
	c->bl.dlg.rtarget = mem_strdup(rtarget);
	c->bl.dlg.ruri = mem_strdup(ruri);
	if (!c->bl.dlg.rtarget || !c->bl.dlg.ruri)
		return ENOMEM;
	c->bl.dlg.dst = dst;
	c->bl.dlg.tp = tp;
	c->bl.dlg.conn = mem_deref(c->bl.dlg.conn);
	c->bl.inv_cseq = ++c->bl.dlg.lcseq;

	n = str_join(hdrs, sizeof(hdrs), n, "Contact: <sip:", c->token, "@",
		     c->b->hostport, tpp, ">\r\n", NULL);
	/* what the carrier needs of the PBX's request: options, identity */
	if (c->a_invite) {
		static const enum sip_hdr_id pass[] = {
			SIP_HDR_SUPPORTED,	 SIP_HDR_REQUIRE,
			SIP_HDR_ALLOW,		 SIP_HDR_PRIVACY,
			SIP_HDR_SESSION_EXPIRES, SIP_HDR_MIN_SE};

		for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
			const struct sip_hdr *h;

			for (h = sip_msg_hdr(c->a_invite, pass[i]);
			     h && n < sizeof(hdrs) - 1;
			     h = sip_msg_hdr_next(c->a_invite, h))
				n = call_hdr_append(hdrs, sizeof(hdrs), n,
						    pass[i], &h->val);
		}
	}
	if (n >= sizeof(hdrs))
		return EMSGSIZE;
	body = buf_pl(c->offer);
	err = call_send_request(c, &c->bl, "INVITE", c->bl.inv_cseq, hdrs,
				"application/sdp", &body, b_inv_h, c,
				&c->bl.inv);
	if (err)
		return err;
	c->b_provisional = false;
	(void)tmr_start(c->b->tl, &c->tmr_try, c->b->conf.target_timeout_ms,
			on_try_timeout, c);
	return 0;
}

/* The addresses of the current target from the current one on, until
 * an INVITE goes out. */
static int addr_try(struct call *c)
{
	for (; c->acur < c->naddrs; c->acur++)
		if (!carrier_send(c))
			return 0;
	return EHOSTUNREACH;
}

void invite_targets_release(struct call *c)
{
	c->dnsq = mem_deref(c->dnsq);
	c->addrs = mem_deref(c->addrs);
	c->tgt_host = mem_deref(c->tgt_host);
	c->naddrs = c->acur = 0;
}

static int addrs_set(struct call *c, const struct dns_sip_target *v, size_t n)
{
	c->addrs = mem_alloc(n * sizeof(*v), NULL);
	if (!c->addrs)
		return ENOMEM;
	memcpy(c->addrs, v, n * sizeof(*v));
	c->naddrs = (unsigned)n;
	c->acur = 0;
	return 0;
}

/* The current target's name resolved (RFC 3263): try its addresses in
 * order; a name that does not resolve is skipped like a failed target. */
static void dns_done(int err, const struct dns_sip_target *v, size_t n,
		     void *arg)
{
	struct call *c = arg;
	const char *uri = c->tgts[c->cur].uri;
	char a[SA_STRLEN];

	mem_ref(c);
	c->dnsq = mem_deref(c->dnsq);
	if (c->state != CALL_TRYING) { /* cancelled meanwhile */
		call_end(c);
		goto out;
	}
	if (!err)
		err = addrs_set(c, v, n);
	if (err) {
		log_warn("call %s: carrier target %s does not resolve: %s",
			 c->id, uri, strerror(err));
		targets_continue(c, 503, "does not resolve",
				 "No carrier available");
		goto out;
	}
	log_info("call %s: carrier target %s: %zu address(es), first %s%s",
		 c->id, uri, n, sa_str(&v[0].addr, a, sizeof(a)),
		 v[0].tp == SIP_TP_TCP ? " (tcp)" : "");
	if (addr_try(c))
		targets_continue(c, 503, "not sent", "No carrier available");
out:
	mem_deref(c);
}

/* Start the current target: the sandbox or an IP literal at once; a
 * name through DNS (dns_done() goes on). Returns 0 when an INVITE went
 * out or a lookup started, else an errno (the target is unusable). */
int invite_carrier_start(struct call *c)
{
	struct dns_sip_target one;
	struct dns_sip_req req;
	struct sip_uri u;
	struct pl pl, tp, h;
	char host[256], hp[264];
	const char *uri;
	int err;

	if (c->cur >= c->ntgts)
		return ENOENT;
	uri = c->tgts[c->cur].uri;
	invite_targets_release(c);
	memset(&one, 0, sizeof(one));
	one.tp = SIP_TP_UDP;
	if (!strncmp(uri, SNAPSHOT_SANDBOX_TARGET,
		     strlen(SNAPSHOT_SANDBOX_TARGET))) {
		if (!c->b->conf.sandbox.ss_family)
			return ENOENT;
		one.addr = c->b->conf.sandbox;
		err = addrs_set(c, &one, 1);
		return err ? err : addr_try(c);
	}
	memset(&req, 0, sizeof(req));
	pl_set_str(&pl, uri);
	err = sip_uri_decode(&u, &pl) ? EINVAL : 0;
	if (!err && u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS)
		err = EINVAL;
	if (!err && sip_uri_param(&u, "transport", &tp)) {
		if (pl_caseeq_str(&tp, "tcp"))
			req.tp = SIP_TP_TCP;
		else if (pl_caseeq_str(&tp, "udp"))
			req.tp = SIP_TP_UDP;
		else
			err = EPROTONOSUPPORT;
	}
	h = u.host;
	if (!err && u.host_is_ipv6 && h.l >= 2) {
		h.p++;
		h.l -= 2;
	}
	if (!err && pl_strcpy(&h, host, sizeof(host)))
		err = EINVAL;
	if (!err && u.scheme == SIP_URI_SIPS)
		err = EPROTONOSUPPORT; /* TLS: not in the transport yet */
	if (!err && !sa_set(&one.addr, &h, u.port ? u.port : 5060)) {
		/* an IP literal */
		if (req.tp == SIP_TP_TCP)
			one.tp = SIP_TP_TCP;
		err = addrs_set(c, &one, 1);
		return err ? err : addr_try(c);
	}
	if (!err && !c->b->conf.dns)
		err = EHOSTUNREACH; /* a name, and no resolver */
	if (err) {
		log_warn("call %s: carrier target %s unusable: %s", c->id, uri,
			 strerror(err));
		return err;
	}
	/* a name (RFC 3263): the Request-URI keeps host[:port] */
	if (u.port)
		snprintf(hp, sizeof(hp), "%s:%u", host, u.port);
	else
		snprintf(hp, sizeof(hp), "%s", host);
	c->tgt_host = mem_strdup(hp);
	if (!c->tgt_host)
		return ENOMEM;
	req.host = host;
	req.port = u.port;
	err = dns_sip_resolve(&c->dnsq, c->b->conf.dns, &req, dns_done, c);
	if (err) {
		log_warn("call %s: carrier target %s unusable: %s", c->id, uri,
			 strerror(err));
		return err;
	}
	return 0;
}

/* Headers of a response relayed to the PBX: our Contact and
 * Record-Route, and the reliability headers of a provisional. */
static int a_hdrs(struct call *c, struct sip_msg *resp, char *buf, size_t sz)
{
	const struct sip_hdr *h;
	size_t n;

	n = str_join(buf, sz, 0, "Contact: ", c->contact_a,
		     "\r\nRecord-Route: ", c->rr_a, "\r\n", NULL);
	static const enum sip_hdr_id pass[] = {
		SIP_HDR_RSEQ, SIP_HDR_REQUIRE, SIP_HDR_SUPPORTED,
		SIP_HDR_ALLOW, SIP_HDR_SESSION_EXPIRES};
	for (size_t i = 0; resp && i < sizeof(pass) / sizeof(pass[0]); i++)
		for (h = sip_msg_hdr(resp, pass[i]); h && n < sz;
		     h = sip_msg_hdr_next(resp, h))
			n = call_hdr_append(buf, sz, n, pass[i], &h->val);
	return n < sz ? 0 : EMSGSIZE;
}

static const char *ctype_of(struct sip_msg *msg, char *buf, size_t sz)
{
	if (!msg->body.l || !msg->h_ctype)
		return NULL;
	(void)str_append_pl(buf, sz, 0, &msg->h_ctype->val);
	return buf;
}

static void retx_2xx(void *arg)
{
	struct call *c = arg;
	struct pl body;

	if (c->state != CALL_ANSWERED || !c->a.inv)
		return;
	body = c->a2xx_body ? buf_pl(c->a2xx_body) : (struct pl)PL_INIT;
	(void)tsx_reply(c->a.inv, 200, NULL, c->a2xx_hdrs,
			body.l ? "application/sdp" : NULL, &body);
	c->retx_ms = c->retx_ms * 2 > 4000 ? 4000 : c->retx_ms * 2;
	(void)tmr_start(c->b->tl, &c->tmr_retx, c->retx_ms, retx_2xx, c);
}

static void b_answered(struct call *c, struct sip_msg *resp)
{
	char hdrs[1024], ct[128];
	struct buf *tmp = NULL;
	const char *ctype;
	struct pl body;
	int err;

	tmr_cancel(&c->tmr_try);
	err = dialog_uac_confirm(&c->bl.dlg, resp);
	if (!err)
		err = call_send_ack(c, &c->bl, c->bl.inv_cseq, NULL, NULL);
	if (err)
		log_warn("call %s: ACK to the carrier failed: %s", c->id,
			 strerror(err));
	if (c->bl.confirmed) /* a 2xx retransmission: ACK sent again */
		return;
	c->bl.confirmed = true;
	if (c->state == CALL_CANCELLING || !c->a.inv) {
		call_bye(c, &c->bl);
		call_end(c);
		return;
	}
	if (a_hdrs(c, resp, hdrs, sizeof(hdrs))) {
		call_bye(c, &c->bl);
		a_final(c, 500, NULL);
		return;
	}
	ctype = ctype_of(resp, ct, sizeof(ct));
	c->a2xx_hdrs = mem_strdup(hdrs);
	(void)call_body_cross(c, &c->bl, resp, &body, &tmp);
	if (body.l) {
		c->a2xx_body = buf_alloc(body.l);
		if (c->a2xx_body)
			(void)buf_write_pl(c->a2xx_body, &body);
	}
	if (c->media)
		relay_call_answered(c->media);
	err = call_reply(c, &c->a, c->a.inv, 200, NULL, hdrs,
			 body.l ? ctype : NULL, &body);
	mem_deref(tmp);
	if (err) {
		log_warn("call %s: 200 to the PBX failed: %s", c->id,
			 strerror(err));
	}
	c->state = CALL_ANSWERED;
	c->a.confirmed = true;
	c->b->stats.answered++;
	c->retx_ms = 500;
	(void)tmr_start(c->b->tl, &c->tmr_retx, c->retx_ms, retx_2xx, c);
	indialog_ack_wait(c);
}

static void b_response(struct call *c, struct sip_msg *resp)
{
	uint16_t sc = resp->scode;
	char hdrs[1024], ct[128];
	struct buf *tmp = NULL;
	struct pl body;

	if (sc < 200) {
		const struct sip_addr *to;

		if (sc == 100)
			return;
		c->b_provisional = true;
		tmr_cancel(&c->tmr_try);
		/* early dialog: the carrier's tag and target (PRACK,
		 * UPDATE before answer) */
		if (!sip_msg_to(resp, &to) && pl_isset(&to->tag))
			(void)dialog_uac_confirm(&c->bl.dlg, resp);
		if (c->state == CALL_CANCELLING || !c->a.inv) {
			if (c->state == CALL_CANCELLING)
				(void)tsx_cancel(c->bl.inv);
			return;
		}
		if (a_hdrs(c, resp, hdrs, sizeof(hdrs)))
			return;
		(void)call_body_cross(c, &c->bl, resp, &body, &tmp);
		(void)call_reply(
			c, &c->a, c->a.inv, sc, NULL, hdrs,
			body.l ? ctype_of(resp, ct, sizeof(ct)) : NULL, &body);
		mem_deref(tmp);
		c->state = CALL_EARLY;
		return;
	}
	if (sc < 300) {
		b_answered(c, resp);
		return;
	}
	c->last_scode = sc;
	(void)str_append_pl(c->last_reason, sizeof(c->last_reason), 0,
			    &resp->reason);
	if (c->state == CALL_CANCELLING) {
		call_end(c);
		return;
	}
	if (sc == 408 || (sc >= 500 && sc < 600)) {
		target_next(c, sc, c->last_reason);
		return;
	}
	/* 4xx/6xx other than 408: final, relayed */
	target_abandon(c);
	a_final(c, sc, c->last_reason[0] ? c->last_reason : NULL);
}

static void b_inv_h(struct tsx *tx, const struct tsx_event *ev, void *arg)
{
	struct call *c = arg;

	if (!c || tx != c->bl.inv)
		return;
	mem_ref(c);
	switch (ev->type) {
	case TSX_EV_RESPONSE:
		call_trace_rx(c, &c->bl, ev->msg, NULL);
		if (c->state != CALL_ENDED)
			b_response(c, ev->msg);
		break;
	case TSX_EV_TIMEOUT:
	case TSX_EV_TRANSPORT_ERROR:
		if (c->state == CALL_CANCELLING)
			call_end(c);
		else if (c->state == CALL_TRYING || c->state == CALL_EARLY)
			target_next(c, ev->scode,
				    ev->type == TSX_EV_TIMEOUT
					    ? "timeout"
					    : "transport error");
		break;
	case TSX_EV_TERMINATED:
		tsx_handler_set(tx, NULL, NULL);
		c->bl.inv = mem_deref(c->bl.inv);
		if (c->state == CALL_CANCELLING)
			call_end(c);
		break;
	default:
		break;
	}
	mem_deref(c);
}

static void a_inv_h(struct tsx *tx, const struct tsx_event *ev, void *arg)
{
	struct call *c = arg;

	if (!c || tx != c->a.inv)
		return;
	mem_ref(c);
	switch (ev->type) {
	case TSX_EV_CANCEL:
		call_trace_rx(c, &c->a, ev->msg, tsx_recv_info(tx));
		if (c->state == CALL_TRYING || c->state == CALL_EARLY) {
			(void)call_reply(c, &c->a, c->a.inv, 487, NULL, NULL,
					 NULL, NULL);
			c->state = CALL_CANCELLING;
			if (c->bl.inv) {
				(void)tsx_cancel(c->bl.inv);
				/* wait for the carrier's final answer */
				(void)tmr_start(c->b->tl, &c->tmr_try,
						c->b->conf.target_timeout_ms,
						on_try_timeout, c);
			} else {
				call_end(c);
			}
		}
		break;
	case TSX_EV_TERMINATED:
		tsx_handler_set(tx, NULL, NULL);
		c->a.inv = mem_deref(c->a.inv);
		tmr_cancel(&c->tmr_retx);
		break;
	default:
		break;
	}
	mem_deref(c);
}

/* ---- a new call ---- */

void invite_new(struct b2bua *b, struct tsx *st, struct sip_msg *msg,
		const struct sip_recv *rx)
{
	struct snapshot *snap;
	struct admit_req ar;
	enum admit_verdict v;
	struct call *c = NULL;
	int err;

	b->stats.invites++;
	snap = b->conf.snap_h(b->conf.snap_arg);
	if (!snap) {
		(void)tsx_reply(st, 503, NULL, NULL, NULL, NULL);
		return;
	}
	memset(&ar, 0, sizeof(ar));
	ar.msg = msg;
	ar.rx = rx;
	ar.snap = snap;
	v = admit_run(&b->admit, &ar);
	if (v != ADMIT_NEXT) {
		admit_answer(b, st, msg, rx, v, &ar);
		goto out;
	}
	b->stats.admitted++;
	err = call_alloc(&c, b, snap, &ar, st, msg, rx);
	if (err) {
		(void)tsx_reply(st, 500, NULL, NULL, NULL, NULL);
		goto out;
	}
	tsx_handler_set(st, a_inv_h, c);
	err = call_media_start(c);
	if (err) {
		log_warn("call %s: no media relay: %s", c->id, strerror(err));
		mem_ref(c);
		if (err == ENOSPC)
			a_final(c, 503, "No media ports");
		else
			a_final(c, err == EBADMSG ? 488 : 500, NULL);
		mem_deref(c);
		goto out;
	}
	{
		char l1[320], l2[120];
		const char *ev[2] = {l1, l2};

		if (contact_unroutable(msg, &rx->src, l1, sizeof(l1))) {
			/* reach the PBX where it really is (NAT) */
			if (!c->a.dlg.routes)
				c->a.dlg.dst = rx->src;
			snprintf(l2, sizeof(l2),
				 "In-dialog requests go to %s instead",
				 c->a.dlg.routes ? "the first Record-Route"
						 : c->a_src);
			log_info("call %s: unroutable Contact (32105)", c->id);
			call_alert(c, 32105, ev, 2);
		}
	}
	targets_pick(c);
	log_info("call %s: %s -> %s (trunk %s), %u target(s)", c->id,
		 c->caller[0] ? c->caller : "?", c->called, c->trunk->sid,
		 c->ntgts);
	mem_ref(c);
	for (; c->cur < c->ntgts; c->cur++)
		if (!invite_carrier_start(c))
			break;
	if (c->cur >= c->ntgts)
		a_final(c, 503, "No carrier available");
	mem_deref(c);
out:
	admit_req_release(&b->admit, &ar, false);
	mem_deref(snap);
}
