/* Transport core: objects, dispatch, response routing; see transp.h. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "net/net_int.h"

enum {
	DEF_RCVBUF = 4 * 1024 * 1024,
	DEF_TCP_IDLE_MS = 300000,
	DEF_TCP_MAX_CONNS = 4096,
	DEF_TCP_MAX_BUFFERED = 131072,
	DEF_UDP_MAX_SIZE = 1300,
	SIP_DEFAULT_PORT = 5060,
};

static void transp_destroy(void *data)
{
	struct sip_transp *tp = data;
	struct le *le;

	while ((le = tp->udps.head))
		udp_close(le->data);
	while ((le = tp->tcpls.head))
		tcp_lsnr_close(le->data);
	/* drop every connection without callbacks; closing ones too must
	 * forget us */
	while ((le = tp->conn_list.head)) {
		struct sip_conn *c = le->data;

		conn_close(c, 0, false);
		c->tp = NULL;
		list_unlink(&c->le_all);
	}
	mem_deref(tp->conns);
	mem_deref(tp->tl);
}

int sip_transp_alloc(struct sip_transp **tpp, uv_loop_t *loop, struct tmrl *tl,
		     const struct sip_transp_config *cfg,
		     sip_transp_recv_h *rh, void *arg)
{
	struct sip_transp *tp;
	int err;

	if (!tpp || !loop || !tl)
		return EINVAL;
	tp = mem_zalloc(sizeof(*tp), transp_destroy);
	if (!tp)
		return ENOMEM;
	tp->loop = loop;
	tp->tl = mem_ref(tl);
	if (cfg)
		tp->cfg = *cfg;
	if (!tp->cfg.rcvbuf)
		tp->cfg.rcvbuf = DEF_RCVBUF;
	if (!tp->cfg.tcp_idle_ms)
		tp->cfg.tcp_idle_ms = DEF_TCP_IDLE_MS;
	if (!tp->cfg.tcp_max_conns)
		tp->cfg.tcp_max_conns = DEF_TCP_MAX_CONNS;
	if (!tp->cfg.tcp_max_buffered)
		tp->cfg.tcp_max_buffered = DEF_TCP_MAX_BUFFERED;
	if (!tp->cfg.udp_max_size)
		tp->cfg.udp_max_size = DEF_UDP_MAX_SIZE;
	err = hash_alloc(&tp->conns, 1024);
	if (err) {
		mem_deref(tp);
		return err;
	}
	tp->rh = rh;
	tp->arg = arg;
	*tpp = tp;
	return 0;
}

void sip_transp_handler_set(struct sip_transp *tp, sip_transp_recv_h *rh,
			    void *arg)
{
	if (!tp)
		return;
	tp->rh = rh;
	tp->arg = arg;
}

void transp_rcvbuf_set(struct sip_transp *tp, uv_handle_t *h, const char *what,
		       const struct sockaddr_storage *sa)
{
	char as[SA_STRLEN];
	uv_os_fd_t fd;
	int want, got = 0;
	socklen_t gl = sizeof(got);

	if (uv_fileno(h, &fd))
		return;
	want = tp->cfg.rcvbuf > (size_t)INT32_MAX / 2 ? INT32_MAX / 2
						      : (int)tp->cfg.rcvbuf;
	/* FORCE passes net.core.rmem_max when privileged */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want,
				 sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &gl))
		got = 0;
	/* Linux reports twice the usable size it books */
	if (got / 2 >= want || got >= want)
		log_info("sip: %s %s: receive buffer %d bytes", what,
			 sa_str(sa, as, sizeof(as)), got);
	else
		log_warn("sip: %s %s: receive buffer %d bytes, wanted %d "
			 "(raise net.core.rmem_max)",
			 what, sa_str(sa, as, sizeof(as)), got, want);
}

/* One UDP+TCP (or single) listener on tsa. */
static int listen_once(struct sip_transp *tp, unsigned flags,
		       struct sockaddr_storage *tsa)
{
	struct sockaddr_storage bound;
	int err;

	if (flags & SIP_TPF_UDP) {
		err = udp_listen(tp, tsa, &bound);
		if (err)
			return err;
		/* TCP on the same port UDP got */
		sa_set_port(tsa, sa_port(&bound));
	}
	if (flags & SIP_TPF_TCP) {
		err = tcp_listen(tp, tsa, &bound);
		if (err) {
			if ((flags & SIP_TPF_UDP) && tp->udps.tail)
				udp_close(tp->udps.tail->data);
			return err;
		}
	}
	return 0;
}

int sip_transp_listen(struct sip_transp *tp, unsigned flags,
		      const struct sockaddr *sa)
{
	struct sockaddr_storage tsa;
	bool any_port;
	int err;

	if (!tp || sa_copy(&tsa, sa) || !(flags & (SIP_TPF_UDP | SIP_TPF_TCP)))
		return EINVAL;
	/* Port 0 with both transports: the UDP port the kernel picks may be
	 * taken for TCP; pick again rather than fail. */
	any_port =
		sa_port(&tsa) == 0 && (flags & (SIP_TPF_UDP | SIP_TPF_TCP)) ==
					      (SIP_TPF_UDP | SIP_TPF_TCP);
	for (int i = 0; i < 16; i++) {
		if (any_port)
			sa_set_port(&tsa, 0);
		err = listen_once(tp, flags, &tsa);
		if (err != EADDRINUSE || !any_port)
			break;
	}
	return err;
}

int sip_transp_laddr(const struct sip_transp *tp, enum sip_transport tpk,
		     int af, struct sockaddr_storage *ss)
{
	struct le *le;

	if (!tp || !ss)
		return EINVAL;
	if (tpk == SIP_TP_UDP) {
		LIST_FOREACH(&tp->udps, le)
		{
			struct udp_sock *us = le->data;

			if (af == AF_UNSPEC || us->laddr.ss_family == af) {
				*ss = us->laddr;
				return 0;
			}
		}
	} else if (tpk == SIP_TP_TCP) {
		LIST_FOREACH(&tp->tcpls, le)
		{
			struct tcp_lsnr *tl = le->data;

			if (af == AF_UNSPEC || tl->laddr.ss_family == af) {
				*ss = tl->laddr;
				return 0;
			}
		}
	}
	return ENOENT;
}

struct udp_sock *transp_udp_find(struct sip_transp *tp,
				 const struct sockaddr_storage *laddr, int af)
{
	struct udp_sock *fam = NULL;
	struct le *le;

	LIST_FOREACH(&tp->udps, le)
	{
		struct udp_sock *us = le->data;

		if (laddr && sa_eq(&us->laddr, laddr))
			return us;
		if (!fam && us->laddr.ss_family == af)
			fam = us;
	}
	return fam;
}

static void wreq_destroy(void *data)
{
	struct wreq *wr = data;

	list_unlink(&wr->le);
	mem_deref(wr->mb);
	mem_deref(wr->arg);
}

struct wreq *wreq_alloc(struct buf *mb, sip_transp_err_h *eh, void *arg)
{
	struct wreq *wr = mem_zalloc(sizeof(*wr), wreq_destroy);

	if (!wr)
		return NULL;
	wr->mb = mem_ref(mb);
	wr->eh = eh;
	wr->arg = mem_ref(arg);
	return wr;
}

/* Finish a send: report a failure (status: negative libuv code) unless
 * its transport is gone, then free. */
void wreq_done(struct wreq *wr, int status)
{
	struct sip_transp *tp = NULL;

	if (wr->conn)
		tp = wr->conn->tp;
	else if (wr->us)
		tp = wr->us->tp;
	if (status < 0 && tp) {
		tp->st.send_errors++;
		if (wr->eh && status != UV_ECANCELED)
			wr->eh(-status, wr->arg);
	}
	mem_deref(wr);
}

void transp_deliver(struct sip_transp *tp, struct buf *mb,
		    const struct sip_recv *rx)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;
	struct pl pl = buf_pl(mb);
	int err;

	tp->st.rx_bytes += pl.l;
	err = sip_msg_decode(&msg, &pl, mb, rx->tp != SIP_TP_UDP, &reason);
	if (err) {
		char as[SA_STRLEN];

		log_debug("sip: undecodable message from %s/%s: %s",
			  sa_str(&rx->src, as, sizeof(as)),
			  sip_transport_name(rx->tp),
			  reason ? reason : "error");
		if (err != ENOMEM && !salvage_400(tp, &pl, reason, rx))
			tp->st.answered_400++;
		else
			tp->st.dropped_malformed++;
		return;
	}
	tp->st.received++;
	if (tp->rh) {
		mem_ref(tp);
		tp->rh(msg, rx, tp->arg);
		mem_deref(tp);
	}
	mem_deref(msg);
}

/* sip_transp_send(); UDP goes from the socket bound to laddr when there
 * is one (laddr may be NULL), else from the first of dst's family. */
static int transp_send(struct sip_transp *tp, enum sip_transport tpk,
		       const struct sockaddr_storage *dst,
		       const struct sockaddr_storage *laddr,
		       struct sip_conn *conn, struct buf *mb,
		       sip_transp_err_h *eh, void *arg)
{
	int err;

	if (!tp || !mb || !sa_isset(dst))
		return EINVAL;
	switch (tpk) {
	case SIP_TP_UDP: {
		struct udp_sock *us =
			transp_udp_find(tp, laddr, dst->ss_family);

		if (!us)
			return EAFNOSUPPORT;
		err = udp_send(tp, us, dst, mb, eh, arg);
		break;
	}
	case SIP_TP_TCP:
		err = tcp_send(tp, conn, dst, mb, eh, arg);
		break;
	default:
		return EPROTONOSUPPORT;
	}
	if (err)
		tp->st.send_errors++;
	else
		tp->st.sent++;
	return err;
}

int sip_transp_send(struct sip_transp *tp, enum sip_transport tpk,
		    const struct sockaddr *dst, struct sip_conn *conn,
		    struct buf *mb, sip_transp_err_h *eh, void *arg)
{
	struct sockaddr_storage d;

	if (sa_copy(&d, dst))
		return EINVAL;
	return transp_send(tp, tpk, &d, NULL, conn, mb, eh, arg);
}

/* Rewrite the top Via's "UDP" to "TCP" in place (same length). */
static int via_to_tcp(struct buf *mb)
{
	struct sip_msg *msg = NULL;
	const struct sip_via *via;
	struct pl pl = buf_pl(mb);
	int err;

	err = sip_msg_decode(&msg, &pl, NULL, false, NULL);
	if (err)
		return err;
	err = sip_msg_via(msg, &via);
	if (err)
		goto out;
	if (via->tp != SIP_TP_UDP || via->tp_pl.l != 3 ||
	    via->tp_pl.p < (const char *)mb->data ||
	    via->tp_pl.p + 3 > (const char *)mb->data + mb->end) {
		err = EINVAL;
		goto out;
	}
	memcpy(mb->data + (via->tp_pl.p - (const char *)mb->data), "TCP", 3);
out:
	mem_deref(msg);
	return err;
}

int sip_transp_send_request(struct sip_transp *tp, enum sip_transport *tpkp,
			    const struct sockaddr *dst, struct sip_conn *conn,
			    struct buf *mb, bool tcp_ok, sip_transp_err_h *eh,
			    void *arg)
{
	if (!tp || !tpkp || !mb)
		return EINVAL;
	if (*tpkp == SIP_TP_UDP && tcp_ok && mb->end > tp->cfg.udp_max_size &&
	    !via_to_tcp(mb))
		*tpkp = SIP_TP_TCP;
	return sip_transp_send(tp, *tpkp, dst, conn, mb, eh, arg);
}

int sip_transp_send_response(struct sip_transp *tp, const struct sip_recv *rx,
			     const struct sip_via *via, struct buf *mb,
			     sip_transp_err_h *eh, void *arg)
{
	struct sockaddr_storage dst;
	uint16_t port;

	if (!tp || !rx || !via || !mb)
		return EINVAL;
	port = via->port ? via->port : SIP_DEFAULT_PORT;
	dst = rx->src;
	if (rx->tp != SIP_TP_UDP) {
		/* §18.2.2: the same connection, else received + sent-by
		 * port (the source port was the peer's ephemeral one) */
		if (!sip_conn_isopen(rx->conn))
			sa_set_port(&dst, port);
		return transp_send(tp, rx->tp, &dst, NULL,
				   sip_conn_isopen(rx->conn) ? rx->conn : NULL,
				   mb, eh, arg);
	}
	if (pl_isset(&via->maddr)) {
		if (sa_set(&dst, &via->maddr, port))
			return EINVAL; /* a name: needs DNS, not supported */
		return transp_send(tp, SIP_TP_UDP, &dst, NULL, NULL, mb, eh,
				   arg);
	}
	if (!via->rport)
		sa_set_port(&dst, port);
	/* answer from the socket the request came in on */
	return transp_send(tp, SIP_TP_UDP, &dst,
			   sa_isset(&rx->dst) ? &rx->dst : NULL, NULL, mb, eh,
			   arg);
}

/* Is the Via host the literal source address? */
static bool host_is_src(const struct pl *host,
			const struct sockaddr_storage *src)
{
	struct sockaddr_storage ss;

	return !sa_set(&ss, host, 0) && sa_eq_addr(&ss, src);
}

int sip_transp_via_print(struct buf *mb, const struct sip_via *via,
			 const struct sip_recv *rx)
{
	const struct sockaddr_storage *src = &rx->src;
	struct pl rest = via->params;
	char host[SA_STRLEN];
	bool add_received;
	int err;

	/* direct writes: printf cost ~2k instructions per response */
	add_received = via->rport || !host_is_src(&via->host, src);
	err = buf_write_pl(mb, &via->proto);
	err = err ? err : buf_write_u8(mb, ' ');
	err = err ? err : buf_write_pl(mb, &via->host);
	if (!err && via->port) {
		err = buf_write_u8(mb, ':');
		err = err ? err : buf_write_u32(mb, via->port);
	}
	/* params: keep all, fill rport, replace received */
	while (!err && rest.l) {
		struct pl p, name;
		const char *semi, *eq;

		if (rest.p[0] == ';') {
			rest.p++;
			rest.l--;
			continue;
		}
		semi = pl_chr(&rest, ';');
		pl_set(&p, rest.p, semi ? (size_t)(semi - rest.p) : rest.l);
		rest.p += p.l;
		rest.l -= p.l;
		eq = pl_chr(&p, '=');
		pl_set(&name, p.p, eq ? (size_t)(eq - p.p) : p.l);
		pl_trim(&name);
		if (pl_caseeq_str(&name, "received") && add_received)
			continue;
		if (pl_caseeq_str(&name, "rport")) {
			err = buf_write_lit(mb, ";rport=");
			err = err ? err : buf_write_u32(mb, sa_port(src));
		} else {
			err = buf_write_u8(mb, ';');
			err = err ? err : buf_write_pl(mb, &p);
		}
	}
	if (!err && add_received && !sa_ntop(src, host, sizeof(host))) {
		err = buf_write_lit(mb, ";received=");
		err = err ? err : buf_write_str(mb, host);
	}
	return err;
}

void sip_transp_stats_get(const struct sip_transp *tp,
			  struct sip_transp_stats *st)
{
	if (!tp || !st)
		return;
	*st = tp->st;
}
