/* Admission pipeline: the outcome table, the phase table and the
 * phases except authentication (auth.c); see policy.h. */
#include "policy/policy.h"

#include <errno.h>
#include <string.h>

#include "policy/policy_int.h"

const struct policy_outcome policy_outcomes[POLICY_R_COUNT] = {
	[POLICY_R_NONE] = {.status = 0, .phrase = NULL, .alert = 0},
	[POLICY_R_UNKNOWN_DOMAIN] = {.status = 0,
				     .phrase = NULL,
				     .alert = 39001},
	[POLICY_R_TOO_MANY_HOPS] = {.status = 483,
				    .phrase = "Too Many Hops",
				    .alert = 32006},
	[POLICY_R_ACL] = {.status = 403,
			  .phrase = "Forbidden",
			  .alert = 32201},
	[POLICY_R_NO_AUTH_CONFIG] = {.status = 403,
				     .phrase = "Forbidden",
				     .alert = 32200},
	[POLICY_R_CHALLENGE] = {.status = 407,
				.phrase = "Proxy Authentication Required",
				.alert = 0},
	[POLICY_R_AUTH_FAILED] = {.status = 403,
				  .phrase = "Forbidden",
				  .alert = 32202},
	[POLICY_R_AUTH_USER] = {.status = 403,
				.phrase = "Forbidden",
				.alert = 32106},
	[POLICY_R_NOT_E164] = {.status = 400,
			       .phrase = "Invalid Phone Number",
			       .alert = 32101},
	[POLICY_R_CALLER_ID] = {.status = 403,
				.phrase = "Invalid Caller ID",
				.alert = 32204},
	[POLICY_R_UNVERIFIED] = {.status = 400,
				 .phrase = "The number is unverified",
				 .alert = 32100},
	[POLICY_R_DENIED] = {.status = 403,
			     .phrase = "Phone number is blacklisted for "
				       "verification",
			     .alert = 32203},
	[POLICY_R_GEO] = {.status = 403,
			  .phrase = "No International Authorization",
			  .alert = 32205},
	[POLICY_R_CPS] = {.status = 503,
			  .phrase = "Trunk CPS limit exceeded",
			  .alert = 32001},
	[POLICY_R_CHANNELS] = {.status = 503,
			       .phrase = "Trunk concurrent call limit "
					 "exceeded",
			       .alert = 10004},
	[POLICY_R_CODEC] = {.status = 415,
			    .phrase = "Unsupported Media Type",
			    .alert = 39010},
	[POLICY_R_INTERNAL] = {.status = 500,
			       .phrase = "Server Internal Error",
			       .alert = 0},
};

enum policy_verdict policy_reject(struct policy_ctx *ctx,
				  enum policy_phase_id phase,
				  enum policy_reason reason)
{
	const struct policy_outcome *o = &policy_outcomes[reason];

	ctx->res.verdict = POLICY_REJECT;
	ctx->res.reason = reason;
	ctx->res.phase = phase;
	ctx->res.status = o->status;
	ctx->res.phrase = o->phrase;
	ctx->res.alert = o->alert;
	return POLICY_REJECT;
}

void policy_ctx_init(struct policy_ctx *ctx)
{
	if (!ctx)
		return;
	memset(ctx, 0, sizeof(*ctx));
	ctx->max_forwards = -1;
}

/* 1. The trunk the B2BUA found must own the Request-URI host. */
static enum policy_verdict phase_domain(struct policy_ctx *ctx)
{
	const struct policy_trunk *t = ctx->trunk;

	if (!t || !t->domain || !pl_caseeq_str(&ctx->ruri_host, t->domain))
		return policy_reject(ctx, POLICY_PHASE_DOMAIN,
				     POLICY_R_UNKNOWN_DOMAIN);
	return POLICY_OK;
}

/* 2. A request with Max-Forwards 0 cannot be forwarded. */
static enum policy_verdict phase_hops(struct policy_ctx *ctx)
{
	if (ctx->max_forwards < 0)
		return POLICY_DECLINED;
	if (ctx->max_forwards == 0)
		return policy_reject(ctx, POLICY_PHASE_HOPS,
				     POLICY_R_TOO_MANY_HOPS);
	return POLICY_OK;
}

/* 5. To and the Request-URI user must be the same valid E.164 number. */
static enum policy_verdict phase_e164(struct policy_ctx *ctx)
{
	char to[E164_SIZE], ru[E164_SIZE];
	struct pl p;

	if (e164_from_user(&ctx->ruri_user, ctx->ruri_user_phone, ru,
			   sizeof(ru)))
		goto bad;
	pl_set_str(&p, ru);
	if (!e164_is_valid(&p))
		goto bad;
	if (pl_isset(&ctx->to_user)) {
		if (e164_from_user(&ctx->to_user, ctx->to_user_phone, to,
				   sizeof(to)))
			goto bad;
		pl_set_str(&p, to);
		if (!e164_is_valid(&p))
			goto bad;
	}
	memcpy(ctx->dest, ru, sizeof(ru));
	return POLICY_OK;
bad:
	return policy_reject(ctx, POLICY_PHASE_E164, POLICY_R_NOT_E164);
}

/* The calling number: From's user, or P-Asserted-Identity's when From
 * carries no number. Sets ctx->caller; false when neither has one. */
static bool find_caller(struct policy_ctx *ctx)
{
	if (!e164_from_user(&ctx->from_user, true, ctx->caller,
			    sizeof(ctx->caller)))
		return true;
	if (!e164_from_user(&ctx->pai_user, true, ctx->caller,
			    sizeof(ctx->caller)))
		return true;
	ctx->caller[0] = '\0';
	return false;
}

static bool set_has(const struct deny *set, const char *num)
{
	struct pl p;

	pl_set_str(&p, num);
	return set && deny_match(set, &p);
}

/* 6. Trial accounts call only verified numbers, from their own number
 * or a verified caller ID. */
static enum policy_verdict phase_trial(struct policy_ctx *ctx)
{
	const struct policy_trunk *t = ctx->trunk;
	bool have = find_caller(ctx);

	if (!ctx->trunk)
		return POLICY_DECLINED;
	if (!t->trial)
		return POLICY_DECLINED;
	if (!have || (!set_has(t->own_numbers, ctx->caller) &&
		      !set_has(t->caller_ids, ctx->caller)))
		return policy_reject(ctx, POLICY_PHASE_TRIAL,
				     POLICY_R_CALLER_ID);
	if (!set_has(t->caller_ids, ctx->dest))
		return policy_reject(ctx, POLICY_PHASE_TRIAL,
				     POLICY_R_UNVERIFIED);
	return POLICY_OK;
}

/* 7. Deny list: exact numbers and prefixes. */
static enum policy_verdict phase_deny(struct policy_ctx *ctx)
{
	if (!ctx->trunk || !ctx->trunk->deny)
		return POLICY_DECLINED;
	if (set_has(ctx->trunk->deny, ctx->dest))
		return policy_reject(ctx, POLICY_PHASE_DENY, POLICY_R_DENIED);
	return POLICY_OK;
}

/* 8. Dialing permissions: the destination country must be enabled, and
 * its high-risk special ranges separately. Numbers of no country
 * (non-geographic codes) are refused when permissions are set. */
static enum policy_verdict phase_geo(struct policy_ctx *ctx)
{
	const struct policy_trunk *t = ctx->trunk;
	const char *d = ctx->dest + 1;
	size_t len = strlen(d);
	const struct numbering_country *c = numbering_country_of(d, len);
	uint8_t perm;

	if (!ctx->trunk)
		return POLICY_DECLINED;
	ctx->dest_country = c;
	if (!t->geo)
		return POLICY_DECLINED;
	if (!c)
		return policy_reject(ctx, POLICY_PHASE_GEO, POLICY_R_GEO);
	perm = t->geo[numbering_country_index(c)];
	if (!(perm & POLICY_GEO_LOW_RISK))
		return policy_reject(ctx, POLICY_PHASE_GEO, POLICY_R_GEO);
	if (!(perm & POLICY_GEO_HIGH_RISK_SPECIAL) &&
	    numbering_is_high_risk(d, len))
		return policy_reject(ctx, POLICY_PHASE_GEO, POLICY_R_GEO);
	return POLICY_OK;
}

static struct pl trunk_key(const struct policy_trunk *t)
{
	struct pl k;

	pl_set_str(&k, t && t->sid ? t->sid : "");
	return k;
}

/* 9. Calls per second per trunk. */
static enum policy_verdict phase_cps(struct policy_ctx *ctx)
{
	struct pl k = trunk_key(ctx->trunk);
	int err;

	if (!ctx->trunk)
		return POLICY_DECLINED;
	if (!ctx->state || !ctx->state->cps || !ctx->trunk->cps_limit)
		return POLICY_DECLINED;
	err = cps_take(ctx->state->cps, &k, ctx->trunk->cps_limit);
	if (err == EBUSY)
		return policy_reject(ctx, POLICY_PHASE_CPS, POLICY_R_CPS);
	if (err)
		return policy_reject(ctx, POLICY_PHASE_CPS, POLICY_R_INTERNAL);
	return POLICY_OK;
}

/* 10. Concurrent calls per trunk (trial accounts: at most 4). */
static enum policy_verdict phase_channels(struct policy_ctx *ctx)
{
	struct pl k = trunk_key(ctx->trunk);
	int err;

	if (!ctx->trunk)
		return POLICY_DECLINED;
	if (!ctx->state || !ctx->state->chans)
		return POLICY_DECLINED;
	err = chan_acquire(
		ctx->state->chans, &k,
		chan_limit(ctx->trunk->chan_limit, ctx->trunk->trial));
	if (err == EBUSY)
		return policy_reject(ctx, POLICY_PHASE_CHANNELS,
				     POLICY_R_CHANNELS);
	if (err)
		return policy_reject(ctx, POLICY_PHASE_CHANNELS,
				     POLICY_R_INTERNAL);
	ctx->chan_held = true;
	return POLICY_OK;
}

/* 11. The SDP offer must contain a codec the trunk allows. No offer
 * (late offer): nothing to check here. */
static enum policy_verdict phase_codec(struct policy_ctx *ctx)
{
	size_t n = ctx->noffers, nkept = 0;
	int err;

	if (!ctx->trunk)
		return POLICY_DECLINED;
	if (!n)
		return POLICY_DECLINED;
	if (n > sizeof(ctx->kept))
		n = sizeof(ctx->kept);
	err = codec_filter(ctx->trunk->codecs, ctx->offers, n, ctx->kept,
			   &nkept);
	if (err)
		return policy_reject(ctx, POLICY_PHASE_CODEC, POLICY_R_CODEC);
	ctx->nkept = nkept;
	return POLICY_OK;
}

const struct policy_phase policy_phases[POLICY_PHASE_COUNT] = {
	[POLICY_PHASE_DOMAIN] = {.name = "domain", .run = phase_domain},
	[POLICY_PHASE_HOPS] = {.name = "max-forwards", .run = phase_hops},
	[POLICY_PHASE_ACL] = {.name = "acl", .run = policy_phase_acl},
	[POLICY_PHASE_AUTH] = {.name = "auth", .run = policy_phase_auth},
	[POLICY_PHASE_E164] = {.name = "e164", .run = phase_e164},
	[POLICY_PHASE_TRIAL] = {.name = "trial", .run = phase_trial},
	[POLICY_PHASE_DENY] = {.name = "deny", .run = phase_deny},
	[POLICY_PHASE_GEO] = {.name = "geo", .run = phase_geo},
	[POLICY_PHASE_CPS] = {.name = "cps", .run = phase_cps},
	[POLICY_PHASE_CHANNELS] = {.name = "channels", .run = phase_channels},
	[POLICY_PHASE_CODEC] = {.name = "codec", .run = phase_codec},
};

void policy_call_end(struct policy_ctx *ctx)
{
	struct pl k;

	if (!ctx || !ctx->chan_held || !ctx->trunk)
		return;
	k = trunk_key(ctx->trunk);
	if (ctx->state && ctx->state->chans)
		(void)chan_release(ctx->state->chans, &k);
	ctx->chan_held = false;
}

enum policy_verdict policy_run(struct policy_ctx *ctx)
{
	size_t i;

	if (!ctx)
		return POLICY_REJECT;
	ctx->res.verdict = POLICY_OK;
	ctx->res.reason = POLICY_R_NONE;
	for (i = 0; i < POLICY_PHASE_COUNT; i++) {
		if (policy_phases[i].run(ctx) == POLICY_REJECT) {
			policy_call_end(ctx);
			return POLICY_REJECT;
		}
	}
	return POLICY_OK;
}
