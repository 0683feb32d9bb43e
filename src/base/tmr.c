/* Timer heap (4-ary, keys inline); see tmr.h. */
#include "base/tmr.h"

#include <errno.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"

/* Children of slot i are ARITY * i + 1 .. ARITY * i + ARITY: a 4-ary
 * heap is half as deep as a binary one, and its four children's keys sit
 * in 96 contiguous bytes. */
#define ARITY 4

/* A heap slot: the key inline, so comparisons stay in the array. */
struct hent {
	uint64_t due;  /* absolute ms (clock_now_ms() origin) */
	uint64_t seq;  /* start order: ties fire first-started first */
	struct tmr *t; /* weak */
};

struct tmrl {
	struct hent *heap; /* owned array */
	size_t n;
	size_t cap;
	uint64_t seq;
	uint64_t ncmp;
	uint64_t poll_now; /* now of the poll running, else 0 */
	tmrl_wakeup_h *wh;
	void *warg;
};

static void tmrl_destroy(void *data)
{
	struct tmrl *tl = data;

	for (size_t i = 0; i < tl->n; i++) {
		tl->heap[i].t->idx = 0;
		tl->heap[i].t->tl = NULL;
	}
	mem_deref(tl->heap);
}

int tmrl_alloc(struct tmrl **tlp)
{
	struct tmrl *tl;

	if (!tlp)
		return EINVAL;
	tl = mem_zalloc(sizeof(*tl), tmrl_destroy);
	if (!tl)
		return ENOMEM;
	*tlp = tl;
	return 0;
}

void tmrl_wakeup_set(struct tmrl *tl, tmrl_wakeup_h *wh, void *arg)
{
	if (!tl)
		return;
	tl->wh = wh;
	tl->warg = arg;
}

/* a fires before b */
static inline bool before(const struct hent *a, const struct hent *b)
{
	if (a->due != b->due)
		return a->due < b->due;
	return a->seq < b->seq;
}

/* The sifts keep the array, its length and the comparison count in
 * locals: the writes to moved timers' idx could alias tl's fields. */

/* Put e, whose slot is i, where it belongs above i. */
static void sift_up(struct tmrl *tl, size_t i, struct hent e)
{
	struct hent *h = tl->heap;
	uint64_t ncmp = 0;

	while (i > 0) {
		size_t p = (i - 1) / ARITY;

		ncmp++;
		if (!before(&e, &h[p]))
			break;
		h[i] = h[p];
		h[i].t->idx = i + 1;
		i = p;
	}
	h[i] = e;
	e.t->idx = i + 1;
	tl->ncmp += ncmp;
}

/* Put e, whose slot is i, where it belongs below i. */
static void sift_down(struct tmrl *tl, size_t i, struct hent e)
{
	struct hent *h = tl->heap;
	size_t n = tl->n;
	uint64_t ncmp = 0;

	for (;;) {
		size_t c = ARITY * i + 1, end = c + ARITY, m;

		if (c >= n)
			break;
		if (end > n)
			end = n;
		m = c;
		for (c++; c < end; c++) {
			ncmp++;
			if (before(&h[c], &h[m]))
				m = c;
		}
		ncmp++;
		if (!before(&h[m], &e))
			break;
		h[i] = h[m];
		h[i].t->idx = i + 1;
		i = m;
	}
	h[i] = e;
	e.t->idx = i + 1;
	tl->ncmp += ncmp;
}

/* Slot i got key e: move it up or down. */
static void sift(struct tmrl *tl, size_t i, struct hent e)
{
	if (i > 0 && (tl->ncmp++, before(&e, &tl->heap[(i - 1) / ARITY])))
		sift_up(tl, i, e);
	else
		sift_down(tl, i, e);
}

/* Remove the timer at slot i. */
static void heap_remove(struct tmrl *tl, size_t i)
{
	struct tmr *t = tl->heap[i].t;

	t->idx = 0;
	t->tl = NULL;
	tl->n--;
	if (i == tl->n)
		return;
	sift(tl, i, tl->heap[tl->n]);
}

static int heap_grow(struct tmrl *tl)
{
	size_t ncap = tl->cap ? tl->cap * 2 : 64;
	struct hent *h;

	if (ncap > SIZE_MAX / sizeof(*h))
		return ENOMEM;
	h = tl->heap ? mem_realloc(tl->heap, ncap * sizeof(*h))
		     : mem_alloc(ncap * sizeof(*h), NULL);
	if (!h)
		return ENOMEM;
	tl->heap = h;
	tl->cap = ncap;
	return 0;
}

void tmr_init(struct tmr *t)
{
	if (t)
		memset(t, 0, sizeof(*t));
}

int tmr_start(struct tmrl *tl, struct tmr *t, uint64_t delay_ms, tmr_h *h,
	      void *arg)
{
	struct hent e;
	uint64_t now;
	int err;

	if (!tl || !t || !h)
		return EINVAL;
	if (t->tl != tl) {
		tmr_cancel(t);
		if (tl->n == tl->cap) {
			err = heap_grow(tl);
			if (err)
				return err;
		}
	}
	now = clock_now_ms();
	e.due = delay_ms > UINT64_MAX - now ? UINT64_MAX : now + delay_ms;
	/* inside a poll, never sort before the timers it is still firing */
	if (e.due < tl->poll_now)
		e.due = tl->poll_now;
	e.seq = tl->seq++;
	e.t = t;
	t->h = h;
	t->arg = arg;
	if (t->tl == tl) {
		/* running here: a new key in its slot (no remove + insert) */
		sift(tl, t->idx - 1, e);
	} else {
		t->tl = tl;
		sift_up(tl, tl->n++, e);
	}
	if (t->idx == 1 && tl->wh)
		tl->wh(tl->warg);
	return 0;
}

void tmr_cancel(struct tmr *t)
{
	if (!t || !t->idx || !t->tl)
		return;
	heap_remove(t->tl, t->idx - 1);
}

bool tmr_isrunning(const struct tmr *t)
{
	return t && t->idx != 0;
}

uint64_t tmr_due(const struct tmr *t)
{
	if (!tmr_isrunning(t) || !t->tl)
		return 0;
	return t->tl->heap[t->idx - 1].due;
}

uint64_t tmr_remaining(const struct tmr *t)
{
	uint64_t now, due;

	if (!tmr_isrunning(t))
		return 0;
	due = tmr_due(t);
	now = clock_now_ms();
	return due > now ? due - now : 0;
}

unsigned tmrl_poll(struct tmrl *tl, uint64_t now)
{
	uint64_t seq_end, prev_now;
	unsigned fired = 0;

	if (!tl)
		return 0;
	seq_end = tl->seq;
	prev_now = tl->poll_now;
	tl->poll_now = now;
	while (tl->n > 0) {
		struct tmr *t = tl->heap[0].t;
		tmr_h *h;
		void *arg;

		/* a timer started by a handler in this poll waits for the
		 * next one; since ties order by seq, every older timer due
		 * by now sorts before it */
		if (tl->heap[0].due > now || tl->heap[0].seq >= seq_end)
			break;
		h = t->h;
		arg = t->arg;
		heap_remove(tl, 0);
		h(arg);
		fired++;
	}
	tl->poll_now = prev_now;
	return fired;
}

uint64_t tmrl_next_delay(const struct tmrl *tl)
{
	uint64_t now;

	if (!tl || !tl->n)
		return TMR_NEVER;
	now = clock_now_ms();
	return tl->heap[0].due > now ? tl->heap[0].due - now : 0;
}

size_t tmrl_count(const struct tmrl *tl)
{
	return tl ? tl->n : 0;
}

uint64_t tmrl_ncmp(const struct tmrl *tl)
{
	return tl ? tl->ncmp : 0;
}
