/* Private helpers shared by the SDP parser and printer (src/sip only). */
#ifndef TRUNKD_SIP_SDP_INT_H
#define TRUNKD_SIP_SDP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <string.h>

#include "base/pl.h"

/* pl equals the literal lit (length known at compile time: no strlen). */
#define PL_IS(pl, lit) \
	((pl)->l == sizeof(lit) - 1 && !memcmp((pl)->p, lit, sizeof(lit) - 1))

/* The RFC 3551 static payload types (sdp_codec.c): name (NULL for an
 * unassigned pt), its length, clock rate. */
enum { SDP_STATIC_PTS = 35 };

struct sdp_static_pt {
	const char *name;
	uint8_t len;
	uint32_t srate;
};

extern const struct sdp_static_pt sdp_static_pts[SDP_STATIC_PTS];

/* Next line of rest (up to LF, without CR LF); advances rest. False at
 * the end. */
bool sdp_line_next(struct pl *rest, struct pl *line);

/* Next field separated by runs of SP/HTAB; advances rest. False when no
 * field is left. */
bool sdp_field_next(struct pl *rest, struct pl *f);

/* Non-empty and only RFC 4566 token-chars. */
bool sdp_is_token(const struct pl *pl);

/* Address family of addr for addrtype "IP4"/"IP6": AF_INET/AF_INET6 for
 * a literal, AF_UNSPEC for a host name (unless literal_only), -1 if
 * malformed. */
int sdp_addr_af(const struct pl *addrtype, const struct pl *addr,
		bool literal_only);

#endif
