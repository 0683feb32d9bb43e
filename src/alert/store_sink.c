/* The alert sink backed by the store: one store transaction per batch. */
#include "alert/alert.h"

#include <errno.h>
#include <stdlib.h>

#include "store/store.h"

static const char *opt(const char *s)
{
	return (s && *s) ? s : NULL;
}

static void to_store(struct store_alert *a, const struct alert_record *r)
{
	*a = (struct store_alert){
		.sid = r->sid,
		.account_sid = r->account_sid,
		.error_code = r->error_code,
		.log_level = r->log_level,
		.alert_text = r->alert_text,
		.resource_sid = opt(r->resource_sid),
		.service_sid = NULL,
		.request_method = opt(r->request_method),
		.request_url = opt(r->request_url),
		.request_variables = opt(r->request_variables),
		.request_headers = NULL,
		.response_body = opt(r->response_body),
		.response_headers = NULL,
		.more_info = NULL,
		.sip_trace = r->trace,
		.diagnosis = opt(r->diagnosis),
		.evidence = opt(r->evidence),
		.date_generated = r->date_generated,
		.date_created = r->date_created,
	};
}

static int ss_insert(void *arg, const struct alert_record *const *recs,
		     size_t n)
{
	struct store *st = arg;
	struct store_alert *v;
	size_t ok = 0;
	int err;

	v = calloc(n, sizeof(*v));
	if (!v)
		return ENOMEM;
	for (size_t i = 0; i < n; i++)
		to_store(&v[i], recs[i]);
	err = store_alerts_insert(st, v, n);
	if (err == EINVAL && n > 1) {
		/* one bad record must not cost the whole batch */
		for (size_t i = 0; i < n; i++)
			ok += store_alerts_insert(st, &v[i], 1) == 0;
		err = ok == n ? 0 : EINVAL;
	}
	free(v);
	return err;
}

static int ss_purge(void *arg, int64_t before, size_t *removed)
{
	return store_alerts_purge_before(arg, before, removed);
}

static const struct alert_sink store_sink = {
	.insert = ss_insert,
	.purge_before = ss_purge,
};

const struct alert_sink *alert_store_sink(void)
{
	return &store_sink;
}
