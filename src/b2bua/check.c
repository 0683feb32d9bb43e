/* Checks on what a peer advertises that raise an alert while the call
 * proceeds: 32105 (the PBX's Contact is unroutable while its source
 * address is not). 39031 lives with the SDP handling in media.c. */
#include <stdio.h>
#include <string.h>

#include "b2bua/b2bua_int.h"
#include "base/sa.h"

/* How far an address reaches: 0 this host only (loopback, unspecified,
 * "localhost"), 1 a private network, 2 public. */
static int reach(const struct sockaddr_storage *sa)
{
	if (sa_is_loopback(sa))
		return 0;
	if (sa->ss_family == AF_INET || sa->ss_family == AF_INET6) {
		char ip[64];

		if (!sa_ntop(sa, ip, sizeof(ip)) &&
		    (!strcmp(ip, "0.0.0.0") || !strcmp(ip, "::")))
			return 0;
	}
	return sa_is_private(sa) ? 1 : 2;
}

bool contact_unroutable(struct sip_msg *msg,
			const struct sockaddr_storage *src, char *ev,
			size_t sz)
{
	const struct sip_addr *ct;
	struct sockaddr_storage ca;
	struct pl h;
	int rc;

	if (!msg || !src || sip_msg_contact(msg, &ct) || !ct ||
	    !pl_isset(&ct->uri.host))
		return false;
	h = ct->uri.host;
	if (ct->uri.host_is_ipv6 && h.l >= 2) {
		h.p++;
		h.l -= 2;
	}
	if (pl_caseeq_str(&h, "localhost") ||
	    (h.l > 10 && !strncasecmp(h.p + h.l - 10, ".localhost", 10)))
		rc = 0;
	else if (!sa_parse_pl(&ca, &h, 0))
		rc = reach(&ca);
	else
		return false; /* a name: assume it resolves */
	if (rc >= reach(src))
		return false;
	if (ev) {
		char s[64] = "?";

		(void)sa_print(src, s, sizeof(s));
		snprintf(ev, sz,
			 "Contact: %.*s names %s, but the INVITE came from %s",
			 PL_ARG(&ct->uri.raw),
			 rc == 0 ? "this host only (loopback)"
				 : "a private address",
			 s);
	}
	return true;
}
