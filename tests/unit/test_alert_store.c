/* The alert pipeline persisting through a real SQLite store in a temp
 * directory: fields, batching in transactions, retention purge driven by a
 * controlled clock, and shutdown flush. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "alert/alert.h"
#include "base/mem.h"
#include "store/store.h"
#include "leakcheck.h"

static char tmpdir[256];
static char dbpath[320];

static int dir_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_alert_store.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/trunkd.db", tmpdir);
	return leakcheck_setup(state);
}

static int dir_teardown(void **state)
{
	char p[400];
	int r = leakcheck_teardown(state);

	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	rmdir(tmpdir);
	return r;
}

#define STORE_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, dir_setup, dir_teardown)

static _Atomic int64_t fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return atomic_load(&fake_now);
}

static size_t count_alerts(struct store *st)
{
	struct store_query q = {.table = "alerts"};
	size_t n = 0;

	assert_int_equal(store_count(st, &q, &n), 0);
	return n;
}

static void test_persist_fields(void **state)
{
	struct alert_kv text[] = {{.key = "sourceIp", .value = "203.0.113.5"}};
	const char *evidence[] = {"Contact: <sip:pbx@127.0.0.1>"};
	struct alert_trace_msg trace[] = {{
		.time_ms = 1700000000000,
		.leg = 'A',
		.src = "203.0.113.5:5060",
		.dst = "127.0.0.1:5060",
		.msg = "INVITE sip:+15551234567@t SIP/2.0\r\n\r\n",
		.msg_len = 38, /* with a NUL byte */
	}};
	struct alert_event ev = {
		.code = 32201,
		.account_sid = "AC0123456789abcdef0123456789abcdef",
		.resource_sid = "TK0123456789abcdef0123456789abcdef",
		.call_id = "c1@pbx",
		.request_method = "INVITE",
		.request_url = "sip:+15551234567@t",
		.text = text,
		.text_n = 1,
		.evidence = evidence,
		.evidence_n = 1,
		.trace = trace,
		.trace_n = 1,
	};
	struct store_query q = {.table = "alerts"};
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;
	struct store *st = NULL;
	struct store_row *row = NULL;
	struct alert_stats stats;
	json_t *j;
	char sid[35];

	(void)state;
	assert_int_equal(store_open_sqlite(&st, dbpath), 0);
	alert_conf_default(&conf);
	conf.sink = alert_store_sink();
	conf.sink_arg = st;
	assert_int_equal(alert_alloc(&ctx, &conf), 0);
	assert_int_equal(alert_emit(ctx, &ev, sid), 0);
	ev.code = 32105;
	ev.resource_sid = NULL;
	ev.account_sid = NULL; /* unknown account: stored with "" */
	assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	assert_int_equal(alert_sync(ctx, 10000), 0);
	alert_stats(ctx, &stats);
	assert_int_equal(stats.written, 2);
	assert_int_equal(stats.write_errors, 0);
	assert_int_equal(count_alerts(st), 2);

	struct store_cond c = {
		.col = "sid",
		.op = STORE_EQ,
		.v = {.type = STORE_TEXT, .s = sid},
	};
	q.conds = &c;
	q.nconds = 1;
	assert_int_equal(store_select_one(st, &q, &row), 0);
	assert_string_equal(store_row_str(row, "error_code"), "32201");
	assert_string_equal(store_row_str(row, "log_level"), "error");
	assert_string_equal(store_row_str(row, "account_sid"),
			    "AC0123456789abcdef0123456789abcdef");
	assert_string_equal(store_row_str(row, "resource_sid"),
			    "TK0123456789abcdef0123456789abcdef");
	assert_string_equal(store_row_str(row, "alert_text"),
			    "sipCallId=c1%40pbx&responseCode=403"
			    "&sourceIp=203.0.113.5");
	assert_string_equal(store_row_str(row, "request_method"), "INVITE");
	assert_string_equal(store_row_str(row, "response_body"),
			    "SIP/2.0 403 Forbidden");
	assert_string_equal(store_row_str(row, "evidence"), evidence[0]);
	assert_non_null(strstr(store_row_str(row, "diagnosis"), "Fix:"));
	j = json_loads(store_row_str(row, "sip_trace"), 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(j, 0), "message")),
			    "INVITE sip:+15551234567@t SIP/2.0\r\n\r\n?");
	json_decref(j);
	mem_deref(row);
	mem_deref(ctx);
	mem_deref(st);
}

static void test_persist_batches_and_flush(void **state)
{
	struct alert_event ev = {
		.code = 32001,
		.account_sid = "AC0123456789abcdef0123456789abcdef",
	};
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;
	struct store *st = NULL;
	struct alert_stats stats;

	(void)state;
	assert_int_equal(store_open_sqlite(&st, dbpath), 0);
	alert_conf_default(&conf);
	conf.batch_max = 50;
	conf.queue_size = 1024;
	conf.sink = alert_store_sink();
	conf.sink_arg = st;
	assert_int_equal(alert_alloc(&ctx, &conf), 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	assert_int_equal(alert_sync(ctx, 30000), 0);
	alert_stats(ctx, &stats);
	assert_int_equal(stats.written, 1000);
	assert_true(stats.batches >= 20); /* at most 50 per transaction */
	assert_true(stats.batches < 1000);
	/* emits right before shutdown are flushed, not lost */
	for (int i = 0; i < 200; i++)
		assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	mem_deref(ctx);
	assert_int_equal(count_alerts(st), 1200);
	mem_deref(st);

	/* durable: a new handle on the same file sees them */
	assert_int_equal(store_open_sqlite(&st, dbpath), 0);
	assert_int_equal(count_alerts(st), 1200);
	mem_deref(st);
}

static void wait_purges(struct alert_ctx *ctx, uint64_t n)
{
	struct alert_stats st;

	for (int i = 0; i < 5000; i++) {
		alert_stats(ctx, &st);
		if (st.purges >= n)
			return;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000000};
		nanosleep(&ts, NULL);
	}
	fail_msg("no purge ran");
}

static void test_retention(void **state)
{
	const int64_t day = 86400, t0 = 1700000000;
	struct alert_event ev = {
		.code = 39030,
		.account_sid = "AC0123456789abcdef0123456789abcdef",
	};
	struct alert_conf conf;
	struct alert_ctx *ctx = NULL;
	struct store *st = NULL;
	struct alert_stats stats;

	(void)state;
	assert_int_equal(store_open_sqlite(&st, dbpath), 0);
	atomic_store(&fake_now, t0);
	alert_conf_default(&conf);
	conf.tick_ms = 2;
	conf.retention_days = 7;
	conf.purge_interval_s = day;
	conf.clock = fake_clock;
	conf.sink = alert_store_sink();
	conf.sink_arg = st;
	assert_int_equal(alert_alloc(&ctx, &conf), 0);
	wait_purges(ctx, 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	assert_int_equal(alert_sync(ctx, 10000), 0);
	atomic_store(&fake_now, t0 + 5 * day);
	wait_purges(ctx, 2);
	assert_int_equal(count_alerts(st), 3); /* 5 days < 7 */
	assert_int_equal(alert_emit(ctx, &ev, NULL), 0);
	assert_int_equal(alert_sync(ctx, 10000), 0);
	atomic_store(&fake_now, t0 + 8 * day);
	wait_purges(ctx, 3);
	alert_stats(ctx, &stats);
	assert_int_equal(stats.purged, 3);
	assert_int_equal(count_alerts(st), 1);
	mem_deref(ctx);
	mem_deref(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_persist_fields),
		STORE_TEST(test_persist_batches_and_flush),
		STORE_TEST(test_retention),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
