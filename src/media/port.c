/* Port pool: RTP/RTCP port pairs (even, odd) from --media-ports, handed
 * out first-in first-out so a freed pair rests as long as possible before
 * reuse (late packets of an old call do not reach a new one). Allocation
 * and release are O(1); a pair some other process holds (EADDRINUSE) goes
 * to the tail and the next is tried. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/sa.h"
#include "media/media_int.h"

#define NIL UINT32_MAX

static void free_push(struct relay *r, uint32_t pair)
{
	r->pairs[pair].next_free = NIL;
	r->pairs[pair].used = false;
	if (r->free_tail == NIL)
		r->free_head = pair;
	else
		r->pairs[r->free_tail].next_free = pair;
	r->free_tail = pair;
	r->nfree++;
}

static uint32_t free_pop(struct relay *r)
{
	uint32_t pair = r->free_head;

	if (pair == NIL)
		return NIL;
	r->free_head = r->pairs[pair].next_free;
	if (r->free_head == NIL)
		r->free_tail = NIL;
	r->pairs[pair].next_free = NIL;
	r->pairs[pair].used = true;
	r->nfree--;
	return pair;
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
	r->free_head = r->free_tail = NIL;
	r->nfree = 0;
	for (i = 0; i < r->npairs; i++)
		free_push(r, i);
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

static int sock_open(struct relay *r, uint32_t slot,
		     const struct sockaddr_storage *addr)
{
	struct relay_sfd *sfd = &r->sfds[slot];
	struct sockaddr_storage sa = *addr;
	struct epoll_event ev;
	int fd, one = 1, err = 0;

	fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
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

int relay_pair_open(struct relay *r, struct sockaddr_storage *local,
		    uint32_t *pairp)
{
	uint32_t tries = r->nfree, pair;
	int err = ENOSPC;

	while (tries--) {
		pair = free_pop(r);
		if (pair == NIL)
			break;
		err = sock_open(r, 2 * pair, local);
		if (!err) {
			err = sock_open(r, 2 * pair + 1, local);
			if (err)
				sfd_close(&r->sfds[2 * pair]);
		}
		if (!err) {
			sa_set_port(local,
				    (uint16_t)(r->port_base + 2 * pair));
			*pairp = pair;
			return 0;
		}
		free_push(r, pair);
		if (err != EADDRINUSE && err != EACCES)
			return err;
		err = ENOSPC;
	}
	return err;
}

void relay_pair_close(struct relay *r, uint32_t pair)
{
	if (pair >= r->npairs || !r->pairs[pair].used)
		return;
	sfd_close(&r->sfds[2 * pair]);
	sfd_close(&r->sfds[2 * pair + 1]);
	free_push(r, pair);
}

uint32_t relay_ports_free(const struct relay *r)
{
	return r ? r->nfree : 0;
}

uint32_t relay_ports_used(const struct relay *r)
{
	return r ? r->npairs - r->nfree : 0;
}
