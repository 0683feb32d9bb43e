/* The calls' media through the relay: every SDP offer and answer that
 * crosses from one leg to the other is rewritten to the relay's address
 * and ports (nothing of one side's media topology reaches the other), the
 * relay's events become alerts, and 39031 (private media address behind a
 * public signalling address) is checked on each SDP. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "b2bua/b2bua_int.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/sa.h"
#include "sip/sdp.h"

static enum relay_leg_id rleg(const struct leg *l)
{
	return l->side == 'A' ? RELAY_LEG_A : RELAY_LEG_B;
}

static const char *side_name(enum relay_leg_id id)
{
	return id == RELAY_LEG_A ? "PBX (leg A)" : "carrier (leg B)";
}

bool addr_is_public(const struct sockaddr_storage *sa)
{
	return (sa->ss_family == AF_INET || sa->ss_family == AF_INET6) &&
	       !sa_is_loopback(sa) && !sa_is_private(sa);
}

/* The signalling address of a leg's peer: where the PBX sent from, the
 * carrier's next hop. */
static const struct sockaddr_storage *sig_addr(struct call *c,
					       enum relay_leg_id id)
{
	return id == RELAY_LEG_A ? &c->a_srcsa : &c->bl.dlg.dst;
}

/* 39031: a peer with a public signalling address names a private media
 * address (once per leg and call). */
static void private_check(struct call *c, enum relay_leg_id id,
			  const struct sdp_session *s)
{
	const struct sockaddr_storage *sig = sig_addr(c, id);
	char l1[200], l2[160], ip[64] = "?", mip[64];

	if (c->priv_alerted[id] || !addr_is_public(sig))
		return;
	for (uint32_t i = 0; i < s->nmedia; i++) {
		const struct sdp_media *m = &s->media[i];
		const struct sdp_conn *conn = sdp_media_conn(s, m);
		struct sockaddr_storage ma;
		const char *ev[2];

		if (!m->port || !conn || sdp_conn_sa(conn, m->port, &ma) ||
		    !sa_is_private(&ma))
			continue;
		c->priv_alerted[id] = true;
		(void)sa_print(sig, ip, sizeof(ip));
		(void)sa_print(&ma, mip, sizeof(mip));
		snprintf(l1, sizeof(l1),
			 "SDP of the %s: c=IN IP%c %.*s, m=%.*s port %u "
			 "(private)",
			 side_name(id), conn->af == AF_INET6 ? '6' : '4',
			 PL_ARG(&conn->addr), PL_ARG(&m->type), m->port);
		snprintf(l2, sizeof(l2),
			 "Signalling address of the %s: %s (public)",
			 side_name(id), ip);
		ev[0] = l1;
		ev[1] = l2;
		log_info("call %s: %s names private media address %s (39031)",
			 c->id, side_name(id), mip);
		call_alert(c, 39031, ev, 2);
		return;
	}
}

/* Rewrite the SDP in body (sent by leg from; parsed already, or NULL)
 * for the other leg into a new buffer, with filter's changes (NULL:
 * none) in the same print. */
static int sdp_cross(struct call *c, enum relay_leg_id from,
		     const struct pl *body, struct buf *mb,
		     struct sdp_session *parsed,
		     const struct sdp_rewrite *filter, struct buf **outp)
{
	struct sdp_session *s = NULL;
	struct buf *out = NULL;
	const char *why = NULL;
	int err = 0;

	if (parsed)
		s = mem_ref(parsed); /* body parsed already */
	else
		err = sdp_session_decode(&s, body, mb, &why);
	if (err) {
		log_info("call %s: SDP from the %s not relayed: %s", c->id,
			 side_name(from), why ? why : strerror(err));
		goto out;
	}
	private_check(c, from, s);
	out = buf_alloc(body->l + 64);
	if (!out) {
		err = ENOMEM;
		goto out;
	}
	err = relay_sdp_rewrite(c->media, from, s, filter, out);
	if (err)
		log_warn("call %s: SDP from the %s: relay: %s", c->id,
			 side_name(from), strerror(err));
out:
	mem_deref(s);
	if (err)
		mem_deref(out);
	else
		*outp = out;
	return err;
}

int call_media_start(struct call *c)
{
	struct sdp_session *s = c->offer_sdp;
	struct relay_call_opt o;
	struct buf *out = NULL;
	int err;

	if (!s)
		return 0;
	if (!c->b->conf.relay) {
		/* no anchoring: the offer as admitted, codecs filtered */
		out = buf_alloc(s->raw.l + 64);
		err = out ? sdp_print(out, s, c->offer_rw) : ENOMEM;
		if (err)
			mem_deref(out);
		goto out;
	}
	memset(&o, 0, sizeof(o));
	/* the trunk's SymmetricRtpEnabled: latch onto where the PBX's
	 * RTP comes from; carriers send from their SDP address */
	o.symmetric[RELAY_LEG_A] = c->trunk && c->trunk->symmetric_rtp;
	o.af[RELAY_LEG_B] = c->bl.dlg.dst.ss_family;
	err = relay_call_alloc(&c->media, c->b->conf.relay, c->id, &o);
	if (err)
		return err;
	/* the offer's one print: codec filter and relay addresses */
	err = sdp_cross(c, RELAY_LEG_A, &s->raw, NULL, s, c->offer_rw, &out);
out:
	c->offer_sdp = mem_deref(c->offer_sdp);
	c->offer_rw = mem_deref(c->offer_rw);
	if (err)
		return err;
	mem_deref(c->offer);
	c->offer = out;
	return 0;
}

static bool is_sdp(struct sip_msg *msg)
{
	struct pl ct;

	if (!msg->h_ctype)
		return false;
	ct = msg->h_ctype->val;
	return ct.l >= 15 && !strncasecmp(ct.p, "application/sdp", 15);
}

int call_body_cross(struct call *c, struct leg *from, struct sip_msg *msg,
		    struct pl *body, struct buf **tmpp)
{
	int err;

	*tmpp = NULL;
	*body = msg->body;
	if (!c->media || !msg->body.l || !is_sdp(msg))
		return 0;
	err = sdp_cross(c, rleg(from), &msg->body, msg->mb, NULL, NULL, tmpp);
	if (err) {
		/* never the peer's addresses: no body rather than that */
		*body = (struct pl)PL_INIT;
		return err;
	}
	*body = buf_pl(*tmpp);
	return 0;
}

void call_media_end(struct call *c)
{
	c->media = relay_call_delete(c->media);
}

/* ---- events ---- */

static struct call *call_by_id(struct b2bua *b, const char *id)
{
	struct list *l = hash_bucket(b->ids, hash_mem(id, strlen(id)));
	struct le *le;

	LIST_FOREACH(l, le)
	{
		struct call *c = le->data;

		if (!strcmp(c->id, id))
			return c;
	}
	return NULL;
}

static void media_lines(struct call *c, char *buf, size_t sz,
			enum relay_leg_id id)
{
	struct relay_media_stats st;
	char adv[64] = "none", lrn[64] = "none", loc[64] = "?";

	if (relay_media_stats(c->media, id, 0, &st)) {
		snprintf(buf, sz, "%s: no media", side_name(id));
		return;
	}
	if (st.rtp.advertised.ss_family)
		(void)sa_print(&st.rtp.advertised, adv, sizeof(adv));
	if (st.rtp.learned.ss_family)
		(void)sa_print(&st.rtp.learned, lrn, sizeof(lrn));
	(void)sa_print(&st.rtp.local, loc, sizeof(loc));
	snprintf(buf, sz,
		 "%s: SDP address %s, RTP seen from %s, relay port %s, "
		 "%llu packets in, %llu out",
		 side_name(id), adv, lrn, loc,
		 (unsigned long long)st.rtp.pkts_in,
		 (unsigned long long)st.rtp.pkts_out);
}

void b2bua_media_event(struct b2bua *b, const struct relay_event *ev)
{
	char l0[200], la[220], lb[220], src[64] = "?", sdp[64] = "none";
	const char *evl[3];
	struct call *c;

	if (!b || !ev)
		return;
	c = call_by_id(b, ev->call_id);
	if (!c || c->state == CALL_ENDED || !c->media)
		return;
	mem_ref(c);
	if (ev->addr.ss_family)
		(void)sa_print(&ev->addr, src, sizeof(src));
	if (ev->sdp_addr.ss_family)
		(void)sa_print(&ev->sdp_addr, sdp, sizeof(sdp));
	media_lines(c, la, sizeof(la), RELAY_LEG_A);
	media_lines(c, lb, sizeof(lb), RELAY_LEG_B);
	evl[1] = la;
	evl[2] = lb;
	switch (ev->type) {
	case RELAY_EV_RTP_TIMEOUT:
		snprintf(l0, sizeof(l0),
			 "No RTP from either side for %llu ms after the "
			 "answer or the last packet",
			 (unsigned long long)ev->silent_ms);
		break;
	case RELAY_EV_ONE_WAY:
		snprintf(l0, sizeof(l0),
			 "The %s sent no RTP for %llu ms while the other "
			 "side did (m= section %u)",
			 side_name(ev->leg), (unsigned long long)ev->silent_ms,
			 ev->media);
		break;
	case RELAY_EV_ADDR_MISMATCH:
		snprintf(l0, sizeof(l0),
			 "%s from the %s came from %s, its SDP says %s%s",
			 ev->rtcp ? "RTCP" : "RTP", side_name(ev->leg), src,
			 sdp,
			 ev->latched ? " (latched: the relay sends there)"
				     : " (not latched: symmetric RTP off)");
		break;
	case RELAY_EV_LOW_TTL:
		snprintf(l0, sizeof(l0),
			 "RTP from the %s (%s) arrived with "
			 "IP TTL %d",
			 side_name(ev->leg), src, ev->ttl);
		break;
	default:
		mem_deref(c);
		return;
	}
	evl[0] = l0;
	log_info("call %s: media: %s (%u)", c->id, l0, ev->code);
	call_alert(c, ev->code, evl, 3);
	if (ev->type == RELAY_EV_RTP_TIMEOUT) {
		log_warn("call %s: no RTP: BYE on both legs (32014)", c->id);
		call_bye(c, &c->a);
		call_bye(c, &c->bl);
		call_end(c);
	}
	mem_deref(c);
}
