/* RTP relay throughput: N calls on 127.0.0.1, each with a sender and a
 * receiver endpoint; this thread sends 172-byte RTP packets (PCMU 20 ms)
 * into leg A of every call with sendmmsg() and drains leg B's receivers,
 * keeping at most --window packets in flight so the measure is of
 * forwarding, not of socket-buffer drops. Prints packets/s forwarded.
 *
 *   rtp_bench [--calls N] [--seconds S] [--size BYTES] [--window W]
 *             [--ports LO-HI]
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/sa.h"
#include "media/media.h"

#define BATCH 32

struct ep {
	int fa, fb;
	struct sockaddr_storage a, b, la;
	struct relay_call *call;
};

static int ep_open(struct sockaddr_storage *sa)
{
	socklen_t len = sizeof(*sa);
	int fd, sz = 1 << 20;

	if (sa_parse(sa, "127.0.0.1", 0))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)sa, sa_len(sa)) ||
	    getsockname(fd, (struct sockaddr *)sa, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{.name = "calls", .has_arg = required_argument, .val = 'c'},
		{.name = "seconds", .has_arg = required_argument, .val = 's'},
		{.name = "size", .has_arg = required_argument, .val = 'z'},
		{.name = "window", .has_arg = required_argument, .val = 'w'},
		{.name = "ports", .has_arg = required_argument, .val = 'p'},
		{.name = NULL},
	};
	unsigned calls = 20, secs = 2, size = 172, window = 1024, i, j;
	unsigned lo = 40000, hi = 44999;
	struct relay_conf conf;
	struct relay *r = NULL;
	struct ep *eps = NULL;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	static uint8_t data[BATCH][2048];
	struct relay_media_param p;
	struct relay_media_stats st;
	uint64_t sent = 0, recvd = 0, lost = 0, t0, t1, now, dropped = 0;
	int c, n, err = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			calls = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			secs = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'z':
			size = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			window = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			if (sscanf(optarg, "%u-%u", &lo, &hi) != 2)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (!calls || !secs || size < 12 || size > 2048 || !window ||
	    lo > hi || hi > 65535)
		goto usage;

	memset(&conf, 0, sizeof(conf));
	conf.port_lo = (uint16_t)lo;
	conf.port_hi = (uint16_t)hi;
	conf.rtp_timeout_ms = 600000;
	conf.oneway_ms = 600000;
	if (relay_alloc(&r, &conf, NULL, NULL, NULL)) {
		fprintf(stderr, "rtp_bench: relay_alloc failed\n");
		return 1;
	}
	eps = calloc(calls, sizeof(*eps));
	if (!eps)
		goto out;
	for (i = 0; i < calls; i++) {
		struct ep *e = &eps[i];

		e->fa = ep_open(&e->a);
		e->fb = ep_open(&e->b);
		if (e->fa < 0 || e->fb < 0 ||
		    relay_call_alloc(&e->call, r, "bench", NULL)) {
			fprintf(stderr, "rtp_bench: setup failed\n");
			goto out;
		}
		memset(&p, 0, sizeof(p));
		p.rtp = e->a;
		if (relay_media_set(e->call, RELAY_LEG_A, 0, &p))
			goto nospace;
		p.rtp = e->b;
		if (relay_media_set(e->call, RELAY_LEG_B, 0, &p) ||
		    relay_media_local(e->call, RELAY_LEG_A, 0, &e->la))
			goto nospace;
	}

	for (j = 0; j < BATCH; j++) {
		memset(data[j], 0xd5, size);
		data[j][0] = 0x80;
	}
	t0 = clock_now_ms();
	t1 = t0 + (uint64_t)secs * 1000;
	now = t0;
	while (now < t1) {
		for (i = 0; i < calls; i++) {
			struct ep *e = &eps[i];

			if (sent - recvd + BATCH <= window) {
				memset(msgs, 0, sizeof(msgs));
				for (j = 0; j < BATCH; j++) {
					iov[j].iov_base = data[j];
					iov[j].iov_len = size;
					msgs[j].msg_hdr.msg_iov = &iov[j];
					msgs[j].msg_hdr.msg_iovlen = 1;
					msgs[j].msg_hdr.msg_name = &e->la;
					msgs[j].msg_hdr.msg_namelen =
						sa_len(&e->la);
				}
				n = sendmmsg(e->fa, msgs, BATCH, 0);
				if (n > 0)
					sent += (unsigned)n;
			}
			for (;;) {
				memset(msgs, 0, sizeof(msgs));
				for (j = 0; j < BATCH; j++) {
					iov[j].iov_base = data[j];
					iov[j].iov_len = sizeof(data[j]);
					msgs[j].msg_hdr.msg_iov = &iov[j];
					msgs[j].msg_hdr.msg_iovlen = 1;
				}
				n = recvmmsg(e->fb, msgs, BATCH, MSG_DONTWAIT,
					     NULL);
				if (n <= 0)
					break;
				recvd += (unsigned)n;
			}
		}
		now = clock_now_ms();
		/* packets lost on the way never come back: let the window
		 * recover rather than stall */
		if (sent - recvd >= window) {
			usleep(1000);
			if (sent - recvd >= window) {
				lost += sent - recvd;
				sent = recvd;
			}
		}
	}
	for (i = 0; i < calls; i++) {
		if (!relay_media_stats(eps[i].call, RELAY_LEG_A, 0, &st))
			dropped += st.rtp.dropped;
		if (!relay_media_stats(eps[i].call, RELAY_LEG_B, 0, &st))
			dropped += st.rtp.dropped;
	}
	printf("rtp_bench: calls=%u size=%u seconds=%.2f forwarded=%llu "
	       "pps=%.0f relay_dropped=%llu lost=%llu\n",
	       calls, size, (double)(now - t0) / 1000.0,
	       (unsigned long long)recvd,
	       (double)recvd * 1000.0 / (double)(now - t0),
	       (unsigned long long)dropped, (unsigned long long)lost);
	err = 0;
	goto out;
nospace:
	fprintf(stderr, "rtp_bench: no ports for %u calls in %u-%u\n", calls,
		lo, hi);
out:
	if (eps) {
		for (i = 0; i < calls; i++) {
			relay_call_delete(eps[i].call);
			if (eps[i].fa > 0)
				close(eps[i].fa);
			if (eps[i].fb > 0)
				close(eps[i].fb);
		}
		free(eps);
	}
	mem_deref(r);
	return err;
usage:
	fprintf(stderr, "usage: rtp_bench [--calls N] [--seconds S] "
			"[--size BYTES] [--window W] [--ports LO-HI]\n");
	return 2;
}
