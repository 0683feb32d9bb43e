/* Private to src/net: the transport's objects. Never include from another
 * folder. */
#ifndef TRUNKD_NET_NET_INT_H
#define TRUNKD_NET_NET_INT_H

#include "base/hash.h"
#include "base/list.h"
#include "base/sa.h"
#include "base/tmr.h"
#include "net/transp.h"

/* Each socket object below holds one reference for its open libuv
 * handle, dropped by the handle's close callback; tp is cleared when the
 * transport goes away first. */

struct udp_sock {
	uv_udp_t h;
	struct le le;	       /* in tp->udps */
	struct sip_transp *tp; /* weak */
	struct sockaddr_storage laddr;
	uint8_t *rbuf; /* owned: recvmmsg slab */
	size_t rbsz;
	bool closing;
};

struct tcp_lsnr {
	uv_tcp_t h;
	struct le le;	       /* in tp->tcpls */
	struct sip_transp *tp; /* weak */
	struct sockaddr_storage laddr;
	bool closing;
};

struct sip_conn {
	uv_tcp_t h;
	uv_connect_t creq;
	uv_shutdown_t sreq;
	struct le le;	       /* in tp->conns */
	struct le le_all;      /* in tp->conn_list until the
				  transport or the handle goes */
	struct sip_transp *tp; /* weak */
	struct sockaddr_storage peer;
	struct sockaddr_storage laddr;
	struct buf *rb;	     /* owned: unframed received bytes */
	struct list pending; /* wreqs waiting for connect */
	size_t pending_bytes;
	struct tmr tmr_idle;
	uint64_t last_active;
	bool connected;
	bool closing;
	bool outgoing;
	bool graceful; /* close after a shutdown */
};

/* One write or datagram send in flight. */
struct wreq {
	union {
		uv_write_t w;
		uv_udp_send_t u;
	} req;
	struct le le;	/* in conn->pending while connecting */
	struct buf *mb; /* ref */
	sip_transp_err_h *eh;
	void *arg;	       /* ref (mem object) */
	struct sip_conn *conn; /* weak: alive until close cb */
	struct udp_sock *us;   /* weak: alive until close cb */
};

struct sip_transp {
	uv_loop_t *loop; /* weak */
	struct tmrl *tl; /* ref */
	struct sip_transp_config cfg;
	struct list udps;      /* udp_sock, owned via handle ref */
	struct list tcpls;     /* tcp_lsnr */
	struct hash *conns;    /* sip_conn by peer address */
	struct list conn_list; /* every open sip_conn */
	sip_transp_recv_h *rh;
	void *arg;
	struct sip_transp_stats st;
};

/* transp.c */
void transp_deliver(struct sip_transp *tp, struct buf *mb,
		    const struct sip_recv *rx);
struct udp_sock *transp_udp_find(struct sip_transp *tp,
				 const struct sockaddr_storage *laddr, int af);
void wreq_done(struct wreq *wr, int status);
struct wreq *wreq_alloc(struct buf *mb, sip_transp_err_h *eh, void *arg);
void transp_rcvbuf_set(struct sip_transp *tp, uv_handle_t *h, const char *what,
		       const struct sockaddr_storage *sa);

/* udp.c */
int udp_listen(struct sip_transp *tp, const struct sockaddr_storage *sa,
	       struct sockaddr_storage *boundp);
void udp_close(struct udp_sock *us);
int udp_send(struct sip_transp *tp, struct udp_sock *us,
	     const struct sockaddr_storage *dst, struct buf *mb,
	     sip_transp_err_h *eh, void *arg);

/* tcp.c */
int tcp_listen(struct sip_transp *tp, const struct sockaddr_storage *sa,
	       struct sockaddr_storage *boundp);
void tcp_lsnr_close(struct tcp_lsnr *tl);
void conn_close(struct sip_conn *conn, int err, bool notify);
struct sip_conn *conn_lookup(struct sip_transp *tp,
			     const struct sockaddr_storage *peer);
int tcp_send(struct sip_transp *tp, struct sip_conn *conn,
	     const struct sockaddr_storage *dst, struct buf *mb,
	     sip_transp_err_h *eh, void *arg);

/* salvage.c: answer an undecodable request 400 if its start line and the
 * Via, From, To, Call-ID and CSeq lines can be recovered. Returns 0 (sent
 * or queued), or an errno when nothing could be answered. */
int salvage_400(struct sip_transp *tp, const struct pl *raw,
		const char *reason, const struct sip_recv *rx);

#endif
