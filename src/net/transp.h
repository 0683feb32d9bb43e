/* SIP transports on libuv: UDP and TCP listeners (IPv4 and IPv6), stream
 * framing, keep-alives, connection reuse, and the RFC 3261 §18 / RFC 3581
 * rules for where requests and responses go.
 *
 * One transport object per SIP loop. It decodes every message it receives
 * (sip_msg_decode) and hands it up with where it came from; a request that
 * does not decode is answered 400 with the parser's reason when enough of
 * it can be recovered, else dropped and counted.
 *
 * Lifetime: mem_deref() closes every socket; the libuv handles are freed
 * by their close callbacks, so run the loop (uv_run) once more before
 * uv_loop_close().
 */
#ifndef TRUNKD_NET_TRANSP_H
#define TRUNKD_NET_TRANSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "base/buf.h"
#include "base/tmr.h"
#include "sip/msg.h"
#include "sip/via.h"

struct sip_transp;
struct sip_conn; /* a TCP connection; mem_ref() to keep a handle on one */

/* Flags for sip_transp_listen(). */
enum {
	SIP_TPF_UDP = 1 << 0,
	SIP_TPF_TCP = 1 << 1,
};

struct sip_transp_config {
	size_t rcvbuf;		 /* SO_RCVBUF wanted (default 4 MiB) */
	uint32_t tcp_idle_ms;	 /* close idle connections (default
				    300000; 0 = default) */
	uint32_t tcp_max_conns;	 /* default 4096 */
	size_t tcp_max_buffered; /* per connection: bytes of one unframed
				    message (default 131072) and bytes
				    queued for writing (4x that) */
	size_t udp_max_size;	 /* requests above go over TCP when the
				    target allows (default 1300) */
};

/* Where a message came from. */
struct sip_recv {
	enum sip_transport tp;	     /* SIP_TP_UDP or SIP_TP_TCP */
	struct sockaddr_storage src; /* peer address and port */
	struct sockaddr_storage dst; /* local (listening/bound) address */
	struct sip_conn *conn;	     /* weak, TCP only (NULL for UDP):
					mem_ref() it to keep it */
};

struct sip_transp_stats {
	uint64_t received; /* messages decoded and handed up */
	uint64_t rx_bytes;
	uint64_t dropped_malformed; /* undecodable, nothing answered */
	uint64_t answered_400;	    /* undecodable, answered 400 */
	uint64_t keepalives;	    /* CRLF keep-alives seen */
	uint64_t sent;
	uint64_t send_errors;
	uint64_t tcp_accepted;
	uint64_t tcp_refused;	   /* over tcp_max_conns */
	uint64_t tcp_frame_errors; /* bad framing: connection closed */
	uint64_t tcp_overflow;	   /* buffer cap hit: connection closed */
	uint64_t tcp_idle_closed;
	uint32_t tcp_conns; /* open now */
};

/* A received message. msg is valid for the call; mem_ref() it to keep
 * it. rx and what it points to are valid for the call only. */
typedef void(sip_transp_recv_h)(struct sip_msg *msg, const struct sip_recv *rx,
				void *arg);

/* An asynchronous send failure (TCP connect/write, UDP send). err is a
 * positive errno (ECONNREFUSED, ETIMEDOUT, ECONNRESET, ...). */
typedef void(sip_transp_err_h)(int err, void *arg);

/* New transport on loop. tl drives connection idle timers (a reference is
 * taken); cfg may be NULL for defaults; rh may be NULL and set later with
 * sip_transp_handler_set(). Returns 0, EINVAL or ENOMEM. */
int sip_transp_alloc(struct sip_transp **tpp, uv_loop_t *loop, struct tmrl *tl,
		     const struct sip_transp_config *cfg,
		     sip_transp_recv_h *rh, void *arg);

void sip_transp_handler_set(struct sip_transp *tp, sip_transp_recv_h *rh,
			    void *arg);

/* Listen on sa (port 0 picks one) for flags SIP_TPF_UDP|SIP_TPF_TCP; with
 * both and port 0, TCP uses the port UDP got. May be called several times
 * (several --sip addresses, IPv4 and IPv6). The receive buffer is set to
 * cfg->rcvbuf where the kernel allows, and what was obtained is logged.
 * Returns 0 or a positive errno (EADDRINUSE, EINVAL, ...). */
int sip_transp_listen(struct sip_transp *tp, unsigned flags,
		      const struct sockaddr *sa);

/* Bound address of the first listener of kind tpk and family af
 * (AF_UNSPEC: any). Returns 0 or ENOENT. */
int sip_transp_laddr(const struct sip_transp *tp, enum sip_transport tpk,
		     int af, struct sockaddr_storage *ss);

/* Send mb's bytes [0, end) to dst over tpk. TCP: through conn when given
 * and still open, else an open connection to dst from the table, else a
 * new connection (the bytes are queued until it connects). The transport
 * takes a reference on mb.
 *
 * Synchronous failures are returned (EINVAL, EAFNOSUPPORT: no socket of
 * dst's family, ENOBUFS: write queue over the cap, ENOMEM, ...). Later
 * failures call eh(err, arg) once, if eh is set; arg, if not NULL, must be
 * a mem object: the transport holds a reference on it while the send is
 * pending. eh is never called from inside sip_transp_send(). */
int sip_transp_send(struct sip_transp *tp, enum sip_transport tpk,
		    const struct sockaddr *dst, struct sip_conn *conn,
		    struct buf *mb, sip_transp_err_h *eh, void *arg);

/* Send a request (RFC 3261 §18.1.1): when *tpkp is SIP_TP_UDP, the
 * message is larger than cfg->udp_max_size and tcp_ok (the target allows
 * TCP), it goes over TCP and the top Via's transport in mb is rewritten
 * from UDP to TCP in place. *tpkp is set to the transport used. Other
 * arguments and returns as sip_transp_send(). */
int sip_transp_send_request(struct sip_transp *tp, enum sip_transport *tpkp,
			    const struct sockaddr *dst, struct sip_conn *conn,
			    struct buf *mb, bool tcp_ok, sip_transp_err_h *eh,
			    void *arg);

/* Send a response to the request that arrived as rx with top Via via
 * (RFC 3261 §18.2.2, RFC 3581 §4): reliable: rx's connection if still
 * open, else a connection to the source address and the sent-by port;
 * unreliable: maddr (sent-by port, default 5060) if present, else the
 * source address and, with rport, the source port, else the sent-by port.
 * Returns as sip_transp_send(). */
int sip_transp_send_response(struct sip_transp *tp, const struct sip_recv *rx,
			     const struct sip_via *via, struct buf *mb,
			     sip_transp_err_h *eh, void *arg);

/* Print a request's top Via value as it must appear in responses: with
 * ;received=<source address> when sent-by is not the source address or
 * rport was asked, and ;rport filled with the source port (RFC 3581).
 * Other params are kept as written. Returns 0 or ENOMEM. */
int sip_transp_via_print(struct buf *mb, const struct sip_via *via,
			 const struct sip_recv *rx);

/* Copy out the counters. */
void sip_transp_stats_get(const struct sip_transp *tp,
			  struct sip_transp_stats *st);

/* A connection's peer and local address, and whether it is still open.
 * NULL-safe (false for NULL). */
bool sip_conn_isopen(const struct sip_conn *conn);
const struct sockaddr *sip_conn_peer(const struct sip_conn *conn);

/* Close a connection now (pending writes are dropped). */
void sip_conn_close(struct sip_conn *conn);

#endif
