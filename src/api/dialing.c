/* Voice v1 dialing permissions: /v1/DialingPermissions/Countries[/{Iso}
 * [/HighRiskSpecialPrefixes]], /v1/DialingPermissions/BulkCountryUpdates
 * and /v1/Settings. Countries come from the numbering table
 * (src/policy/numbering.h); an account's overrides live in the
 * dialing_permissions table, its inheritance switch in dialing_settings;
 * the defaults are snapshot_dialperm_default()'s, so the API shows what
 * the SIP side enforces. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api_int.h"
#include "base/clock.h"
#include "base/mem.h"
#include "policy/numbering.h"
#include "store/snapshot.h"

#define TXT(x) {.type = STORE_TEXT, .s = (x)}
#define INTV(x) {.type = STORE_INT, .i = (x)}

enum { MAX_BULK = 1000 };

/* Whether the account inherits its owner's permissions (default yes). */
static bool inherits(struct api_req *r, const char *acc)
{
	const struct store_cond c = {.col = "account_sid", .v = TXT(acc)};
	const struct store_query q = {.table = "dialing_settings",
				      .conds = &c,
				      .nconds = 1};
	struct store_row *row = NULL;
	bool v = true;

	if (!store_select_one(r->st, &q, &row))
		v = store_row_int(row, "dialing_permissions_inheritance", 1) !=
		    0;
	mem_deref(row);
	return v;
}

/* The account whose stored permissions apply to the caller. */
static const char *effective_account(struct api_req *r)
{
	const char *owner = store_row_str(r->auth, "owner_account_sid");

	if (owner && inherits(r, api_auth_sid(r)))
		return owner;
	return api_auth_sid(r);
}

static unsigned flag(const struct store_row *row, const char *col,
		     unsigned bit)
{
	return store_row_int(row, col, 0) ? bit : 0u;
}

/* Per-country bits of acc: defaults overlaid with its stored rows.
 * geo has numbering_country_count() entries. 0 or an error reply. */
static int load_geo(struct api_req *r, const char *acc, uint8_t *geo)
{
	const struct store_cond c = {.col = "account_sid", .v = TXT(acc)};
	const struct store_query q = {.table = "dialing_permissions",
				      .conds = &c,
				      .nconds = 1};
	struct store_rows *rows = NULL;
	size_t n = numbering_country_count(), i;

	for (i = 0; i < n; i++)
		geo[i] = (uint8_t)snapshot_dialperm_default(
			numbering_country_at(i)->iso);
	if (store_select(r->st, &q, &rows)) {
		api_error(r, 500, 20500, "Internal error");
		return EIO;
	}
	for (i = 0; i < rows->n; i++) {
		const struct store_row *row = rows->rows[i];
		const struct numbering_country *k =
			numbering_country_find(store_row_str(row, "iso_code"));

		if (!k)
			continue;
		geo[numbering_country_index(k)] = (uint8_t)(
			flag(row, "low_risk_numbers_enabled",
			     SNAP_DIAL_LOW_RISK) |
			flag(row, "high_risk_special_numbers_enabled",
			     SNAP_DIAL_HIGH_RISK_SPECIAL) |
			flag(row, "high_risk_tollfraud_numbers_enabled",
			     SNAP_DIAL_HIGH_RISK_TOLLFRAUD));
	}
	mem_deref(rows);
	return 0;
}

static json_t *country_json(struct api_req *r,
			    const struct numbering_country *c, unsigned bits)
{
	char cc[16], url[400], hrs[440];
	json_t *o;

	if (numbering_cc_print(c, cc, sizeof(cc)))
		cc[0] = '\0';
	snprintf(url, sizeof(url), "%s/v1/DialingPermissions/Countries/%s",
		 r->base, c->iso);
	snprintf(hrs, sizeof(hrs), "%s/HighRiskSpecialPrefixes", url);
	o = json_pack("{s:s,s:s,s:s,s:[s],s:b,s:b,s:b,s:s,s:{s:s}}",
		      "iso_code", c->iso, "name", c->name, "continent",
		      numbering_continent_name(c->continent), "country_codes",
		      cc, "low_risk_numbers_enabled",
		      (bits & SNAP_DIAL_LOW_RISK) != 0,
		      "high_risk_special_numbers_enabled",
		      (bits & SNAP_DIAL_HIGH_RISK_SPECIAL) != 0,
		      "high_risk_tollfraud_numbers_enabled",
		      (bits & SNAP_DIAL_HIGH_RISK_TOLLFRAUD) != 0, "url", url,
		      "links", "highrisk_special_prefixes", hrs);
	return o;
}

/* Optional boolean filter: -1 absent, 0/1, or 400 reply (returns -2). */
static int bool_filter(struct api_req *r, const char *name)
{
	const char *v = api_arg(r, name);

	if (!v)
		return -1;
	if (!strcasecmp(v, "true"))
		return 1;
	if (!strcasecmp(v, "false"))
		return 0;
	api_error(r, 400, 20001, "Invalid value for parameter %s: %s", name,
		  v);
	return -2;
}

static void countries_list(struct api_req *r)
{
	size_t n = numbering_country_count(), i, size, offset, seen = 0;
	const char *iso = api_arg(r, "IsoCode");
	const char *cont = api_arg(r, "Continent");
	const char *ccs = api_arg(r, "CountryCode");
	int low, hrs, hrt;
	unsigned want_cont = 0;
	bool more = false;
	uint8_t *geo = NULL;
	json_t *arr;

	if (api_page_parse(r, &size, &offset))
		return;
	low = bool_filter(r, "LowRiskNumbersEnabled");
	hrs = bool_filter(r, "HighRiskSpecialNumbersEnabled");
	hrt = bool_filter(r, "HighRiskTollfraudNumbersEnabled");
	if (low == -2 || hrs == -2 || hrt == -2)
		return;
	if (cont && numbering_continent_decode(cont, &want_cont)) {
		api_error(r, 400, 20001, "Invalid value for parameter "
					 "Continent: %s", cont);
		return;
	}
	if (ccs && *ccs == '+')
		ccs++;
	if (ccs && (!*ccs || strspn(ccs, "0123456789") != strlen(ccs))) {
		api_error(r, 400, 20001, "Invalid value for parameter "
					 "CountryCode");
		return;
	}
	geo = mem_zalloc(n ? n : 1, NULL);
	if (!geo) {
		api_error(r, 500, 20500, "Internal error");
		return;
	}
	if (load_geo(r, effective_account(r), geo))
		goto out;
	arr = json_array();
	for (i = 0; i < n; i++) {
		const struct numbering_country *c = numbering_country_at(i);
		unsigned b = geo[i];
		char cc[16];

		if (iso && strcasecmp(iso, c->iso))
			continue;
		if (cont && c->continent != want_cont)
			continue;
		if (ccs && (numbering_cc_print(c, cc, sizeof(cc)) ||
			    strcmp(cc + 1, ccs)))
			continue;
		if (low >= 0 && !!(b & SNAP_DIAL_LOW_RISK) != low)
			continue;
		if (hrs >= 0 && !!(b & SNAP_DIAL_HIGH_RISK_SPECIAL) != hrs)
			continue;
		if (hrt >= 0 && !!(b & SNAP_DIAL_HIGH_RISK_TOLLFRAUD) != hrt)
			continue;
		if (seen++ < offset)
			continue;
		if (json_array_size(arr) == size) {
			more = true;
			break;
		}
		json_array_append_new(arr, country_json(r, c, b));
	}
	r->out = api_page_wrap(r, "content", arr, size, offset, more);
	r->status = 200;
out:
	mem_deref(geo);
}

static const struct numbering_country *country_get(struct api_req *r,
						   const char *iso)
{
	const struct numbering_country *c = NULL;

	if (strlen(iso) == 2)
		c = numbering_country_find(iso);
	if (!c)
		api_error(r, 404, 20404, "The requested resource %s was not "
					 "found",
			  r->path);
	return c;
}

static void country_fetch(struct api_req *r, const char *iso)
{
	const struct numbering_country *c = country_get(r, iso);
	size_t n = numbering_country_count();
	uint8_t *geo;

	if (!c)
		return;
	geo = mem_zalloc(n, NULL);
	if (!geo) {
		api_error(r, 500, 20500, "Internal error");
		return;
	}
	if (!load_geo(r, effective_account(r), geo)) {
		r->out = country_json(r, c, geo[numbering_country_index(c)]);
		r->status = 200;
	}
	mem_deref(geo);
}

struct hrs_walk {
	json_t *arr;
	size_t skip;
	size_t size;
	bool more;
};

static int hrs_one(const char *prefix, void *arg)
{
	struct hrs_walk *w = arg;
	char buf[40];

	if (w->skip) {
		w->skip--;
		return 0;
	}
	if (json_array_size(w->arr) == w->size) {
		w->more = true;
		return 1;
	}
	snprintf(buf, sizeof(buf), "+%s", prefix);
	json_array_append_new(w->arr, json_pack("{s:s}", "prefix", buf));
	return 0;
}

static void hrs_list(struct api_req *r, const char *iso)
{
	const struct numbering_country *c = country_get(r, iso);
	struct hrs_walk w = {0};
	size_t size, offset;

	if (!c || api_page_parse(r, &size, &offset))
		return;
	w.arr = json_array();
	w.skip = offset;
	w.size = size;
	(void)numbering_high_risk_apply(c, hrs_one, &w);
	r->out = api_page_wrap(r, "content", w.arr, size, offset, w.more);
	r->status = 200;
}

/* One permission value of a bulk item: JSON boolean, "true"/"false" or
 * "Enabled"/"Disabled". Absent: *vp unchanged. 0 or EINVAL. */
static int bulk_flag(json_t *item, const char *key, const char *alt,
		     bool *vp)
{
	json_t *v = json_object_get(item, key);
	const char *s;

	if (!v && alt)
		v = json_object_get(item, alt);
	if (!v)
		return 0;
	if (json_is_boolean(v)) {
		*vp = json_is_true(v);
		return 0;
	}
	if (!json_is_string(v))
		return EINVAL;
	s = json_string_value(v);
	if (!strcasecmp(s, "true") || !strcasecmp(s, "enabled"))
		*vp = true;
	else if (!strcasecmp(s, "false") || !strcasecmp(s, "disabled"))
		*vp = false;
	else
		return EINVAL;
	return 0;
}

struct bulk_item {
	const struct numbering_country *c;
	bool low, hrs, hrt;
};

/* Parse and validate the whole request before writing anything. */
static int bulk_parse(struct api_req *r, const char *text,
		      const uint8_t *geo, struct bulk_item **itemsp,
		      size_t *np)
{
	json_error_t jerr;
	json_t *a = json_loads(text, JSON_REJECT_DUPLICATES, &jerr), *item;
	struct bulk_item *items = NULL;
	size_t i, n;
	int err = EINVAL;

	if (!json_is_array(a)) {
		api_error(r, 400, 20001, "UpdateRequest must be a JSON array "
					 "of update objects");
		goto out;
	}
	n = json_array_size(a);
	if (n == 0 || n > MAX_BULK) {
		api_error(r, 400, 20001, "UpdateRequest must hold 1 to %d "
					 "update objects",
			  MAX_BULK);
		goto out;
	}
	items = mem_zalloc(n * sizeof(*items), NULL);
	if (!items) {
		api_error(r, 500, 20500, "Internal error");
		err = ENOMEM;
		goto out;
	}
	json_array_foreach(a, i, item)
	{
		json_t *iso = json_object_get(item, "iso_code");
		struct bulk_item *b = &items[i];
		unsigned cur;

		if (!json_is_object(item) || !json_is_string(iso)) {
			api_error(r, 400, 20001, "UpdateRequest item %zu: "
						 "iso_code is required",
				  i);
			goto out;
		}
		if (strlen(json_string_value(iso)) != 2 ||
		    !(b->c = numbering_country_find(json_string_value(iso)))) {
			api_error(r, 400, 20001, "UpdateRequest item %zu: "
						 "unknown iso_code '%.8s'",
				  i, json_string_value(iso));
			goto out;
		}
		cur = geo[numbering_country_index(b->c)];
		b->low = cur & SNAP_DIAL_LOW_RISK;
		b->hrs = cur & SNAP_DIAL_HIGH_RISK_SPECIAL;
		b->hrt = cur & SNAP_DIAL_HIGH_RISK_TOLLFRAUD;
		if (bulk_flag(item, "low_risk_numbers_enabled",
			      "low_risk_numbers", &b->low) ||
		    bulk_flag(item, "high_risk_special_numbers_enabled",
			      "high_risk_special_numbers", &b->hrs) ||
		    bulk_flag(item, "high_risk_tollfraud_numbers_enabled",
			      "high_risk_irsf_numbers", &b->hrt)) {
			api_error(r, 400, 20001, "UpdateRequest item %zu: "
						 "permissions must be true or "
						 "false",
				  i);
			goto out;
		}
	}
	*itemsp = items;
	*np = n;
	items = NULL;
	err = 0;
out:
	mem_deref(items);
	json_decref(a);
	return err;
}

static void bulk_update(struct api_req *r)
{
	const char *text = api_arg(r, "UpdateRequest");
	const char *me = api_auth_sid(r);
	size_t n = numbering_country_count(), nitems = 0, i;
	struct bulk_item *items = NULL;
	int64_t now = clock_wall_s();
	uint8_t *geo = NULL;
	int err;

	if (strcmp(r->method, "POST")) {
		api_error(r, 405, 20004, "Method not allowed");
		return;
	}
	if (!text) {
		api_error(r, 400, 20001, "Missing required parameter "
					 "UpdateRequest in the post body");
		return;
	}
	geo = mem_zalloc(n, NULL);
	if (!geo) {
		api_error(r, 500, 20500, "Internal error");
		return;
	}
	/* missing fields keep the account's own current values */
	if (load_geo(r, me, geo) ||
	    bulk_parse(r, text, geo, &items, &nitems))
		goto out;
	err = store_tx_begin(r->st);
	if (!err) {
		for (i = 0; !err && i < nitems; i++) {
			const struct store_cond k[] = {
				{.col = "account_sid", .v = TXT(me)},
				{.col = "iso_code", .v = TXT(items[i].c->iso)},
			};
			const struct store_col cols[] = {
				{"account_sid", TXT(me)},
				{"iso_code", TXT(items[i].c->iso)},
				{"low_risk_numbers_enabled",
				 INTV(items[i].low)},
				{"high_risk_special_numbers_enabled",
				 INTV(items[i].hrs)},
				{"high_risk_tollfraud_numbers_enabled",
				 INTV(items[i].hrt)},
				{"date_updated", INTV(now)},
			};

			err = store_delete(r->st, "dialing_permissions", k, 2,
					   NULL);
			err = err ? err
				  : store_insert(r->st, "dialing_permissions",
						 cols, 6);
		}
		if (err)
			store_tx_rollback(r->st);
		else
			err = store_tx_commit(r->st);
	}
	if (err) {
		api_error(r, err == EBUSY ? 503 : 500,
			  err == EBUSY ? 20503 : 20500, "Store error");
		goto out;
	}
	snapshot_pub_kick(r->pub);
	r->out = json_pack("{s:i,s:s}", "update_count", (int)nitems,
			   "update_request", "accepted");
	r->status = 201;
out:
	mem_deref(items);
	mem_deref(geo);
}

static void settings(struct api_req *r)
{
	const char *me = api_auth_sid(r);
	const char *v = api_arg(r, "DialingPermissionsInheritance");
	bool post = !strcmp(r->method, "POST");
	char url[400];

	if (!post && strcmp(r->method, "GET")) {
		api_error(r, 405, 20004, "Method not allowed");
		return;
	}
	if (post && v) {
		const struct store_cond c = {.col = "account_sid",
					     .v = TXT(me)};
		const struct store_col cols[] = {
			{"account_sid", TXT(me)},
			{"dialing_permissions_inheritance",
			 INTV(!strcasecmp(v, "true"))},
			{"date_updated", INTV(clock_wall_s())},
		};
		int err;

		if (strcasecmp(v, "true") && strcasecmp(v, "false")) {
			api_error(r, 400, 20001,
				  "DialingPermissionsInheritance must be "
				  "true or false");
			return;
		}
		err = store_tx_begin(r->st);
		if (!err) {
			err = store_delete(r->st, "dialing_settings", &c, 1,
					   NULL);
			err = err ? err
				  : store_insert(r->st, "dialing_settings",
						 cols, 3);
			if (err)
				store_tx_rollback(r->st);
			else
				err = store_tx_commit(r->st);
		}
		if (err) {
			api_error(r, 500, 20500, "Internal error");
			return;
		}
		snapshot_pub_kick(r->pub);
	}
	snprintf(url, sizeof(url), "%s/v1/Settings", r->base);
	r->out = json_pack("{s:b,s:s}", "dialing_permissions_inheritance",
			   inherits(r, me), "url", url);
	r->status = post ? 202 : 200;
}

bool api_dialing(struct api_req *r)
{
	static const char cp[] = "/v1/DialingPermissions/Countries";
	const char *p = r->path;
	char iso[8];
	int n = 0;

	if (!strcmp(p, "/v1/Settings")) {
		settings(r);
		return true;
	}
	if (strncmp(p, "/v1/DialingPermissions", 22))
		return false;
	if (!strcmp(p, "/v1/DialingPermissions/BulkCountryUpdates")) {
		bulk_update(r);
		return true;
	}
	if (strncmp(p, cp, sizeof(cp) - 1) ||
	    (p[sizeof(cp) - 1] && p[sizeof(cp) - 1] != '/'))
		return false;
	if (strcmp(r->method, "GET")) {
		api_error(r, 405, 20004, "Method not allowed");
		return true;
	}
	p += sizeof(cp) - 1;
	if (!*p) {
		countries_list(r);
		return true;
	}
	if (sscanf(p, "/%7[^/]%n", iso, &n) != 1 || n <= 0)
		return false;
	p += n;
	if (!*p)
		country_fetch(r, iso);
	else if (!strcmp(p, "/HighRiskSpecialPrefixes"))
		hrs_list(r, iso);
	else
		api_error(r, 404, 20404, "The requested resource %s was not "
					 "found",
			  r->path);
	return true;
}
