/* SDP through the relay: record a leg's SDP addresses and print the SDP
 * for the other leg with the relay's addresses and ports, using the SDP
 * helper's parser output and rewriting printer (sip/sdp.h). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "base/buf.h"
#include "base/sa.h"
#include "media/media.h"
#include "sip/sdp.h"

/* c=IN IP4 0.0.0.0: RFC 2543 hold. */
static bool sa_is_any(const struct sockaddr_storage *sa)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

	if (sa->ss_family == AF_INET)
		return in4->sin_addr.s_addr == htonl(INADDR_ANY);
	if (sa->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
	return false;
}

/* What media section m of sess says about the peer; port is m's, or 0
 * for a section the rewrite rejects. */
static void media_param(struct relay_media_param *p,
			const struct sdp_session *sess,
			const struct sdp_media *m, uint16_t port)
{
	const struct sdp_conn *conn = sdp_media_conn(sess, m);
	enum sdp_dir dir = sdp_media_dir(sess, m);
	bool hold = false;

	memset(p, 0, sizeof(*p));
	/* an FQDN (af AF_UNSPEC) or a bad literal leaves the address
	 * unknown: the relay then sends only once it latched */
	if (port && conn && !sdp_conn_sa(conn, port, &p->rtp)) {
		if (sa_is_any(&p->rtp)) {
			hold = true;
			memset(&p->rtp, 0, sizeof(p->rtp));
		}
	}
	if (p->rtp.ss_family != AF_UNSPEC && m->has_rtcp && m->rtcp_port) {
		if (sdp_conn_sa(&m->rtcp_conn, m->rtcp_port, &p->rtcp)) {
			p->rtcp = p->rtp;
			sa_set_port(&p->rtcp, m->rtcp_port);
		}
	}
	p->no_oneway = hold || dir != SDP_DIR_SENDRECV;
	p->no_timeout = hold || dir != SDP_DIR_SENDRECV;
}

int relay_sdp_rewrite(struct relay_call *call, enum relay_leg_id from,
		      const struct sdp_session *sess,
		      const struct sdp_rewrite *filter, struct buf *b)
{
	struct relay_media_param p;
	struct sdp_rewrite rw;
	struct sockaddr_storage local;
	char addr[64];
	bool have_addr = false;
	uint32_t i;
	uint16_t port, rtcp;
	int err;

	if (!call || !sess || !b ||
	    (from != RELAY_LEG_A && from != RELAY_LEG_B) ||
	    sess->nmedia > RELAY_MAX_MEDIA)
		return EINVAL;
	if (filter)
		rw = *filter;
	else
		sdp_rewrite_init(&rw);
	for (i = 0; i < sess->nmedia; i++) {
		const struct sdp_media *m = &sess->media[i];
		bool rejected = sdp_rewrite_rejects(filter, sess, i);

		media_param(&p, sess, m, rejected ? 0 : m->port);
		if (rejected) {
			/* rejected: stop sending to it if it was open */
			if (!relay_media_local(call, from, i, &local)) {
				err = relay_media_set(call, from, i, &p);
				if (err)
					return err;
			}
			continue;
		}
		err = relay_media_set(call, from, i, &p);
		if (!err)
			err = relay_media_local(call, !from, i, &local);
		if (err)
			return err;
		port = sa_port(&local);
		rtcp = 0;
		if (m->has_rtcp)
			rtcp = m->rtcp_port == m->port ? port
						       : (uint16_t)(port + 1);
		sdp_rewrite_port(&rw, i, port, rtcp);
		if (!have_addr) {
			err = sa_ntop(&local, addr, sizeof(addr));
			if (err)
				return err;
			have_addr = true;
		}
	}
	if (!have_addr) {
		/* every stream rejected: still hide the peer's address */
		err = relay_call_addr(call, !from, &local);
		if (!err)
			err = sa_ntop(&local, addr, sizeof(addr));
		if (err)
			return err;
	}
	pl_set_str(&rw.addr, addr);
	return sdp_print(b, sess, &rw);
}
