/* Unit tests for src/tsx: the four RFC 3261 §17 state machines driven by
 * the mocked clock. Requests and responses from "the network" are
 * injected with tsx_layer_recv(); what the layer sends goes over a real
 * UDP transport on 127.0.0.1 to a plain peer socket the test reads. Timer
 * timing is checked through the layer's counters at 1 ms steps, so no
 * assertion depends on socket timing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/tmr.h"
#include "base/sa.h"
#include "net/transp.h"
#include "tsx/tsx.h"
#include "leakcheck.h"

#define T1 500
#define T2 4000
#define T4 5000
#define TD 32000

struct ev_log {
	unsigned n[TSX_EV_TERMINATED + 1];
	uint64_t at[TSX_EV_TERMINATED + 1]; /* time of the last one */
	uint16_t last_scode;
	int last_err;
	uint16_t reply_on_cancel; /* IST: answer CANCEL with this */
};

struct fx {
	uv_loop_t loop;
	struct tmrl *tmrl;
	struct sip_transp *tp;
	struct tsx_layer *tl;
	struct sockaddr_storage laddr; /* our UDP socket */
	int peer;
	struct sockaddr_storage paddr; /* the peer's */
	/* TU */
	struct tsx *st; /* last server tx (ref) */
	unsigned nreq, nack, nstray;
	uint16_t auto_reply; /* answer new requests with this */
	bool auto_drop;	     /* tsx_drop() new requests */
	struct ev_log ev;
};

static struct fx fx;

static void on_tsx(struct tsx *tx, const struct tsx_event *ev, void *arg)
{
	struct ev_log *log = arg;

	log->n[ev->type]++;
	log->at[ev->type] = clock_now_ms();
	if (ev->type != TSX_EV_TERMINATED) {
		log->last_scode = ev->scode;
		log->last_err = ev->err;
	}
	if (ev->type == TSX_EV_CANCEL && log->reply_on_cancel)
		assert_int_equal(tsx_reply(tx, log->reply_on_cancel, NULL,
					   NULL, NULL, NULL),
				 0);
}

static void tu_request(struct tsx *st, struct sip_msg *msg,
		       const struct sip_recv *rx, void *arg)
{
	struct fx *f = arg;

	(void)msg;
	(void)rx;
	f->nreq++;
	mem_deref(f->st);
	f->st = mem_ref(st);
	tsx_handler_set(st, on_tsx, &f->ev);
	if (f->auto_reply)
		assert_int_equal(
			tsx_reply(st, f->auto_reply, NULL, NULL, NULL, NULL),
			0);
	if (f->auto_drop)
		assert_int_equal(tsx_drop(st), 0);
}

static void tu_ack(struct sip_msg *msg, const struct sip_recv *rx, void *arg)
{
	(void)msg;
	(void)rx;
	((struct fx *)arg)->nack++;
}

static void tu_stray(struct sip_msg *msg, const struct sip_recv *rx, void *arg)
{
	(void)msg;
	(void)rx;
	((struct fx *)arg)->nstray++;
}

static int setup_cfg(const struct tsx_config *cfg)
{
	struct sockaddr_storage ss;
	struct sockaddr_in pin;
	socklen_t pl = sizeof(pin);
	struct tsx_tu tu = {
		.request_h = tu_request, .ack_h = tu_ack, .stray_h = tu_stray};

	memset(&fx, 0, sizeof(fx));
	log_level_set(LOG_LEVEL_WARN);
	clock_mock_set(100000);
	assert_int_equal(uv_loop_init(&fx.loop), 0);
	assert_int_equal(tmrl_alloc(&fx.tmrl), 0);
	assert_int_equal(
		sip_transp_alloc(&fx.tp, &fx.loop, fx.tmrl, NULL, NULL, NULL),
		0);
	assert_int_equal(sa_parse(&ss, "127.0.0.1:0", 0), 0);
	assert_int_equal(
		sip_transp_listen(fx.tp, SIP_TPF_UDP, (struct sockaddr *)&ss),
		0);
	assert_int_equal(
		sip_transp_laddr(fx.tp, SIP_TP_UDP, AF_INET, &fx.laddr), 0);
	assert_int_equal(
		tsx_layer_alloc(&fx.tl, fx.tp, fx.tmrl, cfg, &tu, &fx), 0);
	fx.peer = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fx.peer >= 0);
	memset(&pin, 0, sizeof(pin));
	pin.sin_family = AF_INET;
	pin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fx.peer, (struct sockaddr *)&pin, sizeof(pin)),
			 0);
	assert_int_equal(
		getsockname(fx.peer, (struct sockaddr *)&fx.paddr, &pl), 0);
	return 0;
}

static int setup(void **state)
{
	struct tsx_config cfg;

	tsx_config_default(&cfg);
	cfg.t1 = T1;
	cfg.t2 = T2;
	cfg.t4 = T4;
	cfg.td = TD;
	leakcheck_setup(state);
	return setup_cfg(&cfg);
}

static int setup_delayed_trying(void **state)
{
	struct tsx_config cfg;

	tsx_config_default(&cfg);
	cfg.trying_ms = 200;
	leakcheck_setup(state);
	return setup_cfg(&cfg);
}

static int teardown(void **state)
{
	fx.st = mem_deref(fx.st);
	fx.tl = mem_deref(fx.tl);
	fx.tp = mem_deref(fx.tp);
	fx.tmrl = mem_deref(fx.tmrl);
	uv_run(&fx.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&fx.loop), 0);
	close(fx.peer);
	clock_mock_off();
	return leakcheck_teardown(state);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* --- helpers --- */

static uint16_t our_port(void)
{
	return sa_port(&fx.laddr);
}

static uint16_t peer_port(void)
{
	return sa_port(&fx.paddr);
}

/* Next datagram for the peer within timeout_ms; returns its length (0 if
 * none). */
static size_t peer_recv(char *buf, size_t sz, int timeout_ms)
{
	struct pollfd pfd = {.fd = fx.peer, .events = POLLIN};
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	n = recv(fx.peer, buf, sz - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (size_t)n;
}

static unsigned peer_drain(void)
{
	char buf[4096];
	unsigned n = 0;

	while (peer_recv(buf, sizeof(buf), 20))
		n++;
	return n;
}

/* Feed text to the layer as if it came from the peer over UDP. */
static void inject(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void inject(const char *fmt, ...)
{
	struct sip_recv rx;
	struct sip_msg *msg = NULL;
	struct buf *mb = buf_alloc(1024);
	const char *reason = NULL;
	struct pl pl;
	va_list ap;

	assert_non_null(mb);
	va_start(ap, fmt);
	assert_int_equal(buf_vprintf(mb, fmt, ap), 0);
	va_end(ap);
	pl = buf_pl(mb);
	if (sip_msg_decode(&msg, &pl, mb, false, &reason))
		fail_msg("test message does not decode: %s", reason);
	memset(&rx, 0, sizeof(rx));
	rx.tp = SIP_TP_UDP;
	rx.src = fx.paddr;
	rx.dst = fx.laddr;
	tsx_layer_recv(fx.tl, msg, &rx);
	mem_deref(msg);
	mem_deref(mb);
}

static void inject_invite(const char *branch, unsigned cseq)
{
	inject("INVITE sip:+15005550001@trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=%s;rport\r\n"
	       "Max-Forwards: 70\r\n"
	       "From: <sip:alice@pbx.example>;tag=ft1\r\n"
	       "To: <sip:+15005550001@trunk.example>\r\n"
	       "Call-ID: call-1@pbx\r\n"
	       "CSeq: %u INVITE\r\n"
	       "Content-Length: 0\r\n\r\n",
	       peer_port(), branch, cseq);
}

static void inject_ack(const char *branch, const char *totag)
{
	inject("ACK sip:+15005550001@trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=%s;rport\r\n"
	       "Max-Forwards: 70\r\n"
	       "From: <sip:alice@pbx.example>;tag=ft1\r\n"
	       "To: <sip:+15005550001@trunk.example>;tag=%s\r\n"
	       "Call-ID: call-1@pbx\r\n"
	       "CSeq: 1 ACK\r\n"
	       "Content-Length: 0\r\n\r\n",
	       peer_port(), branch, totag);
}

static void inject_cancel(const char *branch)
{
	inject("CANCEL sip:+15005550001@trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=%s;rport\r\n"
	       "Max-Forwards: 70\r\n"
	       "From: <sip:alice@pbx.example>;tag=ft1\r\n"
	       "To: <sip:+15005550001@trunk.example>\r\n"
	       "Call-ID: call-1@pbx\r\n"
	       "CSeq: 1 CANCEL\r\n"
	       "Content-Length: 0\r\n\r\n",
	       peer_port(), branch);
}

static void inject_options(const char *branch)
{
	inject("OPTIONS sip:trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=%s\r\n"
	       "Max-Forwards: 70\r\n"
	       "From: <sip:mon@pbx.example>;tag=o1\r\n"
	       "To: <sip:trunk.example>\r\n"
	       "Call-ID: opt-1@pbx\r\n"
	       "CSeq: 7 OPTIONS\r\n"
	       "Content-Length: 0\r\n\r\n",
	       peer_port(), branch);
}

/* Our request to the peer. */
static struct buf *make_request(const char *method, const char *branch)
{
	struct buf *mb = buf_alloc(512);

	assert_non_null(mb);
	assert_int_equal(
		buf_printf(mb,
			   "%s sip:+15005550001@127.0.0.1 SIP/2.0\r\n"
			   "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=%s;rport\r\n"
			   "Max-Forwards: 70\r\n"
			   "Route: <sip:proxy.example;lr>\r\n"
			   "From: <sip:trunkd@127.0.0.1>;tag=us1\r\n"
			   "To: <sip:+15005550001@127.0.0.1>\r\n"
			   "Call-ID: out-1@trunkd\r\n"
			   "CSeq: 5 %s\r\n"
			   "Content-Length: 0\r\n\r\n",
			   method, our_port(), branch, method),
		0);
	return mb;
}

/* A response to our request from the peer. */
static void inject_response(const char *branch, unsigned scode,
			    const char *method)
{
	inject("SIP/2.0 %u Whatever\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=%s;rport\r\n"
	       "From: <sip:trunkd@127.0.0.1>;tag=us1\r\n"
	       "To: <sip:+15005550001@127.0.0.1>;tag=them9\r\n"
	       "Call-ID: out-1@trunkd\r\n"
	       "CSeq: 5 %s\r\n"
	       "Content-Length: 0\r\n\r\n",
	       scode, our_port(), branch, method);
}

/* Step the clock 1 ms at a time for ms, polling the heap; record when
 * the retransmission counter moved. */
static unsigned step(uint64_t ms, uint64_t *when, unsigned max)
{
	unsigned n = 0;
	struct tsx_stats st;
	uint64_t prev;

	tsx_layer_stats(fx.tl, &st);
	prev = st.retransmissions_sent;
	for (uint64_t i = 0; i < ms; i++) {
		clock_mock_advance(1);
		tmrl_poll(fx.tmrl, clock_now_ms());
		tsx_layer_stats(fx.tl, &st);
		while (st.retransmissions_sent > prev) {
			if (when && n < max)
				when[n] = clock_now_ms();
			n++;
			prev++;
		}
	}
	return n;
}

/* --- client transactions --- */

static void test_nict_timers_e_f(void **state)
{
	struct tsx *ct = NULL;
	struct buf *mb = make_request("OPTIONS", "z9hG4bKnict1");
	uint64_t t0 = clock_now_ms(), when[16];
	static const uint64_t expect[] = {500,	 1500,	3500,  7500,  11500,
					  15500, 19500, 23500, 27500, 31500};
	char buf[2048];
	unsigned n;

	(void)state;
	assert_int_equal(tsx_request(&ct, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     on_tsx, &fx.ev),
			 0);
	assert_int_equal(tsx_kind_get(ct), TSX_NICT);
	assert_int_equal(tsx_state_get(ct), TSX_TRYING);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "OPTIONS sip:"));
	/* the same branch and method again: refused */
	assert_int_equal(tsx_request(NULL, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     NULL, NULL),
			 EEXIST);

	n = step(31999, when, 16);
	/* Timer E: T1, 2T1, 4T1, then capped at T2 */
	assert_int_equal(n, 10);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(when[i] - t0, expect[i]);
	assert_int_equal(fx.ev.n[TSX_EV_TIMEOUT], 0);
	/* Timer F at 64*T1 */
	step(1, NULL, 0);
	assert_int_equal(fx.ev.n[TSX_EV_TIMEOUT], 1);
	assert_int_equal(fx.ev.at[TSX_EV_TIMEOUT] - t0, 64 * T1);
	assert_int_equal(fx.ev.last_scode, 408);
	assert_int_equal(fx.ev.last_err, ETIMEDOUT);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 1);
	assert_int_equal(tsx_state_get(ct), TSX_TERMINATED);
	assert_int_equal(peer_drain(), 10);
	/* a late response is stray */
	inject_response("z9hG4bKnict1", 200, "OPTIONS");
	assert_int_equal(fx.nstray, 1);
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 0);
	mem_deref(ct);
	mem_deref(mb);
}

static void test_nict_proceeding_k(void **state)
{
	struct buf *mb = make_request("BYE", "z9hG4bKnict2");
	uint64_t when[16], t0 = clock_now_ms(), t;
	struct tsx_stats st;

	(void)state;
	assert_int_equal(tsx_request(NULL, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     on_tsx, &fx.ev),
			 0);
	assert_int_equal(step(600, when, 16), 1); /* E at 500 */
	inject_response("z9hG4bKnict2", 100, "BYE");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 1);
	/* next E was armed at 500 for +1000 (1500); then T2 each */
	assert_int_equal(step(5000, when, 16), 2);
	assert_int_equal(when[0] - t0, 1500);
	assert_int_equal(when[1] - t0, 1500 + T2);
	/* a response for another method with our branch is not ours */
	inject_response("z9hG4bKnict2", 200, "INVITE");
	assert_int_equal(fx.nstray, 1);
	inject_response("z9hG4bKnict2", 200, "BYE");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 2);
	assert_int_equal(fx.ev.last_scode, 200);
	t = clock_now_ms();
	/* retransmitted 200: absorbed */
	inject_response("z9hG4bKnict2", 200, "BYE");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 2);
	tsx_layer_stats(fx.tl, &st);
	assert_int_equal(st.retransmissions_absorbed, 1);
	/* no more retransmissions; Timer K = T4 */
	assert_int_equal(step(T4 - 1, NULL, 0), 0);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 0);
	step(1, NULL, 0);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 1);
	assert_int_equal(fx.ev.at[TSX_EV_TERMINATED] - t, T4);
	assert_int_equal(fx.ev.n[TSX_EV_TIMEOUT], 0);
	peer_drain();
	mem_deref(mb);
}

static void test_ict_timers_a_b(void **state)
{
	struct buf *mb = make_request("INVITE", "z9hG4bKict1");
	uint64_t when[16], t0 = clock_now_ms();
	static const uint64_t expect[] = {500, 1500, 3500, 7500, 15500, 31500};

	(void)state;
	assert_int_equal(tsx_request(NULL, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     on_tsx, &fx.ev),
			 0);
	/* Timer A doubles with no cap */
	assert_int_equal(step(31999, when, 16), 6);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(when[i] - t0, expect[i]);
	assert_int_equal(fx.ev.n[TSX_EV_TIMEOUT], 0);
	step(1, NULL, 0);
	/* Timer B */
	assert_int_equal(fx.ev.n[TSX_EV_TIMEOUT], 1);
	assert_int_equal(fx.ev.at[TSX_EV_TIMEOUT] - t0, 64 * T1);
	assert_int_equal(fx.ev.last_scode, 408);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 1);
	assert_int_equal(peer_drain(), 7);
	mem_deref(mb);
}

static void test_ict_non2xx_ack_d(void **state)
{
	struct tsx *ct = NULL;
	struct buf *mb = make_request("INVITE", "z9hG4bKict2");
	char buf[2048];
	uint64_t t;

	(void)state;
	assert_int_equal(tsx_request(&ct, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     on_tsx, &fx.ev),
			 0);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	inject_response("z9hG4bKict2", 180, "INVITE");
	assert_int_equal(tsx_state_get(ct), TSX_PROCEEDING);
	/* no retransmission (A stopped) and no timeout (B stopped) */
	assert_int_equal(step(40000, NULL, 0), 0);
	assert_int_equal(fx.ev.n[TSX_EV_TIMEOUT], 0);
	inject_response("z9hG4bKict2", 486, "INVITE");
	t = clock_now_ms();
	assert_int_equal(tsx_state_get(ct), TSX_COMPLETED);
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 2);
	assert_int_equal(fx.ev.last_scode, 486);
	/* §17.1.1.3 ACK: same R-URI, Via, Route, From, Call-ID; To from
	 * the response; CSeq number with ACK */
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "ACK sip:+15005550001@127.0.0.1 SIP/2.0"));
	assert_non_null(strstr(buf, ";branch=z9hG4bKict2"));
	assert_non_null(strstr(buf, "Route: <sip:proxy.example;lr>\r\n"));
	assert_non_null(strstr(buf, ";tag=them9"));
	assert_non_null(strstr(buf, "CSeq: 5 ACK\r\n"));
	assert_non_null(strstr(buf, "Call-ID: out-1@trunkd\r\n"));
	/* a retransmitted 486 is ACKed again, not passed up */
	inject_response("z9hG4bKict2", 486, "INVITE");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 2);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "CSeq: 5 ACK\r\n"));
	/* Timer D = 32 s on UDP */
	step(TD - 1, NULL, 0);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 0);
	step(1, NULL, 0);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 1);
	assert_int_equal(fx.ev.at[TSX_EV_TERMINATED] - t, TD);
	assert_int_equal(peer_drain(), 0);
	mem_deref(ct);
	mem_deref(mb);
}

static void test_ict_2xx_accepted_m(void **state)
{
	struct tsx *ct = NULL;
	struct buf *mb = make_request("INVITE", "z9hG4bKict3");
	uint64_t t;

	(void)state;
	assert_int_equal(tsx_request(&ct, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     on_tsx, &fx.ev),
			 0);
	inject_response("z9hG4bKict3", 200, "INVITE");
	t = clock_now_ms();
	assert_int_equal(tsx_state_get(ct), TSX_ACCEPTED);
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 1);
	/* 2xx retransmissions go to the TU (it ACKs them) */
	inject_response("z9hG4bKict3", 200, "INVITE");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 2);
	assert_int_equal(step(64 * T1 - 1, NULL, 0), 0);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 0);
	step(1, NULL, 0);
	assert_int_equal(fx.ev.at[TSX_EV_TERMINATED] - t, 64 * T1);
	/* only the INVITE was sent: no ACK for a 2xx from here */
	assert_int_equal(peer_drain(), 1);
	mem_deref(ct);
	mem_deref(mb);
}

static void test_ict_cancel(void **state)
{
	struct tsx *ct = NULL;
	struct buf *mb = make_request("INVITE", "z9hG4bKict4");
	char buf[2048];

	(void)state;
	assert_int_equal(tsx_request(&ct, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     on_tsx, &fx.ev),
			 0);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	/* §9.1: no CANCEL before a provisional response */
	assert_int_equal(tsx_cancel(ct), 0);
	assert_int_equal(tsx_cancel(ct), EALREADY);
	assert_int_equal(peer_recv(buf, sizeof(buf), 50), 0);
	inject_response("z9hG4bKict4", 180, "INVITE");
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "CANCEL sip:+15005550001@127.0.0.1"));
	assert_non_null(strstr(buf, ";branch=z9hG4bKict4"));
	assert_non_null(strstr(buf, "CSeq: 5 CANCEL\r\n"));
	assert_non_null(strstr(buf, "To: <sip:+15005550001@127.0.0.1>\r\n"));
	/* the CANCEL's 200, then the INVITE's 487 (ACKed) */
	inject_response("z9hG4bKict4", 200, "CANCEL");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 1); /* only the 180 */
	inject_response("z9hG4bKict4", 487, "INVITE");
	assert_int_equal(fx.ev.last_scode, 487);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "ACK sip:"));
	assert_int_equal(tsx_cancel(NULL), EINVAL);
	mem_deref(ct);
	mem_deref(mb);
}

static void test_client_errors(void **state)
{
	struct buf *mb = make_request("OPTIONS", "z9hG4bKerr1");
	struct buf *ack = make_request("ACK", "z9hG4bKerr2");
	struct buf *old = make_request("OPTIONS", "oldbranch");
	struct sockaddr_storage v6;

	(void)state;
	/* no IPv6 socket: a synchronous error, no transaction */
	assert_int_equal(sa_parse(&v6, "[::1]:5060", 0), 0);
	assert_int_equal(tsx_request(NULL, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&v6, NULL, false,
				     on_tsx, &fx.ev),
			 EAFNOSUPPORT);
	/* ACK is never a client transaction; a branch needs the cookie */
	assert_int_equal(tsx_request(NULL, fx.tl, ack, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     NULL, NULL),
			 EINVAL);
	assert_int_equal(tsx_request(NULL, fx.tl, old, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     NULL, NULL),
			 EINVAL);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 0);
	mem_deref(mb);
	mem_deref(ack);
	mem_deref(old);
}

/* --- server transactions --- */

static void test_ist_100_g_h(void **state)
{
	char buf[2048];
	uint64_t t0, when[16];
	static const uint64_t expect[] = {500,	 1500,	3500,  7500,  11500,
					  15500, 19500, 23500, 27500, 31500};
	unsigned n;

	(void)state;
	inject_invite("z9hG4bKist1", 1);
	assert_int_equal(fx.nreq, 1);
	assert_non_null(fx.st);
	assert_int_equal(tsx_kind_get(fx.st), TSX_IST);
	/* 100 Trying at once, with rport filled and received */
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 100 Trying\r\n"));
	assert_non_null(strstr(buf, ";received=127.0.0.1"));
	assert_non_null(strstr(buf, ";rport="));
	/* 100: no To tag */
	assert_non_null(
		strstr(buf, "To: <sip:+15005550001@trunk.example>\r\n"));
	/* retransmitted INVITE: absorbed, 100 resent */
	inject_invite("z9hG4bKist1", 1);
	assert_int_equal(fx.nreq, 1);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 100 Trying\r\n"));

	assert_int_equal(tsx_reply(fx.st, 486, NULL, NULL, NULL, NULL), 0);
	t0 = clock_now_ms();
	assert_int_equal(tsx_state_get(fx.st), TSX_COMPLETED);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 486 Busy Here\r\n"));
	assert_non_null(
		strstr(buf, "To: <sip:+15005550001@trunk.example>;tag="));
	assert_non_null(strstr(buf, tsx_totag(fx.st)));
	/* a second final is refused */
	assert_int_equal(tsx_reply(fx.st, 500, NULL, NULL, NULL, NULL),
			 EPROTO);
	/* retransmitted INVITE: the 486 again */
	inject_invite("z9hG4bKist1", 1);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 486"));

	/* Timer G: T1 doubling to T2; Timer H at 64*T1 */
	n = step(64 * T1 - 1, when, 16);
	assert_int_equal(n, 10);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(when[i] - t0, expect[i]);
	assert_int_equal(fx.ev.n[TSX_EV_TIMEOUT], 0);
	step(1, NULL, 0);
	assert_int_equal(fx.ev.n[TSX_EV_TIMEOUT], 1);
	assert_int_equal(fx.ev.at[TSX_EV_TIMEOUT] - t0, 64 * T1);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 1);
	assert_int_equal(peer_drain(), 10);
	assert_int_equal(tsx_reply(fx.st, 486, NULL, NULL, NULL, NULL),
			 ESHUTDOWN);
}

static void test_ist_ack_i(void **state)
{
	char buf[2048];
	char totag[64];
	uint64_t t;
	struct tsx_stats st;

	(void)state;
	fx.auto_reply = 603;
	inject_invite("z9hG4bKist2", 1);
	snprintf(totag, sizeof(totag), "%s", tsx_totag(fx.st));
	assert_int_equal(tsx_state_get(fx.st), TSX_COMPLETED);
	assert_int_equal(step(T1, NULL, 0), 1); /* one G */
	inject_ack("z9hG4bKist2", totag);
	t = clock_now_ms();
	assert_int_equal(tsx_state_get(fx.st), TSX_CONFIRMED);
	assert_int_equal(fx.nack, 0); /* absorbed, not the TU's */
	/* ACK retransmission: absorbed too */
	inject_ack("z9hG4bKist2", totag);
	assert_int_equal(fx.nack, 0);
	tsx_layer_stats(fx.tl, &st);
	assert_int_equal(st.retransmissions_absorbed, 1);
	/* G stopped; Timer I = T4 */
	assert_int_equal(step(T4 - 1, NULL, 0), 0);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 0);
	step(1, NULL, 0);
	assert_int_equal(fx.ev.at[TSX_EV_TERMINATED] - t, T4);
	assert_int_equal(fx.ev.n[TSX_EV_TIMEOUT], 0);
	/* 603 (no 100: the TU answered at once), one retransmission */
	assert_int_equal(peer_drain(), 2);
	(void)buf;
}

static void test_ist_2xx_accepted_l(void **state)
{
	uint64_t t;

	(void)state;
	inject_invite("z9hG4bKist3", 1);
	assert_int_equal(tsx_reply(fx.st, 180, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(tsx_reply(fx.st, 200, NULL, NULL, "application/sdp",
				   &PL("v=0\r\n")),
			 0);
	t = clock_now_ms();
	assert_int_equal(tsx_state_get(fx.st), TSX_ACCEPTED);
	/* the TU may retransmit its 2xx; nothing else */
	assert_int_equal(tsx_reply(fx.st, 200, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(tsx_reply(fx.st, 486, NULL, NULL, NULL, NULL),
			 EPROTO);
	/* INVITE retransmission: absorbed, nothing resent */
	inject_invite("z9hG4bKist3", 1);
	assert_int_equal(fx.nreq, 1);
	/* the 2xx ACK has a new branch: the TU's */
	inject_ack("z9hG4bKack3", tsx_totag(fx.st));
	assert_int_equal(fx.nack, 1);
	assert_int_equal(step(64 * T1 - 1, NULL, 0), 0);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 0);
	step(1, NULL, 0);
	assert_int_equal(fx.ev.at[TSX_EV_TERMINATED] - t, 64 * T1);
	/* 100, 180, 200, 200 */
	assert_int_equal(peer_drain(), 4);
}

static void test_ist_delayed_trying(void **state)
{
	char buf[2048];

	(void)state;
	inject_invite("z9hG4bKist4", 1);
	assert_int_equal(peer_recv(buf, sizeof(buf), 50), 0);
	step(199, NULL, 0);
	assert_int_equal(peer_recv(buf, sizeof(buf), 50), 0);
	step(1, NULL, 0);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 100 Trying"));
	/* a TU answering within 200 ms: no 100 */
	inject_invite("z9hG4bKist5", 2);
	assert_int_equal(tsx_reply(fx.st, 180, NULL, NULL, NULL, NULL), 0);
	step(300, NULL, 0);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 180 Ringing"));
	assert_int_equal(peer_drain(), 0);
}

static void test_nist_j(void **state)
{
	char buf[2048];
	uint64_t t;

	(void)state;
	inject_options("z9hG4bKnist1");
	assert_int_equal(fx.nreq, 1);
	assert_int_equal(tsx_kind_get(fx.st), TSX_NIST);
	assert_int_equal(tsx_state_get(fx.st), TSX_TRYING);
	/* Trying: a retransmission is absorbed silently */
	inject_options("z9hG4bKnist1");
	assert_int_equal(fx.nreq, 1);
	assert_int_equal(peer_recv(buf, sizeof(buf), 50), 0);
	assert_int_equal(tsx_reply(fx.st, 200, NULL, "Allow: INVITE, ACK\r\n",
				   NULL, NULL),
			 0);
	t = clock_now_ms();
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 200 OK\r\n"));
	assert_non_null(strstr(buf, "Allow: INVITE, ACK\r\n"));
	assert_non_null(strstr(buf, "CSeq: 7 OPTIONS\r\n"));
	assert_non_null(strstr(buf, "Content-Length: 0\r\n\r\n"));
	/* Completed: the 200 again */
	inject_options("z9hG4bKnist1");
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 200 OK"));
	assert_int_equal(fx.nreq, 1);
	/* Timer J = 64*T1 */
	step(64 * T1 - 1, NULL, 0);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 0);
	step(1, NULL, 0);
	assert_int_equal(fx.ev.at[TSX_EV_TERMINATED] - t, 64 * T1);
	/* after J the same request is new */
	inject_options("z9hG4bKnist1");
	assert_int_equal(fx.nreq, 2);
	assert_int_equal(tsx_reply(fx.st, 200, NULL, NULL, NULL, NULL), 0);
	peer_drain();
}

/* Response building (RFC 3261 §8.2.6 via the printer): header lines
 * copied as written (compact forms, a Via list line), only the top Via
 * value replaced (received, RFC 3581), the To tag, control characters
 * out of the reason, extra headers, Content-Type and body; a 100 copies
 * Timestamp and has no To tag. */
static void test_response_format(void **state)
{
	char buf[2048], want[2048];

	(void)state;
	inject("OPTIONS sip:trunk.example SIP/2.0\r\n"
	       "v: SIP/2.0/UDP pbx.example:%u;branch=z9hG4bKfmt1;"
	       "received=192.0.2.1 , "
	       "SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKup\r\n"
	       "Via: SIP/2.0/TCP 10.0.0.8;branch=z9hG4bKup2\r\n"
	       "Max-Forwards: 70\r\n"
	       "f: <sip:mon@pbx.example>;tag=o1\r\n"
	       "t: <sip:trunk.example>\r\n"
	       "i: fmt-1@pbx\r\n"
	       "CSeq: 8 OPTIONS\r\n"
	       "Timestamp: 54\r\n"
	       "l: 0\r\n\r\n",
	       peer_port());
	assert_int_equal(fx.nreq, 1);
	assert_int_equal(tsx_reply(fx.st, 200, "OK\r\nX-Evil: 1",
				   "Allow: INVITE\r\n", "application/sdp",
				   &PL("v=0\r\n")),
			 0);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	snprintf(want, sizeof(want),
		 "SIP/2.0 200 OK  X-Evil: 1\r\n"
		 "v: SIP/2.0/UDP pbx.example:%u;branch=z9hG4bKfmt1;"
		 "received=127.0.0.1 , "
		 "SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKup\r\n"
		 "Via: SIP/2.0/TCP 10.0.0.8;branch=z9hG4bKup2\r\n"
		 "f: <sip:mon@pbx.example>;tag=o1\r\n"
		 "t: <sip:trunk.example>;tag=%s\r\n"
		 "i: fmt-1@pbx\r\n"
		 "CSeq: 8 OPTIONS\r\n"
		 "Allow: INVITE\r\n"
		 "Content-Type: application/sdp\r\n"
		 "Content-Length: 5\r\n\r\n"
		 "v=0\r\n",
		 peer_port(), tsx_totag(fx.st));
	assert_string_equal(buf, want);

	/* the INVITE's 100: Timestamp copied, no To tag, rport filled */
	inject("INVITE sip:+15005550001@trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:%u;rport;branch=z9hG4bKfmt2\r\n"
	       "Max-Forwards: 70\r\n"
	       "From: <sip:alice@pbx.example>;tag=ft1\r\n"
	       "To: <sip:+15005550001@trunk.example>\r\n"
	       "Call-ID: fmt-2@pbx\r\n"
	       "CSeq: 1 INVITE\r\n"
	       "Timestamp: 54 0.5\r\n"
	       "Content-Length: 0\r\n\r\n",
	       peer_port());
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	snprintf(want, sizeof(want),
		 "SIP/2.0 100 Trying\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:%u;rport=%u;branch=z9hG4bKfmt2;"
		 "received=127.0.0.1\r\n"
		 "From: <sip:alice@pbx.example>;tag=ft1\r\n"
		 "To: <sip:+15005550001@trunk.example>\r\n"
		 "Call-ID: fmt-2@pbx\r\n"
		 "CSeq: 1 INVITE\r\n"
		 "Timestamp: 54 0.5\r\n"
		 "Content-Length: 0\r\n\r\n",
		 peer_port(), peer_port());
	assert_string_equal(buf, want);
	assert_int_equal(tsx_reply(fx.st, 480, NULL, NULL, NULL, NULL), 0);
	peer_drain();
}

static void test_cancel_matching(void **state)
{
	char buf[2048], totag[64];
	struct tsx_stats st;

	(void)state;
	fx.ev.reply_on_cancel = 487;
	inject_invite("z9hG4bKcan1", 1);
	snprintf(totag, sizeof(totag), "%s", tsx_totag(fx.st));
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0); /* 100 */
	/* a CANCEL with another branch matches nothing: 481 */
	inject_cancel("z9hG4bKcanX");
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 481"));
	assert_non_null(strstr(buf, "CSeq: 1 CANCEL"));
	assert_int_equal(fx.ev.n[TSX_EV_CANCEL], 0);
	/* the right branch: 200 for the CANCEL, event, our 487 */
	inject_cancel("z9hG4bKcan1");
	assert_int_equal(fx.ev.n[TSX_EV_CANCEL], 1);
	assert_int_equal(fx.nreq, 1); /* CANCEL is not the TU's request */
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 200 OK"));
	assert_non_null(strstr(buf, "CSeq: 1 CANCEL"));
	assert_non_null(strstr(buf, totag)); /* §9.2: same To tag */
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 487 Request Terminated"));
	assert_non_null(strstr(buf, "CSeq: 1 INVITE"));
	/* retransmitted CANCEL: its 200 again, no second event */
	inject_cancel("z9hG4bKcan1");
	assert_int_equal(fx.ev.n[TSX_EV_CANCEL], 1);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 200 OK"));
	tsx_layer_stats(fx.tl, &st);
	assert_int_equal(st.cancels_matched, 1);
	assert_int_equal(st.cancels_unmatched, 1);
	peer_drain();
}

static void test_cancel_without_handler(void **state)
{
	char buf[2048];

	(void)state;
	inject_invite("z9hG4bKcan2", 1);
	tsx_handler_set(fx.st, NULL, NULL);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0); /* 100 */
	inject_cancel("z9hG4bKcan2");
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 200"));
	/* the layer answered the INVITE 487 itself */
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 487"));
	assert_int_equal(tsx_state_get(fx.st), TSX_COMPLETED);
	peer_drain();
}

/* RFC 2543 peer: no magic cookie in the branch (or none at all). */
static void inject_2543(const char *method, unsigned cseq, const char *totag,
			const char *via_extra)
{
	inject("%s sip:+15005550001@trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:%u%s\r\n"
	       "From: <sip:alice@pbx.example>;tag=ft2543\r\n"
	       "To: <sip:+15005550001@trunk.example>%s%s\r\n"
	       "Call-ID: old-1@pbx\r\n"
	       "CSeq: %u %s\r\n"
	       "Content-Length: 0\r\n\r\n",
	       method, peer_port(), via_extra, totag ? ";tag=" : "",
	       totag ? totag : "", cseq, method);
}

static void test_rfc2543_fallback(void **state)
{
	char buf[2048], totag[64];
	struct tsx *first;

	(void)state;
	inject_2543("INVITE", 1, NULL, "");
	assert_int_equal(fx.nreq, 1);
	first = mem_ref(fx.st);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0); /* 100 */
	/* the same INVITE again: matched by fields, 100 resent */
	inject_2543("INVITE", 1, NULL, "");
	assert_int_equal(fx.nreq, 1);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 100"));
	/* another CSeq or another top Via: a new transaction */
	inject_2543("INVITE", 2, NULL, "");
	assert_int_equal(fx.nreq, 2);
	inject_2543("INVITE", 1, NULL, ";branch=1234");
	assert_int_equal(fx.nreq, 3);
	peer_drain();

	/* CANCEL of the first (same fields, CSeq number) */
	fx.ev.reply_on_cancel = 487;
	tsx_handler_set(first, on_tsx, &fx.ev);
	inject_2543("CANCEL", 1, NULL, "");
	assert_int_equal(fx.ev.n[TSX_EV_CANCEL], 1);
	assert_int_equal(tsx_state_get(first), TSX_COMPLETED);
	snprintf(totag, sizeof(totag), "%s", tsx_totag(first));
	/* an ACK with a foreign To tag does not match */
	inject_2543("ACK", 1, "nottheirs", "");
	assert_int_equal(fx.nack, 1);
	assert_int_equal(tsx_state_get(first), TSX_COMPLETED);
	/* the ACK carrying our To tag matches the first transaction */
	inject_2543("ACK", 1, totag, "");
	assert_int_equal(fx.nack, 1);
	assert_int_equal(tsx_state_get(first), TSX_CONFIRMED);
	peer_drain();
	mem_deref(first);
}

static void test_branch_and_sentby(void **state)
{
	char b[TSX_BRANCH_SIZE], b2[TSX_BRANCH_SIZE];

	(void)state;
	tsx_branch_make(b, sizeof(b));
	tsx_branch_make(b2, sizeof(b2));
	assert_int_equal(strlen(b), TSX_BRANCH_SIZE - 1);
	assert_memory_equal(b, "z9hG4bK", 7);
	assert_string_not_equal(b, b2);
	/* same branch from another sent-by is another transaction */
	inject_options("z9hG4bKsb1");
	inject("OPTIONS sip:trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 10.9.9.9:5099;branch=z9hG4bKsb1\r\n"
	       "From: <sip:mon@pbx.example>;tag=o1\r\n"
	       "To: <sip:trunk.example>\r\n"
	       "Call-ID: opt-1@pbx\r\n"
	       "CSeq: 7 OPTIONS\r\n"
	       "Content-Length: 0\r\n\r\n");
	assert_int_equal(fx.nreq, 2);
	assert_string_equal(tsx_state_name(TSX_ACCEPTED), "Accepted");
}

/* A TU that drops a request: nothing is sent, not even 100 Trying; the
 * transaction ends at once; a retransmission reaches the TU again. */
/* tsx_reply_print() gives the bytes tsx_reply() would send, and a TU can
 * send them with tsx_reply_buf(). */
static void test_reply_print(void **state)
{
	struct buf *mb = NULL;
	char buf[2048];
	size_t n;

	(void)state;
	inject_invite("z9hG4bKprint1", 1);
	(void)peer_drain(); /* nothing yet, or a 100 */
	assert_int_equal(tsx_reply_print(&mb, fx.st, 486, NULL, "X-A: b\r\n",
					 NULL, NULL),
			 0);
	assert_non_null(
		memmem(mb->data, mb->end, "SIP/2.0 486 Busy Here\r\n", 23));
	assert_int_equal(tsx_reply_buf(fx.st, 486, mb), 0);
	n = peer_recv(buf, sizeof(buf), 1000);
	assert_int_equal(n, mb->end);
	assert_memory_equal(buf, mb->data, n);
	assert_non_null(strstr(buf, "X-A: b\r\n"));
	assert_non_null(strstr(buf, ";tag="));
	mem_deref(mb);
	assert_int_equal(
		tsx_reply_print(&mb, NULL, 486, NULL, NULL, NULL, NULL),
		EINVAL);
}

static void test_ist_drop(void **state)
{
	struct tsx_stats st;

	(void)state;
	fx.auto_drop = true;
	inject_invite("z9hG4bKdrop1", 1);
	assert_int_equal(fx.nreq, 1);
	assert_int_equal(tsx_state_get(fx.st), TSX_TERMINATED);
	assert_int_equal(fx.ev.n[TSX_EV_TERMINATED], 1);
	assert_int_equal(tsx_drop(fx.st), ESHUTDOWN);
	inject_invite("z9hG4bKdrop1", 1);
	assert_int_equal(fx.nreq, 2);
	tsx_layer_stats(fx.tl, &st);
	assert_int_equal(st.dropped, 2);
	assert_int_equal(st.live, 0);
	step(64 * T1, NULL, 0);
	assert_int_equal(peer_drain(), 0);
	/* a request already answered cannot be dropped */
	fx.auto_drop = false;
	inject_invite("z9hG4bKdrop2", 1);
	assert_int_equal(tsx_drop(fx.st), EPROTO); /* its 100 went out */
	assert_int_equal(tsx_reply(fx.st, 486, NULL, NULL, NULL, NULL), 0);
}

/* Transactions waiting out their last timer keep only what they need:
 * the parsed request is gone (tsx_request_msg() NULL, fewer bytes held),
 * matching and resending work as before. */
static size_t live_bytes(void)
{
	struct mem_stat ms;

	mem_stat_get(&ms);
	return ms.bytes;
}

static void test_slim(void **state)
{
	struct tsx *ct = NULL;
	struct buf *mb;
	char buf[2048], first[2048];
	struct tsx_stats st;
	size_t before;

	(void)state;
	/* NIST: final sent -> slim; a retransmission gets the same bytes */
	inject_options("z9hG4bKslim1");
	assert_non_null(tsx_request_msg(fx.st));
	before = live_bytes();
	assert_int_equal(tsx_reply(fx.st, 200, NULL, NULL, NULL, NULL), 0);
	assert_null(tsx_request_msg(fx.st));
	assert_true(live_bytes() < before);
	assert_true(peer_recv(first, sizeof(first), 1000) > 0);
	inject_options("z9hG4bKslim1");
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_string_equal(buf, first);
	assert_int_equal(fx.nreq, 1);
	assert_int_equal(tsx_reply(fx.st, 200, NULL, NULL, NULL, NULL),
			 EPROTO);
	/* another sent-by with the same branch is not a retransmission */
	inject("OPTIONS sip:trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.2:%u;branch=z9hG4bKslim1\r\n"
	       "From: <sip:mon@pbx.example>;tag=o1\r\n"
	       "To: <sip:trunk.example>\r\nCall-ID: opt-1@pbx\r\n"
	       "CSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n",
	       peer_port());
	assert_int_equal(fx.nreq, 2);
	assert_int_equal(tsx_reply(fx.st, 404, NULL, NULL, NULL, NULL), 0);
	peer_drain();

	/* IST non-2xx: Completed -> slim; Timer G resends, ACK matches */
	inject_invite("z9hG4bKslim2", 1);
	assert_int_equal(tsx_reply(fx.st, 486, NULL, NULL, NULL, NULL), 0);
	assert_null(tsx_request_msg(fx.st));
	assert_int_equal(step(T1, NULL, 0), 1);
	inject_ack("z9hG4bKslim2", tsx_totag(fx.st));
	assert_int_equal(tsx_state_get(fx.st), TSX_CONFIRMED);
	assert_int_equal(fx.nack, 0);
	peer_drain();

	/* IST 2xx: the request stays while the TU holds a handler (it may
	 * send its 2xx again), goes when it lets go */
	inject("INVITE sip:+15005550001@trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKslim3;rport\r\n"
	       "Via: SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKup\r\n"
	       "From: <sip:alice@pbx.example>;tag=ft1\r\n"
	       "To: <sip:+15005550001@trunk.example>\r\n"
	       "Call-ID: call-1@pbx\r\nCSeq: 1 INVITE\r\n"
	       "Content-Length: 0\r\n\r\n",
	       peer_port());
	assert_int_equal(tsx_reply(fx.st, 200, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(tsx_state_get(fx.st), TSX_ACCEPTED);
	assert_non_null(tsx_request_msg(fx.st));
	assert_int_equal(tsx_reply(fx.st, 200, NULL, NULL, NULL, NULL), 0);
	before = live_bytes();
	tsx_handler_set(fx.st, NULL, NULL);
	assert_null(tsx_request_msg(fx.st));
	assert_true(live_bytes() < before);
	assert_int_equal(tsx_reply(fx.st, 200, NULL, NULL, NULL, NULL),
			 EPROTO);
	/* INVITE retransmission absorbed; CANCEL matched, answered 200 */
	inject("INVITE sip:+15005550001@trunk.example SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKslim3;rport\r\n"
	       "Via: SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKup\r\n"
	       "From: <sip:alice@pbx.example>;tag=ft1\r\n"
	       "To: <sip:+15005550001@trunk.example>\r\n"
	       "Call-ID: call-1@pbx\r\nCSeq: 1 INVITE\r\n"
	       "Content-Length: 0\r\n\r\n",
	       peer_port());
	assert_int_equal(fx.nreq, 4);
	inject_cancel("z9hG4bKslim3");
	tsx_layer_stats(fx.tl, &st);
	assert_int_equal(st.cancels_matched, 1);
	peer_drain();

	/* ICT 2xx: slim, 2xx retransmissions still reach the TU */
	mb = make_request("INVITE", "z9hG4bKslim4");
	assert_int_equal(tsx_request(&ct, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     on_tsx, &fx.ev),
			 0);
	mem_deref(mb);
	assert_non_null(tsx_request_msg(ct));
	fx.ev.n[TSX_EV_RESPONSE] = 0;
	inject_response("z9hG4bKslim4", 200, "INVITE");
	assert_null(tsx_request_msg(ct));
	inject_response("z9hG4bKslim4", 200, "INVITE");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 2);
	ct = mem_deref(ct);

	/* ICT non-2xx: slim, a retransmitted final is ACKed again */
	mb = make_request("INVITE", "z9hG4bKslim5");
	assert_int_equal(tsx_request(&ct, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     on_tsx, &fx.ev),
			 0);
	mem_deref(mb);
	peer_drain();
	inject_response("z9hG4bKslim5", 503, "INVITE");
	assert_null(tsx_request_msg(ct));
	assert_true(peer_recv(first, sizeof(first), 1000) > 0);
	assert_non_null(strstr(first, "ACK sip:"));
	inject_response("z9hG4bKslim5", 503, "INVITE");
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_string_equal(buf, first);
	ct = mem_deref(ct);

	/* NICT: Completed -> slim, retransmitted final absorbed */
	mb = make_request("BYE", "z9hG4bKslim6");
	assert_int_equal(tsx_request(&ct, fx.tl, mb, SIP_TP_UDP,
				     (struct sockaddr *)&fx.paddr, NULL, false,
				     on_tsx, &fx.ev),
			 0);
	mem_deref(mb);
	fx.ev.n[TSX_EV_RESPONSE] = 0;
	inject_response("z9hG4bKslim6", 200, "BYE");
	assert_int_equal(tsx_state_get(ct), TSX_COMPLETED);
	assert_null(tsx_request_msg(ct));
	inject_response("z9hG4bKslim6", 200, "BYE");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 1);
	ct = mem_deref(ct);
	peer_drain();
}

/* A request the caller printed, given with its method and branch: the
 * transaction works as one from tsx_request() (responses, CANCEL, the
 * ACK of a non-2xx, slim), parsing the bytes only when it needs them. */
static void test_request_known(void **state)
{
	struct tsx *ct = NULL;
	struct buf *mb = make_request("INVITE", "z9hG4bKknown1");
	struct sockaddr *pa = (struct sockaddr *)&fx.paddr;
	char buf[2048];

	(void)state;
	/* what it refuses */
	assert_int_equal(tsx_request_known(NULL, fx.tl, mb, SIP_METHOD_ACK,
					   "z9hG4bKknown1", SIP_TP_UDP, pa,
					   NULL, false, NULL, NULL),
			 EINVAL);
	assert_int_equal(tsx_request_known(NULL, fx.tl, mb, SIP_METHOD_UNKNOWN,
					   "z9hG4bKknown1", SIP_TP_UDP, pa,
					   NULL, false, NULL, NULL),
			 EINVAL);
	assert_int_equal(tsx_request_known(NULL, fx.tl, mb, SIP_METHOD_INVITE,
					   "oldbranch", SIP_TP_UDP, pa, NULL,
					   false, NULL, NULL),
			 EINVAL);
	assert_int_equal(tsx_request_known(NULL, fx.tl, mb, SIP_METHOD_INVITE,
					   NULL, SIP_TP_UDP, pa, NULL, false,
					   NULL, NULL),
			 EINVAL);

	assert_int_equal(tsx_request_known(&ct, fx.tl, mb, SIP_METHOD_INVITE,
					   "z9hG4bKknown1", SIP_TP_UDP, pa,
					   NULL, false, on_tsx, &fx.ev),
			 0);
	assert_int_equal(tsx_kind_get(ct), TSX_ICT);
	assert_int_equal(tsx_request_known(NULL, fx.tl, mb, SIP_METHOD_INVITE,
					   "z9hG4bKknown1", SIP_TP_UDP, pa,
					   NULL, false, NULL, NULL),
			 EEXIST);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "INVITE sip:"));
	/* CANCEL after the 180 needs the request: decoded then */
	inject_response("z9hG4bKknown1", 180, "INVITE");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 1);
	assert_int_equal(tsx_cancel(ct), 0);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "CANCEL sip:+15005550001@127.0.0.1"));
	assert_non_null(strstr(buf, ";branch=z9hG4bKknown1"));
	assert_non_null(strstr(buf, "CSeq: 5 CANCEL\r\n"));
	inject_response("z9hG4bKknown1", 200, "CANCEL");
	/* the 487 is ACKed here; then slim */
	inject_response("z9hG4bKknown1", 487, "INVITE");
	assert_int_equal(fx.ev.last_scode, 487);
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "ACK sip:+15005550001@127.0.0.1"));
	assert_non_null(strstr(buf, "CSeq: 5 ACK\r\n"));
	assert_null(tsx_request_msg(ct));
	inject_response("z9hG4bKknown1", 487, "INVITE");
	assert_true(peer_recv(buf, sizeof(buf), 1000) > 0);
	assert_non_null(strstr(buf, "ACK sip:"));
	ct = mem_deref(ct);
	mem_deref(mb);

	/* NICT: tsx_request_msg() decodes on demand; 200 -> slim */
	mb = make_request("BYE", "z9hG4bKknown2");
	assert_int_equal(tsx_request_known(&ct, fx.tl, mb, SIP_METHOD_BYE,
					   "z9hG4bKknown2", SIP_TP_UDP, pa,
					   NULL, false, on_tsx, &fx.ev),
			 0);
	mem_deref(mb);
	assert_non_null(tsx_request_msg(ct));
	assert_int_equal(tsx_request_msg(ct)->method, SIP_METHOD_BYE);
	fx.ev.n[TSX_EV_RESPONSE] = 0;
	inject_response("z9hG4bKknown2", 200, "BYE");
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 1);
	assert_int_equal(tsx_state_get(ct), TSX_COMPLETED);
	assert_null(tsx_request_msg(ct));
	inject_response("z9hG4bKknown2", 200, "BYE"); /* absorbed */
	assert_int_equal(fx.ev.n[TSX_EV_RESPONSE], 1);
	ct = mem_deref(ct);
	peer_drain();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_nict_timers_e_f),
		TEST(test_nict_proceeding_k),
		TEST(test_ict_timers_a_b),
		TEST(test_ict_non2xx_ack_d),
		TEST(test_ict_2xx_accepted_m),
		TEST(test_ict_cancel),
		TEST(test_client_errors),
		TEST(test_ist_100_g_h),
		TEST(test_ist_ack_i),
		TEST(test_ist_drop),
		TEST(test_reply_print),
		TEST(test_ist_2xx_accepted_l),
		cmocka_unit_test_setup_teardown(test_ist_delayed_trying,
						setup_delayed_trying,
						teardown),
		TEST(test_nist_j),
		TEST(test_response_format),
		TEST(test_cancel_matching),
		TEST(test_cancel_without_handler),
		TEST(test_rfc2543_fallback),
		TEST(test_branch_and_sentby),
		TEST(test_slim),
		TEST(test_request_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
