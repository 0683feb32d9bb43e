/* Socket address helpers; see sa.h. */
#include "base/sa.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "base/hash.h"

/* A dotted-quad IPv4 address exactly as inet_pton(AF_INET) takes it (four
 * decimal parts 0..255, no leading zeros), without the copy to a C string
 * and the library call: the SIP thread parses a few per call. */
static bool ipv4_parse(const char *p, size_t l, uint8_t out[4])
{
	const char *e = p + l, *s;
	unsigned v;

	for (int part = 0; part < 4; part++) {
		if (part) {
			if (p == e || *p != '.')
				return false;
			p++;
		}
		s = p;
		v = 0;
		while (p < e && *p >= '0' && *p <= '9') {
			if (p > s && *s == '0')
				return false;
			v = v * 10 + (unsigned)(*p - '0');
			if (v > 255)
				return false;
			p++;
		}
		if (p == s)
			return false;
		out[part] = (uint8_t)v;
	}
	return p == e;
}

int sa_set(struct sockaddr_storage *sa, const struct pl *host, uint16_t port)
{
	char h[INET6_ADDRSTRLEN];
	struct sockaddr_storage tmp;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&tmp;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&tmp;
	struct pl hp;

	if (!sa || !host || !host->l)
		return EINVAL;
	hp = *host;
	if (hp.l >= 2 && hp.p[0] == '[' && hp.p[hp.l - 1] == ']') {
		hp.p++;
		hp.l -= 2;
	}
	memset(&tmp, 0, sizeof(tmp));
	if (ipv4_parse(hp.p, hp.l, (uint8_t *)&in4->sin_addr)) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*sa = tmp;
		return 0;
	}
	if (pl_strcpy(&hp, h, sizeof(h)))
		return EINVAL;
	if (inet_pton(AF_INET, h, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, h, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
	} else {
		return EINVAL;
	}
	*sa = tmp;
	return 0;
}

int sa_parse_pl(struct sockaddr_storage *sa, const struct pl *pl,
		uint16_t def_port)
{
	struct pl h, port = PL_INIT;
	uint32_t pv = def_port;
	const char *c;

	if (!pl || !pl->l)
		return EINVAL;
	h = *pl;
	if (h.p[0] == '[') {
		/* host keeps its brackets: sa_set() strips them */
		c = pl_chr(&h, ']');
		if (!c)
			return EINVAL;
		pl_set(&port, c + 1, (size_t)(h.p + h.l - (c + 1)));
		h.l = (size_t)(c + 1 - h.p);
		if (port.l) {
			if (port.p[0] != ':')
				return EINVAL;
			port.p++;
			port.l--;
			if (!port.l)
				return EINVAL;
		}
	} else {
		c = pl_chr(&h, ':');
		/* exactly one ':' separates host and port; more means a bare
		 * IPv6 literal without a port */
		if (c && !memchr(c + 1, ':', (size_t)(h.p + h.l - c - 1))) {
			pl_set(&port, c + 1, (size_t)(h.p + h.l - (c + 1)));
			h.l = (size_t)(c - h.p);
			if (!port.l)
				return EINVAL;
		}
	}
	if (port.l && (pl_u32(&port, &pv) || pv > 65535))
		return EINVAL;
	return sa_set(sa, &h, (uint16_t)pv);
}

int sa_copy(struct sockaddr_storage *sa, const struct sockaddr *from)
{
	if (!sa || !from)
		return EINVAL;
	if (from->sa_family == AF_INET)
		memcpy(sa, from, sizeof(struct sockaddr_in));
	else if (from->sa_family == AF_INET6)
		memcpy(sa, from, sizeof(struct sockaddr_in6));
	else
		return EINVAL;
	return 0;
}

int sa_parse(struct sockaddr_storage *sa, const char *s, uint16_t def_port)
{
	struct pl pl;

	if (!s)
		return EINVAL;
	pl_set_str(&pl, s);
	return sa_parse_pl(sa, &pl, def_port);
}

/* Decimal digits of v at p; returns the end. */
static char *u16_put(char *p, unsigned v)
{
	char t[5];
	int n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = t[--n];
	return p;
}

/* IPv4 dotted quad at p (no NUL); returns the end. Hot (Via, traces,
 * SDP): glibc's inet_ntop() goes through sprintf(). */
static char *in4_put(char *p, const struct sockaddr_storage *sa)
{
	const uint8_t *b =
		(const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;

	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = u16_put(p, b[i]);
	}
	return p;
}

int sa_ntop(const struct sockaddr_storage *sa, char *buf, size_t sz)
{
	char tmp[16], *e;

	if (!sa || !buf)
		return EINVAL;
	if (sa->ss_family == AF_INET) {
		e = in4_put(tmp, sa);
		if ((size_t)(e - tmp) >= sz)
			return ENOSPC;
		memcpy(buf, tmp, (size_t)(e - tmp));
		buf[e - tmp] = '\0';
		return 0;
	}
	if (sa->ss_family != AF_INET6)
		return EINVAL;
	return inet_ntop(AF_INET6,
			 &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			 (socklen_t)sz)
		       ? 0
		       : ENOSPC;
}

int sa_print(const struct sockaddr_storage *sa, char *buf, size_t sz)
{
	char host[INET6_ADDRSTRLEN], tmp[SA_STRLEN], *p = tmp;
	size_t hl;
	int err;

	if (!buf)
		return EINVAL;
	if (sa && sa->ss_family == AF_INET) {
		p = in4_put(p, sa);
	} else {
		err = sa_ntop(sa, host, sizeof(host));
		if (err)
			return err;
		hl = strlen(host);
		*p++ = '[';
		memcpy(p, host, hl);
		p += hl;
		*p++ = ']';
	}
	*p++ = ':';
	p = u16_put(p, sa_port(sa));
	if ((size_t)(p - tmp) >= sz)
		return ENOSPC;
	memcpy(buf, tmp, (size_t)(p - tmp));
	buf[p - tmp] = '\0';
	return 0;
}

const char *sa_str(const struct sockaddr_storage *sa, char *buf, size_t sz)
{
	if (sa_print(sa, buf, sz) && sz)
		snprintf(buf, sz, "?");
	return buf;
}

uint16_t sa_port(const struct sockaddr_storage *sa)
{
	if (!sa)
		return 0;
	if (sa->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

void sa_set_port(struct sockaddr_storage *sa, uint16_t port)
{
	if (!sa)
		return;
	if (sa->ss_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else if (sa->ss_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

socklen_t sa_len(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					 : sizeof(struct sockaddr_in);
}

bool sa_isset(const struct sockaddr_storage *sa)
{
	return sa && (sa->ss_family == AF_INET || sa->ss_family == AF_INET6);
}

bool sa_eq_addr(const struct sockaddr_storage *a,
		const struct sockaddr_storage *b)
{
	if (!a || !b || a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}

bool sa_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return sa_eq_addr(a, b) && sa_port(a) == sa_port(b);
}

uint32_t sa_hash(const struct sockaddr_storage *sa)
{
	uint32_t h;

	if (!sa)
		return 0;
	if (sa->ss_family == AF_INET)
		h = hash_mem(&((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa->ss_family == AF_INET6)
		h = hash_mem(&((const struct sockaddr_in6 *)sa)->sin6_addr,
			     16);
	else
		return 0;
	return h ^ (sa_port(sa) * 2654435761u);
}

bool sa_is_loopback(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET) {
		uint32_t a = ntohl(
			((const struct sockaddr_in *)sa)->sin_addr.s_addr);

		return (a >> 24) == 127;
	}
	if (sa->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
			&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

bool sa_is_private(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET) {
		uint32_t a = ntohl(
			((const struct sockaddr_in *)sa)->sin_addr.s_addr);

		return (a >> 24) == 10 || (a >> 20) == (172u << 4 | 1) ||
		       (a >> 16) == (192u << 8 | 168) ||
		       (a >> 22) == (100u << 2 | 1) || /* 100.64/10 */
		       (a >> 16) == (169u << 8 | 254) || (a >> 24) == 0;
	}
	if (sa->ss_family == AF_INET6) {
		const struct in6_addr *a =
			&((const struct sockaddr_in6 *)sa)->sin6_addr;

		return (a->s6_addr[0] & 0xfe) == 0xfc ||
		       IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_UNSPECIFIED(a);
	}
	return false;
}
