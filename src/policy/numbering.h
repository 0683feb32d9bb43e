/* Numbering plan data: countries, E.164 country calling codes, NANP area
 * codes and shared-code leading digits, national number lengths and
 * high-risk (premium rate / shared cost) ranges.
 *
 * The tables live in numbering_data.c, generated from libphonenumber's
 * metadata by scripts/gen-numbering.mjs (see docs/policy.md); this API
 * only reads them. All lookups are read-only and thread-safe.
 *
 * Numbers here are digit strings without the "+": "15551234567".
 */
#ifndef TRUNKD_POLICY_NUMBERING_H
#define TRUNKD_POLICY_NUMBERING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/pl.h"

/* Continents as Twilio's DialingPermissions Countries resource names
 * them. */
enum numbering_continent {
	NUMBERING_AFRICA = 0,
	NUMBERING_ANTARCTICA,
	NUMBERING_ASIA,
	NUMBERING_EUROPE,
	NUMBERING_NORTH_AMERICA,
	NUMBERING_OCEANIA,
	NUMBERING_SOUTH_AMERICA,
};

struct numbering_country {
	const char *iso;   /* ISO 3166-1 alpha-2, "US" */
	const char *name;  /* ISO 3166-1 name, "United States" */
	uint16_t cc;	   /* E.164 country calling code, 1 */
	uint8_t continent; /* enum numbering_continent */
	bool main;	   /* main country of a shared code (US, RU) */
	uint32_t lengths;  /* bit n set: national numbers of n digits */
};

/* Number of countries in the table. */
size_t numbering_country_count(void);

/* The i-th country (0 <= i < count), ordered by ISO code; NULL past the
 * end. Use it to iterate. */
const struct numbering_country *numbering_country_at(size_t i);

/* Position of c in the table (its index for numbering_country_at() and
 * for per-country arrays such as dialing permissions). */
size_t numbering_country_index(const struct numbering_country *c);

/* Country by ISO alpha-2 code (case-insensitive), or NULL. */
const struct numbering_country *numbering_country_find(const char *iso);
const struct numbering_country *
numbering_country_find_pl(const struct pl *iso);

/* Continent name as the API prints it: "NORTH_AMERICA", ...; "" for an
 * unknown value. */
const char *numbering_continent_name(unsigned continent);

/* Parse a continent name (case-insensitive). Returns 0 or EINVAL. */
int numbering_continent_decode(const char *name, unsigned *contp);

/* Country calling code at the start of digits (1 to 3 digits, "1",
 * "44", "358"): returns its length and sets *ccp, or returns 0 when no
 * assigned code matches. Codes assigned only to non-geographic services
 * (+800, +882, ...) count as assigned. */
size_t numbering_cc_match(const char *digits, size_t len, uint16_t *ccp);

/* Country a number belongs to (digits: country code + national number,
 * no "+"): longest-prefix match over country codes, then over the
 * leading digits of countries sharing a code (NANP area codes for +1,
 * +7 RU/KZ, +44 GB/GG/IM/JE, ...), falling back to the code's main
 * country. NULL for non-geographic codes and unassigned codes. */
const struct numbering_country *numbering_country_of(const char *digits,
						     size_t len);

/* Whether the national number length fits the country's possible
 * lengths (len = total digits including the country code). */
bool numbering_length_valid(const struct numbering_country *c, size_t len);

/* Whether the number falls in a high-risk special range of its country:
 * premium rate or shared cost per libphonenumber's number types
 * (digits: country code + national number). */
bool numbering_is_high_risk(const char *digits, size_t len);

/* High-risk prefixes of a country, as E.164 digit strings including the
 * country code ("1900"): calls fn for each one in order, stopping early
 * when fn returns non-zero (that value is returned). Returns 0. */
typedef int(numbering_prefix_h)(const char *prefix, void *arg);
int numbering_high_risk_apply(const struct numbering_country *c,
			      numbering_prefix_h *fn, void *arg);

/* All country codes of a country, for the API's country_codes array:
 * writes the code as "+1" into buf. Every country has one. */
int numbering_cc_print(const struct numbering_country *c, char *buf,
		       size_t sz);

/* Source and version of the generated data (for logs and the API). */
const char *numbering_source(void);

#endif
