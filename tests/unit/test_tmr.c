/* Unit tests for src/base/tmr: heap timers driven by the mocked clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/tmr.h"
#include "leakcheck.h"

struct obj {
	struct tmr tmr;
	uint64_t due; /* tmr_due() when started */
	struct tmrl *tl;
	uint64_t fired_at;
	unsigned fired;
	unsigned id;
	unsigned *order; /* shared log of firing ids */
	unsigned *norder;
	struct obj *victim;	/* cancel this one when firing */
	struct obj *restart;	/* start this one (delay 0) when firing */
	unsigned self_restarts; /* restart self this many times */
};

static void obj_fire(void *arg)
{
	struct obj *o = arg;

	o->fired++;
	o->fired_at = clock_now_ms();
	if (o->order)
		o->order[(*o->norder)++] = o->id;
	if (o->victim)
		tmr_cancel(&o->victim->tmr);
	if (o->restart)
		assert_int_equal(tmr_start(o->tl, &o->restart->tmr, 0,
					   obj_fire, o->restart),
				 0);
	if (o->self_restarts) {
		o->self_restarts--;
		assert_int_equal(tmr_start(o->tl, &o->tmr, 0, obj_fire, o), 0);
	}
}

static void test_tmr_basic(void **state)
{
	struct tmrl *tl = NULL;
	struct obj a = {.id = 1}, b = {.id = 2}, c = {.id = 3};
	unsigned order[8], n = 0;

	(void)state;
	clock_mock_set(1000);
	assert_int_equal(tmrl_alloc(&tl), 0);
	assert_int_equal(tmrl_next_delay(tl), TMR_NEVER);
	a.order = b.order = c.order = order;
	a.norder = b.norder = c.norder = &n;
	assert_int_equal(tmr_start(tl, &a.tmr, 30, obj_fire, &a), 0);
	assert_int_equal(tmr_start(tl, &b.tmr, 10, obj_fire, &b), 0);
	assert_int_equal(tmr_start(tl, &c.tmr, 10, obj_fire, &c), 0);
	assert_int_equal(tmr_start(NULL, &c.tmr, 10, obj_fire, &c), EINVAL);
	assert_true(tmr_isrunning(&a.tmr));
	assert_int_equal(tmrl_count(tl), 3);
	assert_int_equal(tmrl_next_delay(tl), 10);
	assert_int_equal(tmr_remaining(&a.tmr), 30);

	assert_int_equal(tmrl_poll(tl, clock_now_ms()), 0);
	clock_mock_advance(9);
	assert_int_equal(tmrl_poll(tl, clock_now_ms()), 0);
	clock_mock_advance(1);
	assert_int_equal(tmrl_next_delay(tl), 0);
	/* equal deadlines fire in start order */
	assert_int_equal(tmrl_poll(tl, clock_now_ms()), 2);
	assert_int_equal(n, 2);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 3);
	assert_false(tmr_isrunning(&b.tmr));
	assert_int_equal(b.fired_at, 1010);

	/* restart moves, cancel stops */
	assert_int_equal(tmr_start(tl, &a.tmr, 5, obj_fire, &a), 0);
	assert_int_equal(tmrl_count(tl), 1);
	tmr_cancel(&a.tmr);
	tmr_cancel(&a.tmr);
	assert_false(tmr_isrunning(&a.tmr));
	clock_mock_advance(100);
	assert_int_equal(tmrl_poll(tl, clock_now_ms()), 0);
	assert_int_equal(a.fired, 0);

	/* destroying the list detaches running timers */
	assert_int_equal(tmr_start(tl, &a.tmr, 5, obj_fire, &a), 0);
	tl = mem_deref(tl);
	assert_false(tmr_isrunning(&a.tmr));
	tmr_cancel(&a.tmr);
	clock_mock_off();
}

static void test_tmr_handler_reentry(void **state)
{
	struct tmrl *tl = NULL;
	struct obj a = {.id = 1}, b = {.id = 2}, c = {.id = 3}, d = {.id = 4};
	unsigned order[16], n = 0;

	(void)state;
	clock_mock_set(0);
	assert_int_equal(tmrl_alloc(&tl), 0);
	a.tl = b.tl = c.tl = d.tl = tl;
	a.order = b.order = c.order = d.order = order;
	a.norder = b.norder = c.norder = d.norder = &n;
	/* a (due 10) cancels b (due 10, later), restarts d at delay 0,
	 * and restarts itself twice; c is due 10 too and must still fire */
	a.victim = &b;
	a.restart = &d;
	a.self_restarts = 2;
	assert_int_equal(tmr_start(tl, &a.tmr, 10, obj_fire, &a), 0);
	assert_int_equal(tmr_start(tl, &b.tmr, 10, obj_fire, &b), 0);
	assert_int_equal(tmr_start(tl, &c.tmr, 10, obj_fire, &c), 0);
	clock_mock_advance(10);
	/* poll with a now past the clock: new timers still wait */
	assert_int_equal(tmrl_poll(tl, 50), 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
	assert_int_equal(b.fired, 0);
	assert_true(tmr_isrunning(&a.tmr));
	assert_true(tmr_isrunning(&d.tmr));
	/* next poll: a (restarted) and d; a restarts itself once more */
	assert_int_equal(tmrl_poll(tl, 50), 2);
	assert_int_equal(tmrl_poll(tl, 50), 2);
	assert_int_equal(a.fired, 3);
	assert_int_equal(d.fired, 2);
	assert_int_equal(tmrl_poll(tl, 50), 1); /* d, started by a */
	assert_int_equal(d.fired, 3);
	assert_int_equal(tmrl_poll(tl, 50), 0);
	assert_int_equal(tmrl_count(tl), 0);
	mem_deref(tl);
	clock_mock_off();
}

/* Self-cancel and restart with a delay from inside the handler. */
static void cancel_self(void *arg)
{
	struct obj *o = arg;

	o->fired++;
	tmr_cancel(&o->tmr); /* already removed: must be a no-op */
	if (o->fired < 3)
		assert_int_equal(tmr_start(o->tl, &o->tmr, 7, cancel_self, o),
				 0);
}

static void test_tmr_self_restart(void **state)
{
	struct tmrl *tl = NULL;
	struct obj a = {.id = 1};

	(void)state;
	clock_mock_set(0);
	assert_int_equal(tmrl_alloc(&tl), 0);
	a.tl = tl;
	assert_int_equal(tmr_start(tl, &a.tmr, 7, cancel_self, &a), 0);
	for (int i = 0; i < 30; i++) {
		clock_mock_advance(1);
		tmrl_poll(tl, clock_now_ms());
	}
	assert_int_equal(a.fired, 3);
	assert_false(tmr_isrunning(&a.tmr));
	mem_deref(tl);
	clock_mock_off();
}

static unsigned long lcg_next(unsigned long *s)
{
	*s = *s * 6364136223846793005ul + 1442695040888963407ul;
	return *s >> 33;
}

static uint64_t heap_fired_prev;
static size_t heap_fired;
static bool heap_order_ok;

static void heap_fire(void *arg)
{
	struct obj *o = arg;

	if (tmr_isrunning(&o->tmr) || o->due < heap_fired_prev)
		heap_order_ok = false;
	heap_fired_prev = o->due;
	if (clock_now_ms() < o->due)
		heap_order_ok = false;
	o->fired++;
	heap_fired++;
}

/* Start o's timer for heap_fire and note its deadline. */
static void heap_start(struct tmrl *tl, struct obj *o, uint64_t delay)
{
	assert_int_equal(tmr_start(tl, &o->tmr, delay, heap_fire, o), 0);
	o->due = tmr_due(&o->tmr);
	assert_int_equal(o->due, clock_now_ms() + delay);
}

/* 200,000 live timers: all fire once, in deadline order, none early;
 * cancelled ones never fire; the heap does O(log n) comparisons per
 * operation. */
static void test_tmr_200k(void **state)
{
	enum { N = 200000 };
	struct tmrl *tl = NULL;
	struct obj *objs;
	unsigned long seed = 42;
	uint64_t cmp0, cmps;
	double per_op, bound;
	size_t cancelled = 0;
	clock_t t0;
	double secs;

	(void)state;
	clock_mock_set(5000);
	objs = calloc(N, sizeof(*objs));
	assert_non_null(objs);
	assert_int_equal(tmrl_alloc(&tl), 0);

	t0 = clock();
	cmp0 = tmrl_ncmp(tl);
	for (size_t i = 0; i < N; i++)
		heap_start(tl, &objs[i], lcg_next(&seed) % 64000);
	assert_int_equal(tmrl_count(tl), N);
	/* cancel every third timer, in scattered order */
	for (size_t i = 0; i < N; i += 3) {
		tmr_cancel(&objs[(i * 7919) % N].tmr);
	}
	for (size_t i = 0; i < N; i++)
		if (!tmr_isrunning(&objs[i].tmr))
			cancelled++;
	cmps = tmrl_ncmp(tl) - cmp0;
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	/* N inserts + N/3 cancels: each is at most ~2*log2(n) comparisons
	 * (sift-down does four per level of the 4-ary heap, log4(n)
	 * levels); a linear structure would need ~n/2 per insert, i.e.
	 * ~10^10 here */
	per_op = (double)cmps / (N + N / 3.0);
	bound = 2.0 * log2((double)N) + 2.0;
	print_message("200k timers: %.2f cmps/op (bound %.1f), %.3f s "
		      "for inserts+cancels\n",
		      per_op, bound, secs);
	assert_true(per_op <= bound);
	/* generous wall bound (sanitizer build, loaded machine) */
	assert_true(secs < 20.0);
	assert_int_equal(tmrl_count(tl), N - cancelled);
	/* restarting running timers moves them in place, up or down */
	for (size_t i = 1; i < N; i += 5)
		if (tmr_isrunning(&objs[i].tmr))
			heap_start(tl, &objs[i], lcg_next(&seed) % 64000);
	assert_int_equal(tmrl_count(tl), N - cancelled);

	heap_fired = 0;
	heap_fired_prev = 0;
	heap_order_ok = true;
	for (int step = 0; step < 70; step++) {
		clock_mock_advance(1000);
		tmrl_poll(tl, clock_now_ms());
	}
	assert_true(heap_order_ok);
	assert_int_equal(heap_fired, N - cancelled);
	assert_int_equal(tmrl_count(tl), 0);
	for (size_t i = 0; i < N; i++) {
		assert_true(objs[i].fired <= 1);
		assert_false(tmr_isrunning(&objs[i].tmr));
	}
	/* removals from the middle also keep order: restart half, cancel a
	 * scattered quarter, fire the rest */
	for (size_t i = 0; i < N; i += 2)
		heap_start(tl, &objs[i], lcg_next(&seed) % 1000);
	for (size_t i = 0; i < N; i += 4)
		tmr_cancel(&objs[i].tmr);
	heap_fired = 0;
	heap_fired_prev = 0;
	clock_mock_advance(2000);
	tmrl_poll(tl, clock_now_ms());
	assert_true(heap_order_ok);
	assert_int_equal(heap_fired, N / 4);

	/* worst case for sift-up: every insert becomes the new head, one
	 * comparison per level of the 4-ary heap */
	cmp0 = tmrl_ncmp(tl);
	for (size_t i = 0; i < N; i++)
		heap_start(tl, &objs[i], N - i);
	per_op = (double)(tmrl_ncmp(tl) - cmp0) / N;
	print_message("200k decreasing inserts: %.2f cmps/op\n", per_op);
	assert_true(per_op <= log2((double)N) / 2.0 + 1.0);
	assert_true(per_op >= log2((double)N) / 2.0 - 2.0);
	/* worst case for sift-down: pop everything */
	cmp0 = tmrl_ncmp(tl);
	heap_fired = 0;
	heap_fired_prev = 0;
	clock_mock_advance(N + 1);
	tmrl_poll(tl, clock_now_ms());
	assert_true(heap_order_ok);
	assert_int_equal(heap_fired, N);
	per_op = (double)(tmrl_ncmp(tl) - cmp0) / N;
	print_message("200k pops: %.2f cmps/op\n", per_op);
	assert_true(per_op <= bound);
	mem_deref(tl);
	free(objs);
	clock_mock_off();
}

/* A running timer started on another list moves there. */
static void test_tmr_move(void **state)
{
	struct tmrl *t1 = NULL, *t2 = NULL;
	struct obj a = {.id = 1}, b = {.id = 2};

	(void)state;
	clock_mock_set(100);
	assert_int_equal(tmrl_alloc(&t1), 0);
	assert_int_equal(tmrl_alloc(&t2), 0);
	assert_int_equal(tmr_start(t1, &a.tmr, 10, obj_fire, &a), 0);
	assert_int_equal(tmr_start(t1, &b.tmr, 20, obj_fire, &b), 0);
	assert_int_equal(tmr_due(&a.tmr), 110);
	assert_int_equal(tmr_start(t2, &a.tmr, 30, obj_fire, &a), 0);
	assert_int_equal(tmrl_count(t1), 1);
	assert_int_equal(tmrl_count(t2), 1);
	assert_int_equal(tmr_due(&a.tmr), 130);
	assert_int_equal(tmrl_next_delay(t1), 20);
	assert_int_equal(tmrl_next_delay(t2), 30);
	/* restart in place, later then earlier */
	assert_int_equal(tmr_start(t1, &b.tmr, 50, obj_fire, &b), 0);
	assert_int_equal(tmrl_next_delay(t1), 50);
	assert_int_equal(tmr_start(t1, &b.tmr, 5, obj_fire, &b), 0);
	assert_int_equal(tmrl_next_delay(t1), 5);
	assert_int_equal(tmr_remaining(&b.tmr), 5);
	clock_mock_advance(30);
	assert_int_equal(tmrl_poll(t1, clock_now_ms()), 1);
	assert_int_equal(tmrl_poll(t2, clock_now_ms()), 1);
	assert_int_equal(a.fired + b.fired, 2);
	assert_int_equal(tmr_due(&a.tmr), 0);
	mem_deref(t1);
	mem_deref(t2);
	clock_mock_off();
}

static unsigned wakeups;

static void on_wakeup(void *arg)
{
	(void)arg;
	wakeups++;
}

static void test_tmr_wakeup(void **state)
{
	struct tmrl *tl = NULL;
	struct obj a = {.id = 1}, b = {.id = 2}, c = {.id = 3};

	(void)state;
	clock_mock_set(0);
	assert_int_equal(tmrl_alloc(&tl), 0);
	tmrl_wakeup_set(tl, on_wakeup, NULL);
	wakeups = 0;
	assert_int_equal(tmr_start(tl, &a.tmr, 100, obj_fire, &a), 0);
	assert_int_equal(wakeups, 1);
	assert_int_equal(tmr_start(tl, &b.tmr, 200, obj_fire, &b), 0);
	assert_int_equal(wakeups, 1); /* later deadline: no wakeup */
	assert_int_equal(tmr_start(tl, &c.tmr, 50, obj_fire, &c), 0);
	assert_int_equal(wakeups, 2);
	mem_deref(tl);
	clock_mock_off();
}

static void test_tmr_oom(void **state)
{
	struct tmrl *tl = NULL;
	struct obj a = {.id = 1};

	(void)state;
	mem_threshold_set(0);
	assert_int_equal(tmrl_alloc(&tl), ENOMEM);
	mem_threshold_set(-1);
	assert_int_equal(tmrl_alloc(&tl), 0);
	mem_threshold_set(0);
	assert_int_equal(tmr_start(tl, &a.tmr, 1, obj_fire, &a), ENOMEM);
	mem_threshold_set(-1);
	assert_false(tmr_isrunning(&a.tmr));
	mem_deref(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_tmr_basic),
		LEAKCHECK_TEST(test_tmr_handler_reentry),
		LEAKCHECK_TEST(test_tmr_self_restart),
		LEAKCHECK_TEST(test_tmr_200k),
		LEAKCHECK_TEST(test_tmr_move),
		LEAKCHECK_TEST(test_tmr_wakeup),
		LEAKCHECK_TEST(test_tmr_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
