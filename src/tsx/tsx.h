/* SIP transactions (RFC 3261 §17, with the Accepted states of RFC 6026).
 *
 * The four state machines: INVITE client (ICT), non-INVITE client (NICT),
 * INVITE server (IST), non-INVITE server (NIST), with timers A-K (and L, M
 * from RFC 6026) on the heap timers of base/tmr.h. The layer sits on one
 * transport (net/transp.h) and installs itself as its receive handler.
 *
 * Server side: a new request creates a server transaction and goes to the
 * TU's request handler; retransmissions are absorbed (the last response is
 * resent); ACK for a non-2xx final is absorbed; INVITE gets 100 Trying at
 * once (or after cfg.trying_ms). CANCEL is handled here: matched to its
 * INVITE server transaction (RFC 3261 §9.2) and answered 200 (481 when
 * nothing matches); the INVITE transaction's handler then gets
 * TSX_EV_CANCEL (without a handler, the layer answers the INVITE 487).
 * Requests match by branch (§17.2.3), or for RFC 2543 peers (no magic
 * cookie) by Request-URI, tags, Call-ID, CSeq and top Via.
 *
 * Client side: tsx_request() sends a request and retransmits it; the
 * handler gets every response, or a timeout (408) or transport error
 * (503, §8.1.3.1). The ACK for a non-2xx final response is generated
 * here (§17.1.1.3); the ACK for 2xx is the TU's (a new transaction).
 *
 * Lifetime: transactions are refcounted. The layer holds one reference
 * until the transaction terminates (TSX_EV_TERMINATED is the handler's
 * last call). A TU that keeps a pointer takes mem_ref() and, when done,
 * calls tsx_handler_set(tx, NULL, NULL) then mem_deref(). Every function
 * is safe on a terminated transaction (it returns ESHUTDOWN or does
 * nothing). Single-threaded: everything runs on the SIP loop.
 *
 * Memory: a transaction waiting out its last timer (Completed,
 * Confirmed, Accepted; up to 64*T1) drops its parsed request and keeps
 * only the branch/Via to match and the bytes it may resend (the last
 * response, a non-2xx's ACK). An INVITE server transaction in Accepted
 * keeps its request while the TU holds a handler (the TU may send its
 * 2xx again) and drops it when the TU lets go (tsx_handler_set() with
 * NULL). RFC 2543 server transactions and unknown methods keep it (they
 * match on its fields).
 */
#ifndef TRUNKD_TSX_TSX_H
#define TRUNKD_TSX_TSX_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/tmr.h"
#include "net/transp.h"
#include "sip/msg.h"

struct tsx_layer;
struct tsx;

struct tsx_config {
	uint32_t t1;	    /* RTT estimate, ms (default 500) */
	uint32_t t2;	    /* max non-INVITE retransmit interval (4000) */
	uint32_t t4;	    /* max message lifetime in the network (5000) */
	uint32_t td;	    /* Timer D on unreliable transports (32000) */
	uint32_t trying_ms; /* IST: send 100 Trying after this long unless
			       the TU answered first; 0 = at once */
	uint32_t buckets;   /* initial transaction table slots (default
			       131072); it doubles when half full */
};

enum tsx_kind {
	TSX_ICT = 0, /* INVITE client */
	TSX_NICT,    /* non-INVITE client */
	TSX_IST,     /* INVITE server */
	TSX_NIST,    /* non-INVITE server */
};

enum tsx_state {
	TSX_CALLING = 0, /* ICT */
	TSX_TRYING,	 /* NICT, NIST */
	TSX_PROCEEDING,
	TSX_COMPLETED,
	TSX_CONFIRMED, /* IST */
	TSX_ACCEPTED,  /* ICT, IST: after 2xx (RFC 6026) */
	TSX_TERMINATED,
};

enum tsx_ev {
	TSX_EV_RESPONSE = 0,	/* client: a response (msg, scode) */
	TSX_EV_TIMEOUT,		/* client: Timer B/F (scode 408);
				   IST: Timer H, no ACK came */
	TSX_EV_TRANSPORT_ERROR, /* could not send (scode 503, err) */
	TSX_EV_CANCEL,		/* IST: a matching CANCEL came (msg); the
				   layer answered it 200; answer 487 */
	TSX_EV_TERMINATED,	/* last event of every transaction */
};

struct tsx_event {
	enum tsx_ev type;
	struct sip_msg *msg; /* RESPONSE, CANCEL; else NULL. mem_ref() to
				keep it */
	uint16_t scode;	     /* RESPONSE: its code; 408; 503 */
	int err;	     /* ETIMEDOUT, or the transport's errno */
};

/* Per-transaction handler. May call any tsx function, including on tx,
 * and may drop its references. */
typedef void(tsx_h)(struct tsx *tx, const struct tsx_event *ev, void *arg);

/* The transaction user (the core above: dialogs, B2BUA, the app). */
struct tsx_tu {
	/* A request that created server transaction st (never ACK or
	 * CANCEL). The TU must answer with tsx_reply*(); st is valid until
	 * it terminates (mem_ref() it to keep it longer). */
	void (*request_h)(struct tsx *st, struct sip_msg *msg,
			  const struct sip_recv *rx, void *arg);
	/* An ACK that matched no transaction: the ACK for a 2xx (RFC 3261
	 * §13.3.1.4), for the dialog layer. May be NULL (dropped). */
	void (*ack_h)(struct sip_msg *msg, const struct sip_recv *rx,
		      void *arg);
	/* A response that matched no client transaction (e.g. a 2xx
	 * retransmission after Timer M). May be NULL (dropped). */
	void (*stray_h)(struct sip_msg *msg, const struct sip_recv *rx,
			void *arg);
};

struct tsx_stats {
	uint64_t server_created;
	uint64_t client_created;
	uint64_t retransmissions_absorbed; /* requests or responses */
	uint64_t retransmissions_sent;	   /* by timers A, E, G */
	uint64_t responses_resent;	   /* to retransmitted requests */
	uint64_t timeouts;
	uint64_t transport_errors;
	uint64_t cancels_matched;
	uint64_t cancels_unmatched; /* answered 481 */
	uint64_t stray_responses;
	uint64_t stray_acks;
	uint64_t dropped; /* requests the TU discarded */
	uint32_t live;	  /* transactions in the table */
};

/* Fill cfg with the defaults (T1 500, T2 4000, T4 5000, D 32000, 100
 * Trying at once). */
void tsx_config_default(struct tsx_config *cfg);

/* New layer on transport tp (a reference is taken; the layer becomes the
 * transport's receive handler) with timers on tl. cfg may be NULL for the
 * defaults; zero t1/t2/t4/td/buckets mean the default. tu is copied; arg
 * is passed to its handlers. Returns 0, EINVAL or ENOMEM.
 * mem_deref() terminates every transaction without calling handlers and
 * detaches from the transport. */
int tsx_layer_alloc(struct tsx_layer **tlp, struct sip_transp *tp,
		    struct tmrl *tl, const struct tsx_config *cfg,
		    const struct tsx_tu *tu, void *arg);

/* Feed one received message (what the transport handler does; for apps
 * that install their own transport handler and forward). */
void tsx_layer_recv(struct tsx_layer *tl, struct sip_msg *msg,
		    const struct sip_recv *rx);

void tsx_layer_stats(const struct tsx_layer *tl, struct tsx_stats *st);

/* --- server transactions --- */

/* Answer st with a response built from its request: all Via (the top one
 * with received/rport, RFC 3581), From, To (with tsx_totag() added when
 * scode > 100 and the request's To had no tag), Call-ID, CSeq; then hdrs
 * (NULL or complete "Name: value\r\n" lines), then the body with ctype
 * when body is set, and Content-Length. reason NULL: the default phrase.
 * 1xx keeps the transaction proceeding; >= 200 is final. Returns 0,
 * EINVAL (scode out of 100..699, or not a server transaction), EPROTO (a
 * final response was already sent; except further 2xx on an INVITE,
 * which are sent; and once the request was dropped, see Memory above),
 * ESHUTDOWN (terminated), ENOMEM or a transport errno. */
int tsx_reply(struct tsx *st, uint16_t scode, const char *reason,
	      const char *hdrs, const char *ctype, const struct pl *body);

/* Print, without sending, the response tsx_reply() would send for st, for
 * a TU that keeps the exact bytes (a call trace) and then sends them with
 * tsx_reply_buf(). *mbp gets a new buffer. Returns 0, EINVAL, ESHUTDOWN,
 * EPROTO (the request is gone: its final answer went) or ENOMEM. */
int tsx_reply_print(struct buf **mbp, struct tsx *st, uint16_t scode,
		    const char *reason, const char *hdrs, const char *ctype,
		    const struct pl *body);

/* As tsx_reply() with the response already printed by the TU in mb (a
 * reference is taken); scode must be its status code. */
int tsx_reply_buf(struct tsx *st, uint16_t scode, struct buf *mb);

/* Discard st's request without any answer (RFC 3261 leaves a UAS free
 * to drop requests it considers hostile, e.g. for an unknown domain):
 * the transaction terminates at once, so a flood of such requests holds
 * no memory; a retransmission reaches the TU again as a new request.
 * Called from the TU's request handler before anything was sent, no 100
 * Trying ever goes out. Returns 0, EINVAL (not a server transaction),
 * EPROTO (a response was already sent) or ESHUTDOWN. */
int tsx_drop(struct tsx *st);

/* The To tag responses of st carry: the request's To tag if it had one,
 * else a random tag made at creation. Valid while st lives. */
const char *tsx_totag(const struct tsx *st);

/* Where st's request came from (NULL if not a server transaction). */
const struct sip_recv *tsx_recv_info(const struct tsx *st);

/* --- client transactions --- */

/* Send request mb (complete, its top Via carrying a branch made by
 * tsx_branch_make(); a reference is taken) over tp to dst, through conn
 * if given and open (TCP), and run the client transaction. tcp_ok: the
 * target accepts TCP, so a request over cfg.udp_max_size goes over TCP
 * (RFC 3261 §18.1.1; the Via is rewritten). h gets the responses and
 * events (may be NULL). *ctp, if ctp is not NULL, gets a reference.
 * Returns 0, EINVAL (not a request, ACK, no branch), EEXIST (a
 * transaction with this branch and method is running), ENOMEM, or the
 * transport's synchronous errno (no transaction then). */
int tsx_request(struct tsx **ctp, struct tsx_layer *tl, struct buf *mb,
		enum sip_transport tp, const struct sockaddr *dst,
		struct sip_conn *conn, bool tcp_ok, tsx_h *h, void *arg);

/* As tsx_request() for a request the caller printed itself, whose
 * method (not ACK, not SIP_METHOD_UNKNOWN) and top Via branch (from
 * tsx_branch_make()) it gives: mb is not parsed here, only if the
 * transaction needs the request's fields (a CANCEL, the ACK of a non-2xx,
 * tsx_request_msg()). mb must be a well-formed request: this is the
 * sender's fast path, not a check. Returns as tsx_request(). */
int tsx_request_known(struct tsx **ctp, struct tsx_layer *tl, struct buf *mb,
		      enum sip_method method, const char *branch,
		      enum sip_transport tp, const struct sockaddr *dst,
		      struct sip_conn *conn, bool tcp_ok, tsx_h *h, void *arg);

/* CANCEL an INVITE client transaction (RFC 3261 §9.1): sent at once if a
 * provisional response came, else when the first one comes; nothing if a
 * final response came. Returns 0, EINVAL (not an ICT), EALREADY, ENOMEM,
 * ESHUTDOWN or a transport errno. */
int tsx_cancel(struct tsx *ct);

/* A new RFC 3261 branch: "z9hG4bK" + 24 random hex digits, NUL-ended,
 * into buf of at least TSX_BRANCH_SIZE bytes. */
#define TSX_BRANCH_SIZE 32
void tsx_branch_make(char *buf, size_t sz);

/* --- any transaction --- */

void tsx_handler_set(struct tsx *tx, tsx_h *h, void *arg);
enum tsx_kind tsx_kind_get(const struct tsx *tx);
enum tsx_state tsx_state_get(const struct tsx *tx);
const char *tsx_state_name(enum tsx_state st);
/* The request that created tx (client: the one sent, decoded now if it
 * was started by tsx_request_known()); NULL once the transaction dropped
 * it (see Memory above). */
struct sip_msg *tsx_request_msg(struct tsx *tx);
/* Last status code sent (server) or received (client), 0 if none. */
uint16_t tsx_scode(const struct tsx *tx);

#endif
