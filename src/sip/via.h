/* Via header values (RFC 3261 §20.42, §18.2.2; RFC 3581). */
#ifndef TRUNKD_SIP_VIA_H
#define TRUNKD_SIP_VIA_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pl.h"

enum sip_transport {
	SIP_TP_NONE = 0,
	SIP_TP_UDP,
	SIP_TP_TCP,
	SIP_TP_TLS,
	SIP_TP_SCTP,
	SIP_TP_WS,
	SIP_TP_WSS,
	SIP_TP_OTHER,
};

struct sip_via {
	struct pl proto; /* "SIP/2.0/UDP" as written */
	enum sip_transport tp;
	struct pl tp_pl;
	struct pl host;	  /* sent-by host, IPv6 brackets kept */
	uint16_t port;	  /* 0 when absent */
	struct pl params; /* incl. leading ';' */
	struct pl branch; /* empty if none */
	struct pl received;
	struct pl maddr;
	bool rport;	    /* rport present */
	uint16_t rport_val; /* 0 when present without a value */
	int ttl;	    /* -1 when absent */
	struct pl raw;
};

/* Parse one Via element. Returns 0 or EBADMSG. */
int sip_via_decode(struct sip_via *via, const struct pl *pl);

const char *sip_transport_name(enum sip_transport tp); /* "UDP", ... */

/* True when branch starts with the RFC 3261 magic cookie "z9hG4bK". */
bool sip_via_branch_is_rfc3261(const struct sip_via *via);

#endif
