/* Client transactions: INVITE (RFC 3261 §17.1.1, RFC 6026 Accepted) and
 * non-INVITE (§17.1.2); CANCEL (§9.1). */
#include <errno.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "tsx/tsx_int.h"

static int send_req(struct tsx *ct, struct buf *mb)
{
	return sip_transp_send(ct->tl->tp, ct->u.c.tpk, &ct->u.c.dst.sa,
			       ct->u.c.conn, mb, tsx_transport_err, ct);
}

static void on_timeout(void *arg)
{
	struct tsx *ct = arg;

	switch (ct->state) {
	case TSX_CALLING:    /* Timer B */
	case TSX_TRYING:     /* Timer F */
	case TSX_PROCEEDING: /* Timer F (NICT) */
		ct->tl->st.timeouts++;
		mem_ref(ct);
		tsx_event_raise(ct, TSX_EV_TIMEOUT, NULL, 408, ETIMEDOUT);
		tsx_terminate(ct);
		mem_deref(ct);
		break;
	default: /* Timers D, K, M */
		tsx_terminate(ct);
		break;
	}
}

static void on_retx(void *arg)
{
	struct tsx *ct = arg;
	struct tsx_layer *tl = ct->tl;
	int err;

	switch (ct->state) {
	case TSX_CALLING: /* Timer A: doubles without a cap */
		ct->retx_ival *= 2;
		break;
	case TSX_TRYING: /* Timer E: doubles up to T2 */
		ct->retx_ival = ct->retx_ival * 2 < tl->cfg.t2
					? ct->retx_ival * 2
					: tl->cfg.t2;
		break;
	case TSX_PROCEEDING: /* Timer E after a 1xx: T2 */
		if (ct->kind != TSX_NICT)
			return;
		ct->retx_ival = tl->cfg.t2;
		break;
	default:
		return;
	}
	ct->nretx++;
	tl->st.retransmissions_sent++;
	(void)tmr_start(tl->tmrl, &ct->tmr_retx, ct->retx_ival, on_retx, ct);
	err = send_req(ct, ct->u.c.req_mb);
	if (err)
		tsx_fail_later(ct, err);
}

/* Send mb and start client transaction ct (branch and method set); on
 * success the table holds it and *ctp, if ctp, gets a reference. */
static int client_start(struct tsx **ctp, struct tsx *ct, struct buf *mb,
			enum sip_transport tp,
			const struct sockaddr_storage *d,
			struct sip_conn *conn, bool tcp_ok, tsx_h *h,
			void *arg)
{
	struct tsx_layer *tl = ct->tl;
	uint32_t t1;
	int err;

	ct->key = tsx_key_branch(&ct->branch);
	ct->u.c.req_mb = mem_ref(mb);
	ct->u.c.tpk = tp;
	memcpy(&ct->u.c.dst, d,
	       d->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					: sizeof(struct sockaddr_in));
	ct->u.c.conn = mem_ref(conn);
	ct->h = h;
	ct->arg = arg;
	/* room in the table first: once sent, linking cannot fail */
	err = tsx_table_reserve(&tl->tab);
	if (err)
		return err;
	err = sip_transp_send_request(tl->tp, &ct->u.c.tpk,
				      (const struct sockaddr *)d, conn, mb,
				      tcp_ok, tsx_transport_err, ct);
	if (err)
		return err;
	ct->reliable = ct->u.c.tpk != SIP_TP_UDP;
	(void)tsx_link(ct);
	tl->st.client_created++;
	t1 = tl->cfg.t1;
	if (!ct->reliable) {
		ct->retx_ival = t1;
		(void)tmr_start(tl->tmrl, &ct->tmr_retx, t1, on_retx, ct);
	}
	(void)tmr_start(tl->tmrl, &ct->tmr_to, 64 * t1, on_timeout, ct);
	if (ctp)
		*ctp = mem_ref(ct);
	return 0;
}

int tsx_request(struct tsx **ctp, struct tsx_layer *tl, struct buf *mb,
		enum sip_transport tp, const struct sockaddr *dst,
		struct sip_conn *conn, bool tcp_ok, tsx_h *h, void *arg)
{
	struct sip_msg *req = NULL;
	const struct sip_via *via;
	struct sockaddr_storage d;
	struct tsx *ct = NULL;
	struct pl pl;
	int err;

	if (!tl || !mb || sa_copy(&d, dst))
		return EINVAL;
	pl = buf_pl(mb);
	err = sip_msg_decode(&req, &pl, mb, tp != SIP_TP_UDP, NULL);
	if (err)
		return EINVAL;
	if (!req->req || req->method == SIP_METHOD_ACK ||
	    sip_msg_via(req, &via) || !sip_via_branch_is_rfc3261(via)) {
		err = EINVAL;
		goto out;
	}
	if (tsx_find_client(tl, &via->branch, req->method)) {
		err = EEXIST;
		goto out;
	}
	err = tsx_alloc(&ct, tl,
			req->method == SIP_METHOD_INVITE ? TSX_ICT : TSX_NICT,
			req->method, req);
	if (err)
		goto out;
	ct->branch = via->branch;
	err = client_start(ctp, ct, mb, tp, &d, conn, tcp_ok, h, arg);
out:
	mem_deref(ct);
	mem_deref(req);
	return err;
}

int tsx_request_known(struct tsx **ctp, struct tsx_layer *tl, struct buf *mb,
		      enum sip_method method, const char *branch,
		      enum sip_transport tp, const struct sockaddr *dst,
		      struct sip_conn *conn, bool tcp_ok, tsx_h *h, void *arg)
{
	struct sockaddr_storage d;
	struct tsx *ct = NULL;
	struct pl br;
	int err;

	if (!tl || !mb || !branch || sa_copy(&d, dst) ||
	    method == SIP_METHOD_ACK || method == SIP_METHOD_UNKNOWN ||
	    strncmp(branch, "z9hG4bK", 7))
		return EINVAL;
	pl_set_str(&br, branch);
	if (tsx_find_client(tl, &br, method))
		return EEXIST;
	err = tsx_alloc(&ct, tl,
			method == SIP_METHOD_INVITE ? TSX_ICT : TSX_NICT,
			method, NULL);
	if (err)
		return err;
	ct->keep = pl_strdup(&br);
	if (!ct->keep) {
		err = ENOMEM;
		goto out;
	}
	pl_set_str(&ct->branch, ct->keep);
	err = client_start(ctp, ct, mb, tp, &d, conn, tcp_ok, h, arg);
out:
	mem_deref(ct);
	return err;
}

static void send_cancel(struct tsx *ct)
{
	struct buf *mb = NULL;
	int err;

	ct->u.c.cancel_sent = true;
	err = tsx_cancel_build(&mb, tsx_request_msg(ct));
	if (!err)
		err = tsx_request(NULL, ct->tl, mb, ct->u.c.tpk,
				  &ct->u.c.dst.sa, ct->u.c.conn, false, NULL,
				  NULL);
	if (err)
		log_info("tsx: could not send CANCEL: %s", strerror(err));
	mem_deref(mb);
}

int tsx_cancel(struct tsx *ct)
{
	if (!ct || ct->kind != TSX_ICT)
		return EINVAL;
	if (!ct->tl || ct->state == TSX_TERMINATED)
		return ESHUTDOWN;
	if (ct->u.c.cancel_wanted)
		return EALREADY;
	ct->u.c.cancel_wanted = true;
	if (ct->state == TSX_PROCEEDING)
		send_cancel(ct);
	return 0;
}

static void ict_recv(struct tsx *ct, struct sip_msg *msg)
{
	struct tsx_layer *tl = ct->tl;
	uint16_t sc = msg->scode;
	int err;

	switch (ct->state) {
	case TSX_CALLING:
	case TSX_PROCEEDING:
		tmr_cancel(&ct->tmr_retx);
		tmr_cancel(&ct->tmr_to);
		ct->scode = sc;
		if (sc < 200) {
			ct->state = TSX_PROCEEDING;
		} else if (sc < 300) {
			/* RFC 6026: absorb nothing, pass 2xx up, Timer M */
			ct->state = TSX_ACCEPTED;
			(void)tmr_start(tl->tmrl, &ct->tmr_to, 64 * tl->cfg.t1,
					on_timeout, ct);
		} else {
			/* §17.1.1.3: ACK it here; Timer D */
			ct->state = TSX_COMPLETED;
			err = tsx_ack_build(&ct->u.c.ack_mb,
					    tsx_request_msg(ct), msg);
			if (!err)
				err = send_req(ct, ct->u.c.ack_mb);
			if (err)
				log_info("tsx: could not send ACK: %s",
					 strerror(err));
			(void)tmr_start(tl->tmrl, &ct->tmr_to,
					ct->reliable ? 0 : tl->cfg.td,
					on_timeout, ct);
		}
		mem_ref(ct);
		tsx_event_raise(ct, TSX_EV_RESPONSE, msg, sc, 0);
		if (sc < 200 && ct->u.c.cancel_wanted &&
		    !ct->u.c.cancel_sent && ct->state == TSX_PROCEEDING)
			send_cancel(ct);
		tsx_slim(ct); /* final: the ACK (non-2xx) is all to keep */
		mem_deref(ct);
		break;
	case TSX_COMPLETED:
		tl->st.retransmissions_absorbed++;
		if (sc >= 300 && ct->u.c.ack_mb &&
		    send_req(ct, ct->u.c.ack_mb))
			log_info("tsx: could not resend ACK");
		break;
	case TSX_ACCEPTED:
		if (sc >= 200 && sc < 300)
			tsx_event_raise(ct, TSX_EV_RESPONSE, msg, sc, 0);
		else
			tl->st.retransmissions_absorbed++;
		break;
	default:
		break;
	}
}

static void nict_recv(struct tsx *ct, struct sip_msg *msg)
{
	struct tsx_layer *tl = ct->tl;
	uint16_t sc = msg->scode;

	switch (ct->state) {
	case TSX_TRYING:
	case TSX_PROCEEDING:
		ct->scode = sc;
		if (sc < 200) {
			ct->state = TSX_PROCEEDING;
		} else {
			ct->state = TSX_COMPLETED;
			tmr_cancel(&ct->tmr_retx);
			(void)tmr_start(tl->tmrl, &ct->tmr_to,
					ct->reliable ? 0 : tl->cfg.t4,
					on_timeout, ct); /* Timer K */
		}
		mem_ref(ct);
		tsx_event_raise(ct, TSX_EV_RESPONSE, msg, sc, 0);
		tsx_slim(ct);
		mem_deref(ct);
		break;
	default:
		tl->st.retransmissions_absorbed++;
		break;
	}
}

void tsx_client_recv(struct tsx *ct, struct sip_msg *msg)
{
	if (!ct->tl || msg->scode < 100 || msg->scode > 699)
		return;
	if (ct->kind == TSX_ICT)
		ict_recv(ct, msg);
	else
		nict_recv(ct, msg);
}
