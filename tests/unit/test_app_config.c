/* Unit tests for trunkd's command-line parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "app/config.h"
#include "base/sa.h"
#include "leakcheck.h"

static void test_defaults(void **state)
{
	char *argv[] = {"trunkd", NULL};
	struct app_config cfg;
	char err[128] = "";

	(void)state;
	assert_int_equal(app_config_parse(&cfg, 1, argv, err, sizeof(err)), 0);
	assert_int_equal(cfg.nsip, 1);
	assert_int_equal(sa_port(&cfg.sip[0]), 5060);
	assert_int_equal(sa_port(&cfg.api), 8080);
	assert_string_equal(cfg.data_dir, "./var");
	assert_int_equal(cfg.media_lo, 10000);
	assert_int_equal(cfg.media_hi, 20000);
	assert_true(cfg.sandbox_enabled);
	assert_int_equal(sa_port(&cfg.sandbox), 6060);
}

static void test_flags(void **state)
{
	char *argv[] = {"trunkd",	 "--sip",	"127.0.0.1:5070",
			"--sip",	 "[::1]:5071",	"--api",
			"127.0.0.1:9",	 "--data",	"/tmp/x",
			"--media-ports", "30000-30100", "--public-ip",
			"203.0.113.9",	 "--log-level", "debug",
			"--no-sandbox",	 NULL};
	struct app_config cfg;
	char err[128] = "";

	(void)state;
	assert_int_equal(app_config_parse(&cfg, 16, argv, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.nsip, 2);
	assert_int_equal(cfg.sip[1].ss_family, AF_INET6);
	assert_int_equal(sa_port(&cfg.api), 9);
	assert_string_equal(cfg.data_dir, "/tmp/x");
	assert_int_equal(cfg.media_lo, 30000);
	assert_string_equal(cfg.public_ip, "203.0.113.9");
	assert_int_equal(cfg.log_level, LOG_LEVEL_DEBUG);
	assert_false(cfg.sandbox_enabled);
}

static void test_errors(void **state)
{
	char *a1[] = {"trunkd", "--sip", "nohost:x", NULL};
	char *a2[] = {"trunkd", "--media-ports", "20-10", NULL};
	char *a3[] = {"trunkd", "--bogus", NULL};
	char *a4[] = {"trunkd", "--log-level", "loud", NULL};
	struct app_config cfg;
	char err[128] = "";

	(void)state;
	assert_int_equal(app_config_parse(&cfg, 3, a1, err, sizeof(err)),
			 EINVAL);
	assert_non_null(strstr(err, "--sip"));
	assert_int_equal(app_config_parse(&cfg, 3, a2, err, sizeof(err)),
			 EINVAL);
	assert_non_null(strstr(err, "--media-ports"));
	assert_int_equal(app_config_parse(&cfg, 2, a3, err, sizeof(err)),
			 EINVAL);
	assert_non_null(strstr(err, "--bogus"));
	assert_int_equal(app_config_parse(&cfg, 3, a4, err, sizeof(err)),
			 EINVAL);
	assert_non_null(strstr(err, "--log-level"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_defaults),
		LEAKCHECK_TEST(test_flags),
		LEAKCHECK_TEST(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
