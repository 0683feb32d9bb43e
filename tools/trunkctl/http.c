/* trunkctl: sending a request with libcurl, following pagination and
 * printing the answer. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

enum { BODY_MAX = 64 * 1024 * 1024, PAGES_MAX = 100000 };

struct body {
	char *p;
	size_t n;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;
	char *np;

	if (b->n + n > BODY_MAX) {
		b->too_big = true;
		return 0;
	}
	np = realloc(b->p, b->n + n + 1);
	if (!np)
		return 0;
	b->p = np;
	memcpy(b->p + b->n, ptr, n);
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

/* key=value&... of req's fields, percent-encoded; extra appended. */
static char *form_encode(CURL *c, const struct request *req,
			 const char *extra)
{
	size_t len = 0;
	char *out = NULL;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < req->nfields; i++) {
		char *k = curl_easy_escape(c, req->fields[i].key, 0);
		char *v = curl_easy_escape(c, req->fields[i].value, 0);

		if (k && v)
			fprintf(f, "%s%s=%s", i ? "&" : "", k, v);
		curl_free(k);
		curl_free(v);
	}
	if (extra)
		fprintf(f, "%s%s", req->nfields ? "&" : "", extra);
	fclose(f);
	return out;
}

/* Print the API's error (Twilio shape: code, message, more_info, status).
 */
static void api_error_print(long status, const struct body *b)
{
	json_t *j = b->p ? json_loads(b->p, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(j, "message"));
	json_t *code = json_object_get(j, "code");
	const char *more = json_string_value(json_object_get(j, "more_info"));

	if (msg) {
		fprintf(stderr, "error: %s", msg);
		if (json_is_integer(code))
			fprintf(stderr, " (code %lld, HTTP %ld)",
				(long long)json_integer_value(code), status);
		else
			fprintf(stderr, " (HTTP %ld)", status);
		fputc('\n', stderr);
		if (more && *more)
			fprintf(stderr, "see: %s\n", more);
	}
	else {
		const char *t = b->p ? b->p : "";
		size_t n = strcspn(t, "\r\n");

		fprintf(stderr, "error: HTTP %ld%s%.*s\n", status,
			n ? ": " : "", (int)(n > 200 ? 200 : n), t);
	}
	json_decref(j);
}

/* One exchange. *statusp gets the HTTP status; returns 0 or 3 (cannot
 * reach the API). */
static int exchange(CURL *c, const struct config *cfg, const char *method,
		    const char *url, const char *form, struct body *b,
		    long *statusp)
{
	CURLcode rc;

	free(b->p);
	*b = (struct body){.p = NULL, .n = 0, .too_big = false};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_USERNAME, cfg->account_sid);
	curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->auth_token);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "trunkctl/1");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form ? form : "");
	}
	else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
				 strcmp(method, "GET") ? method : NULL);
	}
	if (cfg->verbose)
		fprintf(stderr, "> %s %s%s%s\n", method, url,
			form ? "\n> " : "", form ? form : "");
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		if (b->too_big)
			fprintf(stderr, "error: answer larger than %d bytes\n",
				BODY_MAX);
		else
			fprintf(stderr, "error: cannot reach the API at %s: "
					"%s\n",
				cfg->api, curl_easy_strerror(rc));
		return 3;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, statusp);
	if (cfg->verbose)
		fprintf(stderr, "< %ld (%zu bytes)\n", *statusp, b->n);
	return 0;
}

static void print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2));

	if (s) {
		puts(s);
		free(s);
	}
}

static int print_item(const struct config *cfg, const struct body *b)
{
	json_t *j = json_loads(b->p ? b->p : "", 0, NULL);
	char *s;

	if (!j) {
		fprintf(stderr, "error: the API answered with no JSON\n");
		return 1;
	}
	if (cfg->sid_only) {
		const char *sid =
			json_string_value(json_object_get(j, "sid"));

		if (!sid) {
			fprintf(stderr, "error: the answer has no sid\n");
			json_decref(j);
			return 1;
		}
		puts(sid);
	}
	else if (cfg->json) {
		print_json(j);
	}
	else {
		s = cli_object_render(j);
		if (s)
			fputs(s, stdout);
		free(s);
	}
	json_decref(j);
	return 0;
}

/* The next page's link: next_page_uri (2010-04-01) or meta.next_page_url
 * (v1/v2). */
static const char *next_link(const json_t *page)
{
	const char *s = json_string_value(
		json_object_get(page, "next_page_uri"));

	if (s && *s)
		return s;
	s = json_string_value(json_object_get(
		json_object_get(page, "meta"), "next_page_url"));
	return (s && *s) ? s : NULL;
}

static const char *list_key_of(const struct request *req,
			       const json_t *page)
{
	const char *k = req->cmd->list_key;
	const char *key;
	json_t *v;

	if (k && json_is_array(json_object_get(page, k)))
		return k;
	/* tolerate a different key: the one array of objects */
	json_object_foreach((json_t *)page, key, v) {
		if (json_is_array(v))
			return key;
	}
	return k;
}

static int run_list(CURL *c, const struct config *cfg,
		    const struct request *req, const char *first_url)
{
	json_t *all = json_array();
	char *url = strdup(first_url), *prev = NULL;
	struct body b = {NULL, 0, false};
	const char *key = req->cmd->list_key;
	int ret = 0;

	for (size_t page = 0; url && page < PAGES_MAX; page++) {
		const char *link, *path;
		json_t *j, *items, *it;
		size_t i;
		long status = 0;

		ret = exchange(c, cfg, "GET", url, NULL, &b, &status);
		if (ret)
			break;
		if (status >= 400) {
			api_error_print(status, &b);
			ret = 1;
			break;
		}
		j = json_loads(b.p ? b.p : "", 0, NULL);
		if (!j) {
			fprintf(stderr, "error: the API answered with no "
					"JSON\n");
			ret = 1;
			break;
		}
		key = list_key_of(req, j);
		items = json_object_get(j, key);
		json_array_foreach(items, i, it) {
			if (req->limit && json_array_size(all) >= req->limit)
				break;
			json_array_append(all, it);
		}
		link = next_link(j);
		path = cli_link_path(link);
		free(prev);
		prev = url;
		url = NULL;
		if (path && !(req->limit &&
			      json_array_size(all) >= req->limit) &&
		    json_array_size(items)) {
			size_t n = strlen(cfg->api) + strlen(path) + 1;

			url = malloc(n);
			if (url)
				snprintf(url, n, "%s%s", cfg->api, path);
			if (url && strcmp(url, prev) == 0) {
				free(url); /* a loop: stop */
				url = NULL;
			}
		}
		json_decref(j);
	}
	if (!ret) {
		if (cfg->json) {
			json_t *o = json_pack("{s:O}", key ? key : "items",
					      all);

			print_json(o);
			json_decref(o);
		}
		else {
			char *s = cli_table_render(
				all, req->cmd->columns ? req->cmd->columns
						       : req->res->columns);

			if (s)
				fputs(s, stdout);
			free(s);
		}
	}
	free(url);
	free(prev);
	free(b.p);
	json_decref(all);
	return ret;
}

int cli_run(const struct config *cfg, const struct request *req)
{
	const struct cmd_def *cmd = req->cmd;
	bool is_post = strcmp(cmd->method, "POST") == 0;
	char page_size[32] = "";
	struct body b = {NULL, 0, false};
	char *form = NULL, *url = NULL;
	long status = 0;
	size_t n;
	CURL *c;
	int ret = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return 3;
	c = curl_easy_init();
	if (!c) {
		curl_global_cleanup();
		return 3;
	}
	if (cmd->kind == CMD_LIST)
		snprintf(page_size, sizeof(page_size), "PageSize=%zu",
			 req->page_size ? req->page_size
			 : (req->limit && req->limit < 1000) ? req->limit
							      : 1000);
	form = form_encode(c, req, page_size[0] ? page_size : NULL);
	n = strlen(cfg->api) + strlen(req->path) + (form ? strlen(form) : 0) +
	    2;
	url = malloc(n);
	if (!form || !url) {
		fprintf(stderr, "error: out of memory\n");
		ret = 1;
		goto out;
	}
	if (is_post || !*form)
		snprintf(url, n, "%s%s", cfg->api, req->path);
	else
		snprintf(url, n, "%s%s?%s", cfg->api, req->path, form);
	if (cfg->dry_run) {
		printf("%s %s\n", cmd->method, url);
		for (size_t i = 0; is_post && i < req->nfields; i++)
			printf("%s=%s\n", req->fields[i].key,
			       req->fields[i].value);
		goto out;
	}
	if (cmd->kind == CMD_LIST) {
		ret = run_list(c, cfg, req, url);
		goto out;
	}
	ret = exchange(c, cfg, cmd->method, url, is_post ? form : NULL, &b,
		       &status);
	if (ret)
		goto out;
	if (status >= 400) {
		api_error_print(status, &b);
		ret = 1;
	}
	else if (cmd->kind == CMD_DELETE) {
		if (!cfg->json)
			printf("deleted %s\n", strrchr(req->path, '/') + 1);
	}
	else {
		ret = print_item(cfg, &b);
	}
out:
	free(b.p);
	free(form);
	free(url);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return ret;
}
