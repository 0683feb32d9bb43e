/* The B2BUA: termination calls from a PBX (leg A) through the admission
 * pipeline to a carrier (leg B), each leg its own dialog, one call id
 * linking both (docs/b2bua.md).
 *
 * It sits on the SIP loop's transaction layer as the core's call handler:
 * b2bua_request() takes initial INVITEs and every request with a To tag
 * (481 when no dialog matches), b2bua_ack() the ACKs for 2xx. Carrier
 * INVITEs go out through the same transaction layer. Single-threaded.
 */
#ifndef TRUNKD_B2BUA_B2BUA_H
#define TRUNKD_B2BUA_B2BUA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/tmr.h"
#include "net/transp.h"
#include "tsx/tsx.h"

struct b2bua;
struct snapshot;
struct alert_ctx;
struct relay;
struct relay_event;
struct dns_resolver;

/* A new reference on the current configuration snapshot, or NULL. */
typedef struct snapshot *(b2bua_snap_h)(void *arg);

struct b2bua_conf {
	/* where SNAPSHOT_SANDBOX_TARGET goes; ss_family 0: nowhere */
	struct sockaddr_storage sandbox;
	/* host advertised in Via/Contact/Record-Route ("" or NULL: the
	 * transport's listening address) */
	const char *public_ip;
	uint32_t ack_timeout_ms;    /* no ACK for the 200: 32022 (32000) */
	uint32_t target_timeout_ms; /* carrier silent: next target (4000) */
	b2bua_snap_h *snap_h;	    /* required */
	void *snap_arg;
	struct alert_ctx *alerts; /* weak; NULL: no alerts */
	/* weak: the media relay every call's SDP goes through (it must
	 * outlive the B2BUA); NULL: SDP crosses with the codec filter
	 * only, addresses unchanged (tests of signalling alone) */
	struct relay *relay;
	/* weak: resolves carrier targets given as names (RFC 3263; it must
	 * outlive the B2BUA); NULL: such targets are skipped */
	struct dns_resolver *dns;
};

struct b2bua_stats {
	uint64_t invites; /* initial INVITEs seen */
	uint64_t admitted;
	uint64_t rejected;     /* answered by the pipeline */
	uint64_t dropped;      /* unknown domain */
	uint64_t challenged;   /* 407 */
	uint64_t answered;     /* 200 relayed to the PBX */
	uint64_t failovers;    /* next carrier target tried */
	uint64_t ack_timeouts; /* 32022 */
	uint64_t alerts;
	uint32_t calls; /* live */
};

/* New B2BUA on transaction layer tsxl / transport tp (references are
 * taken; tp must already listen: its address goes into Via, Contact and
 * Record-Route) with timers on tl. conf is copied (public_ip too).
 * Returns 0, EINVAL (missing argument or snap_h), ENOENT (tp has no
 * listener) or ENOMEM. mem_deref() drops every call without signalling. */
int b2bua_alloc(struct b2bua **bp, struct tsx_layer *tsxl,
		struct sip_transp *tp, struct tmrl *tl,
		const struct b2bua_conf *conf);

/* A request that created server transaction st. Returns true when the
 * B2BUA took it (it then answers st): INVITE, any request with a To tag,
 * and BYE/PRACK/UPDATE/INFO without one (481). */
bool b2bua_request(struct b2bua *b, struct tsx *st, struct sip_msg *msg,
		   const struct sip_recv *rx);

/* An ACK that matched no transaction (ACK for a 2xx). */
void b2bua_ack(struct b2bua *b, struct sip_msg *msg,
	       const struct sip_recv *rx);

/* A media relay event (the relay's handler on the SIP loop forwards it
 * here): raises its alert (32014, 39030, 39032, 39033) with the call's
 * evidence; 32014 also ends the call with BYE on both legs. Events of
 * calls already gone are ignored. */
void b2bua_media_event(struct b2bua *b, const struct relay_event *ev);

void b2bua_stats_get(const struct b2bua *b, struct b2bua_stats *st);

#endif
