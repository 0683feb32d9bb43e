/* Alert records: batch insert and retention purge (backend-neutral). */
#include <errno.h>

#include "base/clock.h"
#include "store/store_int.h"

#define TXT(n, x)                                            \
	{                                                    \
		.name = (n),                                 \
		.v = {.type = (x) ? STORE_TEXT : STORE_NULL, \
		      .s = (x) }                             \
	}
#define INT(n, x)                                                \
	{                                                        \
		.name = (n), .v = {.type = STORE_INT, .i = (x) } \
	}

static int insert_one(struct store *st, const struct store_alert *a,
		      int64_t now)
{
	char sid[35];
	int64_t created = a->date_created ? a->date_created : now;
	int err;

	if (!a->account_sid || !a->error_code)
		return EINVAL;
	if (a->sid) {
		if (!store_sid_valid(a->sid, "NO"))
			return EINVAL;
	} else {
		err = store_sid_new(sid, "NO");
		if (err)
			return err;
	}
	const struct store_col cols[] = {
		{.name = "sid",
		 .v = {.type = STORE_TEXT, .s = a->sid ? a->sid : sid}},
		TXT("account_sid", a->account_sid),
		TXT("error_code", a->error_code),
		TXT("log_level", a->log_level ? a->log_level : "error"),
		TXT("alert_text", a->alert_text),
		TXT("resource_sid", a->resource_sid),
		TXT("service_sid", a->service_sid),
		TXT("request_method", a->request_method),
		TXT("request_url", a->request_url),
		TXT("request_variables", a->request_variables),
		TXT("request_headers", a->request_headers),
		TXT("response_body", a->response_body),
		TXT("response_headers", a->response_headers),
		TXT("more_info", a->more_info),
		TXT("sip_trace", a->sip_trace),
		TXT("diagnosis", a->diagnosis),
		TXT("evidence", a->evidence),
		INT("date_generated",
		    a->date_generated ? a->date_generated : created),
		INT("date_created", created),
		INT("date_updated", created),
	};
	return store_insert(st, "alerts", cols,
			    sizeof(cols) / sizeof(cols[0]));
}

int store_alerts_insert(struct store *st, const struct store_alert *alerts,
			size_t n)
{
	int64_t now = clock_wall_s();
	size_t i;
	int err;

	if (!st || (n && !alerts))
		return EINVAL;
	if (!n)
		return 0;
	err = store_tx_begin(st);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		err = insert_one(st, &alerts[i], now);
		if (err) {
			store_tx_rollback(st);
			return err;
		}
	}
	return store_tx_commit(st);
}

int store_alerts_purge_before(struct store *st, int64_t t, size_t *countp)
{
	const struct store_cond c = {
		.col = "date_created",
		.op = STORE_LT,
		.v = {.type = STORE_INT, .i = t},
	};

	return store_delete(st, "alerts", &c, 1, countp);
}
