/* The relay: its life cycle and the relay thread, which waits on one
 * epoll set (level-triggered) holding every relay socket plus an eventfd
 * used to stop it, reads each readable socket with one recvmmsg() of up
 * to RELAY_BATCH datagrams and sends them on with one sendmmsg() from the
 * other leg's socket. Buffers are allocated once; nothing is allocated
 * per packet. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "media/media_int.h"

#define WAKE_COOKIE UINT64_MAX

/* Receive/send state, touched by the relay thread only. */
struct relay_io {
	struct mmsghdr in[RELAY_BATCH];
	struct mmsghdr out[RELAY_BATCH];
	struct iovec iov_in[RELAY_BATCH];
	struct iovec iov_out[RELAY_BATCH];
	struct sockaddr_storage src[RELAY_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(int)) * 2];
		struct cmsghdr align;
	} ctl[RELAY_BATCH];
	uint8_t data[RELAY_BATCH][RELAY_PKT_MAX];
};

static int cmsg_ttl(struct msghdr *mh)
{
	struct cmsghdr *c;
	int v;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		     c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			return v;
		}
	}
	return -1;
}

/* The stream packets received on ps go out of: same media index and
 * component, other leg. NULL when that side has no socket. */
static struct relay_stream *stream_peer(const struct relay_stream *ps)
{
	const struct relay_media *m = ps->media;
	const struct relay_call *call = m->leg->call;
	struct relay_media *om = call->legs[!m->leg->id].media[m->idx];

	if (!om)
		return NULL;
	return ps->rtcp ? &om->rtcp : &om->rtp;
}

/* Where to send to the peer of ps: the latched source when its leg is
 * symmetric, else the SDP address. NULL: unknown. */
static const struct sockaddr_storage *
stream_dest(const struct relay_stream *ps)
{
	if (ps->media->leg->symmetric && ps->learned_set)
		return &ps->learned;
	if (ps->advertised.ss_family == AF_UNSPEC || !sa_port(&ps->advertised))
		return NULL;
	return &ps->advertised;
}

/* A datagram from src arrived on ps: count it, latch, observe. */
static void stream_input(struct relay *r, struct relay_stream *ps,
			 const struct sockaddr_storage *src, size_t len,
			 int ttl, uint64_t now)
{
	struct relay_event ev;
	bool adv = ps->advertised.ss_family != AF_UNSPEC &&
		   sa_port(&ps->advertised);

	ps->st.pkts_in++;
	ps->st.bytes_in += len;
	if (!ps->st.first_in_ms)
		ps->st.first_in_ms = now;
	ps->st.last_in_ms = now;
	if (ttl >= 0 && (ps->st.ttl_min < 0 || ttl < ps->st.ttl_min))
		ps->st.ttl_min = ttl;

	if (ps->learned_set) {
		if (sa_eq(src, &ps->learned)) {
			ps->learned_ms = now;
		} else if (now - ps->learned_ms >= r->conf.relatch_ms) {
			/* the latched source fell silent and another one
			 * talks: a NAT rebinding; follow it */
			ps->learned = *src;
			ps->learned_ms = now;
		}
	} else {
		ps->learned = *src;
		ps->learned_set = true;
		ps->learned_ms = now;
		if (adv && !sa_eq(src, &ps->advertised) && !ps->rtcp &&
		    !ps->mismatch_sent) {
			ps->mismatch_sent = true;
			relay_event_fill(&ev, RELAY_EV_ADDR_MISMATCH, ps);
			ev.addr = *src;
			ev.sdp_addr = ps->advertised;
			ev.latched = ps->media->leg->symmetric;
			relay_event_push(r, &ev);
		}
	}
	if (ttl >= 0 && ttl <= RELAY_TTL_LOW && !ps->rtcp && !ps->ttl_sent) {
		ps->ttl_sent = true;
		relay_event_fill(&ev, RELAY_EV_LOW_TTL, ps);
		ev.addr = *src;
		ev.sdp_addr = ps->advertised;
		ev.ttl = ttl;
		relay_event_push(r, &ev);
	}
}

static void io_prepare_in(struct relay_io *io)
{
	unsigned i;

	for (i = 0; i < RELAY_BATCH; i++) {
		struct msghdr *mh = &io->in[i].msg_hdr;

		io->iov_in[i].iov_base = io->data[i];
		io->iov_in[i].iov_len = RELAY_PKT_MAX;
		mh->msg_name = &io->src[i];
		mh->msg_namelen = sizeof(io->src[i]);
		mh->msg_iov = &io->iov_in[i];
		mh->msg_iovlen = 1;
		mh->msg_control = io->ctl[i].buf;
		mh->msg_controllen = sizeof(io->ctl[i].buf);
		mh->msg_flags = 0;
	}
}

/* Read one batch from the socket in slot, forward it. [L] */
static void sock_handle(struct relay *r, struct relay_io *io, uint32_t slot,
			uint32_t gen)
{
	struct relay_sfd *sfd = &r->sfds[slot];
	struct relay_stream *ps, *peer;
	const struct sockaddr_storage *dst = NULL;
	uint64_t now;
	int n, i, nout = 0, sent, done;

	if (sfd->gen != gen || sfd->fd < 0)
		return;
	ps = sfd->ps;
	io_prepare_in(io);
	n = recvmmsg(sfd->fd, io->in, RELAY_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	if (!ps) {
		/* a warm socket between calls: late packets of its last
		 * call, read so the level-triggered epoll rests */
		r->idle_dropped += (uint64_t)n;
		return;
	}
	now = clock_now_ms();
	peer = stream_peer(ps);
	if (peer && peer->sfd)
		dst = stream_dest(peer);
	/* a family-switching re-INVITE: the socket cannot reach dst */
	if (dst && dst->ss_family != peer->media->local.ss_family)
		dst = NULL;

	for (i = 0; i < n; i++) {
		struct msghdr *mh = &io->in[i].msg_hdr;
		size_t len = io->in[i].msg_len;

		if (mh->msg_flags & MSG_TRUNC) {
			ps->st.dropped++;
			continue;
		}
		stream_input(r, ps, &io->src[i], len, cmsg_ttl(mh), now);
		if (!dst) {
			ps->st.dropped++;
			continue;
		}
		io->iov_out[nout].iov_base = io->data[i];
		io->iov_out[nout].iov_len = len;
		memset(&io->out[nout].msg_hdr, 0, sizeof(struct msghdr));
		io->out[nout].msg_hdr.msg_name = (void *)dst;
		io->out[nout].msg_hdr.msg_namelen = sa_len(dst);
		io->out[nout].msg_hdr.msg_iov = &io->iov_out[nout];
		io->out[nout].msg_hdr.msg_iovlen = 1;
		nout++;
	}
	for (done = 0; done < nout;) {
		sent = sendmmsg(peer->sfd->fd, io->out + done,
				(unsigned)(nout - done), MSG_DONTWAIT);
		if (sent <= 0) {
			/* a full socket buffer or an ICMP error: drop the
			 * rest of the batch */
			peer->st.dropped += (uint64_t)(nout - done);
			break;
		}
		for (i = done; i < done + sent; i++) {
			peer->st.pkts_out++;
			peer->st.bytes_out += io->out[i].msg_len;
		}
		done += sent;
	}
}

static void *relay_thread(void *arg)
{
	struct relay *r = arg;
	struct epoll_event evs[RELAY_EVENTS];
	struct relay_io *io = r->io;
	uint64_t now, next_check;
	int n, i, timeout;

	next_check = clock_now_ms() + r->conf.check_ms;
	while (!atomic_load(&r->stop)) {
		now = clock_now_ms();
		timeout = next_check > now ? (int)(next_check - now) : 0;
		n = epoll_wait(r->epfd, evs, RELAY_EVENTS, timeout);
		if (n < 0 && errno != EINTR) {
			log_error("media: epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			uint64_t c = evs[i].data.u64;

			if (c == WAKE_COOKIE) {
				uint64_t v;

				if (read(r->wakefd, &v, sizeof(v)) < 0 &&
				    errno != EAGAIN)
					log_warn("media: eventfd read: %s",
						 strerror(errno));
				continue;
			}
			pthread_mutex_lock(&r->lock);
			sock_handle(r, io, (uint32_t)c, (uint32_t)(c >> 32));
			pthread_mutex_unlock(&r->lock);
		}
		now = clock_now_ms();
		if (now >= next_check) {
			pthread_mutex_lock(&r->lock);
			relay_check(r, now);
			pthread_mutex_unlock(&r->lock);
			next_check = now + r->conf.check_ms;
		}
	}
	return NULL;
}

static void async_close_cb(uv_handle_t *h)
{
	mem_deref(h);
}

static void async_cb(uv_async_t *h)
{
	struct relay *r = h->data;

	(void)relay_event_poll(r);
}

static void relay_destructor(void *data)
{
	struct relay *r = data;
	uint64_t one = 1;

	if (r->thread_started) {
		atomic_store(&r->stop, true);
		if (write(r->wakefd, &one, sizeof(one)) < 0)
			log_warn("media: eventfd write: %s", strerror(errno));
		pthread_join(r->thread, NULL);
	}
	if (r->async)
		uv_close((uv_handle_t *)r->async, async_close_cb);
	relay_ports_close(r);
	if (r->wakefd >= 0)
		(void)close(r->wakefd);
	if (r->epfd >= 0)
		(void)close(r->epfd);
	relay_evq_destroy(&r->evq);
	free(r->io);
	if (r->lock_ready)
		pthread_mutex_destroy(&r->lock);
}

static bool af_usable(const struct sockaddr_storage *sa, int af)
{
	return sa->ss_family == af;
}

static int conf_apply(struct relay_conf *c, const struct relay_conf *in)
{
	uint32_t m;

	*c = in ? *in : (struct relay_conf){.port_lo = 0};
	if (!c->port_lo && !c->port_hi) {
		c->port_lo = 10000;
		c->port_hi = 20000;
	}
	if (c->addr4.ss_family == AF_UNSPEC &&
	    c->addr6.ss_family == AF_UNSPEC) {
		struct sockaddr_in *in4 = (struct sockaddr_in *)&c->addr4;

		in4->sin_family = AF_INET;
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	if ((c->addr4.ss_family != AF_UNSPEC &&
	     !af_usable(&c->addr4, AF_INET)) ||
	    (c->addr6.ss_family != AF_UNSPEC &&
	     !af_usable(&c->addr6, AF_INET6)) ||
	    (c->public4.ss_family != AF_UNSPEC &&
	     !af_usable(&c->public4, AF_INET)) ||
	    (c->public6.ss_family != AF_UNSPEC &&
	     !af_usable(&c->public6, AF_INET6)))
		return EINVAL;
	if (!c->rtp_timeout_ms)
		c->rtp_timeout_ms = 30000;
	if (!c->oneway_ms)
		c->oneway_ms = 10000;
	if (!c->check_ms) {
		m = c->rtp_timeout_ms < c->oneway_ms ? c->rtp_timeout_ms
						     : c->oneway_ms;
		m /= 4;
		c->check_ms = m < 10 ? 10 : m > 1000 ? 1000 : m;
	}
	if (!c->relatch_ms)
		c->relatch_ms = 2000;
	if (!c->event_queue)
		c->event_queue = 1024;
	if (!c->port_rest_ms)
		c->port_rest_ms = 1000;
	return 0;
}

int relay_alloc(struct relay **rp, const struct relay_conf *conf,
		uv_loop_t *loop, relay_event_h *eh, void *arg)
{
	struct relay *r;
	struct epoll_event ev;
	int err;

	if (!rp)
		return EINVAL;
	r = mem_zalloc(sizeof(*r), relay_destructor);
	if (!r)
		return ENOMEM;
	r->epfd = r->wakefd = -1;
	list_init(&r->calls);
	atomic_init(&r->stop, false);
	r->eh = eh;
	r->arg = arg;
	err = conf_apply(&r->conf, conf);
	if (err)
		goto out;
	if (pthread_mutex_init(&r->lock, NULL)) {
		err = ENOMEM;
		goto out;
	}
	r->lock_ready = true;
	err = relay_evq_init(&r->evq, r->conf.event_queue);
	if (err)
		goto out;
	err = relay_ports_init(r);
	if (err)
		goto out;
	r->io = calloc(1, sizeof(*r->io));
	if (!r->io) {
		err = ENOMEM;
		goto out;
	}
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0) {
		err = errno;
		goto out;
	}
	r->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->wakefd < 0) {
		err = errno;
		goto out;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = WAKE_COOKIE;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->wakefd, &ev)) {
		err = errno;
		goto out;
	}
	if (loop) {
		r->async = mem_zalloc(sizeof(*r->async), NULL);
		if (!r->async) {
			err = ENOMEM;
			goto out;
		}
		err = uv_async_init(loop, r->async, async_cb);
		if (err) {
			r->async = mem_deref(r->async);
			err = -err;
			goto out;
		}
		r->async->data = r;
	}
	err = pthread_create(&r->thread, NULL, relay_thread, r);
	if (err)
		goto out;
	r->thread_started = true;
out:
	if (err)
		mem_deref(r);
	else
		*rp = r;
	return err;
}
