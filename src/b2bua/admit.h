/* Termination admission pipeline: the ordered checks an initial INVITE
 * from a PBX passes before the trunk places the call (docs/b2bua.md).
 *
 * Each check is one phase function in a table (nginx-style phases): it
 * returns ADMIT_NEXT to go on, or a verdict with the SIP response and the
 * alert code (ALERTS.md). Phases are usable alone (unit tests call them
 * one by one). No I/O: the caller answers and emits the alert.
 *
 * Phase order: domain (39001, drop), max-forwards (483, 32006), ACL
 * (403, 32201), digest (407 challenge / 403, 32202/32106), E.164 (400,
 * 32101), trial caller ID (403, 32204) and called number (400, 32100),
 * deny list (403, 32203), dialing permissions (403, 32205), CPS (503,
 * 32001), concurrent calls (503, 10004), SDP (400 32102/32103, 415
 * 39010).
 */
#ifndef TRUNKD_B2BUA_ADMIT_H
#define TRUNKD_B2BUA_ADMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "net/transp.h"
#include "policy/e164.h"
#include "sip/msg.h"
#include "sip/sdp.h"
#include "store/snapshot.h"

struct digest_ctx;
struct cps_table;
struct chan_table;

enum admit_verdict {
	ADMIT_NEXT = 0,	 /* this phase passed */
	ADMIT_REJECT,	 /* answer scode/reason, raise alert */
	ADMIT_DROP,	 /* no answer at all, raise alert */
	ADMIT_CHALLENGE, /* answer 407 with digest challenges */
};

/* Per-loop state the phases use (all weak). */
struct admit_ctx {
	struct digest_ctx *digest;
	struct cps_table *cps;
	struct chan_table *chans;
};

enum { ADMIT_MAX_EVIDENCE = 3 };

/* One request going through the pipeline. The caller fills msg, rx and
 * snap; the phases fill the rest. */
struct admit_req {
	struct sip_msg *msg;	     /* weak */
	const struct sip_recv *rx;   /* weak */
	const struct snapshot *snap; /* weak */

	const struct snap_trunk *trunk; /* weak: found by the domain phase */
	char called[E164_SIZE];		/* "+E164" once checked */
	char caller[E164_SIZE];		/* From/PAI/RPID number, or "" */
	bool chan_held;			/* a channel was acquired */
	bool stale;			/* challenge with stale=true */
	struct sdp_session *sdp;	/* owned: the parsed offer */
	/* owned: the trunk's codec filter for the carrier's offer, NULL
	 * when it changes nothing. Not printed here: the offer for the
	 * carrier is sdp printed once with it (and the relay's address and
	 * ports, relay_sdp_rewrite()) when the call starts. */
	struct sdp_rewrite *offer_rw;

	/* verdict details */
	uint16_t scode;
	const char *reason; /* static */
	uint32_t alert;	    /* alert code, 0 = none */
	char evidence[ADMIT_MAX_EVIDENCE][200];
	unsigned nevidence;
};

typedef enum admit_verdict(admit_phase_h)(struct admit_ctx *ctx,
					  struct admit_req *r);

struct admit_phase {
	const char *name;
	admit_phase_h *fn;
};

/* The phases, in order; admit_nphases entries. */
extern const struct admit_phase admit_phases[];
extern const unsigned admit_nphases;

/* Run every phase in order until one returns a verdict. Returns the
 * verdict (ADMIT_NEXT: admitted, r->trunk, r->called and r->sdp set,
 * r->offer_rw if the codec filter drops anything). */
enum admit_verdict admit_run(struct admit_ctx *ctx, struct admit_req *r);

/* Release what r holds: the channel (on ctx->chans) unless keep_chan,
 * the SDP session and the codec filter. */
void admit_req_release(struct admit_ctx *ctx, struct admit_req *r,
		       bool keep_chan);

/* The phases, exported for tests. */
admit_phase_h admit_domain;
admit_phase_h admit_maxfwd;
admit_phase_h admit_acl;
admit_phase_h admit_digest;
admit_phase_h admit_e164;
admit_phase_h admit_trial;
admit_phase_h admit_deny;
admit_phase_h admit_geo;
admit_phase_h admit_cps;
admit_phase_h admit_channels;
admit_phase_h admit_sdp;

/* Print the 407's two Proxy-Authenticate headers (MD5 then SHA-256) as
 * complete lines into b. Returns 0 or an errno. */
int admit_challenge_print(struct admit_ctx *ctx, struct buf *b, bool stale);

#endif
