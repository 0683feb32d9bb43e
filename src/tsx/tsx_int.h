/* Private to src/tsx. */
#ifndef TRUNKD_TSX_TSX_INT_H
#define TRUNKD_TSX_TSX_INT_H

#include <netinet/in.h>

#include "base/hash.h"
#include "base/tmr.h"
#include "tsx/tsx.h"

/* The transaction table: open addressing, linear probing, each slot the
 * transaction's 32-bit key next to its pointer, so a lookup reads only
 * the slots of its probe run and the transactions whose key matches (a
 * chained table reads every transaction of a bucket, each a cache miss
 * at 100,000 lingering ones). At most half full; grows by doubling. */
struct tsx_slot {
	uint32_t key;
	struct tsx *tx; /* ref (the table's); NULL: empty */
};

struct tsx_table {
	struct tsx_slot *slot; /* owned */
	size_t mask;	       /* slots - 1 */
	size_t n;	       /* transactions in the table */
};

struct tsx_layer {
	struct sip_transp *tp; /* ref */
	struct tmrl *tmrl;     /* ref */
	struct tsx_config cfg;
	struct tsx_tu tu;
	void *arg;	      /* weak: the TU's */
	struct tsx_table tab; /* tsx by key */
	struct tsx_stats st;
};

/* Server-only fields. */
struct tsx_srv {
	struct sip_recv rx; /* rx.conn is a ref */
	struct sip_via via; /* req's top Via, decoded */
	struct buf *resp;   /* ref: last response sent */
	struct buf *topvia; /* ref: via as answered (RFC 3581), printed
			       by the first response */
	char *totag;	    /* owned */
};

/* Client-only fields. */
struct tsx_cli {
	struct buf *req_mb;    /* ref: bytes (re)sent */
	struct buf *ack_mb;    /* ref: ICT ACK for non-2xx */
	struct sip_conn *conn; /* ref, may be NULL */
	enum sip_transport tpk;
	bool cancel_wanted;
	bool cancel_sent;
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} dst; /* AF_INET or AF_INET6 (sa_copy() checked it) */
};

/* What lookups and timers read first sits in the first 64 bytes. */
struct tsx {
	uint32_t key; /* in layer->tab */
	enum tsx_kind kind;
	enum tsx_state state;
	enum sip_method method; /* of the request (CSeq method) */
	bool rfc2543;		/* server: no magic cookie: match by
				   fields, hashed by Call-ID */
	bool reliable;
	bool linked;	      /* in layer->tab (holds a reference) */
	uint16_t scode;	      /* last sent/received */
	struct pl branch;     /* slice of req's top Via branch, or of
				 keep once slim */
	struct tsx_layer *tl; /* weak; NULL once terminated */
	struct sip_msg *req;  /* ref: the request; NULL once slim, and
				 for a client from tsx_request_known()
				 until tsx_request_msg() decodes it */
	char *keep;	      /* owned, once slim: server: the top Via
				 element (via points into it); client
				 (from the start with
				 tsx_request_known()): the branch */
	int deferred_err;     /* reported from tmr_to */
	uint32_t retx_ival;
	unsigned nretx;	     /* retransmissions sent */
	struct tmr tmr_retx; /* A, E, G; IST in Proceeding: the delayed
				100 Trying */
	struct tmr tmr_to;   /* B, D, F, H, I, J, K, L, M */

	tsx_h *h;
	void *arg; /* weak: the TU's */

	union {
		struct tsx_srv s; /* kind TSX_IST, TSX_NIST */
		struct tsx_cli c; /* kind TSX_ICT, TSX_NICT */
	} u;
};

static inline bool tsx_is_server(const struct tsx *tx)
{
	return tx->kind == TSX_IST || tx->kind == TSX_NIST;
}

/* table.c */
/* Empty table of at least size slots (a power of two). 0 or ENOMEM. */
int tsx_table_init(struct tsx_table *t, uint32_t size);
void tsx_table_release(struct tsx_table *t);
/* Double the slots. 0 or ENOMEM. */
int tsx_table_grow(struct tsx_table *t);
/* Room for one more (grows now, so a later tsx_table_add() cannot
 * fail). 0 or ENOMEM. */
static inline int tsx_table_reserve(struct tsx_table *t)
{
	/* at most half full: probe runs stay short */
	return (t->n + 1) * 2 <= t->mask + 1 ? 0 : tsx_table_grow(t);
}
/* Add tx under key; the table takes the caller's reference. 0 or
 * ENOMEM. */
int tsx_table_add(struct tsx_table *t, uint32_t key, struct tsx *tx);
/* Remove tx (added under key); returns its reference to the caller. */
void tsx_table_del(struct tsx_table *t, uint32_t key, struct tsx *tx);
/* Lookup: pos = TSX_TABLE_START, then each call returns the next
 * transaction stored under key, NULL when none is left. The table must
 * not change meanwhile. */
#define TSX_TABLE_START SIZE_MAX
struct tsx *tsx_table_next(const struct tsx_table *t, uint32_t key,
			   size_t *pos);
/* Teardown: pos = 0, then the transaction at or after slot *pos, NULL
 * when none is left; removing the one returned is allowed (a removal
 * only moves later entries back into its slot). */
struct tsx *tsx_table_any(const struct tsx_table *t, size_t *pos);

/* layer.c */
int tsx_alloc(struct tsx **txp, struct tsx_layer *tl, enum tsx_kind kind,
	      enum sip_method method, struct sip_msg *req);
/* Into the table (after tsx_table_reserve(): cannot fail then). The
 * table holds a reference until tsx_terminate(). 0 or ENOMEM. */
int tsx_link(struct tsx *tx);
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
