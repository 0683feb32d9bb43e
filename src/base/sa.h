/* Socket addresses: parse "HOST:PORT" / "[V6]:PORT" / "HOST", print, and
 * compare. IP literals only (names are resolved elsewhere, with c-ares). */
#ifndef TRUNKD_BASE_SA_H
#define TRUNKD_BASE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/pl.h"

/* Parse an IP literal with an optional port; def_port when absent.
 * "127.0.0.1:5060", "[::1]:5060", "::1" (bare IPv6, no port), "10.0.0.1".
 * Returns 0 or EINVAL; *sa set only on success. */
int sa_parse(struct sockaddr_storage *sa, const char *s, uint16_t def_port);
int sa_parse_pl(struct sockaddr_storage *sa, const struct pl *pl,
		uint16_t def_port);

/* Address without port, numeric ("127.0.0.1", "::1"). Returns 0/EINVAL. */
int sa_ntop(const struct sockaddr_storage *sa, char *buf, size_t sz);
/* "127.0.0.1:5060" / "[::1]:5060". Returns 0/EINVAL/ENOSPC. */
int sa_print(const struct sockaddr_storage *sa, char *buf, size_t sz);

uint16_t sa_port(const struct sockaddr_storage *sa);
void sa_set_port(struct sockaddr_storage *sa, uint16_t port);
socklen_t sa_len(const struct sockaddr_storage *sa);

/* Same family, address and port. */
bool sa_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/* Loopback, RFC 1918 / RFC 6598 / link-local / ULA (used to flag
 * unroutable Contact and SDP addresses). */
bool sa_is_loopback(const struct sockaddr_storage *sa);
bool sa_is_private(const struct sockaddr_storage *sa);

#endif
