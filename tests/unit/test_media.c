/* Media relay over real UDP sockets on 127.0.0.1 / ::1: two fake
 * endpoints exchange RTP and RTCP through the relay; latching, one-way,
 * RTP timeout, low TTL, port exhaustion, teardown, events through uv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/sa.h"
#include "leakcheck.h"
#include "relay_fixture.h"
#include "media/media.h"

#define MAX_EVENTS 32

struct evlog {
	struct relay_event ev[MAX_EVENTS];
	unsigned n;
	pthread_t thread;
	bool wrong_thread;
};

static void ev_handler(const struct relay_event *ev, void *arg)
{
	struct evlog *log = arg;

	if (!pthread_equal(pthread_self(), log->thread))
		log->wrong_thread = true;
	if (log->n < MAX_EVENTS)
		log->ev[log->n++] = *ev;
}

static const struct relay_event *ev_find(const struct evlog *log,
					 enum relay_event_type t)
{
	unsigned i;

	for (i = 0; i < log->n; i++) {
		if (log->ev[i].type == t)
			return &log->ev[i];
	}
	return NULL;
}

static unsigned ev_count(const struct evlog *log, enum relay_event_type t)
{
	unsigned i, n = 0;

	for (i = 0; i < log->n; i++)
		n += log->ev[i].type == t;
	return n;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void ep_send(int fd, const struct sockaddr_storage *to, uint16_t seq)
{
	uint8_t pkt[172];

	memset(pkt, 0xd5, sizeof(pkt));
	pkt[0] = 0x80;
	pkt[1] = 0;
	pkt[2] = (uint8_t)(seq >> 8);
	pkt[3] = (uint8_t)seq;
	assert_int_equal(sendto(fd, pkt, sizeof(pkt), 0,
				(const struct sockaddr *)to, sa_len(to)),
			 (ssize_t)sizeof(pkt));
}

/* Receive one datagram within ms: its sequence number, or -1. */
static int ep_recv(int fd, unsigned ms, struct sockaddr_storage *from)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	uint8_t pkt[2048];
	socklen_t len = sizeof(*from);
	ssize_t n;

	if (poll(&p, 1, (int)ms) != 1)
		return -1;
	n = recvfrom(fd, pkt, sizeof(pkt), MSG_DONTWAIT,
		     (struct sockaddr *)from, &len);
	if (n < 4)
		return -1;
	return (pkt[2] << 8) | pkt[3];
}

static void param_set(struct relay_media_param *p,
		      const struct sockaddr_storage *rtp,
		      const struct sockaddr_storage *rtcp)
{
	memset(p, 0, sizeof(*p));
	p->rtp = *rtp;
	if (rtcp)
		p->rtcp = *rtcp;
}

static struct sockaddr_storage rtcp_of(const struct sockaddr_storage *rtp)
{
	struct sockaddr_storage sa = *rtp;

	sa_set_port(&sa, (uint16_t)(sa_port(rtp) + 1));
	return sa;
}

static void relay_start(struct relay **rp, struct relay_conf *c,
			struct evlog *log)
{
	memset(log, 0, sizeof(*log));
	log->thread = pthread_self();
	assert_int_equal(relay_alloc(rp, c, NULL, ev_handler, log), 0);
}

/* Both directions, RTP and RTCP, counters, SDP address families. */
static void exchange(const char *host)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_call_opt opt = {.symmetric = {false, false}};
	struct relay_media_param p;
	struct relay_media_stats st;
	struct sockaddr_storage a, ac, b, bc, la, lb, lac, lbc, from;
	struct evlog log;
	int fa, fac, fb, fbc, i;

	conf_init(&c, 100);
	relay_start(&r, &c, &log);
	fa = ep_open(host, &a);
	fac = ep_open(host, &ac);
	fb = ep_open(host, &b);
	fbc = ep_open(host, &bc);

	opt.af[0] = opt.af[1] = a.ss_family;
	assert_int_equal(relay_call_alloc(&call, r, "call-1", &opt), 0);
	param_set(&p, &a, &ac);
	assert_int_equal(relay_media_set(call, RELAY_LEG_A, 0, &p), 0);
	param_set(&p, &b, &bc);
	assert_int_equal(relay_media_set(call, RELAY_LEG_B, 0, &p), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_A, 0, &la), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_B, 0, &lb), 0);
	assert_int_equal(la.ss_family, a.ss_family);
	assert_int_equal(sa_port(&la) % 2, 0);
	assert_int_not_equal(sa_port(&la), sa_port(&lb));
	assert_int_equal(relay_ports_used(r), 2);
	lac = rtcp_of(&la);
	lbc = rtcp_of(&lb);

	for (i = 0; i < 10; i++) {
		ep_send(fa, &la, (uint16_t)i);
		assert_int_equal(ep_recv(fb, 1000, &from), i);
		assert_true(sa_eq(&from, &lb)); /* B sees the relay only */
		ep_send(fb, &lb, (uint16_t)(100 + i));
		assert_int_equal(ep_recv(fa, 1000, &from), 100 + i);
		assert_true(sa_eq(&from, &la));
	}
	ep_send(fac, &lac, 7);
	assert_int_equal(ep_recv(fbc, 1000, &from), 7);
	assert_true(sa_eq(&from, &lbc));
	ep_send(fbc, &lbc, 8);
	assert_int_equal(ep_recv(fac, 1000, &from), 8);
	assert_true(sa_eq(&from, &lac));

	assert_int_equal(relay_media_stats(call, RELAY_LEG_A, 0, &st), 0);
	assert_int_equal(st.rtp.pkts_in, 10);
	assert_int_equal(st.rtp.bytes_in, 1720);
	assert_int_equal(st.rtp.pkts_out, 10);
	assert_int_equal(st.rtcp.pkts_in, 1);
	assert_int_equal(st.rtcp.pkts_out, 1);
	assert_true(st.rtp.last_in_ms >= st.rtp.first_in_ms);
	assert_true(st.rtp.first_in_ms > 0);
	assert_true(st.rtp.ttl_min > 10);
	assert_true(sa_eq(&st.rtp.advertised, &a));
	assert_true(sa_eq(&st.rtp.learned, &a));
	assert_false(st.rtp.latched);
	assert_true(sa_eq(&st.rtp.local, &la));
	assert_true(sa_eq(&st.rtcp.local, &lac));
	assert_int_equal(relay_media_stats(call, RELAY_LEG_B, 0, &st), 0);
	assert_int_equal(st.rtp.pkts_in, 10);
	assert_int_equal(st.rtp.dropped, 0);
	assert_int_equal(relay_event_poll(r), 0); /* all as the SDP says */

	call = relay_call_delete(call);
	assert_null(call);
	assert_int_equal(relay_ports_used(r), 0);
	mem_deref(r);
	close(fa);
	close(fac);
	close(fb);
	close(fbc);
}

static void test_media_exchange_v4(void **state)
{
	(void)state;
	exchange("127.0.0.1");
}

static void test_media_exchange_v6(void **state)
{
	(void)state;
	exchange("::1");
}

/* Symmetric RTP: the peer sends from a port other than its SDP's; the
 * relay latches onto it and answers there; without symmetric RTP it keeps
 * sending to the SDP address. Both report 39032. */
static void latch(bool symmetric)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_call_opt opt = {.symmetric = {symmetric, false}};
	struct relay_media_param p;
	struct relay_media_stats st;
	struct sockaddr_storage sdp, real, b, la, lb, from;
	const struct relay_event *ev;
	struct evlog log;
	int fsdp, freal, fb;

	conf_init(&c, 100);
	relay_start(&r, &c, &log);
	fsdp = ep_open("127.0.0.1", &sdp);   /* what A's SDP names */
	freal = ep_open("127.0.0.1", &real); /* where A really sends from */
	fb = ep_open("127.0.0.1", &b);

	assert_int_equal(relay_call_alloc(&call, r, "latch", &opt), 0);
	param_set(&p, &sdp, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_A, 0, &p), 0);
	param_set(&p, &b, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_B, 0, &p), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_A, 0, &la), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_B, 0, &lb), 0);

	ep_send(freal, &la, 1);
	assert_int_equal(ep_recv(fb, 1000, &from), 1);
	ep_send(fb, &lb, 2);
	if (symmetric) {
		assert_int_equal(ep_recv(freal, 1000, &from), 2);
		assert_int_equal(ep_recv(fsdp, 100, &from), -1);
	} else {
		assert_int_equal(ep_recv(fsdp, 1000, &from), 2);
		assert_int_equal(ep_recv(freal, 100, &from), -1);
	}
	assert_true(sa_eq(&from, &la) || !symmetric);

	assert_int_equal(relay_media_stats(call, RELAY_LEG_A, 0, &st), 0);
	assert_int_equal(st.rtp.latched, symmetric);
	assert_true(sa_eq(&st.rtp.learned, &real));
	assert_true(sa_eq(&st.rtp.advertised, &sdp));

	assert_int_equal(relay_event_poll(r), 1);
	ev = ev_find(&log, RELAY_EV_ADDR_MISMATCH);
	assert_non_null(ev);
	assert_int_equal(ev->code, 39032);
	assert_string_equal(ev->call_id, "latch");
	assert_int_equal(ev->leg, RELAY_LEG_A);
	assert_int_equal(ev->media, 0);
	assert_false(ev->rtcp);
	assert_int_equal(ev->latched, symmetric);
	assert_true(sa_eq(&ev->addr, &real));
	assert_true(sa_eq(&ev->sdp_addr, &sdp));

	/* a re-INVITE naming the real address: latching starts over, no
	 * new event since the source now matches */
	param_set(&p, &real, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_A, 0, &p), 0);
	ep_send(freal, &la, 3);
	assert_int_equal(ep_recv(fb, 1000, &from), 3);
	sleep_ms(20);
	assert_int_equal(relay_event_poll(r), 0);

	relay_call_delete(call);
	mem_deref(r);
	close(fsdp);
	close(freal);
	close(fb);
}

static void test_media_latch_symmetric(void **state)
{
	(void)state;
	latch(true);
}

static void test_media_latch_off(void **state)
{
	(void)state;
	latch(false);
}

/* A peer with no SDP address yet (early media before the answer) is
 * reached once it latched. */
static void test_media_latch_no_sdp(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_call_opt opt = {.symmetric = {true, true}};
	struct relay_media_param p;
	struct sockaddr_storage a, b, la, lb, from;
	struct evlog log;
	int fa, fb;

	(void)state;
	conf_init(&c, 100);
	relay_start(&r, &c, &log);
	fa = ep_open("127.0.0.1", &a);
	fb = ep_open("127.0.0.1", &b);
	assert_int_equal(relay_call_alloc(&call, r, "early", &opt), 0);
	param_set(&p, &a, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_A, 0, &p), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_A, 0, &la), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_B, 0, &lb), 0);

	/* A talks first: B's address unknown, dropped */
	ep_send(fa, &la, 1);
	assert_int_equal(ep_recv(fb, 100, &from), -1);
	/* B sends: latched, forwarded to A; now A reaches B */
	ep_send(fb, &lb, 2);
	assert_int_equal(ep_recv(fa, 1000, &from), 2);
	ep_send(fa, &la, 3);
	assert_int_equal(ep_recv(fb, 1000, &from), 3);
	assert_int_equal(relay_event_poll(r), 0); /* nothing to compare */

	relay_call_delete(call);
	mem_deref(r);
	close(fa);
	close(fb);
}

/* The latched source falls silent and another takes over (a NAT
 * rebinding): after relatch_ms the relay follows it, not before. */
static void test_media_relatch(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_call_opt opt = {.symmetric = {true, false}};
	struct relay_media_param p;
	struct sockaddr_storage a1, a2, b, la, lb, from;
	struct evlog log;
	int fa1, fa2, fb;

	(void)state;
	conf_init(&c, 100);
	c.relatch_ms = 400;
	relay_start(&r, &c, &log);
	fa1 = ep_open("127.0.0.1", &a1);
	fa2 = ep_open("127.0.0.1", &a2);
	fb = ep_open("127.0.0.1", &b);
	assert_int_equal(relay_call_alloc(&call, r, "relatch", &opt), 0);
	param_set(&p, &a1, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_A, 0, &p), 0);
	param_set(&p, &b, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_B, 0, &p), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_A, 0, &la), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_B, 0, &lb), 0);

	ep_send(fa1, &la, 1);
	assert_int_equal(ep_recv(fb, 1000, &from), 1);
	/* a second source at once: forwarded, but not followed */
	ep_send(fa2, &la, 2);
	assert_int_equal(ep_recv(fb, 1000, &from), 2);
	ep_send(fb, &lb, 3);
	assert_int_equal(ep_recv(fa1, 1000, &from), 3);
	assert_int_equal(ep_recv(fa2, 50, &from), -1);
	/* a1 silent for longer than relatch_ms: a2 takes over */
	sleep_ms(600);
	ep_send(fa2, &la, 4);
	assert_int_equal(ep_recv(fb, 1000, &from), 4);
	ep_send(fb, &lb, 5);
	assert_int_equal(ep_recv(fa2, 1000, &from), 5);
	assert_int_equal(ep_recv(fa1, 50, &from), -1);

	relay_call_delete(call);
	mem_deref(r);
	close(fa1);
	close(fa2);
	close(fb);
}

/* RTP from A only, for longer than the one-way window: 39030 naming the
 * silent side B; no RTP timeout since A's RTP flows. */
static void test_media_oneway(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_media_param p;
	struct sockaddr_storage a, b, la, from;
	const struct relay_event *ev;
	struct evlog log;
	int fa, fb, i;

	(void)state;
	conf_init(&c, 100);
	c.oneway_ms = 300;
	c.rtp_timeout_ms = 400;
	relay_start(&r, &c, &log);
	fa = ep_open("127.0.0.1", &a);
	fb = ep_open("127.0.0.1", &b);
	assert_int_equal(relay_call_alloc(&call, r, "oneway", NULL), 0);
	param_set(&p, &a, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_A, 0, &p), 0);
	param_set(&p, &b, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_B, 0, &p), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_A, 0, &la), 0);
	relay_call_answered(call);

	for (i = 0; i < 40; i++) { /* 800 ms of A -> B */
		ep_send(fa, &la, (uint16_t)i);
		assert_int_equal(ep_recv(fb, 1000, &from), i);
		sleep_ms(20);
		relay_event_poll(r);
	}
	relay_event_poll(r);
	assert_int_equal(ev_count(&log, RELAY_EV_ONE_WAY), 1);
	ev = ev_find(&log, RELAY_EV_ONE_WAY);
	assert_int_equal(ev->code, 39030);
	assert_int_equal(ev->leg, RELAY_LEG_B);
	assert_true(ev->silent_ms >= 300);
	assert_true(sa_eq(&ev->sdp_addr, &b));
	assert_null(ev_find(&log, RELAY_EV_RTP_TIMEOUT));

	relay_call_delete(call);
	mem_deref(r);
	close(fa);
	close(fb);
}

/* No RTP after answer: 32014 once after the timeout, not before; a call
 * with RTP both ways, and one not answered, stay quiet. */
static void test_media_timeout(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *silent, *talking, *ringing;
	struct relay_media_param p;
	struct sockaddr_storage a, b, la, lb, from;
	const struct relay_event *ev;
	struct evlog log;
	uint64_t t0;
	int fa, fb, i;

	(void)state;
	conf_init(&c, 100);
	c.rtp_timeout_ms = 300;
	c.oneway_ms = 5000;
	relay_start(&r, &c, &log);
	fa = ep_open("127.0.0.1", &a);
	fb = ep_open("127.0.0.1", &b);
	assert_int_equal(relay_call_alloc(&silent, r, "silent", NULL), 0);
	assert_int_equal(relay_call_alloc(&talking, r, "talking", NULL), 0);
	assert_int_equal(relay_call_alloc(&ringing, r, "ringing", NULL), 0);
	assert_int_equal(relay_media_open(silent, RELAY_LEG_A, 0, 0), 0);
	assert_int_equal(relay_media_open(ringing, RELAY_LEG_A, 0, 0), 0);
	param_set(&p, &a, NULL);
	assert_int_equal(relay_media_set(talking, RELAY_LEG_A, 0, &p), 0);
	param_set(&p, &b, NULL);
	assert_int_equal(relay_media_set(talking, RELAY_LEG_B, 0, &p), 0);
	assert_int_equal(relay_media_local(talking, RELAY_LEG_A, 0, &la), 0);
	assert_int_equal(relay_media_local(talking, RELAY_LEG_B, 0, &lb), 0);
	t0 = clock_now_ms();
	relay_call_answered(silent);
	relay_call_answered(talking);

	for (i = 0; i < 30; i++) { /* 600 ms both ways */
		ep_send(fa, &la, (uint16_t)i);
		assert_int_equal(ep_recv(fb, 1000, &from), i);
		ep_send(fb, &lb, (uint16_t)i);
		assert_int_equal(ep_recv(fa, 1000, &from), i);
		sleep_ms(20);
		relay_event_poll(r);
		if (clock_now_ms() - t0 < 290)
			assert_int_equal(log.n, 0);
	}
	assert_int_equal(log.n, 1);
	ev = ev_find(&log, RELAY_EV_RTP_TIMEOUT);
	assert_non_null(ev);
	assert_int_equal(ev->code, 32014);
	assert_string_equal(ev->call_id, "silent");
	assert_true(ev->silent_ms >= 300);

	relay_call_delete(silent);
	relay_call_delete(talking);
	relay_call_delete(ringing);
	mem_deref(r);
	close(fa);
	close(fb);
}

/* A TTL of 5 on arrival: 39033 with the TTL, once. */
static void test_media_low_ttl(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_media_param p;
	struct relay_media_stats st;
	struct sockaddr_storage a, b, la, from;
	const struct relay_event *ev;
	struct evlog log;
	int fa, fb, ttl = 5;

	(void)state;
	conf_init(&c, 100);
	relay_start(&r, &c, &log);
	fa = ep_open("127.0.0.1", &a);
	fb = ep_open("127.0.0.1", &b);
	assert_int_equal(setsockopt(fa, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)),
			 0);
	assert_int_equal(relay_call_alloc(&call, r, "ttl", NULL), 0);
	param_set(&p, &a, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_A, 0, &p), 0);
	param_set(&p, &b, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_B, 0, &p), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_A, 0, &la), 0);
	ep_send(fa, &la, 1);
	assert_int_equal(ep_recv(fb, 1000, &from), 1);
	ep_send(fa, &la, 2);
	assert_int_equal(ep_recv(fb, 1000, &from), 2);

	assert_int_equal(relay_event_poll(r), 1);
	ev = ev_find(&log, RELAY_EV_LOW_TTL);
	assert_non_null(ev);
	assert_int_equal(ev->code, 39033);
	assert_int_equal(ev->ttl, 5);
	assert_int_equal(ev->leg, RELAY_LEG_A);
	assert_true(sa_eq(&ev->addr, &a));
	assert_int_equal(relay_media_stats(call, RELAY_LEG_A, 0, &st), 0);
	assert_int_equal(st.rtp.ttl_min, 5);

	relay_call_delete(call);
	mem_deref(r);
	close(fa);
	close(fb);
}

/* Each media of a call takes a port pair per leg. 4 ports (2 pairs) hold
 * one call, 8 ports two: the next gets ENOSPC, and deleting a call gives
 * its ports back. */
static void test_media_port_exhaustion(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call[3];
	struct sockaddr_storage la;
	struct evlog log;
	int i;

	(void)state;
	conf_init(&c, 4);
	relay_start(&r, &c, &log);
	assert_int_equal(relay_ports_free(r), 2);
	assert_int_equal(relay_call_alloc(&call[0], r, "c0", NULL), 0);
	assert_int_equal(relay_call_alloc(&call[1], r, "c1", NULL), 0);
	assert_int_equal(relay_media_open(call[0], RELAY_LEG_A, 0, 0), 0);
	assert_int_equal(relay_media_open(call[1], RELAY_LEG_A, 0, 0), ENOSPC);
	assert_int_equal(relay_media_local(call[1], RELAY_LEG_A, 0, &la),
			 ENOENT);
	/* a second media section of call 0 does not fit either */
	assert_int_equal(relay_media_open(call[0], RELAY_LEG_A, 1, 0), ENOSPC);
	assert_int_equal(relay_media_local(call[0], RELAY_LEG_A, 1, &la),
			 ENOENT);
	assert_int_equal(relay_ports_used(r), 2);
	relay_call_delete(call[0]);
	assert_int_equal(relay_ports_used(r), 0);
	assert_int_equal(relay_media_open(call[1], RELAY_LEG_A, 0, 0), 0);
	relay_call_delete(call[1]);
	mem_deref(r);

	conf_init(&c, 8);
	relay_start(&r, &c, &log);
	for (i = 0; i < 3; i++)
		assert_int_equal(relay_call_alloc(&call[i], r, "c", NULL), 0);
	assert_int_equal(relay_media_open(call[0], RELAY_LEG_A, 0, 0), 0);
	assert_int_equal(relay_media_open(call[1], RELAY_LEG_B, 0, 0), 0);
	assert_int_equal(relay_media_open(call[2], RELAY_LEG_A, 0, 0), ENOSPC);
	for (i = 0; i < 3; i++)
		relay_call_delete(call[i]);
	assert_int_equal(relay_ports_free(r), 4);
	mem_deref(r);
}

/* A port someone else holds is skipped; deleted calls' ports stay bound
 * (warm) while the relay lives and can be bound again once it is gone. */
static void test_media_port_in_use(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct sockaddr_storage hold, la, lb, sa;
	struct evlog log;
	int fhold, fd;

	(void)state;
	conf_init(&c, 6);
	relay_start(&r, &c, &log);
	assert_int_equal(sa_parse(&hold, "127.0.0.1", 0), 0);
	sa_set_port(&hold, (uint16_t)(c.port_lo + 1)); /* first RTCP port */
	fhold = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(fhold, (struct sockaddr *)&hold, sa_len(&hold)),
			 0);

	assert_int_equal(relay_call_alloc(&call, r, "inuse", NULL), 0);
	assert_int_equal(relay_media_open(call, RELAY_LEG_A, 0, AF_INET), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_A, 0, &la), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_B, 0, &lb), 0);
	/* pair 0 (first in the FIFO) is skipped: its RTCP port is held */
	assert_int_not_equal(sa_port(&la), c.port_lo);
	assert_int_not_equal(sa_port(&lb), c.port_lo);
	assert_true(sa_port(&la) > c.port_lo && sa_port(&la) < c.port_hi);
	assert_true(sa_port(&lb) > c.port_lo && sa_port(&lb) < c.port_hi);
	relay_call_delete(call);

	sa = la;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sa_len(&sa)), -1);
	assert_int_equal(errno, EADDRINUSE);
	mem_deref(r);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sa_len(&sa)), 0);
	close(fd);
	close(fhold);
}

/* Descriptors this process has open. */
static int fds_open(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own */
}

/* One call's media on leg A (a pair per leg); its leg A RTP port. */
static uint16_t call_open(struct relay *r, struct relay_call **call,
			  const char *id)
{
	struct sockaddr_storage la;

	assert_int_equal(relay_call_alloc(call, r, id, NULL), 0);
	assert_int_equal(relay_media_open(*call, RELAY_LEG_A, 0, AF_INET), 0);
	assert_int_equal(relay_media_local(*call, RELAY_LEG_A, 0, &la), 0);
	return sa_port(&la);
}

/* A relay on 8 pairs (rest and idle limit as given, 0: default) whose
 * first call was opened and deleted; its leg A RTP port. */
static uint16_t relay_one_released(struct relay **r, struct relay_conf *c,
				   struct evlog *log, uint32_t rest_ms,
				   uint32_t idle_max)
{
	struct relay_call *call;
	uint16_t port;

	conf_init(c, 16);
	c->port_rest_ms = rest_ms;
	c->idle_pairs_max = idle_max;
	relay_start(r, c, log);
	port = call_open(*r, &call, "c0");
	relay_call_delete(call);
	return port;
}

/* A deleted call's pairs stay open and rest: a call during the rest gets
 * other (cold) pairs; after it, the first call's pairs come back with no
 * new descriptor. Packets reaching a warm socket are read and dropped. */
static void test_media_port_warm_reuse(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_media_stats st;
	struct sockaddr_storage a, dst;
	struct evlog log;
	uint16_t p0, p1, p2;
	int fa, fds, i;

	(void)state;
	conf_init(&c, 16);
	c.port_rest_ms = 100;
	relay_start(&r, &c, &log);
	p0 = call_open(r, &call, "c0");
	relay_call_delete(call);
	assert_int_equal(relay_ports_used(r), 0);
	assert_int_equal(relay_ports_warm(r), 2);
	assert_int_equal(relay_ports_free(r), 8);

	/* a late packet of c0 is drained, not relayed */
	fa = ep_open("127.0.0.1", &a);
	assert_int_equal(sa_parse(&dst, "127.0.0.1", p0), 0);
	ep_send(fa, &dst, 1);
	for (i = 0; i < 200 && relay_ports_idle_dropped(r) < 1; i++)
		sleep_ms(5);
	assert_int_equal(relay_ports_idle_dropped(r), 1);

	/* resting: c1 gets cold pairs */
	fds = fds_open();
	p1 = call_open(r, &call, "c1");
	assert_int_not_equal(p1, p0);
	assert_int_equal(fds_open(), fds + 4);
	relay_call_delete(call);
	assert_int_equal(relay_ports_warm(r), 4);

	/* rested: c2 gets c0's pairs back, no socket opened */
	sleep_ms(150);
	fds = fds_open();
	p2 = call_open(r, &call, "c2");
	assert_int_equal(p2, p0);
	assert_int_equal(fds_open(), fds);
	assert_int_equal(relay_ports_warm(r), 2);
	assert_int_equal(relay_media_stats(call, RELAY_LEG_A, 0, &st), 0);
	assert_int_equal(st.rtp.pkts_in, 0);
	relay_call_delete(call);
	close(fa);
	mem_deref(r);
}

/* idle_pairs_max bounds the warm pairs; when socket() runs out of
 * descriptors the oldest warm pair is closed to make room; with no cold
 * pair left a resting warm one is handed out rather than failing. */
static void test_media_port_warm_limits(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call, *calls[4];
	struct rlimit rl, low;
	struct evlog log;
	uint16_t p0, p1;
	int fd, i;

	(void)state;
	p0 = relay_one_released(&r, &c, &log, 0, 1);
	assert_int_equal(relay_ports_warm(r), 1);
	mem_deref(r);

	p0 = relay_one_released(&r, &c, &log, 60000, 0);
	assert_int_equal(relay_ports_warm(r), 2);
	/* no descriptor above the lowest free one */
	fd = dup(0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = (rlim_t)fd;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	p1 = call_open(r, &call, "c1");
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_not_equal(p1, p0);
	assert_int_equal(relay_ports_warm(r), 0);
	relay_call_delete(call);
	assert_int_equal(relay_ports_warm(r), 2);
	mem_deref(r);

	/* 8 pairs: c0's 2 rest warm, c1..c3 take the 6 cold ones, c4 gets
	 * c0's although they still rest */
	p0 = relay_one_released(&r, &c, &log, 60000, 0);
	for (i = 0; i < 3; i++)
		(void)call_open(r, &calls[i], "c");
	assert_int_equal(relay_ports_warm(r), 2);
	assert_int_equal(relay_ports_used(r), 6);
	p1 = call_open(r, &calls[3], "c4");
	assert_int_equal(p1, p0);
	assert_int_equal(relay_ports_warm(r), 0);
	assert_int_equal(relay_call_alloc(&call, r, "c5", NULL), 0);
	assert_int_equal(relay_media_open(call, RELAY_LEG_A, 0, AF_INET),
			 ENOSPC);
	relay_call_delete(call);
	for (i = 0; i < 4; i++)
		relay_call_delete(calls[i]);
	mem_deref(r);
}

static void test_media_bad_args(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_call_opt opt = {.af = {AF_UNIX, 0}};
	struct relay_media_param p;
	struct relay_media_stats st;
	struct sockaddr_storage sa;
	struct evlog log;

	(void)state;
	conf_init(&c, 100);
	c.port_lo = 3000;
	c.port_hi = 2000;
	assert_int_equal(relay_alloc(&r, &c, NULL, NULL, NULL), EINVAL);
	c.port_lo = 3001;
	c.port_hi = 3001;
	assert_int_equal(relay_alloc(&r, &c, NULL, NULL, NULL), EINVAL);
	conf_init(&c, 100);
	c.addr4 = c.addr6; /* an IPv6 address as the IPv4 one */
	assert_int_equal(relay_alloc(&r, &c, NULL, NULL, NULL), EINVAL);
	assert_int_equal(relay_alloc(NULL, &c, NULL, NULL, NULL), EINVAL);

	conf_init(&c, 100);
	relay_start(&r, &c, &log);
	assert_int_equal(relay_call_alloc(&call, r, "x", &opt), EINVAL);
	assert_int_equal(relay_call_alloc(&call, r, NULL, NULL), EINVAL);
	assert_int_equal(relay_call_alloc(&call, r, "x", NULL), 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(
		relay_media_set(call, RELAY_LEG_A, RELAY_MAX_MEDIA, &p),
		EINVAL);
	assert_int_equal(relay_media_set(call, 2, 0, &p), EINVAL);
	assert_int_equal(relay_media_open(call, RELAY_LEG_A, 0, AF_UNIX),
			 EINVAL);
	assert_int_equal(relay_media_local(call, RELAY_LEG_A, 0, &sa), ENOENT);
	assert_int_equal(relay_media_stats(call, RELAY_LEG_B, 3, &st), ENOENT);
	/* an SDP with port 0 (rejected stream) still gets sockets, but
	 * nothing is sent to it */
	assert_int_equal(relay_media_set(call, RELAY_LEG_A, 0, &p), 0);
	assert_int_equal(relay_media_stats(call, RELAY_LEG_A, 0, &st), 0);
	assert_int_equal(st.rtp.advertised.ss_family, AF_UNSPEC);
	relay_call_delete(call);
	assert_null(relay_call_delete(NULL));
	mem_deref(r);
}

/* Events reach the uv loop's thread through uv_async. */
static void test_media_events_uv(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct evlog log;
	uv_loop_t loop;
	uint64_t t0;

	(void)state;
	memset(&log, 0, sizeof(log));
	log.thread = pthread_self();
	assert_int_equal(uv_loop_init(&loop), 0);
	conf_init(&c, 100);
	c.rtp_timeout_ms = 100;
	assert_int_equal(relay_alloc(&r, &c, &loop, ev_handler, &log), 0);
	assert_int_equal(relay_call_alloc(&call, r, "uv", NULL), 0);
	assert_int_equal(relay_media_open(call, RELAY_LEG_A, 0, 0), 0);
	relay_call_answered(call);
	t0 = clock_now_ms();
	while (!log.n && clock_now_ms() - t0 < 3000) {
		uv_run(&loop, UV_RUN_NOWAIT);
		sleep_ms(5);
	}
	assert_int_equal(log.n, 1);
	assert_int_equal(log.ev[0].type, RELAY_EV_RTP_TIMEOUT);
	assert_false(log.wrong_thread);
	relay_call_delete(call);
	mem_deref(r);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Every allocation failing in turn: clean errors, no leaks. */
static void test_media_oom(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	ssize_t n;
	int err;

	(void)state;
	conf_init(&c, 100);
	for (n = 0; n < 20; n++) {
		r = NULL;
		call = NULL;
		mem_threshold_set(n);
		err = relay_alloc(&r, &c, NULL, NULL, NULL);
		if (!err)
			err = relay_call_alloc(&call, r, "oom", NULL);
		if (!err)
			err = relay_media_open(call, RELAY_LEG_A, 0, 0);
		mem_threshold_set(-1);
		if (err)
			assert_int_equal(err, ENOMEM);
		relay_call_delete(call);
		mem_deref(r);
		if (!err)
			break;
	}
	assert_true(n < 20);
}

/* Shutting down with traffic in flight joins the thread cleanly. */
static void test_media_shutdown_busy(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_media_param p;
	struct sockaddr_storage a, b, la;
	struct evlog log;
	int fa, fb, i;

	(void)state;
	conf_init(&c, 100);
	relay_start(&r, &c, &log);
	fa = ep_open("127.0.0.1", &a);
	fb = ep_open("127.0.0.1", &b);
	assert_int_equal(relay_call_alloc(&call, r, "busy", NULL), 0);
	param_set(&p, &a, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_A, 0, &p), 0);
	param_set(&p, &b, NULL);
	assert_int_equal(relay_media_set(call, RELAY_LEG_B, 0, &p), 0);
	assert_int_equal(relay_media_local(call, RELAY_LEG_A, 0, &la), 0);
	for (i = 0; i < 200; i++)
		ep_send(fa, &la, (uint16_t)i);
	relay_call_delete(call);
	mem_deref(r);
	close(fa);
	close(fb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_media_exchange_v4),
		LEAKCHECK_TEST(test_media_exchange_v6),
		LEAKCHECK_TEST(test_media_latch_symmetric),
		LEAKCHECK_TEST(test_media_latch_off),
		LEAKCHECK_TEST(test_media_latch_no_sdp),
		LEAKCHECK_TEST(test_media_relatch),
		LEAKCHECK_TEST(test_media_oneway),
		LEAKCHECK_TEST(test_media_timeout),
		LEAKCHECK_TEST(test_media_low_ttl),
		LEAKCHECK_TEST(test_media_port_exhaustion),
		LEAKCHECK_TEST(test_media_port_in_use),
		LEAKCHECK_TEST(test_media_port_warm_reuse),
		LEAKCHECK_TEST(test_media_port_warm_limits),
		LEAKCHECK_TEST(test_media_bad_args),
		LEAKCHECK_TEST(test_media_events_uv),
		LEAKCHECK_TEST(test_media_oom),
		LEAKCHECK_TEST(test_media_shutdown_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
