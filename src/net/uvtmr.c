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

void uvtmr_rearm(struct uvtmr *ut)
{
	uint64_t d;

	if (!ut || !ut->uh)
		return;
	d = tmrl_next_delay(ut->tl);
	if (d == TMR_NEVER) {
		uv_timer_stop(&ut->uh->h);
		return;
	}
	uv_update_time(ut->uh->h.loop);
	uv_timer_start(&ut->uh->h, on_timer, d, 0);
}

static void on_timer(uv_timer_t *h)
{
	struct uvtmr_handle *uh = h->data;
	struct uvtmr *ut = uh->ut;

	if (!ut)
		return;
	mem_ref(ut);
	ut->polling = true;
	tmrl_poll(ut->tl, clock_now_ms());
	ut->polling = false;
	uvtmr_rearm(ut);
	mem_deref(ut);
}

static void on_wakeup(void *arg)
{
	struct uvtmr *ut = arg;

	if (!ut->polling)
		uvtmr_rearm(ut);
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
