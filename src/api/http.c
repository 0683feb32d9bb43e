/* HTTP server (libmicrohttpd, internal polling thread): request parsing,
 * Basic auth, routing to the resource table, JSON replies. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "api/api_int.h"
#include "base/log.h"
#include "base/mem.h"

enum { MAX_BODY = 256 * 1024 };

struct api_server {
	struct MHD_Daemon *mhd;
	struct store *st;	  /* ref */
	struct snapshot_pub *pub; /* ref */
	uint16_t port;
};

struct conn {
	char *body; /* mem */
	size_t len;
	bool too_big;
};

const char *api_arg(const struct api_req *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nargs; i++) {
		if (!strcmp(r->args[i].key, key))
			return r->args[i].val;
	}
	return NULL;
}

void api_error(struct api_req *r, unsigned status, int code, const char *fmt,
	       ...)
{
	char msg[512], more[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(more, sizeof(more), "https://www.twilio.com/docs/errors/%d",
		 code);
	json_decref(r->out);
	r->out = json_pack("{s:i,s:s,s:s,s:i}", "code", code, "message", msg,
			   "more_info", more, "status", (int)status);
	r->status = status;
}

const char *api_auth_sid(const struct api_req *r)
{
	return store_row_str(r->auth, "sid");
}

bool api_visible(struct api_req *r, const char *account_sid)
{
	struct store_row *row = NULL;
	const char *me = api_auth_sid(r);
	const char *owner;
	bool ok;

	if (!account_sid || !me)
		return false;
	if (!strcmp(account_sid, me))
		return true;
	if (api_account_get(r->st, account_sid, &row))
		return false;
	owner = store_row_str(row, "owner_account_sid");
	ok = owner && !strcmp(owner, me);
	mem_deref(row);
	return ok;
}

static int add_arg(struct api_req *r, const char *k, size_t kl, const char *v,
		   size_t vl)
{
	if (r->nargs >= API_MAX_ARGS)
		return E2BIG;
	r->args[r->nargs].key = mem_strndup(k, kl);
	r->args[r->nargs].val = mem_strndup(v, vl);
	if (!r->args[r->nargs].key || !r->args[r->nargs].val) {
		mem_deref(r->args[r->nargs].key);
		mem_deref(r->args[r->nargs].val);
		return ENOMEM;
	}
	r->nargs++;
	return 0;
}

static size_t url_decode(char *s)
{
	char *o = s, *i = s;

	while (*i) {
		if (*i == '+') {
			*o++ = ' ';
			i++;
		} else if (*i == '%' && i[1] && i[2] &&
			   strchr("0123456789abcdefABCDEF", i[1]) &&
			   strchr("0123456789abcdefABCDEF", i[2])) {
			char h[3] = {i[1], i[2], 0};

			*o++ = (char)strtol(h, NULL, 16);
			i += 3;
		} else {
			*o++ = *i++;
		}
	}
	*o = '\0';
	return (size_t)(o - s);
}

/* Parse application/x-www-form-urlencoded. */
static int parse_form(struct api_req *r, char *body)
{
	char *save = NULL, *tok;
	int err = 0;

	for (tok = strtok_r(body, "&", &save); tok && !err;
	     tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '=');
		char *v = eq ? eq + 1 : tok + strlen(tok);
		size_t kl, vl;

		if (eq)
			*eq = '\0';
		kl = url_decode(tok);
		vl = url_decode(v);
		if (kl)
			err = add_arg(r, tok, kl, v, vl);
	}
	return err;
}

/* A JSON object body (Monitor v2): top-level scalar members as args. */
static int parse_json(struct api_req *r, const char *body, size_t len)
{
	json_t *o = json_loadb(body, len, 0, NULL), *v;
	const char *k;
	int err = 0;

	if (!json_is_object(o)) {
		json_decref(o);
		return EBADMSG;
	}
	json_object_foreach(o, k, v)
	{
		char buf[64];
		const char *s = buf;

		if (json_is_string(v))
			s = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(buf, sizeof(buf), "%lld",
				 (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			s = json_is_true(v) ? "true" : "false";
		else
			continue;
		err = add_arg(r, k, strlen(k), s, strlen(s));
		if (err)
			break;
	}
	json_decref(o);
	return err;
}

static enum MHD_Result get_arg_cb(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *value)
{
	struct api_req *r = cls;

	(void)kind;
	if (key)
		(void)add_arg(r, key, strlen(key), value ? value : "",
			      value ? strlen(value) : 0);
	return MHD_YES;
}

/* 0 and r->auth set, or an error reply. */
static int authenticate(struct api_req *r, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    "Authorization");
	unsigned char dec[512];
	char hash[72], *colon;
	struct store_row *row = NULL;
	const char *stored;
	int n;

	if (!h || strncasecmp(h, "Basic ", 6))
		goto fail;
	h += 6;
	while (*h == ' ')
		h++;
	if (strlen(h) > 600)
		goto fail;
	n = EVP_DecodeBlock(dec, (const unsigned char *)h, (int)strlen(h));
	if (n <= 0)
		goto fail;
	/* strip base64 padding bytes */
	if (strlen(h) >= 2 && h[strlen(h) - 1] == '=')
		n -= (h[strlen(h) - 2] == '=') ? 2 : 1;
	dec[n] = '\0';
	colon = strchr((char *)dec, ':');
	if (!colon)
		goto fail;
	*colon = '\0';
	if (!store_sid_valid((char *)dec, "AC"))
		goto fail;
	if (api_account_get(r->st, (char *)dec, &row))
		goto fail;
	stored = store_row_str(row, "auth_token_hash");
	if (api_token_hash(hash, (char *)dec, colon + 1) || !stored ||
	    strlen(stored) != strlen(hash) ||
	    CRYPTO_memcmp(stored, hash, strlen(hash)) ||
	    !strcmp(store_row_str(row, "status"), "closed"))
		goto fail;
	r->auth = row;
	return 0;
fail:
	mem_deref(row);
	api_error(r, 401, 20003, "Authenticate");
	return EACCES;
}

/* {XX}: any non-empty segment, copied into sidbuf (an over-long one as
 * ""); the SID check is the handler's (404). */
static bool seg_capture(const char *seg, size_t sl, char *sidbuf)
{
	if (sl == 0)
		return false;
	if (sl > 34) {
		sidbuf[0] = '\0';
		return true;
	}
	memcpy(sidbuf, seg, sl);
	sidbuf[sl] = '\0';
	return true;
}

static bool seg_literal(const char *pat, const char *seg, size_t sl)
{
	return strlen(pat) == sl && !strncmp(pat, seg, sl);
}

/* Match path against res: returns 1 collection, 2 item, 0 no. */
static int route_match(const struct api_res *res, const char *path,
		       char sids[][35], size_t *nsids, char *item)
{
	const char *p = res->path, *q = path;
	size_t n = 0;

	while (*p && *q) {
		const char *pe = strchr(p + 1, '/');
		const char *qe = strchr(q + 1, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t ql = qe ? (size_t)(qe - q) : strlen(q);
		char pat[64];

		if (*p != '/' || *q != '/' || pl >= sizeof(pat))
			return 0;
		memcpy(pat, p + 1, pl - 1);
		pat[pl - 1] = '\0';
		if (pat[0] == '{') {
			if (n >= API_MAX_SEGS ||
			    !seg_capture(q + 1, ql - 1, sids[n]))
				return 0;
			n++;
		} else if (!seg_literal(pat, q + 1, ql - 1)) {
			return 0;
		}
		p += pl;
		q += ql;
	}
	if (*p)
		return 0;
	*nsids = n;
	if (!*q)
		return 1;
	if (*q == '/' && !strchr(q + 1, '/') && strlen(q + 1) <= 34 && q[1]) {
		strcpy(item, q + 1);
		return 2;
	}
	return 0;
}

static void route(struct api_req *r)
{
	char sids[API_MAX_SEGS][35], item[35];
	const char *sp[API_MAX_SEGS];
	size_t i, j, n;

	if (api_special(r))
		return;
	for (i = 0; i < api_nresources; i++) {
		const struct api_res *res = &api_resources[i];
		int m = route_match(res, r->path, sids, &n, item);

		if (!m)
			continue;
		for (j = 0; j < n; j++)
			sp[j] = sids[j];
		api_crud(r, res, sp, n, m == 2 ? item : NULL);
		return;
	}
	api_error(r, 404, 20404, "The requested resource %s was not found",
		  r->path);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct api_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text = NULL;

	if (r->status == 204 || !r->out) {
		resp = MHD_create_response_from_buffer(0, (void *)"",
						       MHD_RESPMEM_PERSISTENT);
	} else {
		text = json_dumps(r->out, JSON_COMPACT);
		resp = MHD_create_response_from_buffer(
			text ? strlen(text) : 0, text ? text : (void *)"",
			text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(resp, "Content-Type",
					"application/json");
	}
	if (!resp)
		return MHD_NO;
	if (r->status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate",
					"Basic realm=\"trunkd\"");
	ret = MHD_queue_response(c, r->status ? r->status : 500, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void req_reset(struct api_req *r)
{
	size_t i;

	for (i = 0; i < r->nargs; i++) {
		mem_deref(r->args[i].key);
		mem_deref(r->args[i].val);
	}
	r->nargs = 0;
	r->auth = mem_deref(r->auth);
	json_decref(r->out);
	r->out = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct api_server *srv = cls;
	struct conn *cn = *con_cls;
	struct api_req r;
	const char *host, *ctype;
	enum MHD_Result ret;
	size_t l;

	(void)version;
	if (!cn) {
		cn = mem_zalloc(sizeof(*cn), NULL);
		if (!cn)
			return MHD_NO;
		*con_cls = cn;
		return MHD_YES;
	}
	if (*upload_size) {
		if (cn->len + *upload_size > MAX_BODY) {
			cn->too_big = true;
		} else {
			char *nb = mem_realloc(cn->body,
					       cn->len + *upload_size + 1);

			if (!nb)
				return MHD_NO;
			cn->body = nb;
			memcpy(cn->body + cn->len, upload, *upload_size);
			cn->len += *upload_size;
			cn->body[cn->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}

	memset(&r, 0, sizeof(r));
	r.st = srv->st;
	r.pub = srv->pub;
	r.method = method;
	host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	snprintf(r.base, sizeof(r.base), "http://%s",
		 host ? host : "127.0.0.1");
	l = strlen(url);
	if (l >= sizeof(r.path)) {
		api_error(&r, 414, 20001, "URI too long");
		goto reply;
	}
	strcpy(r.path, url);
	while (l > 1 && r.path[l - 1] == '/')
		r.path[--l] = '\0';
	r.v2010 = !strncmp(r.path, "/2010-04-01/", 12) ||
		  !strcmp(r.path, "/2010-04-01/Accounts.json");
	if (r.v2010) {
		if (l > 5 && !strcmp(r.path + l - 5, ".json"))
			r.path[l - 5] = '\0';
	}
	if (cn->too_big) {
		api_error(&r, 413, 20001, "Request body too large");
		goto reply;
	}
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, get_arg_cb, &r);
	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					    "Content-Type");
	if (cn->body && cn->len) {
		int err;

		if (ctype && !strncasecmp(ctype, "application/json", 16))
			err = parse_json(&r, cn->body, cn->len);
		else
			err = parse_form(&r, cn->body);
		if (err) {
			api_error(&r, 400, 20001, "Malformed request body");
			goto reply;
		}
	}
	if (authenticate(&r, c))
		goto reply;
	route(&r);
reply:
	ret = send_reply(c, &r);
	req_reset(&r);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn *cn = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (cn) {
		mem_deref(cn->body);
		mem_deref(cn);
	}
	*con_cls = NULL;
}

static void server_destroy(void *arg)
{
	struct api_server *srv = arg;

	if (srv->mhd)
		MHD_stop_daemon(srv->mhd);
	mem_deref(srv->st);
	mem_deref(srv->pub);
}

int api_server_start(struct api_server **srvp, const struct api_config *cfg,
		     struct store *st, struct snapshot_pub *pub)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	const union MHD_DaemonInfo *di;
	struct api_server *srv;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	const char *host;
	char sid[35];
	char *token = NULL;
	int err;

	if (!srvp || !cfg || !st)
		return EINVAL;
	host = cfg->host ? cfg->host : "127.0.0.1";
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons(cfg->port);
		sa = (struct sockaddr *)&sin;
	} else if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(cfg->port);
		sa = (struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		return EINVAL;
	}
	err = api_bootstrap(st, cfg, sid, &token);
	if (err)
		return err;
	if (token) {
		printf("trunkd: bootstrap account %s auth token %s\n", sid,
		       token);
		fflush(stdout);
		mem_deref(token);
	}
	srv = mem_zalloc(sizeof(*srv), server_destroy);
	if (!srv)
		return ENOMEM;
	srv->st = mem_ref(st);
	srv->pub = mem_ref(pub);
	srv->mhd = MHD_start_daemon(flags, cfg->port, NULL, NULL, on_request,
				    srv, MHD_OPTION_SOCK_ADDR, sa,
				    MHD_OPTION_NOTIFY_COMPLETED, on_completed,
				    NULL, MHD_OPTION_CONNECTION_TIMEOUT,
				    (unsigned)30, MHD_OPTION_END);
	if (!srv->mhd) {
		log_error("api: cannot listen on %s:%u", host, cfg->port);
		mem_deref(srv);
		return EADDRINUSE;
	}
	di = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : cfg->port;
	log_info("api: listening on %s:%u", host, srv->port);
	*srvp = srv;
	return 0;
}

uint16_t api_server_port(const struct api_server *srv)
{
	return srv ? srv->port : 0;
}
