/* The alert pipeline: alert_emit() on any thread, one writer thread that
 * drains the ring into the sink in batches and runs the retention purge.
 * See alert.h for the contract. */
#include "alert/alert_int.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"

struct alert_ctx {
	struct alert_conf conf;
	struct ring ring;
	struct alert_record **batch; /* owned (mem): writer's scratch */
	int efd;		     /* eventfd waking the writer */
	pthread_t thr;
	bool thr_started;
	_Atomic bool stopping;
	_Atomic bool wake_pending;
	_Atomic bool purge_req;
	uint64_t seed;
	_Atomic uint64_t sid_ctr;
	_Atomic uint64_t last_loss_log; /* clock_now_ms() + 1, 0 = never */
	_Atomic uint64_t emitted, dropped, failed, written, write_errors,
		batches, purged, purges, handled;
	pthread_mutex_t sync_mtx; /* writer <-> alert_sync() only */
	pthread_cond_t sync_cond;
	bool sync_init;
};

static int64_t wall_now(const struct alert_ctx *ctx)
{
	return ctx->conf.clock ? ctx->conf.clock(ctx->conf.clock_arg)
			       : clock_wall_s();
}

void alert_conf_default(struct alert_conf *conf)
{
	*conf = (struct alert_conf){
		.queue_size = 4096,
		.batch_max = 256,
		.retention_days = 30,
		.purge_interval_s = 3600,
		.tick_ms = 60000,
		.loss_log_interval_s = 10,
		.sink = NULL,
		.sink_arg = NULL,
		.clock = NULL,
		.clock_arg = NULL,
	};
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* "NO" + 32 hex: unique within the process (counter), unpredictable
 * across restarts (random seed). */
static void sid_make(struct alert_ctx *ctx, char *sid)
{
	uint64_t n = atomic_fetch_add_explicit(&ctx->sid_ctr, 1,
					       memory_order_relaxed);
	uint64_t a = splitmix64(ctx->seed ^ (n * 2));
	uint64_t b = splitmix64(ctx->seed ^ (n * 2 + 1)) ^ n;

	snprintf(sid, 35, "NO%016" PRIx64 "%016" PRIx64, a, b);
}

static void wake_writer(struct alert_ctx *ctx)
{
	uint64_t one = 1;

	if (atomic_exchange_explicit(&ctx->wake_pending, true,
				     memory_order_acq_rel))
		return;
	/* non-blocking eventfd: never waits */
	if (write(ctx->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN only at counter overflow: the writer is awake */
	}
}

static void loss_log(struct alert_ctx *ctx)
{
	uint64_t now = clock_now_ms() + 1;
	uint64_t last = atomic_load_explicit(&ctx->last_loss_log,
					     memory_order_relaxed);
	uint64_t ival = (uint64_t)ctx->conf.loss_log_interval_s * 1000;

	if (last && now - last < ival)
		return;
	if (!atomic_compare_exchange_strong(&ctx->last_loss_log, &last, now))
		return; /* another thread logs it */
	log_warn("alert: queue full (%u slots): %" PRIu64
		 " alerts lost so far",
		 (unsigned)(ctx->ring.mask + 1), atomic_load(&ctx->dropped));
}

int alert_emit(struct alert_ctx *ctx, const struct alert_event *ev, char *sidp)
{
	const struct alert_def *def;
	struct alert_record *rec = NULL;
	int err;

	if (!ctx)
		return EINVAL;
	if (!ev || !(def = alert_catalog_find(ev->code))) {
		atomic_fetch_add(&ctx->failed, 1);
		return EINVAL;
	}
	if (atomic_load_explicit(&ctx->stopping, memory_order_acquire))
		return ESHUTDOWN;
	err = alert_record_alloc(&rec, ev, def, wall_now(ctx));
	if (err) {
		atomic_fetch_add(&ctx->failed, 1);
		return err;
	}
	sid_make(ctx, rec->sid);
	if (sidp)
		memcpy(sidp, rec->sid, sizeof(rec->sid));
	err = ring_push(&ctx->ring, rec);
	if (err) {
		mem_deref(rec);
		atomic_fetch_add(&ctx->dropped, 1);
		loss_log(ctx);
		return EAGAIN;
	}
	atomic_fetch_add(&ctx->emitted, 1);
	wake_writer(ctx);
	return 0;
}

void alert_stats(const struct alert_ctx *ctx, struct alert_stats *st)
{
	struct alert_ctx *c = (struct alert_ctx *)ctx;

	*st = (struct alert_stats){
		.emitted = atomic_load(&c->emitted),
		.dropped = atomic_load(&c->dropped),
		.failed = atomic_load(&c->failed),
		.written = atomic_load(&c->written),
		.write_errors = atomic_load(&c->write_errors),
		.batches = atomic_load(&c->batches),
		.purged = atomic_load(&c->purged),
		.purges = atomic_load(&c->purges),
	};
}

/* Writer side: pop up to batch_max, render, insert, count. Returns the
 * number of records taken off the ring. */
static size_t drain_batch(struct alert_ctx *ctx)
{
	size_t n = 0, popped = 0, bad = 0;
	struct alert_record *rec;
	int64_t now = wall_now(ctx);
	int err;

	while (n < ctx->conf.batch_max &&
	       (rec = ring_pop(&ctx->ring)) != NULL) {
		popped++;
		if (alert_record_render(rec)) {
			bad++;
			mem_deref(rec);
			continue;
		}
		rec->date_created = now;
		ctx->batch[n++] = rec;
	}
	if (n) {
		err = ctx->conf.sink->insert(
			ctx->conf.sink_arg,
			(const struct alert_record *const *)ctx->batch, n);
		atomic_fetch_add(&ctx->batches, 1);
		if (err) {
			atomic_fetch_add(&ctx->write_errors, n);
			log_warn("alert: store refused %zu alerts: %s", n,
				 strerror(err));
		} else {
			atomic_fetch_add(&ctx->written, n);
		}
		for (size_t i = 0; i < n; i++)
			ctx->batch[i] = mem_deref(ctx->batch[i]);
	}
	if (bad)
		atomic_fetch_add(&ctx->failed, bad);
	if (popped) {
		pthread_mutex_lock(&ctx->sync_mtx);
		atomic_fetch_add(&ctx->handled, popped);
		pthread_cond_broadcast(&ctx->sync_cond);
		pthread_mutex_unlock(&ctx->sync_mtx);
	}
	return popped;
}

static void drain_all(struct alert_ctx *ctx)
{
	while (drain_batch(ctx))
		;
}

static void purge_run(struct alert_ctx *ctx)
{
	int64_t before;
	size_t removed = 0;
	int err;

	if (!ctx->conf.retention_days || !ctx->conf.sink->purge_before)
		return;
	before = wall_now(ctx) - (int64_t)ctx->conf.retention_days * 86400;
	err = ctx->conf.sink->purge_before(ctx->conf.sink_arg, before,
					   &removed);
	atomic_fetch_add(&ctx->purges, 1);
	if (err) {
		log_warn("alert: retention purge failed: %s", strerror(err));
		return;
	}
	atomic_fetch_add(&ctx->purged, removed);
	if (removed)
		log_info("alert: purged %zu alerts older than %u days",
			 removed, (unsigned)ctx->conf.retention_days);
}

static void *writer_main(void *arg)
{
	struct alert_ctx *ctx = arg;
	int64_t next_purge = wall_now(ctx); /* purge once at start */

	for (;;) {
		struct pollfd pfd = {.fd = ctx->efd, .events = POLLIN};
		bool stop;
		int64_t now;
		uint64_t v;

		atomic_store_explicit(&ctx->wake_pending, false,
				      memory_order_release);
		stop = atomic_load_explicit(&ctx->stopping,
					    memory_order_acquire);
		drain_all(ctx);
		if (stop)
			break;
		now = wall_now(ctx);
		if (atomic_exchange(&ctx->purge_req, false) ||
		    now >= next_purge) {
			purge_run(ctx);
			next_purge = now + (int64_t)ctx->conf.purge_interval_s;
		}
		if (poll(&pfd, 1, (int)ctx->conf.tick_ms) > 0) {
			if (read(ctx->efd, &v, sizeof(v)) < 0) {
				/* EAGAIN: another wake-up consumed it */
			}
		}
	}
	return NULL;
}

static void ctx_destroy(void *data)
{
	struct alert_ctx *ctx = data;
	uint64_t one = 1;

	if (ctx->thr_started) {
		atomic_store(&ctx->stopping, true);
		if (write(ctx->efd, &one, sizeof(one)) < 0) {
			/* the writer still wakes on its tick */
		}
		pthread_join(ctx->thr, NULL);
	}
	/* emits that raced with the stop flag: flush them here */
	if (ctx->ring.cells && ctx->batch)
		drain_all(ctx);
	ring_close(&ctx->ring);
	mem_deref(ctx->batch);
	if (ctx->efd >= 0)
		close(ctx->efd);
	if (ctx->sync_init) {
		pthread_cond_destroy(&ctx->sync_cond);
		pthread_mutex_destroy(&ctx->sync_mtx);
	}
}

int alert_alloc(struct alert_ctx **ctxp, const struct alert_conf *conf)
{
	struct alert_ctx *ctx;
	int err;

	if (!ctxp || !conf || !conf->sink || !conf->sink->insert)
		return EINVAL;
	ctx = mem_zalloc(sizeof(*ctx), ctx_destroy);
	if (!ctx)
		return ENOMEM;
	ctx->efd = -1;
	ctx->conf = *conf;
	if (!ctx->conf.queue_size)
		ctx->conf.queue_size = 4096;
	if (!ctx->conf.batch_max)
		ctx->conf.batch_max = 256;
	if (!ctx->conf.purge_interval_s)
		ctx->conf.purge_interval_s = 3600;
	if (!ctx->conf.tick_ms)
		ctx->conf.tick_ms = 60000;
	if (!ctx->conf.loss_log_interval_s)
		ctx->conf.loss_log_interval_s = 10;
	if (getrandom(&ctx->seed, sizeof(ctx->seed), GRND_NONBLOCK) !=
	    sizeof(ctx->seed))
		ctx->seed = splitmix64((uint64_t)time(NULL) ^
				       (uint64_t)(uintptr_t)ctx);

	err = pthread_mutex_init(&ctx->sync_mtx, NULL);
	if (err)
		goto out;
	err = pthread_cond_init(&ctx->sync_cond, NULL);
	if (err) {
		pthread_mutex_destroy(&ctx->sync_mtx);
		goto out;
	}
	ctx->sync_init = true;
	err = ring_init(&ctx->ring, ctx->conf.queue_size);
	if (err)
		goto out;
	ctx->batch =
		mem_zalloc(ctx->conf.batch_max * sizeof(*ctx->batch), NULL);
	if (!ctx->batch) {
		err = ENOMEM;
		goto out;
	}
	ctx->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ctx->efd < 0) {
		err = errno;
		goto out;
	}
	err = pthread_create(&ctx->thr, NULL, writer_main, ctx);
	if (err)
		goto out;
	ctx->thr_started = true;
out:
	if (err)
		mem_deref(ctx);
	else
		*ctxp = ctx;
	return err;
}

int alert_sync(struct alert_ctx *ctx, uint32_t timeout_ms)
{
	uint64_t target = atomic_load(&ctx->emitted);
	struct timespec ts;
	int err = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	wake_writer(ctx);
	pthread_mutex_lock(&ctx->sync_mtx);
	while (atomic_load(&ctx->handled) < target && !err)
		err = pthread_cond_timedwait(&ctx->sync_cond, &ctx->sync_mtx,
					     &ts);
	pthread_mutex_unlock(&ctx->sync_mtx);
	return atomic_load(&ctx->handled) >= target ? 0 : ETIMEDOUT;
}

void alert_purge_request(struct alert_ctx *ctx)
{
	atomic_store(&ctx->purge_req, true);
	/* a plain wake: wake_pending may be set already, so write */
	{
		uint64_t one = 1;

		if (write(ctx->efd, &one, sizeof(one)) < 0) {
			/* the writer still wakes on its tick */
		}
	}
}
