/* Random tokens for tags and branches (not for secrets). */
#ifndef TRUNKD_NET_RAND_H
#define TRUNKD_NET_RAND_H

#include <stddef.h>

/* Fill buf with sz - 1 random lowercase hex digits and a NUL (sz >= 1). */
void net_rand_token(char *buf, size_t sz);

#endif
