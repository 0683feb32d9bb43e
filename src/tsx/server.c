/* Server transactions: INVITE (RFC 3261 §17.2.1, RFC 6026 Accepted) and
 * non-INVITE (§17.2.2), matching (§17.2.3) and CANCEL (§9.2). */
#include <errno.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "net/rand.h"
#include "tsx/tsx_int.h"

static uint32_t key_2543(const struct sip_msg *msg)
{
	return hash_pl(&msg->callid);
}

static void on_deferred_err(void *arg)
{
	struct tsx *tx = arg;

	tsx_transport_err(tx->deferred_err, tx);
}

/* A synchronous send failure: tell the TU from the loop, not from inside
 * its own call. */
void tsx_fail_later(struct tsx *tx, int err)
{
	if (!tx->tl)
		return;
	tmr_cancel(&tx->tmr_retx);
	tx->deferred_err = err;
	(void)tmr_start(tx->tl->tmrl, &tx->tmr_to, 0, on_deferred_err, tx);
}

void tsx_transport_err(int err, void *arg)
{
	struct tsx *tx = arg;

	if (!tx->tl || tx->state == TSX_TERMINATED)
		return;
	tx->tl->st.transport_errors++;
	log_info("tsx: transport error on %s transaction: %s",
		 sip_method_name(tx->method), strerror(err));
	mem_ref(tx);
	tsx_event_raise(tx, TSX_EV_TRANSPORT_ERROR, NULL, 503, err);
	tsx_terminate(tx);
	mem_deref(tx);
}

static int send_resp(struct tsx *st)
{
	return sip_transp_send_response(st->tl->tp, &st->u.s.rx, &st->u.s.via,
					st->u.s.resp, tsx_transport_err, st);
}

static void resend(struct tsx *st)
{
	int err;

	if (!st->u.s.resp)
		return;
	st->tl->st.responses_resent++;
	err = send_resp(st);
	if (err)
		tsx_fail_later(st, err);
}

static void on_trying(void *arg)
{
	struct tsx *st = arg;

	if (st->state == TSX_PROCEEDING && !st->scode)
		(void)tsx_reply(st, 100, NULL, NULL, NULL, NULL);
}

int tsx_server_new(struct tsx **stp, struct tsx_layer *tl, struct sip_msg *msg,
		   const struct sip_recv *rx)
{
	const struct sip_via *via;
	const struct sip_addr *to;
	struct tsx *st = NULL;
	int err;

	err = sip_msg_via(msg, &via);
	if (err)
		return err;
	err = tsx_alloc(&st, tl,
			msg->method == SIP_METHOD_INVITE ? TSX_IST : TSX_NIST,
			msg->method, msg);
	if (err)
		return err;
	st->u.s.rx = *rx;
	mem_ref(st->u.s.rx.conn);
	st->reliable = rx->tp != SIP_TP_UDP;
	st->u.s.via = *via;
	st->branch = via->branch;
	st->rfc2543 = !sip_via_branch_is_rfc3261(via);
	st->key = st->rfc2543 ? key_2543(msg) : tsx_key_branch(&via->branch);
	if (!sip_msg_to(msg, &to) && pl_isset(&to->tag)) {
		st->u.s.totag = pl_strdup(&to->tag);
	} else {
		st->u.s.totag = mem_zalloc(17, NULL);
		if (st->u.s.totag)
			net_rand_token(st->u.s.totag, 17);
	}
	if (!st->u.s.totag || tsx_link(st)) {
		mem_deref(st);
		return ENOMEM;
	}
	tl->st.server_created++;
	/* With trying_ms 0 the layer sends 100 Trying right after the TU's
	 * request handler returns (tsx_server_trying), so a request the TU
	 * drops is never answered at all. */
	if (st->kind == TSX_IST && tl->cfg.trying_ms)
		(void)tmr_start(tl->tmrl, &st->tmr_retx, tl->cfg.trying_ms,
				on_trying, st);
	*stp = st;
	return 0;
}

void tsx_server_trying(struct tsx *st)
{
	if (st->kind == TSX_IST && st->state == TSX_PROCEEDING && !st->scode &&
	    st->tl && !st->tl->cfg.trying_ms)
		(void)tsx_reply(st, 100, NULL, NULL, NULL, NULL);
}

int tsx_drop(struct tsx *st)
{
	if (!st || !tsx_is_server(st))
		return EINVAL;
	if (st->state == TSX_TERMINATED)
		return ESHUTDOWN;
	if (st->scode)
		return EPROTO;
	if (st->tl)
		st->tl->st.dropped++;
	tsx_terminate(st);
	return 0;
}

static void on_timeout(void *arg);

static bool sentby_eq(const struct sip_via *a, const struct sip_via *b)
{
	return pl_caseeq(&a->host, &b->host) && a->port == b->port;
}

static bool method_eq(const struct tsx *st, const struct sip_msg *msg)
{
	if (st->method != msg->method)
		return false;
	if (msg->method == SIP_METHOD_UNKNOWN)
		return pl_eq(&st->req->method_name, &msg->method_name);
	return true;
}

static bool tag_eq(struct sip_msg *a, struct sip_msg *b, bool from)
{
	const struct sip_addr *x, *y;

	if (from ? sip_msg_from(a, &x) : sip_msg_to(a, &x))
		return false;
	if (from ? sip_msg_from(b, &y) : sip_msg_to(b, &y))
		return false;
	return pl_eq(&x->tag, &y->tag);
}

/* RFC 2543 matching (§17.2.3 last paragraphs, §9.2 for CANCEL). */
static bool match_2543(struct tsx *st, struct sip_msg *msg, bool cancel)
{
	const struct sip_msg *r = st->req;
	bool ack = msg->method == SIP_METHOD_ACK;

	/* retransmissions and CANCEL copy the Request-URI: compare it as
	 * written (sip_uri_cmp() trips UBSan on empty URI parts in
	 * src/sip/uri.c unesc_eq(), reported to its owner) */
	if (!pl_eq(&r->ruri_raw, &msg->ruri_raw))
		return false;
	if (!pl_eq(&r->callid, &msg->callid) || r->cseq.num != msg->cseq.num)
		return false;
	if (!r->h_via || !msg->h_via ||
	    !pl_eq(&r->h_via->val, &msg->h_via->val))
		return false;
	if (!tag_eq(st->req, msg, true))
		return false;
	if (ack && !cancel) {
		const struct sip_addr *to;

		if (sip_msg_to(msg, &to) ||
		    !pl_eq_str(&to->tag, st->u.s.totag))
			return false;
	} else if (!tag_eq(st->req, msg, false)) {
		return false;
	}
	return true;
}

struct tsx *tsx_server_match(struct tsx_layer *tl, struct sip_msg *msg,
			     bool cancel)
{
	const struct sip_via *via;
	size_t pos = TSX_TABLE_START;
	struct tsx *st;
	bool rfc3261;
	uint32_t key;

	if (sip_msg_via(msg, &via))
		return NULL;
	rfc3261 = sip_via_branch_is_rfc3261(via);
	key = rfc3261 ? tsx_key_branch(&via->branch) : key_2543(msg);
	/* the table compares keys: only a transaction whose key matches is
	 * read */
	while ((st = tsx_table_next(&tl->tab, key, &pos))) {
		if (!tsx_is_server(st))
			continue;
		if (st->rfc2543 == rfc3261)
			continue;
		/* the method: CANCEL looks for its INVITE; ACK belongs to
		 * the INVITE transaction; else the same method */
		if (cancel || msg->method == SIP_METHOD_ACK) {
			if (st->kind != TSX_IST)
				continue;
		} else if (!method_eq(st, msg)) {
			continue;
		}
		if (rfc3261) {
			if (pl_eq(&st->branch, &via->branch) &&
			    sentby_eq(&st->u.s.via, via))
				return st;
		} else if (match_2543(st, msg, cancel)) {
			return st;
		}
	}
	return NULL;
}

void tsx_server_recv(struct tsx *st, struct sip_msg *msg,
		     const struct sip_recv *rx)
{
	struct tsx_layer *tl = st->tl;

	if (msg->method == SIP_METHOD_ACK) {
		switch (st->state) {
		case TSX_COMPLETED:
			/* ACK for our non-2xx final */
			st->state = TSX_CONFIRMED;
			tmr_cancel(&st->tmr_retx);
			tmr_cancel(&st->tmr_to);
			(void)tmr_start(tl->tmrl, &st->tmr_to,
					st->reliable ? 0 : tl->cfg.t4,
					on_timeout, st); /* Timer I */
			break;
		case TSX_ACCEPTED:
			/* an ACK for the 2xx that matched us (RFC 2543
			 * peer): the TU's (RFC 6026 §7.1) */
			if (tl->tu.ack_h)
				tl->tu.ack_h(msg, rx, tl->arg);
			break;
		default:
			tl->st.retransmissions_absorbed++;
			break;
		}
		return;
	}
	switch (st->state) {
	case TSX_PROCEEDING:
	case TSX_COMPLETED:
		/* §17.2.1, §17.2.2: resend the last response */
		tl->st.retransmissions_absorbed++;
		resend(st);
		break;
	default:
		/* Trying (no response yet), Confirmed, Accepted */
		tl->st.retransmissions_absorbed++;
		break;
	}
}

static void on_retx(void *arg)
{
	struct tsx *st = arg;
	struct tsx_layer *tl = st->tl;

	if (st->state != TSX_COMPLETED)
		return;
	/* Timer G */
	st->nretx++;
	tl->st.retransmissions_sent++;
	st->retx_ival = st->retx_ival * 2 < tl->cfg.t2 ? st->retx_ival * 2
						       : tl->cfg.t2;
	(void)tmr_start(tl->tmrl, &st->tmr_retx, st->retx_ival, on_retx, st);
	if (send_resp(st))
		tsx_fail_later(st, EIO);
}

static void on_timeout(void *arg)
{
	struct tsx *st = arg;

	if (st->kind == TSX_IST && st->state == TSX_COMPLETED) {
		/* Timer H: no ACK */
		st->tl->st.timeouts++;
		mem_ref(st);
		tsx_event_raise(st, TSX_EV_TIMEOUT, NULL, 408, ETIMEDOUT);
		tsx_terminate(st);
		mem_deref(st);
		return;
	}
	/* Timers I (IST Confirmed), J (NIST Completed), L (IST Accepted) */
	tsx_terminate(st);
}

int tsx_reply_buf(struct tsx *st, uint16_t scode, struct buf *mb)
{
	struct tsx_layer *tl;
	uint32_t t64;
	int err;

	if (!st || !mb || scode < 100 || scode > 699 || !tsx_is_server(st))
		return EINVAL;
	tl = st->tl;
	if (!tl || st->state == TSX_TERMINATED)
		return ESHUTDOWN;
	t64 = 64 * tl->cfg.t1;
	if (st->kind == TSX_IST) {
		if (st->state == TSX_ACCEPTED && scode >= 200 && scode < 300) {
			/* the TU retransmits its 2xx */
		} else if (st->state != TSX_PROCEEDING) {
			return EPROTO;
		}
	} else if (st->state != TSX_TRYING && st->state != TSX_PROCEEDING) {
		return EPROTO;
	}
	if (st->state == TSX_PROCEEDING)
		tmr_cancel(&st->tmr_retx); /* IST: the delayed 100 */
	mem_deref(st->u.s.resp);
	st->u.s.resp = mem_ref(mb);
	st->scode = scode;
	err = send_resp(st);

	if (scode < 200) {
		if (st->kind == TSX_NIST)
			st->state = TSX_PROCEEDING;
	} else if (st->kind == TSX_NIST) {
		st->state = TSX_COMPLETED;
		(void)tmr_start(tl->tmrl, &st->tmr_to, st->reliable ? 0 : t64,
				on_timeout, st);
	} else if (scode < 300) {
		if (st->state != TSX_ACCEPTED) {
			st->state = TSX_ACCEPTED;
			(void)tmr_start(tl->tmrl, &st->tmr_to, t64, on_timeout,
					st);
		}
	} else {
		st->state = TSX_COMPLETED;
		if (!st->reliable) {
			st->retx_ival = tl->cfg.t1;
			(void)tmr_start(tl->tmrl, &st->tmr_retx, tl->cfg.t1,
					on_retx, st);
		}
		(void)tmr_start(tl->tmrl, &st->tmr_to, t64, on_timeout, st);
	}
	if (err)
		tsx_fail_later(st, err);
	else
		tsx_slim(st); /* a final answer: only resends are left */
	return err;
}

/* The request's top Via as answered: received/rport filled (RFC 3581);
 * printed once, every response of st carries it. */
static int top_via(struct tsx *st, struct pl *top)
{
	struct buf *vb;
	int err;

	if (!st->u.s.topvia) {
		vb = buf_alloc(128);
		if (!vb)
			return ENOMEM;
		err = sip_transp_via_print(vb, &st->u.s.via, &st->u.s.rx);
		if (err) {
			mem_deref(vb);
			return err;
		}
		st->u.s.topvia = vb;
	}
	*top = buf_pl(st->u.s.topvia);
	return 0;
}

int tsx_reply_print(struct buf **mbp, struct tsx *st, uint16_t scode,
		    const char *reason, const char *hdrs, const char *ctype,
		    const struct pl *body)
{
	struct pl top;
	int err;

	if (!mbp || !st || scode < 100 || scode > 699 || !tsx_is_server(st))
		return EINVAL;
	if (!st->tl || st->state == TSX_TERMINATED)
		return ESHUTDOWN;
	if (!st->req)
		return EPROTO; /* slim: its final answer went */
	err = top_via(st, &top);
	if (err)
		return err;
	return tsx_resp_build(mbp, st->req, &top, scode, reason, st->u.s.totag,
			      hdrs, ctype, body);
}

int tsx_reply(struct tsx *st, uint16_t scode, const char *reason,
	      const char *hdrs, const char *ctype, const struct pl *body)
{
	struct buf *mb = NULL;
	int err;

	err = tsx_reply_print(&mb, st, scode, reason, hdrs, ctype, body);
	if (err)
		return err;
	err = tsx_reply_buf(st, scode, mb);
	mem_deref(mb);
	return err;
}

void tsx_server_cancel(struct tsx_layer *tl, struct sip_msg *msg,
		       const struct sip_recv *rx)
{
	struct tsx *cst = NULL, *inv;

	if (tsx_server_new(&cst, tl, msg, rx))
		return;
	inv = tsx_server_match(tl, msg, true);
	if (!inv) {
		tl->st.cancels_unmatched++;
		(void)tsx_reply(cst, 481, NULL, NULL, NULL, NULL);
		goto out;
	}
	tl->st.cancels_matched++;
	/* §9.2: the same To tag as the INVITE's responses */
	if (inv->u.s.totag) {
		char *t = mem_strdup(inv->u.s.totag);

		if (t) {
			mem_deref(cst->u.s.totag);
			cst->u.s.totag = t;
		}
	}
	(void)tsx_reply(cst, 200, NULL, NULL, NULL, NULL);
	if (inv->state != TSX_PROCEEDING)
		goto out; /* a final response went already */
	if (inv->h)
		tsx_event_raise(inv, TSX_EV_CANCEL, msg, 0, 0);
	else
		(void)tsx_reply(inv, 487, NULL, NULL, NULL, NULL);
out:
	mem_deref(cst);
}
