/* Transaction layer: the table, dispatch of received messages, the
 * transaction object's life; see tsx.h. */
#include <errno.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "net/rand.h"
#include "tsx/tsx_int.h"

void tsx_config_default(struct tsx_config *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->t1 = 500;
	cfg->t2 = 4000;
	cfg->t4 = 5000;
	cfg->td = 32000;
	cfg->trying_ms = 0;
	cfg->buckets = 131072;
}

static void on_transp_recv(struct sip_msg *msg, const struct sip_recv *rx,
			   void *arg)
{
	tsx_layer_recv(arg, msg, rx);
}

static void layer_destroy(void *data)
{
	struct tsx_layer *tl = data;
	struct tsx *tx;
	size_t pos = 0;

	sip_transp_handler_set(tl->tp, NULL, NULL);
	while (tl->tab.slot && (tx = tsx_table_any(&tl->tab, &pos))) {
		tx->h = NULL; /* no callbacks from a destructor */
		tsx_terminate(tx);
	}
	tsx_table_release(&tl->tab);
	mem_deref(tl->tp);
	mem_deref(tl->tmrl);
}

int tsx_layer_alloc(struct tsx_layer **tlp, struct sip_transp *tp,
		    struct tmrl *tmrl, const struct tsx_config *cfg,
		    const struct tsx_tu *tu, void *arg)
{
	struct tsx_config def;
	struct tsx_layer *tl;
	int err;

	if (!tlp || !tp || !tmrl)
		return EINVAL;
	tsx_config_default(&def);
	tl = mem_zalloc(sizeof(*tl), layer_destroy);
	if (!tl)
		return ENOMEM;
	tl->cfg = cfg ? *cfg : def;
	if (!tl->cfg.t1)
		tl->cfg.t1 = def.t1;
	if (!tl->cfg.t2)
		tl->cfg.t2 = def.t2;
	if (!tl->cfg.t4)
		tl->cfg.t4 = def.t4;
	if (!tl->cfg.td)
		tl->cfg.td = def.td;
	if (!tl->cfg.buckets)
		tl->cfg.buckets = def.buckets;
	if (tu)
		tl->tu = *tu;
	tl->arg = arg;
	err = tsx_table_init(&tl->tab, tl->cfg.buckets);
	if (err) {
		mem_deref(tl);
		return err;
	}
	tl->tp = mem_ref(tp);
	tl->tmrl = mem_ref(tmrl);
	sip_transp_handler_set(tp, on_transp_recv, tl);
	*tlp = tl;
	return 0;
}

void tsx_layer_stats(const struct tsx_layer *tl, struct tsx_stats *st)
{
	if (!tl || !st)
		return;
	*st = tl->st;
	st->live = (uint32_t)tl->tab.n;
}

uint32_t tsx_key_branch(const struct pl *branch)
{
	return hash_pl(branch);
}

static void tsx_destroy(void *data)
{
	struct tsx *tx = data;

	/* the table holds a reference: a linked tsx is not destroyed */
	tmr_cancel(&tx->tmr_retx);
	tmr_cancel(&tx->tmr_to);
	mem_deref(tx->req);
	if (tsx_is_server(tx)) {
		mem_deref(tx->u.s.resp);
		mem_deref(tx->u.s.topvia);
		mem_deref(tx->u.s.rx.conn);
		mem_deref(tx->u.s.totag);
	} else {
		mem_deref(tx->u.c.req_mb);
		mem_deref(tx->u.c.ack_mb);
		mem_deref(tx->u.c.conn);
	}
	mem_deref(tx->keep);
}

int tsx_alloc(struct tsx **txp, struct tsx_layer *tl, enum tsx_kind kind,
	      enum sip_method method, struct sip_msg *req)
{
	struct tsx *tx = mem_zalloc(sizeof(*tx), tsx_destroy);

	if (!tx)
		return ENOMEM;
	tx->tl = tl;
	tx->kind = kind;
	tx->req = mem_ref(req);
	tx->method = method;
	switch (kind) {
	case TSX_ICT:
		tx->state = TSX_CALLING;
		break;
	case TSX_IST:
		tx->state = TSX_PROCEEDING;
		break;
	default:
		tx->state = TSX_TRYING;
		break;
	}
	*txp = tx;
	return 0;
}

int tsx_link(struct tsx *tx)
{
	int err = tsx_table_add(&tx->tl->tab, tx->key, tx);

	if (err)
		return err;
	mem_ref(tx);
	tx->linked = true;
	return 0;
}

/* Move the slices of v (all within v->raw) onto copy, a copy of raw's
 * bytes: cheaper than decoding the copy again. false, v unchanged, when
 * a slice lies outside raw. */
static bool via_rebase(struct sip_via *v, const char *copy)
{
	struct pl *f[] = {&v->proto,  &v->tp_pl,    &v->host,  &v->params,
			  &v->branch, &v->received, &v->maddr, &v->raw};
	const char *lo = v->raw.p, *hi = v->raw.p + v->raw.l;
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i]->p && (f[i]->p < lo || f[i]->p + f[i]->l > hi))
			return false;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i]->p)
			f[i]->p = copy + (f[i]->p - lo);
	return true;
}

void tsx_slim(struct tsx *tx)
{
	bool server = tsx_is_server(tx);
	struct sip_via v;
	struct pl pl;
	char *k;

	if ((!tx->req && (server || !tx->u.c.req_mb)) ||
	    tx->method == SIP_METHOD_UNKNOWN)
		return;
	switch (tx->state) {
	case TSX_COMPLETED:
	case TSX_CONFIRMED:
		break;
	case TSX_ACCEPTED:
		if (tx->kind == TSX_IST && tx->h)
			return;
		break;
	default:
		return;
	}
	if (server) {
		if (tx->rfc2543)
			return;
		/* a private copy of the top Via element, decoded again */
		k = mem_alloc(tx->u.s.via.raw.l + 1, NULL);
		if (!k)
			return;
		memcpy(k, tx->u.s.via.raw.p, tx->u.s.via.raw.l);
		k[tx->u.s.via.raw.l] = '\0';
		pl_set(&pl, k, tx->u.s.via.raw.l);
		v = tx->u.s.via;
		if (!via_rebase(&v, k) && (sip_via_decode(&v, &pl) ||
					   !pl_eq(&v.branch, &tx->branch))) {
			mem_deref(k);
			return;
		}
		tx->u.s.via = v;
		tx->branch = v.branch;
		/* Accepted: the TU (gone) sent the 2xx; nothing resends */
		if (tx->state == TSX_ACCEPTED)
			tx->u.s.resp = mem_deref(tx->u.s.resp);
		/* no response is built now */
		tx->u.s.topvia = mem_deref(tx->u.s.topvia);
	} else if (tx->keep) {
		/* started with tsx_request_known(): branch is a copy */
		k = tx->keep;
		tx->u.c.req_mb = mem_deref(tx->u.c.req_mb);
	} else {
		k = pl_strdup(&tx->branch);
		if (!k)
			return;
		pl_set_str(&tx->branch, k);
		tx->u.c.req_mb = mem_deref(tx->u.c.req_mb);
	}
	tx->keep = k;
	tx->req = mem_deref(tx->req);
}

void tsx_event_raise(struct tsx *tx, enum tsx_ev type, struct sip_msg *msg,
		     uint16_t scode, int err)
{
	struct tsx_event ev = {
		.type = type, .msg = msg, .scode = scode, .err = err};

	if (tx->h)
		tx->h(tx, &ev, tx->arg);
}

void tsx_terminate(struct tsx *tx)
{
	bool linked;

	if (tx->state == TSX_TERMINATED)
		return;
	tx->state = TSX_TERMINATED;
	tmr_cancel(&tx->tmr_retx);
	tmr_cancel(&tx->tmr_to);
	linked = tx->linked;
	if (linked)
		tsx_table_del(&tx->tl->tab, tx->key, tx);
	tx->linked = false;
	tx->tl = NULL;
	mem_ref(tx);
	tsx_event_raise(tx, TSX_EV_TERMINATED, NULL, 0, 0);
	tx->h = NULL;
	if (linked)
		mem_deref(tx); /* the table's reference */
	mem_deref(tx);
}

struct tsx *tsx_find_client(struct tsx_layer *tl, const struct pl *branch,
			    enum sip_method method)
{
	uint32_t key = tsx_key_branch(branch);
	size_t pos = TSX_TABLE_START;
	struct tsx *tx;

	/* the table compares keys: only a transaction whose key matches is
	 * read */
	while ((tx = tsx_table_next(&tl->tab, key, &pos))) {
		if (tsx_is_server(tx))
			continue;
		if (tx->method == method && pl_eq(&tx->branch, branch))
			return tx;
	}
	return NULL;
}

void tsx_layer_recv(struct tsx_layer *tl, struct sip_msg *msg,
		    const struct sip_recv *rx)
{
	const struct sip_via *via;
	struct tsx *tx;

	if (!tl || !msg || !rx)
		return;
	if (sip_msg_via(msg, &via)) {
		log_debug("tsx: message without a usable Via dropped");
		return;
	}
	mem_ref(tl);
	if (!msg->req) {
		/* §17.1.3: top Via branch and CSeq method */
		tx = pl_isset(&via->branch) ? tsx_find_client(tl, &via->branch,
							      msg->cseq.method)
					    : NULL;
		if (tx && msg->cseq.method != SIP_METHOD_UNKNOWN)
			tsx_client_recv(tx, msg);
		else if (tx && pl_caseeq(&msg->cseq.method_name,
					 &tx->req->method_name))
			tsx_client_recv(tx, msg);
		else {
			tl->st.stray_responses++;
			if (tl->tu.stray_h)
				tl->tu.stray_h(msg, rx, tl->arg);
		}
		goto out;
	}
	if (msg->method == SIP_METHOD_CANCEL) {
		tx = tsx_server_match(tl, msg, false);
		if (tx)
			tsx_server_recv(tx, msg, rx); /* retransmitted */
		else
			tsx_server_cancel(tl, msg, rx);
		goto out;
	}
	tx = tsx_server_match(tl, msg, false);
	if (tx) {
		tsx_server_recv(tx, msg, rx);
		goto out;
	}
	if (msg->method == SIP_METHOD_ACK) {
		tl->st.stray_acks++;
		if (tl->tu.ack_h)
			tl->tu.ack_h(msg, rx, tl->arg);
		goto out;
	}
	if (tsx_server_new(&tx, tl, msg, rx))
		goto out;
	if (tl->tu.request_h)
		tl->tu.request_h(tx, msg, rx, tl->arg);
	else
		(void)tsx_reply(tx, 501, NULL, NULL, NULL, NULL);
	tsx_server_trying(tx);
	mem_deref(tx);
out:
	mem_deref(tl);
}

void tsx_handler_set(struct tsx *tx, tsx_h *h, void *arg)
{
	if (!tx)
		return;
	tx->h = h;
	tx->arg = arg;
	if (!h)
		tsx_slim(tx); /* e.g. an INVITE server in Accepted */
}

enum tsx_kind tsx_kind_get(const struct tsx *tx)
{
	return tx ? tx->kind : TSX_NIST;
}

enum tsx_state tsx_state_get(const struct tsx *tx)
{
	return tx ? tx->state : TSX_TERMINATED;
}

const char *tsx_state_name(enum tsx_state st)
{
	static const char *const names[] = {
		[TSX_CALLING] = "Calling",	 [TSX_TRYING] = "Trying",
		[TSX_PROCEEDING] = "Proceeding", [TSX_COMPLETED] = "Completed",
		[TSX_CONFIRMED] = "Confirmed",	 [TSX_ACCEPTED] = "Accepted",
		[TSX_TERMINATED] = "Terminated",
	};

	if ((unsigned)st > TSX_TERMINATED)
		return "?";
	return names[st];
}

struct sip_msg *tsx_request_msg(struct tsx *tx)
{
	struct pl pl;

	if (!tx)
		return NULL;
	/* a client started by tsx_request_known(): decoded on first use */
	if (!tx->req && !tsx_is_server(tx) && tx->u.c.req_mb) {
		pl = buf_pl(tx->u.c.req_mb);
		(void)sip_msg_decode(&tx->req, &pl, tx->u.c.req_mb,
				     tx->u.c.tpk != SIP_TP_UDP, NULL);
	}
	return tx->req;
}

uint16_t tsx_scode(const struct tsx *tx)
{
	return tx ? tx->scode : 0;
}

const char *tsx_totag(const struct tsx *st)
{
	return st && tsx_is_server(st) && st->u.s.totag ? st->u.s.totag : "";
}

const struct sip_recv *tsx_recv_info(const struct tsx *st)
{
	if (!st || !tsx_is_server(st))
		return NULL;
	return &st->u.s.rx;
}

void tsx_branch_make(char *buf, size_t sz)
{
	if (!buf || sz < 8) {
		if (buf && sz)
			buf[0] = '\0';
		return;
	}
	memcpy(buf, "z9hG4bK", 7);
	net_rand_token(buf + 7, sz - 7 > 25 ? 25 : sz - 7);
}
