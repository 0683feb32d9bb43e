/* name-addr / addr-spec of From, To, Contact, Route, Record-Route,
 * P-Asserted-Identity (RFC 3261 §20.10, §25.1). */
#ifndef TRUNKD_SIP_ADDR_H
#define TRUNKD_SIP_ADDR_H

#include <stdbool.h>

#include "base/pl.h"
#include "sip/uri.h"

struct sip_addr {
	struct pl dname; /* display name as written (quotes kept) */
	struct sip_uri uri;
	struct pl params; /* header params after the URI, incl. ';' */
	struct pl tag;	  /* value of ;tag=, empty if none */
	bool star;	  /* Contact: * */
	struct pl raw;
};

/* Parse one name-addr or addr-spec (with header params). In addr-spec
 * form, ';' params after the URI belong to the header, not the URI
 * (RFC 3261 §20.10). Returns 0 or EBADMSG. */
int sip_addr_decode(struct sip_addr *addr, const struct pl *pl);

#endif
