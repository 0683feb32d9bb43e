/* SIP digest authentication, server side (RFC 7616, RFC 8760, RFC 3261
 * §22): challenges, nonces, header parsing and response verification.
 *
 * No SIP I/O. The B2BUA prints the two challenge values (SHA-256 first,
 * then MD5) into two Proxy-Authenticate headers of a 407, parses the
 * Proxy-Authorization it gets back with digest_cred_decode(), checks the
 * nonce with digest_nonce_check(), verifies the response against the
 * stored HA1 with digest_verify() and finally records the (nonce, nc) pair
 * with digest_replay_check() so it cannot be replayed.
 *
 * HA1 values are stored as lowercase hex: 32 characters for MD5, 64 for
 * SHA-256. The store computes them with digest_ha1() when a credential is
 * created, so passwords are never kept.
 */
#ifndef TRUNKD_POLICY_DIGEST_H
#define TRUNKD_POLICY_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/pl.h"

enum digest_alg {
	DIGEST_ALG_MD5 = 0,
	DIGEST_ALG_SHA256,
};

/* Hex digest length (without NUL) of each algorithm. */
#define DIGEST_MD5_HEXLEN    32
#define DIGEST_SHA256_HEXLEN 64
/* A buffer this size holds any hex digest plus NUL. */
#define DIGEST_HEX_SIZE 65

/* Default nonce lifetime and replay cache size. */
#define DIGEST_NONCE_EXPIRY_S 300
#define DIGEST_REPLAY_MAX     65536

/* Hex length of alg's digests (32 or 64), 0 for an unknown alg. */
size_t digest_hexlen(enum digest_alg alg);

/* Algorithm name as it appears on the wire: "MD5" or "SHA-256". */
const char *digest_alg_name(enum digest_alg alg);

/* Parse an algorithm token (case-insensitive; "MD5", "SHA-256"). An empty
 * or absent token means MD5 (RFC 7616 §3.3). Returns 0 or ENOTSUP (other
 * algorithms, including the -sess variants, are not offered). */
int digest_alg_decode(const struct pl *tok, enum digest_alg *algp);

/* HA1 = H(username ":" realm ":" password) in lowercase hex, written to
 * out (size outsz >= digest_hexlen(alg) + 1, NUL-terminated). All strings
 * are NUL-terminated and non-NULL. Returns 0, EINVAL (NULL argument or
 * unknown alg), ENOSPC (out too small) or EIO (crypto failure). */
int digest_ha1(char *out, size_t outsz, enum digest_alg alg,
	       const char *username, const char *realm, const char *password);

/* Parsed Authorization / Proxy-Authorization value. Every pl points into
 * the struct's own store (unquoted, escapes removed), so the credential
 * outlives the header it came from. Absent parameters are empty pls. */
struct digest_cred {
	struct pl username;
	struct pl realm;
	struct pl nonce;
	struct pl uri;
	struct pl response;
	struct pl algorithm;
	struct pl cnonce;
	struct pl nc;
	struct pl qop;
	struct pl opaque;
	enum digest_alg alg; /* decoded algorithm */
	uint32_t ncval;	     /* nc as a number (0 when absent) */
	bool userhash;	     /* userhash=true (RFC 7616 §3.4.4) */
	char store[1024];    /* backing bytes of the pls above */
};

/* Decode a credentials value such as `Digest username="a", realm="r",
 * ...` (the header value, without the header name). Parameter names are
 * case-insensitive; values may be tokens or quoted strings with
 * backslash escapes; unknown parameters are skipped. Required: username,
 * realm, nonce, uri, response; when qop is present, also cnonce and an nc
 * of 8 hex digits. Returns 0, EBADMSG (malformed or missing parameter),
 * ENOTSUP (scheme not Digest or algorithm not MD5/SHA-256) or EMSGSIZE
 * (values longer than the store). *cred is filled only on success. */
int digest_cred_decode(struct digest_cred *cred, const struct pl *hval);

/* Verify cred's response for a request method (e.g. "INVITE") against
 * the stored HA1 (hex, lowercase or uppercase, of cred->alg's length):
 *   HA2 = H(method ":" uri), response = H(HA1 ":" nonce ":" nc ":"
 *   cnonce ":" qop ":" HA2), or H(HA1 ":" nonce ":" HA2) without qop.
 * Only qop=auth (or no qop) is accepted. When req_uri is non-NULL it
 * must equal cred->uri (the digest covers the URI the client signed).
 * The comparison is constant time. Returns 0 (valid), EACCES (wrong
 * response), EINVAL (HA1 of the wrong length for the algorithm, bad qop,
 * URI mismatch) or EIO. */
int digest_verify(const struct digest_cred *cred, const char *method,
		  const struct pl *req_uri, const char *ha1_hex);

/* Nonce issuer and replay cache. Nonces are self-validating:
 *   base64(ts[8] | rnd[8] | HMAC-SHA256(secret, ts | rnd)[16])
 * with ts = clock_now_ms() at issue, so any node holding the same secret
 * can check them without state. The replay cache remembers (nonce, nc)
 * pairs; it is bounded: when full, the oldest entry is dropped and every
 * nonce issued at or before that entry's nonce becomes stale (so a
 * forgotten pair can never be replayed; the client just gets a fresh
 * challenge). Not thread-safe: one per SIP loop. */
struct digest_ctx;

/* Allocate a context (mem object; mem_deref to free). secret (len >= 16)
 * keys the nonce HMAC; NULL draws 32 random bytes. expiry_s is the nonce
 * lifetime (0 = DIGEST_NONCE_EXPIRY_S), replay_max the cache size
 * (0 = DIGEST_REPLAY_MAX). Returns 0, EINVAL, ENOMEM or EIO. */
int digest_ctx_alloc(struct digest_ctx **ctxp, const uint8_t *secret,
		     size_t len, uint32_t expiry_s, size_t replay_max);

/* Length of a nonce string (without NUL). */
#define DIGEST_NONCE_LEN 44

/* Write a fresh nonce (NUL-terminated) into buf (sz > DIGEST_NONCE_LEN).
 * Returns 0, ENOSPC or EIO. */
int digest_nonce_make(struct digest_ctx *ctx, char *buf, size_t sz);

/* Check a nonce this context (or one with the same secret) issued.
 * Returns 0 (valid and fresh), ESTALE (authentic but expired, or older
 * than the replay cache remembers: challenge again with stale=true) or
 * EPERM (forged, malformed or from the future). */
int digest_nonce_check(const struct digest_ctx *ctx, const struct pl *nonce);

/* Record (nonce, nc) as used. Returns 0 (first use), EALREADY (this pair
 * was seen: replay), ESTALE (nonce too old to be tracked) or EPERM (bad
 * nonce). Call it only after digest_verify() succeeded, so forged
 * requests cannot fill the cache. */
int digest_replay_check(struct digest_ctx *ctx, const struct pl *nonce,
			uint32_t nc);

/* Append one Proxy-Authenticate / WWW-Authenticate value to b:
 *   Digest realm="<realm>", nonce="<nonce>", opaque="<opaque>",
 *   algorithm=<alg>, qop="auth"[, stale=true]
 * (opaque omitted when NULL). realm is escaped as a quoted string.
 * Returns 0, EINVAL or ENOMEM. */
int digest_challenge_print(struct buf *b, enum digest_alg alg,
			   const char *realm, const char *nonce,
			   const char *opaque, bool stale);

#endif
