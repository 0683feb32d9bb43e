/* Timer heap; see tmr.h. */
#include "base/tmr.h"

#include <errno.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"

struct tmrl {
	struct tmr **heap; /* owned array; entries are weak */
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
		tl->heap[i]->idx = 0;
		tl->heap[i]->tl = NULL;
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
static bool before(struct tmrl *tl, const struct tmr *a, const struct tmr *b)
{
	tl->ncmp++;
	if (a->due != b->due)
		return a->due < b->due;
	return a->seq < b->seq;
}

static void place(struct tmrl *tl, size_t i, struct tmr *t)
{
	tl->heap[i] = t;
	t->idx = i + 1;
}

static void sift_up(struct tmrl *tl, size_t i)
{
	struct tmr *t = tl->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!before(tl, t, tl->heap[p]))
			break;
		place(tl, i, tl->heap[p]);
		i = p;
	}
	place(tl, i, t);
}

static void sift_down(struct tmrl *tl, size_t i)
{
	struct tmr *t = tl->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= tl->n)
			break;
		if (c + 1 < tl->n && before(tl, tl->heap[c + 1], tl->heap[c]))
			c++;
		if (!before(tl, tl->heap[c], t))
			break;
		place(tl, i, tl->heap[c]);
		i = c;
	}
	place(tl, i, t);
}

/* Remove the timer at slot i. */
static void heap_remove(struct tmrl *tl, size_t i)
{
	struct tmr *t = tl->heap[i];
	struct tmr *last;

	t->idx = 0;
	t->tl = NULL;
	tl->n--;
	if (i == tl->n)
		return;
	last = tl->heap[tl->n];
	place(tl, i, last);
	if (i > 0 && before(tl, last, tl->heap[(i - 1) / 2]))
		sift_up(tl, i);
	else
		sift_down(tl, i);
}

static int heap_grow(struct tmrl *tl)
{
	size_t ncap = tl->cap ? tl->cap * 2 : 64;
	struct tmr **h;

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
	uint64_t now;
	int err;

	if (!tl || !t || !h)
		return EINVAL;
	tmr_cancel(t);
	if (tl->n == tl->cap) {
		err = heap_grow(tl);
		if (err)
			return err;
	}
	now = clock_now_ms();
	t->due = delay_ms > UINT64_MAX - now ? UINT64_MAX : now + delay_ms;
	/* inside a poll, never sort before the timers it is still firing */
	if (t->due < tl->poll_now)
		t->due = tl->poll_now;
	t->seq = tl->seq++;
	t->h = h;
	t->arg = arg;
	t->tl = tl;
	tl->heap[tl->n] = t;
	t->idx = ++tl->n;
	sift_up(tl, tl->n - 1);
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

uint64_t tmr_remaining(const struct tmr *t)
{
	uint64_t now;

	if (!tmr_isrunning(t))
		return 0;
	now = clock_now_ms();
	return t->due > now ? t->due - now : 0;
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
		struct tmr *t = tl->heap[0];
		tmr_h *h;
		void *arg;

		/* a timer started by a handler in this poll waits for the
		 * next one; since ties order by seq, every older timer due
		 * by now sorts before it */
		if (t->due > now || t->seq >= seq_end)
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
	return tl->heap[0]->due > now ? tl->heap[0]->due - now : 0;
}

size_t tmrl_count(const struct tmrl *tl)
{
	return tl ? tl->n : 0;
}

uint64_t tmrl_ncmp(const struct tmrl *tl)
{
	return tl ? tl->ncmp : 0;
}
