/* Asynchronous DNS for SIP next hops (RFC 3263) with c-ares on the SIP
 * loop (docs/b2bua.md, "Carrier names").
 *
 * Loop integration: c-ares tells us which sockets it wants watched
 * (ARES_OPT_SOCK_STATE_CB); each gets a uv_poll_t, whose events go to
 * ares_process_fd(). One uv_timer_t is armed for ares_timeout() after
 * every c-ares call, so retransmissions and timeouts run without a
 * thread and without ever blocking the loop. A second uv_timer_t (0 ms)
 * delivers results, so a handler never runs inside dns_sip_resolve().
 *
 * Cache: whole answers (positive with the smallest answer TTL, negative
 * -- NXDOMAIN or no record of the type -- with the SOA's negative TTL of
 * RFC 2308), keyed by name and type, bounded in entries (least recently
 * used evicted), expiry by clock_now_ms(). Failures (timeout, refused,
 * SERVFAIL) are not cached.
 *
 * Single-threaded: a resolver and its queries belong to one loop.
 */
#ifndef TRUNKD_NET_DNS_H
#define TRUNKD_NET_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "sip/via.h"

struct dns_resolver;
struct dns_query;

struct dns_conf {
	/* Name servers "HOST[:PORT][,HOST[:PORT]...]" (IP literals, IPv6
	 * as [addr]:port, default port 53); NULL or "": the servers of
	 * /etc/resolv.conf */
	const char *servers;
	uint32_t timeout_ms; /* first try (doubles per retry); 0: 1000 */
	unsigned tries;	     /* per server; 0: 2 */
	size_t cache_max;    /* cached answers; 0: 512 */
	uint32_t max_ttl_s;  /* cap on any TTL; 0: 3600 */
	uint32_t neg_ttl_s;  /* negative answer without SOA; 0: 30 */
};

struct dns_stats {
	uint64_t queries;    /* sent to a server (c-ares) */
	uint64_t cache_hits; /* answered from the cache */
	uint64_t failures;   /* timeouts, refused, SERVFAIL, bad answers */
	size_t cache_entries;
};

/* New resolver on loop. conf may be NULL (defaults). Returns 0, EINVAL
 * (a servers string that does not parse), ENOMEM or EIO (c-ares could
 * not start). mem_deref() cancels every query without calling handlers;
 * the libuv handles close on the loop's next iteration (run it once
 * before uv_loop_close). Not from inside a dns_sip_h handler. */
int dns_resolver_alloc(struct dns_resolver **rp, uv_loop_t *loop,
		       const struct dns_conf *conf);

void dns_resolver_stats(const struct dns_resolver *r, struct dns_stats *st);

/* Drop every cached answer. */
void dns_cache_flush(struct dns_resolver *r);

/* Transports a caller can use (masks of 1 << enum sip_transport). */
#define DNS_TP_MASK(tp) (1u << (tp))
#define DNS_TP_DEFAULT	(DNS_TP_MASK(SIP_TP_UDP) | DNS_TP_MASK(SIP_TP_TCP))

/* What a SIP URI says about its next hop. */
struct dns_sip_req {
	const char *host;      /* name or IP literal (IPv6 with or without
				  brackets); copied */
	uint16_t port;	       /* 0: none in the URI */
	enum sip_transport tp; /* transport= param; SIP_TP_NONE: none */
	bool sips;	       /* sips: URI (TLS only) */
	unsigned tpmask;       /* transports allowed; 0: DNS_TP_DEFAULT */
};

enum { DNS_SIP_MAX = 16 };

/* One next hop, in the order to try. */
struct dns_sip_target {
	struct sockaddr_storage addr; /* with the port */
	enum sip_transport tp;	      /* SIP_TP_UDP, _TCP or _TLS */
};

/* Result of dns_sip_resolve(): err 0 and n >= 1 targets (valid for the
 * call only), or err ENOENT (the name or its records do not exist),
 * ETIMEDOUT (no answer), ECONNREFUSED (every server refused or failed:
 * c-ares reports SERVFAIL/REFUSED so once it gave up on all), EPROTO (a
 * bad answer), ENOMEM. Called once, from the loop; the query stays the
 * caller's (mem_deref it, also from inside the handler). */
typedef void(dns_sip_h)(int err, const struct dns_sip_target *v, size_t n,
			void *arg);

/* Resolve req per RFC 3263 §4: an IP literal is used as is; an explicit
 * port means A/AAAA only; an explicit transport means SRV of that
 * transport, then A/AAAA; otherwise NAPTR (SIP+D2U, SIP+D2T, SIPS+D2T by
 * order/preference), then SRV (priority, weighted random order among
 * equal priorities, RFC 2782), then A/AAAA (A first); without NAPTR the
 * SRV of each allowed transport (UDP first); without SRV the A/AAAA of
 * the host at 5060 (5061 for TLS). A NXDOMAIN for the host ends the
 * lookup (RFC 8020); a timeout ends it with ETIMEDOUT unless some
 * records were found. At most DNS_SIP_MAX targets.
 *
 * On success *qp is the caller's handle: mem_deref() it to cancel (h is
 * then never called) or after h ran. Returns 0, EINVAL (no host),
 * EPROTONOSUPPORT (no allowed transport fits req) or ENOMEM; h is not
 * called when it returns an error. */
int dns_sip_resolve(struct dns_query **qp, struct dns_resolver *r,
		    const struct dns_sip_req *req, dns_sip_h *h, void *arg);

#endif
