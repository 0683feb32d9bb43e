/* Unit tests of trunkctl's pure parts (tools/trunkctl/args.c, table.c,
 * resources.c, compiled in here): argument -> form mapping, duration
 * parsing, credentials file, links, table rendering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "../tools/trunkctl/args.c"
#include "../tools/trunkctl/resources.c"
#include "../tools/trunkctl/table.c"

static const char *const ACSID = "AC0123456789abcdef0123456789abcdef";

static int build(struct request *req, const char *group, const char *cmd,
		 int argc, char *const *argv, char *err, size_t errsz)
{
	const struct res_def *r = cli_res_find(group);
	const struct cmd_def *c;

	assert_non_null(r);
	c = cli_cmd_find(r, cmd);
	assert_non_null(c);
	return cli_request_build(req, r, c, ACSID, argc, argv, 1700000000, err,
				 errsz);
}

static void test_duration(void **state)
{
	int64_t s = -1;

	(void)state;
	assert_int_equal(cli_duration_parse("1h", &s), 0);
	assert_int_equal(s, 3600);
	assert_int_equal(cli_duration_parse("30m", &s), 0);
	assert_int_equal(s, 1800);
	assert_int_equal(cli_duration_parse("2d", &s), 0);
	assert_int_equal(s, 172800);
	assert_int_equal(cli_duration_parse("1w", &s), 0);
	assert_int_equal(s, 604800);
	assert_int_equal(cli_duration_parse("90", &s), 0);
	assert_int_equal(s, 90);
	assert_int_equal(cli_duration_parse("1h30m", &s), 0);
	assert_int_equal(s, 5400);
	s = 7;
	assert_int_equal(cli_duration_parse("", &s), EINVAL);
	assert_int_equal(cli_duration_parse("h", &s), EINVAL);
	assert_int_equal(cli_duration_parse("1x", &s), EINVAL);
	assert_int_equal(cli_duration_parse("-1h", &s), EINVAL);
	assert_int_equal(cli_duration_parse("99999999999999999999d", &s),
			 EINVAL);
	assert_int_equal(cli_duration_parse(NULL, &s), EINVAL);
	assert_int_equal(s, 7);
}

static void test_trunk_create_mapping(void **state)
{
	char *argv[] = {"--name",   "acme",	  "--domain=acme.example.net",
			"--secure", "--cps",	  "5",
			"--set",    "Foo=bar baz"};
	struct request req;
	char err[256];

	(void)state;
	assert_int_equal(
		build(&req, "trunks", "create", 8, argv, err, sizeof(err)), 0);
	assert_string_equal(req.path, "/v1/Trunks");
	assert_string_equal(cli_request_get(&req, "FriendlyName"), "acme");
	assert_string_equal(cli_request_get(&req, "DomainName"),
			    "acme.example.net");
	assert_string_equal(cli_request_get(&req, "Secure"), "true");
	assert_string_equal(cli_request_get(&req, "CpsLimit"), "5");
	assert_string_equal(cli_request_get(&req, "Foo"), "bar baz");
	assert_int_equal(req.nfields, 5);
	cli_request_reset(&req);
}

static void test_positional_and_defaults(void **state)
{
	char *a1[] = {"TK1", "--url", "sip:pbx.example.com", "--priority",
		      "5"};
	char *a2[] = {"AL123", "--ip", "203.0.113.5", "--prefix", "24"};
	char *a3[] = {"TK1", "AL2"};
	char *a4[] = {"--number", "+15551234567", "--trunk", "TK9"};
	struct request req;
	char err[256];

	(void)state;
	assert_int_equal(build(&req, "origination-urls", "create", 5, a1, err,
			       sizeof(err)),
			 0);
	assert_string_equal(req.path, "/v1/Trunks/TK1/OriginationUrls");
	assert_string_equal(cli_request_get(&req, "SipUrl"),
			    "sip:pbx.example.com");
	assert_string_equal(cli_request_get(&req, "FriendlyName"),
			    "sip:pbx.example.com");
	assert_string_equal(cli_request_get(&req, "Priority"), "5");
	assert_string_equal(cli_request_get(&req, "Weight"), "10");
	assert_string_equal(cli_request_get(&req, "Enabled"), "true");
	cli_request_reset(&req);

	assert_int_equal(
		build(&req, "ip-acls", "add-address", 5, a2, err, sizeof(err)),
		0);
	assert_string_equal(req.path,
			    "/2010-04-01/Accounts/"
			    "AC0123456789abcdef0123456789abcdef/SIP/"
			    "IpAccessControlLists/AL123/IpAddresses.json");
	assert_string_equal(cli_request_get(&req, "IpAddress"), "203.0.113.5");
	assert_string_equal(cli_request_get(&req, "CidrPrefixLength"), "24");
	cli_request_reset(&req);

	assert_int_equal(
		build(&req, "trunks", "add-acl", 2, a3, err, sizeof(err)), 0);
	assert_string_equal(req.path, "/v1/Trunks/TK1/IpAccessControlLists");
	assert_string_equal(cli_request_get(&req, "IpAccessControlListSid"),
			    "AL2");
	cli_request_reset(&req);

	assert_int_equal(
		build(&req, "numbers", "create", 4, a4, err, sizeof(err)), 0);
	assert_string_equal(cli_request_get(&req, "PhoneNumber"),
			    "+15551234567");
	assert_string_equal(cli_request_get(&req, "TrunkSid"), "TK9");
	cli_request_reset(&req);
}

static void test_since_and_limit(void **state)
{
	char *a[] = {"--level", "error", "--since",	      "1h",
		     "--limit", "7",	 "--until=2024-01-31"};
	char *bad[] = {"--since", "yesterday"};
	struct request req;
	char err[256];

	(void)state;
	assert_int_equal(build(&req, "alerts", "list", 7, a, err, sizeof(err)),
			 0);
	assert_string_equal(req.path, "/v1/Alerts");
	assert_string_equal(cli_request_get(&req, "LogLevel"), "error");
	/* 1700000000 - 3600 */
	assert_string_equal(cli_request_get(&req, "StartDate"),
			    "2023-11-14T21:13:20Z");
	assert_string_equal(cli_request_get(&req, "EndDate"), "2024-01-31");
	assert_int_equal(req.limit, 7);
	cli_request_reset(&req);
	assert_int_equal(
		build(&req, "alerts", "list", 2, bad, err, sizeof(err)),
		EINVAL);
	assert_non_null(strstr(err, "--since"));
	assert_int_equal(req.nfields, 0);
}

static void test_json_form(void **state)
{
	char *a[] = {"DE", "--low-risk", "--high-risk-special", "false"};
	struct request req;
	char err[256];
	json_t *j;

	(void)state;
	assert_int_equal(build(&req, "dialing-permissions", "update", 4, a,
			       err, sizeof(err)),
			 0);
	assert_int_equal(req.nfields, 1);
	j = json_loads(cli_request_get(&req, "UpdateRequest"), 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(j, 0), "iso_code")),
			    "DE");
	assert_true(json_is_true(json_object_get(json_array_get(j, 0),
						 "low_risk_numbers_enabled")));
	assert_true(json_is_false(json_object_get(
		json_array_get(j, 0), "high_risk_special_numbers_enabled")));
	json_decref(j);
	cli_request_reset(&req);
}

static void test_bad_arguments(void **state)
{
	char *unknown[] = {"--bogus", "1"};
	char *extra[] = {"TK1", "TK2"};
	char *inj[] = {"../../Accounts"};
	char *noval[] = {"--name"};
	char *badint[] = {"TK1", "--url", "sip:x", "--priority", "ten"};
	char *badbool[] = {"--secure=maybe"};
	char *noreq[] = {"TK1"};
	struct request req;
	char err[256];

	(void)state;
	assert_int_equal(
		build(&req, "trunks", "create", 2, unknown, err, sizeof(err)),
		EINVAL);
	assert_non_null(strstr(err, "unknown flag --bogus"));
	assert_int_equal(
		build(&req, "trunks", "show", 2, extra, err, sizeof(err)),
		EINVAL);
	assert_non_null(strstr(err, "unexpected argument 'TK2'"));
	assert_int_equal(
		build(&req, "trunks", "show", 0, NULL, err, sizeof(err)),
		EINVAL);
	assert_non_null(strstr(err, "missing TRUNK_SID"));
	assert_int_equal(
		build(&req, "trunks", "show", 1, inj, err, sizeof(err)),
		EINVAL);
	assert_non_null(strstr(err, "invalid TRUNK_SID"));
	assert_int_equal(
		build(&req, "trunks", "create", 1, noval, err, sizeof(err)),
		EINVAL);
	assert_int_equal(build(&req, "origination-urls", "create", 5, badint,
			       err, sizeof(err)),
			 EINVAL);
	assert_non_null(strstr(err, "--priority wants a number"));
	assert_int_equal(
		build(&req, "trunks", "create", 1, badbool, err, sizeof(err)),
		EINVAL);
	assert_int_equal(build(&req, "origination-urls", "create", 1, noreq,
			       err, sizeof(err)),
			 EINVAL);
	assert_non_null(strstr(err, "--url is required"));
	assert_null(cli_res_find("nope"));
	assert_null(cli_cmd_find(cli_res_find("alerts"), "create"));
}

static void test_every_command_is_wellformed(void **state)
{
	(void)state;
	for (const struct res_def *r = trunkctl_resources; r->name; r++) {
		bool list = false, show = false;

		assert_non_null(r->columns);
		for (const struct cmd_def *c = r->cmds; c->name; c++) {
			size_t npos = 0;

			assert_non_null(c->path);
			assert_true(c->path[0] == '/');
			while (npos < 3 && c->pos[npos].name)
				npos++;
			/* every {n} in the path has a positional */
			for (const char *p = c->path; *p; p++) {
				if (p[0] == '{' && p[1] >= '0' && p[1] <= '2')
					assert_true((size_t)(p[1] - '0') <
						    npos);
			}
			if (c->kind == CMD_LIST) {
				assert_non_null(c->list_key);
				list = true;
			}
			if (!strcmp(c->name, "show"))
				show = true;
		}
		assert_true(list && show);
	}
}

static void test_credentials_and_api(void **state)
{
	struct config cfg;
	char api[128];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cli_credentials_parse(&cfg,
			      "# trunkd\nTRUNKD_ACCOUNT_SID=ACabc\n"
			      "TRUNKD_AUTH_TOKEN = \"tok en\"\r\nOTHER=1\n");
	assert_string_equal(cfg.account_sid, "ACabc");
	assert_string_equal(cfg.auth_token, "tok en");
	assert_null(cfg.api);
	/* values already set (flags, environment) win */
	cfg.account_sid = "ACflag";
	cli_credentials_parse(&cfg, "TRUNKD_ACCOUNT_SID=ACfile");
	assert_string_equal(cfg.account_sid, "ACflag");

	assert_int_equal(cli_api_normalise(api, sizeof(api), "127.0.0.1:80/"),
			 0);
	assert_string_equal(api, "http://127.0.0.1:80");
	assert_int_equal(
		cli_api_normalise(api, sizeof(api), "https://h.example"), 0);
	assert_string_equal(api, "https://h.example");
	assert_int_equal(cli_api_normalise(api, sizeof(api), ""), EINVAL);

	assert_string_equal(cli_link_path("https://api.x/v1/Alerts?Page=1"),
			    "/v1/Alerts?Page=1");
	assert_string_equal(cli_link_path("/2010-04-01/Accounts.json?Page=2"),
			    "/2010-04-01/Accounts.json?Page=2");
	assert_null(cli_link_path(""));
	assert_null(cli_link_path(NULL));
}

static void test_table_render(void **state)
{
	const char *const cols[] = {"sid", "friendly_name", "secure", NULL};
	json_t *items = json_loads(
		"[{\"sid\":\"TK1\",\"friendly_name\":\"acme\","
		"\"secure\":false},"
		"{\"sid\":\"TK22\",\"friendly_name\":null,\"secure\":true,"
		"\"x\":1},"
		"{\"sid\":\"TK3\",\"friendly_name\":\"a\\nb\"}]",
		0, NULL);
	char *s;

	(void)state;
	assert_non_null(items);
	s = cli_table_render(items, cols);
	assert_non_null(s);
	assert_string_equal(s, "SID   FRIENDLY_NAME  SECURE\n"
			       "TK1   acme           false\n"
			       "TK22  -              true\n"
			       "TK3   a b            -\n");
	free(s);
	json_decref(items);

	/* long cells are cut */
	items = json_pack("[{s:s}]", "sid",
			  "0123456789012345678901234567890123456789"
			  "0123456789012345678901234567890123456789");
	s = cli_table_render(items, cols);
	assert_non_null(strstr(s, "...  -"));
	assert_true(strlen(strchr(s, '\n') + 1) < 80);
	free(s);
	json_decref(items);

	/* empty list: the header only */
	items = json_array();
	s = cli_table_render(items, cols);
	assert_string_equal(s, "SID  FRIENDLY_NAME  SECURE\n");
	free(s);
	json_decref(items);
}

static void test_object_render(void **state)
{
	json_t *o = json_pack(
		"{s:s, s:i, s:s, s:s}", "sid", "NO1", "n", 5, "diagnosis",
		"line one\nline two", "sip_trace",
		"[{\"time\":\"T\",\"leg\":\"A\",\"direction\":\"received\","
		"\"src\":\"1.2.3.4:5060\",\"dst\":\"5.6.7.8:5060\","
		"\"message\":\"INVITE sip:x SIP/2.0\\r\\nVia: y\\r\\n\"}]");
	char *s;

	(void)state;
	s = cli_object_render(o);
	assert_non_null(s);
	assert_string_equal(s, "sid        NO1\n"
			       "n          5\n"
			       "diagnosis:\n"
			       "    line one\n"
			       "    line two\n"
			       "sip_trace:\n"
			       "  --- T leg A received 1.2.3.4:5060 -> "
			       "5.6.7.8:5060\n"
			       "    INVITE sip:x SIP/2.0\n"
			       "    Via: y\n");
	free(s);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_trunk_create_mapping),
		cmocka_unit_test(test_positional_and_defaults),
		cmocka_unit_test(test_since_and_limit),
		cmocka_unit_test(test_json_form),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_every_command_is_wellformed),
		cmocka_unit_test(test_credentials_and_api),
		cmocka_unit_test(test_table_render),
		cmocka_unit_test(test_object_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
