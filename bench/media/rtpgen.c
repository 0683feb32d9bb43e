/* RTP load generator of bench/media.sh: N calls, each with two endpoints
 * (A, B) on 127.0.0.1 sending 172-byte PCMU packets at --pps each way
 * through the relay under test, and counting what arrives.
 *
 *   rtpgen [--calls N] [--seconds S] [--pps P] [--size BYTES]
 *          [--warmup MS]
 *
 * Protocol with the driver (bench/media/drive.py), line based:
 *   out: "ep A_PORT B_PORT"   one per call: the endpoints' RTP ports
 *   out: "ready"
 *   in:  "A_DST B_DST"        one per call: the relay ports A and B send to
 *   out: "start"              after the warm-up (latching); counters reset
 *   out: "done SENT RECV"     after S seconds plus a short drain
 * Every loop is bounded by the run time. Exit 0, or 1 on error.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32

struct ep {
	int fd;
	struct sockaddr_in dst;
	uint16_t seq;
	uint32_t ts, ssrc;
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int ep_open(struct ep *e, uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int sz = 1 << 18;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	e->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (e->fd < 0)
		return errno;
	(void)setsockopt(e->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(e->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(e->fd, (struct sockaddr *)&sa, &len))
		return errno;
	*port = ntohs(sa.sin_port);
	return 0;
}

static void rtp_fill(uint8_t *p, size_t size, struct ep *e)
{
	memset(p, 0xff, size); /* PCMU silence */
	p[0] = 0x80;
	p[1] = 0; /* PT 0 */
	p[2] = (uint8_t)(e->seq >> 8);
	p[3] = (uint8_t)e->seq;
	p[4] = (uint8_t)(e->ts >> 24);
	p[5] = (uint8_t)(e->ts >> 16);
	p[6] = (uint8_t)(e->ts >> 8);
	p[7] = (uint8_t)e->ts;
	p[8] = (uint8_t)(e->ssrc >> 24);
	p[9] = (uint8_t)(e->ssrc >> 16);
	p[10] = (uint8_t)(e->ssrc >> 8);
	p[11] = (uint8_t)e->ssrc;
	e->seq++;
	e->ts += 160;
}

/* Receive everything queued on e; returns the number of datagrams. */
static uint64_t ep_drain(struct ep *e)
{
	static uint8_t buf[BATCH][2048];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	uint64_t n = 0;
	int i, r, rounds;

	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		memset(&m[i].msg_hdr, 0, sizeof(m[i].msg_hdr));
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	for (rounds = 0; rounds < 64; rounds++) {
		r = recvmmsg(e->fd, m, BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0)
			break;
		n += (uint64_t)r;
	}
	return n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{.name = "calls", .has_arg = required_argument, .val = 'c'},
		{.name = "seconds", .has_arg = required_argument, .val = 's'},
		{.name = "pps", .has_arg = required_argument, .val = 'p'},
		{.name = "size", .has_arg = required_argument, .val = 'z'},
		{.name = "warmup", .has_arg = required_argument, .val = 'w'},
		{.name = NULL},
	};
	unsigned calls = 100, secs = 10, pps = 50, size = 172, warm = 1000;
	uint8_t pkt[2048];
	struct ep *eps = NULL;
	uint64_t sent = 0, recvd = 0, t0, tick, next, end;
	unsigned i, a, b;
	uint16_t pa, pb;
	int c, err = 1, started = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			calls = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			secs = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			pps = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'z':
			size = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			warm = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			return 1;
		}
	}
	if (!calls || calls > 20000 || !secs || secs > 3600 || !pps ||
	    pps > 1000 || size < 12 || size > sizeof(pkt)) {
		fprintf(stderr, "rtpgen: bad arguments\n");
		return 1;
	}
	eps = calloc(2 * (size_t)calls, sizeof(*eps));
	if (!eps)
		goto out;
	for (i = 0; i < 2 * calls; i++)
		eps[i].fd = -1;
	for (i = 0; i < calls; i++) {
		if (ep_open(&eps[2 * i], &pa) ||
		    ep_open(&eps[2 * i + 1], &pb)) {
			perror("rtpgen: socket");
			goto out;
		}
		eps[2 * i].ssrc = 0x10000000u + i;
		eps[2 * i + 1].ssrc = 0x20000000u + i;
		printf("ep %u %u\n", pa, pb);
	}
	printf("ready\n");
	fflush(stdout);
	for (i = 0; i < calls; i++) {
		if (scanf("%u %u", &a, &b) != 2 || !a || a > 65535 || !b ||
		    b > 65535) {
			fprintf(stderr,
				"rtpgen: bad relay ports for call %u\n", i);
			goto out;
		}
		eps[2 * i].dst.sin_family = AF_INET;
		eps[2 * i].dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		eps[2 * i].dst.sin_port = htons((uint16_t)a);
		eps[2 * i + 1].dst = eps[2 * i].dst;
		eps[2 * i + 1].dst.sin_port = htons((uint16_t)b);
	}

	/* Every endpoint sends once per tick; ticks are 1/pps apart. */
	tick = 1000000000u / pps;
	t0 = now_ns();
	next = t0;
	end = t0 + (uint64_t)warm * 1000000u + (uint64_t)secs * 1000000000u;
	while (next < end) {
		uint64_t t = now_ns();

		if (!started && t >= t0 + (uint64_t)warm * 1000000u) {
			for (i = 0; i < 2 * calls; i++)
				(void)ep_drain(&eps[i]);
			sent = recvd = 0;
			started = 1;
			printf("start\n");
			fflush(stdout);
		}
		if (t < next) {
			struct timespec ts = {
				.tv_sec = (time_t)((next - t) / 1000000000u),
				.tv_nsec = (long)((next - t) % 1000000000u)};
			nanosleep(&ts, NULL);
			continue;
		}
		for (i = 0; i < 2 * calls; i++) {
			rtp_fill(pkt, size, &eps[i]);
			if (sendto(eps[i].fd, pkt, size, 0,
				   (struct sockaddr *)&eps[i].dst,
				   sizeof(eps[i].dst)) == (ssize_t)size)
				sent++;
		}
		for (i = 0; i < 2 * calls; i++)
			recvd += ep_drain(&eps[i]);
		next += tick;
	}
	/* drain what is still in flight, 300 ms at most */
	end = now_ns() + 300000000u;
	while (now_ns() < end) {
		struct timespec ts = {.tv_nsec = 10000000};

		for (i = 0; i < 2 * calls; i++)
			recvd += ep_drain(&eps[i]);
		nanosleep(&ts, NULL);
	}
	printf("done %llu %llu\n", (unsigned long long)sent,
	       (unsigned long long)recvd);
	fflush(stdout);
	err = 0;
out:
	if (eps) {
		for (i = 0; i < 2 * calls; i++)
			if (eps[i].fd >= 0)
				close(eps[i].fd);
		free(eps);
	}
	return err;
}
