/* Rows to Twilio-shaped JSON: dates, URLs, field types. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api_int.h"

void api_fmt_date(char *buf, size_t sz, int64_t t, bool rfc2822)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, sz,
		 rfc2822 ? "%a, %d %b %Y %H:%M:%S +0000"
			 : "%Y-%m-%dT%H:%M:%SZ",
		 &tm);
}

void api_item_url(struct api_req *r, const struct api_res *res,
		  const struct store_row *row, char *buf, size_t sz)
{
	const char *p = res->path;
	const char *acc = store_row_str(row, "account_sid");
	const char *par =
		res->parent_col ? store_row_str(row, res->parent_col) : NULL;
	size_t n = 0;
	bool first = true;

	if (!r->v2010) {
		n = (size_t)snprintf(buf, sz, "%s", r->base);
		if (n >= sz)
			n = sz - 1;
	}
	while (*p && n + 1 < sz) {
		if (*p == '{') {
			const char *v;
			const char *e = strchr(p, '}');

			if (!e)
				break;
			v = (first && r->v2010) ? acc : par;
			first = false;
			n += (size_t)snprintf(buf + n, sz - n, "%s",
					      v ? v : "");
			p = e + 1;
			if (n >= sz)
				n = sz - 1;
			continue;
		}
		buf[n++] = *p++;
	}
	buf[n] = '\0';
	snprintf(buf + n, sz - n, "/%s%s", store_row_str(row, "sid"),
		 r->v2010 ? ".json" : "");
}

static json_t *val_json(struct api_req *r, enum api_ftype t,
			const struct store_val *v)
{
	char d[64];

	if (!v || v->type == STORE_NULL)
		return json_null();
	switch (t) {
	case FT_BOOL:
		return json_boolean(v->type == STORE_INT ? v->i != 0 : false);
	case FT_INT:
		return v->type == STORE_INT ? json_integer(v->i) : json_null();
	case FT_DATE:
		if (v->type != STORE_INT)
			return json_null();
		api_fmt_date(d, sizeof(d), v->i, r->v2010);
		return json_string(d);
	default:
		if (v->type == STORE_INT) {
			snprintf(d, sizeof(d), "%lld", (long long)v->i);
			return json_string(d);
		}
		return json_string(v->s);
	}
}

json_t *api_render_row(struct api_req *r, const struct api_res *res,
		       const struct store_row *row)
{
	json_t *o = json_object();
	const struct api_field *f;
	char url[600];

	if (!o)
		return NULL;
	json_object_set_new(o, "sid",
			    val_json(r, FT_STR, store_row_val(row, "sid")));
	if (!res->no_account)
		json_object_set_new(
			o, "account_sid",
			val_json(r, FT_STR,
				 store_row_val(row, "account_sid")));
	if (res->parent_col)
		json_object_set_new(
			o, res->parent_col,
			val_json(r, FT_STR,
				 store_row_val(row, res->parent_col)));
	for (f = res->fields; f->col; f++) {
		if (f->flags & FF_HIDDEN)
			continue;
		json_object_set_new(
			o, f->json ? f->json : f->col,
			val_json(r, f->type, store_row_val(row, f->col)));
	}
	json_object_set_new(
		o, "date_created",
		val_json(r, FT_DATE, store_row_val(row, "date_created")));
	json_object_set_new(
		o, "date_updated",
		val_json(r, FT_DATE, store_row_val(row, "date_updated")));
	api_item_url(r, res, row, url, sizeof(url));
	json_object_set_new(o, r->v2010 ? "uri" : "url", json_string(url));
	if (res->render)
		res->render(r, res, row, o);
	return o;
}
