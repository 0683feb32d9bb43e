/* Admission pipeline phases, each alone, on a hand-built snapshot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "b2bua/admit.h"
#include "b2bua/dialog.h"
#include "base/sa.h"
#include "base/clock.h"
#include "base/mem.h"
#include "policy/channels.h"
#include "policy/cps.h"
#include "policy/digest.h"
#include "../leakcheck.h"

#define ACC "AC00000000000000000000000000000001"
#define TRK "TK00000000000000000000000000000001"

static struct snap_account t_acct = {.sid = ACC,
				     .status = SNAP_ACCOUNT_ACTIVE};
static struct snap_cidr cidr;
static struct snap_cred cred = {.username = "alice",
				.ha1_md5 = "00000000000000000000000000000000",
				.ha1_sha256 = NULL};
static struct snap_trunk trunk = {.sid = TRK,
				  .account_sid = ACC,
				  .domain_name = "pbx.example.com",
				  .account = &t_acct,
				  .cidrs = &cidr,
				  .ncidrs = 1,
				  .cps_limit = 1,
				  .codecs = "PCMU"};
static const struct snap_trunk *by_domain[1] = {&trunk};
static struct snap_pair deny = {.account_sid = ACC, .value = "+1212555"};
static struct snap_pair callerid = {.account_sid = ACC,
				    .value = "+14155550100"};
/* empty tables still need a base pointer (bsearch) */
static struct snap_number no_numbers[1];
static struct snap_dialperm no_perms[1];
static struct snap_policy no_policies[1];
static struct snapshot snap = {.numbers = no_numbers,
			       .dialperms = no_perms,
			       .policies = no_policies,
			       .accounts = &t_acct,
			       .naccounts = 1,
			       .trunks = &trunk,
			       .ntrunks = 1,
			       .by_domain = by_domain,
			       .ndomains = 1,
			       .caller_ids = &callerid,
			       .ncaller_ids = 1,
			       .deny = &deny,
			       .ndeny = 1};

static void cidr_set(const char *ip, unsigned plen)
{
	cidr.family = AF_INET;
	memset(cidr.addr, 0, sizeof(cidr.addr));
	assert_int_equal(inet_pton(AF_INET, ip, cidr.addr), 1);
	cidr.prefix = plen;
}

static void reset_trunk(void)
{
	cidr_set("127.0.0.0", 8);
	trunk.ncidrs = 1;
	trunk.ncreds = 0;
	trunk.creds = NULL;
	trunk.max_calls = 0;
	trunk.cps_limit = 1;
	t_acct.trial = false;
	t_acct.status = SNAP_ACCOUNT_ACTIVE;
}

struct fx {
	struct sip_msg *msg;
	struct sip_recv rx;
	struct admit_req r;
	struct admit_ctx ctx;
	char text[2048];
};

static const char *SDP_PCMU = "v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=c\r\n"
			      "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			      "m=audio 6000 RTP/AVP 0 8 101\r\n"
			      "a=rtpmap:101 telephone-event/8000\r\n";

/* Build an INVITE to ruri with from, optional extra headers and body. */
static void fx_init(struct fx *f, const char *ruri, const char *from,
		    const char *extra, const char *body, const char *src)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&f->rx.src;
	struct pl pl;
	int n;

	memset(f, 0, sizeof(*f));
	n = snprintf(f->text, sizeof(f->text),
		     "INVITE %s SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKabc\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <sip:%s@127.0.0.1>;tag=1\r\n"
		     "To: <%s>\r\n"
		     "Call-ID: c1\r\nCSeq: 1 INVITE\r\n"
		     "Contact: <sip:p@127.0.0.1:5099>\r\n%s"
		     "Content-Type: application/sdp\r\n"
		     "Content-Length: %zu\r\n\r\n%s",
		     ruri, from, ruri, extra ? extra : "",
		     body ? strlen(body) : 0, body ? body : "");
	pl_set(&pl, f->text, (size_t)n);
	assert_int_equal(sip_msg_decode(&f->msg, &pl, NULL, false, NULL), 0);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(5099);
	inet_pton(AF_INET, src ? src : "127.0.0.1", &sin->sin_addr);
	f->rx.tp = SIP_TP_UDP;
	f->r.msg = f->msg;
	f->r.rx = &f->rx;
	f->r.snap = &snap;
	f->r.trunk = &trunk;
	assert_int_equal(cps_table_alloc(&f->ctx.cps), 0);
	assert_int_equal(chan_table_alloc(&f->ctx.chans), 0);
	assert_int_equal(digest_ctx_alloc(&f->ctx.digest, NULL, 0, 0, 0), 0);
	reset_trunk();
}

static void fx_done(struct fx *f)
{
	admit_req_release(&f->ctx, &f->r, false);
	mem_deref(f->msg);
	mem_deref(f->ctx.cps);
	mem_deref(f->ctx.chans);
	mem_deref(f->ctx.digest);
}

#define RURI "sip:+14155550100@pbx.example.com"

static void test_domain(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "sip:+14155550100@other.example.com", "+15551230000", NULL,
		SDP_PCMU, NULL);
	f.r.trunk = NULL;
	assert_int_equal(admit_domain(&f.ctx, &f.r), ADMIT_DROP);
	assert_int_equal(f.r.alert, 39001);
	assert_true(f.r.nevidence >= 1);
	fx_done(&f);

	fx_init(&f, "sip:+14155550100@PBX.Example.com", "+15551230000", NULL,
		SDP_PCMU, NULL);
	f.r.trunk = NULL;
	assert_int_equal(admit_domain(&f.ctx, &f.r), ADMIT_NEXT);
	assert_ptr_equal(f.r.trunk, &trunk);
	fx_done(&f);
}

static void test_maxfwd_acl(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, RURI, "+15551230000", NULL, SDP_PCMU, NULL);
	f.msg->maxfwd = 0;
	assert_int_equal(admit_maxfwd(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.scode, 483);
	assert_string_equal(f.r.reason, "Too Many Hops");
	assert_int_equal(f.r.alert, 32006);
	fx_done(&f);

	fx_init(&f, RURI, "+15551230000", NULL, SDP_PCMU, "10.1.2.3");
	assert_int_equal(admit_acl(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.scode, 403);
	assert_int_equal(f.r.alert, 32201);
	assert_non_null(strstr(f.r.evidence[0], "10.1.2.3"));
	fx_done(&f);

	fx_init(&f, RURI, "+15551230000", NULL, SDP_PCMU, NULL);
	assert_int_equal(admit_acl(&f.ctx, &f.r), ADMIT_NEXT);
	trunk.ncidrs = 0;
	assert_int_equal(admit_acl(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.alert, 32200);
	fx_done(&f);
}

static void test_digest(void **state)
{
	char nonce[DIGEST_NONCE_LEN + 1], hdr[512];
	struct buf *b;
	struct fx f;

	(void)state;
	fx_init(&f, RURI, "+15551230000", NULL, SDP_PCMU, NULL);
	trunk.creds = &cred;
	trunk.ncreds = 1;
	assert_int_equal(admit_digest(&f.ctx, &f.r), ADMIT_CHALLENGE);
	b = buf_alloc(256);
	assert_int_equal(admit_challenge_print(&f.ctx, b, false), 0);
	assert_non_null(memmem(b->data, b->end, "algorithm=MD5", 13));
	assert_non_null(memmem(b->data, b->end, "algorithm=SHA-256", 17));
	mem_deref(b);
	assert_int_equal(digest_nonce_make(f.ctx.digest, nonce, sizeof(nonce)),
			 0);
	fx_done(&f);

	/* wrong response: 403 32202 */
	snprintf(hdr, sizeof(hdr),
		 "Proxy-Authorization: Digest username=\"alice\", "
		 "realm=\"trunkd\", nonce=\"%s\", uri=\"" RURI "\", "
		 "response=\"0123456789abcdef0123456789abcdef\", "
		 "algorithm=MD5\r\n",
		 nonce);
	fx_init(&f, RURI, "+15551230000", hdr, SDP_PCMU, NULL);
	trunk.creds = &cred;
	trunk.ncreds = 1;
	/* the nonce came from another context: forged here */
	assert_int_equal(admit_digest(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.alert, 32202);
	fx_done(&f);
}

static void test_e164_trial_deny_geo(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, "sip:5551234@pbx.example.com", "+15551230000", NULL,
		SDP_PCMU, NULL);
	assert_int_equal(admit_e164(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.scode, 400);
	assert_string_equal(f.r.reason, "Invalid Phone Number");
	assert_int_equal(f.r.alert, 32101);
	fx_done(&f);

	fx_init(&f, RURI, "+15551230000", NULL, SDP_PCMU, NULL);
	assert_int_equal(admit_e164(&f.ctx, &f.r), ADMIT_NEXT);
	assert_string_equal(f.r.called, "+14155550100");
	assert_string_equal(f.r.caller, "+15551230000");
	assert_int_equal(admit_trial(&f.ctx, &f.r), ADMIT_NEXT);
	t_acct.trial = true;
	assert_int_equal(admit_trial(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.alert, 32204);
	assert_string_equal(f.r.reason, "Invalid Caller ID");
	fx_done(&f);

	/* trial: caller verified, called not */
	fx_init(&f, "sip:+14155550199@pbx.example.com", "+14155550100", NULL,
		SDP_PCMU, NULL);
	t_acct.trial = true;
	assert_int_equal(admit_e164(&f.ctx, &f.r), ADMIT_NEXT);
	assert_int_equal(admit_trial(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.scode, 400);
	assert_int_equal(f.r.alert, 32100);
	fx_done(&f);

	/* trial: From has no number, P-Asserted-Identity has */
	fx_init(&f, RURI, "anonymous",
		"P-Asserted-Identity: <sip:+14155550100@x>\r\n", SDP_PCMU,
		NULL);
	t_acct.trial = true;
	assert_int_equal(admit_e164(&f.ctx, &f.r), ADMIT_NEXT);
	assert_int_equal(admit_trial(&f.ctx, &f.r), ADMIT_NEXT);
	fx_done(&f);

	fx_init(&f, "sip:+12125550100@pbx.example.com", "+15551230000", NULL,
		SDP_PCMU, NULL);
	assert_int_equal(admit_e164(&f.ctx, &f.r), ADMIT_NEXT);
	assert_int_equal(admit_deny(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.alert, 32203);
	assert_int_equal(admit_geo(&f.ctx, &f.r), ADMIT_NEXT);
	fx_done(&f);

	fx_init(&f, "sip:+442079460000@pbx.example.com", "+15551230000", NULL,
		SDP_PCMU, NULL);
	assert_int_equal(admit_e164(&f.ctx, &f.r), ADMIT_NEXT);
	assert_int_equal(admit_deny(&f.ctx, &f.r), ADMIT_NEXT);
	assert_int_equal(admit_geo(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.alert, 32205);
	assert_string_equal(f.r.reason, "No International Authorization");
	fx_done(&f);
}

static void test_cps_channels(void **state)
{
	struct fx f;

	(void)state;
	clock_mock_set(1000000);
	fx_init(&f, RURI, "+15551230000", NULL, SDP_PCMU, NULL);
	assert_int_equal(admit_cps(&f.ctx, &f.r), ADMIT_NEXT);
	assert_int_equal(admit_cps(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.scode, 503);
	assert_int_equal(f.r.alert, 32001);
	clock_mock_advance(1000);
	f.r.alert = 0;
	assert_int_equal(admit_cps(&f.ctx, &f.r), ADMIT_NEXT);

	trunk.max_calls = 1;
	assert_int_equal(admit_channels(&f.ctx, &f.r), ADMIT_NEXT);
	assert_true(f.r.chan_held);
	{
		struct admit_req r2 = f.r;

		r2.chan_held = false;
		assert_int_equal(admit_channels(&f.ctx, &r2), ADMIT_REJECT);
		assert_int_equal(r2.alert, 10004);
		assert_string_equal(r2.reason,
				    "Trunk concurrent call limit exceeded");
	}
	fx_done(&f); /* releases the channel */
	clock_mock_off();
}

static void test_sdp(void **state)
{
	struct fx f;
	struct buf *b;
	struct pl o;

	(void)state;
	fx_init(&f, RURI, "+15551230000", NULL, NULL, NULL);
	assert_int_equal(admit_sdp(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.alert, 32103);
	fx_done(&f);

	fx_init(&f, RURI, "+15551230000", NULL, "v=0\r\nm=audio x\r\n", NULL);
	assert_int_equal(admit_sdp(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.alert, 32102);
	assert_string_equal(f.r.reason, "Bad SDP");
	fx_done(&f);

	fx_init(&f, RURI, "+15551230000", NULL,
		"v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=c\r\n"
		"c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8\r\n",
		NULL);
	assert_int_equal(admit_sdp(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.scode, 415);
	assert_int_equal(f.r.alert, 39010);
	fx_done(&f);

	/* PCMU kept, PCMA dropped, telephone-event kept */
	fx_init(&f, RURI, "+15551230000", NULL, SDP_PCMU, NULL);
	assert_int_equal(admit_sdp(&f.ctx, &f.r), ADMIT_NEXT);
	assert_non_null(f.r.offer_rw); /* a format dropped */
	b = buf_alloc(256);
	assert_non_null(b);
	assert_int_equal(sdp_print(b, f.r.sdp, f.r.offer_rw), 0);
	o = buf_pl(b);
	assert_non_null(memmem(o.p, o.l, "m=audio 6000 RTP/AVP 0 101", 26));
	assert_null(memmem(o.p, o.l, " 8 ", 3));
	b = mem_deref(b);
	fx_done(&f);

	/* every format kept: the parsed offer stands for the printed one */
	fx_init(&f, RURI, "+15551230000", NULL,
		"v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=c\r\n"
		"c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		"m=audio 6000 RTP/AVP 0 101\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n",
		NULL);
	assert_int_equal(admit_sdp(&f.ctx, &f.r), ADMIT_NEXT);
	assert_non_null(f.r.sdp);
	assert_null(f.r.offer_rw);
	fx_done(&f);

	/* a video stream is refused (rewritten to port 0): printed */
	fx_init(&f, RURI, "+15551230000", NULL,
		"v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=c\r\n"
		"c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"
		"m=video 6002 RTP/AVP 96\r\n",
		NULL);
	assert_int_equal(admit_sdp(&f.ctx, &f.r), ADMIT_NEXT);
	assert_non_null(f.r.offer_rw);
	assert_true(sdp_rewrite_rejects(f.r.offer_rw, f.r.sdp, 1));
	assert_false(sdp_rewrite_rejects(f.r.offer_rw, f.r.sdp, 0));
	b = buf_alloc(256);
	assert_non_null(b);
	assert_int_equal(sdp_print(b, f.r.sdp, f.r.offer_rw), 0);
	o = buf_pl(b);
	assert_non_null(memmem(o.p, o.l, "m=video 0 RTP/AVP 96\r\n", 22));
	b = mem_deref(b);
	fx_done(&f);
}

static void test_run_order(void **state)
{
	struct fx f;

	(void)state;
	/* fails ACL and E.164: the ACL answers first */
	fx_init(&f, "sip:5551234@pbx.example.com", "+15551230000", NULL,
		SDP_PCMU, "10.9.9.9");
	f.r.trunk = NULL;
	assert_int_equal(admit_run(&f.ctx, &f.r), ADMIT_REJECT);
	assert_int_equal(f.r.alert, 32201);
	fx_done(&f);

	fx_init(&f, RURI, "+15551230000", NULL, SDP_PCMU, NULL);
	f.r.trunk = NULL;
	assert_int_equal(admit_run(&f.ctx, &f.r), ADMIT_NEXT);
	assert_true(f.r.chan_held);
	assert_non_null(f.r.sdp);
	fx_done(&f);
	assert_string_equal(admit_phases[0].name, "domain");
	assert_string_equal(admit_phases[admit_nphases - 1].name, "sdp");
}

static void test_dialog(void **state)
{
	struct dialog d;
	struct sip_recv rx;
	struct sip_msg *m;
	struct buf *b;
	struct pl pl;
	static const char inv[] =
		"INVITE sip:+14155550100@pbx.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx\r\n"
		"Record-Route: <sip:10.0.0.2;lr>, <sip:10.0.0.3;lr>\r\n"
		"From: \"A\" <sip:+1555@pbx>;tag=abc;x=1\r\n"
		"To: <sip:+14155550100@pbx.example.com>\r\n"
		"Call-ID: cid1\r\nCSeq: 7 INVITE\r\n"
		"Contact: <sip:a@10.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n";

	(void)state;
	memset(&d, 0, sizeof(d));
	memset(&rx, 0, sizeof(rx));
	rx.tp = SIP_TP_UDP;
	rx.src.ss_family = AF_INET;
	pl_set(&pl, inv, sizeof(inv) - 1);
	assert_int_equal(sip_msg_decode(&m, &pl, NULL, false, NULL), 0);
	assert_int_equal(dialog_uas_init(&d, m, &rx, "ourtag"), 0);
	assert_string_equal(d.rtag, "abc");
	assert_string_equal(d.rtarget, "sip:a@10.0.0.1:5070");
	assert_string_equal(d.routes, "<sip:10.0.0.2;lr>,<sip:10.0.0.3;lr>");
	assert_int_equal(d.rcseq, 7);
	assert_null(strstr(d.ruri, "tag="));
	assert_non_null(strstr(d.ruri, ";x=1"));
	/* next hop: the first route */
	assert_int_equal(
		ntohl(((struct sockaddr_in *)&d.dst)->sin_addr.s_addr),
		0x0a000002);
	b = buf_alloc(512);
	assert_int_equal(dialog_request_print(b, &d, "BYE", 1, "1.2.3.4:5060",
					      "z9hG4bKy", 70, NULL, NULL,
					      NULL),
			 0);
	assert_non_null(memmem(b->data, b->end,
			       "BYE sip:a@10.0.0.1:5070 SIP/2.0\r\n", 33));
	assert_non_null(memmem(b->data, b->end,
			       "Route: <sip:10.0.0.2;lr>,<sip:10.0.0.3;lr>",
			       42));
	assert_non_null(memmem(b->data, b->end, ";tag=ourtag", 11));
	mem_deref(b);
	dialog_reset(&d);
	mem_deref(m);
}

static struct sip_msg *resp_of(const char *text)
{
	struct sip_msg *m = NULL;
	struct pl pl;

	pl_set_str(&pl, text);
	assert_int_equal(sip_msg_decode(&m, &pl, NULL, false, NULL), 0);
	return m;
}

/* The carrier's 180 then 200: the dialog follows the last Contact and
 * Record-Route; a 200 repeating the 180 changes nothing. */
static void test_dialog_uac_confirm(void **state)
{
	static const char r180[] =
		"SIP/2.0 180 Ringing\r\n"
		"Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKz\r\n"
		"From: <sip:us@10.0.0.9>;tag=us\r\n"
		"To: <sip:+1555@10.0.0.5>;tag=them\r\n"
		"Call-ID: c2\r\nCSeq: 1 INVITE\r\n"
		"Contact: <sip:c@10.0.0.5:5080>\r\nContent-Length: 0\r\n\r\n";
	static const char r200b[] =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKz\r\n"
		"Record-Route: <sip:10.0.0.7;lr>\r\n"
		"From: <sip:us@10.0.0.9>;tag=us\r\n"
		"To: <sip:+1555@10.0.0.5>;tag=them\r\n"
		"Call-ID: c2\r\nCSeq: 1 INVITE\r\n"
		"Contact: <sip:c@10.0.0.6:5090>\r\nContent-Length: 0\r\n\r\n";
	struct dialog d;
	struct sip_msg *m;

	(void)state;
	memset(&d, 0, sizeof(d));
	m = resp_of(r180);
	assert_int_equal(dialog_uac_confirm(&d, m), 0);
	assert_string_equal(d.rtag, "them");
	assert_string_equal(d.rtarget, "sip:c@10.0.0.5:5080");
	assert_null(d.routes);
	assert_int_equal(sa_port(&d.dst), 5080);
	/* the same again (a 200 repeating the 180) */
	assert_int_equal(dialog_uac_confirm(&d, m), 0);
	assert_string_equal(d.rtarget, "sip:c@10.0.0.5:5080");
	assert_int_equal(sa_port(&d.dst), 5080);
	mem_deref(m);
	/* a new Contact and a route: the next hop is the route */
	m = resp_of(r200b);
	assert_int_equal(dialog_uac_confirm(&d, m), 0);
	assert_string_equal(d.rtarget, "sip:c@10.0.0.6:5090");
	assert_string_equal(d.routes, "<sip:10.0.0.7;lr>");
	assert_int_equal(
		ntohl(((struct sockaddr_in *)&d.dst)->sin_addr.s_addr),
		0x0a000007);
	mem_deref(m);
	dialog_reset(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_domain),
		LEAKCHECK_TEST(test_maxfwd_acl),
		LEAKCHECK_TEST(test_digest),
		LEAKCHECK_TEST(test_e164_trial_deny_geo),
		LEAKCHECK_TEST(test_cps_channels),
		LEAKCHECK_TEST(test_sdp),
		LEAKCHECK_TEST(test_run_order),
		LEAKCHECK_TEST(test_dialog),
		LEAKCHECK_TEST(test_dialog_uac_confirm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
