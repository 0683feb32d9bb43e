/* Numbering plan lookups over the generated tables; see numbering.h. */
#include "policy/numbering.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "policy/numbering_int.h"

/* Longest entry in numbering_prefixes / numbering_hr_all is well below
 * this; lookups never read further. */
#define PREFIX_MAX 16

static const char *const continent_names[] = {
	[NUMBERING_AFRICA] = "AFRICA",
	[NUMBERING_ANTARCTICA] = "ANTARCTICA",
	[NUMBERING_ASIA] = "ASIA",
	[NUMBERING_EUROPE] = "EUROPE",
	[NUMBERING_NORTH_AMERICA] = "NORTH_AMERICA",
	[NUMBERING_OCEANIA] = "OCEANIA",
	[NUMBERING_SOUTH_AMERICA] = "SOUTH_AMERICA",
};

size_t numbering_country_count(void)
{
	return numbering_country_n;
}

const struct numbering_country *numbering_country_at(size_t i)
{
	return i < numbering_country_n ? &numbering_countries[i] : NULL;
}

size_t numbering_country_index(const struct numbering_country *c)
{
	return (size_t)(c - numbering_countries);
}

const struct numbering_country *numbering_country_find_pl(const struct pl *iso)
{
	size_t lo = 0, hi = numbering_country_n;
	char key[3];

	if (!iso || iso->l != 2 || !iso->p)
		return NULL;
	key[0] = (char)(iso->p[0] & ~0x20);
	key[1] = (char)(iso->p[1] & ~0x20);
	key[2] = '\0';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, numbering_countries[mid].iso);

		if (c == 0)
			return &numbering_countries[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct numbering_country *numbering_country_find(const char *iso)
{
	struct pl p;

	if (!iso)
		return NULL;
	pl_set_str(&p, iso);
	return numbering_country_find_pl(&p);
}

const char *numbering_continent_name(unsigned continent)
{
	if (continent >= sizeof(continent_names) / sizeof(continent_names[0]))
		return "";
	return continent_names[continent];
}

int numbering_continent_decode(const char *name, unsigned *contp)
{
	size_t i;

	if (!name || !contp)
		return EINVAL;
	for (i = 0; i < sizeof(continent_names) / sizeof(continent_names[0]);
	     i++) {
		if (!strcasecmp(name, continent_names[i])) {
			*contp = (unsigned)i;
			return 0;
		}
	}
	return EINVAL;
}

/* Compare the first n bytes of a table entry (which may be shorter)
 * with key[0..n). */
static int prefix_cmp(const char *key, size_t n, const char *entry)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)key[i];
		unsigned char b = (unsigned char)entry[i];

		if (a != b)
			return a < b ? -1 : 1;
	}
	return entry[n] ? -1 : 0;
}

static const struct numbering_prefix *prefix_find(const char *d, size_t n)
{
	size_t lo = 0, hi = numbering_prefix_n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = prefix_cmp(d, n, numbering_prefixes[mid].digits);

		if (c == 0)
			return &numbering_prefixes[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* A sorted string table whose entries hold their string first. */
struct stab {
	const char *base;
	size_t stride, n;
};

static const char *stab_at(const struct stab *t, size_t i)
{
	return *(const char *const *)(const void *)(t->base + i * t->stride);
}

/* First index from lo whose entry is not below d[0..n) (strcmp order). */
static size_t stab_lower(const struct stab *t, size_t lo, const char *d,
			 size_t n)
{
	size_t hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (prefix_cmp(d, n, stab_at(t, mid)) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The longest entry that is a prefix of d[0..len) (at most PREFIX_MAX
 * digits): its length, its index in *idxp; 0 when none. One ordered walk
 * over the prefix lengths, stopping where no entry starts with the
 * digits so far (no longer one can match then), instead of a search per
 * length. */
static size_t stab_longest(const struct stab *t, const char *d, size_t len,
			   size_t *idxp)
{
	size_t n, lo = 0, best = 0;

	for (n = 1; n <= len && n <= PREFIX_MAX; n++) {
		const char *e;

		lo = stab_lower(t, lo, d, n);
		if (lo == t->n)
			break;
		e = stab_at(t, lo);
		if (strncmp(e, d, n))
			break;
		if (!e[n]) {
			best = n;
			*idxp = lo;
		}
	}
	return best;
}

static bool all_digits(const char *d, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	return true;
}

size_t numbering_cc_match(const char *digits, size_t len, uint16_t *ccp)
{
	size_t n;

	if (!digits)
		return 0;
	/* E.164 codes are prefix-free: at most one length matches */
	for (n = 1; n <= 3 && n <= len; n++) {
		const struct numbering_prefix *p;

		if (!all_digits(digits, n) || digits[0] == '0')
			return 0;
		p = prefix_find(digits, n);
		if (p) {
			if (ccp)
				*ccp = (uint16_t)atoi(p->digits);
			return n;
		}
	}
	return 0;
}

const struct numbering_country *numbering_country_of(const char *digits,
						     size_t len)
{
	const struct stab prefixes = {.base = (const char *)numbering_prefixes,
				      .stride = sizeof(numbering_prefixes[0]),
				      .n = numbering_prefix_n};
	const struct numbering_prefix *p;
	size_t i = 0;

	if (!digits || !len || !all_digits(digits, len))
		return NULL;
	if (!stab_longest(&prefixes, digits, len, &i))
		return NULL;
	p = &numbering_prefixes[i];
	if (p->country == NUMBERING_NONE)
		return NULL;
	return &numbering_countries[p->country];
}

bool numbering_length_valid(const struct numbering_country *c, size_t len)
{
	size_t ccl;

	if (!c)
		return false;
	ccl = c->cc >= 100 ? 3 : c->cc >= 10 ? 2 : 1;
	if (len <= ccl || len - ccl >= 32)
		return false;
	return (c->lengths >> (len - ccl)) & 1u;
}

bool numbering_is_high_risk(const char *digits, size_t len)
{
	const struct stab hr = {.base = (const char *)numbering_hr_all,
				.stride = sizeof(numbering_hr_all[0]),
				.n = numbering_hr_all_n};
	size_t i;

	if (!digits || !all_digits(digits, len))
		return false;
	return stab_longest(&hr, digits, len, &i) > 0;
}

int numbering_high_risk_apply(const struct numbering_country *c,
			      numbering_prefix_h *fn, void *arg)
{
	size_t i, k;

	if (!c || !fn)
		return 0;
	i = (size_t)(c - numbering_countries);
	if (i >= numbering_country_n)
		return 0;
	for (k = numbering_hr_country[i]; k < numbering_hr_country[i + 1];
	     k++) {
		int err = fn(numbering_hr_list[k], arg);

		if (err)
			return err;
	}
	return 0;
}

int numbering_cc_print(const struct numbering_country *c, char *buf, size_t sz)
{
	int n;

	if (!c || !buf)
		return EINVAL;
	n = snprintf(buf, sz, "+%u", (unsigned)c->cc);
	if (n < 0 || (size_t)n >= sz)
		return ENOSPC;
	return 0;
}

const char *numbering_source(void)
{
	return numbering_data_source;
}
