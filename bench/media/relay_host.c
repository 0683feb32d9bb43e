/* trunkd's media relay (src/media) as a process of its own, for
 * bench/media.sh: the same relay thread trunkd runs, driven by a line
 * protocol on stdin instead of the B2BUA, so its CPU time can be measured
 * from /proc like rtpengine's.
 *
 *   relay_host [--ports LO-HI]
 *
 *   in:  "A_PORT B_PORT"   one call: the two endpoints' RTP ports on
 *                          127.0.0.1 (their SDP addresses)
 *   out: "relay RA RB"     the relay ports A and B send to
 *   in:  "go"              all calls set up
 *   out: "ok N"
 *   in:  EOF               delete the calls, print totals, exit
 *   out: "forwarded PKTS dropped PKTS"
 * Exit 0, or 1 on error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sa.h"
#include "media/media.h"

enum { MAX_CALLS = 20000 };

static int call_add(struct relay *r, struct relay_call **callp, unsigned a,
		    unsigned b, unsigned *ra, unsigned *rb)
{
	struct relay_media_param p;
	struct sockaddr_storage la, lb;
	struct relay_call *call = NULL;
	int err;

	err = relay_call_alloc(&call, r, "bench", NULL);
	if (err)
		return err;
	memset(&p, 0, sizeof(p));
	err = sa_parse(&p.rtp, "127.0.0.1", (uint16_t)a);
	err = err ? err : sa_parse(&p.rtcp, "127.0.0.1", (uint16_t)(a + 1));
	err = err ? err : relay_media_set(call, RELAY_LEG_A, 0, &p);
	memset(&p, 0, sizeof(p));
	err = err ? err : sa_parse(&p.rtp, "127.0.0.1", (uint16_t)b);
	err = err ? err : sa_parse(&p.rtcp, "127.0.0.1", (uint16_t)(b + 1));
	err = err ? err : relay_media_set(call, RELAY_LEG_B, 0, &p);
	err = err ? err : relay_media_local(call, RELAY_LEG_A, 0, &la);
	err = err ? err : relay_media_local(call, RELAY_LEG_B, 0, &lb);
	if (err) {
		relay_call_delete(call);
		return err;
	}
	relay_call_answered(call);
	*ra = sa_port(&la);
	*rb = sa_port(&lb);
	*callp = call;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{.name = "ports", .has_arg = required_argument, .val = 'p'},
		{.name = NULL},
	};
	unsigned lo = 40000, hi = 44999, n = 0, i, a, b, ra, rb;
	uint64_t fwd = 0, dropped = 0;
	struct relay_conf conf;
	struct relay *r = NULL;
	struct relay_call **calls = NULL;
	struct relay_media_stats st;
	char line[128];
	int c, err = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'p' || sscanf(optarg, "%u-%u", &lo, &hi) != 2) {
			fprintf(stderr, "usage: relay_host [--ports LO-HI]\n");
			return 1;
		}
	}
	if (lo > hi || hi > 65535 || lo < 1024) {
		fprintf(stderr, "relay_host: bad port range\n");
		return 1;
	}
	memset(&conf, 0, sizeof(conf));
	conf.port_lo = (uint16_t)lo;
	conf.port_hi = (uint16_t)hi;
	if (relay_alloc(&r, &conf, NULL, NULL, NULL)) {
		fprintf(stderr, "relay_host: relay_alloc failed\n");
		return 1;
	}
	calls = calloc(MAX_CALLS, sizeof(*calls));
	if (!calls)
		goto out;
	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "go", 2))
			break;
		if (sscanf(line, "%u %u", &a, &b) != 2 || !a || a > 65534 ||
		    !b || b > 65534 || n >= MAX_CALLS) {
			fprintf(stderr, "relay_host: bad line: %s", line);
			goto out;
		}
		c = call_add(r, &calls[n], a, b, &ra, &rb);
		if (c) {
			fprintf(stderr, "relay_host: call %u: %s\n", n,
				strerror(c));
			goto out;
		}
		n++;
		printf("relay %u %u\n", ra, rb);
		fflush(stdout);
	}
	printf("ok %u\n", n);
	fflush(stdout);
	/* The relay thread forwards until the driver closes stdin. */
	while (fgets(line, sizeof(line), stdin))
		;
	for (i = 0; i < n; i++) {
		if (!relay_media_stats(calls[i], RELAY_LEG_A, 0, &st))
			fwd += st.rtp.pkts_out, dropped += st.rtp.dropped;
		if (!relay_media_stats(calls[i], RELAY_LEG_B, 0, &st))
			fwd += st.rtp.pkts_out, dropped += st.rtp.dropped;
	}
	printf("forwarded %llu dropped %llu\n", (unsigned long long)fwd,
	       (unsigned long long)dropped);
	err = 0;
out:
	if (calls) {
		for (i = 0; i < n; i++)
			relay_call_delete(calls[i]);
		free(calls);
	}
	mem_deref(r);
	return err;
}
