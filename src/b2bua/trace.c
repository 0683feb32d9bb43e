/* Bounded per-call SIP trace (see trace.h). */
#include "b2bua/trace.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "base/mem.h"
#include "base/sa.h"

/* An address as recorded: AF_UNSPEC (none), IPv4 or IPv6. */
union trace_sa {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
};

struct trace_ent {
	struct le le;
	int64_t time_ms;
	char leg;
	bool sent;
	union trace_sa src, dst;
	size_t len;
	char msg[]; /* len bytes, NUL-terminated */
};

static void ent_destroy(void *arg)
{
	struct trace_ent *e = arg;

	list_unlink(&e->le);
}

void trace_init(struct sip_trace *t, uint32_t max_n, size_t max_bytes)
{
	memset(t, 0, sizeof(*t));
	list_init(&t->ents);
	t->max_n = max_n ? max_n : TRACE_MAX_MSGS;
	t->max_bytes = max_bytes ? max_bytes : TRACE_MAX_BYTES;
}

void trace_reset(struct sip_trace *t)
{
	while (t->ents.head)
		mem_deref(t->ents.head->data);
	t->n = 0;
	t->bytes = 0;
}

/* Evict the oldest messages after the pinned first one until one of
 * extra bytes fits. */
static void evict(struct sip_trace *t, size_t extra)
{
	while (t->n > 1 && (t->n + (extra ? 1 : 0) > t->max_n ||
			    t->bytes + extra > t->max_bytes)) {
		struct trace_ent *e = t->ents.head->next->data;

		t->n--;
		t->bytes -= e->len;
		mem_deref(e);
	}
}

static void addr_keep(union trace_sa *out, const struct sockaddr_storage *sa)
{
	memset(out, 0, sizeof(*out));
	if (sa && sa->ss_family == AF_INET)
		memcpy(&out->in4, sa, sizeof(out->in4));
	else if (sa && sa->ss_family == AF_INET6)
		memcpy(&out->in6, sa, sizeof(out->in6));
}

static void addr_str(char *buf, const union trace_sa *a)
{
	struct sockaddr_storage ss;

	buf[0] = '\0';
	if (a->sa.sa_family == AF_UNSPEC || sa_copy(&ss, &a->sa) ||
	    sa_print(&ss, buf, TRACE_ADDR_SIZE))
		buf[0] = '\0';
}

int trace_add(struct sip_trace *t, int64_t time_ms, char leg, bool sent,
	      const struct sockaddr_storage *src,
	      const struct sockaddr_storage *dst, const char *msg, size_t len)
{
	struct trace_ent *e;

	if (!t || !msg || !t->max_n)
		return EINVAL;
	if (len > t->max_bytes)
		len = t->max_bytes;
	evict(t, len ? len : 1);
	e = mem_alloc(sizeof(*e) + len + 1, ent_destroy);
	if (!e)
		return ENOMEM;
	memset(e, 0, sizeof(*e));
	e->time_ms = time_ms;
	e->leg = leg;
	e->sent = sent;
	addr_keep(&e->src, src);
	addr_keep(&e->dst, dst);
	e->len = len;
	memcpy(e->msg, msg, len);
	e->msg[len] = '\0';
	list_append(&t->ents, &e->le, e);
	t->n++;
	t->bytes += len;
	return 0;
}

void trace_limit(struct sip_trace *t, uint32_t max_n, size_t max_bytes)
{
	t->max_n = max_n;
	t->max_bytes = max_bytes;
	evict(t, 0);
}

size_t trace_export(const struct sip_trace *t, struct alert_trace_msg *out,
		    struct trace_addrs *addrs, size_t max)
{
	struct le *le;
	size_t n = 0;

	LIST_FOREACH(&t->ents, le)
	{
		const struct trace_ent *e = le->data;

		if (n >= max)
			break;
		out[n].time_ms = e->time_ms;
		out[n].leg = e->leg;
		out[n].sent = e->sent;
		addr_str(addrs[n].src, &e->src);
		addr_str(addrs[n].dst, &e->dst);
		out[n].src = addrs[n].src;
		out[n].dst = addrs[n].dst;
		out[n].msg = e->msg;
		out[n].msg_len = e->len;
		n++;
	}
	return n;
}
