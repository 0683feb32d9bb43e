/* Termination admission pipeline (see admit.h). */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alert/alert.h"
#include "b2bua/admit.h"
#include "base/mem.h"
#include "policy/channels.h"
#include "policy/codec.h"
#include "policy/cps.h"
#include "policy/digest.h"
#include "policy/numbering.h"

static void evidence(struct admit_req *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void evidence(struct admit_req *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nevidence >= ADMIT_MAX_EVIDENCE)
		return;
	va_start(ap, fmt);
	vsnprintf(r->evidence[r->nevidence++], sizeof(r->evidence[0]), fmt,
		  ap);
	va_end(ap);
}

/* Reject with the catalog's response for code. */
static enum admit_verdict reject(struct admit_req *r, uint32_t code)
{
	const struct alert_def *d = alert_catalog_find(code);

	r->alert = code;
	r->scode = d && d->status ? d->status : 403;
	r->reason = d && d->status ? d->reason : NULL;
	return ADMIT_REJECT;
}

static bool trunk_trial(const struct admit_req *r)
{
	return r->trunk && r->trunk->account && r->trunk->account->trial;
}

enum admit_verdict admit_domain(struct admit_ctx *ctx, struct admit_req *r)
{
	char host[256];

	(void)ctx;
	if (pl_strcpy(&r->msg->ruri.host, host, sizeof(host)))
		host[0] = '\0';
	r->trunk = host[0] ? snapshot_trunk_by_domain(r->snap, host) : NULL;
	if (r->trunk)
		return ADMIT_NEXT;
	evidence(r, "Request-URI: %.*s", PL_ARG(&r->msg->ruri_raw));
	evidence(r, "No trunk has the termination domain \"%s\"", host);
	r->alert = 39001;
	return ADMIT_DROP;
}

enum admit_verdict admit_maxfwd(struct admit_ctx *ctx, struct admit_req *r)
{
	(void)ctx;
	if (r->msg->maxfwd != 0)
		return ADMIT_NEXT;
	evidence(r, "Max-Forwards: 0");
	return reject(r, 32006);
}

static int src_ip(const struct admit_req *r, char *buf, size_t sz)
{
	const struct sockaddr_storage *ss = &r->rx->src;
	const void *a =
		ss->ss_family == AF_INET6
			? (const void *)&((const struct sockaddr_in6 *)ss)
				  ->sin6_addr
			: (const void *)&((const struct sockaddr_in *)ss)
				  ->sin_addr;

	return inet_ntop(ss->ss_family, a, buf, (socklen_t)sz) ? 0 : EINVAL;
}

enum admit_verdict admit_acl(struct admit_ctx *ctx, struct admit_req *r)
{
	const struct snap_trunk *t = r->trunk;
	const struct sockaddr_storage *ss = &r->rx->src;
	const void *addr;
	char ip[64] = "?";

	(void)ctx;
	if (t->account && t->account->status != SNAP_ACCOUNT_ACTIVE) {
		evidence(r, "Account %s is not active", t->account_sid);
		return reject(r, 32200);
	}
	if (!t->ncidrs && !t->ncreds) {
		evidence(r,
			 "Trunk %s has no IP access control list and no "
			 "credential list",
			 t->sid);
		return reject(r, 32200);
	}
	if (!t->ncidrs)
		return ADMIT_NEXT;
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		addr = &s6->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			if (snapshot_trunk_ip_allowed(
				    t, AF_INET, s6->sin6_addr.s6_addr + 12))
				return ADMIT_NEXT;
		}
	} else {
		addr = &((const struct sockaddr_in *)ss)->sin_addr;
	}
	if (snapshot_trunk_ip_allowed(t, ss->ss_family, addr))
		return ADMIT_NEXT;
	(void)src_ip(r, ip, sizeof(ip));
	evidence(r,
		 "Source address %s is in none of the trunk's IP access "
		 "control lists",
		 ip);
	return reject(r, 32201);
}

/* The Proxy-Authorization for our realm, decoded. */
static int find_cred(struct sip_msg *msg, struct digest_cred *cred)
{
	const struct sip_hdr *h;
	int ret = ENOENT;

	for (h = sip_msg_hdr(msg, SIP_HDR_PROXY_AUTHORIZATION); h;
	     h = sip_msg_hdr_next(msg, h)) {
		ret = digest_cred_decode(cred, &h->val);
		if (ret)
			continue;
		if (pl_eq_str(&cred->realm, SNAPSHOT_DIGEST_REALM))
			return 0;
		ret = ENOENT;
	}
	return ret;
}

enum admit_verdict admit_digest(struct admit_ctx *ctx, struct admit_req *r)
{
	const struct snap_trunk *t = r->trunk;
	const struct snap_cred *sc = NULL;
	struct digest_cred *cred;
	const char *ha1;
	enum admit_verdict v = ADMIT_NEXT;
	int err;

	if (!t->ncreds)
		return ADMIT_NEXT;
	if (!ctx->digest)
		return reject(r, 32202);
	cred = mem_zalloc(sizeof(*cred), NULL);
	if (!cred) {
		r->scode = 500;
		r->reason = NULL;
		return ADMIT_REJECT;
	}
	if (find_cred(r->msg, cred)) {
		v = ADMIT_CHALLENGE;
		goto out;
	}
	err = digest_nonce_check(ctx->digest, &cred->nonce);
	if (err == ESTALE) {
		r->stale = true;
		v = ADMIT_CHALLENGE;
		goto out;
	}
	if (err) {
		evidence(r, "Proxy-Authorization nonce was not issued by this "
			    "trunk");
		v = reject(r, 32202);
		goto out;
	}
	for (size_t i = 0; i < t->ncreds; i++)
		if (pl_eq_str(&cred->username, t->creds[i].username)) {
			sc = &t->creds[i];
			break;
		}
	if (!sc) {
		evidence(r,
			 "Proxy-Authorization username \"%.*s\" matches no "
			 "credential of the trunk",
			 PL_ARG(&cred->username));
		v = reject(r, 32106);
		goto out;
	}
	ha1 = cred->alg == DIGEST_ALG_SHA256 ? sc->ha1_sha256 : sc->ha1_md5;
	if (!ha1 || digest_verify(cred, "INVITE", NULL, ha1)) {
		evidence(r,
			 "Digest response for username \"%s\" "
			 "(algorithm %s) does not match the stored "
			 "password",
			 sc->username, digest_alg_name(cred->alg));
		v = reject(r, 32202);
		goto out;
	}
	err = digest_replay_check(ctx->digest, &cred->nonce, cred->ncval);
	if (err == ESTALE) {
		r->stale = true;
		v = ADMIT_CHALLENGE;
	} else if (err) {
		evidence(r, "Digest nonce and nc were already used (replay)");
		v = reject(r, 32202);
	}
out:
	mem_deref(cred);
	return v;
}

static bool number_of(const struct pl *uri, char *out)
{
	char tmp[E164_SIZE];
	struct pl p;

	if (e164_from_uri(uri, tmp, sizeof(tmp)))
		return false;
	pl_set_str(&p, tmp);
	if (!e164_is_valid(&p))
		return false;
	memcpy(out, tmp, sizeof(tmp));
	return true;
}

enum admit_verdict admit_e164(struct admit_ctx *ctx, struct admit_req *r)
{
	const struct sip_addr *to, *from;
	char tonum[E164_SIZE];

	(void)ctx;
	if (!number_of(&r->msg->ruri.raw, r->called)) {
		evidence(r, "Request-URI: %.*s", PL_ARG(&r->msg->ruri_raw));
		return reject(r, 32101);
	}
	if (sip_msg_to(r->msg, &to) || !number_of(&to->uri.raw, tonum)) {
		evidence(r, "To: %.*s",
			 PL_ARG(r->msg->h_to ? &r->msg->h_to->val
					     : &r->msg->ruri_raw));
		return reject(r, 32101);
	}
	/* the caller's number, for trial checks and the carrier leg */
	if (!sip_msg_from(r->msg, &from) &&
	    number_of(&from->uri.raw, r->caller))
		return ADMIT_NEXT;
	r->caller[0] = '\0';
	return ADMIT_NEXT;
}

/* PAI or RPID number when From has none. */
static bool identity_number(struct sip_msg *msg, char *out)
{
	static const enum sip_hdr_id ids[] = {SIP_HDR_P_ASSERTED_IDENTITY,
					      SIP_HDR_REMOTE_PARTY_ID};

	for (size_t i = 0; i < 2; i++) {
		const struct sip_hdr *h;

		for (h = sip_msg_hdr(msg, ids[i]); h;
		     h = sip_msg_hdr_next(msg, h)) {
			struct sip_addr a;

			if (!sip_addr_decode(&a, &h->val) &&
			    number_of(&a.uri.raw, out))
				return true;
		}
	}
	return false;
}

enum admit_verdict admit_trial(struct admit_ctx *ctx, struct admit_req *r)
{
	const char *acct = r->trunk->account_sid;

	(void)ctx;
	if (!trunk_trial(r))
		return ADMIT_NEXT;
	if (!r->caller[0])
		(void)identity_number(r->msg, r->caller);
	if (!r->caller[0] ||
	    !(snapshot_number_owned(r->snap, acct, r->caller) ||
	      snapshot_caller_id_verified(r->snap, acct, r->caller))) {
		evidence(r, "From: %.*s",
			 PL_ARG(r->msg->h_from ? &r->msg->h_from->val
					       : &r->msg->ruri_raw));
		evidence(r,
			 "Trial account: the caller \"%s\" is neither the "
			 "account's number nor a verified caller ID",
			 r->caller);
		return reject(r, 32204);
	}
	if (!snapshot_caller_id_verified(r->snap, acct, r->called)) {
		evidence(r,
			 "Trial account: the called number %s is not a "
			 "verified caller ID",
			 r->called);
		return reject(r, 32100);
	}
	return ADMIT_NEXT;
}

enum admit_verdict admit_deny(struct admit_ctx *ctx, struct admit_req *r)
{
	(void)ctx;
	if (!snapshot_denied(r->snap, r->trunk->account_sid, r->called))
		return ADMIT_NEXT;
	evidence(r, "%s matches the account's deny list", r->called);
	return reject(r, 32203);
}

static bool default_low_risk(const char *iso)
{
	static const char *const on[] = {"US", "CA", "PR", "VI",
					 "GU", "AS", "MP"};

	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		if (!strcmp(iso, on[i]))
			return true;
	return false;
}

enum admit_verdict admit_geo(struct admit_ctx *ctx, struct admit_req *r)
{
	const char *digits = r->called + 1;
	size_t len = strlen(digits);
	const struct numbering_country *c;
	const struct snap_dialperm *p;
	bool low;

	(void)ctx;
	c = numbering_country_of(digits, len);
	if (!c) {
		evidence(r, "%s belongs to no country (non-geographic code)",
			 r->called);
		return reject(r, 32205);
	}
	p = snapshot_dialperm(r->snap, r->trunk->account_sid, c->iso);
	low = p ? p->low_risk : default_low_risk(c->iso);
	if (!low) {
		evidence(r, "Dialing permissions: %s (%s) is not enabled",
			 c->name, c->iso);
		return reject(r, 32205);
	}
	if (numbering_is_high_risk(digits, len) &&
	    !(p && p->high_risk_special)) {
		evidence(r,
			 "Dialing permissions: %s is in a high-risk "
			 "special range of %s, not enabled",
			 r->called, c->iso);
		return reject(r, 32205);
	}
	return ADMIT_NEXT;
}

enum admit_verdict admit_cps(struct admit_ctx *ctx, struct admit_req *r)
{
	struct pl key;
	int err;

	if (!ctx->cps)
		return ADMIT_NEXT;
	pl_set_str(&key, r->trunk->sid);
	err = cps_take(ctx->cps, &key, r->trunk->cps_limit);
	if (!err)
		return ADMIT_NEXT;
	evidence(r, "Trunk %s CpsLimit is %u call(s) per second",
		 r->trunk->sid, r->trunk->cps_limit);
	return reject(r, 32001);
}

enum admit_verdict admit_channels(struct admit_ctx *ctx, struct admit_req *r)
{
	uint32_t limit;
	struct pl key;
	int err;

	if (!ctx->chans)
		return ADMIT_NEXT;
	limit = chan_limit(r->trunk->max_calls, trunk_trial(r));
	pl_set_str(&key, r->trunk->sid);
	err = chan_acquire(ctx->chans, &key, limit);
	if (!err) {
		r->chan_held = true;
		return ADMIT_NEXT;
	}
	evidence(r, "Trunk %s has %u call(s) up; the limit is %u%s",
		 r->trunk->sid, chan_count(ctx->chans, &key), limit,
		 trunk_trial(r) ? " (Trial account)" : "");
	return reject(r, 10004);
}

enum admit_verdict admit_sdp(struct admit_ctx *ctx, struct admit_req *r)
{
	struct sdp_rewrite rw;
	const char *why = NULL;
	bool any = false, changed = false;
	int err;

	(void)ctx;
	if (!r->msg->body.l) {
		evidence(r, "The INVITE has no body (Content-Length: 0)");
		return reject(r, 32103);
	}
	err = sdp_session_decode(&r->sdp, &r->msg->body, r->msg->mb, &why);
	if (err) {
		evidence(r, "SDP: %s", why ? why : strerror(err));
		return reject(r, 32102);
	}
	sdp_rewrite_init(&rw);
	for (uint32_t i = 0; i < r->sdp->nmedia && i < SDP_MAX_MEDIA; i++) {
		const struct sdp_media *m = &r->sdp->media[i];
		struct codec_offer offers[SDP_MAX_FMT];
		uint8_t kept[SDP_MAX_FMT];
		size_t n = 0, nkept = 0;

		if (!m->rtp)
			continue;
		/* non-audio RTP streams are refused (port 0) */
		rw.media[i].filter = true;
		if (!pl_eq_str(&m->type, "audio") || !m->port) {
			changed = true; /* refused: rewritten */
			continue;
		}
		for (uint32_t k = 0; k < m->nfmts; k++) {
			if (m->fmts[k].pt < 0)
				continue;
			offers[n].pt = (uint8_t)m->fmts[k].pt;
			offers[n].name = m->fmts[k].rtpmap
						 ? m->fmts[k].name
						 : (struct pl)PL_INIT;
			n++;
		}
		if (codec_filter(r->trunk->codecs, offers, n, kept, &nkept)) {
			changed = true;
			continue;
		}
		for (size_t k = 0; k < nkept; k++)
			sdp_rewrite_keep_pt(&rw, i, kept[k]);
		any = true;
		if (nkept != m->nfmts)
			changed = true; /* formats dropped */
	}
	if (!any) {
		evidence(r, "The offer has no codec of the trunk's list (%s)",
			 r->trunk->codecs && *r->trunk->codecs
				 ? r->trunk->codecs
				 : CODEC_DEFAULT);
		return reject(r, 39010);
	}
	/* a filter that changes nothing is none: the offer goes out as the
	 * PBX wrote it (stray a=rtpmap lines included) */
	if (!changed)
		return ADMIT_NEXT;
	r->offer_rw = mem_alloc(sizeof(rw), NULL);
	if (r->offer_rw) {
		*r->offer_rw = rw;
		return ADMIT_NEXT;
	}
	r->scode = 500;
	r->reason = NULL;
	r->alert = 0;
	return ADMIT_REJECT;
}

const struct admit_phase admit_phases[] = {
	{.name = "domain", .fn = admit_domain},
	{.name = "max-forwards", .fn = admit_maxfwd},
	{.name = "acl", .fn = admit_acl},
	{.name = "digest", .fn = admit_digest},
	{.name = "e164", .fn = admit_e164},
	{.name = "trial", .fn = admit_trial},
	{.name = "deny", .fn = admit_deny},
	{.name = "geo", .fn = admit_geo},
	{.name = "cps", .fn = admit_cps},
	{.name = "channels", .fn = admit_channels},
	{.name = "sdp", .fn = admit_sdp},
};
const unsigned admit_nphases = sizeof(admit_phases) / sizeof(admit_phases[0]);

enum admit_verdict admit_run(struct admit_ctx *ctx, struct admit_req *r)
{
	for (unsigned i = 0; i < admit_nphases; i++) {
		enum admit_verdict v = admit_phases[i].fn(ctx, r);

		if (v != ADMIT_NEXT)
			return v;
	}
	return ADMIT_NEXT;
}

void admit_req_release(struct admit_ctx *ctx, struct admit_req *r,
		       bool keep_chan)
{
	if (r->chan_held && !keep_chan && ctx->chans && r->trunk) {
		struct pl key;

		pl_set_str(&key, r->trunk->sid);
		(void)chan_release(ctx->chans, &key);
	}
	r->chan_held = r->chan_held && keep_chan;
	r->sdp = mem_deref(r->sdp);
	r->offer_rw = mem_deref(r->offer_rw);
}

int admit_challenge_print(struct admit_ctx *ctx, struct buf *b, bool stale)
{
	/* MD5 first: deployed UACs (SIPp, older PBXs) read only the first
	 * challenge and give up on SHA-256; RFC 8760 clients find the
	 * SHA-256 one as well (docs/b2bua.md) */
	static const enum digest_alg algs[] = {DIGEST_ALG_MD5,
					       DIGEST_ALG_SHA256};
	char nonce[DIGEST_NONCE_LEN + 1];
	int err;

	if (!ctx || !ctx->digest || !b)
		return EINVAL;
	err = digest_nonce_make(ctx->digest, nonce, sizeof(nonce));
	for (size_t i = 0; !err && i < 2; i++) {
		err = buf_write_str(b, "Proxy-Authenticate: ");
		err = err ? err
			  : digest_challenge_print(b, algs[i],
						   SNAPSHOT_DIGEST_REALM,
						   nonce, NULL, stale);
		err = err ? err : buf_write_str(b, "\r\n");
	}
	return err;
}
