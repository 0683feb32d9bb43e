/* Alert records: copying an event at emit time (one mem block, so the SIP
 * loop pays one allocation) and rendering the derived strings on the
 * writer thread. */
#include "alert/alert_int.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/mem.h"

/* Bump allocator over the record's block; with base == NULL it only
 * measures. */
struct arena {
	char *base;
	size_t used;
};

static const char *arena_put(struct arena *a, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;
	size_t off = a->used;

	a->used += n + 1;
	if (!a->base)
		return NULL;
	if (n)
		memcpy(a->base + off, s, n);
	a->base[off + n] = '\0';
	return a->base + off;
}

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

static void record_destroy(void *data)
{
	struct alert_record *rec = data;
	struct alert_copy *c = rec->priv;

	free(c->r_text);
	free(c->r_vars);
	free(c->r_trace);
	free(c->r_evidence);
	free(c->r_diag);
	free(c->r_resp);
}

/* Lay out the copied event. Pass 1 (a->base == NULL) measures the
 * strings; pass 2 fills rec and c. */
static void pack(struct arena *a, struct alert_record *rec,
		 struct alert_copy *c, const struct alert_event *ev)
{
	const char *s;

	s = arena_put(a, ev->account_sid, 64);
	if (rec)
		rec->account_sid = s;
	s = arena_put(a, ev->resource_sid, 64);
	if (rec)
		rec->resource_sid = s;
	s = arena_put(a, ev->call_id, ALERT_MAX_STR);
	if (rec)
		rec->call_id = s;
	s = arena_put(a, ev->request_method, 32);
	if (rec)
		rec->request_method = s;
	s = arena_put(a, ev->request_url, ALERT_MAX_STR);
	if (rec)
		rec->request_url = s;
	s = arena_put(a, ev->response_body, ALERT_MAX_BODY);
	if (rec)
		rec->response_body = s;
	for (size_t i = 0; i < c->text_n; i++) {
		const char *k = arena_put(a, ev->text[i].key, 64);
		const char *v = arena_put(a, ev->text[i].value, ALERT_MAX_STR);

		if (rec) {
			c->text[i].key = k;
			c->text[i].value = v;
		}
	}
	for (size_t i = 0; i < c->vars_n; i++) {
		const char *k = arena_put(a, ev->vars[i].key, 64);
		const char *v = arena_put(a, ev->vars[i].value, ALERT_MAX_STR);

		if (rec) {
			c->vars[i].key = k;
			c->vars[i].value = v;
		}
	}
	for (size_t i = 0; i < c->evidence_n; i++) {
		s = arena_put(a, ev->evidence[i], ALERT_MAX_STR);
		if (rec)
			c->evidence[i] = s;
	}
	for (size_t i = 0; i < c->trace_n; i++) {
		const struct alert_trace_msg *m = &ev->trace[i];
		size_t len = m->msg ? min_sz(m->msg_len, ALERT_MAX_MSG) : 0;
		const char *src = arena_put(a, m->src, 64);
		const char *dst = arena_put(a, m->dst, 64);
		size_t off = a->used;

		a->used += len + 1;
		if (!rec)
			continue;
		if (len)
			memcpy(a->base + off, m->msg, len);
		a->base[off + len] = '\0';
		c->trace[i] = (struct alert_trace_msg){
			.time_ms = m->time_ms,
			.leg = m->leg,
			.sent = m->sent,
			.src = src,
			.dst = dst,
			.msg = a->base + off,
			.msg_len = len,
		};
	}
}

static size_t align_up(size_t n)
{
	size_t al = alignof(max_align_t);

	return (n + al - 1) & ~(al - 1);
}

int alert_record_alloc(struct alert_record **recp,
		       const struct alert_event *ev,
		       const struct alert_def *def, int64_t now)
{
	struct alert_copy cnt = {
		.text_n = ev->text ? min_sz(ev->text_n, ALERT_MAX_PAIRS) : 0,
		.vars_n = ev->vars ? min_sz(ev->vars_n, ALERT_MAX_PAIRS) : 0,
		.evidence_n = ev->evidence
				      ? min_sz(ev->evidence_n, ALERT_MAX_LINES)
				      : 0,
		.trace_n =
			ev->trace ? min_sz(ev->trace_n, ALERT_MAX_TRACE) : 0,
	};
	struct arena a = {.base = NULL, .used = 0};
	size_t o_copy, o_text, o_vars, o_ev, o_trace, o_str, total;
	struct alert_record *rec;
	struct alert_copy *c;
	char *blk;

	if (!ev || !def)
		return EINVAL;
	pack(&a, NULL, &cnt, ev);
	o_copy = align_up(sizeof(*rec));
	o_text = align_up(o_copy + sizeof(*c));
	o_vars = align_up(o_text + cnt.text_n * sizeof(struct alert_kv));
	o_ev = align_up(o_vars + cnt.vars_n * sizeof(struct alert_kv));
	o_trace = align_up(o_ev + cnt.evidence_n * sizeof(char *));
	o_str = o_trace + cnt.trace_n * sizeof(struct alert_trace_msg);
	total = o_str + a.used;

	blk = mem_alloc(total, record_destroy);
	if (!blk)
		return ENOMEM;
	memset(blk, 0, o_str);
	rec = (struct alert_record *)(void *)blk;
	c = (struct alert_copy *)(void *)(blk + o_copy);
	*c = cnt;
	c->def = def;
	c->response_code = ev->response_code ? ev->response_code : def->status;
	c->text = (struct alert_kv *)(void *)(blk + o_text);
	c->vars = (struct alert_kv *)(void *)(blk + o_vars);
	c->evidence = (const char **)(void *)(blk + o_ev);
	c->trace = (struct alert_trace_msg *)(void *)(blk + o_trace);
	rec->priv = c;
	a.base = blk + o_str;
	a.used = 0;
	pack(&a, rec, c, ev);

	snprintf(rec->error_code, sizeof(rec->error_code), "%u",
		 (unsigned)def->code);
	rec->log_level = alert_level_name(def->level);
	rec->date_generated = ev->date_generated ? ev->date_generated : now;
	rec->date_created = rec->date_generated;
	rec->alert_text = "";
	rec->request_variables = "";
	rec->trace = "[]";
	rec->diagnosis = "";
	rec->evidence = "";
	*recp = rec;
	return 0;
}

/* application/x-www-form-urlencoded style percent-encoding of one
 * component (unreserved characters kept). */
static int put_enc(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int err = 0;

	for (; *s && !err; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.' || ch == '~') {
			err = buf_write_u8(b, ch);
		} else {
			char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};

			err = buf_write(b, e, sizeof(e));
		}
	}
	return err;
}

static int put_pair(struct buf *b, const char *k, const char *v)
{
	int err = 0;

	if (b->end)
		err = buf_write_u8(b, '&');
	if (!err)
		err = put_enc(b, k);
	if (!err)
		err = buf_write_u8(b, '=');
	if (!err)
		err = put_enc(b, v);
	return err;
}

static char *buf_to_cstr(struct buf *b)
{
	char *s = malloc(b->end + 1);

	if (!s)
		return NULL;
	if (b->end)
		memcpy(s, b->data, b->end);
	s[b->end] = '\0';
	return s;
}

static int render_pairs(char **outp, const char *call_id, uint16_t status,
			const struct alert_kv *kv, size_t n)
{
	struct buf *b = buf_alloc(256);
	char code[8];
	int err = 0;

	if (!b)
		return ENOMEM;
	if (call_id && *call_id)
		err = put_pair(b, "sipCallId", call_id);
	if (!err && status) {
		snprintf(code, sizeof(code), "%u", (unsigned)status);
		err = put_pair(b, "responseCode", code);
	}
	for (size_t i = 0; i < n && !err; i++) {
		if (!kv[i].key || !*kv[i].key)
			continue;
		err = put_pair(b, kv[i].key, kv[i].value ? kv[i].value : "");
	}
	if (!err) {
		*outp = buf_to_cstr(b);
		if (!*outp)
			err = ENOMEM;
	}
	mem_deref(b);
	return err;
}

/* A JSON string of bytes that may not be UTF-8 or may hold NULs (which
 * most JSON readers refuse): such bytes become '?', so a hostile message
 * never breaks the trace. */
static json_t *json_bytes(const char *s, size_t n)
{
	json_t *j = memchr(s, 0, n) ? NULL : json_stringn(s, n);
	char *tmp;

	if (j)
		return j;
	tmp = malloc(n + 1);
	if (!tmp)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		tmp[i] = (ch >= 0x80 || ch == 0) ? '?' : (char)ch;
	}
	j = json_stringn(tmp, n);
	free(tmp);
	return j;
}

static void fmt_time_ms(char *out, size_t sz, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, sz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static int render_trace(char **outp, const struct alert_copy *c)
{
	json_t *arr = json_array();
	int err = 0;

	if (!arr)
		return ENOMEM;
	for (size_t i = 0; i < c->trace_n && !err; i++) {
		const struct alert_trace_msg *m = &c->trace[i];
		char tbuf[64], leg[2] = {m->leg ? m->leg : 'A', '\0'};
		json_t *o;

		fmt_time_ms(tbuf, sizeof(tbuf), m->time_ms);
		o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:o*}", "time",
			      tbuf, "time_ms", (json_int_t)m->time_ms, "leg",
			      leg, "direction", m->sent ? "sent" : "received",
			      "src", m->src, "dst", m->dst, "message",
			      json_bytes(m->msg, m->msg_len));
		if (!o || json_array_append_new(arr, o))
			err = ENOMEM;
	}
	if (!err) {
		*outp = json_dumps(arr, JSON_COMPACT);
		if (!*outp)
			err = ENOMEM;
	}
	json_decref(arr);
	return err;
}

static int render_lines(char **outp, const char *const *lines, size_t n)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	s = malloc(len);
	if (!s)
		return ENOMEM;
	p = s;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(lines[i]);

		if (i)
			*p++ = '\n';
		memcpy(p, lines[i], l);
		p += l;
	}
	*p = '\0';
	*outp = s;
	return 0;
}

static int render_diag(char **outp, const struct alert_def *def)
{
	size_t len = strlen(def->cause) + strlen(def->fix) + 8;
	char *s = malloc(len);

	if (!s)
		return ENOMEM;
	snprintf(s, len, "%s Fix: %s", def->cause, def->fix);
	*outp = s;
	return 0;
}

int alert_record_render(struct alert_record *rec)
{
	struct alert_copy *c;
	char resp[160];
	int err;

	if (!rec || !rec->priv)
		return EINVAL;
	c = rec->priv;
	if (c->r_text)
		return 0; /* rendered already */
	err = render_pairs(&c->r_text, rec->call_id, c->response_code, c->text,
			   c->text_n);
	if (!err)
		err = render_pairs(&c->r_vars, NULL, 0, c->vars, c->vars_n);
	if (!err)
		err = render_trace(&c->r_trace, c);
	if (!err)
		err = render_lines(&c->r_evidence, c->evidence, c->evidence_n);
	if (!err)
		err = render_diag(&c->r_diag, c->def);
	if (err)
		return err;
	rec->alert_text = c->r_text;
	rec->request_variables = c->r_vars;
	rec->trace = c->r_trace;
	rec->evidence = c->r_evidence;
	rec->diagnosis = c->r_diag;
	if (!*rec->response_body && c->response_code) {
		/* the response line the trunk sent */
		snprintf(resp, sizeof(resp), "SIP/2.0 %u %s",
			 (unsigned)c->response_code,
			 c->def->reason ? c->def->reason : "");
		c->r_resp = strdup(resp);
		if (!c->r_resp)
			return ENOMEM;
		rec->response_body = c->r_resp;
	}
	return 0;
}
