/* Parse benchmark: trunkd's SIP + SDP parser against libosip2's, doing the
 * work a proxy/B2BUA does per message: Via (sent-by, branch), From tag,
 * To tag, Call-ID, CSeq, Contact URI, every Route URI, Content-Length, and
 * the SDP connection address, m= ports and formats.
 *
 * Messages alternate between a ~1 KB INVITE with SDP and its 200 OK. Each
 * parser runs for BENCH_SECONDS (default 1.5, env) and the last line is:
 *   parse: trunkd=N msg/s libosip2=M msg/s ratio=R
 * BENCH_ITERS=N (env) instead runs exactly N messages per parser, for
 * instruction counting under callgrind (msg/s is then meaningless).
 * Both parsers are checked for correct results before timing; the bench
 * aborts if either fails. A checksum of the extracted values is printed to
 * stderr so the work cannot be optimised away.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "base/pl.h"
#include "sip/addr.h"
#include "sip/msg.h"
#include "sip/sdp.h"

#ifdef HAVE_OSIP2
#include <osipparser2/osip_parser.h>
/* osip's sdp_message.h declares a struct sdp_media of its own; declare
 * the few SDP functions used here against its opaque message instead. */
struct sdp_message;
int sdp_message_init(struct sdp_message **sdp);
int sdp_message_parse(struct sdp_message *sdp, const char *buf);
void sdp_message_free(struct sdp_message *sdp);
char *sdp_message_c_addr_get(struct sdp_message *sdp, int pos_media, int pos);
char *sdp_message_m_media_get(struct sdp_message *sdp, int pos_media);
char *sdp_message_m_port_get(struct sdp_message *sdp, int pos_media);
char *sdp_message_m_payload_get(struct sdp_message *sdp, int pos_media,
				int pos);
#endif

#define SDP_OFFER                                         \
	"v=0\r\n"                                         \
	"o=- 3912345678 3912345678 IN IP4 192.0.2.10\r\n" \
	"s=pbx\r\n"                                       \
	"c=IN IP4 192.0.2.10\r\n"                         \
	"t=0 0\r\n"                                       \
	"m=audio 40000 RTP/AVP 0 8 18 101\r\n"            \
	"a=rtpmap:0 PCMU/8000\r\n"                        \
	"a=rtpmap:8 PCMA/8000\r\n"                        \
	"a=rtpmap:18 G729/8000\r\n"                       \
	"a=fmtp:18 annexb=no\r\n"                         \
	"a=rtpmap:101 telephone-event/8000\r\n"           \
	"a=fmtp:101 0-16\r\n"                             \
	"a=ptime:20\r\n"                                  \
	"a=sendrecv\r\n"

#define SDP_ANSWER                                             \
	"v=0\r\n"                                              \
	"o=carrier 81726354 81726355 IN IP4 198.51.100.20\r\n" \
	"s=-\r\n"                                              \
	"c=IN IP4 198.51.100.20\r\n"                           \
	"t=0 0\r\n"                                            \
	"m=audio 31000 RTP/AVP 0 101\r\n"                      \
	"a=rtpmap:0 PCMU/8000\r\n"                             \
	"a=rtpmap:101 telephone-event/8000\r\n"                \
	"a=fmtp:101 0-16\r\n"                                  \
	"a=ptime:20\r\n"                                       \
	"a=sendrecv\r\n"

#define STR_LEN(s) (sizeof(s) - 1)

static const char invite[] =
	"INVITE sip:+15005550006@trunk.example.net;user=phone SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---"
	"7f3a2c91d0b4e6a5;rport\r\n"
	"Max-Forwards: 70\r\n"
	"Route: <sip:edge1.trunk.example.net;lr>\r\n"
	"Route: <sip:core.trunk.example.net:5060;transport=udp;lr>\r\n"
	"Contact: <sip:+14155550100@192.0.2.10:5060;transport=udp>\r\n"
	"To: <sip:+15005550006@trunk.example.net;user=phone>\r\n"
	"From: \"Alice Example\" <sip:+14155550100@pbx.example.com;"
	"user=phone>;tag=8f2c6e71\r\n"
	"Call-ID: 6b8d4e0f2a9c4c3f8e1d7b5a3c2e1f0d@192.0.2.10\r\n"
	"CSeq: 102 INVITE\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, INFO, "
	"REFER, NOTIFY\r\n"
	"Supported: replaces, timer, 100rel\r\n"
	"Session-Expires: 1800;refresher=uac\r\n"
	"Min-SE: 90\r\n"
	"User-Agent: ExamplePBX/16.2.1\r\n"
	"P-Asserted-Identity: \"Alice Example\" <sip:+14155550100@"
	"pbx.example.com>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 283\r\n"
	"\r\n" SDP_OFFER;

static const char ok200[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---"
	"7f3a2c91d0b4e6a5;rport=5060;received=198.51.100.1\r\n"
	"Record-Route: <sip:core.trunk.example.net:5060;transport=udp;lr>\r\n"
	"Record-Route: <sip:edge1.trunk.example.net;lr>\r\n"
	"Contact: <sip:carrier@198.51.100.20:5060>\r\n"
	"To: "
	"<sip:+15005550006@trunk.example.net;user=phone>;tag=as5e2f1c90\r\n"
	"From: \"Alice Example\" <sip:+14155550100@pbx.example.com;"
	"user=phone>;tag=8f2c6e71\r\n"
	"Call-ID: 6b8d4e0f2a9c4c3f8e1d7b5a3c2e1f0d@192.0.2.10\r\n"
	"CSeq: 102 INVITE\r\n"
	"Server: ExampleCarrier SBC\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE\r\n"
	"Supported: replaces, timer\r\n"
	"Session-Expires: 1800;refresher=uac\r\n"
	"Require: timer\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 218\r\n"
	"\r\n" SDP_ANSWER;

struct expect {
	const char *branch, *ftag, *ttag, *callid, *c_addr;
	uint32_t cseq, clen;
	unsigned port, nroutes, nfmts;
};

static const struct expect exp_invite = {
	.branch = "z9hG4bK-524287-1---7f3a2c91d0b4e6a5",
	.ftag = "8f2c6e71",
	.ttag = "",
	.callid = "6b8d4e0f2a9c4c3f8e1d7b5a3c2e1f0d@192.0.2.10",
	.c_addr = "192.0.2.10",
	.cseq = 102,
	.clen = STR_LEN(SDP_OFFER),
	.port = 40000,
	.nroutes = 2,
	.nfmts = 4,
};

static const struct expect exp_ok = {
	.branch = "z9hG4bK-524287-1---7f3a2c91d0b4e6a5",
	.ftag = "8f2c6e71",
	.ttag = "as5e2f1c90",
	.callid = "6b8d4e0f2a9c4c3f8e1d7b5a3c2e1f0d@192.0.2.10",
	.c_addr = "198.51.100.20",
	.cseq = 102,
	.clen = STR_LEN(SDP_ANSWER),
	.port = 31000,
	.nroutes = 0,
	.nfmts = 2,
};

/* What one parse extracted; compared to struct expect once, then folded
 * into the checksum. */
struct got {
	struct pl branch, host, ftag, ttag, callid, contact_host, c_addr;
	uint32_t cseq, clen;
	unsigned port, nroutes, nfmts, fmtsum;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *who, const char *what)
{
	fprintf(stderr, "parse_bench: %s: %s\n", who, what);
	exit(1);
}

static void check(const char *who, const struct got *g, const struct expect *e)
{
	if (!pl_eq_str(&g->branch, e->branch))
		die(who, "Via branch");
	if (!pl_eq_str(&g->ftag, e->ftag))
		die(who, "From tag");
	if (!pl_eq_str(&g->ttag, e->ttag))
		die(who, "To tag");
	if (!pl_eq_str(&g->callid, e->callid))
		die(who, "Call-ID");
	if (!pl_eq_str(&g->c_addr, e->c_addr))
		die(who, "SDP c= address");
	if (g->cseq != e->cseq)
		die(who, "CSeq");
	if (g->clen != e->clen)
		die(who, "Content-Length");
	if (g->port != e->port)
		die(who, "SDP m= port");
	if (g->nroutes != e->nroutes)
		die(who, "Route count");
	if (g->nfmts != e->nfmts)
		die(who, "SDP formats");
	if (!g->contact_host.l || !g->host.l)
		die(who, "Contact / Via host");
}

static uint64_t fold(const struct got *g)
{
	return g->branch.l + g->host.l + g->ftag.l + g->ttag.l + g->callid.l +
	       g->contact_host.l + g->c_addr.l + g->cseq + g->clen + g->port +
	       g->nroutes + g->nfmts + g->fmtsum +
	       (unsigned char)g->c_addr.p[0];
}

/* trunkd */

static int trunkd_parse(const char *buf, size_t len, struct got *g)
{
	struct pl in = {.p = buf, .l = len};
	const struct sip_via *via;
	const struct sip_addr *from, *to, *contact;
	const struct sip_hdr *h;
	const struct sdp_conn *conn;
	struct sip_msg *msg = NULL;
	struct sdp_session *sdp = NULL;
	const char *reason = NULL;
	int err;

	memset(g, 0, sizeof(*g));
	err = sip_msg_decode(&msg, &in, NULL, false, &reason);
	if (err)
		return err;
	err = sip_msg_via(msg, &via);
	if (!err)
		err = sip_msg_from(msg, &from);
	if (!err)
		err = sip_msg_to(msg, &to);
	if (!err)
		err = sip_msg_contact(msg, &contact);
	if (err)
		goto out;
	g->branch = via->branch;
	g->host = via->host;
	g->ftag = from->tag;
	g->ttag = to->tag;
	g->contact_host = contact->uri.host;
	g->callid = msg->callid;
	g->cseq = msg->cseq.num;
	g->clen = msg->clen;
	for (h = msg->h_route; h; h = sip_msg_hdr_next(msg, h)) {
		struct sip_addr r;

		err = sip_addr_decode(&r, &h->val);
		if (err)
			goto out;
		g->nroutes++;
		g->fmtsum += (unsigned)r.uri.host.l;
	}
	err = sdp_session_decode(&sdp, &msg->body, NULL, &reason);
	if (err)
		goto out;
	if (sdp->nmedia < 1) {
		err = EBADMSG;
		goto out;
	}
	conn = sdp_media_conn(sdp, &sdp->media[0]);
	if (!conn) {
		err = EBADMSG;
		goto out;
	}
	g->c_addr = conn->addr;
	g->port = sdp->media[0].port;
	g->nfmts = sdp->media[0].nfmts;
	for (uint32_t i = 0; i < sdp->media[0].nfmts; i++)
		g->fmtsum += (unsigned)sdp->media[0].fmts[i].pt;
out:
	/* slices stay valid: they point into buf, not into msg */
	mem_deref(sdp);
	mem_deref(msg);
	return err;
}

#ifdef HAVE_OSIP2

static void pl_cstr(struct pl *pl, const char *s)
{
	pl_set_str(pl, s ? s : "");
}

/* Values are copied out as slices of osip's strings, which die with the
 * message; only lengths/first bytes are used after free (fold), and the
 * one check() call runs before free. */
static int osip_parse(const char *buf, size_t len, struct got *g,
		      const struct expect *e)
{
	osip_message_t *sip = NULL;
	osip_via_t *via = NULL;
	osip_generic_param_t *p = NULL;
	osip_contact_t *contact = NULL;
	osip_route_t *route = NULL;
	osip_body_t *body = NULL;
	struct sdp_message *sdp = NULL;
	char *s;
	int err = EBADMSG;

	memset(g, 0, sizeof(*g));
	if (osip_message_init(&sip) != 0)
		return ENOMEM;
	if (osip_message_parse(sip, buf, len) != 0)
		goto out;
	if (osip_message_get_via(sip, 0, &via) < 0 || !via)
		goto out;
	if (osip_via_param_get_byname(via, "branch", &p) < 0 || !p)
		goto out;
	pl_cstr(&g->branch, p->gvalue);
	pl_cstr(&g->host, osip_via_get_host(via));
	if (!sip->from || !sip->to || !sip->call_id || !sip->cseq)
		goto out;
	p = NULL;
	if (osip_from_get_tag(sip->from, &p) >= 0 && p)
		pl_cstr(&g->ftag, p->gvalue);
	p = NULL;
	if (osip_to_get_tag(sip->to, &p) >= 0 && p)
		pl_cstr(&g->ttag, p->gvalue);
	/* Call-ID is number@host in osip */
	s = osip_call_id_get_number(sip->call_id);
	pl_cstr(&g->callid, s);
	if (osip_call_id_get_host(sip->call_id))
		g->callid.l += 1 + strlen(osip_call_id_get_host(sip->call_id));
	g->cseq = (uint32_t)strtoul(osip_cseq_get_number(sip->cseq), NULL, 10);
	if (!osip_cseq_get_method(sip->cseq))
		goto out;
	if (osip_message_get_contact(sip, 0, &contact) < 0 || !contact ||
	    !contact->url)
		goto out;
	pl_cstr(&g->contact_host, contact->url->host);
	for (int i = 0; osip_message_get_route(sip, i, &route) >= 0; i++) {
		if (!route || !route->url)
			goto out;
		g->nroutes++;
		g->fmtsum += (unsigned)strlen(route->url->host);
	}
	if (!sip->content_length || !sip->content_length->value)
		goto out;
	g->clen = (uint32_t)strtoul(sip->content_length->value, NULL, 10);
	if (osip_message_get_body(sip, 0, &body) < 0 || !body || !body->body)
		goto out;
	if (sdp_message_init(&sdp) != 0)
		goto out;
	if (sdp_message_parse(sdp, body->body) != 0)
		goto out;
	s = sdp_message_c_addr_get(sdp, 0, 0);
	if (!s)
		s = sdp_message_c_addr_get(sdp, -1, 0);
	if (!s)
		goto out;
	pl_cstr(&g->c_addr, s);
	s = sdp_message_m_port_get(sdp, 0);
	if (!s)
		goto out;
	g->port = (unsigned)strtoul(s, NULL, 10);
	for (int i = 0; (s = sdp_message_m_payload_get(sdp, 0, i)); i++) {
		g->nfmts++;
		g->fmtsum += (unsigned)strtoul(s, NULL, 10);
	}
	/* Call-ID check needs the joined form; compare parts here */
	if (e) {
		char cid[128];

		snprintf(cid, sizeof(cid), "%s%s%s",
			 osip_call_id_get_number(sip->call_id),
			 osip_call_id_get_host(sip->call_id) ? "@" : "",
			 osip_call_id_get_host(sip->call_id)
				 ? osip_call_id_get_host(sip->call_id)
				 : "");
		pl_set_str(&g->callid, cid);
		check("libosip2", g, e);
	}
	g->c_addr.p = "x"; /* osip's strings are freed below */
	err = 0;
out:
	if (sdp)
		sdp_message_free(sdp);
	osip_message_free(sip);
	return err;
}
#endif

struct msgdef {
	const char *buf;
	size_t len;
	const struct expect *e;
};

static const struct msgdef msgs[2] = {
	{.buf = invite, .len = STR_LEN(invite), .e = &exp_invite},
	{.buf = ok200, .len = STR_LEN(ok200), .e = &exp_ok},
};

static double run_trunkd(double secs, uint64_t iters, uint64_t *sum)
{
	double t0 = now_s(), t = t0;
	uint64_t n = 0;
	struct got g;

	while (iters ? n < iters : t - t0 < secs) {
		for (int k = 0; k < 64; k++, n++) {
			const struct msgdef *m = &msgs[n & 1];

			if (trunkd_parse(m->buf, m->len, &g))
				die("trunkd", "parse failed while timing");
			*sum += fold(&g);
		}
		t = now_s();
	}
	return (double)n / (t - t0);
}

#ifdef HAVE_OSIP2
static double run_osip(double secs, uint64_t iters, uint64_t *sum)
{
	double t0 = now_s(), t = t0;
	uint64_t n = 0;
	struct got g;

	while (iters ? n < iters : t - t0 < secs) {
		for (int k = 0; k < 64; k++, n++) {
			const struct msgdef *m = &msgs[n & 1];

			if (osip_parse(m->buf, m->len, &g, NULL))
				die("libosip2", "parse failed while timing");
			*sum += fold(&g);
		}
		t = now_s();
	}
	return (double)n / (t - t0);
}
#endif

int main(void)
{
	const char *env = getenv("BENCH_SECONDS");
	const char *ienv = getenv("BENCH_ITERS");
	double secs = env ? atof(env) : 1.5;
	uint64_t iters = ienv ? strtoull(ienv, NULL, 10) : 0;
	double rt, ro = 0;
	uint64_t sum = 0;
	struct got g;

	if (!(secs > 0))
		secs = 1.5;
	if (STR_LEN(SDP_OFFER) != 283 || STR_LEN(SDP_ANSWER) != 218)
		die("bench", "Content-Length of the test messages is stale");

	/* correctness first: both parsers must agree with the expectations */
	for (int i = 0; i < 2; i++) {
		if (trunkd_parse(msgs[i].buf, msgs[i].len, &g))
			die("trunkd", "parse failed");
		check("trunkd", &g, msgs[i].e);
	}
#ifdef HAVE_OSIP2
	if (parser_init() != 0)
		die("libosip2", "parser_init failed");
	for (int i = 0; i < 2; i++)
		if (osip_parse(msgs[i].buf, msgs[i].len, &g, msgs[i].e))
			die("libosip2", "parse failed");
#endif

	rt = run_trunkd(secs, iters, &sum);
#ifdef HAVE_OSIP2
	ro = run_osip(secs, iters, &sum);
#endif
	fprintf(stderr,
		"parse_bench: %zu+%zu byte messages, %.1f s each, "
		"checksum %llu\n",
		STR_LEN(invite), STR_LEN(ok200), secs,
		(unsigned long long)sum);
	if (ro > 0)
		printf("parse: trunkd=%.0f msg/s libosip2=%.0f msg/s "
		       "ratio=%.1f\n",
		       rt, ro, rt / ro);
	else
		printf("parse: trunkd=%.0f msg/s libosip2=0 msg/s ratio=0.0\n",
		       rt);
	return 0;
}
