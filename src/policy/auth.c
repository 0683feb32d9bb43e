/* Admission phases 3 and 4: IP ACL and digest credentials. A trunk with
 * both needs both; with neither, or of an inactive account, nothing
 * passes (32200). */
#include <errno.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "policy/policy_int.h"

enum policy_verdict policy_phase_acl(struct policy_ctx *ctx)
{
	const struct policy_trunk *t = ctx->trunk;

	if (!t || t->inactive || (!t->acl && !t->ncreds))
		return policy_reject(ctx, POLICY_PHASE_ACL,
				     POLICY_R_NO_AUTH_CONFIG);
	if (!t->acl)
		return POLICY_DECLINED;
	if (!acl_match(t->acl, ctx->src))
		return policy_reject(ctx, POLICY_PHASE_ACL, POLICY_R_ACL);
	return POLICY_OK;
}

static const char *realm_of(const struct policy_trunk *t)
{
	return t->realm ? t->realm : t->domain ? t->domain : "";
}

/* Fill ctx->challenge[] (SHA-256, then MD5, one fresh nonce) and
 * reject with 407. */
static enum policy_verdict challenge(struct policy_ctx *ctx, bool stale)
{
	static const enum digest_alg algs[2] = {DIGEST_ALG_SHA256,
						DIGEST_ALG_MD5};
	char nonce[DIGEST_NONCE_LEN + 1];
	struct buf *b = NULL;
	int err, i;

	err = digest_nonce_make(ctx->state->digest, nonce, sizeof(nonce));
	if (err)
		goto out;
	b = buf_alloc(POLICY_CHALLENGE_SIZE);
	if (!b) {
		err = ENOMEM;
		goto out;
	}
	for (i = 0; i < 2; i++) {
		struct pl v;

		buf_reset(b);
		err = digest_challenge_print(b, algs[i], realm_of(ctx->trunk),
					     nonce, NULL, stale);
		if (err)
			goto out;
		v = buf_pl(b);
		err = pl_strcpy(&v, ctx->challenge[i],
				sizeof(ctx->challenge[i]));
		if (err)
			goto out;
	}
out:
	mem_deref(b);
	if (err)
		return policy_reject(ctx, POLICY_PHASE_AUTH,
				     POLICY_R_INTERNAL);
	return policy_reject(ctx, POLICY_PHASE_AUTH, POLICY_R_CHALLENGE);
}

static const struct policy_cred *cred_find(const struct policy_trunk *t,
					   const struct pl *user)
{
	size_t i;

	for (i = 0; i < t->ncreds; i++)
		if (t->creds[i].username &&
		    pl_eq_str(user, t->creds[i].username))
			return &t->creds[i];
	return NULL;
}

enum policy_verdict policy_phase_auth(struct policy_ctx *ctx)
{
	const struct policy_trunk *t = ctx->trunk;
	const struct policy_cred *pc;
	struct digest_cred *cred = NULL;
	enum policy_verdict v;
	const char *ha1;
	char method[32];
	int err;

	if (!t || t->inactive || (!t->acl && !t->ncreds))
		return policy_reject(ctx, POLICY_PHASE_AUTH,
				     POLICY_R_NO_AUTH_CONFIG);
	if (!t->ncreds)
		return POLICY_DECLINED;
	if (!pl_isset(&ctx->method) ||
	    pl_strcpy(&ctx->method, method, sizeof(method)))
		strcpy(method, "INVITE");
	if (!ctx->state || !ctx->state->digest)
		return policy_reject(ctx, POLICY_PHASE_AUTH,
				     POLICY_R_INTERNAL);
	if (!pl_isset(&ctx->auth))
		return challenge(ctx, false);

	/* about 1.2 KiB: off the stack of the SIP loop */
	cred = mem_alloc(sizeof(*cred), NULL);
	if (!cred)
		return policy_reject(ctx, POLICY_PHASE_AUTH,
				     POLICY_R_INTERNAL);
	err = digest_cred_decode(cred, &ctx->auth);
	if (err == ENOTSUP) {
		v = challenge(ctx, false);
		goto out;
	}
	if (err) {
		v = policy_reject(ctx, POLICY_PHASE_AUTH,
				  POLICY_R_AUTH_FAILED);
		goto out;
	}
	err = digest_nonce_check(ctx->state->digest, &cred->nonce);
	if (err) {
		/* expired, or not ours (another node, a restart) */
		v = challenge(ctx, err == ESTALE);
		goto out;
	}
	pc = cred_find(t, &cred->username);
	if (!pc) {
		v = policy_reject(ctx, POLICY_PHASE_AUTH, POLICY_R_AUTH_USER);
		goto out;
	}
	ha1 = cred->alg == DIGEST_ALG_SHA256 ? pc->ha1_sha256 : pc->ha1_md5;
	if (!ha1 || !pl_eq_str(&cred->realm, realm_of(t)) ||
	    digest_verify(cred, method,
			  pl_isset(&ctx->ruri) ? &ctx->ruri : NULL, ha1)) {
		v = policy_reject(ctx, POLICY_PHASE_AUTH,
				  POLICY_R_AUTH_FAILED);
		goto out;
	}
	err = digest_replay_check(ctx->state->digest, &cred->nonce,
				  cred->ncval);
	if (err == ENOMEM) {
		v = policy_reject(ctx, POLICY_PHASE_AUTH, POLICY_R_INTERNAL);
		goto out;
	}
	if (err) {
		/* replayed (nonce, nc) or forgotten: ask again */
		v = challenge(ctx, true);
		goto out;
	}
	ctx->authenticated = true;
	v = POLICY_OK;
out:
	mem_deref(cred);
	return v;
}
