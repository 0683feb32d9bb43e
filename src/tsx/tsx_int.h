/* Private to src/tsx. */
#ifndef TRUNKD_TSX_TSX_INT_H
#define TRUNKD_TSX_TSX_INT_H

#include "base/hash.h"
#include "base/list.h"
#include "base/tmr.h"
#include "tsx/tsx.h"

struct tsx_layer {
	struct sip_transp *tp; /* ref */
	struct tmrl *tmrl;     /* ref */
	struct tsx_config cfg;
	struct tsx_tu tu;
	void *arg;	 /* weak: the TU's */
	struct hash *ht; /* tsx by key */
	struct list all; /* every tsx in the table */
	struct tsx_stats st;
};

struct tsx {
	struct le le;	      /* in layer->ht */
	struct le le_all;     /* in layer->all */
	struct tsx_layer *tl; /* weak; NULL once terminated */
	enum tsx_kind kind;
	enum tsx_state state;
	enum sip_method method; /* of the request (CSeq method) */
	struct sip_msg *req;	/* ref: the request; NULL once slim, and
				   for a client from tsx_request_known()
				   until tsx_request_msg() decodes it */
	struct pl branch;	/* slice of req's top Via branch, or of
				   keep once slim */
	char *keep;		/* owned, once slim: server: the top Via
				   element (via points into it); client
				   (from the start with
				   tsx_request_known()): the branch */
	bool rfc2543;		/* server: no magic cookie: match by
				   fields, hashed by Call-ID */
	uint32_t key;
	bool reliable;

	/* server */
	struct sip_recv rx; /* rx.conn is a ref */
	struct sip_via via; /* req's top Via, decoded */
	struct buf *resp;   /* ref: last response sent */
	struct buf *topvia; /* ref: via as answered (RFC 3581), printed
			       by the first response */
	char *totag;	    /* owned */
	int deferred_err;   /* reported from tmr_to */

	/* client */
	struct buf *req_mb; /* ref: bytes (re)sent */
	struct buf *ack_mb; /* ref: ICT ACK for non-2xx */
	enum sip_transport tpk;
	struct sockaddr_storage dst;
	struct sip_conn *conn; /* ref, may be NULL */
	bool cancel_wanted;
	bool cancel_sent;

	uint16_t scode; /* last sent/received */
	uint32_t retx_ival;
	unsigned nretx;	       /* retransmissions sent */
	struct tmr tmr_retx;   /* A, E, G */
	struct tmr tmr_to;     /* B, D, F, H, I, J, K, L, M */
	struct tmr tmr_trying; /* IST: delayed 100 */

	tsx_h *h;
	void *arg; /* weak: the TU's */
};

/* layer.c */
int tsx_alloc(struct tsx **txp, struct tsx_layer *tl, enum tsx_kind kind,
	      enum sip_method method, struct sip_msg *req);
void tsx_link(struct tsx *tx);
/* Waiting out a last timer (Completed, Confirmed, Accepted): drop the
 * parsed request (and a client's request bytes; an INVITE server's
 * response once Accepted), keep the matching key and what a timer or a
 * retransmitted message resends. Not for RFC 2543 server transactions or
 * unknown methods (matched on the request's fields), nor for an INVITE
 * server transaction in Accepted while the TU holds a handler (it may
 * send its 2xx again). Idempotent. */
void tsx_slim(struct tsx *tx);
void tsx_terminate(struct tsx *tx);
void tsx_event_raise(struct tsx *tx, enum tsx_ev type, struct sip_msg *msg,
		     uint16_t scode, int err);
struct tsx *tsx_find_client(struct tsx_layer *tl, const struct pl *branch,
			    enum sip_method method);
uint32_t tsx_key_branch(const struct pl *branch);

/* server.c */
/* After the TU's request handler: 100 Trying for an INVITE it neither
 * answered nor dropped (when 100 goes out at once). */
void tsx_server_trying(struct tsx *st);
int tsx_server_new(struct tsx **stp, struct tsx_layer *tl, struct sip_msg *msg,
		   const struct sip_recv *rx);
void tsx_server_recv(struct tsx *st, struct sip_msg *msg,
		     const struct sip_recv *rx);
struct tsx *tsx_server_match(struct tsx_layer *tl, struct sip_msg *msg,
			     bool cancel);
void tsx_server_cancel(struct tsx_layer *tl, struct sip_msg *msg,
		       const struct sip_recv *rx);
void tsx_transport_err(int err, void *arg);
void tsx_fail_later(struct tsx *tx, int err);

/* client.c */
void tsx_client_recv(struct tsx *ct, struct sip_msg *msg);

/* resp.c: a response to req (see tsx_reply()), its top Via value
 * top_via (printed by sip_transp_via_print()). */
int tsx_resp_build(struct buf **mbp, struct sip_msg *req,
		   const struct pl *top_via, uint16_t scode,
		   const char *reason, const char *totag, const char *hdrs,
		   const char *ctype, const struct pl *body);
/* ACK for a non-2xx (§17.1.1.3) or CANCEL (§9.1) for request req. */
int tsx_ack_build(struct buf **mbp, struct sip_msg *req, struct sip_msg *resp);
int tsx_cancel_build(struct buf **mbp, struct sip_msg *req);

#endif
