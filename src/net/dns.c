/* c-ares on the libuv loop, and the answer cache; see dns.h. */
#include "net/dns.h"

#include <ares.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "net/dns_int.h"

enum {
	DNS_MAX_SERVERS = 8,
	DNS_KEY_MAX = 272, /* "type:" + a 253-byte name */
};

/* A uv timer in its own block, freed by its close callback. */
struct dtimer {
	uv_timer_t h;
	struct dns_resolver *r; /* weak; NULL once the resolver is gone */
};

/* A socket c-ares asked us to watch. */
struct dsock {
	struct le le; /* in r->socks */
	uv_poll_t poll;
	ares_socket_t fd;
	struct dns_resolver *r; /* weak; NULL once closing */
};

/* One query in flight at the servers. */
struct dreq {
	struct dns_resolver *r; /* weak: c-ares ends every query before
				   the resolver is freed */
	char *key;		/* owned: cache key */
	dns_rr_h *h;
	void *arg;
};

/* A cached answer. */
struct centry {
	struct le he;  /* in r->cache */
	struct le lru; /* in r->lru, least recently used first */
	char *key;     /* owned */
	uint64_t expires;
	int err; /* 0, ENOENT or ENODATA */
	size_t alen;
	unsigned char abuf[]; /* the raw answer (may be empty) */
};

struct dns_resolver {
	uv_loop_t *loop; /* weak */
	ares_channel ch; /* owned */
	bool lib_inited;
	bool closing;
	struct dtimer *tmr;  /* owned until closed: ares timeouts */
	struct dtimer *kick; /* owned until closed: deferred results */
	struct list socks;   /* struct dsock, owned until closed */
	struct list ready;   /* deferred results (one ref each) */
	struct hash *cache;  /* owned: struct centry by key */
	struct list lru;     /* the same entries (each owned once) */
	struct dns_conf conf;
	struct dns_stats stats;
};

/* ---- loop glue ---- */

static void handle_free(uv_handle_t *h)
{
	mem_deref(h->data);
}

static void on_tmr(uv_timer_t *h);

/* Arm the timeout timer for c-ares' next deadline (after every c-ares
 * call that may have changed it). */
static void tmr_rearm(struct dns_resolver *r)
{
	struct timeval tv, *tp;
	uint64_t ms;

	if (!r->tmr || r->closing)
		return;
	tp = ares_timeout(r->ch, NULL, &tv);
	if (!tp) {
		uv_timer_stop(&r->tmr->h);
		return;
	}
	ms = (uint64_t)tp->tv_sec * 1000 +
	     ((uint64_t)tp->tv_usec + 999) / 1000;
	uv_update_time(r->loop);
	uv_timer_start(&r->tmr->h, on_tmr, ms, 0);
}

static void on_tmr(uv_timer_t *h)
{
	struct dtimer *t = h->data;

	if (!t->r)
		return;
	ares_process_fd(t->r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	tmr_rearm(t->r);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct dsock *ds = h->data;
	struct dns_resolver *r = ds->r;
	ares_socket_t rfd = ARES_SOCKET_BAD, wfd = ARES_SOCKET_BAD;

	if (!r)
		return;
	/* on a poll error let c-ares read the socket: it sees the error
	 * and closes it */
	if (status < 0 || (events & UV_READABLE))
		rfd = ds->fd;
	if (status >= 0 && (events & UV_WRITABLE))
		wfd = ds->fd;
	ares_process_fd(r->ch, rfd, wfd); /* ds may be closed by now */
	tmr_rearm(r);
}

static void dsock_close(struct dsock *ds)
{
	list_unlink(&ds->le);
	ds->r = NULL;
	uv_poll_stop(&ds->poll);
	uv_close((uv_handle_t *)&ds->poll, handle_free);
}

/* c-ares: start, change or stop watching fd (before it closes it). */
static void sock_state_cb(void *data, ares_socket_t fd, int readable,
			  int writable)
{
	struct dns_resolver *r = data;
	struct dsock *ds = NULL;
	struct le *le;
	int ev = (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0);

	LIST_FOREACH(&r->socks, le)
	{
		struct dsock *d = le->data;

		if (d->fd == fd) {
			ds = d;
			break;
		}
	}
	if (!ev) {
		if (ds)
			dsock_close(ds);
		return;
	}
	if (!ds) {
		ds = mem_zalloc(sizeof(*ds), NULL);
		if (!ds) {
			log_warn("dns: no memory to watch a socket");
			return; /* its queries time out */
		}
		if (uv_poll_init_socket(r->loop, &ds->poll, fd)) {
			log_warn("dns: cannot watch socket %d", (int)fd);
			mem_deref(ds);
			return;
		}
		ds->poll.data = ds;
		ds->fd = fd;
		ds->r = r;
		list_append(&r->socks, &ds->le, ds);
	}
	uv_poll_start(&ds->poll, ev, on_poll);
}

static void on_kick(uv_timer_t *h)
{
	struct dtimer *t = h->data;
	struct dns_resolver *r = t->r;

	if (!r)
		return;
	while (r->ready.head) {
		struct le *le = r->ready.head;
		void *obj = le->data;

		list_unlink(le);
		dns_sip_deliver(obj);
		mem_deref(obj);
	}
}

void dns_defer(struct dns_resolver *r, struct le *le, void *obj)
{
	if (r->closing)
		return;
	list_append(&r->ready, le, mem_ref(obj));
	uv_timer_start(&r->kick->h, on_kick, 0, 0);
}

bool dns_closing(const struct dns_resolver *r)
{
	return r->closing;
}

/* ---- cache ---- */

static void centry_destroy(void *data)
{
	struct centry *e = data;

	hash_unlink(&e->he);
	list_unlink(&e->lru);
	mem_deref(e->key);
}

static struct centry *cache_find(struct dns_resolver *r, const char *key)
{
	struct le *le;

	LIST_FOREACH(hash_bucket(r->cache, hash_mem(key, strlen(key))), le)
	{
		struct centry *e = le->data;

		if (!strcmp(e->key, key))
			return e;
	}
	return NULL;
}

void dns_cache_flush(struct dns_resolver *r)
{
	if (r)
		list_flush(&r->lru);
}

/* Skip a (possibly compressed) name at *off. */
static int name_skip(const unsigned char *m, size_t len, size_t *off)
{
	size_t o = *off;

	for (unsigned n = 0; n < 128; n++) {
		uint8_t l;

		if (o >= len)
			return EBADMSG;
		l = m[o];
		if ((l & 0xc0) == 0xc0) {
			if (o + 2 > len)
				return EBADMSG;
			*off = o + 2;
			return 0;
		}
		if (l & 0xc0)
			return EBADMSG;
		if (!l) {
			*off = o + 1;
			return 0;
		}
		o += 1u + l;
	}
	return EBADMSG;
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* How long an answer may be cached: the smallest TTL of the answer
 * records (positive), or of the authority SOA and its minimum field
 * (negative, RFC 2308). ENOENT when there is nothing to go by. */
static int msg_ttl(const unsigned char *m, size_t len, bool negative,
		   uint32_t *ttlp)
{
	uint32_t qd, an, ns, best = UINT32_MAX;
	size_t off = 12;

	if (!m || len < 12)
		return ENOENT;
	qd = rd16(m + 4);
	an = rd16(m + 6);
	ns = rd16(m + 8);
	for (uint32_t i = 0; i < qd; i++) {
		if (name_skip(m, len, &off) || off + 4 > len)
			return EBADMSG;
		off += 4;
	}
	for (uint32_t i = 0; i < an + ns; i++) {
		uint16_t type, rdlen;
		uint32_t ttl;

		if (name_skip(m, len, &off) || off + 10 > len)
			return EBADMSG;
		type = rd16(m + off);
		ttl = rd32(m + off + 4) & 0x7fffffff;
		rdlen = rd16(m + off + 8);
		off += 10;
		if (off + rdlen > len)
			return EBADMSG;
		if (!negative && i < an && ttl < best)
			best = ttl;
		if (negative && i >= an && type == DNS_T_SOA && rdlen >= 20) {
			uint32_t min = rd32(m + off + rdlen - 4) & 0x7fffffff;

			if (ttl < best)
				best = ttl;
			if (min < best)
				best = min;
		}
		off += rdlen;
	}
	if (best == UINT32_MAX)
		return ENOENT;
	*ttlp = best;
	return 0;
}

static void cache_store(struct dns_resolver *r, const char *key, int err,
			const unsigned char *abuf, size_t alen)
{
	struct centry *e;
	uint32_t ttl;

	if (msg_ttl(abuf, alen, err != 0, &ttl)) {
		if (!err)
			return; /* no usable TTL: do not cache */
		ttl = r->conf.neg_ttl_s;
	}
	if (ttl > r->conf.max_ttl_s)
		ttl = r->conf.max_ttl_s;
	if (!ttl)
		return;
	e = cache_find(r, key);
	if (e)
		mem_deref(e);
	while (r->lru.count >= r->conf.cache_max && r->lru.head)
		mem_deref(r->lru.head->data);
	e = mem_zalloc(sizeof(*e) + (abuf ? alen : 0), centry_destroy);
	if (!e)
		return;
	e->key = mem_strdup(key);
	if (!e->key) {
		mem_deref(e);
		return;
	}
	e->err = err;
	e->alen = abuf ? alen : 0;
	if (e->alen)
		memcpy(e->abuf, abuf, alen);
	e->expires = clock_now_ms() + (uint64_t)ttl * 1000;
	hash_append(r->cache, hash_mem(key, strlen(key)), &e->he, e);
	list_append(&r->lru, &e->lru, e);
}

/* ---- lookups ---- */

static void dreq_destroy(void *data)
{
	struct dreq *q = data;

	mem_deref(q->key);
}

static int status_err(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return 0;
	case ARES_ENODATA:
		return ENODATA;
	case ARES_ENOTFOUND:
		return ENOENT;
	case ARES_ETIMEOUT:
		return ETIMEDOUT;
	case ARES_ECONNREFUSED:
		return ECONNREFUSED;
	case ARES_EDESTRUCTION:
	case ARES_ECANCELLED:
		return ECANCELED;
	case ARES_ENOMEM:
		return ENOMEM;
	default:
		return EPROTO;
	}
}

static void query_cb(void *arg, int status, int timeouts, unsigned char *abuf,
		     int alen)
{
	struct dreq *q = arg;
	struct dns_resolver *r = q->r;
	int err = status_err(status);
	size_t len = alen > 0 ? (size_t)alen : 0;

	(void)timeouts;
	if (err == ECANCELED || r->closing) {
		q->h(ECANCELED, NULL, 0, q->arg);
		mem_deref(q);
		return;
	}
	if (!err || err == ENOENT || err == ENODATA)
		cache_store(r, q->key, err, len ? abuf : NULL, len);
	else
		r->stats.failures++;
	q->h(err, err ? NULL : abuf, err ? 0 : len, q->arg);
	mem_deref(q);
}

static int key_make(char *key, size_t sz, const char *name, int type)
{
	size_t n = strlen(name), i, o;

	if (n && name[n - 1] == '.')
		n--;
	if (!n || n > 253)
		return EINVAL;
	o = (size_t)snprintf(key, sz, "%d:", type);
	if (o + n >= sz)
		return EINVAL;
	for (i = 0; i < n; i++)
		key[o + i] = (char)tolower((unsigned char)name[i]);
	key[o + n] = '\0';
	return 0;
}

int dns_lookup(struct dns_resolver *r, const char *name, int type, dns_rr_h *h,
	       void *arg)
{
	char key[DNS_KEY_MAX];
	struct centry *e;
	struct dreq *q;

	if (!r || !name || !h || r->closing ||
	    key_make(key, sizeof(key), name, type))
		return EINVAL;
	e = cache_find(r, key);
	if (e && e->expires <= clock_now_ms()) {
		mem_deref(e);
		e = NULL;
	}
	if (e) {
		r->stats.cache_hits++;
		list_unlink(&e->lru);
		list_append(&r->lru, &e->lru, e);
		mem_ref(e);
		h(e->err, e->err ? NULL : e->abuf, e->err ? 0 : e->alen, arg);
		mem_deref(e);
		return 0;
	}
	q = mem_zalloc(sizeof(*q), dreq_destroy);
	if (!q)
		return ENOMEM;
	q->key = mem_strdup(key);
	if (!q->key) {
		mem_deref(q);
		return ENOMEM;
	}
	q->r = r;
	q->h = h;
	q->arg = arg;
	r->stats.queries++;
	ares_query(r->ch, name, 1 /* IN */, type, query_cb, q);
	tmr_rearm(r);
	return 0;
}

/* ---- resolver ---- */

static void resolver_destroy(void *data)
{
	struct dns_resolver *r = data;

	r->closing = true;
	/* stop watching before c-ares closes the sockets */
	while (r->socks.head)
		dsock_close(r->socks.head->data);
	if (r->ch)
		ares_destroy(r->ch); /* ends every query: ECANCELED */
	while (r->ready.head) {
		struct le *le = r->ready.head;

		list_unlink(le);
		mem_deref(le->data);
	}
	if (r->tmr) {
		r->tmr->r = NULL;
		uv_timer_stop(&r->tmr->h);
		uv_close((uv_handle_t *)&r->tmr->h, handle_free);
	}
	if (r->kick) {
		r->kick->r = NULL;
		uv_timer_stop(&r->kick->h);
		uv_close((uv_handle_t *)&r->kick->h, handle_free);
	}
	list_flush(&r->lru);
	mem_deref(r->cache);
	if (r->lib_inited)
		ares_library_cleanup();
}

/* "a,b:53,[::1]:5353" -> c-ares' CSV with explicit ports. */
static int servers_csv(const char *in, char *out, size_t sz)
{
	const char *p = in;
	size_t n = 0;
	unsigned cnt = 0;

	out[0] = '\0';
	while (*p) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		char item[SA_STRLEN], pr[SA_STRLEN];
		struct sockaddr_storage sa;
		struct pl pl;

		pl_set(&pl, p, l);
		pl_trim(&pl);
		if (!pl.l || pl.l >= sizeof(item) || ++cnt > DNS_MAX_SERVERS)
			return EINVAL;
		memcpy(item, pl.p, pl.l);
		item[pl.l] = '\0';
		if (sa_parse(&sa, item, 53) || sa_print(&sa, pr, sizeof(pr)))
			return EINVAL;
		n += (size_t)snprintf(out + n, sz - n, "%s%s", n ? "," : "",
				      pr);
		if (n >= sz)
			return EINVAL;
		p = c ? c + 1 : p + l;
		if (c && !*p)
			return EINVAL; /* trailing comma */
	}
	return cnt ? 0 : EINVAL;
}

static int dtimer_alloc(struct dtimer **tp, struct dns_resolver *r)
{
	struct dtimer *t = mem_zalloc(sizeof(*t), NULL);

	if (!t)
		return ENOMEM;
	uv_timer_init(r->loop, &t->h);
	t->h.data = t;
	t->r = r;
	*tp = t;
	return 0;
}

int dns_resolver_alloc(struct dns_resolver **rp, uv_loop_t *loop,
		       const struct dns_conf *conf)
{
	struct ares_options o;
	struct dns_resolver *r;
	char csv[DNS_MAX_SERVERS * SA_STRLEN];
	int err = 0, st;

	if (!rp || !loop)
		return EINVAL;
	if (conf && conf->servers && *conf->servers &&
	    servers_csv(conf->servers, csv, sizeof(csv)))
		return EINVAL;
	r = mem_zalloc(sizeof(*r), resolver_destroy);
	if (!r)
		return ENOMEM;
	r->loop = loop;
	if (conf)
		r->conf = *conf;
	r->conf.servers = NULL; /* not kept */
	if (!r->conf.timeout_ms)
		r->conf.timeout_ms = 1000;
	if (!r->conf.tries)
		r->conf.tries = 2;
	if (!r->conf.cache_max)
		r->conf.cache_max = 512;
	if (!r->conf.max_ttl_s)
		r->conf.max_ttl_s = 3600;
	if (!r->conf.neg_ttl_s)
		r->conf.neg_ttl_s = 30;
	list_init(&r->socks);
	list_init(&r->ready);
	list_init(&r->lru);
	err = hash_alloc(&r->cache, 64);
	err = err ? err : dtimer_alloc(&r->tmr, r);
	err = err ? err : dtimer_alloc(&r->kick, r);
	if (err)
		goto out;
	st = ares_library_init(ARES_LIB_INIT_ALL);
	if (st != ARES_SUCCESS) {
		err = st == ARES_ENOMEM ? ENOMEM : EIO;
		goto out;
	}
	r->lib_inited = true;
	memset(&o, 0, sizeof(o));
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	o.timeout = (int)r->conf.timeout_ms;
	o.tries = (int)r->conf.tries;
	o.sock_state_cb = sock_state_cb;
	o.sock_state_cb_data = r;
	st = ares_init_options(&r->ch, &o,
			       ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS |
				       ARES_OPT_TRIES |
				       ARES_OPT_SOCK_STATE_CB);
	if (st != ARES_SUCCESS) {
		log_error("dns: c-ares: %s", ares_strerror(st));
		r->ch = NULL;
		err = st == ARES_ENOMEM ? ENOMEM : EIO;
		goto out;
	}
	if (conf && conf->servers && *conf->servers) {
		st = ares_set_servers_ports_csv(r->ch, csv);
		if (st != ARES_SUCCESS) {
			log_error("dns: servers %s: %s", csv,
				  ares_strerror(st));
			err = st == ARES_ENOMEM ? ENOMEM : EINVAL;
			goto out;
		}
	}
out:
	if (err)
		mem_deref(r);
	else
		*rp = r;
	return err;
}

void dns_resolver_stats(const struct dns_resolver *r, struct dns_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!r)
		return;
	*st = r->stats;
	st->cache_entries = r->lru.count;
}
