/* Private to src/alert: the ring and the copied event behind a record. */
#ifndef TRUNKD_ALERT_ALERT_INT_H
#define TRUNKD_ALERT_ALERT_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "alert/alert.h"

/* Bounded MPSC ring of pointers (Vyukov's bounded queue: one sequence
 * number per cell). Producers never wait: push fails when full. */
struct ring_cell {
	_Atomic size_t seq;
	void *data; /* weak while queued; the popper takes ownership */
};

struct ring {
	struct ring_cell *cells; /* owned (mem) */
	size_t mask;
	_Atomic size_t head; /* next slot producers claim */
	size_t tail;	     /* next slot the single consumer reads */
};

/* size is rounded up to a power of two (>= 2). 0 or ENOMEM. */
int ring_init(struct ring *r, size_t size);
void ring_close(struct ring *r);
/* 0, or EAGAIN when full. Any thread. */
int ring_push(struct ring *r, void *data);
/* The oldest pointer, or NULL when empty. Consumer thread only. */
void *ring_pop(struct ring *r);

/* The event copied at emit time; lives in the record's block. */
struct alert_copy {
	const struct alert_def *def; /* static */
	uint16_t response_code;
	struct alert_kv *text; /* in block */
	size_t text_n;
	struct alert_kv *vars; /* in block */
	size_t vars_n;
	const char **evidence; /* in block */
	size_t evidence_n;
	struct alert_trace_msg *trace; /* in block */
	size_t trace_n;
	/* rendered by the writer (malloc, owned) */
	char *r_text;
	char *r_vars;
	char *r_trace;
	char *r_evidence;
	char *r_diag;
	char *r_resp;
};

/* Copy ev into one new mem block holding the record and its copy. The
 * record's sid is left for the caller. 0, EINVAL or ENOMEM. */
int alert_record_alloc(struct alert_record **recp,
		       const struct alert_event *ev,
		       const struct alert_def *def, int64_t now);

/* Limits on what one alert copies (longer input is truncated). */
enum {
	ALERT_MAX_STR = 1024,
	ALERT_MAX_BODY = 4096,
	ALERT_MAX_MSG = 16384,
	ALERT_MAX_PAIRS = 32,
	ALERT_MAX_LINES = 32,
	ALERT_MAX_TRACE = 32,
};

#endif
