/* The built-in sandbox carrier (see sandbox.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "b2bua/dialog.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "policy/e164.h"
#include "sandbox/sandbox.h"
#include "sip/sdp.h"
#include "tsx/tsx.h"

enum sb_behaviour {
	SB_NORMAL = 0,
	SB_BUSY,     /* 0001 */
	SB_RING_480, /* 0002 */
	SB_503,	     /* 0003 */
	SB_404,	     /* 0004 */
	SB_HANGUP,   /* 0005 */
	SB_NO_RTP,   /* 0006 */
	SB_SILENT,   /* 0007 */
};

static const struct {
	const char *num;
	enum sb_behaviour b;
} sb_numbers[] = {
	{"+15005550001", SB_BUSY},   {"+15005550002", SB_RING_480},
	{"+15005550003", SB_503},    {"+15005550004", SB_404},
	{"+15005550005", SB_HANGUP}, {"+15005550006", SB_NO_RTP},
	{"+15005550007", SB_SILENT},
};

enum sb_state {
	SB_RINGING = 0,
	SB_ANSWERED, /* 200 sent */
	SB_ENDED,
};

struct echo {
	uv_udp_t h;
	struct sandbox *sb; /* weak; NULL once detached */
	bool silent;
	char buf[2048];
};

struct sandbox {
	uv_loop_t *loop;	/* weak */
	struct tmrl *tl;	/* ref */
	struct sip_transp *tp;	/* owned */
	struct tsx_layer *tsxl; /* owned */
	struct hash *calls;	/* by Call-ID; the table holds one ref */
	struct sandbox_conf conf;
	struct sockaddr_storage laddr;
	char hostport[64]; /* "ip:port" for Via/Contact */
	char host[48];
	struct sandbox_stats stats;
};

struct sb_call {
	struct le le;	    /* in sb->calls */
	struct sandbox *sb; /* weak */
	struct tsx *st;	    /* ref: the initial INVITE, until final */
	struct dialog dlg;
	enum sb_behaviour beh;
	enum sb_state state;
	struct tmr tmr;
	struct tmr tmr_retx; /* 200 OK retransmission until the ACK */
	uint32_t retx_ms;
	struct buf *ok_body; /* ref: the 200's SDP, resent as is */
	struct echo *echo;   /* owned (closed asynchronously) */
	uint32_t sdp_ver;
	int telev_pt; /* telephone-event PT of the offer, or -1 */
};

static void echo_close_cb(uv_handle_t *h)
{
	free(h->data);
}

static void echo_close(struct echo *e)
{
	if (!e)
		return;
	e->sb = NULL;
	uv_udp_recv_stop(&e->h);
	uv_close((uv_handle_t *)&e->h, echo_close_cb);
}

static void echo_alloc_cb(uv_handle_t *h, size_t sz, uv_buf_t *b)
{
	struct echo *e = h->data;

	(void)sz;
	b->base = e->buf;
	b->len = sizeof(e->buf);
}

static void echo_recv_cb(uv_udp_t *h, ssize_t n, const uv_buf_t *b,
			 const struct sockaddr *src, unsigned flags)
{
	struct echo *e = h->data;
	uv_buf_t out;

	(void)flags;
	if (n <= 0 || !src || !e->sb || e->silent)
		return;
	out = uv_buf_init(b->base, (unsigned)n);
	if (uv_udp_try_send(h, &out, 1, src) > 0)
		e->sb->stats.rtp_echoed++;
}

static int echo_open(struct echo **ep, struct sandbox *sb, bool silent,
		     uint16_t *portp)
{
	struct sockaddr_storage ss = sb->laddr;
	int namelen = sizeof(ss);
	struct echo *e;
	int err;

	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->sb = sb;
	e->silent = silent;
	e->h.data = e;
	err = uv_udp_init(sb->loop, &e->h);
	if (err) {
		free(e);
		return ENOMEM;
	}
	sa_set_port(&ss, 0);
	err = uv_udp_bind(&e->h, (struct sockaddr *)&ss, 0);
	err = err ? err
		  : uv_udp_getsockname(&e->h, (struct sockaddr *)&ss,
				       &namelen);
	err = err ? err
		  : uv_udp_recv_start(&e->h, echo_alloc_cb, echo_recv_cb);
	if (err) {
		echo_close(e);
		return EADDRNOTAVAIL;
	}
	*portp = sa_port(&ss);
	*ep = e;
	return 0;
}

static void call_destroy(void *arg)
{
	struct sb_call *c = arg;

	tmr_cancel(&c->tmr);
	tmr_cancel(&c->tmr_retx);
	hash_unlink(&c->le);
	if (c->st) {
		tsx_handler_set(c->st, NULL, NULL);
		c->st = mem_deref(c->st);
	}
	mem_deref(c->ok_body);
	echo_close(c->echo);
	dialog_reset(&c->dlg);
}

/* Take the call out of the table (drops the table's reference). */
static void call_end(struct sb_call *c)
{
	if (c->state == SB_ENDED)
		return;
	c->state = SB_ENDED;
	tmr_cancel(&c->tmr);
	tmr_cancel(&c->tmr_retx);
	hash_unlink(&c->le);
	if (c->sb->stats.calls)
		c->sb->stats.calls--;
	mem_deref(c);
}

static struct sb_call *call_find(struct sandbox *sb, struct sip_msg *msg)
{
	struct list *l = hash_bucket(sb->calls, hash_pl(&msg->callid));
	const struct sip_addr *to;
	struct le *le;

	if (sip_msg_to(msg, &to))
		return NULL;
	LIST_FOREACH(l, le)
	{
		struct sb_call *c = le->data;

		if (!pl_eq_str(&msg->callid, c->dlg.callid))
			continue;
		if (pl_isset(&to->tag) && !pl_eq_str(&to->tag, c->dlg.ltag))
			continue;
		return c;
	}
	return NULL;
}

static int sdp_answer(struct buf *b, struct sb_call *c)
{
	struct sandbox *sb = c->sb;
	uint16_t port = 0;
	int err;

	if (!c->echo) {
		err = echo_open(&c->echo, sb, c->beh == SB_NO_RTP, &port);
		if (err)
			return err;
	} else {
		struct sockaddr_storage ss;
		int namelen = sizeof(ss);

		if (uv_udp_getsockname(&c->echo->h, (struct sockaddr *)&ss,
				       &namelen))
			return EIO;
		port = sa_port(&ss);
	}
	c->sdp_ver++;
	err = buf_printf(b,
			 "v=0\r\n"
			 "o=sandbox 1 %u IN %s %s\r\n"
			 "s=trunkd sandbox carrier\r\n"
			 "c=IN %s %s\r\n"
			 "t=0 0\r\n"
			 "m=audio %u RTP/AVP 0",
			 c->sdp_ver, strchr(sb->host, ':') ? "IP6" : "IP4",
			 sb->host, strchr(sb->host, ':') ? "IP6" : "IP4",
			 sb->host, port);
	if (!err && c->telev_pt >= 0)
		err = buf_printf(b, " %d", c->telev_pt);
	err = err ? err : buf_write_str(b, "\r\na=rtpmap:0 PCMU/8000\r\n");
	if (!err && c->telev_pt >= 0)
		err = buf_printf(b,
				 "a=rtpmap:%d telephone-event/8000\r\n"
				 "a=fmtp:%d 0-15\r\n",
				 c->telev_pt, c->telev_pt);
	err = err ? err : buf_write_str(b, "a=ptime:20\r\na=sendrecv\r\n");
	return err;
}

static void hdrs_print(struct sb_call *c, char *hdrs, size_t sz)
{
	snprintf(hdrs, sz,
		 "Contact: <sip:sandbox@%s%s>\r\n"
		 "Server: trunkd-sandbox\r\n",
		 c->sb->hostport,
		 c->dlg.tp == SIP_TP_TCP ? ";transport=tcp" : "");
}

/* Reply to st with our Contact and, when sdp, an SDP answer (kept in
 * c->ok_body for a 2xx to the initial INVITE, st == c->st). */
static int reply(struct sb_call *c, struct tsx *st, uint16_t scode, bool sdp)
{
	struct buf *body = NULL;
	char hdrs[160];
	struct pl pl;
	int err;

	hdrs_print(c, hdrs, sizeof(hdrs));
	if (sdp) {
		body = buf_alloc(512);
		if (!body)
			return ENOMEM;
		err = sdp_answer(body, c);
		if (err)
			goto out;
		pl = buf_pl(body);
	}
	err = tsx_reply(st, scode, NULL, hdrs, sdp ? "application/sdp" : NULL,
			sdp ? &pl : NULL);
	if (!err && st == c->st && scode >= 200 && scode < 300 && body) {
		mem_deref(c->ok_body);
		c->ok_body = mem_ref(body);
	}
out:
	mem_deref(body);
	return err;
}

static void send_bye(struct sb_call *c);

static void st_release(struct sb_call *c)
{
	tmr_cancel(&c->tmr_retx);
	if (c->st) {
		tsx_handler_set(c->st, NULL, NULL);
		c->st = mem_deref(c->st);
	}
	c->ok_body = mem_deref(c->ok_body);
}

/* RFC 3261 §13.3.1.4: the 2xx again at T1, 2 T1, ... capped at T2 until
 * the ACK comes; the transaction ends after 64 T1 (Timer L), and a call
 * still without ACK then gets a BYE (ist_handler). */
static void on_retx(void *arg)
{
	struct sb_call *c = arg;
	char hdrs[160];
	struct pl pl;

	if (!c->st || c->state != SB_ANSWERED)
		return;
	hdrs_print(c, hdrs, sizeof(hdrs));
	pl = c->ok_body ? buf_pl(c->ok_body) : (struct pl)PL_INIT;
	if (!tsx_reply(c->st, 200, NULL, hdrs, pl.l ? "application/sdp" : NULL,
		       &pl))
		c->sb->stats.ok_retransmits++;
	c->retx_ms = c->retx_ms * 2 > 4000 ? 4000 : c->retx_ms * 2;
	(void)tmr_start(c->sb->tl, &c->tmr_retx, c->retx_ms, on_retx, c);
}

/* Final answer to the initial INVITE. A non-2xx drops the IST reference
 * (the transaction retransmits it); a 2xx keeps it for the
 * retransmissions until the ACK. */
static void final(struct sb_call *c, uint16_t scode)
{
	int err;

	if (!c->st)
		return;
	err = reply(c, c->st, scode, scode < 300);
	if (err)
		log_warn("sandbox: %s: reply %u failed: %s", c->dlg.callid,
			 scode, strerror(err));
	if (scode >= 300 || err || c->dlg.tp == SIP_TP_TCP) {
		/* over TCP the 2xx is not retransmitted (§13.3.1.4) */
		st_release(c);
	} else {
		c->retx_ms = 500;
		(void)tmr_start(c->sb->tl, &c->tmr_retx, c->retx_ms, on_retx,
				c);
	}
	if (scode < 300) {
		c->state = SB_ANSWERED;
		c->sb->stats.answered++;
	} else {
		c->sb->stats.rejected++;
		call_end(c);
	}
}

static void send_bye(struct sb_call *c)
{
	char branch[TSX_BRANCH_SIZE];
	struct buf *mb;
	int err;

	mb = buf_alloc(512);
	if (!mb)
		return;
	tsx_branch_make(branch, sizeof(branch));
	err = dialog_request_print(mb, &c->dlg, "BYE", ++c->dlg.lcseq,
				   c->sb->hostport, branch, 70, NULL, NULL,
				   NULL);
	if (!err)
		err = tsx_request(NULL, c->sb->tsxl, mb, c->dlg.tp,
				  (struct sockaddr *)&c->dlg.dst, c->dlg.conn,
				  true, NULL, NULL);
	if (err)
		log_warn("sandbox: %s: BYE not sent: %s", c->dlg.callid,
			 strerror(err));
	else
		c->sb->stats.byes_sent++;
	mem_deref(mb);
}

static void on_timer(void *arg)
{
	struct sb_call *c = arg;

	mem_ref(c);
	switch (c->state) {
	case SB_RINGING:
		switch (c->beh) {
		case SB_RING_480:
			final(c, 480);
			break;
		case SB_SILENT:
			/* forget the call; nobody waits for an answer now */
			final(c, 408);
			break;
		default:
			final(c, 200);
			if (c->state == SB_ANSWERED && c->beh == SB_HANGUP)
				(void)tmr_start(c->sb->tl, &c->tmr,
						c->sb->conf.bye_ms, on_timer,
						c);
			break;
		}
		break;
	case SB_ANSWERED:
		/* +15005550005: hang up */
		send_bye(c);
		call_end(c);
		break;
	case SB_ENDED:
		break;
	}
	mem_deref(c);
}

static void ist_handler(struct tsx *tx, const struct tsx_event *ev, void *arg)
{
	struct sb_call *c = arg;

	(void)tx;
	if (!c)
		return;
	mem_ref(c);
	switch (ev->type) {
	case TSX_EV_CANCEL:
		final(c, 487);
		break;
	case TSX_EV_TERMINATED:
		if (c->st) {
			bool answered = c->state == SB_ANSWERED;

			st_release(c);
			if (answered && c->dlg.tp != SIP_TP_TCP) {
				/* 64 T1 without the ACK (§13.3.1.4) */
				log_info("sandbox: %s: no ACK for the 200 OK: "
					 "BYE",
					 c->dlg.callid);
				send_bye(c);
			}
			call_end(c);
		}
		break;
	default:
		break;
	}
	mem_deref(c);
}

static enum sb_behaviour behaviour_of(const char *num)
{
	for (size_t i = 0; i < sizeof(sb_numbers) / sizeof(sb_numbers[0]); i++)
		if (!strcmp(num, sb_numbers[i].num))
			return sb_numbers[i].b;
	return SB_NORMAL;
}

/* The called number: the Request-URI user, else the To user. */
static int called_number(struct sip_msg *msg, char *num, size_t sz)
{
	const struct sip_addr *to;

	if (msg->ruri.scheme != SIP_URI_OTHER &&
	    !e164_from_uri(&msg->ruri.raw, num, sz)) {
		struct pl p;

		pl_set_str(&p, num);
		if (e164_is_valid(&p))
			return 0;
	}
	if (!sip_msg_to(msg, &to) && !e164_from_uri(&to->uri.raw, num, sz)) {
		struct pl p;

		pl_set_str(&p, num);
		if (e164_is_valid(&p))
			return 0;
	}
	return EINVAL;
}

/* Offer check: PCMU present in an audio stream; remember the
 * telephone-event PT. Returns 0, EBADMSG (bad SDP) or ENOTSUP. */
static int offer_check(struct sip_msg *msg, int *televp)
{
	struct sdp_session *s = NULL;
	int err = ENOTSUP;

	*televp = -1;
	if (!msg->body.l)
		return 0; /* late offer: we offer PCMU in the 200 */
	if (sdp_session_decode(&s, &msg->body, msg->mb, NULL))
		return EBADMSG;
	for (uint32_t i = 0; i < s->nmedia; i++) {
		const struct sdp_media *m = &s->media[i];
		const struct sdp_fmt *te;

		if (!pl_eq_str(&m->type, "audio") || !m->rtp || !m->port)
			continue;
		if (!sdp_media_codec_find(m, "PCMU", 8000))
			continue;
		te = sdp_media_telev(m);
		*televp = te ? te->pt : -1;
		err = 0;
		break;
	}
	mem_deref(s);
	return err;
}

static void invite_new(struct sandbox *sb, struct tsx *st, struct sip_msg *msg,
		       const struct sip_recv *rx)
{
	char num[E164_SIZE], totag[24];
	struct sb_call *c;
	int err, telev;

	sb->stats.invites++;
	if (called_number(msg, num, sizeof(num))) {
		(void)tsx_reply(st, 484, NULL, NULL, NULL, NULL);
		sb->stats.rejected++;
		return;
	}
	err = offer_check(msg, &telev);
	if (err) {
		(void)tsx_reply(st, err == EBADMSG ? 400 : 488,
				err == EBADMSG ? "Bad SDP" : NULL, NULL, NULL,
				NULL);
		sb->stats.rejected++;
		return;
	}
	c = mem_zalloc(sizeof(*c), call_destroy);
	if (!c) {
		(void)tsx_reply(st, 500, NULL, NULL, NULL, NULL);
		return;
	}
	c->sb = sb;
	c->beh = behaviour_of(num);
	c->telev_pt = telev;
	snprintf(totag, sizeof(totag), "%s", tsx_totag(st));
	err = dialog_uas_init(&c->dlg, msg, rx, totag);
	if (err) {
		(void)tsx_reply(st, 400, NULL, NULL, NULL, NULL);
		mem_deref(c);
		return;
	}
	if (!c->dlg.rtarget) {
		/* no Contact: a BYE could not be routed */
		(void)tsx_reply(st, 400, "Missing Contact", NULL, NULL, NULL);
		mem_deref(c);
		return;
	}
	c->st = mem_ref(st);
	tsx_handler_set(st, ist_handler, c);
	hash_append(sb->calls, hash_pl(&msg->callid), &c->le, c);
	sb->stats.calls++;

	switch (c->beh) {
	case SB_BUSY:
		final(c, 486);
		return;
	case SB_503:
		final(c, 503);
		return;
	case SB_404:
		final(c, 404);
		return;
	case SB_SILENT:
		(void)tmr_start(sb->tl, &c->tmr, sb->conf.silent_ms, on_timer,
				c);
		return;
	case SB_RING_480:
		(void)reply(c, st, 180, false);
		(void)tmr_start(sb->tl, &c->tmr, sb->conf.ring_fail_ms,
				on_timer, c);
		return;
	default:
		(void)reply(c, st, 180, false);
		(void)tmr_start(sb->tl, &c->tmr, sb->conf.answer_ms, on_timer,
				c);
		return;
	}
}

static void request_h(struct tsx *st, struct sip_msg *msg,
		      const struct sip_recv *rx, void *arg)
{
	struct sandbox *sb = arg;
	const struct sip_addr *to;
	struct sb_call *c;
	bool in_dialog;

	if (sip_msg_to(msg, &to)) {
		(void)tsx_reply(st, 400, NULL, NULL, NULL, NULL);
		return;
	}
	in_dialog = pl_isset(&to->tag);
	if (!in_dialog) {
		switch (msg->method) {
		case SIP_METHOD_INVITE:
			invite_new(sb, st, msg, rx);
			return;
		case SIP_METHOD_OPTIONS:
			(void)tsx_reply(st, 200, NULL,
					"Allow: INVITE, ACK, CANCEL, BYE, "
					"OPTIONS, UPDATE, INFO, PRACK\r\n",
					NULL, NULL);
			return;
		case SIP_METHOD_BYE:
			(void)tsx_reply(st, 481, NULL, NULL, NULL, NULL);
			return;
		default:
			(void)tsx_reply(st, 405, NULL,
					"Allow: INVITE, ACK, CANCEL, BYE, "
					"OPTIONS\r\n",
					NULL, NULL);
			return;
		}
	}
	c = call_find(sb, msg);
	if (!c || c->state == SB_ENDED) {
		(void)tsx_reply(st, 481, NULL, NULL, NULL, NULL);
		return;
	}
	mem_ref(c);
	switch (msg->method) {
	case SIP_METHOD_BYE:
		sb->stats.byes++;
		(void)tsx_reply(st, 200, NULL, NULL, NULL, NULL);
		if (c->st && c->state == SB_RINGING)
			/* BYE before the final answer (RFC 3261 §15.1.2) */
			(void)tsx_reply(c->st, 487, NULL, NULL, NULL, NULL);
		st_release(c);
		call_end(c);
		break;
	case SIP_METHOD_INVITE:
	case SIP_METHOD_UPDATE:
		(void)reply(c, st, 200,
			    msg->body.l > 0 ||
				    msg->method == SIP_METHOD_INVITE);
		break;
	default:
		(void)reply(c, st, 200, false);
		break;
	}
	mem_deref(c);
}

/* The ACK for the 200 OK: stop retransmitting it. */
static void ack_h(struct sip_msg *msg, const struct sip_recv *rx, void *arg)
{
	struct sandbox *sb = arg;
	struct sb_call *c = call_find(sb, msg);

	(void)rx;
	if (!c || c->state != SB_ANSWERED)
		return;
	sb->stats.acks++;
	if (c->st)
		st_release(c);
}

static void sandbox_destroy(void *arg)
{
	struct sandbox *sb = arg;
	uint32_t i;

	/* drop every call: hash_bucket for each possible key is not
	 * enumerable, so walk buckets by index */
	if (sb->calls) {
		for (i = 0; i < 256; i++) {
			struct list *l = hash_bucket(sb->calls, i);

			while (l->head) {
				struct sb_call *c = l->head->data;

				c->state = SB_ENDED;
				hash_unlink(&c->le);
				mem_deref(c);
			}
		}
	}
	sb->tsxl = mem_deref(sb->tsxl);
	sb->tp = mem_deref(sb->tp);
	sb->calls = mem_deref(sb->calls);
	sb->tl = mem_deref(sb->tl);
}

int sandbox_alloc(struct sandbox **sbp, uv_loop_t *loop, struct tmrl *tl,
		  const struct sockaddr *addr, const struct sandbox_conf *conf)
{
	struct tsx_config tcfg;
	struct tsx_tu tu = {.request_h = request_h, .ack_h = ack_h};
	struct sandbox *sb;
	int err;

	if (!sbp || !loop || !tl || !addr)
		return EINVAL;
	sb = mem_zalloc(sizeof(*sb), sandbox_destroy);
	if (!sb)
		return ENOMEM;
	sb->loop = loop;
	sb->tl = mem_ref(tl);
	if (conf)
		sb->conf = *conf;
	if (!sb->conf.answer_ms)
		sb->conf.answer_ms = 1000;
	if (!sb->conf.ring_fail_ms)
		sb->conf.ring_fail_ms = 3000;
	if (!sb->conf.bye_ms)
		sb->conf.bye_ms = 5000;
	if (!sb->conf.silent_ms)
		sb->conf.silent_ms = 60000;
	err = hash_alloc(&sb->calls, 256);
	if (err)
		goto out;
	err = sip_transp_alloc(&sb->tp, loop, tl, NULL, NULL, NULL);
	if (err)
		goto out;
	err = sip_transp_listen(sb->tp, SIP_TPF_UDP | SIP_TPF_TCP, addr);
	if (err)
		goto out;
	err = sip_transp_laddr(sb->tp, SIP_TP_UDP, AF_UNSPEC, &sb->laddr);
	if (err)
		goto out;
	tsx_config_default(&tcfg);
	/* +15005550007 must get no answer at all: no automatic 100 Trying
	 * (every other number is answered 180 at once) */
	tcfg.trying_ms = 3600 * 1000;
	tcfg.buckets = 1024;
	err = tsx_layer_alloc(&sb->tsxl, sb->tp, tl, &tcfg, &tu, sb);
	if (err)
		goto out;
	if (sa_ntop(&sb->laddr, sb->host, sizeof(sb->host)) ||
	    sa_print(&sb->laddr, sb->hostport, sizeof(sb->hostport))) {
		err = EINVAL;
		goto out;
	}
	log_info("sandbox carrier listening on %s (UDP, TCP)", sb->hostport);
out:
	if (err)
		mem_deref(sb);
	else
		*sbp = sb;
	return err;
}

int sandbox_laddr(const struct sandbox *sb, struct sockaddr_storage *ss)
{
	if (!sb || !ss || !sb->laddr.ss_family)
		return ENOENT;
	*ss = sb->laddr;
	return 0;
}

void sandbox_stats_get(const struct sandbox *sb, struct sandbox_stats *st)
{
	if (sb && st)
		*st = sb->stats;
}
