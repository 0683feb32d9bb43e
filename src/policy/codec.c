/* Codec policy; see codec.h. */
#include "policy/codec.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

static const char *const static_pt[] = {
	[0] = "PCMU",  [3] = "GSM",   [4] = "G723",   [5] = "DVI4",
	[6] = "DVI4",  [7] = "LPC",   [8] = "PCMA",   [9] = "G722",
	[10] = "L16",  [11] = "L16",  [12] = "QCELP", [13] = "CN",
	[14] = "MPA",  [15] = "G728", [16] = "DVI4",  [17] = "DVI4",
	[18] = "G729",
};

const char *codec_static_name(uint8_t pt)
{
	if (pt < sizeof(static_pt) / sizeof(static_pt[0]))
		return static_pt[pt];
	return NULL;
}

/* Whether name occurs in the comma-separated list. */
static bool list_has(const char *list, const struct pl *name)
{
	const char *p = list;

	while (*p) {
		const char *s, *e;

		while (*p == ' ' || *p == ',')
			p++;
		s = p;
		while (*p && *p != ',')
			p++;
		e = p;
		while (e > s && e[-1] == ' ')
			e--;
		if ((size_t)(e - s) == name->l && name->l &&
		    !strncasecmp(s, name->p, name->l))
			return true;
	}
	return false;
}

int codec_filter(const char *allowed, const struct codec_offer *offers,
		 size_t n, uint8_t *kept, size_t *nkeptp)
{
	size_t i, k = 0, real = 0;

	if ((n && (!offers || !kept)) || !nkeptp)
		return EINVAL;
	if (!allowed || !*allowed)
		allowed = CODEC_DEFAULT;
	for (i = 0; i < n; i++) {
		struct pl name = offers[i].name;

		if (!name.p || !name.l) {
			const char *s = codec_static_name(offers[i].pt);

			if (!s)
				continue;
			pl_set_str(&name, s);
		}
		if (offers[i].pt > 127)
			continue;
		if (pl_caseeq_str(&name, "telephone-event")) {
			kept[k++] = offers[i].pt;
		} else if (list_has(allowed, &name)) {
			kept[k++] = offers[i].pt;
			real++;
		}
	}
	if (!real)
		return ENOENT;
	*nkeptp = k;
	return 0;
}
