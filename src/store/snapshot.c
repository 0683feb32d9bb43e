/* Config snapshot: build from the store, lookups, publisher thread. */
#include "store/snapshot.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "store/store.h"
#include "store/store_int.h"

enum {
	R_ACC = 0,
	R_POL,
	R_TGT,
	R_TRK,
	R_IPA,
	R_TIP,
	R_CRED,
	R_TCL,
	R_OU,
	R_NUM,
	R_CID,
	R_DENY,
	R_DP,
	R_DS,
	R_N
};

static const struct {
	const char *table;
	const char *order;
} tables[R_N] = {
	[R_ACC] = {"accounts", "sid"},
	[R_POL] = {"connection_policies", "sid"},
	[R_TGT] = {"connection_policy_targets", "priority"},
	[R_TRK] = {"trunks", NULL},
	[R_IPA] = {"ip_addresses", NULL},
	[R_TIP] = {"trunk_ip_access_control_lists", NULL},
	[R_CRED] = {"credentials", NULL},
	[R_TCL] = {"trunk_credential_lists", NULL},
	[R_OU] = {"origination_urls", "priority"},
	[R_NUM] = {"incoming_phone_numbers", "phone_number"},
	[R_CID] = {"outgoing_caller_ids", NULL},
	[R_DENY] = {"deny_list", NULL},
	[R_DP] = {"dialing_permissions", NULL},
	[R_DS] = {"dialing_settings", NULL},
};

struct rowset {
	struct store_rows *r[R_N]; /* owned */
};

static void rowset_destroy(void *arg)
{
	struct rowset *rs = arg;
	size_t i;

	for (i = 0; i < R_N; i++)
		mem_deref(rs->r[i]);
}

static void snapshot_destroy(void *arg)
{
	struct snapshot *s = arg;
	size_t i;

	for (i = 0; i < s->ntrunks; i++) {
		mem_deref(s->trunks[i].cidrs);
		mem_deref(s->trunks[i].creds);
		mem_deref(s->trunks[i].ourls);
	}
	for (i = 0; i < s->npolicies; i++)
		mem_deref(s->policies[i].targets);
	for (i = 0; i < s->naccounts; i++)
		mem_deref(s->accounts[i].geo);
	mem_deref(s->accounts);
	mem_deref(s->policies);
	mem_deref(s->trunks);
	mem_deref(s->by_domain);
	mem_deref(s->numbers);
	mem_deref(s->caller_ids);
	mem_deref(s->deny);
	mem_deref(s->dialperms);
	mem_deref(s->rows);
}

static const char *S(const struct store_row *r, const char *c)
{
	return store_row_str(r, c);
}

static int64_t I(const struct store_row *r, const char *c)
{
	return store_row_int(r, c, 0);
}

static void *arr(size_t n, size_t sz)
{
	return mem_zalloc(n ? n * sz : 1, NULL);
}

static int cmp_acc(const void *a, const void *b)
{
	return strcmp(((const struct snap_account *)a)->sid,
		      ((const struct snap_account *)b)->sid);
}

static int cmp_pol(const void *a, const void *b)
{
	return strcmp(((const struct snap_policy *)a)->sid,
		      ((const struct snap_policy *)b)->sid);
}

static int cmp_dom(const void *a, const void *b)
{
	const struct snap_trunk *x = *(const struct snap_trunk *const *)a;
	const struct snap_trunk *y = *(const struct snap_trunk *const *)b;

	return strcmp(x->domain_name, y->domain_name);
}

static int cmp_pair(const void *a, const void *b)
{
	const struct snap_pair *x = a, *y = b;
	int c = strcmp(x->account_sid, y->account_sid);

	return c ? c : strcmp(x->value, y->value);
}

static int cmp_dp(const void *a, const void *b)
{
	const struct snap_dialperm *x = a, *y = b;
	int c = strcmp(x->account_sid, y->account_sid);

	return c ? c : strcmp(x->iso_code, y->iso_code);
}

static const struct snap_policy *policy_find(const struct snapshot *s,
					     const char *sid)
{
	struct snap_policy key = {.sid = sid};

	if (!sid)
		return NULL;
	return bsearch(&key, s->policies, s->npolicies, sizeof(key), cmp_pol);
}

const struct snap_account *snapshot_account(const struct snapshot *s,
					    const char *sid)
{
	struct snap_account key = {.sid = sid};

	if (!s || !sid)
		return NULL;
	return bsearch(&key, s->accounts, s->naccounts, sizeof(key), cmp_acc);
}

static int parse_cidr(struct snap_cidr *c, const char *ip, int64_t prefix)
{
	size_t i, bits;

	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, ip, c->addr) == 1) {
		c->family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, ip, c->addr) == 1) {
		c->family = AF_INET6;
		bits = 128;
	} else {
		return EINVAL;
	}
	if (prefix < 0 || (size_t)prefix > bits)
		prefix = (int64_t)bits;
	c->prefix = (unsigned)prefix;
	for (i = 0; i < bits / 8; i++) {
		size_t lo = i * 8;

		if (lo >= c->prefix)
			c->addr[i] = 0;
		else if (lo + 8 > c->prefix)
			c->addr[i] &=
				(uint8_t)(0xff << (8 - (c->prefix - lo)));
	}
	return 0;
}

static int build_trunk(struct snapshot *s, struct snap_trunk *t,
		       const struct store_row *r, struct rowset *rs)
{
	const struct snap_account *acc;
	size_t i, j, n;
	int64_t lim;

	t->sid = S(r, "sid");
	t->account_sid = S(r, "account_sid");
	t->domain_name = S(r, "domain_name");
	t->friendly_name = S(r, "friendly_name");
	t->account = acc = snapshot_account(s, t->account_sid);
	t->cps_limit =
		(uint32_t)(I(r, "cps_limit") > 0 ? I(r, "cps_limit") : 1);
	lim = I(r, "concurrent_calls_limit");
	t->max_calls = lim > 0 ? (uint32_t)lim : 0;
	if (acc && acc->trial &&
	    (t->max_calls == 0 || t->max_calls > SNAPSHOT_TRIAL_MAX_CALLS))
		t->max_calls = SNAPSHOT_TRIAL_MAX_CALLS;
	t->codecs = S(r, "codecs");
	t->symmetric_rtp = I(r, "symmetric_rtp_enabled") != 0;
	t->secure = I(r, "secure") != 0;
	t->cnam_lookup = I(r, "cnam_lookup_enabled") != 0;
	t->recording_mode = S(r, "recording_mode");
	t->recording_trim = S(r, "recording_trim");
	t->disaster_recovery_url = S(r, "disaster_recovery_url");
	t->disaster_recovery_method = S(r, "disaster_recovery_method");
	t->policy = policy_find(s, S(r, "connection_policy_sid"));
	if (!t->policy && acc)
		t->policy = acc->default_policy;

	/* IP ACL CIDRs of the lists associated with this trunk */
	n = 0;
	for (i = 0; i < rs->r[R_TIP]->n; i++) {
		const struct store_row *a = rs->r[R_TIP]->rows[i];

		if (strcmp(S(a, "trunk_sid"), t->sid))
			continue;
		for (j = 0; j < rs->r[R_IPA]->n; j++) {
			if (!strcmp(S(rs->r[R_IPA]->rows[j],
				      "ip_access_control_list_sid"),
				    S(a, "sid")))
				n++;
		}
	}
	t->cidrs = arr(n, sizeof(*t->cidrs));
	if (!t->cidrs)
		return ENOMEM;
	for (i = 0; i < rs->r[R_TIP]->n; i++) {
		const struct store_row *a = rs->r[R_TIP]->rows[i];

		if (strcmp(S(a, "trunk_sid"), t->sid))
			continue;
		for (j = 0; j < rs->r[R_IPA]->n; j++) {
			const struct store_row *ip = rs->r[R_IPA]->rows[j];

			if (strcmp(S(ip, "ip_access_control_list_sid"),
				   S(a, "sid")))
				continue;
			if (parse_cidr(&t->cidrs[t->ncidrs],
				       S(ip, "ip_address"),
				       I(ip, "cidr_prefix_length")))
				continue;
			t->cidrs[t->ncidrs++].acl_sid = S(a, "sid");
		}
	}

	/* credentials of the associated credential lists */
	n = 0;
	for (i = 0; i < rs->r[R_TCL]->n; i++) {
		const struct store_row *a = rs->r[R_TCL]->rows[i];

		if (strcmp(S(a, "trunk_sid"), t->sid))
			continue;
		for (j = 0; j < rs->r[R_CRED]->n; j++) {
			if (!strcmp(S(rs->r[R_CRED]->rows[j],
				      "credential_list_sid"),
				    S(a, "sid")))
				n++;
		}
	}
	t->creds = arr(n, sizeof(*t->creds));
	if (!t->creds)
		return ENOMEM;
	for (i = 0; i < rs->r[R_TCL]->n; i++) {
		const struct store_row *a = rs->r[R_TCL]->rows[i];

		if (strcmp(S(a, "trunk_sid"), t->sid))
			continue;
		for (j = 0; j < rs->r[R_CRED]->n; j++) {
			const struct store_row *c = rs->r[R_CRED]->rows[j];

			if (strcmp(S(c, "credential_list_sid"), S(a, "sid")))
				continue;
			t->creds[t->ncreds].username = S(c, "username");
			t->creds[t->ncreds].ha1_md5 = S(c, "ha1_md5");
			t->creds[t->ncreds].ha1_sha256 = S(c, "ha1_sha256");
			t->creds[t->ncreds++].list_sid = S(a, "sid");
		}
	}

	/* origination URLs (rows are in priority order) */
	n = 0;
	for (i = 0; i < rs->r[R_OU]->n; i++)
		n += !strcmp(S(rs->r[R_OU]->rows[i], "trunk_sid"), t->sid);
	t->ourls = arr(n, sizeof(*t->ourls));
	if (!t->ourls)
		return ENOMEM;
	for (i = 0; i < rs->r[R_OU]->n; i++) {
		const struct store_row *o = rs->r[R_OU]->rows[i];
		struct snap_ourl *u;

		if (strcmp(S(o, "trunk_sid"), t->sid))
			continue;
		u = &t->ourls[t->nourls++];
		u->sid = S(o, "sid");
		u->sip_url = S(o, "sip_url");
		u->priority = (int)I(o, "priority");
		u->weight = (int)I(o, "weight");
		u->enabled = I(o, "enabled") != 0;
	}
	return 0;
}

static int build(struct snapshot *s, struct rowset *rs)
{
	size_t i, j, n;
	int err;

	/* accounts */
	n = rs->r[R_ACC]->n;
	s->accounts = arr(n, sizeof(*s->accounts));
	if (!s->accounts)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		const struct store_row *r = rs->r[R_ACC]->rows[i];
		struct snap_account *a = &s->accounts[i];
		const char *st = S(r, "status");

		a->sid = S(r, "sid");
		a->owner_sid = S(r, "owner_account_sid");
		a->trial = !strcmp(S(r, "type"), "Trial");
		a->status = !strcmp(st, "active")      ? SNAP_ACCOUNT_ACTIVE
			    : !strcmp(st, "suspended") ? SNAP_ACCOUNT_SUSPENDED
						       : SNAP_ACCOUNT_CLOSED;
		a->dialing_inherit = true;
	}
	s->naccounts = n; /* sorted by sid (query order) */
	for (i = 0; i < rs->r[R_DS]->n; i++) {
		const struct store_row *r = rs->r[R_DS]->rows[i];
		struct snap_account *a =
			(struct snap_account *)snapshot_account(
				s, S(r, "account_sid"));

		if (a)
			a->dialing_inherit =
				I(r, "dialing_permissions_inheritance") != 0;
	}

	/* policies and targets */
	n = rs->r[R_POL]->n;
	s->policies = arr(n, sizeof(*s->policies));
	if (!s->policies)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		const struct store_row *r = rs->r[R_POL]->rows[i];
		struct snap_policy *p = &s->policies[i];
		size_t k = 0;

		p->sid = S(r, "sid");
		p->account_sid = S(r, "account_sid");
		p->is_default = I(r, "is_default") != 0;
		for (j = 0; j < rs->r[R_TGT]->n; j++)
			k += !strcmp(S(rs->r[R_TGT]->rows[j],
				       "connection_policy_sid"),
				     p->sid);
		p->targets = arr(k, sizeof(*p->targets));
		s->npolicies = i + 1;
		if (!p->targets)
			return ENOMEM;
		for (j = 0; j < rs->r[R_TGT]->n; j++) {
			const struct store_row *t = rs->r[R_TGT]->rows[j];
			struct snap_target *x;

			if (strcmp(S(t, "connection_policy_sid"), p->sid))
				continue;
			x = &p->targets[p->ntargets++];
			x->sid = S(t, "sid");
			x->target = S(t, "target");
			x->priority = (int)I(t, "priority");
			x->weight = (int)I(t, "weight");
			x->enabled = I(t, "enabled") != 0;
		}
		if (p->is_default) {
			struct snap_account *a =
				(struct snap_account *)snapshot_account(
					s, p->account_sid);

			if (a && !a->default_policy)
				a->default_policy = p;
		}
	}

	/* trunks */
	n = rs->r[R_TRK]->n;
	s->trunks = arr(n, sizeof(*s->trunks));
	s->by_domain = arr(n, sizeof(*s->by_domain));
	if (!s->trunks || !s->by_domain)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		struct snap_trunk *t = &s->trunks[i];

		s->ntrunks = i + 1;
		err = build_trunk(s, t, rs->r[R_TRK]->rows[i], rs);
		if (err)
			return err;
		if (t->domain_name && *t->domain_name)
			s->by_domain[s->ndomains++] = t;
	}
	qsort(s->by_domain, s->ndomains, sizeof(*s->by_domain), cmp_dom);

	/* numbers */
	n = rs->r[R_NUM]->n;
	s->numbers = arr(n, sizeof(*s->numbers));
	if (!s->numbers)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		const struct store_row *r = rs->r[R_NUM]->rows[i];
		struct snap_number *x = &s->numbers[i];
		const char *tsid = S(r, "trunk_sid");

		x->phone_number = S(r, "phone_number");
		x->sid = S(r, "sid");
		x->account_sid = S(r, "account_sid");
		for (j = 0; tsid && j < s->ntrunks; j++) {
			if (!strcmp(s->trunks[j].sid, tsid))
				x->trunk = &s->trunks[j];
		}
	}
	s->nnumbers = n;

	/* caller IDs and deny list */
	n = rs->r[R_CID]->n;
	s->caller_ids = arr(n, sizeof(*s->caller_ids));
	if (!s->caller_ids)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		s->caller_ids[i].account_sid =
			S(rs->r[R_CID]->rows[i], "account_sid");
		s->caller_ids[i].value =
			S(rs->r[R_CID]->rows[i], "phone_number");
	}
	s->ncaller_ids = n;
	qsort(s->caller_ids, n, sizeof(*s->caller_ids), cmp_pair);
	n = rs->r[R_DENY]->n;
	s->deny = arr(n, sizeof(*s->deny));
	if (!s->deny)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		s->deny[i].account_sid =
			S(rs->r[R_DENY]->rows[i], "account_sid");
		s->deny[i].value = S(rs->r[R_DENY]->rows[i], "prefix");
	}
	s->ndeny = n;
	qsort(s->deny, n, sizeof(*s->deny), cmp_pair);

	/* dialing permissions */
	n = rs->r[R_DP]->n;
	s->dialperms = arr(n, sizeof(*s->dialperms));
	if (!s->dialperms)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		const struct store_row *r = rs->r[R_DP]->rows[i];
		struct snap_dialperm *d = &s->dialperms[i];

		d->account_sid = S(r, "account_sid");
		d->iso_code = S(r, "iso_code");
		d->low_risk = I(r, "low_risk_numbers_enabled") != 0;
		d->high_risk_special =
			I(r, "high_risk_special_numbers_enabled") != 0;
		d->high_risk_tollfraud =
			I(r, "high_risk_tollfraud_numbers_enabled") != 0;
	}
	s->ndialperms = n;
	qsort(s->dialperms, n, sizeof(*s->dialperms), cmp_dp);
	return snapshot_geo_build(s);
}

int snapshot_build(struct snapshot **snapp, struct store *st)
{
	struct snapshot *s;
	struct rowset *rs;
	size_t i;
	int err = 0;

	if (!snapp || !st)
		return EINVAL;
	s = mem_zalloc(sizeof(*s), snapshot_destroy);
	if (!s)
		return ENOMEM;
	rs = mem_zalloc(sizeof(*rs), rowset_destroy);
	if (!rs) {
		mem_deref(s);
		return ENOMEM;
	}
	s->rows = rs;
	/* read everything in one transaction for a consistent view */
	err = store_tx_begin(st);
	if (err)
		goto out;
	s->generation = store_generation(st);
	for (i = 0; i < R_N && !err; i++) {
		const struct store_query q = {
			.table = tables[i].table,
			.order_col = tables[i].order,
		};

		err = store_select(st, &q, &rs->r[i]);
	}
	store_tx_rollback(st);
	if (err)
		goto out;
	s->built_at = clock_wall_s();
	err = build(s, rs);
out:
	if (err)
		mem_deref(s);
	else
		*snapp = s;
	return err;
}

const struct snap_trunk *snapshot_trunk_by_domain(const struct snapshot *s,
						  const char *domain)
{
	struct snap_trunk key = {.domain_name = domain};
	const struct snap_trunk *kp = &key;
	const struct snap_trunk **hit;
	char low[256];
	size_t i;

	if (!s || !domain || strlen(domain) >= sizeof(low))
		return NULL;
	for (i = 0; domain[i]; i++)
		low[i] = (char)((domain[i] >= 'A' && domain[i] <= 'Z')
					? domain[i] + 32
					: domain[i]);
	low[i] = '\0';
	key.domain_name = low;
	hit = bsearch(&kp, s->by_domain, s->ndomains, sizeof(kp), cmp_dom);
	return hit ? *hit : NULL;
}

static int cmp_num(const void *a, const void *b)
{
	return strcmp(((const struct snap_number *)a)->phone_number,
		      ((const struct snap_number *)b)->phone_number);
}

const struct snap_number *snapshot_number(const struct snapshot *s,
					  const char *e164)
{
	struct snap_number key = {.phone_number = e164};

	if (!s || !e164)
		return NULL;
	return bsearch(&key, s->numbers, s->nnumbers, sizeof(key), cmp_num);
}

bool snapshot_number_owned(const struct snapshot *s, const char *account_sid,
			   const char *e164)
{
	const struct snap_number *n = snapshot_number(s, e164);

	return n && account_sid && !strcmp(n->account_sid, account_sid);
}

static bool pair_has(const struct snap_pair *v, size_t n, const char *acc,
		     const char *value)
{
	struct snap_pair key = {.account_sid = acc, .value = value};

	return bsearch(&key, v, n, sizeof(key), cmp_pair) != NULL;
}

bool snapshot_caller_id_verified(const struct snapshot *s,
				 const char *account_sid, const char *e164)
{
	const struct snap_account *a;

	if (!s || !account_sid || !e164)
		return false;
	if (pair_has(s->caller_ids, s->ncaller_ids, account_sid, e164))
		return true;
	a = snapshot_account(s, account_sid);
	return a && a->owner_sid &&
	       pair_has(s->caller_ids, s->ncaller_ids, a->owner_sid, e164);
}

static bool denied_for(const struct snapshot *s, const char *acc,
		       const char *e164)
{
	size_t i;

	/* entries of one account are contiguous; a linear scan of them is
	 * fine for deny lists of a few hundred prefixes */
	for (i = 0; i < s->ndeny; i++) {
		const struct snap_pair *p = &s->deny[i];

		if (strcmp(p->account_sid, acc))
			continue;
		if (!strncmp(e164, p->value, strlen(p->value)))
			return true;
	}
	return false;
}

bool snapshot_denied(const struct snapshot *s, const char *account_sid,
		     const char *e164)
{
	const struct snap_account *a;

	if (!s || !account_sid || !e164)
		return false;
	if (denied_for(s, account_sid, e164))
		return true;
	a = snapshot_account(s, account_sid);
	return a && a->owner_sid && denied_for(s, a->owner_sid, e164);
}

const struct snap_dialperm *snapshot_dialperm(const struct snapshot *s,
					      const char *account_sid,
					      const char *iso_code)
{
	struct snap_dialperm key = {.account_sid = account_sid,
				    .iso_code = iso_code};
	const struct snap_account *a;

	if (!s || !account_sid || !iso_code)
		return NULL;
	a = snapshot_account(s, account_sid);
	if (a && a->owner_sid && a->dialing_inherit)
		key.account_sid = a->owner_sid;
	return bsearch(&key, s->dialperms, s->ndialperms, sizeof(key), cmp_dp);
}

bool snapshot_trunk_ip_allowed(const struct snap_trunk *t, int family,
			       const void *addr)
{
	struct snap_cidr probe;
	size_t i, bits = family == AF_INET ? 32 : 128;

	if (!t || !addr || (family != AF_INET && family != AF_INET6))
		return false;
	for (i = 0; i < t->ncidrs; i++) {
		const struct snap_cidr *c = &t->cidrs[i];
		size_t k;

		if (c->family != family)
			continue;
		memset(&probe, 0, sizeof(probe));
		memcpy(probe.addr, addr, bits / 8);
		for (k = 0; k < bits / 8; k++) {
			size_t lo = k * 8;

			if (lo >= c->prefix)
				probe.addr[k] = 0;
			else if (lo + 8 > c->prefix)
				probe.addr[k] &=
					(uint8_t)(0xff
						  << (8 - (c->prefix - lo)));
		}
		if (!memcmp(probe.addr, c->addr, bits / 8))
			return true;
	}
	return false;
}

/* ---- publisher ---- */

struct snapshot_pub {
	struct store *st; /* ref */
	pthread_t thread;
	bool running;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	bool stop;
	struct snapshot *cur; /* owned ref */
};

/* Rebuilds when the store's generation moved past the current snapshot's.
 * It sleeps until the store's change handler (pub_changed) or a kick
 * signals: an idle trunkd does not wake for it. The generation is compared
 * under mtx, and the handler signals under mtx, so no change is missed
 * between the comparison and the wait. */
static void *pub_thread(void *arg)
{
	struct snapshot_pub *pub = arg;

	pthread_mutex_lock(&pub->mtx);
	while (!pub->stop) {
		struct snapshot *ns = NULL, *old;

		if (store_generation(pub->st) == pub->cur->generation) {
			pthread_cond_wait(&pub->cond, &pub->mtx);
			continue;
		}
		pthread_mutex_unlock(&pub->mtx);
		if (snapshot_build(&ns, pub->st))
			log_warn("snapshot: rebuild failed; keeping the old");
		pthread_mutex_lock(&pub->mtx);
		if (ns) {
			old = pub->cur;
			pub->cur = ns;
			mem_deref(old);
		} else if (!pub->stop) {
			/* retry later rather than spin on a failing build */
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&pub->cond, &pub->mtx, &ts);
		}
	}
	pthread_mutex_unlock(&pub->mtx);
	return NULL;
}

static void pub_changed(void *arg)
{
	snapshot_pub_kick(arg);
}

static void pub_destroy(void *arg)
{
	struct snapshot_pub *pub = arg;

	store_on_change(pub->st, NULL, NULL);
	if (pub->running) {
		pthread_mutex_lock(&pub->mtx);
		pub->stop = true;
		pthread_cond_signal(&pub->cond);
		pthread_mutex_unlock(&pub->mtx);
		pthread_join(pub->thread, NULL);
	}
	mem_deref(pub->cur);
	mem_deref(pub->st);
	pthread_cond_destroy(&pub->cond);
	pthread_mutex_destroy(&pub->mtx);
}

int snapshot_pub_start(struct snapshot_pub **pubp, struct store *st)
{
	struct snapshot_pub *pub;
	int err;

	if (!pubp || !st)
		return EINVAL;
	pub = mem_zalloc(sizeof(*pub), pub_destroy);
	if (!pub)
		return ENOMEM;
	pthread_mutex_init(&pub->mtx, NULL);
	pthread_cond_init(&pub->cond, NULL);
	pub->st = mem_ref(st);
	err = snapshot_build(&pub->cur, st);
	if (err)
		goto out;
	err = pthread_create(&pub->thread, NULL, pub_thread, pub);
	if (err)
		goto out;
	pub->running = true;
	store_on_change(st, pub_changed, pub);
out:
	if (err)
		mem_deref(pub);
	else
		*pubp = pub;
	return err;
}

struct snapshot *snapshot_get(struct snapshot_pub *pub)
{
	struct snapshot *s;

	if (!pub)
		return NULL;
	pthread_mutex_lock(&pub->mtx);
	s = mem_ref(pub->cur);
	pthread_mutex_unlock(&pub->mtx);
	return s;
}

void snapshot_pub_kick(struct snapshot_pub *pub)
{
	if (!pub)
		return;
	pthread_mutex_lock(&pub->mtx);
	pthread_cond_signal(&pub->cond);
	pthread_mutex_unlock(&pub->mtx);
}
