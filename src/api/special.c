/* Endpoints that are not plain collections: Accounts (tokens,
 * subaccounts), trunk Recording, trunk PhoneNumbers (an association onto
 * IncomingPhoneNumbers), alarm status; dialing permissions (dialing.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api_int.h"
#include "base/clock.h"
#include "base/mem.h"
#include "store/snapshot.h"

#define TXT(x) {.type = STORE_TEXT, .s = (x)}
#define INTV(x) {.type = STORE_INT, .i = (x)}

static json_t *account_json(struct api_req *r, const struct store_row *row,
			    const char *token)
{
	const char *sid = store_row_str(row, "sid");
	const char *owner = store_row_str(row, "owner_account_sid");
	char d1[64], d2[64], uri[128], sub[160];
	json_t *o, *s;

	api_fmt_date(d1, sizeof(d1), store_row_int(row, "date_created", 0),
		     true);
	api_fmt_date(d2, sizeof(d2), store_row_int(row, "date_updated", 0),
		     true);
	snprintf(uri, sizeof(uri), "/2010-04-01/Accounts/%s.json", sid);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "sid", sid,
		      "friendly_name", store_row_str(row, "friendly_name"),
		      "status", store_row_str(row, "status"), "type",
		      store_row_str(row, "type"), "date_created", d1,
		      "date_updated", d2, "uri", uri);
	json_object_set_new(o, "owner_account_sid",
			    json_string(owner ? owner : sid));
	json_object_set_new(o, "auth_token",
			    token ? json_string(token) : json_null());
	s = json_object();
	snprintf(sub, sizeof(sub), "/2010-04-01/Accounts/%s/SIP.json", sid);
	json_object_set_new(s, "sip", json_string(sub));
	snprintf(sub, sizeof(sub),
		 "/2010-04-01/Accounts/%s/IncomingPhoneNumbers.json", sid);
	json_object_set_new(s, "incoming_phone_numbers", json_string(sub));
	snprintf(sub, sizeof(sub),
		 "/2010-04-01/Accounts/%s/OutgoingCallerIds.json", sid);
	json_object_set_new(s, "outgoing_caller_ids", json_string(sub));
	json_object_set_new(o, "subresource_uris", s);
	return o;
}

static bool one_of(const char *v, const char *const *set)
{
	for (; *set; set++) {
		if (!strcmp(v, *set))
			return true;
	}
	return false;
}

static const char *const statuses[] = {"active", "suspended", "closed",
				       NULL};
static const char *const types[] = {"Trial", "Full", NULL};

static void accounts_list(struct api_req *r)
{
	const char *me = api_auth_sid(r);
	const struct store_cond c = {.col = "owner_account_sid", .v = TXT(me)};
	const struct store_query q = {.table = "accounts", .conds = &c,
				      .nconds = 1};
	struct store_rows *rows = NULL;
	const char *fn = api_arg(r, "FriendlyName");
	const char *st = api_arg(r, "Status");
	size_t i, size, offset, seen = 0;
	bool more = false;
	json_t *arr;

	if (st && !one_of(st, statuses)) {
		api_error(r, 400, 20001, "Invalid Status: %s", st);
		return;
	}
	if (api_page_parse(r, &size, &offset))
		return;
	if (store_select(r->st, &q, &rows)) {
		api_error(r, 500, 20500, "Internal error");
		return;
	}
	arr = json_array();
	/* the caller first, then its subaccounts in creation order */
	for (i = 0; i <= rows->n; i++) {
		const struct store_row *row = i ? rows->rows[i - 1] : r->auth;

		if (fn && strcmp(fn, store_row_str(row, "friendly_name")))
			continue;
		if (st && strcmp(st, store_row_str(row, "status")))
			continue;
		if (seen++ < offset)
			continue;
		if (json_array_size(arr) == size) {
			more = true;
			break;
		}
		json_array_append_new(arr, account_json(r, row, NULL));
	}
	mem_deref(rows);
	r->out = api_page_wrap(r, "accounts", arr, size, offset, more);
	r->status = 200;
}

static void accounts_create(struct api_req *r)
{
	const char *fn = api_arg(r, "FriendlyName");
	const char *type = api_arg(r, "Type");
	char sid[35], tmp[35], hash[72];
	struct store_row *row = NULL;
	int64_t now = clock_wall_s();
	int err;

	if (store_row_str(r->auth, "owner_account_sid")) {
		api_error(r, 403, 20005,
			  "A subaccount cannot create subaccounts");
		return;
	}
	if (type && !one_of(type, types)) {
		api_error(r, 400, 20001, "Invalid Type: %s", type);
		return;
	}
	err = store_sid_new(sid, "AC");
	err = err ? err : store_sid_new(tmp + 0, "xx");
	if (err || api_token_hash(hash, sid, tmp + 2)) {
		api_error(r, 500, 20500, "Internal error");
		return;
	}
	err = store_tx_begin(r->st);
	if (!err) {
		const struct store_col a[] = {
			{"sid", TXT(sid)},
			{"owner_account_sid", TXT(api_auth_sid(r))},
			{"friendly_name", TXT(fn ? fn : "SubAccount")},
			{"status", TXT("active")},
			{"type", TXT(type ? type : "Full")},
			{"auth_token_hash", TXT(hash)},
			{"date_created", INTV(now)},
			{"date_updated", INTV(now)},
		};

		err = store_insert(r->st, "accounts", a, 8);
		err = err ? err : api_create_default_policy(r->st, sid, now);
		if (err)
			store_tx_rollback(r->st);
		else
			err = store_tx_commit(r->st);
	}
	if (err || api_account_get(r->st, sid, &row)) {
		api_error(r, 500, 20500, "Internal error");
		return;
	}
	snapshot_pub_kick(r->pub);
	r->out = account_json(r, row, tmp + 2);
	r->status = 201;
	mem_deref(row);
}

static void account_item(struct api_req *r, const char *sid)
{
	struct store_row *row = NULL;
	const char *fn = api_arg(r, "FriendlyName");
	const char *st = api_arg(r, "Status");
	const char *type = api_arg(r, "Type");
	struct store_col cols[4];
	size_t n = 0;
	bool own = !strcmp(sid, api_auth_sid(r));

	if (!api_visible(r, sid) || api_account_get(r->st, sid, &row)) {
		api_error(r, 404, 20404, "The requested resource was not "
					 "found");
		return;
	}
	if (!strcmp(r->method, "GET")) {
		r->out = account_json(r, row, NULL);
		r->status = 200;
		goto out;
	}
	if (strcmp(r->method, "POST")) {
		api_error(r, 405, 20004, "Method not allowed");
		goto out;
	}
	if ((st && !one_of(st, statuses)) || (type && !one_of(type, types))) {
		api_error(r, 400, 20001, "Invalid Status or Type");
		goto out;
	}
	if ((st || type) && own) {
		api_error(r, 403, 20005,
			  "An account cannot change its own Status or Type");
		goto out;
	}
	if (fn)
		cols[n++] = (struct store_col){"friendly_name", TXT(fn)};
	if (st)
		cols[n++] = (struct store_col){"status", TXT(st)};
	if (type)
		cols[n++] = (struct store_col){"type", TXT(type)};
	cols[n++] = (struct store_col){"date_updated",
				       INTV(clock_wall_s())};
	{
		const struct store_cond c = {.col = "sid", .v = TXT(sid)};

		if (store_update(r->st, "accounts", &c, 1, cols, n, NULL)) {
			api_error(r, 500, 20500, "Internal error");
			goto out;
		}
	}
	snapshot_pub_kick(r->pub);
	row = mem_deref(row);
	if (api_account_get(r->st, sid, &row)) {
		api_error(r, 500, 20500, "Internal error");
		goto out;
	}
	r->out = account_json(r, row, NULL);
	r->status = 200;
out:
	mem_deref(row);
}

/* Trunk (TK in path) visible to the caller, or a 404 reply. */
static int trunk_get(struct api_req *r, const char *tk,
		     struct store_row **rowp)
{
	const struct store_cond c = {.col = "sid", .v = TXT(tk)};
	const struct store_query q = {.table = "trunks", .conds = &c,
				      .nconds = 1};
	struct store_row *row = NULL;

	if (store_sid_valid(tk, "TK") && !store_select_one(r->st, &q, &row) &&
	    api_visible(r, store_row_str(row, "account_sid"))) {
		*rowp = row;
		return 0;
	}
	mem_deref(row);
	api_error(r, 404, 20404, "The requested resource was not found");
	return ENOENT;
}

static const char *const rec_modes[] = {
	"do-not-record", "record-from-ringing", "record-from-answer",
	"record-from-ringing-dual", "record-from-answer-dual", NULL};
static const char *const rec_trims[] = {"trim-silence", "do-not-trim",
					NULL};

static void recording(struct api_req *r, const char *tk)
{
	struct store_row *row = NULL;
	const char *mode = api_arg(r, "Mode"), *trim = api_arg(r, "Trim");

	if (trunk_get(r, tk, &row))
		return;
	if (!strcmp(r->method, "POST")) {
		struct store_col cols[3];
		const struct store_cond c = {.col = "sid", .v = TXT(tk)};
		size_t n = 0;

		if ((mode && !one_of(mode, rec_modes)) ||
		    (trim && !one_of(trim, rec_trims))) {
			api_error(r, 400, 21245, "Invalid Mode or Trim");
			goto out;
		}
		if (mode)
			cols[n++] = (struct store_col){"recording_mode",
						       TXT(mode)};
		if (trim)
			cols[n++] = (struct store_col){"recording_trim",
						       TXT(trim)};
		cols[n++] = (struct store_col){"date_updated",
					       INTV(clock_wall_s())};
		if (store_update(r->st, "trunks", &c, 1, cols, n, NULL)) {
			api_error(r, 500, 20500, "Internal error");
			goto out;
		}
		snapshot_pub_kick(r->pub);
		row = mem_deref(row);
		if (trunk_get(r, tk, &row))
			goto out;
	}
	else if (strcmp(r->method, "GET")) {
		api_error(r, 405, 20004, "Method not allowed");
		goto out;
	}
	r->out = json_pack("{s:s,s:s}", "mode",
			   store_row_str(row, "recording_mode"), "trim",
			   store_row_str(row, "recording_trim"));
	r->status = 200;
out:
	mem_deref(row);
}

static const struct api_field f_tpn[] = {
	{.col = "phone_number"},
	{.col = "friendly_name"},
	{.col = "voice_url"},
	{.col = "voice_method"},
	{.col = NULL},
};

static void tpn_render(struct api_req *r, const struct api_res *res,
		       const struct store_row *row, json_t *o)
{
	json_object_set_new(o, "api_version", json_string("2010-04-01"));
	json_object_set_new(o, "capabilities",
			    json_pack("{s:b,s:b,s:b,s:b}", "voice", 1, "sms",
				      0, "mms", 0, "fax", 0));
	json_object_set_new(o, "beta", json_false());
	json_object_set_new(o, "links", json_object());
}

static const struct api_res res_tpn = {
	.path = "/v1/Trunks/{TK}/PhoneNumbers",
	.table = "incoming_phone_numbers",
	.prefix = "PN",
	.list_key = "phone_numbers",
	.parent_col = "trunk_sid",
	.parent_table = "trunks",
	.methods = RM_LIST | RM_FETCH,
	.fields = f_tpn,
	.render = tpn_render,
};

static void trunk_numbers(struct api_req *r, const char *tk,
			  const char *pn)
{
	struct store_row *trunk = NULL, *num = NULL;
	const char *sid = pn ? pn : api_arg(r, "PhoneNumberSid");
	const char *sids[1] = {tk};
	bool add;

	add = !pn && !strcmp(r->method, "POST");
	if (!add && !(pn && !strcmp(r->method, "DELETE"))) {
		api_crud(r, &res_tpn, sids, 1, pn);
		return;
	}
	if (trunk_get(r, tk, &trunk))
		return;
	if (!sid) {
		api_error(r, 400, 20001, "Missing required parameter "
					 "PhoneNumberSid in the post body");
		goto out;
	}
	{
		const struct store_cond c = {.col = "sid", .v = TXT(sid)};
		const struct store_query q = {.table = "incoming_phone_numbers",
					      .conds = &c,
					      .nconds = 1};
		const char *cur;

		if (!store_sid_valid(sid, "PN") ||
		    store_select_one(r->st, &q, &num) ||
		    strcmp(store_row_str(num, "account_sid"),
			   store_row_str(trunk, "account_sid"))) {
			api_error(r, 404, 20404,
				  "The requested resource was not found");
			goto out;
		}
		cur = store_row_str(num, "trunk_sid");
		if (!add && (!cur || strcmp(cur, tk))) {
			api_error(r, 404, 20404,
				  "The requested resource was not found");
			goto out;
		}
		{
			const struct store_col cols[] = {
				{"trunk_sid",
				 add ? (struct store_val)TXT(tk)
				     : (struct store_val){.type = STORE_NULL}},
				{"date_updated", INTV(clock_wall_s())},
			};

			if (store_update(r->st, "incoming_phone_numbers", &c,
					 1, cols, 2, NULL)) {
				api_error(r, 500, 20500, "Internal error");
				goto out;
			}
		}
	}
	snapshot_pub_kick(r->pub);
	if (add) {
		r->method = "GET";
		api_crud(r, &res_tpn, sids, 1, sid);
		if (r->status == 200)
			r->status = 201;
	}
	else {
		r->status = 204;
	}
out:
	mem_deref(trunk);
	mem_deref(num);
}

static void alarm_status(struct api_req *r, const char *sid)
{
	const char *en = api_arg(r, "enabled");
	const struct store_cond c[] = {
		{.col = "sid", .v = TXT(sid)},
		{.col = "account_sid", .v = TXT(api_auth_sid(r))},
	};
	struct store_col cols[2];
	size_t n = 0;

	if (strcmp(r->method, "PUT") && strcmp(r->method, "POST")) {
		api_error(r, 405, 20004, "Method not allowed");
		return;
	}
	if (!en || (strcmp(en, "true") && strcmp(en, "false"))) {
		api_error(r, 400, 20001, "enabled must be true or false");
		return;
	}
	cols[0] = (struct store_col){"enabled", INTV(!strcmp(en, "true"))};
	cols[1] = (struct store_col){"date_updated", INTV(clock_wall_s())};
	if (store_update(r->st, "alarms", c, 2, cols, 2, &n) || !n) {
		api_error(r, 404, 20404, "The requested resource was not "
					 "found");
		return;
	}
	r->status = 204;
}

bool api_special(struct api_req *r)
{
	char a[64], b[64];
	int n = 0;

	if (!strcmp(r->path, "/2010-04-01/Accounts")) {
		if (!strcmp(r->method, "GET"))
			accounts_list(r);
		else if (!strcmp(r->method, "POST"))
			accounts_create(r);
		else
			api_error(r, 405, 20004, "Method not allowed");
		return true;
	}
	n = 0;
	if (sscanf(r->path, "/2010-04-01/Accounts/%63[^/]%n", a, &n) == 1 &&
	    n > 0 && !r->path[n]) {
		account_item(r, a);
		return true;
	}
	n = 0;
	if (sscanf(r->path, "/v1/Trunks/%63[^/]/Recording%n", a, &n) == 1 &&
	    n > 0 && !r->path[n]) {
		recording(r, a);
		return true;
	}
	n = 0;
	if (sscanf(r->path, "/v1/Trunks/%63[^/]/PhoneNumbers%n", a, &n) ==
		    1 &&
	    n > 0 && !r->path[n]) {
		trunk_numbers(r, a, NULL);
		return true;
	}
	n = 0;
	if (sscanf(r->path, "/v1/Trunks/%63[^/]/PhoneNumbers/%63[^/]%n", a, b,
		   &n) == 2 &&
	    n > 0 && !r->path[n]) {
		trunk_numbers(r, a, b);
		return true;
	}
	n = 0;
	if (sscanf(r->path, "/v2/Alarms/%63[^/]/status%n", a, &n) == 1 &&
	    n > 0 && !r->path[n]) {
		alarm_status(r, a);
		return true;
	}
	return api_dialing(r);
}
