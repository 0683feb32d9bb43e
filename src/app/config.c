/* Command-line parsing for trunkd; see config.h. */
#include "app/config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sa.h"

enum {
	OPT_SIP = 1000,
	OPT_API,
	OPT_DATA,
	OPT_MEDIA,
	OPT_PUBLIC_IP,
	OPT_LOG_LEVEL,
	OPT_SANDBOX,
	OPT_NO_SANDBOX,
	OPT_ACK_TIMEOUT, /* b2bua branch */
	OPT_RTP_TIMEOUT,
	OPT_ONEWAY,
	OPT_DNS,
	OPT_HELP,
};

static const struct option opts[] = {
	{.name = "sip", .has_arg = required_argument, .val = OPT_SIP},
	{.name = "api", .has_arg = required_argument, .val = OPT_API},
	{.name = "data", .has_arg = required_argument, .val = OPT_DATA},
	{.name = "media-ports",
	 .has_arg = required_argument,
	 .val = OPT_MEDIA},
	{.name = "public-ip",
	 .has_arg = required_argument,
	 .val = OPT_PUBLIC_IP},
	{.name = "log-level",
	 .has_arg = required_argument,
	 .val = OPT_LOG_LEVEL},
	{.name = "sandbox", .has_arg = required_argument, .val = OPT_SANDBOX},
	{.name = "no-sandbox", .has_arg = no_argument, .val = OPT_NO_SANDBOX},
	{.name = "ack-timeout-ms",
	 .has_arg = required_argument,
	 .val = OPT_ACK_TIMEOUT},
	{.name = "rtp-timeout-ms",
	 .has_arg = required_argument,
	 .val = OPT_RTP_TIMEOUT},
	{.name = "oneway-ms", .has_arg = required_argument, .val = OPT_ONEWAY},
	{.name = "dns", .has_arg = required_argument, .val = OPT_DNS},
	{.name = "help", .has_arg = no_argument, .val = OPT_HELP},
	{0},
};

void app_config_usage(const char *prog)
{
	printf("usage: %s [options]\n"
	       "  --sip HOST:PORT        SIP on UDP and TCP (repeatable; "
	       "default 127.0.0.1:5060)\n"
	       "  --api HOST:PORT        REST API (default 127.0.0.1:8080)\n"
	       "  --data DIR             database and credentials (default "
	       "./var)\n"
	       "  --media-ports LO-HI    RTP relay ports (default "
	       "10000-20000)\n"
	       "  --public-ip IP         address advertised in SIP and SDP\n"
	       "  --log-level LEVEL      debug, info, warn, error (default "
	       "info)\n"
	       "  --sandbox HOST:PORT    built-in sandbox carrier address "
	       "(default: SIP port + 1000)\n"
	       "  --no-sandbox           do not start the sandbox carrier\n"
	       "  --ack-timeout-ms MS    tear a call down when the PBX's ACK "
	       "for the 200 OK\n"
	       "                         does not come (default 32000)\n"
	       "  --rtp-timeout-ms MS    end an answered call when no RTP "
	       "flows (32014;\n"
	       "                         default 30000)\n"
	       "  --oneway-ms MS         one-way audio alert after (39030; "
	       "default 10000)\n"
	       "  --dns HOST:PORT[,...]  name servers for carrier names "
	       "(default: /etc/resolv.conf)\n",
	       prog);
}

static int parse_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char *end;
	unsigned long a, b;

	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || end == s || *end != '-')
		return EINVAL;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (errno || end == s || *end || a == 0 || b > 65535 || a > b)
		return EINVAL;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* "HOST[:PORT][,...]": IP literals only. */
static int dns_list_check(const char *s)
{
	char item[SA_STRLEN];
	struct sockaddr_storage sa;

	do {
		const char *c = strchr(s, ',');
		size_t l = c ? (size_t)(c - s) : strlen(s);

		if (!l || l >= sizeof(item))
			return EINVAL;
		memcpy(item, s, l);
		item[l] = '\0';
		if (sa_parse(&sa, item, 53))
			return EINVAL;
		s = c ? c + 1 : NULL;
	} while (s);
	return 0;
}

int app_config_parse(struct app_config *cfg, int argc, char *const argv[],
		     char *err, size_t errsz)
{
	struct sockaddr_storage sa;
	int c;

	memset(cfg, 0, sizeof(*cfg));
	sa_parse(&cfg->api, "127.0.0.1:8080", 8080);
	snprintf(cfg->data_dir, sizeof(cfg->data_dir), "./var");
	cfg->media_lo = 10000;
	cfg->media_hi = 20000;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->sandbox_enabled = true;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SIP:
			if (cfg->nsip >= APP_MAX_SIP_LISTEN) {
				snprintf(err, errsz, "--sip: at most %d",
					 APP_MAX_SIP_LISTEN);
				return EINVAL;
			}
			if (sa_parse(&sa, optarg, 5060))
				goto bad;
			cfg->sip[cfg->nsip++] = sa;
			break;
		case OPT_API:
			if (sa_parse(&cfg->api, optarg, 8080))
				goto bad;
			break;
		case OPT_DATA:
			if (!*optarg ||
			    strlen(optarg) >= sizeof(cfg->data_dir))
				goto bad;
			snprintf(cfg->data_dir, sizeof(cfg->data_dir), "%s",
				 optarg);
			break;
		case OPT_MEDIA:
			if (parse_range(optarg, &cfg->media_lo,
					&cfg->media_hi))
				goto bad;
			break;
		case OPT_PUBLIC_IP:
			if (sa_parse(&sa, optarg, 0) || sa_port(&sa) ||
			    strlen(optarg) >= sizeof(cfg->public_ip))
				goto bad;
			snprintf(cfg->public_ip, sizeof(cfg->public_ip), "%s",
				 optarg);
			break;
		case OPT_LOG_LEVEL:
			if (log_level_parse(optarg, &cfg->log_level))
				goto bad;
			break;
		case OPT_SANDBOX:
			if (sa_parse(&cfg->sandbox, optarg, 6060))
				goto bad;
			cfg->sandbox_set = true;
			break;
		case OPT_NO_SANDBOX:
			cfg->sandbox_enabled = false;
			break;
		case OPT_ACK_TIMEOUT: { /* b2bua branch */
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !*optarg || v < 100 || v > 600000)
				goto bad;
			cfg->ack_timeout_ms = (uint32_t)v;
			break;
		}
		case OPT_RTP_TIMEOUT:
		case OPT_ONEWAY: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !*optarg || v < 100 || v > 3600000)
				goto bad;
			if (c == OPT_RTP_TIMEOUT)
				cfg->rtp_timeout_ms = (uint32_t)v;
			else
				cfg->oneway_ms = (uint32_t)v;
			break;
		}
		case OPT_DNS:
			if (dns_list_check(optarg) ||
			    strlen(optarg) >= sizeof(cfg->dns))
				goto bad;
			snprintf(cfg->dns, sizeof(cfg->dns), "%s", optarg);
			break;
		case OPT_HELP:
			app_config_usage(argv[0]);
			return -1;
		default:
			snprintf(err, errsz,
				 "unknown option or missing value '%s' "
				 "(see --help)",
				 argv[optind - 1]);
			return EINVAL;
		}
	}
	if (optind < argc) {
		snprintf(err, errsz, "unexpected argument '%s'", argv[optind]);
		return EINVAL;
	}
	if (!cfg->nsip) {
		sa_parse(&cfg->sip[0], "127.0.0.1:5060", 5060);
		cfg->nsip = 1;
	}
	if (!cfg->sandbox_set) {
		cfg->sandbox = cfg->sip[0];
		sa_set_port(
			&cfg->sandbox,
			(uint16_t)((sa_port(&cfg->sip[0]) + 1000) % 65536));
	}
	return 0;
bad:
	/* opts[] is in enum order, so c names the flag */
	snprintf(err, errsz, "invalid value '%s' for --%s", optarg,
		 opts[c - OPT_SIP].name);
	return EINVAL;
}
