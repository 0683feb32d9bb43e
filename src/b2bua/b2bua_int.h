/* B2BUA internals: call > leg > dialog (docs/b2bua.md). */
#ifndef TRUNKD_B2BUA_B2BUA_INT_H
#define TRUNKD_B2BUA_B2BUA_INT_H

#include "alert/alert.h"
#include "b2bua/admit.h"
#include "b2bua/b2bua.h"
#include "b2bua/dialog.h"
#include "b2bua/trace.h"
#include "base/hash.h"
#include "base/list.h"
#include "media/media.h"
#include "net/dns.h"
#include "policy/e164.h"
#include "store/snapshot.h"

enum { B2BUA_MAX_TARGETS = 10, B2BUA_MAX_ACK_EVIDENCE = 3 };

struct b2bua {
	struct tsx_layer *tsxl; /* ref */
	struct sip_transp *tp;	/* ref */
	struct tmrl *tl;	/* ref */
	struct hash *calls;	/* both legs by Call-ID; holds one ref
				   per call */
	struct hash *ids;	/* calls by id (media events); no ref */
	struct b2bua_conf conf; /* public_ip points to pubip */
	char pubip[64];
	char hostport[80];	       /* "ip:port" of Via/Contact/RR */
	struct sockaddr_storage laddr; /* SIP listening address */
	int64_t wall_base;	       /* wall ms - clock_now_ms() */
	struct admit_ctx admit;	       /* digest, cps, chans: owned */
	struct alert_ratelimit *rl;    /* owned: 39001 */
	struct b2bua_stats stats;
};

enum call_state {
	CALL_TRYING = 0, /* INVITE out to a carrier target */
	CALL_EARLY,	 /* a provisional relayed */
	CALL_ANSWERED,	 /* 200 sent to the PBX, waiting for its ACK */
	CALL_CONFIRMED,	 /* ACK came */
	CALL_CANCELLING, /* PBX cancelled; waiting for the carrier */
	CALL_ENDED,
};

struct leg {
	struct le he;	   /* in b2bua calls, by dlg.callid */
	struct call *call; /* weak: the owner */
	char side;	   /* 'A' PBX, 'B' carrier */
	struct dialog dlg;
	struct tsx *inv;   /* ref: A: the IST; B: the current ICT */
	uint32_t inv_cseq; /* CSeq of the dialog's INVITE */
	bool confirmed;	   /* dialog established */
};

struct target {
	const char *uri; /* weak: into the call's snapshot */
};

/* An in-dialog request crossing from one leg to the other. */
struct xreq {
	struct le le;	   /* in call->xreqs */
	struct call *call; /* weak */
	struct leg *from;  /* weak: where the request came */
	struct leg *to;	   /* weak: where it went */
	struct tsx *st;	   /* ref: server side on from */
	struct tsx *ct;	   /* ref: client side on to */
	enum sip_method method;
	uint32_t from_cseq; /* CSeq on the from leg */
	uint32_t to_cseq;   /* CSeq on the to leg */
	bool ack_wait;	    /* 2xx to a bodiless re-INVITE: the ACK's
			       answer must cross */
};

struct call {
	struct le he_id; /* in b2bua ids, by id */
	struct b2bua *b; /* weak */
	char id[35];	 /* "CA" + 32 hex: links both legs */
	enum call_state state;
	struct snapshot *snap;		/* ref: config the call started with */
	const struct snap_trunk *trunk; /* weak: into snap */
	char called[E164_SIZE];
	char caller[E164_SIZE];
	struct leg a;
	struct leg bl;
	struct buf *offer; /* ref: SDP for the carrier, printed once by
			      call_media_start() for every target */
	/* ref: the PBX's parsed offer and the trunk's codec filter for it
	 * (NULL: none) from admission; printed into offer (through the
	 * relay) and dropped by call_media_start() */
	struct sdp_session *offer_sdp;
	struct sdp_rewrite *offer_rw;
	struct target tgts[B2BUA_MAX_TARGETS];
	unsigned ntgts, cur;
	/* the current target: its next hops (a name: from DNS), tried in
	 * order from acur; tgt_host: the name[:port] for the Request-URI
	 * (NULL for IP literals and the sandbox) */
	struct dns_query *dnsq;	      /* owned: lookup in flight */
	struct dns_sip_target *addrs; /* owned: naddrs of them */
	unsigned naddrs, acur;
	char *tgt_host;	    /* owned */
	bool b_provisional; /* current target sent a 1xx > 100 */
	bool chan_held;
	int maxfwd;	     /* for the carrier INVITE */
	struct tmr tmr_try;  /* carrier response timeout */
	struct tmr tmr_ack;  /* 32022 */
	struct tmr tmr_retx; /* 2xx retransmission to the PBX */
	uint32_t retx_ms;
	char *a2xx_hdrs;       /* owned: headers of the 200 to A */
	struct buf *a2xx_body; /* ref */
	char contact_a[160];   /* Contact we give the PBX */
	char rr_a[160];	       /* Record-Route we give the PBX */
	char token[20];	       /* in Contact user and RR param */
	char (*ack_ev)[240];   /* owned: B2BUA_MAX_ACK_EVIDENCE lines,
				  allocated at the first misrouted ACK */
	unsigned nack_ev;
	struct sip_msg *a_invite; /* ref until confirmed: for alerts */
	char a_src[64];		  /* PBX address, for alerts */
	uint16_t last_scode;	  /* last carrier final, for failover */
	char last_reason[64];
	struct list xreqs;
	bool reinv_pending;		 /* a re-INVITE crosses (glare) */
	struct relay_call *media;	 /* owned: NULL without a relay */
	struct sockaddr_storage a_srcsa; /* PBX's signalling source */
	bool priv_alerted[2];		 /* 39031 raised for leg A / B */
	struct sip_trace trace;		 /* both legs' messages (owned) */
};

/* call.c */
int call_alloc(struct call **cp, struct b2bua *b, struct snapshot *snap,
	       struct admit_req *ar, struct tsx *st, struct sip_msg *msg,
	       const struct sip_recv *rx);
void call_end(struct call *c);
struct leg *call_leg_find(struct b2bua *b, struct sip_msg *msg);
void call_alert(struct call *c, uint32_t code, const char *const *ev,
		size_t nev);
/* "Name: value\r\n" of header id appended to the string buf[0..n) of sz
 * bytes, as str_append() does (the result >= sz: cut). */
size_t call_hdr_append(char *buf, size_t sz, size_t n, enum sip_hdr_id id,
		       const struct pl *val);
int call_send_request(struct call *c, struct leg *l, const char *method,
		      uint32_t cseq, const char *hdrs, const char *ctype,
		      const struct pl *body, tsx_h *h, void *arg,
		      struct tsx **ctp);
int call_send_ack(struct call *c, struct leg *l, uint32_t cseq,
		  const char *ctype, const struct pl *body);
void call_bye(struct call *c, struct leg *l);
/* Raise alert code. The trace: ct (a call's) when it holds messages,
 * else trace_msg as received from rx and resp (may be NULL) as the
 * response sent to it. */
void b2bua_alert_emit(struct b2bua *b, uint32_t code,
		      const struct admit_req *ar, const char *call_id,
		      const char *const *ev, size_t nev,
		      struct sip_msg *trace_msg, const struct sip_recv *rx,
		      const struct buf *resp, const struct sip_trace *ct);

/* reply.c */
int64_t b2bua_wall_ms(const struct b2bua *b);
/* Answer st on leg l of c and record the response in c's trace (c and l
 * may be NULL: no record). Returns as tsx_reply(). */
int call_reply(struct call *c, struct leg *l, struct tsx *st, uint16_t scode,
	       const char *reason, const char *hdrs, const char *ctype,
	       const struct pl *body);
/* Record a message in c's trace (nothing once the call ended). */
void call_trace(struct call *c, char leg, bool sent,
		const struct sockaddr_storage *src,
		const struct sockaddr_storage *dst, const char *msg,
		size_t len);
/* Record msg received on leg l (rx NULL: a response, from the leg's
 * next hop). */
void call_trace_rx(struct call *c, struct leg *l, struct sip_msg *msg,
		   const struct sip_recv *rx);

/* invite.c */
void invite_new(struct b2bua *b, struct tsx *st, struct sip_msg *msg,
		const struct sip_recv *rx);
int invite_carrier_start(struct call *c);
/* Drop the current target's lookup (no callback after) and addresses
 * (call_end() and the call's destructor). */
void invite_targets_release(struct call *c);

/* media.c */
int call_media_start(struct call *c);
int call_body_cross(struct call *c, struct leg *from, struct sip_msg *msg,
		    struct pl *body, struct buf **tmpp);
void call_media_end(struct call *c);
/* Neither loopback nor private/link-local/unspecified. */
bool addr_is_public(const struct sockaddr_storage *sa);

/* check.c */
/* 32105: whether the Contact of msg names an address that reaches less
 * far (loopback/localhost < private < public) than src, the address msg
 * came from; if so and ev is set, the evidence line goes into ev. */
bool contact_unroutable(struct sip_msg *msg,
			const struct sockaddr_storage *src, char *ev,
			size_t sz);

/* indialog.c */
void indialog_request(struct leg *l, struct tsx *st, struct sip_msg *msg,
		      const struct sip_recv *rx);
void indialog_ack(struct leg *l, struct sip_msg *msg,
		  const struct sip_recv *rx);
void xreq_flush(struct call *c);

#endif
