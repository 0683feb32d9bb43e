/* Tests of the media relay: a relay_conf on a window of consecutive UDP
 * ports free on 127.0.0.1 and ::1 right now, and UDP endpoints standing
 * for the peers. The window search starts at a point taken from the
 * process id (tests run side by side) inside 20000-29999, below the
 * kernel's ephemeral ports and the benchmarks' media ranges, and moves on
 * past any port something else holds. Header-only, after cmocka.h. */
#ifndef TRUNKD_TESTS_RELAY_FIXTURE_H
#define TRUNKD_TESTS_RELAY_FIXTURE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/sa.h"
#include "media/media.h"

static bool udp_port_free(int af, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(af, SOCK_DGRAM, 0), one = 1;
	bool ok;

	if (fd < 0)
		return false;
	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = in6addr_loopback;
		len = sizeof(*s6);
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				 sizeof(one));
	}
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

/* First port of n consecutive free ports (even), or 0. */
static uint16_t udp_ports_free_window(uint16_t n)
{
	uint32_t span = 10000, start = (uint32_t)(getpid() * 7919u) % span;

	for (uint32_t tries = 0; tries < span / n; tries++) {
		uint16_t base =
			(uint16_t)(20000 + ((start + tries * n) % (span - n)));
		uint16_t i;

		base &= (uint16_t)~1u;
		for (i = 0; i < n; i++) {
			if (!udp_port_free(AF_INET, (uint16_t)(base + i)) ||
			    !udp_port_free(AF_INET6, (uint16_t)(base + i)))
				break;
		}
		if (i == n)
			return base;
	}
	return 0;
}

/* A relay configuration on n ports free when the test starts (the relay
 * skips ports others take later), bound on 127.0.0.1 and ::1. */
static void conf_init(struct relay_conf *c, uint16_t n)
{
	uint16_t base = udp_ports_free_window(n);

	assert_int_not_equal(base, 0);
	memset(c, 0, sizeof(*c));
	c->port_lo = base;
	c->port_hi = (uint16_t)(base + n - 1);
	assert_int_equal(sa_parse(&c->addr4, "127.0.0.1", 0), 0);
	assert_int_equal(sa_parse(&c->addr6, "::1", 0), 0);
}

/* A UDP socket on host, any port; *sa is set to its address. */
static int ep_open(const char *host, struct sockaddr_storage *sa)
{
	socklen_t len = sizeof(*sa);
	int fd;

	assert_int_equal(sa_parse(sa, host, 0), 0);
	fd = socket(sa->ss_family, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)sa, sa_len(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sa, &len), 0);
	return fd;
}

#endif
