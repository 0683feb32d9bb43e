/* trunkd command-line configuration (the stable flags of DESIGN.md plus
 * trunkd's own). */
#ifndef TRUNKD_APP_CONFIG_H
#define TRUNKD_APP_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/log.h"

enum { APP_MAX_SIP_LISTEN = 8 };

struct app_config {
	/* --sip HOST:PORT, repeatable: UDP and TCP on each */
	struct sockaddr_storage sip[APP_MAX_SIP_LISTEN];
	unsigned nsip;
	struct sockaddr_storage api; /* --api HOST:PORT */
	char data_dir[512];	     /* --data DIR */
	uint16_t media_lo, media_hi; /* --media-ports LO-HI */
	char public_ip[64];	     /* --public-ip IP ("" = listen addr) */
	enum log_level log_level;    /* --log-level */
	/* --sandbox HOST:PORT: the built-in sandbox carrier's address;
	 * --no-sandbox turns it off. Default: the first SIP address's host,
	 * port + 1000 (5060 -> 6060). */
	struct sockaddr_storage sandbox;
	bool sandbox_enabled;
	bool sandbox_set;
	/* --ack-timeout-ms: 32022 timer (0 = default 32000; b2bua) */
	uint32_t ack_timeout_ms;
	/* --rtp-timeout-ms (32014), --oneway-ms (39030); 0 = the relay's
	 * defaults, 30000 and 10000 */
	uint32_t rtp_timeout_ms;
	uint32_t oneway_ms;
	/* --dns HOST[:PORT][,HOST[:PORT]...]: name servers for carrier
	 * targets given as names ("" = those of /etc/resolv.conf) */
	char dns[256];
};

/* Defaults, then argv. On error returns EINVAL with a message naming the
 * flag in err (size errsz); returns -1 after printing --help (caller
 * exits 0). */
int app_config_parse(struct app_config *cfg, int argc, char *const argv[],
		     char *err, size_t errsz);

void app_config_usage(const char *prog);

#endif
