/* Socket address helpers; see sa.h. */
#include "net/sa.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"

int net_sa_set(struct sockaddr_storage *ss, const struct pl *host,
	       uint16_t port)
{
	char h[INET6_ADDRSTRLEN + 2];
	struct pl hp;
	struct sockaddr_storage tmp;

	if (!ss || !host || !host->l)
		return EINVAL;
	hp = *host;
	if (hp.l >= 2 && hp.p[0] == '[' && hp.p[hp.l - 1] == ']') {
		hp.p++;
		hp.l -= 2;
	}
	if (pl_strcpy(&hp, h, sizeof(h)))
		return EINVAL;
	memset(&tmp, 0, sizeof(tmp));
	if (inet_pton(AF_INET, h, &((struct sockaddr_in *)&tmp)->sin_addr) ==
	    1) {
		struct sockaddr_in *in = (struct sockaddr_in *)&tmp;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, h,
			     &((struct sockaddr_in6 *)&tmp)->sin6_addr) == 1) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&tmp;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
	} else {
		return EINVAL;
	}
	*ss = tmp;
	return 0;
}

int net_sa_parse(const char *s, uint16_t def_port,
		 struct sockaddr_storage *ss)
{
	struct pl host;
	const char *colon = NULL, *end;
	uint32_t port = def_port;

	if (!s || !*s || !ss)
		return EINVAL;
	end = s + strlen(s);
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb)
			return EINVAL;
		pl_set(&host, s, (size_t)(rb - s + 1));
		if (rb[1] == ':')
			colon = rb + 1;
		else if (rb[1])
			return EINVAL;
	} else {
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon)
			colon = NULL; /* bare IPv6 without port */
		pl_set(&host, s, colon ? (size_t)(colon - s) : strlen(s));
	}
	if (colon) {
		struct pl pp;

		pl_set(&pp, colon + 1, (size_t)(end - colon - 1));
		if (pl_u32(&pp, &port) || port > 65535)
			return EINVAL;
	}
	return net_sa_set(ss, &host, (uint16_t)port);
}

int net_sa_host(const struct sockaddr *sa, char *buf, size_t sz)
{
	const void *a;

	if (!sa || !buf)
		return EINVAL;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		return EINVAL;
	if (!inet_ntop(sa->sa_family, a, buf, (socklen_t)sz))
		return EINVAL;
	return 0;
}

const char *net_sa_str(const struct sockaddr *sa, char *buf, size_t sz)
{
	char h[INET6_ADDRSTRLEN];

	if (net_sa_host(sa, h, sizeof(h))) {
		snprintf(buf, sz, "?");
		return buf;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(buf, sz, "[%s]:%u", h, net_sa_port(sa));
	else
		snprintf(buf, sz, "%s:%u", h, net_sa_port(sa));
	return buf;
}

uint16_t net_sa_port(const struct sockaddr *sa)
{
	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

void net_sa_port_set(struct sockaddr *sa, uint16_t port)
{
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

socklen_t net_sa_len(const struct sockaddr *sa)
{
	if (sa && sa->sa_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (sa && sa->sa_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return 0;
}

bool net_sa_isset(const struct sockaddr *sa)
{
	return sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6);
}

bool net_sa_eq_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (!a || !b || a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}

bool net_sa_eq(const struct sockaddr *a, const struct sockaddr *b)
{
	return net_sa_eq_addr(a, b) && net_sa_port(a) == net_sa_port(b);
}

uint32_t net_sa_hash(const struct sockaddr *sa)
{
	uint16_t port = net_sa_port(sa);
	uint32_t h;

	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET)
		h = hash_mem(&((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6)
		h = hash_mem(&((const struct sockaddr_in6 *)sa)->sin6_addr,
			     16);
	else
		return 0;
	return h ^ (port * 2654435761u);
}
