/* Unit tests for src/policy/policy: each admission phase alone, then the
 * whole pipeline. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "leakcheck.h"
#include "policy/policy.h"

#define DOMAIN "t1.pstn.example"
#define RURI   "sip:+12125551234@" DOMAIN

struct fix {
	struct policy_trunk t;
	struct policy_cred cred;
	char md5[DIGEST_HEX_SIZE], sha[DIGEST_HEX_SIZE];
	struct acl *acl;
	struct deny *own, *cids, *deny;
	uint8_t *geo;
	struct policy_state st;
	struct sockaddr_in src;
	struct policy_ctx ctx;
	struct codec_offer offers[2];
};

static struct fix *fx;

static void add(struct deny *d, const char *s, enum deny_kind k)
{
	struct pl p;

	pl_set_str(&p, s);
	assert_int_equal(deny_add(d, &p, k), 0);
}

static void ctx_reset(void)
{
	struct policy_ctx *c = &fx->ctx;

	policy_ctx_init(c);
	c->src = (const struct sockaddr *)&fx->src;
	c->method = PL("INVITE");
	c->ruri = PL(RURI);
	c->ruri_user = PL("+12125551234");
	c->ruri_host = PL("T1.PSTN.example");
	c->from_user = PL("+15005550006");
	c->to_user = PL("+12125551234");
	c->max_forwards = 70;
	c->offers = fx->offers;
	c->noffers = 2;
	c->trunk = &fx->t;
	c->state = &fx->st;
}

static int setup(void **state)
{
	int err = leakcheck_setup(state);

	if (err)
		return err;
	clock_mock_set(1000000);
	fx = mem_zalloc(sizeof(*fx), NULL);
	assert_non_null(fx);
	assert_int_equal(acl_alloc(&fx->acl), 0);
	assert_int_equal(acl_add_str(fx->acl, "203.0.113.0/24"), 0);
	assert_int_equal(acl_compile(fx->acl), 0);
	assert_int_equal(digest_ha1(fx->md5, sizeof(fx->md5), DIGEST_ALG_MD5,
				    "alice", DOMAIN, "s3cret"),
			 0);
	assert_int_equal(digest_ha1(fx->sha, sizeof(fx->sha),
				    DIGEST_ALG_SHA256, "alice", DOMAIN,
				    "s3cret"),
			 0);
	fx->cred.username = "alice";
	fx->cred.ha1_md5 = fx->md5;
	fx->cred.ha1_sha256 = fx->sha;
	assert_int_equal(deny_alloc(&fx->own), 0);
	assert_int_equal(deny_alloc(&fx->cids), 0);
	assert_int_equal(deny_alloc(&fx->deny), 0);
	add(fx->own, "+15005550006", DENY_EXACT);
	add(fx->cids, "+12125551234", DENY_EXACT);
	add(fx->cids, "+15005550100", DENY_EXACT);
	add(fx->deny, "+12125550000", DENY_EXACT);
	add(fx->deny, "+1242", DENY_PREFIX);
	fx->geo = mem_zalloc(numbering_country_count(), NULL);
	assert_non_null(fx->geo);
	fx->geo[numbering_country_index(numbering_country_find("US"))] =
		POLICY_GEO_LOW_RISK;
	fx->geo[numbering_country_index(numbering_country_find("BS"))] =
		POLICY_GEO_LOW_RISK;
	fx->geo[numbering_country_index(numbering_country_find("GB"))] =
		POLICY_GEO_LOW_RISK | POLICY_GEO_HIGH_RISK_SPECIAL;

	fx->t.sid = "TK0123456789abcdef0123456789abcdef";
	fx->t.domain = DOMAIN;
	fx->t.acl = fx->acl;
	fx->t.creds = &fx->cred;
	fx->t.ncreds = 1;
	fx->t.cps_limit = 1;
	fx->t.chan_limit = 1;
	fx->t.own_numbers = fx->own;
	fx->t.caller_ids = fx->cids;
	fx->t.deny = fx->deny;
	fx->t.geo = fx->geo;

	assert_int_equal(digest_ctx_alloc(&fx->st.digest, NULL, 0, 0, 0), 0);
	assert_int_equal(cps_table_alloc(&fx->st.cps), 0);
	assert_int_equal(chan_table_alloc(&fx->st.chans), 0);
	fx->src.sin_family = AF_INET;
	inet_pton(AF_INET, "203.0.113.10", &fx->src.sin_addr);
	fx->offers[0].pt = 8;
	fx->offers[1].pt = 0;
	ctx_reset();
	return 0;
}

static int teardown(void **state)
{
	mem_deref(fx->acl);
	mem_deref(fx->own);
	mem_deref(fx->cids);
	mem_deref(fx->deny);
	mem_deref(fx->geo);
	mem_deref(fx->st.digest);
	mem_deref(fx->st.cps);
	mem_deref(fx->st.chans);
	fx = mem_deref(fx);
	clock_mock_off();
	return leakcheck_teardown(state);
}

static enum policy_verdict run(enum policy_phase_id id)
{
	return policy_phases[id].run(&fx->ctx);
}

static void expect(enum policy_phase_id id, enum policy_reason r,
		   unsigned status, unsigned alert)
{
	assert_int_equal(run(id), POLICY_REJECT);
	assert_int_equal(fx->ctx.res.verdict, POLICY_REJECT);
	assert_int_equal(fx->ctx.res.reason, r);
	assert_int_equal(fx->ctx.res.phase, id);
	assert_int_equal(fx->ctx.res.status, status);
	assert_int_equal(fx->ctx.res.alert, alert);
	ctx_reset();
}

static void test_outcomes(void **state)
{
	size_t i;

	(void)state;
	for (i = 1; i < POLICY_R_COUNT; i++) {
		const struct policy_outcome *o = &policy_outcomes[i];

		if (o->status)
			assert_non_null(o->phrase);
		else
			assert_int_equal(o->alert, 39001);
	}
	assert_string_equal(policy_outcomes[POLICY_R_GEO].phrase,
			    "No International Authorization");
	assert_int_equal(policy_outcomes[POLICY_R_CPS].status, 503);
	for (i = 0; i < POLICY_PHASE_COUNT; i++) {
		assert_non_null(policy_phases[i].name);
		assert_non_null(policy_phases[i].run);
	}
}

static void test_domain(void **state)
{
	(void)state;
	assert_int_equal(run(POLICY_PHASE_DOMAIN), POLICY_OK);
	fx->ctx.ruri_host = PL("other.example");
	expect(POLICY_PHASE_DOMAIN, POLICY_R_UNKNOWN_DOMAIN, 0, 39001);
	fx->ctx.trunk = NULL;
	expect(POLICY_PHASE_DOMAIN, POLICY_R_UNKNOWN_DOMAIN, 0, 39001);
}

static void test_hops(void **state)
{
	(void)state;
	assert_int_equal(run(POLICY_PHASE_HOPS), POLICY_OK);
	fx->ctx.max_forwards = -1;
	assert_int_equal(run(POLICY_PHASE_HOPS), POLICY_DECLINED);
	fx->ctx.max_forwards = 0;
	expect(POLICY_PHASE_HOPS, POLICY_R_TOO_MANY_HOPS, 483, 32006);
	fx->ctx.max_forwards = 1;
	assert_int_equal(run(POLICY_PHASE_HOPS), POLICY_OK);
}

static void test_acl(void **state)
{
	(void)state;
	assert_int_equal(run(POLICY_PHASE_ACL), POLICY_OK);
	inet_pton(AF_INET, "198.51.100.1", &fx->src.sin_addr);
	expect(POLICY_PHASE_ACL, POLICY_R_ACL, 403, 32201);
	fx->t.acl = NULL;
	assert_int_equal(run(POLICY_PHASE_ACL), POLICY_DECLINED);
	fx->t.ncreds = 0;
	expect(POLICY_PHASE_ACL, POLICY_R_NO_AUTH_CONFIG, 403, 32200);
	expect(POLICY_PHASE_AUTH, POLICY_R_NO_AUTH_CONFIG, 403, 32200);
	fx->t.acl = fx->acl;
	fx->t.inactive = true;
	expect(POLICY_PHASE_ACL, POLICY_R_NO_AUTH_CONFIG, 403, 32200);
}

/* Build a Proxy-Authorization value answering nonce. */
static void answer(char *out, size_t sz, enum digest_alg alg, const char *user,
		   const char *pass, const char *nonce, const char *nc,
		   const char *uri)
{
	char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE];
	char rsp[DIGEST_HEX_SIZE], tail[256];

	/* H(a:b:c) is digest_ha1(a, b, c): HA2 = H("INVITE" ":" "sip" ":"
	 * rest-of-uri), response = H(HA1 ":" nonce ":" "nc:cnonce:qop:HA2") */
	assert_int_equal(digest_ha1(ha1, sizeof(ha1), alg, user, DOMAIN, pass),
			 0);
	assert_int_equal(strncmp(uri, "sip:", 4), 0);
	assert_int_equal(
		digest_ha1(ha2, sizeof(ha2), alg, "INVITE", "sip", uri + 4),
		0);
	snprintf(tail, sizeof(tail), "%s:0a4f113b:auth:%s", nc, ha2);
	assert_int_equal(digest_ha1(rsp, sizeof(rsp), alg, ha1, nonce, tail),
			 0);
	snprintf(out, sz,
		 "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
		 "uri=\"%s\", response=\"%s\", algorithm=%s, qop=auth, "
		 "nc=%s, cnonce=\"0a4f113b\"",
		 user, DOMAIN, nonce, uri, rsp, digest_alg_name(alg), nc);
}

/* The nonce of the last challenge. */
static void nonce_of(const char *ch, char *nonce)
{
	const char *p = strstr(ch, "nonce=\"");

	assert_non_null(p);
	memcpy(nonce, p + 7, DIGEST_NONCE_LEN);
	nonce[DIGEST_NONCE_LEN] = '\0';
}

static void test_auth(void **state)
{
	char nonce[DIGEST_NONCE_LEN + 1], hdr[512], replay[512];

	(void)state;
	/* no credentials: 407 with SHA-256 then MD5 challenges */
	assert_int_equal(run(POLICY_PHASE_AUTH), POLICY_REJECT);
	assert_int_equal(fx->ctx.res.status, 407);
	assert_int_equal(fx->ctx.res.alert, 0);
	assert_non_null(strstr(fx->ctx.challenge[0], "algorithm=SHA-256"));
	assert_non_null(strstr(fx->ctx.challenge[1], "algorithm=MD5"));
	assert_non_null(strstr(fx->ctx.challenge[0], "realm=\"" DOMAIN "\""));
	assert_null(strstr(fx->ctx.challenge[0], "stale"));
	nonce_of(fx->ctx.challenge[0], nonce);
	assert_non_null(strstr(fx->ctx.challenge[1], nonce));

	/* SHA-256 answer */
	ctx_reset();
	answer(hdr, sizeof(hdr), DIGEST_ALG_SHA256, "alice", "s3cret", nonce,
	       "00000001", RURI);
	pl_set_str(&fx->ctx.auth, hdr);
	assert_int_equal(run(POLICY_PHASE_AUTH), POLICY_OK);
	assert_true(fx->ctx.authenticated);
	/* the same again is a replay: new challenge, stale */
	memcpy(replay, hdr, sizeof(replay));
	ctx_reset();
	pl_set_str(&fx->ctx.auth, replay);
	assert_int_equal(run(POLICY_PHASE_AUTH), POLICY_REJECT);
	assert_int_equal(fx->ctx.res.status, 407);
	assert_non_null(strstr(fx->ctx.challenge[0], "stale=true"));
	/* next nc with MD5 is fine */
	ctx_reset();
	answer(hdr, sizeof(hdr), DIGEST_ALG_MD5, "alice", "s3cret", nonce,
	       "00000002", RURI);
	pl_set_str(&fx->ctx.auth, hdr);
	assert_int_equal(run(POLICY_PHASE_AUTH), POLICY_OK);
	/* wrong password */
	ctx_reset();
	answer(hdr, sizeof(hdr), DIGEST_ALG_MD5, "alice", "guess", nonce,
	       "00000003", RURI);
	pl_set_str(&fx->ctx.auth, hdr);
	expect(POLICY_PHASE_AUTH, POLICY_R_AUTH_FAILED, 403, 32202);
	/* signed for another URI */
	answer(hdr, sizeof(hdr), DIGEST_ALG_MD5, "alice", "s3cret", nonce,
	       "00000004", "sip:+12125559999@" DOMAIN);
	pl_set_str(&fx->ctx.auth, hdr);
	expect(POLICY_PHASE_AUTH, POLICY_R_AUTH_FAILED, 403, 32202);
	/* unknown user */
	answer(hdr, sizeof(hdr), DIGEST_ALG_MD5, "bob", "s3cret", nonce,
	       "00000005", RURI);
	pl_set_str(&fx->ctx.auth, hdr);
	expect(POLICY_PHASE_AUTH, POLICY_R_AUTH_USER, 403, 32106);
	/* garbage */
	pl_set_str(&fx->ctx.auth, "Digest username=");
	expect(POLICY_PHASE_AUTH, POLICY_R_AUTH_FAILED, 403, 32202);
	/* a nonce we did not issue: challenge */
	answer(hdr, sizeof(hdr), DIGEST_ALG_MD5, "alice", "s3cret",
	       "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", RURI);
	pl_set_str(&fx->ctx.auth, hdr);
	assert_int_equal(run(POLICY_PHASE_AUTH), POLICY_REJECT);
	assert_int_equal(fx->ctx.res.status, 407);
	assert_null(strstr(fx->ctx.challenge[0], "stale"));
	/* expired nonce: stale challenge */
	ctx_reset();
	clock_mock_advance(301000);
	answer(hdr, sizeof(hdr), DIGEST_ALG_MD5, "alice", "s3cret", nonce,
	       "00000009", RURI);
	pl_set_str(&fx->ctx.auth, hdr);
	assert_int_equal(run(POLICY_PHASE_AUTH), POLICY_REJECT);
	assert_int_equal(fx->ctx.res.status, 407);
	assert_non_null(strstr(fx->ctx.challenge[1], "stale=true"));
	/* ACL-only trunk: the phase does not apply */
	ctx_reset();
	fx->t.ncreds = 0;
	assert_int_equal(run(POLICY_PHASE_AUTH), POLICY_DECLINED);
}

static void test_e164(void **state)
{
	(void)state;
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	assert_string_equal(fx->ctx.dest, "+12125551234");
	ctx_reset();
	fx->ctx.ruri_user = PL("2125551234");
	expect(POLICY_PHASE_E164, POLICY_R_NOT_E164, 400, 32101);
	fx->ctx.to_user = PL("alice");
	expect(POLICY_PHASE_E164, POLICY_R_NOT_E164, 400, 32101);
	fx->ctx.ruri_user = PL("+1-212-555-1234");
	expect(POLICY_PHASE_E164, POLICY_R_NOT_E164, 400, 32101);
	fx->ctx.ruri_user = PL("+1-212-555-1234");
	fx->ctx.ruri_user_phone = true;
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	assert_string_equal(fx->ctx.dest, "+12125551234");
	ctx_reset();
	fx->ctx.ruri_user = PL("+0012125551234");
	expect(POLICY_PHASE_E164, POLICY_R_NOT_E164, 400, 32101);
}

static void test_trial(void **state)
{
	(void)state;
	assert_int_equal(run(POLICY_PHASE_TRIAL), POLICY_DECLINED);
	fx->t.trial = true;
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	assert_int_equal(run(POLICY_PHASE_TRIAL), POLICY_OK);
	assert_string_equal(fx->ctx.caller, "+15005550006");
	/* verified caller ID as From */
	ctx_reset();
	fx->ctx.from_user = PL("+15005550100");
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	assert_int_equal(run(POLICY_PHASE_TRIAL), POLICY_OK);
	/* From without a number: P-Asserted-Identity counts */
	ctx_reset();
	fx->ctx.from_user = PL("anonymous");
	fx->ctx.pai_user = PL("+15005550006");
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	assert_int_equal(run(POLICY_PHASE_TRIAL), POLICY_OK);
	ctx_reset();
	fx->ctx.from_user = PL("anonymous");
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	expect(POLICY_PHASE_TRIAL, POLICY_R_CALLER_ID, 403, 32204);
	fx->ctx.from_user = PL("+15005559999");
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	expect(POLICY_PHASE_TRIAL, POLICY_R_CALLER_ID, 403, 32204);
	/* callee not verified */
	fx->ctx.ruri_user = PL("+12125557777");
	fx->ctx.to_user = PL("+12125557777");
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	expect(POLICY_PHASE_TRIAL, POLICY_R_UNVERIFIED, 400, 32100);
}

static void test_deny(void **state)
{
	(void)state;
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	assert_int_equal(run(POLICY_PHASE_DENY), POLICY_OK);
	fx->ctx.ruri_user = PL("+12125550000");
	fx->ctx.to_user = PL("+12125550000");
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	expect(POLICY_PHASE_DENY, POLICY_R_DENIED, 403, 32203);
	fx->ctx.ruri_user = PL("+12423221234");
	fx->ctx.to_user = PL("+12423221234");
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
	expect(POLICY_PHASE_DENY, POLICY_R_DENIED, 403, 32203);
	fx->t.deny = NULL;
	assert_int_equal(run(POLICY_PHASE_DENY), POLICY_DECLINED);
}

static void geo_dest(const char *num)
{
	ctx_reset();
	pl_set_str(&fx->ctx.ruri_user, num);
	pl_set_str(&fx->ctx.to_user, num);
	assert_int_equal(run(POLICY_PHASE_E164), POLICY_OK);
}

static void test_geo(void **state)
{
	(void)state;
	geo_dest("+12125551234");
	assert_int_equal(run(POLICY_PHASE_GEO), POLICY_OK);
	assert_string_equal(fx->ctx.dest_country->iso, "US");
	geo_dest("+12423221234"); /* Bahamas, enabled */
	assert_int_equal(run(POLICY_PHASE_GEO), POLICY_OK);
	geo_dest("+14165551234"); /* Canada, not enabled */
	expect(POLICY_PHASE_GEO, POLICY_R_GEO, 403, 32205);
	geo_dest("+19005551234"); /* US premium rate */
	expect(POLICY_PHASE_GEO, POLICY_R_GEO, 403, 32205);
	geo_dest("+33123456789");
	expect(POLICY_PHASE_GEO, POLICY_R_GEO, 403, 32205);
	geo_dest("+88213456789"); /* non-geographic */
	expect(POLICY_PHASE_GEO, POLICY_R_GEO, 403, 32205);
	geo_dest("+449012345678"); /* GB premium, allowed */
	assert_int_equal(run(POLICY_PHASE_GEO), POLICY_OK);
	fx->t.geo = NULL;
	geo_dest("+33123456789");
	assert_int_equal(run(POLICY_PHASE_GEO), POLICY_DECLINED);
}

static void test_cps(void **state)
{
	(void)state;
	assert_int_equal(run(POLICY_PHASE_CPS), POLICY_OK);
	expect(POLICY_PHASE_CPS, POLICY_R_CPS, 503, 32001);
	clock_mock_advance(1000);
	assert_int_equal(run(POLICY_PHASE_CPS), POLICY_OK);
	fx->t.cps_limit = 0;
	assert_int_equal(run(POLICY_PHASE_CPS), POLICY_DECLINED);
}

static void test_channels(void **state)
{
	struct pl k;

	(void)state;
	pl_set_str(&k, fx->t.sid);
	assert_int_equal(run(POLICY_PHASE_CHANNELS), POLICY_OK);
	assert_true(fx->ctx.chan_held);
	expect(POLICY_PHASE_CHANNELS, POLICY_R_CHANNELS, 503, 10004);
	assert_int_equal(chan_count(fx->st.chans, &k), 1);
	/* the held one ends */
	fx->ctx.chan_held = true;
	policy_call_end(&fx->ctx);
	policy_call_end(&fx->ctx);
	assert_int_equal(chan_count(fx->st.chans, &k), 0);
	/* trial: 4 even with a larger limit */
	fx->t.trial = true;
	fx->t.chan_limit = 10;
	for (int i = 0; i < 4; i++)
		assert_int_equal(run(POLICY_PHASE_CHANNELS), POLICY_OK);
	expect(POLICY_PHASE_CHANNELS, POLICY_R_CHANNELS, 503, 10004);
	for (int i = 0; i < 4; i++)
		assert_int_equal(chan_release(fx->st.chans, &k), 0);
}

static void test_codec(void **state)
{
	(void)state;
	assert_int_equal(run(POLICY_PHASE_CODEC), POLICY_OK);
	assert_int_equal(fx->ctx.nkept, 1);
	assert_int_equal(fx->ctx.kept[0], 0);
	fx->ctx.noffers = 1; /* PCMA only */
	expect(POLICY_PHASE_CODEC, POLICY_R_CODEC, 415, 39010);
	fx->t.codecs = "PCMA";
	fx->ctx.noffers = 1;
	assert_int_equal(run(POLICY_PHASE_CODEC), POLICY_OK);
	fx->ctx.noffers = 0;
	assert_int_equal(run(POLICY_PHASE_CODEC), POLICY_DECLINED);
}

static void test_pipeline(void **state)
{
	struct pl k;
	char nonce[DIGEST_NONCE_LEN + 1], hdr[512];

	(void)state;
	pl_set_str(&k, fx->t.sid);
	/* first INVITE: challenged */
	assert_int_equal(policy_run(&fx->ctx), POLICY_REJECT);
	assert_int_equal(fx->ctx.res.phase, POLICY_PHASE_AUTH);
	assert_int_equal(fx->ctx.res.status, 407);
	nonce_of(fx->ctx.challenge[0], nonce);
	/* answered: admitted, a channel held */
	ctx_reset();
	answer(hdr, sizeof(hdr), DIGEST_ALG_SHA256, "alice", "s3cret", nonce,
	       "00000001", RURI);
	pl_set_str(&fx->ctx.auth, hdr);
	assert_int_equal(policy_run(&fx->ctx), POLICY_OK);
	assert_int_equal(fx->ctx.res.verdict, POLICY_OK);
	assert_true(fx->ctx.chan_held);
	assert_int_equal(chan_count(fx->st.chans, &k), 1);
	policy_call_end(&fx->ctx);
	assert_int_equal(chan_count(fx->st.chans, &k), 0);
	/* a codec rejection after the channel phase releases the channel */
	ctx_reset();
	clock_mock_advance(1000);
	answer(hdr, sizeof(hdr), DIGEST_ALG_SHA256, "alice", "s3cret", nonce,
	       "00000002", RURI);
	pl_set_str(&fx->ctx.auth, hdr);
	fx->ctx.noffers = 1;
	assert_int_equal(policy_run(&fx->ctx), POLICY_REJECT);
	assert_int_equal(fx->ctx.res.phase, POLICY_PHASE_CODEC);
	assert_int_equal(fx->ctx.res.alert, 39010);
	assert_false(fx->ctx.chan_held);
	assert_int_equal(chan_count(fx->st.chans, &k), 0);
	/* unknown source address stops before auth */
	ctx_reset();
	inet_pton(AF_INET, "192.0.2.1", &fx->src.sin_addr);
	assert_int_equal(policy_run(&fx->ctx), POLICY_REJECT);
	assert_int_equal(fx->ctx.res.alert, 32201);
	assert_int_equal(policy_run(NULL), POLICY_REJECT);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_outcomes), T(test_domain),   T(test_hops),
		T(test_acl),	  T(test_auth),	    T(test_e164),
		T(test_trial),	  T(test_deny),	    T(test_geo),
		T(test_cps),	  T(test_channels), T(test_codec),
		T(test_pipeline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
