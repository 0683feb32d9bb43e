/* Via header values; see via.h. */
#include "sip/via.h"

#include <errno.h>
#include <string.h>

#include "sip/sip_int.h"

static enum sip_transport tp_of(const char *p, size_t n)
{
	if (SC_CASEEQ(p, n, "udp"))
		return SIP_TP_UDP;
	if (SC_CASEEQ(p, n, "tcp"))
		return SIP_TP_TCP;
	if (SC_CASEEQ(p, n, "tls"))
		return SIP_TP_TLS;
	if (SC_CASEEQ(p, n, "sctp"))
		return SIP_TP_SCTP;
	if (SC_CASEEQ(p, n, "ws"))
		return SIP_TP_WS;
	if (SC_CASEEQ(p, n, "wss"))
		return SIP_TP_WSS;
	return SIP_TP_OTHER;
}

/* 1*DIGIT no larger than max; -1 when malformed. */
static long small_num(const struct pl *v, long max)
{
	long n = 0;

	if (!v->l || v->l > 6)
		return -1;
	for (size_t i = 0; i < v->l; i++) {
		if (!sc_is(v->p[i], SC_DIGIT))
			return -1;
		n = n * 10 + (v->p[i] - '0');
	}
	return n > max ? -1 : n;
}

/* received: IPv4address / IPv6address (RFC 5118 §4.5 tolerates the
 * bracketed IPv6reference too). */
static bool addr_ok(const struct pl *v)
{
	const char *p = v->p, *e = p + v->l;

	if (!v->l)
		return false;
	if (*p == '[')
		return sip_scan_host(p, e, NULL) == e;
	return sc_span(p, e, SC_IPV6) == e;
}

static int via_param(struct sip_via *v, const struct sip_param *prm)
{
	const char *n = prm->name.p;
	size_t nl = prm->name.l;
	long x;

	if (SC_CASEEQ(n, nl, "branch")) {
		if (!prm->has_val || prm->val.p[0] == '"')
			return EBADMSG;
		v->branch = prm->val;
	} else if (SC_CASEEQ(n, nl, "received")) {
		if (!prm->has_val || !addr_ok(&prm->val))
			return EBADMSG;
		v->received = prm->val;
	} else if (SC_CASEEQ(n, nl, "maddr")) {
		if (!prm->has_val || prm->val.p[0] == '"')
			return EBADMSG;
		v->maddr = prm->val;
	} else if (SC_CASEEQ(n, nl, "ttl")) {
		x = prm->has_val ? small_num(&prm->val, 255) : -1;
		if (x < 0)
			return EBADMSG;
		v->ttl = (int)x;
	} else if (SC_CASEEQ(n, nl, "rport")) {
		v->rport = true;
		if (prm->has_val) {
			x = small_num(&prm->val, 65535);
			if (x < 0)
				return EBADMSG;
			v->rport_val = (uint16_t)x;
		}
	}
	return 0;
}

int sip_via_decode_in(struct sip_via *vp, const struct pl *pl)
{
	struct sip_via *const v = vp;
	struct sip_param prm;
	const char *p, *e, *q, *s, *t;
	int r, err;

	if (!pl || !pl->p)
		return EBADMSG;
	p = sc_ws(pl->p, pl->p + pl->l);
	e = pl->p + pl->l;
	while (e > p && sc_is(e[-1], SC_WS))
		e--;
	/* every field is set here or below: no memset of the struct */
	v->proto = v->tp_pl = v->host = v->params = v->branch = v->received =
		v->maddr = (struct pl)PL_INIT;
	v->tp = SIP_TP_NONE;
	v->port = 0;
	v->rport = false;
	v->rport_val = 0;
	v->ttl = -1;
	pl_set(&v->raw, p, (size_t)(e - p));

	/* sent-protocol = name SLASH version SLASH transport; the usual
	 * "SIP/2.0/" (no LWS) compared as one word first */
	s = p;
	if (e - p > 8 && !memcmp(p, "SIP/2.0/", 8)) {
		t = sc_span(p + 8, e, SC_TOKEN);
		if (t > p + 8) { /* else LWS after the '/': general path */
			pl_set(&v->tp_pl, p + 8, (size_t)(t - p - 8));
			v->tp = tp_of(p + 8, (size_t)(t - p - 8));
			s = t;
			goto sent_by;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (i) {
			q = sc_ws(s, e);
			if (q >= e || *q != '/')
				return EBADMSG;
			s = sc_ws(q + 1, e);
		}
		t = sc_span(s, e, SC_TOKEN);
		if (t == s)
			return EBADMSG;
		if (i == 2) {
			pl_set(&v->tp_pl, s, (size_t)(t - s));
			v->tp = tp_of(s, (size_t)(t - s));
		}
		s = t;
	}
sent_by:
	pl_set(&v->proto, p, (size_t)(s - p));

	/* LWS sent-by */
	q = sc_ws(s, e);
	if (q == s)
		return EBADMSG;
	s = sip_scan_host(q, e, NULL);
	if (!s || s == q)
		return EBADMSG;
	pl_set(&v->host, q, (size_t)(s - q));
	s = sip_scan_port(s, e, true, &v->port);
	if (!s)
		return EBADMSG;

	q = s;
	while ((r = sip_param_next(&s, e, &prm, SC_IPV6)) == 1) {
		err = via_param(v, &prm);
		if (err)
			return err;
	}
	if (r < 0 || sc_ws(s, e) != e)
		return EBADMSG;
	pl_set(&v->params, q, (size_t)(s - q));
	return 0;
}

int sip_via_decode(struct sip_via *via, const struct pl *pl)
{
	struct sip_via v;
	int err;

	if (!via)
		return EBADMSG;
	err = sip_via_decode_in(&v, pl);
	if (err)
		return err;
	*via = v;
	return 0;
}

const char *sip_transport_name(enum sip_transport tp)
{
	switch (tp) {
	case SIP_TP_UDP:
		return "UDP";
	case SIP_TP_TCP:
		return "TCP";
	case SIP_TP_TLS:
		return "TLS";
	case SIP_TP_SCTP:
		return "SCTP";
	case SIP_TP_WS:
		return "WS";
	case SIP_TP_WSS:
		return "WSS";
	default:
		return "";
	}
}

bool sip_via_branch_is_rfc3261(const struct sip_via *via)
{
	return via && via->branch.l >= 7 &&
	       memcmp(via->branch.p, "z9hG4bK", 7) == 0;
}
