/* Store (SQLite) and config snapshot unit tests. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "api/api.h"
#include "base/clock.h"
#include "base/mem.h"
#include "leakcheck.h"
#include "store/snapshot.h"
#include "store/store.h"

#define TXT(x)                               \
	{                                    \
		.type = STORE_TEXT, .s = (x) \
	}
#define INTV(x)                             \
	{                                   \
		.type = STORE_INT, .i = (x) \
	}

static const char *ACC = "AC00000000000000000000000000000001";

static struct store *open_db(void)
{
	struct store *st = NULL;
	struct api_config cfg = {.account_sid = ACC,
				 .auth_token = "0123456789abcdefXYZ"};
	char sid[35];

	assert_int_equal(store_open_sqlite(&st, ":memory:"), 0);
	assert_int_equal(api_bootstrap(st, &cfg, sid, NULL), 0);
	assert_string_equal(sid, ACC);
	return st;
}

static void add_trunk(struct store *st, const char *sid, const char *dom)
{
	const struct store_col c[] = {
		{"sid", TXT(sid)},	   {"account_sid", TXT(ACC)},
		{"domain_name", TXT(dom)}, {"date_created", INTV(1)},
		{"date_updated", INTV(1)},
	};

	assert_int_equal(store_insert(st, "trunks", c, 5), 0);
}

static void test_migrations(void **state)
{
	struct store *st = open_db();
	int v = 0;

	(void)state;
	assert_int_equal(store_schema_version(st, &v), 0);
	assert_true(v >= 1);
	mem_deref(st);
}

static void test_crud_and_constraints(void **state)
{
	struct store *st = open_db();
	const struct store_cond c = {
		.col = "sid", .v = TXT("TK00000000000000000000000000000001")};
	const struct store_query q = {
		.table = "trunks", .conds = &c, .nconds = 1};
	struct store_row *row = NULL;
	const struct store_col bad[] = {
		{"sid", TXT("OU00000000000000000000000000000001")},
		{"account_sid", TXT(ACC)},
		{"trunk_sid", TXT("TK0000000000000000000000000000dead")},
		{"sip_url", TXT("sip:x")},
		{"priority", INTV(1)},
		{"weight", INTV(1)},
		{"enabled", INTV(1)},
		{"date_created", INTV(1)},
		{"date_updated", INTV(1)},
	};
	const struct store_col upd = {"cps_limit", INTV(5)};
	const struct store_col evil = {"x; DROP TABLE trunks", INTV(1)};
	size_t n = 0;

	(void)state;
	add_trunk(st, "TK00000000000000000000000000000001", "a.example");
	/* duplicate domain: EEXIST; unknown trunk: ENOENT (foreign key) */
	{
		const struct store_col d[] = {
			{"sid", TXT("TK00000000000000000000000000000002")},
			{"account_sid", TXT(ACC)},
			{"domain_name", TXT("a.example")},
			{"date_created", INTV(1)},
			{"date_updated", INTV(1)},
		};

		assert_int_equal(store_insert(st, "trunks", d, 5), EEXIST);
	}
	assert_int_equal(store_insert(st, "origination_urls", bad, 9), ENOENT);
	assert_int_equal(store_insert(st, "trunks", &evil, 1), EINVAL);
	assert_int_equal(store_update(st, "trunks", &c, 1, &upd, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_select_one(st, &q, &row), 0);
	assert_int_equal(store_row_int(row, "cps_limit", 0), 5);
	assert_string_equal(store_row_str(row, "codecs"), "PCMU");
	row = mem_deref(row);
	assert_int_equal(store_delete(st, "trunks", &c, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_select_one(st, &q, &row), ENOENT);
	mem_deref(st);
}

static void test_tx_rollback(void **state)
{
	struct store *st = open_db();
	const struct store_query q = {.table = "trunks"};
	size_t n = 99;

	(void)state;
	assert_int_equal(store_tx_begin(st), 0);
	assert_int_equal(store_tx_begin(st), EALREADY);
	add_trunk(st, "TK00000000000000000000000000000003", "b.example");
	store_tx_rollback(st);
	assert_int_equal(store_count(st, &q, &n), 0);
	assert_int_equal(n, 0);
	mem_deref(st);
}

static void count_change(void *arg)
{
	(*(int *)arg)++;
}

/* The change handler runs once per committed configuration write: once
 * for a transaction, never for a rollback or the alerts table, and not
 * after it was removed. */
static void test_on_change(void **state)
{
	struct store *st = open_db();
	struct store_alert a;
	int n = 0;

	(void)state;
	store_on_change(st, count_change, &n);
	add_trunk(st, "TK00000000000000000000000000000005", "e.example");
	assert_int_equal(n, 1);
	assert_int_equal(store_tx_begin(st), 0);
	add_trunk(st, "TK00000000000000000000000000000006", "f.example");
	add_trunk(st, "TK00000000000000000000000000000007", "g.example");
	assert_int_equal(n, 1);
	assert_int_equal(store_tx_commit(st), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_tx_begin(st), 0);
	add_trunk(st, "TK00000000000000000000000000000008", "h.example");
	store_tx_rollback(st);
	assert_int_equal(n, 2);
	memset(&a, 0, sizeof(a));
	a.account_sid = ACC;
	a.error_code = "32201";
	a.log_level = "error";
	a.date_created = 1000;
	assert_int_equal(store_alerts_insert(st, &a, 1), 0);
	assert_int_equal(n, 2);
	store_on_change(st, NULL, NULL);
	add_trunk(st, "TK00000000000000000000000000000009", "i.example");
	assert_int_equal(n, 2);
	mem_deref(st);
}

static void test_alerts(void **state)
{
	struct store *st = open_db();
	struct store_alert a[3];
	const struct store_query q = {.table = "alerts"};
	size_t n = 0;

	(void)state;
	memset(a, 0, sizeof(a));
	a[0].account_sid = ACC;
	a[0].error_code = "32201";
	a[0].log_level = "error";
	a[0].sip_trace = "INVITE ...";
	a[0].date_created = 1000;
	a[1] = a[0];
	a[1].date_created = 3000;
	a[2] = a[0];
	a[2].error_code = NULL; /* invalid: whole batch rejected */
	assert_int_equal(store_alerts_insert(st, a, 3), EINVAL);
	assert_int_equal(store_count(st, &q, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_alerts_insert(st, a, 2), 0);
	assert_int_equal(store_count(st, &q, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_alerts_purge_before(st, 2000, &n), 0);
	assert_int_equal(n, 1);
	mem_deref(st);
}

static void test_snapshot_publish(void **state)
{
	struct store *st = open_db();
	struct snapshot_pub *pub = NULL;
	struct snapshot *old, *cur = NULL;
	const struct snap_trunk *t;
	uint8_t ip[4];
	int i;

	(void)state;
	assert_int_equal(snapshot_pub_start(&pub, st), 0);
	old = snapshot_get(pub);
	assert_non_null(old);
	assert_null(snapshot_trunk_by_domain(old, "c.example"));
	add_trunk(st, "TK00000000000000000000000000000004", "c.example");
	{
		const struct store_col acl[] = {
			{"sid", TXT("AL00000000000000000000000000000001")},
			{"account_sid", TXT(ACC)},
			{"date_created", INTV(1)},
			{"date_updated", INTV(1)},
		};
		const struct store_col ipa[] = {
			{"sid", TXT("IP00000000000000000000000000000001")},
			{"account_sid", TXT(ACC)},
			{"ip_access_control_list_sid",
			 TXT("AL00000000000000000000000000000001")},
			{"ip_address", TXT("192.0.2.0")},
			{"cidr_prefix_length", INTV(24)},
			{"date_created", INTV(1)},
			{"date_updated", INTV(1)},
		};
		const struct store_col tip[] = {
			{"sid", TXT("AL00000000000000000000000000000001")},
			{"trunk_sid",
			 TXT("TK00000000000000000000000000000004")},
			{"account_sid", TXT(ACC)},
			{"date_created", INTV(1)},
			{"date_updated", INTV(1)},
		};

		assert_int_equal(
			store_insert(st, "ip_access_control_lists", acl, 4),
			0);
		assert_int_equal(store_insert(st, "ip_addresses", ipa, 7), 0);
		assert_int_equal(store_insert(st,
					      "trunk_ip_access_control_lists",
					      tip, 5),
				 0);
	}
	/* visible in a new snapshot within one second */
	for (i = 0; i < 100; i++) {
		cur = snapshot_get(pub);
		if (snapshot_trunk_by_domain(cur, "C.Example") &&
		    cur->generation == store_generation(st))
			break;
		cur = mem_deref(cur);
		usleep(10000);
	}
	assert_non_null(cur);
	t = snapshot_trunk_by_domain(cur, "c.example");
	assert_non_null(t);
	assert_int_equal(t->cps_limit, 1);
	assert_non_null(t->policy); /* the account's default policy */
	assert_int_equal(t->policy->ntargets, 1);
	assert_string_equal(t->policy->targets[0].target,
			    SNAPSHOT_SANDBOX_TARGET);
	inet_pton(AF_INET, "192.0.2.77", ip);
	assert_true(snapshot_trunk_ip_allowed(t, AF_INET, ip));
	inet_pton(AF_INET, "192.0.3.1", ip);
	assert_false(snapshot_trunk_ip_allowed(t, AF_INET, ip));
	/* the old reference is unchanged */
	assert_null(snapshot_trunk_by_domain(old, "c.example"));
	mem_deref(cur);
	mem_deref(old);
	mem_deref(pub);
	mem_deref(st);
}

static void test_validators(void **state)
{
	char h1[72], h2[72];

	(void)state;
	assert_int_equal(api_check_password("Passw0rdIsLong"), 0);
	assert_int_not_equal(api_check_password("Sh0rt"), 0);
	assert_int_not_equal(api_check_password("alllowercase123"), 0);
	assert_int_not_equal(api_check_password("ALLUPPERCASE123"), 0);
	assert_int_not_equal(api_check_password("NoDigitsAtAllHere"), 0);
	assert_int_equal(api_check_username("alice.b-1_x"), 0);
	assert_int_not_equal(api_check_username(""), 0);
	assert_int_not_equal(api_check_username("has space"), 0);
	assert_int_equal(api_check_e164("+15005550006"), 0);
	assert_int_not_equal(api_check_e164("15005550006"), 0);
	assert_int_not_equal(api_check_e164("+1234"), 0);
	assert_int_equal(api_check_hostname("pbx.example.com"), 0);
	assert_int_not_equal(api_check_hostname("-bad.example"), 0);
	assert_int_not_equal(api_check_hostname("a..b"), 0);
	assert_int_equal(api_check_sip_url("sip:pbx.example.com:5060"), 0);
	assert_int_not_equal(api_check_sip_url("http://x"), 0);
	assert_int_equal(api_token_hash(h1, ACC, "tok"), 0);
	assert_int_equal(api_token_hash(h2, ACC, "tok2"), 0);
	assert_string_not_equal(h1, h2);
	assert_true(store_sid_valid(ACC, "AC"));
	assert_false(store_sid_valid("AC123", "AC"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_migrations),
		LEAKCHECK_TEST(test_crud_and_constraints),
		LEAKCHECK_TEST(test_tx_rollback),
		LEAKCHECK_TEST(test_on_change),
		LEAKCHECK_TEST(test_alerts),
		LEAKCHECK_TEST(test_snapshot_publish),
		LEAKCHECK_TEST(test_validators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
