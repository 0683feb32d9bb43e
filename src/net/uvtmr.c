/* libuv timer glue; see uvtmr.h. */
#include "net/uvtmr.h"

#include <errno.h>

#include "base/clock.h"
#include "base/mem.h"

/* The uv handle lives in its own block, freed by the close callback, so
 * the glue's destructor can close it without waiting. */
struct uvtmr_handle {
	uv_timer_t h;
	struct uvtmr *ut; /* weak; NULL once the glue is gone */
};

struct uvtmr {
	struct uvtmr_handle *uh; /* owned until closed */
	struct tmrl *tl;	 /* ref */
	uint64_t armed; /* the deadline uh is armed for (clock_now_ms()
			   origin), TMR_NEVER when stopped */
	bool polling;
};

static void handle_closed(uv_handle_t *h)
{
	mem_deref(h->data);
}

static void uvtmr_destroy(void *data)
{
	struct uvtmr *ut = data;

	tmrl_wakeup_set(ut->tl, NULL, NULL);
	if (ut->uh) {
		ut->uh->ut = NULL;
		uv_timer_stop(&ut->uh->h);
		uv_close((uv_handle_t *)&ut->uh->h, handle_closed);
	}
	mem_deref(ut->tl);
}

static void on_timer(uv_timer_t *h);

/* Arm uh for the earliest deadline; unless force, not again for the
 * deadline it is armed for already. */
static void rearm(struct uvtmr *ut, bool force)
{
	uint64_t due, now;

	if (!ut || !ut->uh)
		return;
	due = tmrl_next_due(ut->tl);
	if (due == TMR_NEVER) {
		uv_timer_stop(&ut->uh->h);
		ut->armed = TMR_NEVER;
		return;
	}
	/* the earliest deadline did not move: no clock read, no re-arm */
	if (!force && due == ut->armed &&
	    uv_is_active((uv_handle_t *)&ut->uh->h))
		return;
	now = clock_now_ms();
	uv_update_time(ut->uh->h.loop);
	uv_timer_start(&ut->uh->h, on_timer, due > now ? due - now : 0, 0);
	ut->armed = due;
}

void uvtmr_rearm(struct uvtmr *ut)
{
	rearm(ut, true);
}

static void on_timer(uv_timer_t *h)
{
	struct uvtmr_handle *uh = h->data;
	struct uvtmr *ut = uh->ut;

	if (!ut)
		return;
	mem_ref(ut);
	ut->armed = TMR_NEVER; /* fired: uh is not armed any more */
	ut->polling = true;
	tmrl_poll(ut->tl, clock_now_ms());
	ut->polling = false;
	rearm(ut, false);
	mem_deref(ut);
}

static void on_wakeup(void *arg)
{
	struct uvtmr *ut = arg;

	if (!ut->polling)
		rearm(ut, false);
}

int uvtmr_alloc(struct uvtmr **utp, uv_loop_t *loop, struct tmrl *tl)
{
	struct uvtmr *ut;
	struct uvtmr_handle *uh;

	if (!utp || !loop || !tl)
		return EINVAL;
	ut = mem_zalloc(sizeof(*ut), uvtmr_destroy);
	if (!ut)
		return ENOMEM;
	ut->tl = mem_ref(tl);
	ut->armed = TMR_NEVER;
	uh = mem_zalloc(sizeof(*uh), NULL);
	if (!uh) {
		mem_deref(ut);
		return ENOMEM;
	}
	uv_timer_init(loop, &uh->h);
	uh->h.data = uh;
	uh->ut = ut;
	ut->uh = uh;
	tmrl_wakeup_set(tl, on_wakeup, ut);
	uvtmr_rearm(ut);
	*utp = ut;
	return 0;
}
