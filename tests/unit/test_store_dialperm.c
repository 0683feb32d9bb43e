/* Dialing permissions in the config snapshot: defaults, stored
 * overrides, subaccount inheritance, and a BulkCountryUpdates request
 * through the real HTTP API reaching the published snapshot. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "api/api.h"
#include "base/mem.h"
#include "leakcheck.h"
#include "policy/numbering.h"
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
static const char *SUB = "AC00000000000000000000000000000002";
static const char *ACC_UNKNOWN = "AC0000000000000000000000000000ffff";
static const char *TOKEN = "0123456789abcdefXYZ";

static struct store *open_db(void)
{
	struct store *st = NULL;
	struct api_config cfg = {.account_sid = ACC, .auth_token = TOKEN};
	char sid[35];
	const struct store_col sub[] = {
		{"sid", TXT(SUB)},
		{"owner_account_sid", TXT(ACC)},
		{"auth_token_hash", TXT("x")},
		{"date_created", INTV(1)},
		{"date_updated", INTV(1)},
	};

	assert_int_equal(store_open_sqlite(&st, ":memory:"), 0);
	assert_int_equal(api_bootstrap(st, &cfg, sid, NULL), 0);
	assert_int_equal(store_insert(st, "accounts", sub, 5), 0);
	return st;
}

static void set_perm(struct store *st, const char *acc, const char *iso,
		     int low, int hrs, int hrt)
{
	const struct store_col c[] = {
		{"account_sid", TXT(acc)},
		{"iso_code", TXT(iso)},
		{"low_risk_numbers_enabled", INTV(low)},
		{"high_risk_special_numbers_enabled", INTV(hrs)},
		{"high_risk_tollfraud_numbers_enabled", INTV(hrt)},
		{"date_updated", INTV(1)},
	};

	assert_int_equal(store_insert(st, "dialing_permissions", c, 6), 0);
}

static void set_inherit(struct store *st, const char *acc, int v)
{
	const struct store_col c[] = {
		{"account_sid", TXT(acc)},
		{"dialing_permissions_inheritance", INTV(v)},
		{"date_updated", INTV(1)},
	};

	assert_int_equal(store_insert(st, "dialing_settings", c, 3), 0);
}

static unsigned geo_of(const struct snapshot *s, const char *acc,
		       const char *iso)
{
	const struct snap_account *a = snapshot_account(s, acc);
	const struct numbering_country *c = numbering_country_find(iso);

	assert_non_null(a);
	assert_non_null(a->geo);
	assert_non_null(c);
	return a->geo[numbering_country_index(c)];
}

static void test_defaults(void **state)
{
	struct store *st = open_db();
	struct snapshot *s = NULL;

	(void)state;
	assert_int_equal(snapshot_build(&s, st), 0);
	assert_int_equal(snapshot_dialperm_bits(s, ACC, "US"),
			 SNAP_DIAL_LOW_RISK);
	assert_int_equal(snapshot_dialperm_bits(s, ACC, "ca"),
			 SNAP_DIAL_LOW_RISK);
	assert_int_equal(snapshot_dialperm_bits(s, ACC, "GB"), 0);
	assert_int_equal(snapshot_dialperm_bits(s, ACC, "ZZ"), 0);
	assert_int_equal(geo_of(s, ACC, "PR"), SNAP_DIAL_LOW_RISK);
	assert_int_equal(geo_of(s, SUB, "DE"), 0);
	/* unknown account: defaults */
	assert_int_equal(snapshot_dialperm_bits(s, ACC_UNKNOWN, "US"),
			 SNAP_DIAL_LOW_RISK);
	assert_null(snapshot_dialperm(s, ACC, "US"));
	mem_deref(s);
	mem_deref(st);
}

static void test_overrides_and_inheritance(void **state)
{
	struct store *st = open_db();
	struct snapshot *s = NULL;

	(void)state;
	set_perm(st, ACC, "GB", 1, 1, 0);
	set_perm(st, ACC, "US", 0, 0, 0);
	set_perm(st, SUB, "FR", 1, 0, 1);
	assert_int_equal(snapshot_build(&s, st), 0);
	assert_int_equal(geo_of(s, ACC, "GB"),
			 SNAP_DIAL_LOW_RISK | SNAP_DIAL_HIGH_RISK_SPECIAL);
	assert_int_equal(geo_of(s, ACC, "US"), 0);
	assert_int_equal(geo_of(s, ACC, "CA"), SNAP_DIAL_LOW_RISK);
	/* the subaccount inherits by default: owner's values, not its own */
	assert_int_equal(geo_of(s, SUB, "GB"),
			 SNAP_DIAL_LOW_RISK | SNAP_DIAL_HIGH_RISK_SPECIAL);
	assert_int_equal(geo_of(s, SUB, "FR"), 0);
	assert_int_equal(snapshot_dialperm_bits(s, SUB, "US"), 0);
	s = mem_deref(s);

	set_inherit(st, SUB, 0);
	assert_int_equal(snapshot_build(&s, st), 0);
	assert_int_equal(geo_of(s, SUB, "GB"), 0);
	assert_int_equal(geo_of(s, SUB, "FR"),
			 SNAP_DIAL_LOW_RISK | SNAP_DIAL_HIGH_RISK_TOLLFRAUD);
	assert_int_equal(geo_of(s, SUB, "US"), SNAP_DIAL_LOW_RISK);
	mem_deref(s);
	mem_deref(st);
}

/* One HTTP/1.0 request to 127.0.0.1:port; the status code or -1. */
static int http_post(uint16_t port, const char *path, const char *body)
{
	static const char auth[] =
		/* base64("AC...01:0123456789abcdefXYZ") */
		"QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMTowMTIzNDU2Nzg5"
		"YWJjZGVmWFla";
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(port)};
	char req[1024], resp[512];
	ssize_t n;
	size_t got = 0;
	int fd, code = -1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		goto out;
	n = snprintf(req, sizeof(req),
		     "POST %s HTTP/1.0\r\nHost: 127.0.0.1\r\n"
		     "Authorization: Basic %s\r\n"
		     "Content-Type: application/x-www-form-urlencoded\r\n"
		     "Content-Length: %zu\r\n\r\n%s",
		     path, auth, strlen(body), body);
	if (write(fd, req, (size_t)n) != n)
		goto out;
	while (got + 1 < sizeof(resp) &&
	       (n = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	if (sscanf(resp, "HTTP/1.%*d %d", &code) != 1)
		code = -1;
out:
	close(fd);
	return code;
}

static void test_api_change_reaches_snapshot(void **state)
{
	struct store *st = open_db();
	struct snapshot_pub *pub = NULL;
	struct api_server *srv = NULL;
	struct snapshot *s = NULL;
	struct api_config cfg = {.host = "127.0.0.1",
				 .port = 0,
				 .account_sid = ACC,
				 .auth_token = TOKEN};
	unsigned bits = 0;
	int i;

	(void)state;
	assert_int_equal(snapshot_pub_start(&pub, st), 0);
	assert_int_equal(api_server_start(&srv, &cfg, st, pub), 0);
	s = snapshot_get(pub);
	assert_int_equal(snapshot_dialperm_bits(s, ACC, "DE"), 0);
	s = mem_deref(s);

	/* malformed request: 400, nothing changes */
	assert_int_equal(http_post(api_server_port(srv),
				   "/v1/DialingPermissions/BulkCountryUpdates",
				   "UpdateRequest=%5B%7B%22iso_code%22%3A%22DE"
				   "%22%2C%22low_risk_numbers_enabled%22%3A%22"
				   "maybe%22%7D%5D"),
			 400);
	/* [{"iso_code":"DE","low_risk_numbers_enabled":"true",
	 *   "high_risk_tollfraud_numbers_enabled":true}] */
	assert_int_equal(http_post(api_server_port(srv),
				   "/v1/DialingPermissions/BulkCountryUpdates",
				   "UpdateRequest=%5B%7B%22iso_code%22%3A%22DE"
				   "%22%2C%22low_risk_numbers_enabled%22%3A%22"
				   "true%22%2C%22high_risk_tollfraud_numbers_"
				   "enabled%22%3Atrue%7D%5D"),
			 201);
	/* the publisher rebuilds within ~50 ms; allow 2 s */
	for (i = 0; i < 200; i++) {
		s = snapshot_get(pub);
		bits = snapshot_dialperm_bits(s, ACC, "DE");
		s = mem_deref(s);
		if (bits)
			break;
		usleep(10000);
	}
	assert_int_equal(bits,
			 SNAP_DIAL_LOW_RISK | SNAP_DIAL_HIGH_RISK_TOLLFRAUD);
	/* the inheriting subaccount follows */
	s = snapshot_get(pub);
	assert_int_equal(snapshot_dialperm_bits(s, SUB, "DE"), bits);
	assert_non_null(snapshot_dialperm(s, ACC, "DE"));
	mem_deref(s);

	/* /v1/Settings answers 202 on update, as Twilio's */
	assert_int_equal(http_post(api_server_port(srv), "/v1/Settings",
				   "DialingPermissionsInheritance=false"),
			 202);
	mem_deref(srv);
	mem_deref(pub);
	mem_deref(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_defaults),
		LEAKCHECK_TEST(test_overrides_and_inheritance),
		LEAKCHECK_TEST(test_api_change_reaches_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
