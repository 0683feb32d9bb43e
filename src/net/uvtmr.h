/* Glue between the timer heap (base/tmr.h) and a libuv loop: ONE
 * uv_timer_t armed for the earliest deadline; when it fires, the heap is
 * polled with clock_now_ms() and the uv timer re-armed. */
#ifndef TRUNKD_NET_UVTMR_H
#define TRUNKD_NET_UVTMR_H

#include <uv.h>

#include "base/tmr.h"

struct uvtmr;

/* Drive tl from loop. Takes a reference on tl and installs itself as tl's
 * wakeup callback (one glue per tmrl). Returns 0, EINVAL or ENOMEM.
 * mem_deref() the glue to detach: its uv handle is closed and freed on
 * the loop's next iteration, so run the loop once before uv_loop_close. */
int uvtmr_alloc(struct uvtmr **utp, uv_loop_t *loop, struct tmrl *tl);

/* Re-arm the uv timer now (normally automatic). */
void uvtmr_rearm(struct uvtmr *ut);

#endif
