/* Socket addresses: parse "HOST:PORT" / "[V6]:PORT" / "HOST", print,
 * compare and hash. IP literals only (names are resolved elsewhere, with
 * c-ares). Every function works on a struct sockaddr_storage holding an
 * AF_INET or AF_INET6 address; sa_copy() brings in a struct sockaddr from
 * libuv or a caller. */
#ifndef TRUNKD_BASE_SA_H
#define TRUNKD_BASE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/pl.h"

/* Longest sa_print()/sa_str() text, "[v6addr]:port", with NUL. */
#define SA_STRLEN 64

/* Parse an IP literal with an optional port; def_port when absent.
 * "127.0.0.1:5060", "[::1]:5060", "[::1]", "::1" (bare IPv6, no port),
 * "10.0.0.1". Returns 0 or EINVAL; *sa set only on success. */
int sa_parse(struct sockaddr_storage *sa, const char *s, uint16_t def_port);
int sa_parse_pl(struct sockaddr_storage *sa, const struct pl *pl,
		uint16_t def_port);

/* A numeric host ("10.0.0.1", "::1" or "[::1]", no port) and port.
 * Returns 0 or EINVAL (NULL, empty or not an IP literal); *sa set only
 * on success. */
int sa_set(struct sockaddr_storage *sa, const struct pl *host,
	   uint16_t port);

/* Copy an AF_INET/AF_INET6 address of any struct sockaddr (from libuv or
 * a caller) in. Returns 0 or EINVAL (NULL or another family); *sa set
 * only on success. */
int sa_copy(struct sockaddr_storage *sa, const struct sockaddr *from);

/* Address without port, numeric ("127.0.0.1", "::1"). Returns 0, EINVAL
 * (no address) or ENOSPC. */
int sa_ntop(const struct sockaddr_storage *sa, char *buf, size_t sz);
/* "127.0.0.1:5060" / "[::1]:5060". Returns 0/EINVAL/ENOSPC. */
int sa_print(const struct sockaddr_storage *sa, char *buf, size_t sz);
/* sa_print() for logs: returns buf (SA_STRLEN bytes are enough), "?"
 * when sa is NULL or holds no address. */
const char *sa_str(const struct sockaddr_storage *sa, char *buf, size_t sz);

/* Port in host order; 0 without an address. */
uint16_t sa_port(const struct sockaddr_storage *sa);
/* Set the port; no-op without an address. */
void sa_set_port(struct sockaddr_storage *sa, uint16_t port);
/* Length of the family's struct sockaddr_in/in6, for bind/sendto. */
socklen_t sa_len(const struct sockaddr_storage *sa);
/* Holds an AF_INET/AF_INET6 address (false for NULL). */
bool sa_isset(const struct sockaddr_storage *sa);

/* Same family, address and port (false if either is NULL). */
bool sa_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* Same family and address, port ignored (false if either is NULL). */
bool sa_eq_addr(const struct sockaddr_storage *a,
		const struct sockaddr_storage *b);
/* Hash of address and port, consistent with sa_eq(); 0 without an
 * address. */
uint32_t sa_hash(const struct sockaddr_storage *sa);

/* Loopback, RFC 1918 / RFC 6598 / link-local / ULA (used to flag
 * unroutable Contact and SDP addresses). */
bool sa_is_loopback(const struct sockaddr_storage *sa);
bool sa_is_private(const struct sockaddr_storage *sa);

#endif
