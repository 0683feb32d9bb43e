/* Timers: a 4-ary min-heap of embedded timers.
 *
 * A struct tmr lives inside the object it serves (zero it, or tmr_init(),
 * before first use). Each running timer remembers its heap index, so
 * start, cancel and expiry are O(log n) however many timers run (the heap
 * is built to hold 200,000+ live timers). The heap's array holds each
 * timer's deadline and start order next to its pointer, so sifting never
 * reads a timer, only writes the index of one it moves: at 200k timers
 * spread over transactions, a read of each would be a cache miss. Time
 * comes only from clock_now_ms(), so tests drive timers with
 * clock_mock_set/advance.
 *
 * The heap knows nothing about the event loop: src/net/uvtmr.h arms one
 * libuv timer for the earliest deadline and calls tmrl_poll(). Single
 * threaded: a tmrl and its timers belong to one loop.
 */
#ifndef TRUNKD_BASE_TMR_H
#define TRUNKD_BASE_TMR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tmrl;

typedef void(tmr_h)(void *arg);

/* The deadline and start order live in the list's heap array. */
struct tmr {
	size_t idx;	 /* heap slot + 1; 0 when not running */
	struct tmrl *tl; /* weak: the list it runs on, NULL when idle */
	tmr_h *h;
	void *arg; /* weak: the handler's argument */
};

/* "No timer": returned by tmrl_next_delay() on an empty list. */
#define TMR_NEVER UINT64_MAX

/* Called when the earliest deadline moves earlier (a new timer became the
 * head), so an event-loop glue can re-arm its one OS timer. */
typedef void(tmrl_wakeup_h)(void *arg);

/* New, empty timer list. Returns 0, EINVAL or ENOMEM. Destroying the list
 * (mem_deref) stops every timer still on it without calling handlers. */
int tmrl_alloc(struct tmrl **tlp);

/* Install (or clear with NULL) the wakeup callback. */
void tmrl_wakeup_set(struct tmrl *tl, tmrl_wakeup_h *wh, void *arg);

/* Fire every timer due at or before now, earliest first, each after it
 * was removed from the heap. Handlers may start or cancel any timer,
 * including the one firing and including its own object's other timers.
 * Timers started while polling never fire in the same poll (no livelock
 * on a handler that restarts itself with delay 0). Returns the number of
 * handlers called. */
unsigned tmrl_poll(struct tmrl *tl, uint64_t now);

/* Milliseconds from clock_now_ms() to the earliest deadline; 0 when one
 * is already due; TMR_NEVER when no timer runs. */
uint64_t tmrl_next_delay(const struct tmrl *tl);

/* Number of running timers. */
size_t tmrl_count(const struct tmrl *tl);

/* Key comparisons done by heap operations since the list was made (for
 * the O(log n) check in tests): an insert does at most one per level
 * (log4 n), a removal at most four per level (2 log2 n). */
uint64_t tmrl_ncmp(const struct tmrl *tl);

/* Zero a timer (same as memset 0). */
void tmr_init(struct tmr *t);

/* (Re)start t to call h(arg) delay_ms after clock_now_ms(). A running t
 * is moved, not duplicated; it may move to another list. h must not be
 * NULL. Returns 0, EINVAL or ENOMEM (the heap could not grow; t is then
 * not running). */
int tmr_start(struct tmrl *tl, struct tmr *t, uint64_t delay_ms, tmr_h *h,
	      void *arg);

/* Stop t if running; safe on an idle or zeroed timer. */
void tmr_cancel(struct tmr *t);

bool tmr_isrunning(const struct tmr *t);

/* Milliseconds until t fires (0 if due); 0 when not running. */
uint64_t tmr_remaining(const struct tmr *t);

/* The absolute deadline of a running t (clock_now_ms() origin), 0 when
 * not running. */
uint64_t tmr_due(const struct tmr *t);

#endif
