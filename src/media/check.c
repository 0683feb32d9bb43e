/* Media observations: the periodic RTP-timeout and one-way checks the
 * relay thread runs, and the bounded event queue that carries these and
 * the per-packet observations (address mismatch, low TTL) to the control
 * thread. The queue is a fixed ring: pushing never allocates; when it is
 * full the event is counted as dropped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "media/media_int.h"

int relay_evq_init(struct relay_evq *q, uint32_t cap)
{
	if (!cap)
		return EINVAL;
	q->ring = calloc(cap, sizeof(*q->ring));
	if (!q->ring)
		return ENOMEM;
	if (pthread_mutex_init(&q->lock, NULL)) {
		free(q->ring);
		q->ring = NULL;
		return ENOMEM;
	}
	q->cap = cap;
	q->head = q->count = 0;
	q->dropped = 0;
	return 0;
}

void relay_evq_destroy(struct relay_evq *q)
{
	if (!q->ring)
		return;
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	q->ring = NULL;
}

static uint16_t event_code(enum relay_event_type t)
{
	switch (t) {
	case RELAY_EV_RTP_TIMEOUT:
		return 32014;
	case RELAY_EV_ONE_WAY:
		return 39030;
	case RELAY_EV_ADDR_MISMATCH:
		return 39032;
	case RELAY_EV_LOW_TTL:
		return 39033;
	}
	return 0;
}

const char *relay_event_name(enum relay_event_type t)
{
	switch (t) {
	case RELAY_EV_RTP_TIMEOUT:
		return "rtp-timeout";
	case RELAY_EV_ONE_WAY:
		return "one-way";
	case RELAY_EV_ADDR_MISMATCH:
		return "addr-mismatch";
	case RELAY_EV_LOW_TTL:
		return "low-ttl";
	}
	return "?";
}

static void event_init(struct relay_event *ev, enum relay_event_type t,
		       const struct relay_call *call)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = t;
	ev->code = event_code(t);
	memcpy(ev->call_id, call->id, sizeof(ev->call_id));
	ev->ttl = -1;
}

void relay_event_fill(struct relay_event *ev, enum relay_event_type t,
		      const struct relay_stream *ps)
{
	const struct relay_media *m = ps->media;

	event_init(ev, t, m->leg->call);
	ev->leg = m->leg->id;
	ev->media = m->idx;
	ev->rtcp = ps->rtcp;
}

void relay_event_push(struct relay *r, const struct relay_event *ev)
{
	struct relay_evq *q = &r->evq;
	bool wake = false;

	pthread_mutex_lock(&q->lock);
	if (q->count < q->cap) {
		q->ring[(q->head + q->count) % q->cap] = *ev;
		q->count++;
		wake = true;
	} else {
		q->dropped++;
	}
	pthread_mutex_unlock(&q->lock);
	if (wake && r->async)
		uv_async_send(r->async);
}

unsigned relay_event_poll(struct relay *r)
{
	struct relay_evq *q;
	struct relay_event ev;
	unsigned n = 0, max;

	if (!r)
		return 0;
	q = &r->evq;
	pthread_mutex_lock(&q->lock);
	max = q->count; /* events queued meanwhile wait for the next poll */
	pthread_mutex_unlock(&q->lock);
	while (n < max) {
		pthread_mutex_lock(&q->lock);
		if (!q->count) {
			pthread_mutex_unlock(&q->lock);
			break;
		}
		ev = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
		pthread_mutex_unlock(&q->lock);
		n++;
		if (r->eh)
			r->eh(&ev, r->arg);
	}
	return n;
}

uint64_t relay_event_dropped(struct relay *r)
{
	uint64_t d;

	if (!r)
		return 0;
	pthread_mutex_lock(&r->evq.lock);
	d = r->evq.dropped;
	pthread_mutex_unlock(&r->evq.lock);
	return d;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* One-way check of media idx: fires when one side's RTP arrived within
 * the last oneway_ms while the other side sent nothing for that long. */
static void check_oneway(struct relay *r, struct relay_call *call,
			 uint32_t idx, uint64_t now)
{
	struct relay_media *a = call->legs[RELAY_LEG_A].media[idx];
	struct relay_media *b = call->legs[RELAY_LEG_B].media[idx];
	uint64_t win = r->conf.oneway_ms, la, lb, since;
	struct relay_event ev;
	struct relay_media *silent;

	if (!a || !b || a->oneway_sent || a->no_oneway || b->no_oneway)
		return;
	if (now - call->answered_ms < win)
		return;
	la = a->rtp.st.last_in_ms;
	lb = b->rtp.st.last_in_ms;
	if (la && now - la < win && (!lb || now - lb >= win))
		silent = b;
	else if (lb && now - lb < win && (!la || now - la >= win))
		silent = a;
	else
		return;
	since = max_u64(silent->rtp.st.last_in_ms, call->answered_ms);
	a->oneway_sent = true;
	relay_event_fill(&ev, RELAY_EV_ONE_WAY, &silent->rtp);
	ev.silent_ms = now - since;
	ev.sdp_addr = silent->rtp.advertised;
	relay_event_push(r, &ev);
}

/* RTP timeout of a call: no RTP from either side of any watched media
 * for rtp_timeout_ms since answer or the last packet. */
static void check_timeout(struct relay *r, struct relay_call *call,
			  uint64_t now)
{
	uint64_t last = call->answered_ms;
	struct relay_event ev;
	bool watched = false;
	uint32_t idx;
	int l;

	if (call->timeout_sent)
		return;
	for (idx = 0; idx < RELAY_MAX_MEDIA; idx++) {
		for (l = 0; l < 2; l++) {
			struct relay_media *m = call->legs[l].media[idx];

			if (!m || m->no_timeout)
				continue;
			watched = true;
			last = max_u64(last, m->rtp.st.last_in_ms);
		}
	}
	if (!watched || now - last < r->conf.rtp_timeout_ms)
		return;
	call->timeout_sent = true;
	event_init(&ev, RELAY_EV_RTP_TIMEOUT, call);
	ev.silent_ms = now - last;
	relay_event_push(r, &ev);
}

void relay_check(struct relay *r, uint64_t now)
{
	struct le *le;
	uint32_t idx;

	LIST_FOREACH(&r->calls, le)
	{
		struct relay_call *call = le->data;

		if (!call->answered || now < call->answered_ms)
			continue;
		check_timeout(r, call, now);
		for (idx = 0; idx < RELAY_MAX_MEDIA; idx++)
			check_oneway(r, call, idx, now);
	}
}
