/* Private: the generated tables behind numbering.h (numbering_data.c). */
#ifndef TRUNKD_POLICY_NUMBERING_INT_H
#define TRUNKD_POLICY_NUMBERING_INT_H

#include <stddef.h>
#include <stdint.h>

#include "policy/numbering.h"

#define NUMBERING_NONE 0xffff

struct numbering_prefix {
	const char *digits; /* country code + leading national digits */
	uint16_t country;   /* index in numbering_countries or NONE */
};

extern const char numbering_data_source[];
extern const struct numbering_country numbering_countries[];
extern const size_t numbering_country_n;
extern const struct numbering_prefix numbering_prefixes[];
extern const size_t numbering_prefix_n;
extern const char *const numbering_hr_all[];
extern const size_t numbering_hr_all_n;
extern const char *const numbering_hr_list[];
extern const uint16_t numbering_hr_country[];

#endif
