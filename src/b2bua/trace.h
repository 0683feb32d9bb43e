/* A bounded per-call SIP trace: the last messages sent and received on
 * both legs of a call, with time, leg, direction and addresses, kept as
 * the evidence of the call's alerts (alert_event.trace).
 *
 * Bounds: at most max_n messages and max_bytes of message text; adding
 * past either evicts the oldest messages, except the first one recorded
 * (the initial INVITE), which is pinned. A message longer than max_bytes
 * is cut. B2BUA-internal; single-threaded.
 */
#ifndef TRUNKD_B2BUA_TRACE_H
#define TRUNKD_B2BUA_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "alert/alert.h"
#include "base/list.h"

enum {
	TRACE_MAX_MSGS = 32, /* while the call is set up */
	TRACE_MAX_BYTES = 32 * 1024,
	TRACE_LIVE_BYTES = 6 * 1024, /* once confirmed: trimmed to */
	TRACE_ADDR_SIZE = 48,
};

struct sip_trace {
	struct list ents; /* struct trace_ent, oldest first (owned) */
	uint32_t n, max_n;
	size_t bytes, max_bytes;
};

/* An empty trace with the given bounds (0: the TRACE_MAX_* defaults). */
void trace_init(struct sip_trace *t, uint32_t max_n, size_t max_bytes);

/* Free every message; t stays usable. */
void trace_reset(struct sip_trace *t);

/* Record one message (copied). leg 'A' or 'B'; sent: by the trunk. src
 * and dst may be NULL or AF_UNSPEC ("" then). time_ms: wall clock ms.
 * Returns 0, EINVAL or ENOMEM (the message is then left out). */
int trace_add(struct sip_trace *t, int64_t time_ms, char leg, bool sent,
	      const struct sockaddr_storage *src,
	      const struct sockaddr_storage *dst, const char *msg, size_t len);

/* Lower the bounds and evict down to them (the first message stays). */
void trace_limit(struct sip_trace *t, uint32_t max_n, size_t max_bytes);

/* Printed addresses of one exported message. */
struct trace_addrs {
	char src[TRACE_ADDR_SIZE];
	char dst[TRACE_ADDR_SIZE];
};

/* Point out[0..] at the messages, oldest first (they stay owned by t and
 * valid until it changes); their addresses are printed into addrs[0..]
 * (max entries; out[i].src/dst point there). Addresses are kept binary
 * and printed only here: a trace is recorded for every message, exported
 * only for an alert. Returns how many were filled (<= max). */
size_t trace_export(const struct sip_trace *t, struct alert_trace_msg *out,
		    struct trace_addrs *addrs, size_t max);

#endif
