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

/* Sorted prefix tables: numbering_prefixes[] (country of a number) and
 * numbering_hr_all[] (high-risk ranges). */
struct prefix_tab {
	const char *(*at)(size_t i);
	size_t n;
};

static const char *country_prefix_at(size_t i)
{
	return numbering_prefixes[i].digits;
}

static const char *hr_prefix_at(size_t i)
{
	return numbering_hr_all[i];
}

/* strcmp of key[0..n) with an entry: a shorter string is smaller. */
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

/* Index of the longest entry that is a prefix of d[0..n), or -1.
 *
 * c, the greatest entry <= d, answers when it is a prefix of d: a longer
 * prefix of d would lie between c and d. When it is not, c and d first
 * differ at L, c[L] < d[L], and every prefix of d longer than L would lie
 * between c and d too: the answer is the longest prefix of d[0..L), found
 * the same way. One binary search per step, and each step is shorter: a
 * few steps in practice, where trying every length took up to 16
 * searches. */
static long longest_prefix(const struct prefix_tab *t, const char *d, size_t n)
{
	while (n > 0) {
		size_t lo = 0, hi = t->n, l = 0;
		const char *c;

		while (lo < hi) { /* first entry > d[0..n) */
			size_t mid = lo + (hi - lo) / 2;

			if (prefix_cmp(d, n, t->at(mid)) < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		if (lo == 0)
			return -1;
		c = t->at(lo - 1);
		while (l < n && c[l] == d[l])
			l++;
		if (!c[l])
			return (long)(lo - 1); /* c is a prefix of d */
		n = l;
	}
	return -1;
}

static struct prefix_tab country_tab(void)
{
	return (struct prefix_tab){country_prefix_at, numbering_prefix_n};
}

/* The entry equal to d[0..n), or NULL. */
static const struct numbering_prefix *prefix_exact(const char *d, size_t n)
{
	struct prefix_tab t = country_tab();
	long i = longest_prefix(&t, d, n);

	if (i < 0 || numbering_prefixes[i].digits[n])
		return NULL;
	return &numbering_prefixes[i];
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
		p = prefix_exact(digits, n);
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
	struct prefix_tab t = country_tab();
	long i;

	if (!digits || !len || !all_digits(digits, len))
		return NULL;
	i = longest_prefix(&t, digits, len < PREFIX_MAX ? len : PREFIX_MAX);
	if (i < 0 || numbering_prefixes[i].country == NUMBERING_NONE)
		return NULL;
	return &numbering_countries[numbering_prefixes[i].country];
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
	struct prefix_tab t = {hr_prefix_at, numbering_hr_all_n};

	if (!digits || !all_digits(digits, len))
		return false;
	return longest_prefix(&t, digits,
			      len < PREFIX_MAX ? len : PREFIX_MAX) >= 0;
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
