/* The resource table: one descriptor per Twilio resource, plus the
 * per-resource validation hooks. Generic handlers live in crud.c. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <openssl/evp.h>

#include "api/api_int.h"
#include "base/mem.h"
#include "store/snapshot.h"

#define TXT(x) {.type = STORE_TEXT, .s = (x)}
#define INTV(x) {.type = STORE_INT, .i = (x)}

static const char *col_get(const struct store_col *cols, size_t n,
			   const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(cols[i].name, name))
			return cols[i].v.type == STORE_TEXT ? cols[i].v.s
							    : NULL;
	}
	return NULL;
}

static int owned_row(struct api_req *r, const char *table, const char *sid,
		     const char *acc, struct store_row **rowp)
{
	const struct store_cond c = {.col = "sid", .v = TXT(sid)};
	const struct store_query q = {.table = table, .conds = &c,
				      .nconds = 1};
	struct store_row *row = NULL;
	int err = store_select_one(r->st, &q, &row);

	if (!err && acc && strcmp(store_row_str(row, "account_sid"), acc))
		err = ENOENT;
	if (err) {
		mem_deref(row);
		return ENOENT;
	}
	if (rowp)
		*rowp = row;
	else
		mem_deref(row);
	return 0;
}

/* ---- checks ---- */

static int ck_e164(struct api_req *r, const struct api_field *f,
		   const char *in)
{
	return api_check_e164(in);
}

static int ck_sip(struct api_req *r, const struct api_field *f,
		  const char *in)
{
	return api_check_sip_url(in);
}

static int ck_user(struct api_req *r, const struct api_field *f,
		   const char *in)
{
	if (api_check_username(in)) {
		api_error(r, 400, 21222,
			  "Username must be 1-32 characters: letters, "
			  "digits, '-', '_' or '.'");
		return EINVAL;
	}
	return 0;
}

static int ck_pass(struct api_req *r, const struct api_field *f,
		   const char *in)
{
	if (api_check_password(in)) {
		api_error(r, 400, 21224,
			  "Password must be at least 12 characters with a "
			  "digit, an uppercase and a lowercase letter");
		return EINVAL;
	}
	return 0;
}

static int ck_ip(struct api_req *r, const struct api_field *f,
		 const char *in)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, in, a) == 1 || inet_pton(AF_INET6, in, a) == 1)
		return 0;
	return EINVAL;
}

static int ck_prefix(struct api_req *r, const struct api_field *f,
		     const char *in)
{
	size_t i, n = strlen(in);

	if (n < 2 || n > 16 || in[0] != '+' || in[1] == '0')
		return EINVAL;
	for (i = 1; i < n; i++) {
		if (!isdigit((unsigned char)in[i]))
			return EINVAL;
	}
	return 0;
}

static int ck_codecs(struct api_req *r, const struct api_field *f,
		     const char *in)
{
	static const char *const known[] = {"PCMU", "PCMA", "G722", "G729",
					    "opus", "telephone-event", NULL};
	char buf[128], *save = NULL, *t;

	if (!*in || strlen(in) >= sizeof(buf))
		return EINVAL;
	snprintf(buf, sizeof(buf), "%s", in);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const char *const *k;

		for (k = known; *k && strcmp(*k, t); k++)
			;
		if (!*k)
			return EINVAL;
	}
	return 0;
}

static int ck_url(struct api_req *r, const struct api_field *f,
		  const char *in)
{
	if (!*in)
		return 0;
	return (strncmp(in, "http://", 7) && strncmp(in, "https://", 8))
		       ? EINVAL
		       : 0;
}

/* ---- hooks ---- */

static int trunk_write(struct api_req *r, const struct api_res *res,
		       const struct store_row *existing,
		       struct store_col *cols, size_t *ncols,
		       char (*scratch)[128])
{
	size_t i;

	for (i = 0; i < *ncols; i++) {
		struct store_col *c = &cols[i];

		if (!strcmp(c->name, "domain_name") &&
		    c->v.type == STORE_TEXT) {
			char *d = (char *)c->v.s, *p;
			struct store_cond k = {.col = "domain_name",
					       .v = TXT(d)};
			struct store_query q = {.table = "trunks",
						.conds = &k,
						.nconds = 1};
			struct store_row *row = NULL;

			if (!*d) {
				c->v.type = STORE_NULL;
				continue;
			}
			for (p = d; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			if (api_check_hostname(d)) {
				api_error(r, 400, 21232,
					  "DomainName '%s' is not a valid "
					  "hostname",
					  d);
				return EINVAL;
			}
			if (!store_select_one(r->st, &q, &row)) {
				bool same = existing &&
					    !strcmp(store_row_str(row, "sid"),
						    store_row_str(existing,
								  "sid"));

				mem_deref(row);
				if (!same) {
					api_error(r, 400, 21248,
						  "DomainName '%s' is already "
						  "in use",
						  d);
					return EEXIST;
				}
			}
		}
		if (!strcmp(c->name, "connection_policy_sid") &&
		    c->v.type == STORE_TEXT) {
			if (!*c->v.s) {
				c->v.type = STORE_NULL;
				continue;
			}
			if (owned_row(r, "connection_policies", c->v.s,
				      api_auth_sid(r), NULL)) {
				api_error(r, 400, 21245,
					  "ConnectionPolicySid %s not found",
					  c->v.s);
				return ENOENT;
			}
		}
	}
	return 0;
}

static void hex(char *out, const unsigned char *md, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int ha1(char *out, const EVP_MD *alg, const char *user,
	       const char *pass)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		return ENOMEM;
	ok = EVP_DigestInit_ex(ctx, alg, NULL) &&
	     EVP_DigestUpdate(ctx, user, strlen(user)) &&
	     EVP_DigestUpdate(ctx, ":" SNAPSHOT_DIGEST_REALM ":",
			      strlen(SNAPSHOT_DIGEST_REALM) + 2) &&
	     EVP_DigestUpdate(ctx, pass, strlen(pass)) &&
	     EVP_DigestFinal_ex(ctx, md, &n);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return EIO;
	hex(out, md, n);
	return 0;
}

static int cred_write(struct api_req *r, const struct api_res *res,
		      const struct store_row *existing,
		      struct store_col *cols, size_t *ncols,
		      char (*scratch)[128])
{
	const char *pass = api_arg(r, "Password");
	const char *user = existing ? store_row_str(existing, "username")
				    : col_get(cols, *ncols, "username");
	char *m = scratch[API_MAX_ARGS - 1], *s = scratch[API_MAX_ARGS - 2];

	if (!pass) {
		if (existing)
			return 0;
		api_error(r, 400, 20001,
			  "Missing required parameter Password in the post "
			  "body");
		return EINVAL;
	}
	if (ck_pass(r, NULL, pass))
		return EINVAL;
	if (ha1(m, EVP_md5(), user, pass) || ha1(s, EVP_sha256(), user, pass))
		return EIO;
	cols[(*ncols)++] = (struct store_col){.name = "ha1_md5", .v = TXT(m)};
	cols[(*ncols)++] =
		(struct store_col){.name = "ha1_sha256", .v = TXT(s)};
	return 0;
}

static int ipaddr_write(struct api_req *r, const struct api_res *res,
			const struct store_row *existing,
			struct store_col *cols, size_t *ncols,
			char (*scratch)[128])
{
	const char *ip = col_get(cols, *ncols, "ip_address");
	unsigned char a[16];
	bool v6;
	size_t i;
	int64_t pfx = -1;

	if (!ip && existing)
		ip = store_row_str(existing, "ip_address");
	v6 = ip && strchr(ip, ':');
	(void)a;
	for (i = 0; i < *ncols; i++) {
		if (!strcmp(cols[i].name, "cidr_prefix_length"))
			pfx = cols[i].v.i;
	}
	if (pfx < 0) {
		if (!existing)
			cols[(*ncols)++] = (struct store_col){
				.name = "cidr_prefix_length",
				.v = INTV(v6 ? 128 : 32)};
		else if (!v6 && store_row_int(existing, "cidr_prefix_length",
					      32) > 32 &&
			 col_get(cols, *ncols, "ip_address"))
			cols[(*ncols)++] = (struct store_col){
				.name = "cidr_prefix_length", .v = INTV(32)};
		return 0;
	}
	if (pfx > (v6 ? 128 : 32)) {
		api_error(r, 400, 21234,
			  "CidrPrefixLength must be 0-32 (IPv4) or 0-128 "
			  "(IPv6)");
		return EINVAL;
	}
	return 0;
}

static int ipn_write(struct api_req *r, const struct api_res *res,
		     const struct store_row *existing,
		     struct store_col *cols, size_t *ncols,
		     char (*scratch)[128])
{
	size_t i;

	for (i = 0; i < *ncols; i++) {
		struct store_col *c = &cols[i];
		const char *acc;

		if (strcmp(c->name, "trunk_sid") || c->v.type != STORE_TEXT)
			continue;
		if (!*c->v.s) {
			c->v.type = STORE_NULL;
			continue;
		}
		acc = existing ? store_row_str(existing, "account_sid")
			       : col_get(cols, *ncols, "account_sid");
		if (owned_row(r, "trunks", c->v.s, acc, NULL)) {
			api_error(r, 400, 21245, "TrunkSid %s not found",
				  c->v.s);
			return ENOENT;
		}
	}
	if (!existing) {
		const char *pn = col_get(cols, *ncols, "phone_number");

		if (!col_get(cols, *ncols, "friendly_name") && pn)
			cols[(*ncols)++] = (struct store_col){
				.name = "friendly_name", .v = TXT(pn)};
	}
	return 0;
}

static int assoc_write(struct api_req *r, const struct api_res *res,
		       const struct store_row *existing,
		       struct store_col *cols, size_t *ncols,
		       char (*scratch)[128])
{
	bool cl = !strcmp(res->table, "trunk_credential_lists");
	const char *form = cl ? "CredentialListSid" : "IpAccessControlListSid";
	const char *sid = api_arg(r, form);
	struct store_row *row = NULL;
	char *fn = scratch[API_MAX_ARGS - 1];

	if (!sid) {
		api_error(r, 400, 20001,
			  "Missing required parameter %s in the post body",
			  form);
		return EINVAL;
	}
	if (owned_row(r, cl ? "credential_lists" : "ip_access_control_lists",
		      sid, col_get(cols, *ncols, "account_sid"), &row)) {
		api_error(r, 404, 20404, "%s %s not found", form, sid);
		return ENOENT;
	}
	snprintf(scratch[API_MAX_ARGS - 2], 128, "%s", sid);
	snprintf(fn, 128, "%s", store_row_str(row, "friendly_name"));
	mem_deref(row);
	cols[(*ncols)++] = (struct store_col){
		.name = "sid", .v = TXT(scratch[API_MAX_ARGS - 2])};
	cols[(*ncols)++] =
		(struct store_col){.name = "friendly_name", .v = TXT(fn)};
	return 0;
}

static int64_t parse_date(const char *s, bool end)
{
	struct tm tm;
	const char *p;

	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p) {
		memset(&tm, 0, sizeof(tm));
		p = strptime(s, "%Y-%m-%d", &tm);
		if (!p || *p)
			return -1;
		if (end) {
			tm.tm_hour = 23;
			tm.tm_min = 59;
			tm.tm_sec = 59;
		}
	}
	else if (*p && strcmp(p, "Z") && strcmp(p, "+00:00")) {
		return -1;
	}
	return (int64_t)timegm(&tm);
}

static int alert_filter(struct api_req *r, struct store_cond *conds,
			size_t *n, char (*scratch)[128])
{
	static const char *const levels[] = {"error", "warning", "notice",
					     "debug", NULL};
	const char *v;
	int64_t t;

	if ((v = api_arg(r, "LogLevel"))) {
		const char *const *l;

		for (l = levels; *l && strcmp(*l, v); l++)
			;
		if (!*l) {
			api_error(r, 400, 20001, "Invalid LogLevel: %s", v);
			return EINVAL;
		}
		conds[(*n)++] = (struct store_cond){.col = "log_level",
						    .v = TXT(*l)};
	}
	if ((v = api_arg(r, "StartDate"))) {
		if ((t = parse_date(v, false)) < 0) {
			api_error(r, 400, 20001, "Invalid StartDate: %s", v);
			return EINVAL;
		}
		conds[(*n)++] = (struct store_cond){
			.col = "date_generated", .op = STORE_GE, .v = INTV(t)};
	}
	if ((v = api_arg(r, "EndDate"))) {
		if ((t = parse_date(v, true)) < 0) {
			api_error(r, 400, 20001, "Invalid EndDate: %s", v);
			return EINVAL;
		}
		conds[(*n)++] = (struct store_cond){
			.col = "date_generated", .op = STORE_LE, .v = INTV(t)};
	}
	return 0;
}

static void alert_render(struct api_req *r, const struct api_res *res,
			 const struct store_row *row, json_t *o)
{
	static const char *const extra[] = {
		"request_variables", "request_headers", "response_body",
		"response_headers", "sip_trace", "diagnosis", "evidence",
		NULL};
	const char *const *e;
	const char *s;

	json_object_set_new(o, "api_version", json_string("v1"));
	/* the list view omits the bulky fields (Twilio does the same) */
	if (!strstr(r->path, "/Alerts/"))
		return;
	for (e = extra; *e; e++) {
		s = store_row_str(row, *e);
		json_object_set_new(o, *e, s ? json_string(s) : json_null());
	}
}

static void links(struct api_req *r, const struct store_row *row, json_t *o,
		  const char *key, const char *const *names,
		  const char *const *paths)
{
	char url[700];
	json_t *l = json_object();
	const char *uri = json_string_value(
		json_object_get(o, r->v2010 ? "uri" : "url"));
	size_t i, n = uri ? strlen(uri) : 0;

	if (r->v2010 && n > 5)
		n -= 5; /* drop .json */
	for (i = 0; names[i]; i++) {
		snprintf(url, sizeof(url), "%.*s/%s%s", (int)n, uri ? uri : "",
			 paths[i], r->v2010 ? ".json" : "");
		json_object_set_new(l, names[i], json_string(url));
	}
	json_object_set_new(o, key, l);
}

static void trunk_render(struct api_req *r, const struct api_res *res,
			 const struct store_row *row, json_t *o)
{
	static const char *const n[] = {"origination_urls",
					 "credential_lists",
					 "ip_access_control_lists",
					 "phone_numbers", "recording", NULL};
	static const char *const p[] = {"OriginationUrls", "CredentialLists",
					"IpAccessControlLists", "PhoneNumbers",
					"Recording", NULL};
	json_t *rec = json_object();
	bool ip = false, cred = false;
	json_t *at = json_array();
	struct store_cond c = {.col = "trunk_sid",
			       .v = TXT(store_row_str(row, "sid"))};
	struct store_query q = {.table = "trunk_ip_access_control_lists",
				.conds = &c,
				.nconds = 1};
	size_t cnt = 0;

	json_object_set_new(rec, "mode",
			    json_string(store_row_str(row, "recording_mode")));
	json_object_set_new(rec, "trim",
			    json_string(store_row_str(row, "recording_trim")));
	json_object_set_new(o, "recording", rec);
	ip = !store_count(r->st, &q, &cnt) && cnt;
	q.table = "trunk_credential_lists";
	cred = !store_count(r->st, &q, &cnt) && cnt;
	if (cred)
		json_array_append_new(at, json_string("CREDENTIAL_LIST"));
	if (ip)
		json_array_append_new(at, json_string("IP_ACL"));
	json_object_set_new(o, "auth_type_set", at);
	json_object_set_new(o, "auth_type",
			    json_string(cred && ip ? "CREDENTIAL_LIST,IP_ACL"
					: cred	   ? "CREDENTIAL_LIST"
					: ip	   ? "IP_ACL"
						   : ""));
	links(r, row, o, "links", n, p);
}

static void cl_render(struct api_req *r, const struct api_res *res,
		      const struct store_row *row, json_t *o)
{
	static const char *const n[] = {"credentials", NULL};
	static const char *const p[] = {"Credentials", NULL};

	links(r, row, o, "subresource_uris", n, p);
}

static void acl_render(struct api_req *r, const struct api_res *res,
		       const struct store_row *row, json_t *o)
{
	static const char *const n[] = {"ip_addresses", NULL};
	static const char *const p[] = {"IpAddresses", NULL};

	links(r, row, o, "subresource_uris", n, p);
}

static void policy_render(struct api_req *r, const struct api_res *res,
			  const struct store_row *row, json_t *o)
{
	static const char *const n[] = {"targets", NULL};
	static const char *const p[] = {"Targets", NULL};

	links(r, row, o, "links", n, p);
}

static void ipn_render(struct api_req *r, const struct api_res *res,
		       const struct store_row *row, json_t *o)
{
	json_object_set_new(o, "api_version", json_string("2010-04-01"));
	json_object_set_new(o, "capabilities",
			    json_pack("{s:b,s:b,s:b,s:b}", "voice", 1, "sms",
				      0, "mms", 0, "fax", 0));
	json_object_set_new(o, "status", json_string("in-use"));
	json_object_set_new(o, "origin", json_string("trunkd"));
	json_object_set_new(o, "beta", json_false());
}

/* ---- field tables ---- */

#define END {.col = NULL}
#define FNAME(fl)                                                           \
	{.form = "FriendlyName", .col = "friendly_name", .flags = (fl),     \
	 .def = ""}

static const char *const methods_http[] = {"GET", "POST", NULL};
static const char *const transfer_modes[] = {"disable-all", "enable-all",
					     "sip-only", NULL};
static const char *const transfer_cid[] = {"from-transferee",
					   "from-transferor", NULL};
static const char *const levels[] = {"error", "warning", "notice", "debug",
				     NULL};

static const struct api_field f_trunk[] = {
	FNAME(FF_CREATE | FF_UPDATE),
	{.form = "DomainName", .col = "domain_name",
	 .flags = FF_CREATE | FF_UPDATE, .code = 21232},
	{.form = "DisasterRecoveryUrl", .col = "disaster_recovery_url",
	 .flags = FF_CREATE | FF_UPDATE, .check = ck_url, .code = 21245},
	{.form = "DisasterRecoveryMethod", .col = "disaster_recovery_method",
	 .flags = FF_CREATE | FF_UPDATE, .choices = methods_http,
	 .code = 21245},
	{.form = "TransferMode", .col = "transfer_mode",
	 .flags = FF_CREATE | FF_UPDATE, .choices = transfer_modes,
	 .code = 21245},
	{.form = "TransferCallerId", .col = "transfer_caller_id",
	 .flags = FF_CREATE | FF_UPDATE, .choices = transfer_cid,
	 .code = 21245},
	{.form = "Secure", .col = "secure", .type = FT_BOOL,
	 .flags = FF_CREATE | FF_UPDATE, .code = 21245},
	{.form = "CnamLookupEnabled", .col = "cnam_lookup_enabled",
	 .type = FT_BOOL, .flags = FF_CREATE | FF_UPDATE, .code = 21245},
	{.form = "SymmetricRtpEnabled", .col = "symmetric_rtp_enabled",
	 .type = FT_BOOL, .flags = FF_CREATE | FF_UPDATE, .code = 21245},
	{.form = "CpsLimit", .col = "cps_limit", .type = FT_INT,
	 .flags = FF_CREATE | FF_UPDATE, .code = 21245, .min = 1,
	 .max = 1000000000},
	{.form = "ConcurrentCallsLimit", .col = "concurrent_calls_limit",
	 .type = FT_INT, .flags = FF_CREATE | FF_UPDATE, .code = 21245,
	 .min = 0, .max = 1000000000},
	{.form = "Codecs", .col = "codecs", .flags = FF_CREATE | FF_UPDATE,
	 .check = ck_codecs, .code = 21245},
	{.form = "ConnectionPolicySid", .col = "connection_policy_sid",
	 .flags = FF_CREATE | FF_UPDATE, .code = 21245},
	END,
};

static const struct api_field f_ourl[] = {
	{.form = "FriendlyName", .col = "friendly_name",
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED},
	{.form = "SipUrl", .col = "sip_url",
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED, .check = ck_sip,
	 .code = 21245},
	{.form = "Priority", .col = "priority", .type = FT_INT,
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED, .min = 0,
	 .max = 65535, .code = 21245},
	{.form = "Weight", .col = "weight", .type = FT_INT,
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED, .min = 0,
	 .max = 65535, .code = 21245},
	{.form = "Enabled", .col = "enabled", .type = FT_BOOL,
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED, .code = 21245},
	END,
};

static const struct api_field f_assoc[] = {
	{.col = "friendly_name"},
	END,
};

static const struct api_field f_cl[] = {
	{.form = "FriendlyName", .col = "friendly_name",
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED},
	END,
};

static const struct api_field f_cred[] = {
	{.form = "Username", .col = "username",
	 .flags = FF_CREATE | FF_REQUIRED, .check = ck_user, .code = 21222},
	{.col = "ha1_md5", .flags = FF_HIDDEN},
	{.col = "ha1_sha256", .flags = FF_HIDDEN},
	END,
};

static const struct api_field f_ipaddr[] = {
	{.form = "FriendlyName", .col = "friendly_name",
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED},
	{.form = "IpAddress", .col = "ip_address",
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED, .check = ck_ip,
	 .code = 21234},
	{.form = "CidrPrefixLength", .col = "cidr_prefix_length",
	 .type = FT_INT, .flags = FF_CREATE | FF_UPDATE, .min = 0,
	 .max = 128, .code = 21234},
	END,
};

static const struct api_field f_ipn[] = {
	{.form = "PhoneNumber", .col = "phone_number",
	 .flags = FF_CREATE | FF_REQUIRED | FF_FILTER, .check = ck_e164,
	 .code = 21421},
	{.form = "FriendlyName", .col = "friendly_name",
	 .flags = FF_CREATE | FF_UPDATE | FF_FILTER},
	{.form = "TrunkSid", .col = "trunk_sid",
	 .flags = FF_CREATE | FF_UPDATE, .code = 21245},
	{.form = "VoiceUrl", .col = "voice_url",
	 .flags = FF_CREATE | FF_UPDATE, .check = ck_url, .code = 21502},
	{.form = "VoiceMethod", .col = "voice_method",
	 .flags = FF_CREATE | FF_UPDATE, .choices = methods_http},
	END,
};

static const struct api_field f_cid[] = {
	{.form = "PhoneNumber", .col = "phone_number",
	 .flags = FF_CREATE | FF_REQUIRED | FF_FILTER, .check = ck_e164,
	 .code = 21421},
	FNAME(FF_CREATE | FF_UPDATE | FF_FILTER),
	END,
};

static const struct api_field f_policy[] = {
	FNAME(FF_CREATE | FF_UPDATE),
	END,
};

static const struct api_field f_target[] = {
	FNAME(FF_CREATE | FF_UPDATE),
	{.form = "Target", .col = "target",
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED, .check = ck_sip,
	 .code = 21245},
	{.form = "Priority", .col = "priority", .type = FT_INT,
	 .flags = FF_CREATE | FF_UPDATE, .def = "10", .min = 0,
	 .max = 65535, .code = 21245},
	{.form = "Weight", .col = "weight", .type = FT_INT,
	 .flags = FF_CREATE | FF_UPDATE, .def = "10", .min = 0, .max = 65535,
	 .code = 21245},
	{.form = "Enabled", .col = "enabled", .type = FT_BOOL,
	 .flags = FF_CREATE | FF_UPDATE, .def = "true", .code = 21245},
	END,
};

static const struct api_field f_deny[] = {
	{.form = "Prefix", .col = "prefix",
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED | FF_FILTER,
	 .check = ck_prefix, .code = 21421},
	FNAME(FF_CREATE | FF_UPDATE),
	END,
};

static const struct api_field f_alert[] = {
	{.col = "alert_text"},
	{.col = "error_code", .form = "ErrorCode", .flags = FF_FILTER},
	{.col = "log_level", .choices = levels},
	{.col = "more_info"},
	{.col = "request_method"},
	{.col = "request_url"},
	{.col = "resource_sid", .form = "ResourceSid", .flags = FF_FILTER},
	{.col = "service_sid"},
	{.col = "date_generated", .type = FT_DATE},
	END,
};

static const struct api_field f_alarm[] = {
	{.form = "friendlyName", .col = "friendly_name",
	 .json = "friendlyName", .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED},
	{.form = "description", .col = "description", .json = "description",
	 .flags = FF_CREATE | FF_UPDATE},
	{.form = "queryType", .col = "query_type", .json = "queryType",
	 .flags = FF_CREATE | FF_UPDATE, .code = 20001},
	{.form = "query", .col = "query", .json = "query",
	 .flags = FF_CREATE | FF_UPDATE | FF_REQUIRED},
	{.form = "triggerValue", .col = "trigger_value", .json = "triggerValue",
	 .type = FT_INT, .flags = FF_CREATE | FF_UPDATE, .min = 1,
	 .max = 1000000000},
	{.form = "timeWindow", .col = "time_window", .json = "timeWindow",
	 .type = FT_INT, .flags = FF_CREATE | FF_UPDATE, .min = 60,
	 .max = 86400 * 31},
	{.form = "email", .col = "email", .json = "email",
	 .flags = FF_CREATE | FF_UPDATE},
	{.form = "webhook", .col = "webhook", .json = "webhook",
	 .flags = FF_CREATE | FF_UPDATE, .check = ck_url},
	{.form = "consoleIndicator", .col = "console_indicator",
	 .json = "consoleIndicator", .type = FT_BOOL,
	 .flags = FF_CREATE | FF_UPDATE},
	{.form = "enabled", .col = "enabled", .json = "enabled",
	 .type = FT_BOOL, .flags = FF_CREATE | FF_UPDATE},
	{.col = "product", .json = "product"},
	END,
};

#define ALL (RM_LIST | RM_CREATE | RM_FETCH | RM_UPDATE | RM_DELETE)
#define ACC2010 "/2010-04-01/Accounts/{AC}"

const struct api_res api_resources[] = {
	{.path = "/v1/Trunks", .table = "trunks", .prefix = "TK",
	 .list_key = "trunks", .methods = ALL, .fields = f_trunk,
	 .on_write = trunk_write, .render = trunk_render},
	{.path = "/v1/Trunks/{TK}/OriginationUrls",
	 .table = "origination_urls", .prefix = "OU",
	 .list_key = "origination_urls", .parent_col = "trunk_sid",
	 .parent_table = "trunks", .methods = ALL, .fields = f_ourl},
	{.path = "/v1/Trunks/{TK}/CredentialLists",
	 .table = "trunk_credential_lists", .prefix = "CL",
	 .list_key = "credential_lists", .parent_col = "trunk_sid",
	 .parent_table = "trunks",
	 .methods = RM_LIST | RM_CREATE | RM_FETCH | RM_DELETE,
	 .fields = f_assoc, .on_write = assoc_write,
	 .item_is_parent_ref = true},
	{.path = "/v1/Trunks/{TK}/IpAccessControlLists",
	 .table = "trunk_ip_access_control_lists", .prefix = "AL",
	 .list_key = "ip_access_control_lists", .parent_col = "trunk_sid",
	 .parent_table = "trunks",
	 .methods = RM_LIST | RM_CREATE | RM_FETCH | RM_DELETE,
	 .fields = f_assoc, .on_write = assoc_write,
	 .item_is_parent_ref = true},
	{.path = ACC2010 "/SIP/CredentialLists", .table = "credential_lists",
	 .prefix = "CL", .list_key = "credential_lists", .methods = ALL,
	 .fields = f_cl, .render = cl_render},
	{.path = ACC2010 "/SIP/CredentialLists/{CL}/Credentials",
	 .table = "credentials", .prefix = "CR", .list_key = "credentials",
	 .parent_col = "credential_list_sid",
	 .parent_table = "credential_lists", .methods = ALL,
	 .fields = f_cred, .on_write = cred_write},
	{.path = ACC2010 "/SIP/IpAccessControlLists",
	 .table = "ip_access_control_lists", .prefix = "AL",
	 .list_key = "ip_access_control_lists", .methods = ALL,
	 .fields = f_cl, .render = acl_render},
	{.path = ACC2010 "/SIP/IpAccessControlLists/{AL}/IpAddresses",
	 .table = "ip_addresses", .prefix = "IP", .list_key = "ip_addresses",
	 .parent_col = "ip_access_control_list_sid",
	 .parent_table = "ip_access_control_lists", .methods = ALL,
	 .fields = f_ipaddr, .on_write = ipaddr_write},
	{.path = ACC2010 "/IncomingPhoneNumbers",
	 .table = "incoming_phone_numbers", .prefix = "PN",
	 .list_key = "incoming_phone_numbers", .methods = ALL,
	 .fields = f_ipn, .on_write = ipn_write, .render = ipn_render},
	{.path = ACC2010 "/OutgoingCallerIds", .table = "outgoing_caller_ids",
	 .prefix = "PN", .list_key = "outgoing_caller_ids", .methods = ALL,
	 .fields = f_cid},
	{.path = "/v1/ConnectionPolicies", .table = "connection_policies",
	 .prefix = "NY", .list_key = "connection_policies", .methods = ALL,
	 .fields = f_policy, .render = policy_render},
	{.path = "/v1/ConnectionPolicies/{NY}/Targets",
	 .table = "connection_policy_targets", .prefix = "NE",
	 .list_key = "targets", .parent_col = "connection_policy_sid",
	 .parent_table = "connection_policies", .methods = ALL,
	 .fields = f_target},
	{.path = "/v1/DenyList", .table = "deny_list", .prefix = "DN",
	 .list_key = "deny_list", .methods = ALL, .fields = f_deny},
	{.path = "/v1/Alerts", .table = "alerts", .prefix = "NO",
	 .list_key = "alerts", .methods = RM_LIST | RM_FETCH | RM_DELETE,
	 .fields = f_alert, .filter = alert_filter, .render = alert_render,
	 .order_col = "date_created", .order_desc = true},
	{.path = "/v2/Alarms", .table = "alarms", .prefix = "AX",
	 .list_key = "alarms", .methods = ALL, .fields = f_alarm},
};

const size_t api_nresources = sizeof(api_resources) /
			      sizeof(api_resources[0]);
