/* Unit tests for src/alert: catalog, record copy and rendering, the
 * non-blocking pipeline (full queue, batching, flush), retention with a
 * controlled clock, and the rate limiter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "alert/alert.h"
#include "alert/alert_int.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "leakcheck.h"

/* ---- a test sink: keeps copies, can be gated shut ---- */

struct saved {
	char sid[35];
	char code[8];
	char *text;
	int64_t created;
};

struct tsink {
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	bool gate_closed;
	bool inside; /* insert() is waiting at the gate */
	size_t batch_sizes[64];
	size_t nbatches;
	struct saved recs[512];
	size_t nrecs;
	size_t purge_calls;
	int64_t last_before;
};

static void tsink_init(struct tsink *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mtx, NULL);
	pthread_cond_init(&s->cond, NULL);
}

static void tsink_close(struct tsink *s)
{
	for (size_t i = 0; i < s->nrecs; i++)
		free(s->recs[i].text);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mtx);
}

static int ts_insert(void *arg, const struct alert_record *const *recs,
		     size_t n)
{
	struct tsink *s = arg;

	pthread_mutex_lock(&s->mtx);
	s->inside = true;
	pthread_cond_broadcast(&s->cond);
	while (s->gate_closed)
		pthread_cond_wait(&s->cond, &s->mtx);
	s->inside = false;
	if (s->nbatches < 64)
		s->batch_sizes[s->nbatches] = n;
	s->nbatches++;
	for (size_t i = 0; i < n && s->nrecs < 512; i++) {
		struct saved *v = &s->recs[s->nrecs++];

		memcpy(v->sid, recs[i]->sid, sizeof(v->sid));
		memcpy(v->code, recs[i]->error_code, sizeof(v->code));
		v->text = strdup(recs[i]->alert_text);
		v->created = recs[i]->date_created;
	}
	pthread_mutex_unlock(&s->mtx);
	return 0;
}

static int ts_purge(void *arg, int64_t before, size_t *removed)
{
	struct tsink *s = arg;
	size_t k = 0, r = 0;

	pthread_mutex_lock(&s->mtx);
	s->purge_calls++;
	s->last_before = before;
	for (size_t i = 0; i < s->nrecs; i++) {
		if (s->recs[i].created < before) {
			free(s->recs[i].text);
			r++;
			continue;
		}
		s->recs[k++] = s->recs[i];
	}
	s->nrecs = k;
	pthread_mutex_unlock(&s->mtx);
	*removed = r;
	return 0;
}

/* The writer thread purges at start and on its interval, and a purge
 * rewrites recs[]: the tests read the sink under its mutex. */
static void tsink_lock(struct tsink *s)
{
	pthread_mutex_lock(&s->mtx);
}

static void tsink_unlock(struct tsink *s)
{
	pthread_mutex_unlock(&s->mtx);
}

static const struct alert_sink tsink_ops = {
	.insert = ts_insert,
	.purge_before = ts_purge,
};

static void gate_set(struct tsink *s, bool closed)
{
	pthread_mutex_lock(&s->mtx);
	s->gate_closed = closed;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mtx);
}

static void wait_inside(struct tsink *s)
{
	pthread_mutex_lock(&s->mtx);
	while (!s->inside)
		pthread_cond_wait(&s->cond, &s->mtx);
	pthread_mutex_unlock(&s->mtx);
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static struct alert_event simple_event(uint32_t code)
{
	return (struct alert_event){
		.code = code,
		.account_sid = "AC00000000000000000000000000000001",
		.resource_sid = "TK00000000000000000000000000000001",
		.call_id = "call-1@pbx",
	};
}

/* ---- catalog ---- */

static void test_catalog_covers_reference(void **state)
{
	char path[1024], line[1024];
	unsigned n = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/reference/ALERTS.md",
		 TRUNKD_SHARED_DIR);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned code;
		char level[16];
		const struct alert_def *d;

		if (sscanf(line, "| %u | %15[a-z] |", &code, level) != 2)
			continue;
		d = alert_catalog_find(code);
		if (!d)
			fail_msg("code %u of ALERTS.md not in catalog", code);
		assert_string_equal(alert_level_name(d->level), level);
		assert_true(strlen(d->cause) > 10);
		assert_true(strlen(d->fix) > 10);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 38);
	/* and the catalog has nothing ALERTS.md lacks */
	assert_non_null(alert_catalog_get(n - 1));
	assert_null(alert_catalog_get(n));
	assert_null(alert_catalog_find(12345));
}

static void test_catalog_in_docs(void **state)
{
	char path[1024], *text;
	const struct alert_def *d;
	long len;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/docs/alerts.md", TRUNKD_SOURCE_DIR);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (size_t i = 0; (d = alert_catalog_get(i)) != NULL; i++) {
		char needle[16];

		snprintf(needle, sizeof(needle), "| %u |", (unsigned)d->code);
		if (!strstr(text, needle))
			fail_msg("code %u missing from docs/alerts.md",
				 (unsigned)d->code);
	}
	free(text);
}

/* ---- record copy and rendering ---- */

static void test_record_copy_render(void **state)
{
	char cid[32], src[32], msg[64], ev_line[64], ip[32];
	struct alert_kv text[1], vars[2];
	const char *evidence[2];
	struct alert_trace_msg trace[2];
	struct alert_event ev;
	struct alert_record *rec = NULL;
	json_t *j;
	json_error_t jerr;

	(void)state;
	strcpy(cid, "a b@pbx");
	strcpy(ip, "203.0.113.5");
	strcpy(src, "203.0.113.5:5060");
	strcpy(msg, "INVITE sip:+15551234567@x SIP/2.0\r\n\xff\r\n");
	strcpy(ev_line, "Via: SIP/2.0/UDP 203.0.113.5");
	text[0] = (struct alert_kv){.key = "sourceIp", .value = ip};
	vars[0] = (struct alert_kv){.key = "To", .value = "+15551234567"};
	vars[1] = (struct alert_kv){.key = "From", .value = "a&b"};
	evidence[0] = ev_line;
	evidence[1] = "second";
	trace[0] = (struct alert_trace_msg){
		.time_ms = 1700000000123,
		.leg = 'A',
		.sent = false,
		.src = src,
		.dst = "198.51.100.1:5060",
		.msg = msg,
		.msg_len = strlen(msg),
	};
	trace[1] = trace[0];
	trace[1].sent = true;
	trace[1].msg = "SIP/2.0 403 Forbidden\r\n\r\n";
	trace[1].msg_len = strlen(trace[1].msg);
	ev = simple_event(32201);
	ev.call_id = cid;
	ev.text = text;
	ev.text_n = 1;
	ev.vars = vars;
	ev.vars_n = 2;
	ev.evidence = evidence;
	ev.evidence_n = 2;
	ev.trace = trace;
	ev.trace_n = 2;
	ev.request_method = "INVITE";
	ev.request_url = "sip:+15551234567@x";

	assert_int_equal(
		alert_record_alloc(&rec, &ev, alert_catalog_find(32201), 1000),
		0);
	/* the caller's buffers die: the record keeps its copies */
	memset(cid, 'X', sizeof(cid) - 1);
	memset(ip, 'X', sizeof(ip) - 1);
	memset(src, 'X', sizeof(src) - 1);
	memset(msg, 'X', sizeof(msg) - 1);
	memset(ev_line, 'X', sizeof(ev_line) - 1);

	assert_int_equal(alert_record_render(rec), 0);
	assert_string_equal(rec->error_code, "32201");
	assert_string_equal(rec->log_level, "error");
	assert_string_equal(rec->call_id, "a b@pbx");
	assert_string_equal(rec->alert_text,
			    "sipCallId=a%20b%40pbx&responseCode=403"
			    "&sourceIp=203.0.113.5");
	assert_string_equal(rec->request_variables,
			    "To=%2B15551234567&From=a%26b");
	assert_string_equal(rec->evidence,
			    "Via: SIP/2.0/UDP 203.0.113.5\nsecond");
	assert_string_equal(rec->response_body, "SIP/2.0 403 Forbidden");
	assert_non_null(strstr(rec->diagnosis, "Fix: "));
	assert_int_equal(rec->date_generated, 1000);

	j = json_loads(rec->trace, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(j, 0), "src")),
			    "203.0.113.5:5060");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(j, 0), "time")),
			    "2023-11-14T22:13:20.123Z");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(j, 1), "direction")),
			    "sent");
	/* the invalid UTF-8 byte was replaced, the rest kept */
	assert_non_null(strstr(json_string_value(json_object_get(
				       json_array_get(j, 0), "message")),
			       "INVITE sip:+15551234567@x SIP/2.0\r\n?\r\n"));
	json_decref(j);
	mem_deref(rec);
}

static void test_record_truncates(void **state)
{
	struct alert_event ev = simple_event(32101);
	struct alert_kv kv[40];
	struct alert_record *rec = NULL;
	char *big = malloc(100000);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 99999);
	big[99999] = '\0';
	for (size_t i = 0; i < 40; i++)
		kv[i] = (struct alert_kv){.key = "k", .value = big};
	ev.text = kv;
	ev.text_n = 40;
	ev.call_id = big;
	assert_int_equal(
		alert_record_alloc(&rec, &ev, alert_catalog_find(32101), 1),
		0);
	free(big);
	assert_int_equal(alert_record_render(rec), 0);
	assert_true(strlen(rec->call_id) == ALERT_MAX_STR);
	assert_true(strlen(rec->alert_text) <
		    (ALERT_MAX_PAIRS + 2) * (ALERT_MAX_STR + 32));
	mem_deref(rec);
}

/* ---- pipeline ---- */

static void test_emit_basic(void **state)
{
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;
	struct alert_event ev = simple_event(32201);
	struct alert_stats st;
	struct tsink s;
	char sid[35];

	(void)state;
	tsink_init(&s);
	alert_conf_default(&conf);
	conf.sink = &tsink_ops;
	conf.sink_arg = &s;
	assert_int_equal(alert_alloc(&ctx, &conf), 0);
	assert_int_equal(alert_emit(ctx, &ev, sid), 0);
	assert_int_equal(strlen(sid), 34);
	assert_memory_equal(sid, "NO", 2);
	for (size_t i = 2; i < 34; i++)
		assert_non_null(strchr("0123456789abcdef", sid[i]));
	ev.code = 99999;
	assert_int_equal(alert_emit(ctx, &ev, NULL), EINVAL);
	assert_int_equal(alert_emit(ctx, NULL, NULL), EINVAL);
	ev.code = 32101;
	assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	assert_int_equal(alert_sync(ctx, 5000), 0);
	alert_stats(ctx, &st);
	assert_int_equal(st.emitted, 2);
	assert_int_equal(st.written, 2);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.dropped, 0);
	tsink_lock(&s);
	assert_int_equal(s.nrecs, 2);
	assert_string_equal(s.recs[0].sid, sid);
	assert_string_equal(s.recs[0].code, "32201");
	assert_string_equal(s.recs[1].code, "32101");
	assert_string_equal(s.recs[0].text,
			    "sipCallId=call-1%40pbx&responseCode=403");
	assert_string_not_equal(s.recs[0].sid, s.recs[1].sid);
	tsink_unlock(&s);
	mem_deref(ctx);
	tsink_close(&s);
}

static void test_emit_nomem(void **state)
{
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;
	struct alert_event ev = simple_event(32201);
	struct alert_stats st;
	struct tsink s;

	(void)state;
	tsink_init(&s);
	alert_conf_default(&conf);
	conf.sink = &tsink_ops;
	conf.sink_arg = &s;
	assert_int_equal(alert_alloc(&ctx, &conf), 0);
	mem_threshold_set(0);
	assert_int_equal(alert_emit(ctx, &ev, NULL), ENOMEM);
	mem_threshold_set(-1);
	alert_stats(ctx, &st);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.emitted, 0);
	mem_deref(ctx);

	/* allocation failures inside alert_alloc leak nothing (a pipeline
	 * that does start purges into s at once: close s only after) */
	for (ssize_t i = 0; i < 4; i++) {
		ctx = NULL;
		mem_threshold_set(i);
		if (alert_alloc(&ctx, &conf) == 0)
			ctx = mem_deref(ctx);
		mem_threshold_set(-1);
		assert_null(ctx);
	}
	tsink_close(&s);
}

struct flood {
	struct alert_ctx *ctx;
	unsigned n;
	unsigned ok;
	unsigned again;
	uint64_t max_us;
};

static void *flood_main(void *arg)
{
	struct flood *f = arg;
	struct alert_event ev = simple_event(32001);

	for (unsigned i = 0; i < f->n; i++) {
		uint64_t t0 = mono_us(), dt;
		int err = alert_emit(f->ctx, &ev, NULL);

		dt = mono_us() - t0;
		if (dt > f->max_us)
			f->max_us = dt;
		if (err == 0)
			f->ok++;
		else if (err == EAGAIN)
			f->again++;
	}
	return NULL;
}

static void test_queue_full_never_blocks(void **state)
{
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;
	struct alert_event ev = simple_event(32201);
	struct alert_stats st;
	struct flood f;
	struct tsink s;
	pthread_t thr;
	enum log_level old = log_level_get();

	(void)state;
	tsink_init(&s);
	alert_conf_default(&conf);
	conf.queue_size = 16;
	conf.batch_max = 4;
	conf.sink = &tsink_ops;
	conf.sink_arg = &s;
	assert_int_equal(alert_alloc(&ctx, &conf), 0);

	/* the writer takes one alert and blocks inside the store */
	gate_set(&s, true);
	assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	wait_inside(&s);

	/* another thread (the "SIP loop") floods: 16 fit, the rest are
	 * dropped, and no emit waits */
	log_level_set(LOG_LEVEL_OFF);
	f = (struct flood){.ctx = ctx, .n = 1000};
	assert_int_equal(pthread_create(&thr, NULL, flood_main, &f), 0);
	{
		/* the writer stays blocked until the flood is over, so an
		 * emit that waited for it would never return: give the
		 * flood 10 s (generous for a loaded machine) */
		struct timespec dl;

		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 10;
		if (pthread_timedjoin_np(thr, NULL, &dl) != 0)
			fail_msg("alert_emit blocked while the writer was "
				 "stuck");
	}
	log_level_set(old);
	assert_int_equal(f.ok, 16);
	assert_int_equal(f.again, 1000 - 16);
	/* no single emit took long (scheduling noise aside) */
	assert_true(f.max_us < 1000000);
	alert_stats(ctx, &st);
	assert_int_equal(st.dropped, 1000 - 16);
	assert_int_equal(st.emitted, 17);
	assert_int_equal(st.written, 0);

	/* unblock: everything queued is written, in batches of <= 4 */
	gate_set(&s, false);
	assert_int_equal(alert_sync(ctx, 5000), 0);
	alert_stats(ctx, &st);
	assert_int_equal(st.written, 17);
	tsink_lock(&s);
	assert_int_equal(s.nrecs, 17);
	for (size_t i = 0; i < s.nbatches; i++)
		assert_true(s.batch_sizes[i] >= 1 && s.batch_sizes[i] <= 4);
	tsink_unlock(&s);
	mem_deref(ctx);
	tsink_close(&s);
}

static void test_batching(void **state)
{
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;
	struct alert_event ev = simple_event(32203);
	struct alert_stats st;
	struct tsink s;

	(void)state;
	tsink_init(&s);
	alert_conf_default(&conf);
	conf.batch_max = 4;
	conf.sink = &tsink_ops;
	conf.sink_arg = &s;
	assert_int_equal(alert_alloc(&ctx, &conf), 0);
	gate_set(&s, true);
	assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	wait_inside(&s);
	for (int i = 0; i < 10; i++)
		assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	gate_set(&s, false);
	assert_int_equal(alert_sync(ctx, 5000), 0);
	alert_stats(ctx, &st);
	assert_int_equal(st.batches, 4);
	tsink_lock(&s);
	assert_int_equal(s.nbatches, 4);
	assert_int_equal(s.batch_sizes[0], 1);
	assert_int_equal(s.batch_sizes[1], 4);
	assert_int_equal(s.batch_sizes[2], 4);
	assert_int_equal(s.batch_sizes[3], 2);
	tsink_unlock(&s);
	mem_deref(ctx);
	tsink_close(&s);
}

static void test_shutdown_flushes(void **state)
{
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;
	struct alert_event ev = simple_event(39030);
	struct tsink s;

	(void)state;
	tsink_init(&s);
	alert_conf_default(&conf);
	conf.queue_size = 512;
	conf.batch_max = 7;
	conf.sink = &tsink_ops;
	conf.sink_arg = &s;
	assert_int_equal(alert_alloc(&ctx, &conf), 0);
	gate_set(&s, true);
	assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	wait_inside(&s);
	for (int i = 0; i < 299; i++)
		assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	gate_set(&s, false);
	mem_deref(ctx); /* flushes the ring before returning */
	tsink_lock(&s);
	assert_int_equal(s.nrecs, 300);
	tsink_unlock(&s);
	tsink_close(&s);
}

static _Atomic int64_t fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return atomic_load(&fake_now);
}

static void wait_purges(struct alert_ctx *ctx, uint64_t n)
{
	struct alert_stats st;

	for (int i = 0; i < 2000; i++) {
		alert_stats(ctx, &st);
		if (st.purges >= n)
			return;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000000};
		nanosleep(&ts, NULL);
	}
	fail_msg("no purge ran");
}

static void test_retention_purge(void **state)
{
	const int64_t day = 86400, t0 = 1700000000;
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;
	struct alert_event ev = simple_event(32022);
	struct alert_stats st;
	struct tsink s;

	(void)state;
	tsink_init(&s);
	atomic_store(&fake_now, t0);
	alert_conf_default(&conf);
	conf.tick_ms = 2;
	conf.purge_interval_s = day;
	conf.retention_days = 30;
	conf.sink = &tsink_ops;
	conf.sink_arg = &s;
	conf.clock = fake_clock;
	assert_int_equal(alert_alloc(&ctx, &conf), 0);
	wait_purges(ctx, 1); /* at start */
	tsink_lock(&s);
	assert_int_equal(s.last_before, t0 - 30 * day);
	tsink_unlock(&s);

	assert_int_equal(alert_emit(ctx, &ev, NULL), 0); /* day 0 */
	assert_int_equal(alert_sync(ctx, 5000), 0);
	atomic_store(&fake_now, t0 + 20 * day);
	wait_purges(ctx, 2); /* a day has passed: purge, nothing old */
	tsink_lock(&s);
	assert_int_equal(s.nrecs, 1);
	tsink_unlock(&s);
	assert_int_equal(alert_emit(ctx, &ev, NULL), 0); /* day 20 */
	assert_int_equal(alert_sync(ctx, 5000), 0);
	/* nothing more until the interval passes */
	alert_stats(ctx, &st);
	assert_int_equal(st.purges, 2);

	atomic_store(&fake_now, t0 + 40 * day);
	wait_purges(ctx, 3);
	alert_stats(ctx, &st);
	assert_int_equal(st.purged, 1);
	tsink_lock(&s);
	assert_int_equal(s.nrecs, 1);
	assert_int_equal(s.recs[0].created, t0 + 20 * day);
	assert_int_equal(s.last_before, t0 + 10 * day);
	tsink_unlock(&s);

	/* an explicit request runs one at once */
	alert_purge_request(ctx);
	wait_purges(ctx, 4);
	mem_deref(ctx);
	tsink_close(&s);
}

static void test_no_sink(void **state)
{
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;

	(void)state;
	alert_conf_default(&conf);
	assert_int_equal(alert_alloc(&ctx, &conf), EINVAL);
	assert_null(ctx);
	assert_int_equal(alert_emit(NULL, NULL, NULL), EINVAL);
}

/* ---- rate limiter ---- */

static void test_ratelimit(void **state)
{
	struct alert_ratelimit *rl = NULL;
	const char *a = "203.0.113.5", *b = "198.51.100.7";

	(void)state;
	assert_int_equal(alert_ratelimit_alloc(&rl, 0, 16, 0), EINVAL);
	assert_int_equal(alert_ratelimit_alloc(&rl, 60000, 64, 0), 0);
	assert_true(alert_ratelimit_allow(rl, a, strlen(a), 1000));
	assert_false(alert_ratelimit_allow(rl, a, strlen(a), 1001));
	assert_false(alert_ratelimit_allow(rl, a, strlen(a), 60999));
	assert_true(alert_ratelimit_allow(rl, b, strlen(b), 2000));
	assert_true(alert_ratelimit_allow(rl, a, strlen(a), 61000));
	assert_false(alert_ratelimit_allow(rl, a, strlen(a), 61001));
	assert_int_equal(alert_ratelimit_suppressed(rl), 3);

	/* many distinct keys: memory stays bounded, keys are evicted */
	for (unsigned i = 0; i < 100000; i++) {
		char k[16];

		snprintf(k, sizeof(k), "10.%u.%u.%u", i >> 16, (i >> 8) & 255,
			 i & 255);
		alert_ratelimit_allow(rl, k, strlen(k), 100000 + i);
	}
	mem_deref(rl);

	/* the global cap bounds a flood of distinct keys */
	assert_int_equal(alert_ratelimit_alloc(&rl, 60000, 1024, 5), 0);
	{
		unsigned allowed = 0;

		for (unsigned i = 0; i < 100; i++) {
			char k[16];

			snprintf(k, sizeof(k), "k%u", i);
			allowed +=
				alert_ratelimit_allow(rl, k, strlen(k), 5000);
		}
		assert_int_equal(allowed, 5);
		assert_true(alert_ratelimit_allow(rl, "z", 1, 6000));
	}
	mem_deref(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_catalog_covers_reference),
		LEAKCHECK_TEST(test_catalog_in_docs),
		LEAKCHECK_TEST(test_record_copy_render),
		LEAKCHECK_TEST(test_record_truncates),
		LEAKCHECK_TEST(test_emit_basic),
		LEAKCHECK_TEST(test_emit_nomem),
		LEAKCHECK_TEST(test_queue_full_never_blocks),
		LEAKCHECK_TEST(test_batching),
		LEAKCHECK_TEST(test_shutdown_flushes),
		LEAKCHECK_TEST(test_retention_purge),
		LEAKCHECK_TEST(test_no_sink),
		LEAKCHECK_TEST(test_ratelimit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
