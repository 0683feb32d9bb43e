/* Alert records: the catalog of codes, the non-blocking alert pipeline and
 * a per-key rate limiter.
 *
 * Pipeline: alert_emit() (any thread, typically the SIP loop) copies the
 * event into a record and pushes it on a bounded lock-free MPSC ring; it
 * never blocks and never waits for a lock. When the ring is full the alert
 * is dropped and counted (alert_stats().dropped) and a rate-limited log line
 * says so. One writer thread drains the ring, renders the records
 * (alert_text, trace JSON, evidence) and hands them in batches to a sink
 * (the store); it also purges records older than the retention period.
 * Freeing the context (mem_deref) stops the writer after flushing the ring.
 */
#ifndef TRUNKD_ALERT_ALERT_H
#define TRUNKD_ALERT_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- catalog ---- */

enum alert_level {
	ALERT_LEVEL_ERROR = 0,
	ALERT_LEVEL_WARNING,
	ALERT_LEVEL_NOTICE,
	ALERT_LEVEL_DEBUG,
};

enum alert_kind {
	ALERT_KIND_TERMINATION = 0,
	ALERT_KIND_ORIGINATION,
	ALERT_KIND_MEDIA,
};

struct alert_def {
	uint32_t code; /* 32xxx/10004 Twilio, 39xxx trunkd */
	enum alert_level level;
	enum alert_kind kind;
	uint16_t status;    /* SIP response the trunk sends, 0 = none */
	const char *reason; /* reason phrase if status, else the
			     * action taken ("BYE"), or NULL */
	const char *title;  /* the condition, one line */
	const char *cause;  /* what is wrong, plain words */
	const char *fix;    /* what to do about it */
};

/* The entry for code, or NULL when the catalog has none. */
const struct alert_def *alert_catalog_find(uint32_t code);
/* The i-th entry (for iterating and docs), NULL past the end. */
const struct alert_def *alert_catalog_get(size_t i);
/* "error", "warning", "notice", "debug" (Monitor v1 log_level values). */
const char *alert_level_name(enum alert_level lvl);
/* "termination", "origination", "media". */
const char *alert_kind_name(enum alert_kind kind);

/* ---- events (input to alert_emit; everything borrowed) ---- */

struct alert_kv {
	const char *key;
	const char *value;
};

/* One SIP message of the call, as seen by the trunk. */
struct alert_trace_msg {
	int64_t time_ms; /* wall clock, ms since the epoch */
	char leg;	 /* 'A' customer side, 'B' carrier side */
	bool sent;	 /* true: sent by the trunk; false: received */
	const char *src; /* "ip:port" */
	const char *dst; /* "ip:port" */
	const char *msg; /* the raw message */
	size_t msg_len;
};

struct alert_event {
	uint32_t code;		     /* must be in the catalog */
	const char *account_sid;     /* AC..., may be NULL */
	const char *resource_sid;    /* the trunk TK..., may be NULL */
	const char *call_id;	     /* SIP Call-ID, may be NULL */
	uint16_t response_code;	     /* 0: the catalog's status */
	const char *request_method;  /* e.g. "INVITE", may be NULL */
	const char *request_url;     /* e.g. the Request-URI, may be NULL */
	const char *response_body;   /* NULL: the catalog's response line */
	const struct alert_kv *text; /* extra alert_text pairs */
	size_t text_n;
	const struct alert_kv *vars; /* request_variables pairs */
	size_t vars_n;
	const char *const *evidence; /* evidence lines */
	size_t evidence_n;
	const struct alert_trace_msg *trace; /* both legs, in order */
	size_t trace_n;
	int64_t date_generated; /* epoch s; 0: now */
};

/* ---- records (output to the sink; rendered by the writer) ---- */

/* A Monitor v1 Alert plus trunkd's extras. All strings are NUL-terminated
 * and never NULL ("" when unknown); they live as long as the record. */
struct alert_record {
	char sid[35];	       /* "NO" + 32 hex */
	char error_code[8];    /* "32201" */
	const char *log_level; /* static: "error", "warning", ... */
	const char *account_sid;
	const char *resource_sid;
	const char *call_id;
	const char *request_method;
	const char *request_url;
	const char *response_body;
	const char *alert_text;	       /* sipCallId=..&responseCode=.. */
	const char *request_variables; /* key=value&... */
	const char *trace;	       /* JSON array of messages, or "[]" */
	const char *diagnosis;	       /* cause and fix, plain words */
	const char *evidence;	       /* lines joined by '\n' */
	int64_t date_generated;	       /* epoch s: when it happened */
	int64_t date_created;	       /* epoch s: when it was stored */
	void *priv;		       /* owned: the copied event */
};

/* The sink the writer thread persists into (the store adapter, or a test
 * double). Both handlers run on the writer thread only. */
struct alert_sink {
	/* Persist n records atomically; 0 or an errno. Failed batches are
	 * counted and dropped (never retried forever). */
	int (*insert)(void *arg, const struct alert_record *const *recs,
		      size_t n);
	/* Delete records with date_created < before (epoch s); *removed
	 * gets the count. 0 or an errno. May be NULL (no retention). */
	int (*purge_before)(void *arg, int64_t before, size_t *removed);
};

/* The sink that writes into the store; its sink_arg is the struct store
 * (see store/store.h), which must outlive the pipeline. One store
 * transaction per batch; a batch refused with EINVAL is retried record by
 * record so one bad record does not cost the others. */
const struct alert_sink *alert_store_sink(void);

/* Wall clock for dates and retention (tests drive it). */
typedef int64_t(alert_clock_h)(void *arg);

struct alert_conf {
	uint32_t queue_size;	      /* ring slots, rounded up to 2^k; 4096 */
	uint32_t batch_max;	      /* records per insert; 256 */
	uint32_t retention_days;      /* purge older records; 30; 0 = keep */
	uint32_t purge_interval_s;    /* between purges; 3600 */
	uint32_t tick_ms;	      /* idle wake-up, for purges; 60000 */
	uint32_t loss_log_interval_s; /* rate of the "lost" line; 10 */
	const struct alert_sink *sink; /* required */
	void *sink_arg;
	alert_clock_h *clock; /* NULL: clock_wall_s() */
	void *clock_arg;
};

struct alert_stats {
	uint64_t emitted;      /* accepted into the ring */
	uint64_t dropped;      /* ring full: lost */
	uint64_t failed;       /* no memory or bad event: lost */
	uint64_t written;      /* persisted by the sink */
	uint64_t write_errors; /* records in batches the sink refused */
	uint64_t batches;      /* sink insert calls */
	uint64_t purged;       /* records removed by retention */
	uint64_t purges;       /* purge runs */
};

struct alert_ctx;

/* Fill conf with the defaults (sink left NULL). */
void alert_conf_default(struct alert_conf *conf);

/* Create the pipeline and start its writer thread. conf is copied; the
 * sink must outlive the context. Returns 0, EINVAL (no sink), ENOMEM or a
 * pthread error. mem_deref(ctx) flushes the ring into the sink, stops the
 * writer and frees everything. */
int alert_alloc(struct alert_ctx **ctxp, const struct alert_conf *conf);

/* Queue one alert. Never blocks: copies what it needs from ev (the
 * caller's buffers may die right after) and returns 0, EINVAL (NULL or
 * unknown code), ENOMEM, EAGAIN (ring full: dropped and counted) or
 * ESHUTDOWN (context stopping). On success *sidp (if not NULL, >= 35
 * bytes) gets the new alert's sid. Safe from any number of threads. */
int alert_emit(struct alert_ctx *ctx, const struct alert_event *ev,
	       char *sidp);

/* Snapshot of the counters; safe from any thread. */
void alert_stats(const struct alert_ctx *ctx, struct alert_stats *st);

/* Wait until every alert accepted before the call has been handed to the
 * sink (written or failed), at most timeout_ms. Blocks the caller: not for
 * the SIP loop (tests, shutdown, the API's "flush"). 0 or ETIMEDOUT. */
int alert_sync(struct alert_ctx *ctx, uint32_t timeout_ms);

/* Ask the writer to run a retention purge now (asynchronous). */
void alert_purge_request(struct alert_ctx *ctx);

/* Render rec's derived strings from its event; used by the writer, and
 * exposed for tests. Returns 0 or ENOMEM. */
int alert_record_render(struct alert_record *rec);

/* ---- rate limiter: at most one alert per key per interval ---- */

struct alert_ratelimit;

/* interval_ms between allowed alerts of one key; slots bounds the keys
 * tracked (rounded up to 2^k); burst_per_s caps the allowed alerts over
 * all keys per second (0 = no cap), so a flood of distinct keys (spoofed
 * source addresses) cannot flood the alert store. Not thread-safe: one per
 * SIP loop. Returns 0, EINVAL or ENOMEM. */
int alert_ratelimit_alloc(struct alert_ratelimit **rlp, uint32_t interval_ms,
			  uint32_t slots, uint32_t burst_per_s);

/* True when an alert for key (len bytes) may be raised at now_ms (use
 * clock_now_ms()); false when it must be suppressed (counted). */
bool alert_ratelimit_allow(struct alert_ratelimit *rl, const void *key,
			   size_t len, uint64_t now_ms);

/* Alerts suppressed so far. */
uint64_t alert_ratelimit_suppressed(const struct alert_ratelimit *rl);

#endif
