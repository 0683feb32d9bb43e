/* Immutable configuration snapshot for the SIP side.
 *
 * A snapshot is one refcounted (mem) object built from the store; nothing
 * in it changes after it is published. The SIP loop takes a reference with
 * snapshot_get() when a call starts and keeps it for the call's lifetime
 * (mem_deref() when done), so calls in progress keep the configuration they
 * started with. A publisher thread rebuilds a new snapshot as soon as a
 * configuration write is committed (the store's change handler wakes it;
 * store_generation() tells it is stale) and swaps the current pointer
 * under a mutex. It sleeps while nothing changes.
 *
 * All strings point into rows the snapshot holds; all arrays are owned.
 * Domain names and phone numbers are stored as the API validated them
 * (domain names lowercase, numbers E.164 "+digits").
 */
#ifndef TRUNKD_STORE_SNAPSHOT_H
#define TRUNKD_STORE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Connection-policy target naming the built-in sandbox carrier; every
 * account's default policy points at it. The SIP side maps it to the
 * sandbox carrier's actual address. */
#define SNAPSHOT_SANDBOX_TARGET "sip:sandbox.trunkd.invalid"

/* Digest realm of every credential's HA1 (HA1 = H(user:realm:pass)). The
 * SIP side challenges with this realm. */
#define SNAPSHOT_DIGEST_REALM "trunkd"

/* Concurrent-call ceiling of a Trial account, whatever the trunk says. */
#define SNAPSHOT_TRIAL_MAX_CALLS 4

enum snap_account_status {
	SNAP_ACCOUNT_ACTIVE = 0,
	SNAP_ACCOUNT_SUSPENDED,
	SNAP_ACCOUNT_CLOSED,
};

struct snap_account {
	const char *sid;
	const char *owner_sid; /* NULL for a top-level account */
	bool trial;
	enum snap_account_status status;
	const struct snap_policy *default_policy; /* weak; may be NULL */
	bool dialing_inherit; /* subaccount inherits owner's permissions */
	/* Effective dialing permissions, SNAP_DIAL_* bits per country,
	 * numbering_country_count() entries indexed by
	 * numbering_country_index() (src/policy/numbering.h): defaults,
	 * then the stored overrides, with inheritance resolved (an
	 * inheriting subaccount carries its owner's). Owned; never NULL in
	 * a built snapshot. Fits struct policy_trunk.geo as is. */
	uint8_t *geo;
};

/* Dialing permission bits (same values as POLICY_GEO_*). */
enum {
	SNAP_DIAL_LOW_RISK = 1,
	SNAP_DIAL_HIGH_RISK_SPECIAL = 2,
	SNAP_DIAL_HIGH_RISK_TOLLFRAUD = 4,
};

struct snap_cidr {
	int family;	  /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order, masked */
	unsigned prefix;  /* prefix length */
	const char *acl_sid;
};

struct snap_cred {
	const char *username;
	const char *ha1_md5;	/* hex MD5(username:realm:password) */
	const char *ha1_sha256; /* hex SHA-256 of the same */
	const char *list_sid;
};

struct snap_target {
	const char *sid;
	const char *target; /* sip URI */
	int priority;
	int weight;
	bool enabled;
};

struct snap_policy {
	const char *sid;
	const char *account_sid;
	bool is_default;
	struct snap_target *targets; /* owned; priority asc */
	size_t ntargets;
};

struct snap_ourl {
	const char *sid;
	const char *sip_url;
	int priority;
	int weight;
	bool enabled;
};

struct snap_trunk {
	const char *sid;
	const char *account_sid;
	const char *domain_name; /* NULL when unset */
	const char *friendly_name;
	const struct snap_account *account; /* weak */
	struct snap_cidr *cidrs;	    /* owned */
	size_t ncidrs;
	struct snap_cred *creds; /* owned */
	size_t ncreds;
	struct snap_ourl *ourls; /* owned; priority asc */
	size_t nourls;
	const struct snap_policy *policy; /* weak: own or account default */
	uint32_t cps_limit;		  /* >= 1 */
	uint32_t max_calls;		  /* 0 = none; Trial capped */
	const char *codecs;		  /* comma list, e.g. "PCMU" */
	bool symmetric_rtp;
	bool secure;
	bool cnam_lookup;
	const char *recording_mode;
	const char *recording_trim;
	const char *disaster_recovery_url;
	const char *disaster_recovery_method;
};

struct snap_number {
	const char *phone_number;
	const char *sid;
	const char *account_sid;
	const struct snap_trunk *trunk; /* weak; NULL when unassigned */
};

struct snap_pair {
	const char *account_sid;
	const char *value; /* caller ID number, or deny prefix */
};

struct snap_dialperm {
	const char *account_sid;
	const char *iso_code;
	bool low_risk;
	bool high_risk_special;
	bool high_risk_tollfraud;
};

struct snapshot {
	uint64_t generation;	       /* store_generation() it was built at */
	int64_t built_at;	       /* Unix seconds */
	struct snap_account *accounts; /* sorted by sid */
	size_t naccounts;
	struct snap_policy *policies; /* sorted by sid */
	size_t npolicies;
	struct snap_trunk *trunks; /* in creation order */
	size_t ntrunks;
	const struct snap_trunk **by_domain; /* sorted by domain_name */
	size_t ndomains;
	struct snap_number *numbers; /* sorted by phone_number */
	size_t nnumbers;
	struct snap_pair *caller_ids; /* sorted by (account, number) */
	size_t ncaller_ids;
	struct snap_pair *deny; /* sorted by (account, prefix) */
	size_t ndeny;
	struct snap_dialperm *dialperms; /* sorted by (account, iso) */
	size_t ndialperms;
	void *rows; /* owned: the store rows the strings point into */
};

/* Build a snapshot from the store's current contents. */
int snapshot_build(struct snapshot **snapp, struct store *st);

/* Lookups; all return NULL / false when not found. */
const struct snap_trunk *snapshot_trunk_by_domain(const struct snapshot *s,
						  const char *domain);
const struct snap_account *snapshot_account(const struct snapshot *s,
					    const char *sid);
const struct snap_number *snapshot_number(const struct snapshot *s,
					  const char *e164);
/* Verified caller ID of the account (or of its owner). */
bool snapshot_caller_id_verified(const struct snapshot *s,
				 const char *account_sid, const char *e164);
/* Number owned by the account (IncomingPhoneNumbers). */
bool snapshot_number_owned(const struct snapshot *s, const char *account_sid,
			   const char *e164);
/* True if e164 starts with a deny-list prefix of the account or its
 * owner. */
bool snapshot_denied(const struct snapshot *s, const char *account_sid,
		     const char *e164);
/* Explicit dialing permissions of the account for a country (following
 * the inheritance setting to the owner). NULL: none stored, use the
 * defaults (snapshot_dialperm_default()). */
const struct snap_dialperm *snapshot_dialperm(const struct snapshot *s,
					      const char *account_sid,
					      const char *iso_code);
/* Default dialing permission bits of a country (ISO alpha-2,
 * case-insensitive) for an account with no stored override: low-risk
 * enabled for the United States and the countries Twilio's "United
 * States/Canada" entry covers (US, CA, PR, VI, GU, AS, MP); everything
 * else, and every high-risk class, disabled. See docs/api.md. */
unsigned snapshot_dialperm_default(const char *iso_code);

/* Effective SNAP_DIAL_* bits of the account for a country: stored
 * override or default, inheritance resolved. Unknown account: the
 * defaults; unknown country: 0. */
unsigned snapshot_dialperm_bits(const struct snapshot *s,
				const char *account_sid, const char *iso_code);

/* True if addr (family AF_INET/AF_INET6, network order) is inside one of
 * the trunk's IP ACL CIDRs. */
bool snapshot_trunk_ip_allowed(const struct snap_trunk *t, int family,
			       const void *addr);

/* ---- publisher ---- */

struct snapshot_pub;

/* Build the first snapshot (synchronously) and start the thread that
 * rebuilds it after each committed configuration change. The publisher
 * holds a reference on st. mem_deref() stops the thread. */
int snapshot_pub_start(struct snapshot_pub **pubp, struct store *st);

/* A new reference on the current snapshot (never NULL once started). */
struct snapshot *snapshot_get(struct snapshot_pub *pub);

/* Ask for an immediate rebuild check (e.g. right after a write). */
void snapshot_pub_kick(struct snapshot_pub *pub);

#endif
