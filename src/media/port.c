/* Port pool: RTP/RTCP port pairs (even, odd) from --media-ports.
 *
 * Opening a pair costs ten system calls (socket, setsockopt, bind,
 * epoll_ctl, and a close later, for each of two sockets), about a sixth
 * of a call's whole CPU at high call rates. So a released pair keeps its
 * sockets: it goes to the tail of the warm list, and the relay thread
 * reads and drops whatever still arrives on it. The warm head is handed
 * out again, with no system call, once it has rested conf.port_rest_ms,
 * long enough for the old call's late packets to stop. Until then a pair
 * from the cold list (closed sockets) is opened, first in first out, so
 * a port rests as long as possible before reuse either way.
 *
 * Warm sockets hold descriptors: at most idle_max pairs stay warm (the
 * oldest are closed beyond that), and when socket() runs out of
 * descriptors the oldest warm pair is closed and the open retried. All
 * O(1). A pair some other process holds (EADDRINUSE) goes to the cold
 * tail and the next is tried. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/sa.h"
#include "media/media_int.h"

#define NIL UINT32_MAX

static void fifo_push(struct relay *r, struct relay_fifo *q, uint32_t pair)
{
	r->pairs[pair].next = NIL;
	if (q->tail == NIL)
		q->head = pair;
	else
		r->pairs[q->tail].next = pair;
	q->tail = pair;
	q->n++;
}

static uint32_t fifo_pop(struct relay *r, struct relay_fifo *q)
{
	uint32_t pair = q->head;

	if (pair == NIL)
		return NIL;
	q->head = r->pairs[pair].next;
	if (q->head == NIL)
		q->tail = NIL;
	r->pairs[pair].next = NIL;
	q->n--;
	return pair;
}

/* Warm pairs kept by default: a quarter of the descriptors this process
 * may open (two per pair), leaving the rest to calls and SIP. */
static uint32_t idle_max_default(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > 1u << 20)
		return 1u << 17;
	return (uint32_t)(rl.rlim_cur / 8);
}

int relay_ports_init(struct relay *r)
{
	uint32_t base = r->conf.port_lo, i;

	if (base & 1)
		base++;
	if (!base || r->conf.port_hi < base + 1)
		return EINVAL;
	r->port_base = (uint16_t)base;
	r->npairs = ((uint32_t)r->conf.port_hi - base + 1) / 2;
	r->pairs = calloc(r->npairs, sizeof(*r->pairs));
	r->sfds = calloc((size_t)r->npairs * 2, sizeof(*r->sfds));
	if (!r->pairs || !r->sfds)
		return ENOMEM;
	r->warm.head = r->warm.tail = r->cold.head = r->cold.tail = NIL;
	r->warm.n = r->cold.n = 0;
	r->idle_max = r->conf.idle_pairs_max ? r->conf.idle_pairs_max
					     : idle_max_default();
	for (i = 0; i < r->npairs; i++)
		fifo_push(r, &r->cold, i);
	for (i = 0; i < r->npairs * 2; i++)
		r->sfds[i].fd = -1;
	return 0;
}

static void sfd_close(struct relay_sfd *sfd)
{
	if (sfd->fd >= 0)
		(void)close(sfd->fd); /* also leaves the epoll set */
	sfd->fd = -1;
	sfd->gen++;
	if (sfd->ps)
		sfd->ps->sfd = NULL;
	sfd->ps = NULL;
}

static void pair_sockets_close(struct relay *r, uint32_t pair)
{
	sfd_close(&r->sfds[2 * pair]);
	sfd_close(&r->sfds[2 * pair + 1]);
	r->pairs[pair].open = false;
}

/* Close the oldest warm pair and move it to the cold list. false: none
 * was warm. */
static bool warm_evict(struct relay *r)
{
	uint32_t pair = fifo_pop(r, &r->warm);

	if (pair == NIL)
		return false;
	pair_sockets_close(r, pair);
	fifo_push(r, &r->cold, pair);
	return true;
}

void relay_ports_close(struct relay *r)
{
	uint32_t i;

	if (r->sfds) {
		for (i = 0; i < r->npairs * 2; i++)
			sfd_close(&r->sfds[i]);
	}
	free(r->sfds);
	free(r->pairs);
	r->sfds = NULL;
	r->pairs = NULL;
}

static int sock_new(struct relay *r, int family)
{
	int fd;

	for (;;) {
		fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0);
		if (fd >= 0 || (errno != EMFILE && errno != ENFILE))
			return fd;
		if (!warm_evict(r))
			return -1;
	}
}

static int sock_open(struct relay *r, uint32_t slot,
		     const struct sockaddr_storage *addr)
{
	struct relay_sfd *sfd = &r->sfds[slot];
	struct sockaddr_storage sa = *addr;
	struct epoll_event ev;
	int fd, one = 1, err = 0;

	fd = sock_new(r, sa.ss_family);
	if (fd < 0)
		return errno;
	if (sa.ss_family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
			       sizeof(one)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
			       sizeof(one))) {
			err = errno;
			goto out;
		}
	} else if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one))) {
		err = errno;
		goto out;
	}
	sa_set_port(&sa, (uint16_t)(r->port_base + slot));
	if (bind(fd, (struct sockaddr *)&sa, sa_len(&sa))) {
		err = errno;
		goto out;
	}
	sfd->gen++;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = ((uint64_t)sfd->gen << 32) | slot;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		err = errno;
		goto out;
	}
	sfd->fd = fd;
	sfd->ps = NULL;
out:
	if (err)
		(void)close(fd);
	return err;
}

/* Open both sockets of a cold pair on local. */
static int pair_open(struct relay *r, uint32_t pair,
		     const struct sockaddr_storage *local)
{
	int err = sock_open(r, 2 * pair, local);

	if (!err) {
		err = sock_open(r, 2 * pair + 1, local);
		if (err)
			sfd_close(&r->sfds[2 * pair]);
	}
	if (!err) {
		r->pairs[pair].open = true;
		r->pairs[pair].bound = *local;
	}
	return err;
}

/* The warm head, if it has rested and is bound where local asks. A head
 * bound elsewhere (the other address family) is closed: the cold list
 * will open it where it is needed. */
static uint32_t warm_take(struct relay *r,
			  const struct sockaddr_storage *local, bool rested)
{
	uint64_t now = clock_now_ms();
	uint32_t pair;

	while ((pair = r->warm.head) != NIL) {
		if (rested &&
		    now - r->pairs[pair].released_ms < r->conf.port_rest_ms)
			return NIL;
		if (sa_eq_addr(&r->pairs[pair].bound, local))
			return fifo_pop(r, &r->warm);
		warm_evict(r);
	}
	return NIL;
}

static void pair_hand_out(struct relay *r, uint32_t pair,
			  struct sockaddr_storage *local, uint32_t *pairp)
{
	r->pairs[pair].used = true;
	r->nused++;
	sa_set_port(local, (uint16_t)(r->port_base + 2 * pair));
	*pairp = pair;
}

int relay_pair_open(struct relay *r, struct sockaddr_storage *local,
		    uint32_t *pairp)
{
	uint32_t tries = r->cold.n, pair;
	int err;

	pair = warm_take(r, local, true);
	if (pair != NIL) {
		pair_hand_out(r, pair, local, pairp);
		return 0;
	}
	while (tries--) {
		pair = fifo_pop(r, &r->cold);
		if (pair == NIL)
			break;
		err = pair_open(r, pair, local);
		if (!err) {
			pair_hand_out(r, pair, local, pairp);
			return 0;
		}
		fifo_push(r, &r->cold, pair);
		if (err != EADDRINUSE && err != EACCES)
			return err;
	}
	/* nothing cold can be opened: a warm pair still resting beats a
	 * refused call */
	pair = warm_take(r, local, false);
	if (pair == NIL)
		return ENOSPC;
	pair_hand_out(r, pair, local, pairp);
	return 0;
}

void relay_pair_release(struct relay *r, uint32_t pair)
{
	struct relay_pair *p;

	if (pair >= r->npairs || !r->pairs[pair].used)
		return;
	p = &r->pairs[pair];
	p->used = false;
	r->nused--;
	for (int c = 0; c < 2; c++) {
		struct relay_sfd *sfd = &r->sfds[2 * pair + c];

		if (sfd->ps)
			sfd->ps->sfd = NULL;
		sfd->ps = NULL; /* the relay thread drops what arrives */
	}
	p->released_ms = clock_now_ms();
	fifo_push(r, &r->warm, pair);
	while (r->warm.n > r->idle_max)
		warm_evict(r);
}

uint32_t relay_ports_free(const struct relay *r)
{
	return r ? r->npairs - r->nused : 0;
}

uint32_t relay_ports_used(const struct relay *r)
{
	return r ? r->nused : 0;
}

uint32_t relay_ports_warm(const struct relay *r)
{
	return r ? r->warm.n : 0;
}

uint64_t relay_ports_idle_dropped(struct relay *r)
{
	uint64_t n;

	pthread_mutex_lock(&r->lock);
	n = r->idle_dropped;
	pthread_mutex_unlock(&r->lock);
	return n;
}
