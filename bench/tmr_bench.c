/* Timer benchmark: trunkd's timers (base/tmr.h) against libuv's own
 * (uv_timer_start/uv_timer_stop, libuv's binary heap of handles), with the
 * timers embedded in separately allocated objects of a few hundred bytes,
 * as a transaction's are, and the pattern of SIP transactions at scale:
 *
 *   every simulated millisecond TPS new transactions each start a
 *   retransmit timer (500 ms) and a timeout (32 s); a response comes
 *   after 1..1200 ms (uniform; a retransmit timer that fires first is
 *   restarted at 1000 ms); the response cancels both timers and starts
 *   the lingering one (5 s or 32 s, half each, as Timers K/J and L/M);
 *   it fires and the object is reused by a later transaction.
 *
 * With TPS 11 (about 1,000 calls/s) some 200,000 timers are live. Time is
 * simulated, so both sides run the same operations in the same order:
 * trunkd's through tmrl_poll() on the mocked clock; libuv's loop time is
 * set through uv_loop_t.time, and since uv_run() would read the real
 * clock, an expiry is done as libuv's uv__run_timers() does it
 * (uv_timer_stop() of the heap's minimum, then the callback), the bench
 * knowing which timers are due from its own queues (one per delay, so
 * FIFO). A third, "null" side runs the same bookkeeping without any timer
 * and its time is subtracted, so the net figures are the timers' own.
 *
 * Environment: BENCH_TICKS (simulated ms measured, default 30000, after
 * a 33,000 ms warm-up), BENCH_TPS (default 11). Last line:
 *   tmr: live=N ops=M trunkd=X ns/op libuv=Y ns/op ratio=R
 * (net ns per start, cancel or expiry; ratio = trunkd/libuv, lower is
 * better). Each side runs twice, alternating; the faster run counts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/tmr.h"

enum { T_RETX = 0, T_TO = 1, T_FINAL = 1 };
enum { WARM_TICKS = 33000, RESP_MAX = 1200, RING = 2048, SLOT_CAP = 96 };
enum { Q_RETX = 0, Q_K, Q_L, NQ };

static const uint64_t qdelay[NQ] = {500, 5000, 32000};

struct bobj {
	uint8_t head[192]; /* the rest of a transaction */
	union {
		struct tmr t[3];
		uv_timer_t u[3];
	} tm;
	uint64_t resp_at; /* when the response comes */
	uint32_t gen;
	uint8_t phase; /* 0 free, 1 waiting for a response, 2 lingering */
	struct bobj *next_free;
	uint8_t tail[64];
};

struct side;

struct side_ops {
	const char *name;
	void (*start)(struct side *s, struct bobj *o, int which,
		      uint64_t delay);
	void (*cancel)(struct side *s, struct bobj *o, int which);
	void (*advance)(struct side *s, uint64_t now);
};

struct qent {
	struct bobj *o;
	int which;
};

struct queue {
	struct qent *e;
	size_t mask, head, tail;
	uint64_t *due;
};

struct resp {
	struct bobj *o;
	uint32_t gen;
};

struct side {
	const struct side_ops *ops;
	struct bobj **objs;
	size_t nobj;
	struct bobj *free;
	struct tmrl *tl;
	uv_loop_t loop;
	bool uv;
	struct queue q[NQ];
	struct resp ring[RING][SLOT_CAP];
	uint8_t nring[RING];
	uint64_t now;
	uint64_t ops_n; /* starts + cancels + expiries */
	uint64_t live;	/* transactions */
	unsigned long seed;
};

static unsigned long lcg(unsigned long *s)
{
	*s = *s * 6364136223846793005ul + 1442695040888963407ul;
	return *s >> 33;
}

static void die(const char *what)
{
	fprintf(stderr, "tmr_bench: %s\n", what);
	exit(1);
}

/* --- what a transaction does when its timers fire (all sides) --- */

static void fire(struct side *s, struct bobj *o, int which)
{
	s->ops_n++;
	if (o->phase == 1 && which == T_RETX) {
		s->ops->start(s, o, T_RETX, 1000);
		return;
	}
	if (o->phase != 2)
		die("a timer fired in the wrong phase");
	o->phase = 0;
	o->gen++;
	o->next_free = s->free;
	s->free = o;
	s->live--;
}

/* The bench's own queues of timers that will fire, one per delay. */
static void q_push(struct side *s, struct bobj *o, int which, uint64_t d)
{
	struct queue *q;
	int i;

	/* only timers that will fire: a retransmit timer that the response
	 * beats and phase 1's timeout are always cancelled first */
	if (which == T_RETX ? o->resp_at <= s->now + d : o->phase != 2)
		return;
	for (i = 0; i < NQ && qdelay[i] != d; i++)
		;
	if (i == NQ)
		return; /* a timer that is always cancelled first */
	q = &s->q[i];
	if (q->tail - q->head > q->mask)
		die("queue full");
	q->e[q->tail & q->mask] = (struct qent){.o = o, .which = which};
	q->due[q->tail & q->mask] = s->now + d;
	q->tail++;
}

/* --- trunkd --- */

static void on_retx(void *arg);
static void on_final(void *arg);
static struct side *cur; /* the side running (handlers get only arg) */

static void on_retx(void *arg)
{
	fire(cur, arg, T_RETX);
}

static void on_final(void *arg)
{
	fire(cur, arg, T_FINAL);
}

static void td_start(struct side *s, struct bobj *o, int which, uint64_t d)
{
	s->ops_n++;
	if (tmr_start(s->tl, &o->tm.t[which], d,
		      which == T_RETX ? on_retx : on_final, o))
		die("tmr_start failed");
}

static void td_cancel(struct side *s, struct bobj *o, int which)
{
	(void)s;
	s->ops_n++;
	tmr_cancel(&o->tm.t[which]);
}

static void td_advance(struct side *s, uint64_t now)
{
	tmrl_poll(s->tl, now);
}

static const struct side_ops td_ops = {
	.name = "trunkd",
	.start = td_start,
	.cancel = td_cancel,
	.advance = td_advance,
};

/* --- libuv (and the null side: same bookkeeping, no timer) --- */

static void uv_cb(uv_timer_t *h)
{
	(void)h; /* never called: expiries are done by q_advance() */
}

static void lu_start(struct side *s, struct bobj *o, int which, uint64_t d)
{
	s->ops_n++;
	s->loop.time = s->now;
	if (uv_timer_start(&o->tm.u[which], uv_cb, d, 0))
		die("uv_timer_start failed");
	q_push(s, o, which, d);
}

static void lu_cancel(struct side *s, struct bobj *o, int which)
{
	s->ops_n++;
	uv_timer_stop(&o->tm.u[which]);
}

static void nl_start(struct side *s, struct bobj *o, int which, uint64_t d)
{
	s->ops_n++;
	q_push(s, o, which, d);
}

static void nl_cancel(struct side *s, struct bobj *o, int which)
{
	(void)o;
	(void)which;
	s->ops_n++;
}

/* Expire what is due, as uv__run_timers() would: stop, then call. */
static void q_advance(struct side *s, uint64_t now)
{
	s->loop.time = now;
	for (int i = 0; i < NQ; i++) {
		struct queue *q = &s->q[i];

		while (q->head != q->tail &&
		       q->due[q->head & q->mask] <= now) {
			struct qent e = q->e[q->head & q->mask];

			q->head++;
			if (s->uv)
				uv_timer_stop(&e.o->tm.u[e.which]);
			fire(s, e.o, e.which);
		}
	}
}

static const struct side_ops lu_ops = {
	.name = "libuv",
	.start = lu_start,
	.cancel = lu_cancel,
	.advance = q_advance,
};

static const struct side_ops nl_ops = {
	.name = "null",
	.start = nl_start,
	.cancel = nl_cancel,
	.advance = q_advance,
};

/* --- the driver --- */

static void tick(struct side *s, unsigned tps)
{
	unsigned slot = s->now % RING;

	clock_mock_set(s->now); /* trunkd's clock; the others ignore it */
	/* responses due now, then new transactions, then expiries */
	for (unsigned i = 0; i < s->nring[slot]; i++) {
		struct resp *r = &s->ring[slot][i];
		struct bobj *o = r->o;

		if (o->gen != r->gen || o->phase != 1)
			die("response for a transaction gone");
		s->ops->cancel(s, o, T_RETX);
		s->ops->cancel(s, o, T_TO);
		o->phase = 2;
		s->ops->start(s, o, T_FINAL, lcg(&s->seed) & 1 ? 32000 : 5000);
	}
	s->nring[slot] = 0;
	for (unsigned i = 0; i < tps; i++) {
		struct bobj *o = s->free;
		unsigned d = 1 + lcg(&s->seed) % RESP_MAX;
		unsigned rs = (s->now + d) % RING;

		if (!o)
			die("out of objects");
		s->free = o->next_free;
		o->phase = 1;
		o->resp_at = s->now + d;
		o->head[0]++; /* the transaction is touched when made */
		s->live++;
		s->ops->start(s, o, T_RETX, 500);
		s->ops->start(s, o, T_TO, 32000);
		if (s->nring[rs] == SLOT_CAP)
			die("response slot full");
		s->ring[rs][s->nring[rs]++] =
			(struct resp){.o = o, .gen = o->gen};
	}
	s->ops->advance(s, s->now);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct side *side_new(const struct side_ops *ops, unsigned tps)
{
	struct side *s = calloc(1, sizeof(*s));

	if (!s)
		die("out of memory");
	s->ops = ops;
	s->seed = 1234567;
	s->now = 1000000;
	s->nobj = (size_t)tps * (32000 + RESP_MAX) + 1024;
	s->objs = calloc(s->nobj, sizeof(*s->objs));
	if (!s->objs)
		die("out of memory");
	if (ops == &td_ops) {
		if (tmrl_alloc(&s->tl))
			die("tmrl_alloc failed");
	} else {
		if (uv_loop_init(&s->loop))
			die("uv_loop_init failed");
		s->uv = ops == &lu_ops;
		for (int i = 0; i < NQ; i++) {
			size_t n = 1;

			while (n < tps * qdelay[i] + 1024)
				n <<= 1;
			s->q[i].e = calloc(n, sizeof(*s->q[i].e));
			s->q[i].due = calloc(n, sizeof(*s->q[i].due));
			if (!s->q[i].e || !s->q[i].due)
				die("out of memory");
			s->q[i].mask = n - 1;
		}
	}
	for (size_t i = 0; i < s->nobj; i++) {
		struct bobj *o = calloc(1, sizeof(*o));

		if (!o)
			die("out of memory");
		if (s->uv)
			for (int k = 0; k < 3; k++)
				uv_timer_init(&s->loop, &o->tm.u[k]);
		s->objs[i] = o;
	}
	/* reuse in a scattered order, as a long-running heap would */
	for (size_t i = s->nobj - 1; i > 0; i--) {
		size_t j = lcg(&s->seed) % (i + 1);
		struct bobj *t = s->objs[i];

		s->objs[i] = s->objs[j];
		s->objs[j] = t;
	}
	for (size_t i = 0; i < s->nobj; i++) {
		s->objs[i]->next_free = s->free;
		s->free = s->objs[i];
	}
	return s;
}

static void side_free(struct side *s)
{
	if (s->tl) {
		s->tl = mem_deref(s->tl);
	} else {
		for (size_t i = 0; s->uv && i < s->nobj; i++)
			for (int k = 0; k < 3; k++)
				uv_close((uv_handle_t *)&s->objs[i]->tm.u[k],
					 NULL);
		uv_run(&s->loop, UV_RUN_DEFAULT);
		if (uv_loop_close(&s->loop))
			die("uv_loop_close failed");
		for (int i = 0; i < NQ; i++) {
			free(s->q[i].e);
			free(s->q[i].due);
		}
	}
	for (size_t i = 0; i < s->nobj; i++)
		free(s->objs[i]);
	free(s->objs);
	free(s);
}

struct result {
	double secs;
	uint64_t ops;
	uint64_t live; /* trunkd: timers running after the warm-up */
};

static struct result run(const struct side_ops *ops, unsigned tps,
			 unsigned ticks)
{
	struct side *s = side_new(ops, tps);
	struct result r;
	uint64_t ops0;
	double t0;

	cur = s;
	for (unsigned i = 0; i < WARM_TICKS; i++, s->now++)
		tick(s, tps);
	ops0 = s->ops_n;
	r.live = s->tl ? tmrl_count(s->tl) : 0;
	t0 = now_s();
	for (unsigned i = 0; i < ticks; i++, s->now++)
		tick(s, tps);
	r.secs = now_s() - t0;
	r.ops = s->ops_n - ops0;
	if (s->tl && tmrl_count(s->tl) < s->live)
		die("trunkd lost timers");
	side_free(s);
	cur = NULL;
	return r;
}

static unsigned env_u(const char *name, unsigned def)
{
	const char *v = getenv(name);
	long n;

	if (!v || !*v)
		return def;
	n = strtol(v, NULL, 10);
	return n > 0 && n < 10000000 ? (unsigned)n : def;
}

int main(void)
{
	unsigned ticks = env_u("BENCH_TICKS", 30000);
	unsigned tps = env_u("BENCH_TPS", 11);
	const struct side_ops *order[] = {&nl_ops, &td_ops, &lu_ops,
					  &nl_ops, &td_ops, &lu_ops};
	double best[3] = {1e30, 1e30, 1e30};
	uint64_t ops[3] = {0, 0, 0}, live = 0;
	double net_td, net_lu;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct result r = run(order[i], tps, ticks);
		int k = (int)(i % 3);

		if (ops[k] && ops[k] != r.ops)
			die("runs differ");
		ops[k] = r.ops;
		if (r.secs < best[k])
			best[k] = r.secs;
		if (r.live)
			live = r.live;
		fprintf(stderr, "tmr_bench: %-6s %.3f s %llu ops %.1f ns/op\n",
			order[i]->name, r.secs, (unsigned long long)r.ops,
			r.secs * 1e9 / r.ops);
	}
	clock_mock_off();
	if (ops[0] != ops[1] || ops[1] != ops[2])
		die("the sides did different work");
	net_td = (best[1] - best[0]) * 1e9 / ops[0];
	net_lu = (best[2] - best[0]) * 1e9 / ops[0];
	if (net_td <= 0 || net_lu <= 0)
		die("timings below the null side's (machine too noisy)");
	printf("tmr: live=%llu ops=%llu trunkd=%.1f ns/op libuv=%.1f ns/op "
	       "ratio=%.2f\n",
	       (unsigned long long)live, (unsigned long long)ops[0], net_td,
	       net_lu, net_td / net_lu);
	return 0;
}
