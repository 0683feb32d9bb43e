/* DNS internals shared by dns.c (c-ares on libuv, cache) and dns_sip.c
 * (RFC 3263). Not for use outside src/net. */
#ifndef TRUNKD_NET_DNS_INT_H
#define TRUNKD_NET_DNS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/list.h"
#include "net/dns.h"

/* Record types used. */
enum {
	DNS_T_A = 1,
	DNS_T_SOA = 6,
	DNS_T_AAAA = 28,
	DNS_T_SRV = 33,
	DNS_T_NAPTR = 35,
};

/* An answer to dns_lookup(): err 0 (abuf holds at least one record of
 * the type), ENOENT (NXDOMAIN), ENODATA (the name exists, no record of
 * the type), ETIMEDOUT, ECONNREFUSED, EPROTO (SERVFAIL, refused, bad
 * answer) or ECANCELED (the resolver is going away: do nothing more).
 * abuf (the raw DNS message, NULL on failures) is valid for the call. */
typedef void(dns_rr_h)(int err, const unsigned char *abuf, size_t alen,
		       void *arg);

/* Look up name/type, from the cache or the servers. h may run before
 * dns_lookup() returns (cache hit). Returns 0 (h will be called exactly
 * once) or EINVAL/ENOMEM (h is not called). */
int dns_lookup(struct dns_resolver *r, const char *name, int type, dns_rr_h *h,
	       void *arg);

/* Whether the resolver is being destroyed (issue no more lookups). */
bool dns_closing(const struct dns_resolver *r);

/* Queue obj (a mem object; a reference is taken) to be handed to
 * dns_sip_deliver() from the loop soon; le is obj's element for the
 * queue. A resolver being destroyed drops the reference without
 * delivering. */
void dns_defer(struct dns_resolver *r, struct le *le, void *obj);

/* dns_sip.c: report a finished job queued with dns_defer(). */
void dns_sip_deliver(void *obj);

#endif
