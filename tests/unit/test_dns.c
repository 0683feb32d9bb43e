/* src/net/dns: RFC 3263 resolution against a small fake DNS server on
 * 127.0.0.1 (a uv_udp socket on the same loop, answers built by hand in
 * wire format): order NAPTR -> SRV -> A/AAAA and its fallbacks, SRV
 * priority and weight, the cache (hits, TTL expiry with the mock clock,
 * negative answers, bound), NXDOMAIN, SERVFAIL, timeouts, cancellation,
 * destruction with queries in flight. Real loop, real sockets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/sa.h"
#include "net/dns.h"
#include "leakcheck.h"

/* ---- the fake server ---- */

enum { T_A = 1, T_SOA = 6, T_AAAA = 28, T_SRV = 33, T_NAPTR = 35 };

struct rr {
	const char *name;
	int type;
	uint32_t ttl;
	const char *addr; /* A / AAAA */
	uint16_t prio, weight, port;
	const char *target; /* SRV */
	uint16_t order, pref;
	const char *flags, *service, *repl; /* NAPTR */
};

static const struct rr zone[] = {
	/* gw.test: A and AAAA only */
	{.name = "gw.test", .type = T_A, .ttl = 60, .addr = "192.0.2.10"},
	{.name = "gw.test", .type = T_AAAA, .ttl = 60, .addr = "2001:db8::10"},
	/* naptr.test: NAPTR TCP before UDP, a TLS and an unknown service */
	{.name = "naptr.test",
	 .type = T_NAPTR,
	 .ttl = 60,
	 .order = 20,
	 .pref = 10,
	 .flags = "s",
	 .service = "SIP+D2U",
	 .repl = "_sip._udp.naptr.test"},
	{.name = "naptr.test",
	 .type = T_NAPTR,
	 .ttl = 60,
	 .order = 10,
	 .pref = 10,
	 .flags = "S",
	 .service = "SIP+D2T",
	 .repl = "_sip._tcp.naptr.test"},
	{.name = "naptr.test",
	 .type = T_NAPTR,
	 .ttl = 60,
	 .order = 5,
	 .pref = 10,
	 .flags = "s",
	 .service = "SIPS+D2T",
	 .repl = "_sips._tcp.naptr.test"},
	{.name = "naptr.test",
	 .type = T_NAPTR,
	 .ttl = 60,
	 .order = 1,
	 .pref = 10,
	 .flags = "s",
	 .service = "X-FOO+D2X",
	 .repl = "_foo._tcp.naptr.test"},
	{.name = "_sip._tcp.naptr.test",
	 .type = T_SRV,
	 .ttl = 60,
	 .prio = 10,
	 .weight = 1,
	 .port = 5090,
	 .target = "tcp1.naptr.test"},
	{.name = "_sip._udp.naptr.test",
	 .type = T_SRV,
	 .ttl = 60,
	 .prio = 10,
	 .weight = 1,
	 .port = 5091,
	 .target = "udp1.naptr.test"},
	{.name = "_sips._tcp.naptr.test",
	 .type = T_SRV,
	 .ttl = 60,
	 .prio = 10,
	 .weight = 1,
	 .port = 5061,
	 .target = "tls1.naptr.test"},
	{.name = "tcp1.naptr.test",
	 .type = T_A,
	 .ttl = 60,
	 .addr = "192.0.2.1"},
	{.name = "udp1.naptr.test",
	 .type = T_A,
	 .ttl = 60,
	 .addr = "192.0.2.2"},
	{.name = "tls1.naptr.test",
	 .type = T_A,
	 .ttl = 60,
	 .addr = "192.0.2.3"},
	/* srv.test: no NAPTR; SRV for UDP (two priorities) and TCP; its own
	 * A record must not be used */
	{.name = "srv.test", .type = T_A, .ttl = 60, .addr = "192.0.2.99"},
	{.name = "_sip._udp.srv.test",
	 .type = T_SRV,
	 .ttl = 60,
	 .prio = 20,
	 .weight = 5,
	 .port = 5062,
	 .target = "u2.srv.test"},
	{.name = "_sip._udp.srv.test",
	 .type = T_SRV,
	 .ttl = 60,
	 .prio = 10,
	 .weight = 5,
	 .port = 5061,
	 .target = "u1.srv.test"},
	{.name = "_sip._tcp.srv.test",
	 .type = T_SRV,
	 .ttl = 60,
	 .prio = 10,
	 .weight = 5,
	 .port = 5063,
	 .target = "t1.srv.test"},
	{.name = "u1.srv.test", .type = T_A, .ttl = 60, .addr = "192.0.2.21"},
	{.name = "u2.srv.test", .type = T_A, .ttl = 60, .addr = "192.0.2.22"},
	{.name = "t1.srv.test", .type = T_A, .ttl = 60, .addr = "192.0.2.23"},
	/* plain.test: nothing but addresses */
	{.name = "plain.test", .type = T_A, .ttl = 120, .addr = "192.0.2.50"},
	{.name = "plain.test",
	 .type = T_AAAA,
	 .ttl = 120,
	 .addr = "2001:db8::50"},
	/* w.test: weights */
	{.name = "_sip._udp.w.test",
	 .type = T_SRV,
	 .ttl = 600,
	 .prio = 10,
	 .weight = 10,
	 .port = 5070,
	 .target = "h10.w.test"},
	{.name = "_sip._udp.w.test",
	 .type = T_SRV,
	 .ttl = 600,
	 .prio = 10,
	 .weight = 90,
	 .port = 5070,
	 .target = "h90.w.test"},
	{.name = "_sip._udp.w.test",
	 .type = T_SRV,
	 .ttl = 600,
	 .prio = 5,
	 .weight = 0,
	 .port = 5070,
	 .target = "h0.w.test"},
	{.name = "h10.w.test", .type = T_A, .ttl = 600, .addr = "192.0.2.110"},
	{.name = "h90.w.test", .type = T_A, .ttl = 600, .addr = "192.0.2.190"},
	{.name = "h0.w.test", .type = T_A, .ttl = 600, .addr = "192.0.2.100"},
	{.name = "w.test", .type = T_A, .ttl = 600, .addr = "192.0.2.200"},
	/* a1..a6.test for the cache bound */
	{.name = "a1.test", .type = T_A, .ttl = 60, .addr = "192.0.2.61"},
	{.name = "a2.test", .type = T_A, .ttl = 60, .addr = "192.0.2.62"},
	{.name = "a3.test", .type = T_A, .ttl = 60, .addr = "192.0.2.63"},
	{.name = "a4.test", .type = T_A, .ttl = 60, .addr = "192.0.2.64"},
	{.name = "a5.test", .type = T_A, .ttl = 60, .addr = "192.0.2.65"},
	{.name = "a6.test", .type = T_A, .ttl = 60, .addr = "192.0.2.66"},
};

struct fake {
	uv_udp_t udp;
	struct sockaddr_storage addr;
	unsigned nq;
	char log[256][272]; /* "TYPE name" per query */
	unsigned nlog;
	unsigned char rx[1500];
};

static const char *tname(int t)
{
	switch (t) {
	case T_A:
		return "A";
	case T_AAAA:
		return "AAAA";
	case T_SRV:
		return "SRV";
	case T_NAPTR:
		return "NAPTR";
	default:
		return "?";
	}
}

static size_t put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
	return 2;
}

static size_t put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
	return 4;
}

static size_t put_name(unsigned char *p, const char *name)
{
	size_t n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		p[n++] = (unsigned char)l;
		memcpy(p + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	p[n++] = 0;
	return n;
}

static size_t put_cstr(unsigned char *p, const char *s)
{
	size_t l = strlen(s);

	p[0] = (unsigned char)l;
	memcpy(p + 1, s, l);
	return l + 1;
}

/* One answer record; returns its length. */
static size_t put_rr(unsigned char *p, const struct rr *r)
{
	size_t n = put_name(p, r->name), rd;

	n += put16(p + n, (uint16_t)r->type);
	n += put16(p + n, 1);
	n += put32(p + n, r->ttl);
	rd = n;
	n += 2;
	switch (r->type) {
	case T_A:
		inet_pton(AF_INET, r->addr, p + n);
		n += 4;
		break;
	case T_AAAA:
		inet_pton(AF_INET6, r->addr, p + n);
		n += 16;
		break;
	case T_SRV:
		n += put16(p + n, r->prio);
		n += put16(p + n, r->weight);
		n += put16(p + n, r->port);
		n += put_name(p + n, r->target);
		break;
	case T_NAPTR:
		n += put16(p + n, r->order);
		n += put16(p + n, r->pref);
		n += put_cstr(p + n, r->flags);
		n += put_cstr(p + n, r->service);
		n += put_cstr(p + n, "");
		n += put_name(p + n, r->repl);
		break;
	}
	put16(p + rd, (uint16_t)(n - rd - 2));
	return n;
}

static size_t put_soa(unsigned char *p)
{
	size_t n = put_name(p, "test"), rd;

	n += put16(p + n, T_SOA);
	n += put16(p + n, 1);
	n += put32(p + n, 300); /* TTL; the minimum (30) wins */
	rd = n;
	n += 2;
	n += put_name(p + n, "ns.test");
	n += put_name(p + n, "hostmaster.test");
	n += put32(p + n, 1);
	n += put32(p + n, 3600);
	n += put32(p + n, 600);
	n += put32(p + n, 86400);
	n += put32(p + n, 30);
	put16(p + rd, (uint16_t)(n - rd - 2));
	return n;
}

static void fake_alloc(uv_handle_t *h, size_t sz, uv_buf_t *b)
{
	struct fake *f = h->data;

	(void)sz;
	b->base = (char *)f->rx;
	b->len = sizeof(f->rx);
}

static void fake_recv(uv_udp_t *u, ssize_t nread, const uv_buf_t *b,
		      const struct sockaddr *from, unsigned flags)
{
	struct fake *f = u->data;
	const unsigned char *q = (const unsigned char *)b->base;
	unsigned char out[1500];
	char name[256];
	size_t off = 12, nl = 0, n, qend;
	unsigned an = 0, ns = 0, rcode = 0;
	bool exists = false;
	int type;
	uv_buf_t ob;

	(void)flags;
	if (nread < 17 || !from)
		return;
	while (off < (size_t)nread && q[off]) {
		size_t l = q[off++];

		if (nl)
			name[nl++] = '.';
		for (size_t i = 0; i < l && off < (size_t)nread; i++)
			name[nl++] = (char)tolower(q[off++]);
	}
	name[nl] = '\0';
	off++;
	type = q[off] << 8 | q[off + 1];
	qend = off + 4;
	f->nq++;
	if (getenv("FAKE_DEBUG")) /* trace the queries by hand */
		fprintf(stderr, "Q %s %s\n", tname(type), name);
	if (f->nlog < 256)
		snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%s %s",
			 tname(type), name);
	if (strstr(name, "silent"))
		return; /* never answered */
	if (strstr(name, "servfail"))
		rcode = 2;
	memcpy(out, q, qend);
	n = qend;
	for (size_t i = 0; !rcode && i < sizeof(zone) / sizeof(zone[0]); i++) {
		if (strcmp(zone[i].name, name))
			continue;
		exists = true;
		if (zone[i].type != type)
			continue;
		n += put_rr(out + n, &zone[i]);
		an++;
	}
	if (!rcode && !exists)
		rcode = 3; /* NXDOMAIN */
	if (!an && rcode != 2) {
		n += put_soa(out + n);
		ns = 1;
	}
	out[2] = 0x84 | (q[2] & 0x01); /* QR, AA, RD copied */
	out[3] = (unsigned char)(0x80 | rcode);
	put16(out + 4, 1);
	put16(out + 6, (uint16_t)an);
	put16(out + 8, (uint16_t)ns);
	put16(out + 10, 0);
	ob = uv_buf_init((char *)out, (unsigned)n);
	(void)uv_udp_try_send(u, &ob, 1, from);
}

static bool fake_saw(const struct fake *f, const char *entry)
{
	for (unsigned i = 0; i < f->nlog; i++)
		if (!strcmp(f->log[i], entry))
			return true;
	return false;
}

/* ---- fixture ---- */

struct fx {
	uv_loop_t loop;
	struct fake fake;
	struct dns_resolver *r;
	uv_timer_t guard;
	bool stuck;
	/* the last result */
	bool done;
	unsigned ncalls;
	int err;
	struct dns_sip_target v[DNS_SIP_MAX];
	size_t n;
};

static struct fx fx;

static void on_guard(uv_timer_t *t)
{
	fx.stuck = true;
	uv_stop(t->loop);
}

static void noop_close(uv_handle_t *h)
{
	(void)h;
}

static int resolver_new(struct dns_resolver **rp, size_t cache_max)
{
	struct dns_conf c;
	char srv[SA_STRLEN];

	memset(&c, 0, sizeof(c));
	sa_print(&fx.fake.addr, srv, sizeof(srv));
	c.servers = srv;
	c.timeout_ms = 200;
	c.tries = 1;
	c.cache_max = cache_max;
	return dns_resolver_alloc(rp, &fx.loop, &c);
}

static void fx_start(void)
{
	struct sockaddr_in sin;
	int len = sizeof(fx.fake.addr);

	memset(&fx, 0, sizeof(fx));
	assert_int_equal(uv_loop_init(&fx.loop), 0);
	assert_int_equal(uv_udp_init(&fx.loop, &fx.fake.udp), 0);
	fx.fake.udp.data = &fx.fake;
	uv_ip4_addr("127.0.0.1", 0, &sin);
	assert_int_equal(
		uv_udp_bind(&fx.fake.udp, (const struct sockaddr *)&sin, 0),
		0);
	assert_int_equal(uv_udp_getsockname(&fx.fake.udp,
					    (struct sockaddr *)&fx.fake.addr,
					    &len),
			 0);
	assert_int_equal(
		uv_udp_recv_start(&fx.fake.udp, fake_alloc, fake_recv), 0);
	uv_timer_init(&fx.loop, &fx.guard);
	assert_int_equal(resolver_new(&fx.r, 0), 0);
}

static void fx_stop(void)
{
	fx.r = mem_deref(fx.r);
	uv_close((uv_handle_t *)&fx.fake.udp, noop_close);
	uv_close((uv_handle_t *)&fx.guard, noop_close);
	uv_run(&fx.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&fx.loop), 0);
	clock_mock_off();
}

static void on_result(int err, const struct dns_sip_target *v, size_t n,
		      void *arg)
{
	struct dns_query **qp = arg;

	fx.done = true;
	fx.ncalls++;
	uv_stop(&fx.loop);
	fx.err = err;
	fx.n = n;
	if (n)
		memcpy(fx.v, v, n * sizeof(v[0]));
	if (qp)
		*qp = mem_deref(*qp); /* released inside the handler */
}

/* Run the loop until the handler ran (or ms passed). */
static void run_until_done(unsigned ms)
{
	fx.stuck = false;
	uv_timer_start(&fx.guard, on_guard, ms, 0);
	while (!fx.done && !fx.stuck)
		uv_run(&fx.loop, UV_RUN_DEFAULT);
	uv_timer_stop(&fx.guard);
}

static void run_for(unsigned ms)
{
	fx.stuck = false;
	uv_timer_start(&fx.guard, on_guard, ms, 0);
	while (!fx.stuck)
		uv_run(&fx.loop, UV_RUN_DEFAULT);
}

static int resolve(const char *host, uint16_t port, enum sip_transport tp,
		   bool sips, unsigned mask)
{
	struct dns_sip_req req = {.host = host,
				  .port = port,
				  .tp = tp,
				  .sips = sips,
				  .tpmask = mask};
	struct dns_query *q = NULL;
	int err;

	fx.done = false;
	fx.n = 0;
	err = dns_sip_resolve(&q, fx.r, &req, on_result, &q);
	if (err)
		return err;
	assert_false(fx.done); /* never from inside dns_sip_resolve() */
	run_until_done(3000);
	assert_true(fx.done);
	assert_null(q);
	return fx.err;
}

static void expect(size_t i, const char *addr, enum sip_transport tp)
{
	char buf[SA_STRLEN];

	assert_true(i < fx.n);
	sa_print(&fx.v[i].addr, buf, sizeof(buf));
	assert_string_equal(buf, addr);
	assert_int_equal(fx.v[i].tp, tp);
}

/* ---- tests ---- */

static void test_numeric(void **state)
{
	(void)state;
	fx_start();
	assert_int_equal(resolve("10.1.2.3", 0, SIP_TP_NONE, false, 0), 0);
	assert_int_equal(fx.n, 1);
	expect(0, "10.1.2.3:5060", SIP_TP_UDP);
	assert_int_equal(resolve("[::1]", 5070, SIP_TP_TCP, false, 0), 0);
	expect(0, "[::1]:5070", SIP_TP_TCP);
	assert_int_equal(resolve("10.1.2.3", 0, SIP_TP_NONE, true,
				 DNS_TP_DEFAULT | DNS_TP_MASK(SIP_TP_TLS)),
			 0);
	expect(0, "10.1.2.3:5061", SIP_TP_TLS);
	assert_int_equal(fx.fake.nq, 0);
	/* no TLS transport: a sips: URI cannot be served */
	assert_int_equal(resolve("10.1.2.3", 0, SIP_TP_NONE, true, 0),
			 EPROTONOSUPPORT);
	assert_int_equal(resolve("gw.test", 0, SIP_TP_SCTP, false, 0),
			 EPROTONOSUPPORT);
	assert_int_equal(resolve("", 0, SIP_TP_NONE, false, 0), EINVAL);
	fx_stop();
}

static void test_explicit_port(void **state)
{
	(void)state;
	fx_start();
	assert_int_equal(resolve("gw.test", 5080, SIP_TP_NONE, false, 0), 0);
	assert_int_equal(fx.n, 2);
	expect(0, "192.0.2.10:5080", SIP_TP_UDP); /* A first */
	expect(1, "[2001:db8::10]:5080", SIP_TP_UDP);
	assert_int_equal(fx.fake.nq, 2);
	assert_true(fake_saw(&fx.fake, "A gw.test"));
	assert_true(fake_saw(&fx.fake, "AAAA gw.test"));
	/* with a transport too: still A/AAAA only */
	assert_int_equal(resolve("gw.test", 5081, SIP_TP_TCP, false, 0), 0);
	expect(0, "192.0.2.10:5081", SIP_TP_TCP);
	assert_int_equal(fx.fake.nq, 2); /* cached */
	fx_stop();
}

static void test_naptr_srv_a(void **state)
{
	(void)state;
	fx_start();
	assert_int_equal(resolve("naptr.test", 0, SIP_TP_NONE, false, 0), 0);
	assert_int_equal(fx.n, 2);
	expect(0, "192.0.2.1:5090", SIP_TP_TCP); /* order 10 */
	expect(1, "192.0.2.2:5091", SIP_TP_UDP); /* order 20 */
	assert_true(fake_saw(&fx.fake, "NAPTR naptr.test"));
	assert_true(fake_saw(&fx.fake, "SRV _sip._tcp.naptr.test"));
	assert_true(fake_saw(&fx.fake, "SRV _sip._udp.naptr.test"));
	/* TLS not allowed, unknown service ignored */
	assert_false(fake_saw(&fx.fake, "SRV _sips._tcp.naptr.test"));
	assert_false(fake_saw(&fx.fake, "SRV _foo._tcp.naptr.test"));
	assert_false(fake_saw(&fx.fake, "A naptr.test"));

	/* with TLS allowed, SIPS+D2T (order 5) comes first */
	dns_cache_flush(fx.r);
	assert_int_equal(resolve("naptr.test", 0, SIP_TP_NONE, false,
				 DNS_TP_DEFAULT | DNS_TP_MASK(SIP_TP_TLS)),
			 0);
	assert_int_equal(fx.n, 3);
	expect(0, "192.0.2.3:5061", SIP_TP_TLS);
	expect(1, "192.0.2.1:5090", SIP_TP_TCP);
	/* sips: TLS only */
	assert_int_equal(resolve("naptr.test", 0, SIP_TP_NONE, true,
				 DNS_TP_DEFAULT | DNS_TP_MASK(SIP_TP_TLS)),
			 0);
	assert_int_equal(fx.n, 1);
	expect(0, "192.0.2.3:5061", SIP_TP_TLS);
	fx_stop();
}

static void test_srv_without_naptr(void **state)
{
	(void)state;
	fx_start();
	assert_int_equal(resolve("srv.test", 0, SIP_TP_NONE, false, 0), 0);
	assert_int_equal(fx.n, 3);
	expect(0, "192.0.2.21:5061", SIP_TP_UDP); /* priority 10 */
	expect(1, "192.0.2.22:5062", SIP_TP_UDP); /* priority 20 */
	expect(2, "192.0.2.23:5063", SIP_TP_TCP); /* UDP set first */
	assert_true(fake_saw(&fx.fake, "NAPTR srv.test"));
	assert_false(fake_saw(&fx.fake, "A srv.test"));

	/* explicit transport: that SRV only, no NAPTR */
	fx.fake.nlog = 0;
	dns_cache_flush(fx.r);
	assert_int_equal(resolve("srv.test", 0, SIP_TP_TCP, false, 0), 0);
	assert_int_equal(fx.n, 1);
	expect(0, "192.0.2.23:5063", SIP_TP_TCP);
	assert_false(fake_saw(&fx.fake, "NAPTR srv.test"));
	assert_false(fake_saw(&fx.fake, "SRV _sip._udp.srv.test"));
	fx_stop();
}

static void test_a_fallback(void **state)
{
	(void)state;
	fx_start();
	assert_int_equal(resolve("plain.test", 0, SIP_TP_NONE, false, 0), 0);
	assert_int_equal(fx.n, 2);
	expect(0, "192.0.2.50:5060", SIP_TP_UDP);
	expect(1, "[2001:db8::50]:5060", SIP_TP_UDP);
	/* NAPTR, SRV udp + tcp, A, AAAA */
	assert_int_equal(fx.fake.nq, 5);
	assert_true(fake_saw(&fx.fake, "SRV _sip._udp.plain.test"));
	assert_true(fake_saw(&fx.fake, "SRV _sip._tcp.plain.test"));
	/* transport=tcp: 5060 over TCP */
	assert_int_equal(resolve("plain.test", 0, SIP_TP_TCP, false, 0), 0);
	expect(0, "192.0.2.50:5060", SIP_TP_TCP);
	/* only UDP allowed: no TCP SRV asked */
	dns_cache_flush(fx.r);
	fx.fake.nlog = 0;
	assert_int_equal(resolve("plain.test", 0, SIP_TP_NONE, false,
				 DNS_TP_MASK(SIP_TP_UDP)),
			 0);
	assert_false(fake_saw(&fx.fake, "SRV _sip._tcp.plain.test"));
	fx_stop();
}

static void test_srv_weights(void **state)
{
	unsigned first90 = 0, runs = 400;

	(void)state;
	fx_start();
	for (unsigned i = 0; i < runs; i++) {
		char a[SA_STRLEN];

		assert_int_equal(resolve("w.test", 0, SIP_TP_NONE, false, 0),
				 0);
		assert_int_equal(fx.n, 3);
		/* priority 5 always first, even with weight 0 */
		expect(0, "192.0.2.100:5070", SIP_TP_UDP);
		sa_print(&fx.v[1].addr, a, sizeof(a));
		if (!strcmp(a, "192.0.2.190:5070"))
			first90++;
	}
	/* weight 90 vs 10: expected 91/101 of the runs (~360) */
	assert_in_range(first90, 320, 392);
	/* NAPTR, 2 SRV, 3 x (A, AAAA) once: the rest came from the cache */
	assert_int_equal(fx.fake.nq, 9);
	fx_stop();
}

static void test_cache(void **state)
{
	struct dns_stats st;
	unsigned nq;

	(void)state;
	fx_start();
	clock_mock_set(1000000);
	assert_int_equal(resolve("plain.test", 0, SIP_TP_NONE, false, 0), 0);
	nq = fx.fake.nq;
	assert_int_equal(nq, 5);
	assert_int_equal(resolve("PLAIN.test.", 0, SIP_TP_NONE, false, 0), 0);
	assert_int_equal(fx.fake.nq, nq); /* all from the cache */
	expect(0, "192.0.2.50:5060", SIP_TP_UDP);
	dns_resolver_stats(fx.r, &st);
	assert_int_equal(st.queries, 5);
	assert_int_equal(st.cache_hits, 5);
	assert_int_equal(st.cache_entries, 5);
	/* the negative answers (SOA minimum 30 s) expire first */
	clock_mock_advance(31000);
	assert_int_equal(resolve("plain.test", 0, SIP_TP_NONE, false, 0), 0);
	assert_int_equal(fx.fake.nq, nq + 3); /* NAPTR, 2 SRV */
	/* the A/AAAA TTL (120 s) too */
	clock_mock_advance(90000);
	assert_int_equal(resolve("plain.test", 0, SIP_TP_NONE, false, 0), 0);
	assert_int_equal(fx.fake.nq, nq + 3 + 5);

	/* NXDOMAIN is cached as well (SOA minimum 30 s) */
	assert_int_equal(resolve("nx.test", 0, SIP_TP_NONE, false, 0), ENOENT);
	nq = fx.fake.nq;
	assert_int_equal(resolve("nx.test", 0, SIP_TP_NONE, false, 0), ENOENT);
	assert_int_equal(fx.fake.nq, nq);
	clock_mock_advance(30001);
	assert_int_equal(resolve("nx.test", 0, SIP_TP_NONE, false, 0), ENOENT);
	assert_int_equal(fx.fake.nq, nq + 1);
	fx_stop();
}

static void test_cache_bound(void **state)
{
	struct dns_resolver *small = NULL;
	struct dns_stats st;
	char host[16];

	(void)state;
	fx_start();
	assert_int_equal(resolver_new(&small, 4), 0);
	fx.r = mem_deref(fx.r);
	fx.r = small;
	for (int i = 1; i <= 6; i++) {
		snprintf(host, sizeof(host), "a%d.test", i);
		assert_int_equal(resolve(host, 5060, SIP_TP_NONE, false, 0),
				 0);
		dns_resolver_stats(fx.r, &st);
		assert_true(st.cache_entries <= 4);
	}
	assert_int_equal(st.cache_entries, 4);
	/* a6 (recent) is cached, a1 (oldest) is not */
	assert_int_equal(resolve("a6.test", 5060, SIP_TP_NONE, false, 0), 0);
	assert_int_equal(fx.fake.nq, 12);
	assert_int_equal(resolve("a1.test", 5060, SIP_TP_NONE, false, 0), 0);
	expect(0, "192.0.2.61:5060", SIP_TP_UDP);
	assert_int_equal(fx.fake.nq, 14);
	fx_stop();
}

static void test_nxdomain(void **state)
{
	(void)state;
	fx_start();
	assert_int_equal(resolve("nowhere.test", 0, SIP_TP_NONE, false, 0),
			 ENOENT);
	assert_int_equal(fx.n, 0);
	/* RFC 8020: the host does not exist, nothing below it either */
	assert_int_equal(fx.fake.nq, 1);
	/* explicit port: A and AAAA both NXDOMAIN */
	assert_int_equal(resolve("nowhere2.test", 5060, SIP_TP_NONE, false, 0),
			 ENOENT);
	assert_int_equal(fx.fake.nq, 3);
	fx_stop();
}

static void test_servfail(void **state)
{
	struct dns_stats st;

	(void)state;
	fx_start();
	/* c-ares gives up on the (only) server: "refused" */
	assert_int_equal(resolve("servfail.test", 0, SIP_TP_NONE, false, 0),
			 ECONNREFUSED);
	assert_int_equal(fx.fake.nq, 1);
	/* failures are not cached */
	assert_int_equal(resolve("servfail.test", 0, SIP_TP_NONE, false, 0),
			 ECONNREFUSED);
	assert_int_equal(fx.fake.nq, 2);
	dns_resolver_stats(fx.r, &st);
	assert_int_equal(st.failures, 2);
	fx_stop();
}

static void test_timeout(void **state)
{
	uint64_t t0;

	(void)state;
	fx_start();
	t0 = clock_now_ms();
	assert_int_equal(resolve("silent.test", 0, SIP_TP_NONE, false, 0),
			 ETIMEDOUT);
	/* one try of 200 ms for the NAPTR, then no more lookups */
	assert_true(clock_now_ms() - t0 >= 150);
	assert_true(clock_now_ms() - t0 < 1500);
	assert_int_equal(fx.fake.nq, 1);
	/* explicit port: A and AAAA time out in parallel */
	t0 = clock_now_ms();
	assert_int_equal(resolve("silent2.test", 5060, SIP_TP_NONE, false, 0),
			 ETIMEDOUT);
	assert_true(clock_now_ms() - t0 < 1500);
	fx_stop();
}

static void test_cancel(void **state)
{
	struct dns_sip_req req = {.host = "silent.test"};
	struct dns_query *q = NULL;

	(void)state;
	fx_start();
	fx.done = false;
	assert_int_equal(dns_sip_resolve(&q, fx.r, &req, on_result, NULL), 0);
	q = mem_deref(q);
	run_for(400); /* past the timeout */
	assert_false(fx.done);

	/* cancelled after the answer was queued, before delivery */
	req.host = "10.0.0.1";
	assert_int_equal(dns_sip_resolve(&q, fx.r, &req, on_result, NULL), 0);
	q = mem_deref(q);
	run_for(50);
	assert_false(fx.done);

	/* a cached answer completes, then the handle is released late */
	req.host = "plain.test";
	req.port = 5060;
	assert_int_equal(dns_sip_resolve(&q, fx.r, &req, on_result, NULL), 0);
	run_until_done(2000);
	assert_true(fx.done);
	assert_int_equal(fx.ncalls, 1);
	q = mem_deref(q);
	fx_stop();
}

static void test_destroy_pending(void **state)
{
	struct dns_sip_req req = {.host = "silent.test"};
	struct dns_query *q1 = NULL, *q2 = NULL;

	(void)state;
	fx_start();
	assert_int_equal(dns_sip_resolve(&q1, fx.r, &req, on_result, NULL), 0);
	req.host = "10.0.0.1"; /* result queued, not delivered yet */
	assert_int_equal(dns_sip_resolve(&q2, fx.r, &req, on_result, NULL), 0);
	fx.r = mem_deref(fx.r);
	run_for(300);
	assert_false(fx.done);
	/* the handles outlive the resolver */
	q1 = mem_deref(q1);
	q2 = mem_deref(q2);
	fx_stop();
}

static void test_bad_conf(void **state)
{
	static const char *const bad[] = {
		"bogus", "127.0.0.1:99999", "127.0.0.1,", ",127.0.0.1",
		("1.0.0.1,1.0.0.2,1.0.0.3,1.0.0.4,1.0.0.5,1.0.0.6,1.0.0.7,"
		 "1.0.0.8,1.0.0.9")};
	struct dns_resolver *r = NULL;
	struct dns_conf c;

	(void)state;
	fx_start();
	memset(&c, 0, sizeof(c));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c.servers = bad[i];
		assert_int_equal(dns_resolver_alloc(&r, &fx.loop, &c), EINVAL);
		assert_null(r);
	}
	c.servers = "127.0.0.1:5353, [::1]:53,10.0.0.1";
	assert_int_equal(dns_resolver_alloc(&r, &fx.loop, &c), 0);
	r = mem_deref(r);
	assert_int_equal(dns_resolver_alloc(&r, NULL, &c), EINVAL);
	fx_stop();
}

static void test_oom(void **state)
{
	(void)state;
	/* every allocation failing in turn: clean errors, no leak */
	for (int n = 0; n < 12; n++) {
		struct dns_sip_req req = {.host = "plain.test"};
		struct dns_query *q = NULL;
		int err;

		fx_start();
		mem_threshold_set(n);
		err = dns_sip_resolve(&q, fx.r, &req, on_result, &q);
		mem_threshold_set(-1);
		if (!err) {
			run_until_done(3000);
			assert_true(fx.done);
			/* no memory for the socket watcher: the query
			 * times out */
			assert_true(fx.err == 0 || fx.err == ENOMEM ||
				    fx.err == ETIMEDOUT);
		} else {
			assert_int_equal(err, ENOMEM);
		}
		fx_stop();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_numeric),
		LEAKCHECK_TEST(test_explicit_port),
		LEAKCHECK_TEST(test_naptr_srv_a),
		LEAKCHECK_TEST(test_srv_without_naptr),
		LEAKCHECK_TEST(test_a_fallback),
		LEAKCHECK_TEST(test_srv_weights),
		LEAKCHECK_TEST(test_cache),
		LEAKCHECK_TEST(test_cache_bound),
		LEAKCHECK_TEST(test_nxdomain),
		LEAKCHECK_TEST(test_servfail),
		LEAKCHECK_TEST(test_timeout),
		LEAKCHECK_TEST(test_cancel),
		LEAKCHECK_TEST(test_destroy_pending),
		LEAKCHECK_TEST(test_bad_conf),
		LEAKCHECK_TEST(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
