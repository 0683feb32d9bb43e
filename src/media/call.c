/* Control API: relay sessions (calls), their legs' media and counters.
 * Runs on the control thread; every function holds relay.lock for its
 * duration only (a bind() or close() at most). */
#include <errno.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/sa.h"
#include "media/media_int.h"

static bool af_ok(int af)
{
	return af == AF_UNSPEC || af == AF_INET || af == AF_INET6;
}

/* Close media m (returns its ports) and free it. [L] */
static void media_close(struct relay *r, struct relay_media *m)
{
	relay_pair_release(r, m->pair);
	mem_deref(m);
}

static void call_destructor(void *data)
{
	struct relay_call *call = data;
	struct relay *r = call->r;
	uint32_t i;
	int l;

	pthread_mutex_lock(&r->lock);
	list_unlink(&call->le);
	call->deleted = true;
	for (l = 0; l < 2; l++) {
		for (i = 0; i < RELAY_MAX_MEDIA; i++) {
			if (call->legs[l].media[i])
				media_close(r, call->legs[l].media[i]);
			call->legs[l].media[i] = NULL;
		}
	}
	pthread_mutex_unlock(&r->lock);
	mem_deref(r);
}

int relay_call_alloc(struct relay_call **callp, struct relay *r,
		     const char *id, const struct relay_call_opt *opt)
{
	struct relay_call *call;
	int l;

	if (!callp || !r || !id)
		return EINVAL;
	if (opt && (!af_ok(opt->af[0]) || !af_ok(opt->af[1])))
		return EINVAL;
	call = mem_zalloc(sizeof(*call), call_destructor);
	if (!call)
		return ENOMEM;
	call->r = mem_ref(r);
	strncpy(call->id, id, sizeof(call->id) - 1);
	for (l = 0; l < 2; l++) {
		call->legs[l].call = call;
		call->legs[l].id = (enum relay_leg_id)l;
		call->legs[l].symmetric = opt ? opt->symmetric[l] : false;
		call->legs[l].af = opt ? opt->af[l] : AF_UNSPEC;
	}
	pthread_mutex_lock(&r->lock);
	list_append(&r->calls, &call->le, call);
	pthread_mutex_unlock(&r->lock);
	*callp = call;
	return 0;
}

struct relay_call *relay_call_delete(struct relay_call *call)
{
	return mem_deref(call);
}

/* The bind address for family af (AF_UNSPEC or one not configured: the
 * first configured), and the matching address to advertise. */
static const struct sockaddr_storage *
bind_addr(const struct relay *r, int af, const struct sockaddr_storage **pubp)
{
	const struct relay_conf *c = &r->conf;
	bool v6 = (af == AF_INET6 && c->addr6.ss_family == AF_INET6) ||
		  c->addr4.ss_family != AF_INET;

	*pubp = v6 ? &c->public6 : &c->public4;
	return v6 ? &c->addr6 : &c->addr4;
}

/* Open media idx of leg l: a port pair, bound. [L] */
static int media_open(struct relay_call *call, int l, uint32_t idx, int af)
{
	struct relay *r = call->r;
	const struct sockaddr_storage *pub;
	struct sockaddr_storage local;
	struct relay_media *m;
	uint32_t pair;
	int err;

	local = *bind_addr(r, af, &pub);
	m = mem_zalloc(sizeof(*m), NULL);
	if (!m)
		return ENOMEM;
	err = relay_pair_open(r, &local, &pair);
	if (err) {
		mem_deref(m);
		return err;
	}
	m->leg = &call->legs[l];
	m->idx = idx;
	m->pair = pair;
	m->local = local;
	if (pub->ss_family != AF_UNSPEC) {
		m->local = *pub;
		sa_set_port(&m->local, sa_port(&local));
	}
	m->rtp.media = m->rtcp.media = m;
	m->rtcp.rtcp = true;
	m->rtp.st.ttl_min = m->rtcp.st.ttl_min = -1;
	m->rtp.sfd = &r->sfds[2 * pair];
	m->rtcp.sfd = &r->sfds[2 * pair + 1];
	m->rtp.sfd->ps = &m->rtp;
	m->rtcp.sfd->ps = &m->rtcp;
	call->legs[l].media[idx] = m;
	return 0;
}

/* [L] */
static int media_open_both(struct relay_call *call, enum relay_leg_id leg,
			   uint32_t idx, int af)
{
	struct relay_leg *own = &call->legs[leg];
	struct relay_leg *other = &call->legs[!leg];
	bool opened = false;
	int err;

	if (!own->media[idx]) {
		err = media_open(call, leg, idx,
				 af != AF_UNSPEC ? af : own->af);
		if (err)
			return err;
		opened = true;
	}
	if (!other->media[idx]) {
		err = media_open(call, !leg, idx, other->af);
		if (err) {
			if (opened) {
				media_close(call->r, own->media[idx]);
				own->media[idx] = NULL;
			}
			return err;
		}
	}
	return 0;
}

int relay_media_open(struct relay_call *call, enum relay_leg_id leg,
		     uint32_t idx, int af)
{
	int err;

	if (!call || (leg != RELAY_LEG_A && leg != RELAY_LEG_B) ||
	    idx >= RELAY_MAX_MEDIA || !af_ok(af))
		return EINVAL;
	pthread_mutex_lock(&call->r->lock);
	err = media_open_both(call, leg, idx, af);
	pthread_mutex_unlock(&call->r->lock);
	return err;
}

static bool addr_known(const struct sockaddr_storage *sa)
{
	return (sa->ss_family == AF_INET || sa->ss_family == AF_INET6) &&
	       sa_port(sa);
}

/* Set the SDP address of ps; a change restarts latching. [L] */
static void stream_advertise(struct relay_stream *ps,
			     const struct sockaddr_storage *sa)
{
	struct sockaddr_storage none;

	if (!addr_known(sa)) {
		memset(&none, 0, sizeof(none));
		sa = &none;
	}
	if (ps->advertised.ss_family == sa->ss_family &&
	    (sa->ss_family == AF_UNSPEC || sa_eq(&ps->advertised, sa)))
		return;
	ps->advertised = *sa;
	ps->learned_set = false;
	ps->mismatch_sent = false;
}

int relay_media_set(struct relay_call *call, enum relay_leg_id leg,
		    uint32_t idx, const struct relay_media_param *p)
{
	struct sockaddr_storage rtcp;
	struct relay_media *m;
	int err, af;

	if (!call || !p || (leg != RELAY_LEG_A && leg != RELAY_LEG_B) ||
	    idx >= RELAY_MAX_MEDIA)
		return EINVAL;
	af = addr_known(&p->rtp) ? p->rtp.ss_family : AF_UNSPEC;
	pthread_mutex_lock(&call->r->lock);
	err = media_open_both(call, leg, idx, af);
	if (err)
		goto out;
	m = call->legs[leg].media[idx];
	rtcp = p->rtcp;
	if (!addr_known(&rtcp) && addr_known(&p->rtp) &&
	    sa_port(&p->rtp) < 65535) {
		rtcp = p->rtp;
		sa_set_port(&rtcp, (uint16_t)(sa_port(&p->rtp) + 1));
	}
	stream_advertise(&m->rtp, &p->rtp);
	stream_advertise(&m->rtcp, &rtcp);
	m->no_oneway = p->no_oneway;
	m->no_timeout = p->no_timeout;
out:
	pthread_mutex_unlock(&call->r->lock);
	return err;
}

int relay_media_local(const struct relay_call *call, enum relay_leg_id leg,
		      uint32_t idx, struct sockaddr_storage *sa)
{
	const struct relay_media *m;
	int err = 0;

	if (!call || !sa || (leg != RELAY_LEG_A && leg != RELAY_LEG_B) ||
	    idx >= RELAY_MAX_MEDIA)
		return EINVAL;
	pthread_mutex_lock(&call->r->lock);
	m = call->legs[leg].media[idx];
	if (m)
		*sa = m->local;
	else
		err = ENOENT;
	pthread_mutex_unlock(&call->r->lock);
	return err;
}

int relay_call_addr(const struct relay_call *call, enum relay_leg_id leg,
		    struct sockaddr_storage *sa)
{
	const struct sockaddr_storage *pub, *bind;

	if (!call || !sa || (leg != RELAY_LEG_A && leg != RELAY_LEG_B))
		return EINVAL;
	/* conf is immutable: no lock needed */
	bind = bind_addr(call->r, call->legs[leg].af, &pub);
	*sa = pub->ss_family != AF_UNSPEC ? *pub : *bind;
	sa_set_port(sa, 0);
	return 0;
}

void relay_call_answered(struct relay_call *call)
{
	if (!call)
		return;
	pthread_mutex_lock(&call->r->lock);
	if (!call->answered) {
		call->answered = true;
		call->answered_ms = clock_now_ms();
	}
	pthread_mutex_unlock(&call->r->lock);
}

static void stream_stats(const struct relay_stream *ps,
			 const struct sockaddr_storage *local,
			 struct relay_stream_stats *st)
{
	*st = ps->st;
	st->local = *local;
	st->advertised = ps->advertised;
	memset(&st->learned, 0, sizeof(st->learned));
	if (ps->learned_set)
		st->learned = ps->learned;
	st->latched = ps->learned_set && ps->media->leg->symmetric;
}

int relay_media_stats(const struct relay_call *call, enum relay_leg_id leg,
		      uint32_t idx, struct relay_media_stats *st)
{
	const struct relay_media *m;
	struct sockaddr_storage rtcp_local;
	int err = 0;

	if (!call || !st || (leg != RELAY_LEG_A && leg != RELAY_LEG_B) ||
	    idx >= RELAY_MAX_MEDIA)
		return EINVAL;
	pthread_mutex_lock(&call->r->lock);
	m = call->legs[leg].media[idx];
	if (m) {
		rtcp_local = m->local;
		sa_set_port(&rtcp_local, (uint16_t)(sa_port(&m->local) + 1));
		stream_stats(&m->rtp, &m->local, &st->rtp);
		stream_stats(&m->rtcp, &rtcp_local, &st->rtcp);
	} else {
		err = ENOENT;
	}
	pthread_mutex_unlock(&call->r->lock);
	return err;
}
