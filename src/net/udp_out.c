/* UDP send batching. A datagram sent from a callback of the loop is
 * queued on its socket and leaves with the others of the same loop
 * iteration in one sendmmsg(), flushed by a uv_check (after the I/O
 * callbacks) and a uv_prepare (after timers, before the loop blocks), so
 * nothing waits for the next event. On loopback a send also delivers to
 * the receiver and wakes it; one system call for the iteration's replies
 * and forwards saves the entry, the return path's preemption check and
 * often a wake-up per datagram (about a tenth of a call's CPU at high
 * call rates).
 *
 * Order per socket is kept: while libuv holds queued sends (a full socket
 * buffer) new datagrams go behind them. Failures are reported through the
 * sender's error handler from the flush callbacks, never from inside
 * sip_transp_send(). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "base/log.h"
#include "base/mem.h"
#include "net/net_int.h"

struct udp_out {
	struct buf *mb; /* ref */
	sip_transp_err_h *eh;
	void *arg; /* ref */
	struct sockaddr_storage dst;
};

struct udp_fail {
	sip_transp_err_h *eh;
	void *arg; /* ref */
	int err;
};

struct udp_outq {
	struct udp_out out[UDP_OUT_MAX];
	struct udp_fail fail[UDP_OUT_MAX];
	unsigned nout, nfail;
};

static void on_sent(uv_udp_send_t *req, int status)
{
	wreq_done(req->data, status);
}

/* Queue mb in libuv (the socket buffer is full). Returns 0 or a positive
 * errno. */
static int send_later(struct udp_sock *us, const struct sockaddr_storage *dst,
		      struct buf *mb, sip_transp_err_h *eh, void *arg)
{
	uv_buf_t ub = uv_buf_init((char *)mb->data, (unsigned)mb->end);
	struct wreq *wr = wreq_alloc(mb, eh, arg);
	int r;

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

/* Entry o failed with err: keep the handler for the report. */
static void fail_add(struct udp_outq *q, struct udp_out *o, int err)
{
	struct udp_fail *f = &q->fail[q->nfail++];

	f->eh = o->eh;
	f->arg = o->arg;
	f->err = err;
	o->arg = NULL;
}

static void flush(struct udp_sock *us)
{
	struct udp_outq *q = us->outq;
	struct mmsghdr msgs[UDP_OUT_MAX];
	struct iovec iov[UDP_OUT_MAX];
	uv_os_fd_t fd = -1;
	unsigned i, n;
	int r;

	if (!q || !q->nout)
		return;
	n = q->nout;
	memset(msgs, 0, n * sizeof(msgs[0]));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = q->out[i].mb->data;
		iov[i].iov_len = q->out[i].mb->end;
		msgs[i].msg_hdr.msg_name = &q->out[i].dst;
		msgs[i].msg_hdr.msg_namelen = sa_len(&q->out[i].dst);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	(void)uv_fileno((uv_handle_t *)&us->h, &fd);
	for (i = 0; i < n;) {
		r = sendmmsg(fd, msgs + i, n - i, MSG_DONTWAIT);
		if (r > 0) {
			i += (unsigned)r;
			continue;
		}
		r = errno;
		if (r == EINTR)
			continue;
		if (r == EAGAIN || r == EWOULDBLOCK || r == ENOBUFS) {
			for (; i < n; i++) {
				struct udp_out *o = &q->out[i];
				int err = send_later(us, &o->dst, o->mb,
						     o->eh, o->arg);

				if (err)
					fail_add(q, o, err);
			}
			break;
		}
		/* this datagram cannot go (no route, ...); the rest can */
		fail_add(q, &q->out[i++], r);
	}
	for (i = 0; i < n; i++) {
		mem_deref(q->out[i].mb);
		mem_deref(q->out[i].arg);
	}
	q->nout = 0;
}

/* Report the failures: handlers may send again (and queue anew). */
static void report(struct udp_sock *us)
{
	struct udp_outq *q = us->outq;
	struct udp_fail f;

	while (q && q->nfail) {
		f = q->fail[--q->nfail];
		if (us->tp) {
			us->tp->st.send_errors++;
			if (f.eh)
				f.eh(f.err, f.arg);
		}
		mem_deref(f.arg);
	}
}

int udp_out_queue(struct udp_sock *us, const struct sockaddr_storage *dst,
		  struct buf *mb, sip_transp_err_h *eh, void *arg)
{
	struct udp_out *o;

	/* behind what libuv holds, to keep the order */
	if (uv_udp_get_send_queue_count(&us->h))
		return send_later(us, dst, mb, eh, arg);
	if (!us->outq)
		return EBADF; /* closed */
	if (us->outq->nout == UDP_OUT_MAX || us->outq->nfail)
		flush(us); /* failures wait for the callbacks' report */
	if (us->outq->nfail + us->outq->nout >= UDP_OUT_MAX)
		return ENOBUFS; /* a full batch failed: not reported yet */
	o = &us->outq->out[us->outq->nout++];
	o->mb = mem_ref(mb);
	o->eh = eh;
	o->arg = mem_ref(arg);
	o->dst = *dst;
	return 0;
}

void sip_transp_flush(struct sip_transp *tp)
{
	if (tp)
		udp_out_flush(tp);
}

void udp_out_flush(struct sip_transp *tp)
{
	struct le *le;

	LIST_FOREACH(&tp->udps, le)
	{
		flush(le->data);
		report(le->data);
	}
}

int udp_out_alloc(struct udp_sock *us)
{
	us->outq = mem_zalloc(sizeof(*us->outq), NULL);
	return us->outq ? 0 : ENOMEM;
}

void udp_out_drop(struct udp_sock *us)
{
	flush(us);
	if (us->outq) {
		while (us->outq->nfail)
			mem_deref(us->outq->fail[--us->outq->nfail].arg);
	}
	us->outq = mem_deref(us->outq);
}

static void on_prepare(uv_prepare_t *h)
{
	udp_out_flush(h->data);
}

static void on_check(uv_check_t *h)
{
	udp_out_flush(h->data);
}

static void handle_closed(uv_handle_t *h)
{
	mem_deref(h);
}

int udp_out_start(struct sip_transp *tp)
{
	tp->prep = mem_zalloc(sizeof(*tp->prep), NULL);
	tp->check = mem_zalloc(sizeof(*tp->check), NULL);
	if (!tp->prep || !tp->check) {
		tp->prep = mem_deref(tp->prep);
		tp->check = mem_deref(tp->check);
		return ENOMEM;
	}
	uv_prepare_init(tp->loop, tp->prep);
	uv_check_init(tp->loop, tp->check);
	tp->prep->data = tp->check->data = tp;
	uv_prepare_start(tp->prep, on_prepare);
	uv_check_start(tp->check, on_check);
	/* they must not keep the loop running */
	uv_unref((uv_handle_t *)tp->prep);
	uv_unref((uv_handle_t *)tp->check);
	return 0;
}

void udp_out_stop(struct sip_transp *tp)
{
	if (tp->prep) {
		uv_close((uv_handle_t *)tp->prep, handle_closed);
		tp->prep = NULL;
	}
	if (tp->check) {
		uv_close((uv_handle_t *)tp->check, handle_closed);
		tp->check = NULL;
	}
}
