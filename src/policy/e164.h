/* E.164 numbers: validation and extraction from SIP/tel URIs.
 *
 * A valid number, as trunkd requires on termination (ALERTS.md 32101):
 * "+" followed by 8 to 15 digits, starting with an assigned country
 * calling code (numbering.h).
 */
#ifndef TRUNKD_POLICY_E164_H
#define TRUNKD_POLICY_E164_H

#include <stdbool.h>
#include <stddef.h>

#include "base/pl.h"

#define E164_MIN_DIGITS 8
#define E164_MAX_DIGITS 15
/* "+" + 15 digits + NUL */
#define E164_SIZE 17

/* Whether num is exactly "+" and 8-15 digits with an assigned country
 * code. No separators, no parameters. */
bool e164_is_valid(const struct pl *num);

/* Extract the number from a URI user part (what sits before "@" in a
 * sip: URI, or the whole telephone-subscriber of a tel: URI). It must be
 * global ("+" first). Parameters after ";" (ext, isub, ...) are ignored.
 * With visual set, RFC 3966 visual separators ("-", ".", "(", ")") are
 * skipped, as in tel: URIs and sip: URIs with user=phone; otherwise any
 * non-digit fails. Percent-escapes are not decoded (an escaped "+" is
 * invalid). Writes "+digits" NUL-terminated into out (size >= E164_SIZE)
 * and returns 0, or EINVAL (not a global number / bad character /
 * too many digits) or ENOSPC. out is written only on success. The result
 * is not validated beyond that: call e164_is_valid(). */
int e164_from_user(const struct pl *user, bool visual, char *out, size_t sz);

/* Same from a whole URI: "sip:+15551234567@host;user=phone",
 * "sips:...", "tel:+1-555-123-4567;ext=1". Visual separators are allowed
 * for tel: and for sip(s): with a user=phone parameter. Angle brackets
 * and a display name are not accepted (pass the URI itself). Same
 * returns; EPROTONOSUPPORT for other schemes. */
int e164_from_uri(const struct pl *uri, char *out, size_t sz);

#endif
