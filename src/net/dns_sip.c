/* RFC 3263 §4: a SIP URI's host to an ordered list of next hops
 * (NAPTR -> SRV -> A/AAAA); see dns.h. A job runs in three phases, each
 * a batch of lookups in parallel; the next phase starts when the last
 * answer of the batch came. */
#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "net/dns_int.h"

enum {
	NAME_MAX_LEN = 256,
	SRVSET_MAX = 4, /* SRV names looked up */
	SRVREC_MAX = 8, /* records kept per SRV name */
};

enum phase { PH_NAPTR, PH_SRV, PH_ADDR, PH_DONE };

struct srvrec {
	uint16_t prio, weight, port;
	char host[NAME_MAX_LEN];
};

/* One SRV name and what it answered. */
struct srvset {
	char name[NAME_MAX_LEN];
	enum sip_transport tp;
	struct srvrec recs[SRVREC_MAX];
	size_t n;
};

/* One (host, port, transport) to find addresses for, in order. */
struct hop {
	char host[NAME_MAX_LEN];
	uint16_t port;
	enum sip_transport tp;
	int same; /* index of an earlier hop with this host, or -1 */
	struct sockaddr_storage v4[DNS_SIP_MAX], v6[DNS_SIP_MAX];
	size_t n4, n6;
};

struct sipjob {
	struct le rle;		/* in the resolver's ready queue */
	struct dns_resolver *r; /* weak: jobs never outlive its queries */
	struct dns_query *q;	/* weak: the caller's handle; NULL when
				   cancelled */
	char host[NAME_MAX_LEN];
	uint16_t port;
	enum sip_transport tp; /* explicit, or SIP_TP_NONE */
	bool sips;
	unsigned mask;
	enum phase phase;
	unsigned pending; /* lookups in flight */
	bool launching;	  /* starting a batch: do not step yet */
	bool nxdomain;	  /* the host does not exist */
	int fail;	  /* first hard failure (timeout, ...) */
	struct srvset srv[SRVSET_MAX];
	size_t nsrv;
	struct hop hops[DNS_SIP_MAX];
	size_t nhops;
	int err;
	struct dns_sip_target out[DNS_SIP_MAX];
	size_t nout;
};

struct dns_query {
	struct sipjob *job; /* ref */
	dns_sip_h *h;
	void *arg;
};

/* One lookup of a job (holds the job). */
struct jref {
	struct sipjob *job; /* ref */
	int type;
	unsigned idx;
};

static void step(struct sipjob *j);

static uint16_t default_port(enum sip_transport tp)
{
	return tp == SIP_TP_TLS ? 5061 : 5060;
}

static uint32_t rnd32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)rand();
	return v;
}

static void finish(struct sipjob *j, int err)
{
	j->phase = PH_DONE;
	j->err = err;
	dns_defer(j->r, &j->rle, j);
}

void dns_sip_deliver(void *obj)
{
	struct sipjob *j = obj;
	struct dns_query *q = j->q;
	dns_sip_h *h;

	if (!q || !q->h)
		return;
	h = q->h;
	q->h = NULL;
	h(j->err, j->nout ? j->out : NULL, j->nout, q->arg);
}

/* ---- answers ---- */

static void naptr_take(struct sipjob *j, const unsigned char *abuf,
		       size_t alen)
{
	struct ares_naptr_reply *nr = NULL, *p;
	struct {
		uint16_t order, pref;
		enum sip_transport tp;
		const char *repl;
	} v[SRVSET_MAX * 4];
	size_t n = 0;

	if (ares_parse_naptr_reply(abuf, (int)alen, &nr) != ARES_SUCCESS)
		return;
	for (p = nr; p && n < sizeof(v) / sizeof(v[0]); p = p->next) {
		const char *svc = (const char *)p->service;
		enum sip_transport tp;

		if (strcasecmp((const char *)p->flags, "s") ||
		    !p->replacement || !p->replacement[0])
			continue;
		if (!strcasecmp(svc, "SIP+D2U"))
			tp = SIP_TP_UDP;
		else if (!strcasecmp(svc, "SIP+D2T"))
			tp = SIP_TP_TCP;
		else if (!strcasecmp(svc, "SIPS+D2T"))
			tp = SIP_TP_TLS;
		else
			continue;
		if (!(j->mask & DNS_TP_MASK(tp)) ||
		    (j->sips && tp != SIP_TP_TLS))
			continue;
		v[n].order = p->order;
		v[n].pref = p->preference;
		v[n].tp = tp;
		v[n].repl = p->replacement;
		n++;
	}
	/* insertion sort by (order, preference); stable */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && (v[k].order < v[k - 1].order ||
					     (v[k].order == v[k - 1].order &&
					      v[k].pref < v[k - 1].pref));
		     k--) {
			__typeof__(v[0]) t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	for (size_t i = 0; i < n && j->nsrv < SRVSET_MAX; i++) {
		struct srvset *s = &j->srv[j->nsrv];

		if (strlen(v[i].repl) >= sizeof(s->name))
			continue;
		memset(s, 0, sizeof(*s));
		strcpy(s->name, v[i].repl);
		s->tp = v[i].tp;
		j->nsrv++;
	}
	ares_free_data(nr);
}

static void srv_take(struct sipjob *j, unsigned idx, const unsigned char *abuf,
		     size_t alen)
{
	struct ares_srv_reply *sr = NULL, *p;
	struct srvset *s = &j->srv[idx];

	if (ares_parse_srv_reply(abuf, (int)alen, &sr) != ARES_SUCCESS)
		return;
	for (p = sr; p && s->n < SRVREC_MAX; p = p->next) {
		struct srvrec *rec = &s->recs[s->n];

		/* target "." : the service is not offered there */
		if (!p->host || !p->host[0] || !strcmp(p->host, ".") ||
		    strlen(p->host) >= sizeof(rec->host) || !p->port)
			continue;
		strcpy(rec->host, p->host);
		rec->prio = p->priority;
		rec->weight = p->weight;
		rec->port = p->port;
		s->n++;
	}
	ares_free_data(sr);
}

static void addr_take(struct sipjob *j, unsigned idx, int type,
		      const unsigned char *abuf, size_t alen)
{
	struct hop *h = &j->hops[idx];
	int n = DNS_SIP_MAX;

	if (type == DNS_T_A) {
		struct ares_addrttl at[DNS_SIP_MAX];

		if (ares_parse_a_reply(abuf, (int)alen, NULL, at, &n) !=
		    ARES_SUCCESS)
			return;
		for (int i = 0; i < n && h->n4 < DNS_SIP_MAX; i++) {
			struct sockaddr_in *sin =
				(struct sockaddr_in *)&h->v4[h->n4++];

			memset(sin, 0, sizeof(h->v4[0]));
			sin->sin_family = AF_INET;
			sin->sin_addr = at[i].ipaddr;
			sin->sin_port = htons(h->port);
		}
	} else {
		struct ares_addr6ttl at[DNS_SIP_MAX];

		if (ares_parse_aaaa_reply(abuf, (int)alen, NULL, at, &n) !=
		    ARES_SUCCESS)
			return;
		for (int i = 0; i < n && h->n6 < DNS_SIP_MAX; i++) {
			struct sockaddr_in6 *sin6 =
				(struct sockaddr_in6 *)&h->v6[h->n6++];

			memset(sin6, 0, sizeof(h->v6[0]));
			sin6->sin6_family = AF_INET6;
			memcpy(&sin6->sin6_addr, &at[i].ip6addr,
			       sizeof(sin6->sin6_addr));
			sin6->sin6_port = htons(h->port);
		}
	}
}

static void jref_destroy(void *data)
{
	struct jref *x = data;

	mem_deref(x->job);
}

static void on_answer(int err, const unsigned char *abuf, size_t alen,
		      void *arg)
{
	struct jref *x = arg;
	struct sipjob *j = x->job;

	j->pending--;
	if (err == ECANCELED) {
		mem_deref(x);
		return;
	}
	if (err && err != ENOENT && err != ENODATA && !j->fail)
		j->fail = err;
	if (!err) {
		switch (x->type) {
		case DNS_T_NAPTR:
			naptr_take(j, abuf, alen);
			break;
		case DNS_T_SRV:
			srv_take(j, x->idx, abuf, alen);
			break;
		default:
			addr_take(j, x->idx, x->type, abuf, alen);
			break;
		}
	} else if (err == ENOENT && x->type == DNS_T_NAPTR) {
		j->nxdomain = true;
	}
	if (!j->launching && !j->pending)
		step(j);
	mem_deref(x);
}

static void lookup(struct sipjob *j, const char *name, int type, unsigned idx)
{
	struct jref *x = mem_zalloc(sizeof(*x), jref_destroy);

	if (!x) {
		if (!j->fail)
			j->fail = ENOMEM;
		return;
	}
	x->job = mem_ref(j);
	x->type = type;
	x->idx = idx;
	j->pending++;
	if (dns_lookup(j->r, name, type, on_answer, x)) {
		j->pending--;
		if (!j->fail)
			j->fail = ENOMEM;
		mem_deref(x);
	}
}

/* ---- phases ---- */

/* RFC 2782 order of one SRV set: priority ascending; within a
 * priority, repeatedly pick by running weight sum against a random
 * number in [0, sum], weight-0 records placed first. */
static void srv_order(const struct srvset *s, const struct srvrec **outv,
		      size_t *np)
{
	const struct srvrec *left[SRVREC_MAX];
	size_t n = 0, nl;
	bool used[SRVREC_MAX] = {false};

	while (n < s->n) {
		int prio = -1;
		uint64_t sum = 0;

		for (size_t i = 0; i < s->n; i++)
			if (!used[i] && (prio < 0 || s->recs[i].prio < prio))
				prio = s->recs[i].prio;
		nl = 0;
		for (size_t i = 0; i < s->n; i++)
			if (!used[i] && s->recs[i].prio == prio &&
			    !s->recs[i].weight)
				left[nl++] = &s->recs[i];
		for (size_t i = 0; i < s->n; i++)
			if (!used[i] && s->recs[i].prio == prio &&
			    s->recs[i].weight)
				left[nl++] = &s->recs[i];
		for (size_t i = 0; i < s->n; i++)
			if (!used[i] && s->recs[i].prio == prio)
				used[i] = true;
		while (nl) {
			uint64_t pick, run = 0;
			size_t k;

			sum = 0;
			for (k = 0; k < nl; k++)
				sum += left[k]->weight;
			pick = rnd32() % (sum + 1);
			for (k = 0; k < nl - 1; k++) {
				run += left[k]->weight;
				if (run >= pick)
					break;
			}
			outv[n++] = left[k];
			memmove(&left[k], &left[k + 1],
				(nl - k - 1) * sizeof(left[0]));
			nl--;
		}
	}
	*np = n;
}

static void hop_add(struct sipjob *j, const char *host, uint16_t port,
		    enum sip_transport tp)
{
	struct hop *h;

	if (j->nhops >= DNS_SIP_MAX)
		return;
	h = &j->hops[j->nhops];
	memset(h, 0, sizeof(*h));
	snprintf(h->host, sizeof(h->host), "%s", host);
	h->port = port;
	h->tp = tp;
	h->same = -1;
	for (size_t i = 0; i < j->nhops; i++)
		if (!strcasecmp(j->hops[i].host, host)) {
			h->same = (int)i;
			break;
		}
	j->nhops++;
}

static enum sip_transport fallback_tp(const struct sipjob *j)
{
	if (j->tp != SIP_TP_NONE)
		return j->tp;
	if (j->sips)
		return SIP_TP_TLS;
	if (j->mask & DNS_TP_MASK(SIP_TP_UDP))
		return SIP_TP_UDP;
	return (j->mask & DNS_TP_MASK(SIP_TP_TCP)) ? SIP_TP_TCP : SIP_TP_TLS;
}

static void srv_default(struct sipjob *j)
{
	static const struct {
		enum sip_transport tp;
		const char *pfx;
	} svc[] = {
		{SIP_TP_UDP, "_sip._udp."},
		{SIP_TP_TCP, "_sip._tcp."},
		{SIP_TP_TLS, "_sips._tcp."},
	};

	for (size_t i = 0; i < sizeof(svc) / sizeof(svc[0]); i++) {
		struct srvset *s;

		if (j->nsrv >= SRVSET_MAX ||
		    !(j->mask & DNS_TP_MASK(svc[i].tp)) ||
		    (j->tp != SIP_TP_NONE && j->tp != svc[i].tp) ||
		    (j->sips && svc[i].tp != SIP_TP_TLS))
			continue;
		s = &j->srv[j->nsrv];
		memset(s, 0, sizeof(*s));
		if ((size_t)snprintf(s->name, sizeof(s->name), "%s%s",
				     svc[i].pfx, j->host) >= sizeof(s->name))
			continue;
		s->tp = svc[i].tp;
		j->nsrv++;
	}
}

static void start_srv(struct sipjob *j)
{
	j->phase = PH_SRV;
	j->launching = true;
	for (size_t i = 0; i < j->nsrv; i++)
		lookup(j, j->srv[i].name, DNS_T_SRV, (unsigned)i);
	j->launching = false;
	if (!j->pending)
		step(j);
}

static void start_addr(struct sipjob *j)
{
	j->phase = PH_ADDR;
	j->launching = true;
	for (size_t i = 0; i < j->nhops; i++) {
		if (j->hops[i].same >= 0)
			continue;
		lookup(j, j->hops[i].host, DNS_T_A, (unsigned)i);
		lookup(j, j->hops[i].host, DNS_T_AAAA, (unsigned)i);
	}
	j->launching = false;
	if (!j->pending)
		step(j);
}

static void out_add(struct sipjob *j, const struct sockaddr_storage *a,
		    uint16_t port, enum sip_transport tp)
{
	struct dns_sip_target *t;

	for (size_t i = 0; i < j->nout; i++)
		if (j->out[i].tp == tp && sa_eq_addr(&j->out[i].addr, a) &&
		    sa_port(&j->out[i].addr) == port)
			return;
	if (j->nout >= DNS_SIP_MAX)
		return;
	t = &j->out[j->nout++];
	t->addr = *a;
	sa_set_port(&t->addr, port);
	t->tp = tp;
}

static void step(struct sipjob *j)
{
	if (!j->q || dns_closing(j->r))
		return; /* cancelled: the job just ends */
	switch (j->phase) {
	case PH_NAPTR:
		if (j->nxdomain) {
			finish(j, ENOENT); /* RFC 8020: nothing below */
			return;
		}
		if (j->fail) {
			finish(j, j->fail);
			return;
		}
		if (!j->nsrv)
			srv_default(j);
		start_srv(j);
		return;
	case PH_SRV:
		for (size_t i = 0; i < j->nsrv; i++) {
			const struct srvrec *ov[SRVREC_MAX];
			size_t n;

			srv_order(&j->srv[i], ov, &n);
			for (size_t k = 0; k < n; k++)
				hop_add(j, ov[k]->host, ov[k]->port,
					j->srv[i].tp);
		}
		if (!j->nhops) {
			if (j->fail) {
				finish(j, j->fail);
				return;
			}
			hop_add(j, j->host, default_port(fallback_tp(j)),
				fallback_tp(j));
		}
		start_addr(j);
		return;
	case PH_ADDR:
		for (size_t i = 0; i < j->nhops; i++) {
			const struct hop *h = &j->hops[i];
			const struct hop *a =
				h->same >= 0 ? &j->hops[h->same] : h;

			for (size_t k = 0; k < a->n4; k++)
				out_add(j, &a->v4[k], h->port, h->tp);
			for (size_t k = 0; k < a->n6; k++)
				out_add(j, &a->v6[k], h->port, h->tp);
		}
		finish(j, j->nout ? 0 : j->fail ? j->fail : ENOENT);
		return;
	case PH_DONE:
		return;
	}
}

/* ---- entry ---- */

static void job_destroy(void *data)
{
	struct sipjob *j = data;

	list_unlink(&j->rle);
}

static void query_destroy(void *data)
{
	struct dns_query *q = data;

	if (q->job) {
		q->job->q = NULL;
		mem_deref(q->job);
	}
}

int dns_sip_resolve(struct dns_query **qp, struct dns_resolver *r,
		    const struct dns_sip_req *req, dns_sip_h *h, void *arg)
{
	struct sockaddr_storage sa;
	struct dns_query *q;
	struct sipjob *j;
	struct pl pl;
	unsigned mask;
	enum sip_transport tp;
	size_t hl;

	if (!qp || !r || !req || !req->host || !h || dns_closing(r))
		return EINVAL;
	hl = strlen(req->host);
	if (!hl || hl >= NAME_MAX_LEN)
		return EINVAL;
	mask = req->tpmask ? req->tpmask : DNS_TP_DEFAULT;
	tp = req->sips ? SIP_TP_TLS : req->tp;
	if ((tp != SIP_TP_NONE && !(mask & DNS_TP_MASK(tp))) ||
	    (tp != SIP_TP_NONE && tp != SIP_TP_UDP && tp != SIP_TP_TCP &&
	     tp != SIP_TP_TLS))
		return EPROTONOSUPPORT;

	j = mem_zalloc(sizeof(*j), job_destroy);
	q = mem_zalloc(sizeof(*q), query_destroy);
	if (!j || !q) {
		mem_deref(j);
		mem_deref(q);
		return ENOMEM;
	}
	j->r = r;
	j->q = q;
	q->job = j;
	q->h = h;
	q->arg = arg;
	memcpy(j->host, req->host, hl + 1);
	j->port = req->port;
	j->tp = req->sips ? SIP_TP_NONE : req->tp;
	j->sips = req->sips;
	j->mask = mask;
	if (j->sips && req->tp != SIP_TP_NONE)
		j->tp = SIP_TP_TLS; /* sips;transport=tcp: TLS */

	pl_set_str(&pl, req->host);
	if (!sa_set(&sa, &pl, 0)) {
		/* an IP literal: no DNS (RFC 3263 §4.2) */
		enum sip_transport t = fallback_tp(j);

		out_add(j, &sa, j->port ? j->port : default_port(t), t);
		finish(j, 0);
	} else if (j->port) {
		/* explicit port: A/AAAA only */
		hop_add(j, j->host, j->port, fallback_tp(j));
		start_addr(j);
	} else if (j->tp != SIP_TP_NONE) {
		/* explicit transport: its SRV, then A/AAAA */
		srv_default(j);
		start_srv(j);
	} else {
		j->phase = PH_NAPTR;
		j->launching = true;
		lookup(j, j->host, DNS_T_NAPTR, 0);
		j->launching = false;
		if (!j->pending)
			step(j);
	}
	*qp = q;
	return 0;
}
