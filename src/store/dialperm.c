/* Effective dialing permissions in the snapshot: every account gets one
 * byte of SNAP_DIAL_* bits per country of the numbering table, defaults
 * first, then its stored overrides, then inheritance from the owner. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "policy/numbering.h"
#include "policy/policy.h"
#include "store/snapshot.h"
#include "store/store_int.h"

_Static_assert((int)SNAP_DIAL_LOW_RISK == (int)POLICY_GEO_LOW_RISK &&
		       (int)SNAP_DIAL_HIGH_RISK_SPECIAL ==
			       (int)POLICY_GEO_HIGH_RISK_SPECIAL &&
		       (int)SNAP_DIAL_HIGH_RISK_TOLLFRAUD ==
			       (int)POLICY_GEO_HIGH_RISK_TOLLFRAUD,
	       "snapshot and policy dialing bits differ");

/* Twilio's "United States/Canada" entry (+1 without the other NANP
 * islands): the home region of a new account. */
static const char *const home[] = {"US", "CA", "PR", "VI", "GU", "AS", "MP",
				   NULL};

unsigned snapshot_dialperm_default(const char *iso_code)
{
	const char *const *h;

	if (!iso_code)
		return 0;
	for (h = home; *h; h++) {
		if (!strcasecmp(*h, iso_code))
			return SNAP_DIAL_LOW_RISK;
	}
	return 0;
}

static unsigned row_bits(const struct snap_dialperm *d)
{
	return (d->low_risk ? SNAP_DIAL_LOW_RISK : 0u) |
	       (d->high_risk_special ? SNAP_DIAL_HIGH_RISK_SPECIAL : 0u) |
	       (d->high_risk_tollfraud ? SNAP_DIAL_HIGH_RISK_TOLLFRAUD : 0u);
}

/* The account's own permissions (defaults + its rows) into geo. */
static void own_fill(const struct snapshot *s, const char *acc,
		     uint8_t *geo, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		geo[i] = (uint8_t)snapshot_dialperm_default(
			numbering_country_at(i)->iso);
	for (i = 0; i < s->ndialperms; i++) {
		const struct snap_dialperm *d = &s->dialperms[i];
		const struct numbering_country *c;

		if (strcmp(d->account_sid, acc))
			continue;
		c = numbering_country_find(d->iso_code);
		if (c)
			geo[numbering_country_index(c)] = (uint8_t)row_bits(d);
	}
}

int snapshot_geo_build(struct snapshot *s)
{
	size_t n = numbering_country_count(), i;

	for (i = 0; i < s->naccounts; i++) {
		struct snap_account *a = &s->accounts[i];

		a->geo = mem_zalloc(n ? n : 1, NULL);
		if (!a->geo)
			return ENOMEM;
		own_fill(s, (a->owner_sid && a->dialing_inherit) ? a->owner_sid
								 : a->sid,
			 a->geo, n);
	}
	return 0;
}

unsigned snapshot_dialperm_bits(const struct snapshot *s,
				const char *account_sid,
				const char *iso_code)
{
	const struct numbering_country *c = numbering_country_find(iso_code);
	const struct snap_account *a;

	if (!c)
		return 0;
	a = snapshot_account(s, account_sid);
	if (!a || !a->geo)
		return snapshot_dialperm_default(c->iso);
	return a->geo[numbering_country_index(c)];
}
