/* The built-in sandbox carrier: a SIP user agent server on its own
 * loopback port, with its own transport and transaction layer on the SIP
 * loop, reached over real SIP like any carrier (docs/b2bua.md).
 *
 * It answers every valid E.164 number with 180 Ringing, then 200 OK with
 * a PCMU SDP answer after answer_ms, and echoes the RTP it receives from
 * a per-call UDP socket. Numbers that force an outcome (DESIGN.md):
 *   +15005550001 486 Busy Here
 *   +15005550002 rings ring_fail_ms (3 s), then 480
 *   +15005550003 503 Service Unavailable
 *   +15005550004 404 Not Found
 *   +15005550005 answers, sends BYE bye_ms (5 s) after the answer
 *   +15005550006 answers, sends no RTP (no echo)
 *   +15005550007 never responds (not even 100 Trying)
 * Other numbers that are not E.164 get 484 Address Incomplete; an offer
 * without PCMU gets 488. In-dialog BYE, re-INVITE, UPDATE, INFO, PRACK
 * and OPTIONS are answered 200 (with SDP where an offer came).
 */
#ifndef TRUNKD_SANDBOX_SANDBOX_H
#define TRUNKD_SANDBOX_SANDBOX_H

#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "base/tmr.h"

struct sandbox;

struct sandbox_conf {
	uint32_t answer_ms;    /* ring time before 200 (default 1000) */
	uint32_t ring_fail_ms; /* +15005550002 ring time (default 3000) */
	uint32_t bye_ms;       /* +15005550005 talk time (default 5000) */
	uint32_t silent_ms;    /* +15005550007: forget after (60000) */
};

struct sandbox_stats {
	uint64_t invites;  /* new INVITEs */
	uint64_t answered; /* 200 OK to an initial INVITE */
	uint64_t rejected; /* final non-2xx to an initial INVITE */
	uint64_t byes;	   /* BYEs received */
	uint64_t byes_sent;
	uint64_t rtp_echoed; /* packets */
	uint32_t calls;	     /* live */
};

/* Start the sandbox listening on addr (UDP and TCP; port 0 picks one)
 * on loop with timers on tl. conf may be NULL for the defaults. Returns
 * 0, EINVAL, ENOMEM or the transport's errno (EADDRINUSE, ...).
 * mem_deref() stops it: calls are dropped without signalling, sockets
 * closed (run the loop once more before uv_loop_close()). */
int sandbox_alloc(struct sandbox **sbp, uv_loop_t *loop, struct tmrl *tl,
		  const struct sockaddr *addr,
		  const struct sandbox_conf *conf);

/* Bound SIP address (UDP). Returns 0 or ENOENT. */
int sandbox_laddr(const struct sandbox *sb, struct sockaddr_storage *ss);

void sandbox_stats_get(const struct sandbox *sb, struct sandbox_stats *st);

#endif
