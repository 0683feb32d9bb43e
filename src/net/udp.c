/* UDP listeners: batch receive (recvmmsg via libuv), keep-alive
 * filtering, datagram sends. */
#include <errno.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "net/net_int.h"

enum {
	UDP_DGRAM_MAX = 65536,
	UDP_BATCH = 8, /* datagrams per recvmmsg */
};

static void udp_sock_destroy(void *data)
{
	struct udp_sock *us = data;

	list_unlink(&us->le);
	mem_deref(us->rbuf);
}

static void udp_closed(uv_handle_t *h)
{
	mem_deref(h->data);
}

void udp_close(struct udp_sock *us)
{
	if (!us || us->closing)
		return;
	us->closing = true;
	list_unlink(&us->le);
	us->tp = NULL;
	uv_udp_recv_stop(&us->h);
	uv_close((uv_handle_t *)&us->h, udp_closed);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct udp_sock *us = h->data;

	(void)suggested;
	b->base = (char *)us->rbuf;
	b->len = us->rbsz;
}

/* Only CR, LF, SP, HTAB: a keep-alive, not a message. */
static bool is_keepalive(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n' && p[i] != ' ' &&
		    p[i] != '\t')
			return false;
	return true;
}

static void on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *b,
		    const struct sockaddr *addr, unsigned flags)
{
	struct udp_sock *us = h->data;
	struct sip_transp *tp = us->tp;
	struct sip_recv rx;
	struct buf *mb;

	if (flags & UV_UDP_MMSG_FREE)
		return; /* the slab is ours, kept for the next batch */
	if (!tp || nread <= 0 || !addr)
		return; /* nothing more / error (ICMP etc.) */
	if (flags & UV_UDP_PARTIAL) {
		tp->st.dropped_malformed++;
		return;
	}
	if (is_keepalive(b->base, (size_t)nread)) {
		tp->st.keepalives++;
		return;
	}
	memset(&rx, 0, sizeof(rx));
	rx.tp = SIP_TP_UDP;
	mb = buf_alloc((size_t)nread);
	if (!mb || sa_copy(&rx.src, addr)) {
		tp->st.dropped_malformed++;
		mem_deref(mb);
		return;
	}
	(void)buf_write(mb, b->base, (size_t)nread);
	rx.dst = us->laddr;
	transp_deliver(tp, mb, &rx);
	mem_deref(mb);
}

int udp_listen(struct sip_transp *tp, const struct sockaddr_storage *sa,
	       struct sockaddr_storage *boundp)
{
	struct udp_sock *us;
	int nl = sizeof(us->laddr);
	int err;

	us = mem_zalloc(sizeof(*us), udp_sock_destroy);
	if (!us)
		return ENOMEM;
	us->rbsz = UDP_DGRAM_MAX * UDP_BATCH;
	us->rbuf = mem_alloc(us->rbsz, NULL);
	if (!us->rbuf) {
		mem_deref(us);
		return ENOMEM;
	}
	err = uv_udp_init_ex(tp->loop, &us->h,
			     sa->ss_family | UV_UDP_RECVMMSG);
	if (err) {
		mem_deref(us);
		return -err;
	}
	us->h.data = us;
	us->tp = tp;
	list_append(&tp->udps, &us->le, us);
	/* from here the handle owns us: failures close it */
	err = uv_udp_bind(&us->h, (const struct sockaddr *)sa,
			  sa->ss_family == AF_INET6 ? UV_UDP_IPV6ONLY : 0);
	if (!err)
		err = uv_udp_getsockname(&us->h, (struct sockaddr *)&us->laddr,
					 &nl);
	if (!err)
		err = uv_udp_recv_start(&us->h, on_alloc, on_recv);
	if (err) {
		char as[SA_STRLEN];

		log_error("sip: UDP listen %s: %s", sa_str(sa, as, sizeof(as)),
			  uv_strerror(err));
		udp_close(us);
		return -err;
	}
	transp_rcvbuf_set(tp, (uv_handle_t *)&us->h, "UDP", &us->laddr);
	*boundp = us->laddr;
	return 0;
}

static void on_sent(uv_udp_send_t *req, int status)
{
	wreq_done(req->data, status);
}

int udp_send(struct sip_transp *tp, struct udp_sock *us,
	     const struct sockaddr_storage *dst, struct buf *mb,
	     sip_transp_err_h *eh, void *arg)
{
	uv_buf_t ub = uv_buf_init((char *)mb->data, (unsigned)mb->end);
	struct wreq *wr;
	int r;

	(void)tp;
	if (mb->end > UDP_DGRAM_MAX - 1)
		return EMSGSIZE;
	r = uv_udp_try_send(&us->h, &ub, 1, (const struct sockaddr *)dst);
	if (r >= 0)
		return 0;
	if (r != UV_EAGAIN)
		return -r;
	/* socket buffer full: queue it in libuv */
	wr = wreq_alloc(mb, eh, arg);
	if (!wr)
		return ENOMEM;
	wr->us = us;
	wr->req.u.data = wr;
	r = uv_udp_send(&wr->req.u, &us->h, &ub, 1,
			(const struct sockaddr *)dst, on_sent);
	if (r) {
		mem_deref(wr);
		return -r;
	}
	return 0;
}
