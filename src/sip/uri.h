/* sip:, sips: and tel: URIs (RFC 3261 §19.1, §25; RFC 3966). Zero-copy:
 * every field slices the input; escapes are left as written (compare with
 * sip_uri_cmp(), which unescapes). */
#ifndef TRUNKD_SIP_URI_H
#define TRUNKD_SIP_URI_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pl.h"

enum sip_uri_scheme {
	SIP_URI_OTHER = 0, /* absoluteURI of another scheme: well-formed, but
			      the application answers 416 */
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL,
};

struct sip_uri {
	enum sip_uri_scheme scheme;
	struct pl scheme_pl;
	struct pl user; /* may contain escapes; tel: the number */
	struct pl password;
	struct pl host; /* IPv6 references keep their brackets */
	uint16_t port;	/* 0 when absent */
	bool host_is_ipv6;
	struct pl params;  /* ";a=b;lr" incl. leading ';', or empty */
	struct pl headers; /* "?a=b&c=d" incl. '?', or empty */
	struct pl raw;	   /* the whole URI */
};

/* Parse pl as a URI. Returns 0 or EBADMSG. */
int sip_uri_decode(struct sip_uri *uri, const struct pl *pl);

/* Find a URI parameter by name (case-insensitive). Returns true if present;
 * *valp is its value (empty for a flag such as ";lr"). valp may be NULL. */
bool sip_uri_param(const struct sip_uri *uri, const char *name,
		   struct pl *valp);

/* Generic ";name=value" list lookup used by URI, Via and addr params. */
bool sip_param_get(const struct pl *params, const char *name, struct pl *valp);

/* RFC 3261 §19.1.4 comparison (scheme, user with unescaping, host
 * case-insensitive, port, significant params). True if equivalent. */
bool sip_uri_cmp(const struct sip_uri *a, const struct sip_uri *b);

#endif
