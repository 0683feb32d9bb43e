/* Deny list: exact numbers and number prefixes, in a digit trie.
 *
 * Entries and queries are E.164 digit strings; a leading "+" is ignored.
 * Lookup walks at most 15 nodes whatever the list size. Read-only
 * (shareable) once built.
 */
#ifndef TRUNKD_POLICY_DENY_H
#define TRUNKD_POLICY_DENY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/pl.h"

enum deny_kind {
	DENY_EXACT = 1,	 /* this number only */
	DENY_PREFIX = 2, /* every number starting with these digits */
};

struct deny;

/* Empty list (mem object). Returns 0 or ENOMEM. */
int deny_alloc(struct deny **dp);

/* Add digits (optional "+", then 1-15 digits) as an exact number or a
 * prefix. Returns 0, EINVAL (empty, non-digit, too long) or ENOMEM. */
int deny_add(struct deny *d, const struct pl *digits, enum deny_kind kind);

/* Whether num (optional "+", digits) is denied: equal to an exact entry
 * or starting with a prefix entry. Non-digits never match. */
bool deny_match(const struct deny *d, const struct pl *num);

/* Entries added (duplicates counted once). */
size_t deny_count(const struct deny *d);

#endif
