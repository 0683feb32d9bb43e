/* Tests: a window of consecutive UDP ports free on 127.0.0.1 and ::1 right
 * now, for a relay's --media-ports. The search starts at a point taken
 * from the process id (tests run side by side) inside 20000-29999, below
 * the kernel's ephemeral ports and the benchmarks' media ranges, and
 * moves on past any port something else holds. Header-only: include it
 * in one test file. */
#ifndef TRUNKD_TESTS_UDP_PORTS_H
#define TRUNKD_TESTS_UDP_PORTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

#endif
