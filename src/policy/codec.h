/* Codec policy: which offered RTP payload types a trunk keeps.
 *
 * The trunk allows a list of encoding names ("PCMU,PCMA"; default PCMU).
 * From an SDP offer's audio payload types, keep those whose encoding
 * name is allowed, in offer order, plus telephone-event (RFC 4733) when
 * at least one real codec is kept. Nothing kept: the caller answers 415
 * (alert 39010).
 */
#ifndef TRUNKD_POLICY_CODEC_H
#define TRUNKD_POLICY_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "base/pl.h"

#define CODEC_DEFAULT "PCMU"

struct codec_offer {
	uint8_t pt;	/* payload type 0-127 */
	struct pl name; /* encoding name from a=rtpmap; empty: static PT */
};

/* Encoding name of a static payload type (RFC 3551: 0 PCMU, 3 GSM,
 * 4 G723, 8 PCMA, 9 G722, 18 G729, ...), or NULL. */
const char *codec_static_name(uint8_t pt);

/* Filter offers against allowed (comma-separated names, case-insensitive,
 * spaces ignored; NULL or empty = CODEC_DEFAULT). Writes the kept payload
 * types to kept (room for n entries) and their number to *nkeptp.
 * Returns 0, ENOENT (no allowed codec offered: answer 415) or EINVAL. */
int codec_filter(const char *allowed, const struct codec_offer *offers,
		 size_t n, uint8_t *kept, size_t *nkeptp);

#endif
