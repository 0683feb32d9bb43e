/* trunkctl: command line -> request (pure: no I/O, unit-tested). */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct res_def *cli_res_find(const char *name)
{
	for (const struct res_def *r = trunkctl_resources; r->name; r++) {
		if (name && strcmp(r->name, name) == 0)
			return r;
	}
	return NULL;
}

const struct cmd_def *cli_cmd_find(const struct res_def *res,
				   const char *name)
{
	for (const struct cmd_def *c = res->cmds; c->name; c++) {
		if (name && strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

int cli_duration_parse(const char *s, int64_t *secsp)
{
	static const struct {
		char unit;
		int64_t secs;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400},
		     {'w', 604800}};
	int64_t total = 0;
	const char *p = s;

	if (!s || !*s)
		return EINVAL;
	while (*p) {
		int64_t v = 0, mul = 0;

		if (!isdigit((unsigned char)*p))
			return EINVAL;
		while (isdigit((unsigned char)*p)) {
			if (v > (INT64_MAX - 9) / 10)
				return EINVAL;
			v = v * 10 + (*p++ - '0');
		}
		if (!*p) {
			mul = 1; /* bare number: seconds */
		}
		else {
			size_t nu = sizeof(units) / sizeof(units[0]);

			for (size_t i = 0; i < nu; i++) {
				if (*p == units[i].unit)
					mul = units[i].secs;
			}
			if (!mul)
				return EINVAL;
			p++;
		}
		if (v > (INT64_MAX / 4 - total) / mul)
			return EINVAL;
		total += v * mul;
	}
	*secsp = total;
	return 0;
}

void cli_iso8601(char *out, size_t sz, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void errf(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static struct kv *field_find(struct request *req, const char *key)
{
	for (size_t i = 0; i < req->nfields; i++) {
		if (strcmp(req->fields[i].key, key) == 0)
			return &req->fields[i];
	}
	return NULL;
}

const char *cli_request_get(const struct request *req, const char *key)
{
	struct kv *f = field_find((struct request *)req, key);

	return f ? f->value : NULL;
}

/* Set (or replace) a field; key is static unless key_owned. */
static int field_set(struct request *req, const char *key, bool key_owned,
		     const char *value)
{
	struct kv *f = field_find(req, key);
	char *v = strdup(value);

	if (!v)
		return ENOMEM;
	if (f) {
		free(f->value);
		f->value = v;
		if (key_owned)
			free((char *)key);
		return 0;
	}
	if (req->nfields >= REQ_MAX_FIELDS) {
		free(v);
		return E2BIG;
	}
	req->fields[req->nfields++] = (struct kv){
		.key = key,
		.value = v,
		.key_owned = key_owned,
	};
	return 0;
}

void cli_request_reset(struct request *req)
{
	for (size_t i = 0; i < req->nfields; i++) {
		free(req->fields[i].value);
		if (req->fields[i].key_owned)
			free((char *)req->fields[i].key);
	}
	memset(req, 0, sizeof(*req));
}

static const struct flag_def *flag_find(const struct cmd_def *cmd,
					const char *name, size_t len)
{
	if (!cmd->flags)
		return NULL;
	for (const struct flag_def *f = cmd->flags; f->name; f++) {
		if (strlen(f->name) == len && strncmp(f->name, name, len) == 0)
			return f;
	}
	return NULL;
}

static int bool_norm(const char *s, const char **outp)
{
	static const char *const t[] = {"true", "yes", "on", "1"};
	static const char *const f[] = {"false", "no", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, t[i]) == 0) {
			*outp = "true";
			return 0;
		}
		if (strcasecmp(s, f[i]) == 0) {
			*outp = "false";
			return 0;
		}
	}
	return EINVAL;
}

static bool is_bool_word(const char *s)
{
	const char *o;

	return s && bool_norm(s, &o) == 0;
}

static bool int_valid(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s || strlen(s) > 18)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

/* A date given as is ("2024-01-31", "2024-01-31T10:00:00Z"). */
static bool date_like(const char *s)
{
	return strlen(s) >= 10 && isdigit((unsigned char)s[0]) &&
	       s[4] == '-' && s[7] == '-';
}

static int flag_value(const struct flag_def *f, const char *in, int64_t now,
		      char *buf, size_t bufsz, const char **outp, char *err,
		      size_t errsz)
{
	int64_t secs;

	switch (f->type) {
	case FLAG_STR:
		*outp = in;
		return 0;
	case FLAG_INT:
		if (!int_valid(in)) {
			errf(err, errsz, "--%s wants a number, not '%s'",
			     f->name, in);
			return EINVAL;
		}
		*outp = in;
		return 0;
	case FLAG_BOOL:
		if (bool_norm(in, outp)) {
			errf(err, errsz, "--%s wants true or false, not '%s'",
			     f->name, in);
			return EINVAL;
		}
		return 0;
	case FLAG_SINCE:
	case FLAG_DATE:
		if (cli_duration_parse(in, &secs) == 0) {
			cli_iso8601(buf, bufsz, now - secs);
			*outp = buf;
			return 0;
		}
		if (date_like(in)) {
			*outp = in;
			return 0;
		}
		errf(err, errsz,
		     "--%s wants a duration (30m, 1h, 2d) or a date "
		     "(2024-01-31), not '%s'",
		     f->name, in);
		return EINVAL;
	}
	return EINVAL;
}

/* A SID or code substituted into the path: letters, digits, '+', '-',
 * '_', '.' only, so nothing can escape the path. */
static bool path_arg_valid(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && !strchr("+-_.", *s))
			return false;
	}
	return true;
}

static int path_build(struct request *req, const struct cmd_def *cmd,
		      const char *account_sid, const char *const *pos,
		      char *err, size_t errsz)
{
	size_t o = 0;

	for (const char *p = cmd->path; *p; p++) {
		const char *sub = NULL;
		size_t n;

		if (p[0] == '{' && p[1] && p[2] == '}') {
			if (p[1] == 'A') {
				sub = account_sid;
				if (!sub || !*sub) {
					errf(err, errsz,
					     "no account SID: use "
					     "--account-sid, "
					     "TRUNKD_ACCOUNT_SID or "
					     "--data DIR");
					return EINVAL;
				}
				if (!path_arg_valid(sub)) {
					errf(err, errsz,
					     "invalid account SID '%s'", sub);
					return EINVAL;
				}
			}
			else if (p[1] >= '0' && p[1] <= '2') {
				sub = pos[p[1] - '0'];
			}
		}
		if (sub) {
			n = strlen(sub);
			if (o + n >= sizeof(req->path))
				return E2BIG;
			memcpy(req->path + o, sub, n);
			o += n;
			p += 2;
			continue;
		}
		if (o + 1 >= sizeof(req->path))
			return E2BIG;
		req->path[o++] = *p;
	}
	req->path[o] = '\0';
	return 0;
}

/* dialing-permissions update: the flags go as one JSON form field. */
static int json_form_build(struct request *req, const struct cmd_def *cmd)
{
	json_t *arr = json_array(), *o = json_object();
	char *s = NULL;
	int err = ENOMEM;

	if (!arr || !o)
		goto out;
	for (size_t i = 0; i < req->nfields; i++) {
		const struct kv *f = &req->fields[i];
		const char *b;
		json_t *v;

		if (bool_norm(f->value, &b) == 0 &&
		    strcmp(f->key, "iso_code") != 0)
			v = json_boolean(strcmp(b, "true") == 0);
		else
			v = json_string(f->value);
		if (!v || json_object_set_new(o, f->key, v))
			goto out;
	}
	if (json_array_append(arr, o))
		goto out;
	s = json_dumps(arr, JSON_COMPACT);
	if (!s)
		goto out;
	for (size_t i = 0; i < req->nfields; i++) {
		free(req->fields[i].value);
		if (req->fields[i].key_owned)
			free((char *)req->fields[i].key);
	}
	req->nfields = 0;
	err = field_set(req, cmd->json_form, false, s);
out:
	free(s);
	json_decref(o);
	json_decref(arr);
	return err;
}

int cli_request_build(struct request *req, const struct res_def *res,
		      const struct cmd_def *cmd, const char *account_sid,
		      int argc, char *const *argv, int64_t now, char *err,
		      size_t errsz)
{
	const char *pos[3] = {NULL, NULL, NULL};
	size_t npos = 0, want = 0;
	char datebuf[64];
	int e = 0;

	memset(req, 0, sizeof(*req));
	req->res = res;
	req->cmd = cmd;
	req->limit = cmd->kind == CMD_LIST ? 50 : 0;
	while (want < 3 && cmd->pos[want].name)
		want++;

	for (int i = 0; i < argc && !e; i++) {
		const char *a = argv[i], *eq, *val = NULL, *out = NULL;
		const struct flag_def *f;
		size_t nlen;

		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (npos >= want) {
				errf(err, errsz,
				     "unexpected argument '%s' (see "
				     "trunkctl %s %s --help)",
				     a, res->name, cmd->name);
				e = EINVAL;
				break;
			}
			pos[npos++] = a;
			continue;
		}
		a += 2;
		eq = strchr(a, '=');
		nlen = eq ? (size_t)(eq - a) : strlen(a);
		if (cmd->kind == CMD_LIST &&
		    ((nlen == 5 && strncmp(a, "limit", 5) == 0) ||
		     (nlen == 9 && strncmp(a, "page-size", 9) == 0))) {
			val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!val || !int_valid(val) || *val == '-') {
				errf(err, errsz, "--%.*s wants a number",
				     (int)nlen, a);
				e = EINVAL;
				break;
			}
			if (nlen == 5)
				req->limit = strtoul(val, NULL, 10);
			else
				req->page_size = strtoul(val, NULL, 10);
			continue;
		}
		if (nlen == 3 && strncmp(a, "set", 3) == 0) {
			const char *kvs = eq ? eq + 1 : NULL;
			const char *sep = kvs ? strchr(kvs, '=') : NULL;
			char *key;

			if (!eq && i + 1 < argc) {
				kvs = argv[++i];
				sep = strchr(kvs, '=');
			}
			if (!sep || sep == kvs) {
				errf(err, errsz, "--set wants Key=Value");
				e = EINVAL;
				break;
			}
			key = strndup(kvs, (size_t)(sep - kvs));
			if (!key) {
				e = ENOMEM;
				break;
			}
			e = field_set(req, key, true, sep + 1);
			if (e)
				free(key);
			continue;
		}
		f = flag_find(cmd, a, nlen);
		if (!f) {
			errf(err, errsz,
			     "unknown flag --%.*s for '%s %s' (see trunkctl "
			     "%s %s --help)",
			     (int)nlen, a, res->name, cmd->name, res->name,
			     cmd->name);
			e = EINVAL;
			break;
		}
		if (eq)
			val = eq + 1;
		else if (f->type == FLAG_BOOL)
			val = is_bool_word(i + 1 < argc ? argv[i + 1] : NULL)
				      ? argv[++i]
				      : "true";
		else if (i + 1 < argc)
			val = argv[++i];
		if (!val) {
			errf(err, errsz, "--%s needs a value", f->name);
			e = EINVAL;
			break;
		}
		e = flag_value(f, val, now, datebuf, sizeof(datebuf), &out,
			       err, errsz);
		if (!e)
			e = field_set(req, f->form, false, out);
	}
	if (!e && npos < want) {
		errf(err, errsz, "missing %s (usage: trunkctl %s %s",
		     cmd->pos[npos].name, res->name, cmd->name);
		for (size_t k = 0; k < want; k++) {
			size_t l = strlen(err);

			snprintf(err + l, errsz - l, " %s", cmd->pos[k].name);
		}
		snprintf(err + strlen(err), errsz - strlen(err), ")");
		e = EINVAL;
	}
	for (size_t k = 0; !e && k < npos; k++) {
		if (cmd->pos[k].form) {
			e = field_set(req, cmd->pos[k].form, false, pos[k]);
		}
		else if (!path_arg_valid(pos[k])) {
			errf(err, errsz, "invalid %s '%s'", cmd->pos[k].name,
			     pos[k]);
			e = EINVAL;
		}
	}
	/* defaults, then required */
	for (const struct flag_def *f = cmd->flags; !e && f && f->name; f++) {
		const char *d = f->def;

		if (cli_request_get(req, f->form))
			continue;
		if (f->def_from)
			d = cli_request_get(req, f->def_from);
		if (d)
			e = field_set(req, f->form, false, d);
		else if (f->required) {
			errf(err, errsz, "--%s is required (%s)", f->name,
			     f->help);
			e = EINVAL;
		}
	}
	if (!e && cmd->json_form)
		e = json_form_build(req, cmd);
	if (!e)
		e = path_build(req, cmd, account_sid, pos, err, errsz);
	if (e) {
		if (e == E2BIG)
			errf(err, errsz, "too many or too long arguments");
		else if (e == ENOMEM)
			errf(err, errsz, "out of memory");
		cli_request_reset(req);
	}
	return e;
}

static void copy_trim(char *out, size_t sz, const char *p, size_t n)
{
	while (n && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (n >= 2 && (p[0] == '"' || p[0] == '\'') && p[n - 1] == p[0]) {
		p++;
		n -= 2;
	}
	if (n >= sz)
		n = sz - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

void cli_credentials_parse(struct config *cfg, const char *text)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *eq = memchr(line, '=', len);

		if (eq && line[0] != '#') {
			char key[64];
			const char *v = eq + 1;
			size_t vl = len - (size_t)(v - line);

			copy_trim(key, sizeof(key), line, (size_t)(eq - line));
			if (strncmp(key, "export ", 7) == 0)
				memmove(key, key + 7, strlen(key + 7) + 1);
			if (!strcmp(key, "TRUNKD_ACCOUNT_SID") &&
			    !cfg->account_sid) {
				copy_trim(cfg->sid_buf, sizeof(cfg->sid_buf),
					  v, vl);
				cfg->account_sid = cfg->sid_buf;
			}
			else if (!strcmp(key, "TRUNKD_AUTH_TOKEN") &&
				 !cfg->auth_token) {
				copy_trim(cfg->token_buf,
					  sizeof(cfg->token_buf), v, vl);
				cfg->auth_token = cfg->token_buf;
			}
			else if (!strcmp(key, "TRUNKD_API") && !cfg->api) {
				copy_trim(cfg->api_buf, sizeof(cfg->api_buf),
					  v, vl);
				cfg->api = cfg->api_buf;
			}
		}
		line = end ? end + 1 : NULL;
	}
}

int cli_api_normalise(char *out, size_t sz, const char *in)
{
	size_t n;

	if (!in || !*in)
		return EINVAL;
	if (strncmp(in, "http://", 7) == 0 || strncmp(in, "https://", 8) == 0)
		n = (size_t)snprintf(out, sz, "%s", in);
	else
		n = (size_t)snprintf(out, sz, "http://%s", in);
	if (n >= sz)
		return EINVAL;
	while (n > 0 && out[n - 1] == '/')
		out[--n] = '\0';
	if (strchr(out, ' ') || !strcmp(out, "http:") ||
	    !strcmp(out, "https:"))
		return EINVAL;
	return 0;
}

const char *cli_link_path(const char *link)
{
	const char *p;

	if (!link || !*link)
		return NULL;
	if (link[0] == '/')
		return link;
	p = strstr(link, "://");
	if (!p)
		return NULL;
	p = strchr(p + 3, '/');
	return p;
}
