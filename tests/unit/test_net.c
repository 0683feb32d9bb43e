/* Socket tests for src/net on 127.0.0.1 (and ::1) port 0: UDP and TCP
 * receive, framing errors, keep-alives, idle timeout, caps, response
 * routing (RFC 3261 §18.2.2, RFC 3581), connection reuse, UDP->TCP
 * switch for large requests, the libuv timer glue. Real clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include "net/uvtmr.h"
#include "leakcheck.h"

struct fx {
	uv_loop_t loop;
	struct tmrl *tmrl;
	struct uvtmr *ut;
	struct sip_transp *tp;
	struct sockaddr_storage udp, tcp; /* our listeners */
	/* received */
	unsigned nrx;
	char last[4096];
	struct sip_recv last_rx;
	struct sip_conn *last_conn; /* ref */
	bool answer;		    /* answer requests 200 */
	int send_err;		    /* from the error handler */
	unsigned nerr;
};

static struct fx fx;

static void on_recv(struct sip_msg *msg, const struct sip_recv *rx, void *arg)
{
	struct fx *f = arg;
	const struct sip_via *via;
	struct buf *mb;

	f->nrx++;
	snprintf(f->last, sizeof(f->last), "%.*s", PL_ARG(&msg->raw));
	f->last_rx = *rx;
	mem_deref(f->last_conn);
	f->last_conn = mem_ref(rx->conn);
	if (!f->answer || !msg->req)
		return;
	assert_int_equal(sip_msg_via(msg, &via), 0);
	mb = buf_alloc(512);
	assert_non_null(mb);
	assert_int_equal(buf_write_str(mb, "SIP/2.0 200 OK\r\nVia: "), 0);
	assert_int_equal(sip_transp_via_print(mb, via, rx), 0);
	assert_int_equal(
		buf_printf(mb,
			   "\r\nFrom: %.*s\r\nTo: %.*s;tag=x\r\n"
			   "Call-ID: %.*s\r\nCSeq: %.*s\r\n"
			   "Content-Length: 0\r\n\r\n",
			   PL_ARG(&msg->h_from->val), PL_ARG(&msg->h_to->val),
			   PL_ARG(&msg->callid), PL_ARG(&msg->h_cseq->val)),
		0);
	assert_int_equal(
		sip_transp_send_response(f->tp, rx, via, mb, NULL, NULL), 0);
	mem_deref(mb);
}

static void on_send_err(int err, void *arg)
{
	(void)arg;
	fx.send_err = err;
	fx.nerr++;
}

static int setup_cfg(void **state, const struct sip_transp_config *cfg)
{
	struct sockaddr_storage ss;

	leakcheck_setup(state);
	memset(&fx, 0, sizeof(fx));
	clock_mock_off();
	log_level_set(LOG_LEVEL_ERROR);
	assert_int_equal(uv_loop_init(&fx.loop), 0);
	assert_int_equal(tmrl_alloc(&fx.tmrl), 0);
	assert_int_equal(uvtmr_alloc(&fx.ut, &fx.loop, fx.tmrl), 0);
	assert_int_equal(
		sip_transp_alloc(&fx.tp, &fx.loop, fx.tmrl, cfg, on_recv, &fx),
		0);
	assert_int_equal(sa_parse(&ss, "127.0.0.1:0", 0), 0);
	assert_int_equal(sip_transp_listen(fx.tp, SIP_TPF_UDP | SIP_TPF_TCP,
					   (struct sockaddr *)&ss),
			 0);
	assert_int_equal(sip_transp_laddr(fx.tp, SIP_TP_UDP, AF_INET, &fx.udp),
			 0);
	assert_int_equal(sip_transp_laddr(fx.tp, SIP_TP_TCP, AF_INET, &fx.tcp),
			 0);
	/* TCP took the port UDP got */
	assert_int_equal(sa_port(&fx.udp), sa_port(&fx.tcp));
	return 0;
}

static int setup(void **state)
{
	return setup_cfg(state, NULL);
}

static int setup_small(void **state)
{
	struct sip_transp_config cfg = {
		.tcp_idle_ms = 150,
		.tcp_max_conns = 1,
		.tcp_max_buffered = 2048,
	};

	return setup_cfg(state, &cfg);
}

static int teardown(void **state)
{
	fx.last_conn = mem_deref(fx.last_conn);
	fx.tp = mem_deref(fx.tp);
	fx.ut = mem_deref(fx.ut);
	fx.tmrl = mem_deref(fx.tmrl);
	uv_run(&fx.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&fx.loop), 0);
	return leakcheck_teardown(state);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TEST_SMALL(fn) \
	cmocka_unit_test_setup_teardown(fn, setup_small, teardown)

/* Run the loop until *cond is true (or ms pass). */
static bool pump_until(const unsigned *counter, unsigned want, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	while (clock_now_ms() < end) {
		uv_run(&fx.loop, UV_RUN_NOWAIT);
		if (counter && *counter >= want)
			return true;
		usleep(1000);
	}
	return counter ? *counter >= want : true;
}

static void pump(int ms)
{
	pump_until(NULL, 0, ms);
}

static int udp_sock(struct sockaddr_storage *bound, int af)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(*bound);
	int s;

	assert_int_equal(
		sa_parse(&ss, af == AF_INET6 ? "[::1]:0" : "127.0.0.1:0", 0),
		0);
	s = socket(af, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&ss, sa_len(&ss)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)bound, &l), 0);
	return s;
}

static int tcp_connect(const struct sockaddr_storage *to)
{
	int s = socket(to->ss_family, SOCK_STREAM, 0);

	assert_true(s >= 0);
	assert_int_equal(connect(s, (const struct sockaddr *)to, sa_len(to)),
			 0);
	return s;
}

/* Read what s has within ms while running the loop; returns length, 0 on
 * timeout, -1 on EOF/error. */
static ssize_t sock_read(int s, char *buf, size_t sz, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	while (clock_now_ms() < end) {
		struct pollfd pfd = {.fd = s, .events = POLLIN};

		uv_run(&fx.loop, UV_RUN_NOWAIT);
		if (poll(&pfd, 1, 2) == 1) {
			ssize_t n = recv(s, buf, sz - 1, 0);

			if (n <= 0)
				return -1;
			buf[n] = '\0';
			return n;
		}
	}
	return 0;
}

static void send_str(int s, const char *str, const struct sockaddr_storage *to)
{
	ssize_t n;

	if (to)
		n = sendto(s, str, strlen(str), 0, (const struct sockaddr *)to,
			   sa_len(to));
	else
		n = send(s, str, strlen(str), 0);
	assert_int_equal(n, (ssize_t)strlen(str));
}

/* An OPTIONS whose top Via is via (e.g. "SIP/2.0/UDP 127.0.0.1:5;rport"). */
static void make_options(char *out, size_t sz, const char *via,
			 const char *extra)
{
	snprintf(out, sz,
		 "OPTIONS sip:trunk.example SIP/2.0\r\n"
		 "Via: %s\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:mon@pbx.example>;tag=o1\r\n"
		 "To: <sip:trunk.example>\r\n"
		 "Call-ID: opt-1@pbx\r\n"
		 "CSeq: 7 OPTIONS\r\n"
		 "%s"
		 "Content-Length: 0\r\n\r\n",
		 via, extra ? extra : "");
}

static void test_udp_rport(void **state)
{
	struct sockaddr_storage a;
	int sa = udp_sock(&a, AF_INET);
	char req[1024], buf[4096], want[128];

	(void)state;
	fx.answer = true;
	snprintf(want, sizeof(want),
		 "SIP/2.0/UDP pbx.example:5999;branch=z9hG4bKu1;rport");
	make_options(req, sizeof(req), want, NULL);
	send_str(sa, req, &fx.udp);
	assert_true(pump_until(&fx.nrx, 1, 2000));
	assert_int_equal(fx.last_rx.tp, SIP_TP_UDP);
	assert_null(fx.last_rx.conn);
	assert_true(sa_eq(&fx.last_rx.src, &a));
	assert_true(sa_eq(&fx.last_rx.dst, &fx.udp));
	/* RFC 3581: back to the source port, rport filled, received set */
	assert_true(sock_read(sa, buf, sizeof(buf), 2000) > 0);
	snprintf(want, sizeof(want),
		 "Via: SIP/2.0/UDP pbx.example:5999;branch=z9hG4bKu1;"
		 "rport=%u;received=127.0.0.1\r\n",
		 sa_port(&a));
	assert_non_null(strstr(buf, want));
	close(sa);
}

static void test_udp_sentby_maddr(void **state)
{
	struct sockaddr_storage a, b;
	int sa = udp_sock(&a, AF_INET), sb = udp_sock(&b, AF_INET);
	char req[1024], buf[4096], via[128];

	(void)state;
	fx.answer = true;
	/* no rport: to the source address and the sent-by port (b's) */
	snprintf(via, sizeof(via), "SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKs1",
		 sa_port(&b));
	make_options(req, sizeof(req), via, NULL);
	send_str(sa, req, &fx.udp);
	assert_true(sock_read(sb, buf, sizeof(buf), 2000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 200 OK"));
	/* sent-by is the source address: no received */
	assert_null(strstr(buf, "received="));
	assert_int_equal(sock_read(sa, buf, sizeof(buf), 50), 0);
	/* maddr wins */
	snprintf(via, sizeof(via),
		 "SIP/2.0/UDP 10.1.1.1:%u;branch=z9hG4bKs2;maddr=127.0.0.1",
		 sa_port(&b));
	make_options(req, sizeof(req), via, NULL);
	send_str(sa, req, &fx.udp);
	assert_true(sock_read(sb, buf, sizeof(buf), 2000) > 0);
	assert_non_null(strstr(buf, "received=127.0.0.1"));
	close(sa);
	close(sb);
}

static void test_udp_malformed(void **state)
{
	struct sockaddr_storage a;
	int sa = udp_sock(&a, AF_INET);
	struct sip_transp_stats st;
	char buf[4096];

	(void)state;
	/* recoverable: answered 400 with the parser's reason */
	send_str(sa,
		 "INVITE sip:x@trunk.example SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKm1;rport\r\n"
		 "From: <sip:a@b>;tag=1\r\n"
		 "To: <sip:x@trunk.example>\r\n"
		 "Call-ID: m1\r\n"
		 "CSeq: 1 INVITE\r\n"
		 "CSeq: 2 INVITE\r\n"
		 "Content-Length: 0\r\n\r\n",
		 &fx.udp);
	assert_true(sock_read(sa, buf, sizeof(buf), 2000) > 0);
	assert_memory_equal(buf, "SIP/2.0 400 ", 12);
	print_message("400 reason line: %.*s\n", (int)strcspn(buf, "\r"), buf);
	assert_non_null(strstr(buf, "CSeq"));
	assert_non_null(strstr(buf, "Call-ID: m1\r\n"));
	assert_non_null(strstr(buf, "To: <sip:x@trunk.example>;tag="));
	assert_non_null(strstr(buf, "Via: SIP/2.0/UDP 127.0.0.1:9;"
				    "branch=z9hG4bKm1;rport="));
	assert_non_null(strstr(buf, "\r\nContent-Length: 0\r\n\r\n"));
	/* unrecoverable: dropped and counted; a keep-alive is not */
	send_str(sa, "hello there\r\n\r\n", &fx.udp);
	send_str(sa, "\r\n\r\n", &fx.udp);
	/* a broken ACK is never answered */
	send_str(sa,
		 "ACK sip:x@trunk.example SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKm2;rport\r\n"
		 "From: <sip:a@b>;tag=1\r\nTo: <sip:x@t>\r\n"
		 "Call-ID: m2\r\nCSeq: 1 ACK\r\nCSeq: 1 ACK\r\n\r\n",
		 &fx.udp);
	pump(200);
	assert_int_equal(sock_read(sa, buf, sizeof(buf), 50), 0);
	sip_transp_stats_get(fx.tp, &st);
	assert_int_equal(st.answered_400, 1);
	assert_int_equal(st.dropped_malformed, 2);
	assert_int_equal(st.keepalives, 1);
	assert_int_equal(st.received, 0);
	assert_int_equal(fx.nrx, 0);
	close(sa);
}

static void test_tcp_framing(void **state)
{
	int s = tcp_connect(&fx.tcp);
	char m1[1024], m2[1024], both[2200], buf[4096];
	size_t half;

	(void)state;
	fx.answer = true;
	make_options(m1, sizeof(m1),
		     "SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKt1", NULL);
	make_options(m2, sizeof(m2),
		     "SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKt2", NULL);
	/* two in one segment, after stray CRLFs */
	snprintf(both, sizeof(both), "\r\n%s%s", m1, m2);
	send_str(s, both, NULL);
	assert_true(pump_until(&fx.nrx, 2, 2000));
	assert_int_equal(fx.last_rx.tp, SIP_TP_TCP);
	assert_non_null(fx.last_conn);
	assert_true(sip_conn_isopen(fx.last_conn));
	assert_non_null(strstr(fx.last, "z9hG4bKt2"));
	/* one cut in two */
	half = strlen(m1) / 2;
	assert_int_equal(send(s, m1, half, 0), (ssize_t)half);
	pump(50);
	assert_int_equal(fx.nrx, 2);
	send_str(s, m1 + half, NULL);
	assert_true(pump_until(&fx.nrx, 3, 2000));
	/* the responses came back on the same connection */
	{
		size_t got = 0;
		unsigned n200 = 0;

		while (n200 < 3) {
			ssize_t n = sock_read(s, buf + got, sizeof(buf) - got,
					      2000);

			assert_true(n > 0);
			got += (size_t)n;
			n200 = 0;
			for (char *p = buf; (p = strstr(p, "SIP/2.0 200"));
			     p++)
				n200++;
		}
	}
	/* keep-alive ping: CRLF pong (RFC 5626) */
	send_str(s, "\r\n\r\n", NULL);
	assert_int_equal(sock_read(s, buf, sizeof(buf), 2000), 2);
	assert_string_equal(buf, "\r\n");
	close(s);
	pump(50);
}

static void test_tcp_bad_frame(void **state)
{
	int s = tcp_connect(&fx.tcp);
	char buf[4096];
	struct sip_transp_stats st;
	ssize_t n;

	(void)state;
	/* no Content-Length on a stream: 400 and close */
	send_str(s,
		 "OPTIONS sip:trunk.example SIP/2.0\r\n"
		 "Via: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKbf\r\n"
		 "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
		 "Call-ID: bf1\r\nCSeq: 1 OPTIONS\r\n\r\n",
		 NULL);
	n = sock_read(s, buf, sizeof(buf), 2000);
	assert_true(n > 0);
	assert_memory_equal(buf, "SIP/2.0 400 ", 12);
	print_message("TCP framing 400: %.*s\n", (int)strcspn(buf, "\r"), buf);
	assert_non_null(strstr(buf, "Call-ID: bf1\r\n"));
	/* then EOF */
	assert_int_equal(sock_read(s, buf, sizeof(buf), 2000), -1);
	sip_transp_stats_get(fx.tp, &st);
	assert_int_equal(st.tcp_frame_errors, 1);
	assert_int_equal(st.answered_400, 1);
	assert_int_equal(fx.nrx, 0);
	close(s);
}

static void test_tcp_idle_and_caps(void **state)
{
	struct sip_transp_stats st;
	char buf[4096], big[4096];
	int s1, s2, s3;

	(void)state;
	/* cap of 1: the second connection is refused (closed) */
	s1 = tcp_connect(&fx.tcp);
	pump(50);
	s2 = tcp_connect(&fx.tcp);
	assert_int_equal(sock_read(s2, buf, sizeof(buf), 2000), -1);
	sip_transp_stats_get(fx.tp, &st);
	assert_int_equal(st.tcp_refused, 1);
	assert_int_equal(st.tcp_conns, 1);
	/* idle timeout (150 ms) closes the first */
	assert_int_equal(sock_read(s1, buf, sizeof(buf), 3000), -1);
	sip_transp_stats_get(fx.tp, &st);
	assert_int_equal(st.tcp_idle_closed, 1);
	assert_int_equal(st.tcp_conns, 0);
	close(s1);
	close(s2);
	/* over the per-connection buffer cap (2048) without a frame */
	s3 = tcp_connect(&fx.tcp);
	memset(big, 'a', sizeof(big));
	memcpy(big, "OPTIONS sip:x SIP/2.0\r\nX-Long: ", 31);
	big[sizeof(big) - 1] = '\0';
	send_str(s3, big, NULL);
	for (;;) {
		ssize_t n = sock_read(s3, buf, sizeof(buf), 2000);

		assert_true(n != 0);
		if (n < 0)
			break;
	}
	sip_transp_stats_get(fx.tp, &st);
	assert_true(st.tcp_overflow == 1 || st.tcp_frame_errors == 1);
	close(s3);
}

/* A plain TCP server the transport connects to. */
static int tcp_server(struct sockaddr_storage *bound)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(*bound);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	assert_int_equal(sa_parse(&ss, "127.0.0.1:0", 0), 0);
	assert_int_equal(
		bind(s, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)),
		0);
	assert_int_equal(listen(s, 8), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)bound, &l), 0);
	assert_int_equal(fcntl(s, F_SETFL, O_NONBLOCK), 0);
	return s;
}

static int accept_one(int ls, int ms)
{
	uint64_t end = clock_now_ms() + (uint64_t)ms;

	while (clock_now_ms() < end) {
		int s = accept(ls, NULL, NULL);

		if (s >= 0)
			return s;
		uv_run(&fx.loop, UV_RUN_NOWAIT);
		usleep(1000);
	}
	return -1;
}

static struct buf *str_buf(const char *s)
{
	struct buf *mb = buf_alloc(strlen(s) + 1);

	assert_non_null(mb);
	assert_int_equal(buf_write_str(mb, s), 0);
	return mb;
}

static void test_tcp_out_reuse_and_size_switch(void **state)
{
	struct sockaddr_storage srv;
	int ls = tcp_server(&srv), s, s2;
	char req[4096], pad[1600], buf[8192];
	struct buf *mb;
	enum sip_transport tpk = SIP_TP_UDP;
	size_t got = 0;

	(void)state;
	/* a large request over "UDP" to a TCP-capable target goes TCP */
	memset(pad, 'p', sizeof(pad));
	pad[sizeof(pad) - 1] = '\0';
	snprintf(req, sizeof(req),
		 "MESSAGE sip:x@127.0.0.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKbig\r\n"
		 "From: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\n"
		 "Call-ID: big1\r\nCSeq: 1 MESSAGE\r\n"
		 "X-Pad: %s\r\nContent-Length: 0\r\n\r\n",
		 pad);
	mb = str_buf(req);
	assert_int_equal(sip_transp_send_request(fx.tp, &tpk,
						 (struct sockaddr *)&srv, NULL,
						 mb, true, on_send_err, NULL),
			 0);
	assert_int_equal(tpk, SIP_TP_TCP);
	mem_deref(mb);
	s = accept_one(ls, 2000);
	assert_true(s >= 0);
	while (got < strlen(req)) {
		ssize_t n = sock_read(s, buf + got, sizeof(buf) - got, 2000);

		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_non_null(strstr(buf, "Via: SIP/2.0/TCP 127.0.0.1:5060;"));
	/* a second send to the same address reuses the connection */
	mb = str_buf("OPTIONS sip:x SIP/2.0\r\n\r\n");
	assert_int_equal(sip_transp_send(fx.tp, SIP_TP_TCP,
					 (struct sockaddr *)&srv, NULL, mb,
					 on_send_err, NULL),
			 0);
	mem_deref(mb);
	assert_true(sock_read(s, buf, sizeof(buf), 2000) > 0);
	assert_non_null(strstr(buf, "OPTIONS sip:x"));
	s2 = accept_one(ls, 100);
	assert_int_equal(s2, -1);
	/* a small one stays UDP */
	tpk = SIP_TP_UDP;
	mb = str_buf("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9"
		     "hG4bK1\r\n\r\n");
	assert_int_equal(sip_transp_send_request(fx.tp, &tpk,
						 (struct sockaddr *)&srv, NULL,
						 mb, true, NULL, NULL),
			 0);
	assert_int_equal(tpk, SIP_TP_UDP);
	mem_deref(mb);
	/* the peer answers over the connection: delivered with it */
	send_str(s,
		 "SIP/2.0 200 OK\r\n"
		 "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKbig\r\n"
		 "From: <sip:a@b>;tag=1\r\nTo: <sip:x@127.0.0.1>;tag=2\r\n"
		 "Call-ID: big1\r\nCSeq: 1 MESSAGE\r\n"
		 "Content-Length: 0\r\n\r\n",
		 NULL);
	assert_true(pump_until(&fx.nrx, 1, 2000));
	assert_int_equal(fx.last_rx.tp, SIP_TP_TCP);
	/* the peer is a struct sockaddr_storage inside the connection */
	assert_true(sa_eq(
		(const struct sockaddr_storage *)sip_conn_peer(fx.last_conn),
		&srv));
	assert_int_equal(fx.nerr, 0);
	close(s);
	close(ls);
}

static void test_tcp_connect_refused(void **state)
{
	struct sockaddr_storage srv;
	int ls = tcp_server(&srv);
	struct buf *mb = str_buf("OPTIONS sip:x SIP/2.0\r\n\r\n");
	void *arg = mem_zalloc(1, NULL); /* held while pending */

	(void)state;
	close(ls); /* nothing listens there now */
	assert_int_equal(sip_transp_send(fx.tp, SIP_TP_TCP,
					 (struct sockaddr *)&srv, NULL, mb,
					 on_send_err, arg),
			 0);
	assert_int_equal(mem_nrefs(arg), 2);
	assert_true(pump_until(&fx.nerr, 1, 3000));
	assert_int_equal(fx.send_err, ECONNREFUSED);
	pump(20);
	assert_int_equal(mem_nrefs(arg), 1);
	mem_deref(arg);
	mem_deref(mb);
}

static void test_ipv6(void **state)
{
	struct sockaddr_storage ss, v6, a;
	int sa;
	char req[1024], buf[4096], via[128];

	(void)state;
	fx.answer = true;
	assert_int_equal(sa_parse(&ss, "[::1]:0", 0), 0);
	assert_int_equal(sip_transp_listen(fx.tp, SIP_TPF_UDP | SIP_TPF_TCP,
					   (struct sockaddr *)&ss),
			 0);
	assert_int_equal(sip_transp_laddr(fx.tp, SIP_TP_UDP, AF_INET6, &v6),
			 0);
	sa = udp_sock(&a, AF_INET6);
	snprintf(via, sizeof(via),
		 "SIP/2.0/UDP [::1]:%u;branch=z9hG4bK6;rport", sa_port(&a));
	make_options(req, sizeof(req), via, NULL);
	send_str(sa, req, &v6);
	assert_true(sock_read(sa, buf, sizeof(buf), 2000) > 0);
	assert_non_null(strstr(buf, "SIP/2.0 200 OK"));
	assert_non_null(strstr(buf, "received=::1"));
	assert_int_equal(fx.last_rx.src.ss_family, AF_INET6);
	close(sa);
}

struct tick {
	struct tmr tmr;
	unsigned n;
};

static void on_tick(void *arg)
{
	((struct tick *)arg)->n++;
}

static void test_uvtmr(void **state)
{
	struct tick a = {.n = 0}, b = {.n = 0};
	uint64_t t0 = clock_now_ms();

	(void)state;
	/* the glue re-arms its one uv timer for an earlier deadline */
	assert_int_equal(tmr_start(fx.tmrl, &a.tmr, 300, on_tick, &a), 0);
	assert_int_equal(tmr_start(fx.tmrl, &b.tmr, 20, on_tick, &b), 0);
	assert_true(pump_until(&b.n, 1, 2000));
	assert_true(clock_now_ms() - t0 >= 20);
	assert_int_equal(a.n, 0);
	assert_true(pump_until(&a.n, 1, 2000));
	assert_true(clock_now_ms() - t0 >= 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_udp_rport),
		TEST(test_udp_sentby_maddr),
		TEST(test_udp_malformed),
		TEST(test_tcp_framing),
		TEST(test_tcp_bad_frame),
		TEST_SMALL(test_tcp_idle_and_caps),
		TEST(test_tcp_out_reuse_and_size_switch),
		TEST(test_tcp_connect_refused),
		TEST(test_ipv6),
		TEST(test_uvtmr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
