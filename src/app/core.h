/* The SIP core's transaction user: the first stop of every request that
 * created a server transaction. It answers what the trunk serves itself
 * (OPTIONS keep-alives, methods a trunk does not take, malformed extension
 * use) and hands calls and in-dialog requests to the call handler (the
 * B2BUA) when one is set. */
#ifndef TRUNKD_APP_CORE_H
#define TRUNKD_APP_CORE_H

#include <stdbool.h>

#include "tsx/tsx.h"

struct core;

/* The call handler: gets INVITEs and every request with a To tag
 * (in-dialog), plus ACKs for 2xx. request_h returns true when it took the
 * request (it then answers st); false lets the core answer. */
struct core_call_handler {
	bool (*request_h)(struct tsx *st, struct sip_msg *msg,
			  const struct sip_recv *rx, void *arg);
	void (*ack_h)(struct sip_msg *msg, const struct sip_recv *rx,
		      void *arg);
	void *arg;
};

struct core_stats {
	uint64_t options;  /* out-of-dialog OPTIONS answered 200 */
	uint64_t rejected; /* answered 4xx/5xx by the core */
	uint64_t to_calls; /* handed to the call handler */
};

/* New core; *tup is filled with the tsx_tu to pass to tsx_layer_alloc()
 * together with the core as its arg. Returns 0 or ENOMEM. */
int core_alloc(struct core **corep, struct tsx_tu *tup);

/* Set (or clear with NULL) the call handler. The handler's arg must
 * outlive its registration. */
void core_call_handler_set(struct core *core,
			   const struct core_call_handler *ch);

void core_stats_get(const struct core *core, struct core_stats *st);

/* The methods trunkd takes, for Allow headers. */
extern const char core_allow[];

#endif
