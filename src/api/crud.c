/* Generic list/create/fetch/update/delete over a resource descriptor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_int.h"
#include "base/clock.h"
#include "base/mem.h"
#include "store/snapshot.h"

#define TXT(x) {.type = STORE_TEXT, .s = (x)}
#define INTV(x) {.type = STORE_INT, .i = (x)}

static void store_err(struct api_req *r, int err)
{
	switch (err) {
	case ENOENT:
		api_error(r, 404, 20404, "The requested resource was not "
					 "found");
		break;
	case EEXIST:
		api_error(r, 409, 20409, "A resource with these values "
					 "already exists");
		break;
	case EBUSY:
		api_error(r, 503, 20503, "Store busy, retry");
		break;
	default:
		api_error(r, 500, 20500, "Internal error (%d)", err);
		break;
	}
}

/* Convert a request value by field type into v (text kept in scratch).
 * Returns 0 or sets the error. */
static int convert(struct api_req *r, const struct api_field *f,
		   const char *in, struct store_val *v, char *scratch)
{
	char *end;
	long long x;

	switch (f->type) {
	case FT_BOOL:
		if (!strcasecmp(in, "true") || !strcmp(in, "1"))
			*v = (struct store_val)INTV(1);
		else if (!strcasecmp(in, "false") || !strcmp(in, "0"))
			*v = (struct store_val)INTV(0);
		else
			goto bad;
		return 0;
	case FT_INT:
		errno = 0;
		x = strtoll(in, &end, 10);
		if (errno || !*in || *end)
			goto bad;
		if (f->min < f->max && (x < f->min || x > f->max))
			goto bad;
		*v = (struct store_val)INTV(x);
		return 0;
	default:
		if (f->choices) {
			const char *const *c;

			for (c = f->choices; *c; c++) {
				if (!strcmp(*c, in))
					break;
			}
			if (!*c)
				goto bad;
		}
		if (f->check && f->check(r, f, in)) {
			if (r->status)
				return EINVAL;
			goto bad;
		}
		snprintf(scratch, 128, "%s", in);
		if (strlen(in) > 120) {
			/* long values are kept by reference */
			*v = (struct store_val)TXT(in);
		}
		else {
			*v = (struct store_val)TXT(scratch);
		}
		return 0;
	}
bad:
	api_error(r, 400, f->code ? f->code : 20001,
		  "Invalid value for parameter %s: %s", f->form, in);
	return EINVAL;
}

static int parent_check(struct api_req *r, const struct api_res *res,
			const char *psid, const char *acc2010,
			struct store_row **rowp)
{
	const struct store_cond c = {.col = "sid", .v = TXT(psid)};
	const struct store_query q = {.table = res->parent_table,
				      .conds = &c,
				      .nconds = 1};
	struct store_row *row = NULL;
	const char *acc;
	int err;

	err = store_select_one(r->st, &q, &row);
	if (err) {
		store_err(r, err);
		return err;
	}
	acc = store_row_str(row, "account_sid");
	if (!api_visible(r, acc) || (acc2010 && strcmp(acc, acc2010))) {
		mem_deref(row);
		store_err(r, ENOENT);
		return ENOENT;
	}
	*rowp = row;
	return 0;
}

static size_t page_arg(struct api_req *r, const char *name, size_t def,
		       size_t max, bool *bad)
{
	const char *s = api_arg(r, name);
	char *end;
	long long v;

	if (!s)
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < 0 || (size_t)v > max) {
		*bad = true;
		return def;
	}
	return (size_t)v;
}

/* Append s percent-encoded (RFC 3986 unreserved kept) at buf+n. */
static size_t url_escape(char *buf, size_t sz, size_t n, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s && n + 4 < sz; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c)) {
			buf[n++] = (char)c;
		}
		else {
			buf[n++] = '%';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		}
	}
	buf[n < sz ? n : sz - 1] = '\0';
	return n;
}

static void page_url(struct api_req *r, char *buf, size_t sz, size_t size,
		     size_t page, size_t offset)
{
	char path[700];
	size_t i, n;

	n = (size_t)snprintf(path, sizeof(path), "%s%s%s",
			     r->v2010 ? "" : r->base, r->path,
			     r->v2010 ? ".json" : "");
	n = n < sizeof(path) ? n : sizeof(path) - 1;
	n += (size_t)snprintf(path + n, sizeof(path) - n,
			      "?PageSize=%zu&Page=%zu", size, page);
	n = n < sizeof(path) ? n : sizeof(path) - 1;
	if (offset)
		n += (size_t)snprintf(path + n, sizeof(path) - n,
				      "&PageToken=PT%zu", offset);
	n = n < sizeof(path) ? n : sizeof(path) - 1;
	/* keep filters (arguments other than paging) */
	for (i = 0; i < r->nargs && n + 8 < sizeof(path); i++) {
		const char *k = r->args[i].key;

		if (!strcmp(k, "PageSize") || !strcmp(k, "Page") ||
		    !strcmp(k, "PageToken"))
			continue;
		path[n++] = '&';
		n = url_escape(path, sizeof(path), n, k);
		if (n + 2 >= sizeof(path))
			break;
		path[n++] = '=';
		n = url_escape(path, sizeof(path), n, r->args[i].val);
	}
	path[n < sizeof(path) ? n : sizeof(path) - 1] = '\0';
	snprintf(buf, sz, "%s", path);
}

int api_page_parse(struct api_req *r, size_t *sizep, size_t *offsetp)
{
	size_t size, page, offset;
	const char *tok;
	bool bad = false;

	size = page_arg(r, "PageSize", 50, 1000, &bad);
	page = page_arg(r, "Page", 0, 1000000, &bad);
	if (bad || size == 0) {
		api_error(r, 400, 20001, "Invalid paging parameter");
		return EINVAL;
	}
	offset = page * size;
	tok = api_arg(r, "PageToken");
	if (tok) {
		unsigned long long v;
		char *end;

		if (strncmp(tok, "PT", 2) || tok[2] < '0' || tok[2] > '9') {
			api_error(r, 400, 20001, "Invalid PageToken");
			return EINVAL;
		}
		errno = 0;
		v = strtoull(tok + 2, &end, 10);
		if (*end || errno || v > 1000000000ull) {
			api_error(r, 400, 20001, "Invalid PageToken");
			return EINVAL;
		}
		offset = (size_t)v;
	}
	*sizep = size;
	*offsetp = offset;
	return 0;
}

json_t *api_page_wrap(struct api_req *r, const char *key, json_t *arr,
		      size_t size, size_t offset, bool more)
{
	char u[800], first[800], next[800], prev[800];
	size_t page = offset / size, cnt = json_array_size(arr);
	json_t *o = json_object();

	page_url(r, u, sizeof(u), size, page, offset);
	page_url(r, first, sizeof(first), size, 0, 0);
	if (more)
		page_url(r, next, sizeof(next), size, page + 1,
			 offset + size);
	if (offset)
		page_url(r, prev, sizeof(prev), size, page ? page - 1 : 0,
			 offset > size ? offset - size : 0);
	json_object_set_new(o, key, arr);
	if (r->v2010) {
		json_object_set_new(o, "first_page_uri", json_string(first));
		json_object_set_new(o, "next_page_uri",
				    more ? json_string(next) : json_null());
		json_object_set_new(o, "previous_page_uri",
				    offset ? json_string(prev) : json_null());
		json_object_set_new(o, "uri", json_string(u));
		json_object_set_new(o, "page", json_integer((json_int_t)page));
		json_object_set_new(o, "page_size",
				    json_integer((json_int_t)size));
		json_object_set_new(o, "start",
				    json_integer((json_int_t)offset));
		json_object_set_new(
			o, "end",
			json_integer((json_int_t)(offset +
						  (cnt ? cnt - 1 : 0))));
	}
	else {
		json_t *m = json_object();

		json_object_set_new(m, "page", json_integer((json_int_t)page));
		json_object_set_new(m, "page_size",
				    json_integer((json_int_t)size));
		json_object_set_new(m, "first_page_url", json_string(first));
		json_object_set_new(m, "previous_page_url",
				    offset ? json_string(prev) : json_null());
		json_object_set_new(m, "url", json_string(u));
		json_object_set_new(m, "next_page_url",
				    more ? json_string(next) : json_null());
		json_object_set_new(m, "key", json_string(key));
		json_object_set_new(o, "meta", m);
	}
	return o;
}

static void do_list(struct api_req *r, const struct api_res *res,
		    const char *acc, const char *psid)
{
	struct store_cond conds[API_MAX_ARGS];
	char scratch[API_MAX_ARGS][128];
	struct store_rows *rows = NULL;
	const struct api_field *f;
	size_t n = 0, size, offset, i;
	json_t *arr;
	int err;

	if (api_page_parse(r, &size, &offset))
		return;
	if (psid) {
		conds[n++] = (struct store_cond){.col = res->parent_col,
						 .v = TXT(psid)};
	}
	else if (acc) {
		conds[n++] = (struct store_cond){.col = "account_sid",
						 .v = TXT(acc)};
	}
	for (f = res->fields; f->col; f++) {
		const char *v;

		if (!(f->flags & FF_FILTER) || !f->form ||
		    !(v = api_arg(r, f->form)))
			continue;
		if (convert(r, f, v, &conds[n].v, scratch[n]))
			return;
		conds[n].col = f->col;
		conds[n].op = STORE_EQ;
		n++;
	}
	if (res->filter && res->filter(r, conds, &n, scratch))
		return;
	{
		const struct store_query q = {
			.table = res->table,
			.conds = conds,
			.nconds = n,
			.order_col = res->order_col,
			.desc = res->order_desc,
			.limit = size + 1,
			.offset = offset,
		};

		err = store_select(r->st, &q, &rows);
	}
	if (err) {
		store_err(r, err);
		return;
	}
	arr = json_array();
	for (i = 0; i < rows->n && i < size; i++)
		json_array_append_new(arr,
				      api_render_row(r, res, rows->rows[i]));
	r->out = api_page_wrap(r, res->list_key, arr, size, offset,
			       rows->n > size);
	mem_deref(rows);
	r->status = 200;
}

static int fetch_row(struct api_req *r, const struct api_res *res,
		     const char *psid, const char *sid,
		     struct store_row **rowp)
{
	struct store_cond c[2] = {{.col = "sid", .v = TXT(sid)}};
	struct store_query q = {.table = res->table, .conds = c, .nconds = 1};
	struct store_row *row = NULL;
	int err;

	if (!store_sid_valid(sid, res->prefix)) {
		store_err(r, ENOENT);
		return ENOENT;
	}
	if (psid) {
		c[1] = (struct store_cond){.col = res->parent_col,
					   .v = TXT(psid)};
		q.nconds = 2;
	}
	err = store_select_one(r->st, &q, &row);
	if (!err && !res->no_account &&
	    !api_visible(r, store_row_str(row, "account_sid"))) {
		row = mem_deref(row);
		err = ENOENT;
	}
	if (err) {
		store_err(r, err);
		return err;
	}
	*rowp = row;
	return 0;
}

static void reply_row(struct api_req *r, const struct api_res *res,
		      const char *psid, const char *sid, unsigned status)
{
	struct store_row *row = NULL;

	if (fetch_row(r, res, psid, sid, &row))
		return;
	r->out = api_render_row(r, res, row);
	r->status = status;
	mem_deref(row);
}

static void do_write(struct api_req *r, const struct api_res *res,
		     const char *acc, const struct store_row *parent,
		     const struct store_row *existing)
{
	struct store_col cols[API_MAX_ARGS];
	char scratch[API_MAX_ARGS][128];
	const struct api_field *f;
	size_t n = 0;
	char sid[35];
	int64_t now = clock_wall_s();
	const char *psid = parent ? store_row_str(parent, "sid") : NULL;
	int err;

	for (f = res->fields; f->col; f++) {
		const char *v = f->form ? api_arg(r, f->form) : NULL;
		unsigned need = existing ? FF_UPDATE : FF_CREATE;

		if (!(f->flags & need))
			continue;
		if (!v && !existing && (f->flags & FF_REQUIRED)) {
			api_error(r, 400, 20001,
				  "Missing required parameter %s in the post "
				  "body",
				  f->form);
			return;
		}
		if (!v)
			v = existing ? NULL : f->def;
		if (!v)
			continue;
		if (convert(r, f, v, &cols[n].v, scratch[n]))
			return;
		cols[n++].name = f->col;
	}
	if (!existing) {
		if (!res->item_is_parent_ref) {
			err = store_sid_new(sid, res->prefix);
			if (err) {
				store_err(r, err);
				return;
			}
			cols[n++] = (struct store_col){.name = "sid",
						       .v = TXT(sid)};
		}
		if (!res->no_account)
			cols[n++] = (struct store_col){
				.name = "account_sid",
				.v = TXT(parent ? store_row_str(parent,
								"account_sid")
						: acc)};
		if (psid)
			cols[n++] = (struct store_col){.name = res->parent_col,
						       .v = TXT(psid)};
		cols[n++] = (struct store_col){.name = "date_created",
					       .v = INTV(now)};
	}
	cols[n++] = (struct store_col){.name = "date_updated", .v = INTV(now)};

	err = store_tx_begin(r->st);
	if (err) {
		store_err(r, err);
		return;
	}
	if (res->on_write &&
	    res->on_write(r, res, existing, cols, &n, scratch)) {
		store_tx_rollback(r->st);
		if (!r->status)
			store_err(r, EINVAL);
		return;
	}
	if (existing) {
		struct store_cond c = {.col = "sid",
				       .v = TXT(store_row_str(existing,
							      "sid"))};

		err = store_update(r->st, res->table, &c, 1, cols, n, NULL);
	}
	else {
		err = store_insert(r->st, res->table, cols, n);
	}
	if (!err)
		err = store_tx_commit(r->st);
	else
		store_tx_rollback(r->st);
	if (err) {
		store_err(r, err);
		return;
	}
	snapshot_pub_kick(r->pub);
	if (existing) {
		reply_row(r, res, psid, store_row_str(existing, "sid"), 200);
	}
	else {
		size_t k;
		const char *newsid = sid;

		for (k = 0; k < n; k++) {
			if (!strcmp(cols[k].name, "sid"))
				newsid = cols[k].v.s;
		}
		reply_row(r, res, psid, newsid, 201);
	}
}

static void do_delete(struct api_req *r, const struct api_res *res,
		      const char *psid, const struct store_row *row)
{
	struct store_cond c[2] = {
		{.col = "sid", .v = TXT(store_row_str(row, "sid"))}};
	size_t n = 0;
	int err;

	if (psid)
		c[1] = (struct store_cond){.col = res->parent_col,
					   .v = TXT(psid)};
	err = store_delete(r->st, res->table, c, psid ? 2 : 1, &n);
	if (err) {
		store_err(r, err);
		return;
	}
	snapshot_pub_kick(r->pub);
	r->status = 204;
}

void api_crud(struct api_req *r, const struct api_res *res,
	      const char *const *sids, size_t nsids, const char *item_sid)
{
	struct store_row *parent = NULL, *row = NULL;
	const char *acc = api_auth_sid(r);
	const char *acc2010 = NULL;
	const char *psid = NULL;
	unsigned m;

	if (r->v2010 && nsids > 0) {
		acc2010 = sids[0];
		if (!api_visible(r, acc2010)) {
			store_err(r, ENOENT);
			return;
		}
		acc = acc2010;
	}
	if (res->parent_col && res->parent_table) {
		if (parent_check(r, res, sids[nsids - 1], acc2010, &parent))
			return;
		psid = sids[nsids - 1];
	}
	if (!strcmp(r->method, "GET"))
		m = item_sid ? RM_FETCH : RM_LIST;
	else if (!strcmp(r->method, "POST"))
		m = item_sid ? RM_UPDATE : RM_CREATE;
	else if (!strcmp(r->method, "DELETE") && item_sid)
		m = RM_DELETE;
	else
		m = 0;
	if (!(res->methods & m)) {
		api_error(r, 405, 20004, "Method not allowed");
		goto out;
	}
	switch (m) {
	case RM_LIST:
		do_list(r, res, acc, psid);
		break;
	case RM_CREATE:
		do_write(r, res, acc, parent, NULL);
		break;
	default:
		if (fetch_row(r, res, psid, item_sid, &row))
			break;
		if (m == RM_FETCH) {
			r->out = api_render_row(r, res, row);
			r->status = 200;
		}
		else if (m == RM_UPDATE) {
			do_write(r, res, acc, parent, row);
		}
		else {
			do_delete(r, res, psid, row);
		}
		break;
	}
out:
	mem_deref(row);
	mem_deref(parent);
}
