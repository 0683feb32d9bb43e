/* Termination admission pipeline (issue #4): ordered phases, in the
 * style of nginx's access phases. Each phase handler looks at one
 * aspect of an INVITE and returns POLICY_OK (passed), POLICY_DECLINED
 * (not applicable to this trunk) or POLICY_REJECT (it set ctx->res.reason).
 * What every rejection answers (SIP status, reason phrase, alert code)
 * is data: policy_outcomes[], one row per reason.
 *
 * No SIP I/O here. The B2BUA parses the INVITE, fills a struct
 * policy_ctx (the trunk it found for the Request-URI host, the source
 * address, the users of the URIs, ...) and calls policy_run(). On
 * POLICY_REJECT it answers ctx->res (for 407 adding two
 * Proxy-Authenticate headers from ctx->challenge[]; for status 0 it
 * drops the request) and raises ctx->res.alert when non-zero. On
 * POLICY_OK a channel is held (ctx->chan_held): the B2BUA calls
 * policy_call_end() when the call ends.
 */
#ifndef TRUNKD_POLICY_POLICY_H
#define TRUNKD_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/pl.h"
#include "policy/acl.h"
#include "policy/channels.h"
#include "policy/codec.h"
#include "policy/cps.h"
#include "policy/deny.h"
#include "policy/digest.h"
#include "policy/e164.h"
#include "policy/numbering.h"

enum policy_verdict {
	POLICY_OK = 0,
	POLICY_DECLINED,
	POLICY_REJECT,
};

enum policy_phase_id {
	POLICY_PHASE_DOMAIN = 0, /* Request-URI host is the trunk's domain */
	POLICY_PHASE_HOPS,       /* Max-Forwards */
	POLICY_PHASE_ACL,        /* source address in the IP ACLs */
	POLICY_PHASE_AUTH,       /* digest credentials */
	POLICY_PHASE_E164,       /* To / Request-URI user are E.164 */
	POLICY_PHASE_TRIAL,      /* trial account caller/callee rules */
	POLICY_PHASE_DENY,       /* deny list */
	POLICY_PHASE_GEO,        /* dialing permissions */
	POLICY_PHASE_CPS,        /* calls per second */
	POLICY_PHASE_CHANNELS,   /* concurrent calls */
	POLICY_PHASE_CODEC,      /* SDP codecs */
	POLICY_PHASE_COUNT,
};

/* Why a request was rejected; indexes policy_outcomes[]. */
enum policy_reason {
	POLICY_R_NONE = 0,
	POLICY_R_UNKNOWN_DOMAIN, /* dropped, 39001 */
	POLICY_R_TOO_MANY_HOPS,  /* 483, 32006 */
	POLICY_R_ACL,            /* 403, 32201 */
	POLICY_R_NO_AUTH_CONFIG, /* 403, 32200: no ACL nor credentials, or
				  * account inactive */
	POLICY_R_CHALLENGE,      /* 407 with challenges, no alert */
	POLICY_R_AUTH_FAILED,    /* 403, 32202 */
	POLICY_R_AUTH_USER,      /* 403, 32106 */
	POLICY_R_NOT_E164,       /* 400 Invalid Phone Number, 32101 */
	POLICY_R_CALLER_ID,      /* 403 Invalid Caller ID, 32204 */
	POLICY_R_UNVERIFIED,     /* 400 The number is unverified, 32100 */
	POLICY_R_DENIED,         /* 403, 32203 */
	POLICY_R_GEO,            /* 403 No International Authorization,
				  * 32205 */
	POLICY_R_CPS,            /* 503 Trunk CPS limit exceeded, 32001 */
	POLICY_R_CHANNELS,       /* 503, 10004 */
	POLICY_R_CODEC,          /* 415, 39010 */
	POLICY_R_INTERNAL,       /* 500 (out of memory), no alert */
	POLICY_R_COUNT,
};

/* What a rejection answers. status 0: drop without an answer. alert 0:
 * raise no alert. */
struct policy_outcome {
	uint16_t status;
	const char *phrase;
	uint32_t alert;
};

extern const struct policy_outcome policy_outcomes[POLICY_R_COUNT];

struct policy_result {
	enum policy_verdict verdict;
	enum policy_reason reason;
	enum policy_phase_id phase; /* the phase that rejected */
	uint16_t status;            /* copied from policy_outcomes[] */
	const char *phrase;
	uint32_t alert;
};

/* One credential of the trunk's credential lists: stored HA1s, either
 * may be NULL when not stored. */
struct policy_cred {
	const char *username;   /* weak */
	const char *ha1_md5;    /* weak: 32 hex */
	const char *ha1_sha256; /* weak: 64 hex */
};

/* Dialing permission bits per country (Voice v1 DialingPermissions). */
enum {
	POLICY_GEO_LOW_RISK = 1,
	POLICY_GEO_HIGH_RISK_SPECIAL = 2,
	POLICY_GEO_HIGH_RISK_TOLLFRAUD = 4,
};

/* A trunk's termination policy, as the store's config snapshot fills it.
 * Every pointer is weak: the snapshot owns the data and outlives the
 * call that uses it. */
struct policy_trunk {
	const char *sid;    /* TKxxx; keys the CPS and channel counters */
	const char *domain; /* DomainName, "example.pstn.trunkd.local" */
	const char *realm;  /* digest realm (NULL: domain) */
	const struct acl *acl;           /* union of IP ACLs, NULL: none */
	const struct policy_cred *creds; /* credential lists' entries */
	size_t ncreds;
	uint32_t cps_limit;  /* calls per second, 0 = unlimited */
	uint32_t chan_limit; /* concurrent calls, 0 = unlimited */
	bool trial;          /* trial account */
	bool inactive;       /* account suspended or closed */
	const char *codecs;  /* "PCMU,PCMA"; NULL = CODEC_DEFAULT */
	/* digit sets (struct deny used as exact-number sets): */
	const struct deny *own_numbers; /* the account's phone numbers */
	const struct deny *caller_ids;  /* verified outgoing caller IDs */
	const struct deny *deny;        /* deny list, exact and prefixes */
	/* POLICY_GEO_* per country, numbering_country_count() entries
	 * indexed by numbering_country_index(); NULL: no restriction */
	const uint8_t *geo;
};

/* Mutable per-loop state the phases use (all weak, owned by the SIP
 * loop). NULL members disable their phase (DECLINED). */
struct policy_state {
	struct digest_ctx *digest;
	struct cps_table *cps;
	struct chan_table *chans;
};

#define POLICY_CHALLENGE_SIZE 512

struct policy_ctx {
	/* in, filled by the B2BUA; pls point into the INVITE */
	const struct sockaddr *src;       /* weak: source address */
	struct pl method;                 /* "INVITE" */
	struct pl ruri;                   /* whole Request-URI text */
	struct pl ruri_user, ruri_host;   /* its user and host parts */
	bool ruri_user_phone;             /* ;user=phone present */
	struct pl from_user, to_user;     /* user parts of From and To */
	bool to_user_phone;
	struct pl pai_user;               /* P-Asserted-Identity user */
	int max_forwards;                 /* -1: header absent */
	struct pl auth;                   /* Proxy-Authorization value */
	const struct codec_offer *offers; /* weak: SDP audio formats */
	size_t noffers;                   /* 0: no SDP offer */
	const struct policy_trunk *trunk; /* weak: trunk for ruri_host */
	struct policy_state *state;       /* weak */

	/* out */
	struct policy_result res;
	char dest[E164_SIZE];   /* called number, "+..." (after E164) */
	char caller[E164_SIZE]; /* calling number when From/PAI has one */
	const struct numbering_country *dest_country; /* after GEO */
	bool chan_held;         /* a channel is counted for this call */
	uint8_t kept[32];       /* payload types kept (after CODEC) */
	size_t nkept;
	/* 407: values of two Proxy-Authenticate headers, SHA-256 then MD5 */
	char challenge[2][POLICY_CHALLENGE_SIZE];
	bool authenticated;     /* the digest phase verified credentials */
};

typedef enum policy_verdict(policy_phase_h)(struct policy_ctx *ctx);

struct policy_phase {
	const char *name;
	policy_phase_h *run;
};

/* The phases, in the order policy_run() runs them. */
extern const struct policy_phase policy_phases[POLICY_PHASE_COUNT];

/* Set ctx->res to a rejection by phase for reason; returns
 * POLICY_REJECT (for handlers: `return policy_reject(...)`). */
enum policy_verdict policy_reject(struct policy_ctx *ctx,
				  enum policy_phase_id phase,
				  enum policy_reason reason);

/* Prepare ctx for a request: zero everything, max_forwards = -1. */
void policy_ctx_init(struct policy_ctx *ctx);

/* Run every phase in order until one rejects. Returns POLICY_OK (all
 * passed or declined; ctx->res.verdict OK) or POLICY_REJECT (ctx->res
 * says how to answer; nothing stays held: a channel acquired by an
 * earlier phase is released). */
enum policy_verdict policy_run(struct policy_ctx *ctx);

/* Release what an admitted call holds (its channel). Idempotent. */
void policy_call_end(struct policy_ctx *ctx);

#endif
