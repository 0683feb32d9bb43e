/* Socket address helpers for the SIP transports (IPv4 and IPv6). */
#ifndef TRUNKD_NET_SA_H
#define TRUNKD_NET_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/pl.h"

/* Longest "[v6addr]:port" text, with NUL. */
#define NET_SA_STRLEN 64

/* Parse "HOST:PORT", "[V6]:PORT", "HOST" or "[V6]" (numeric addresses
 * only; def_port when no port). Returns 0 or EINVAL; *ss set on success. */
int net_sa_parse(const char *s, uint16_t def_port,
		 struct sockaddr_storage *ss);

/* Numeric host (IPv6 without brackets) and port to a sockaddr. Returns 0
 * or EINVAL. */
int net_sa_set(struct sockaddr_storage *ss, const struct pl *host,
	       uint16_t port);

/* "1.2.3.4:5060" / "[::1]:5060" into buf (at least NET_SA_STRLEN). Returns
 * buf ("?" for an unknown family). */
const char *net_sa_str(const struct sockaddr *sa, char *buf, size_t sz);

/* Numeric host only, no brackets. Returns 0 or EINVAL. */
int net_sa_host(const struct sockaddr *sa, char *buf, size_t sz);

uint16_t net_sa_port(const struct sockaddr *sa);
void net_sa_port_set(struct sockaddr *sa, uint16_t port);
socklen_t net_sa_len(const struct sockaddr *sa);
bool net_sa_isset(const struct sockaddr *sa);

/* Equal family, address and port. */
bool net_sa_eq(const struct sockaddr *a, const struct sockaddr *b);
/* Equal family and address (port ignored). */
bool net_sa_eq_addr(const struct sockaddr *a, const struct sockaddr *b);
uint32_t net_sa_hash(const struct sockaddr *sa);

#endif
