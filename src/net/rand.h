/* Random tokens for tags, branches and Call-IDs (not for secrets: see
 * rand.c for why a per-thread buffer of getrandom() bytes is enough). */
#ifndef TRUNKD_NET_RAND_H
#define TRUNKD_NET_RAND_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf with sz - 1 random lowercase hex digits (at most 64) and a
 * NUL (sz >= 1; nothing when buf is NULL or sz is 0). No system call
 * except once every 4 KB of random bytes. */
void net_rand_token(char *buf, size_t sz);

/* A random 32-bit value, from the same buffer. */
uint32_t net_rand_u32(void);

#endif
