/* SIP dialog state for one side of a call (RFC 3261 §12): Call-ID, tags,
 * CSeq numbers, remote target, route set and the next hop, plus the
 * printer of in-dialog requests. Used by both B2BUA legs and the sandbox
 * carrier. No I/O.
 *
 * Every string is owned (mem_strdup), so a dialog outlives the messages
 * that created it. dialog_reset() frees them; a zeroed struct dialog is
 * an empty one.
 */
#ifndef TRUNKD_B2BUA_DIALOG_H
#define TRUNKD_B2BUA_DIALOG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/buf.h"
#include "net/transp.h"
#include "sip/msg.h"

struct dialog {
	char *callid;	       /* owned */
	char *ltag;	       /* owned: our tag */
	char *rtag;	       /* owned: the peer's tag, NULL while early */
	char *luri;	       /* owned: our From/To name-addr, without tag */
	char *ruri;	       /* owned: the peer's, without tag */
	char *rtarget;	       /* owned: the peer's Contact URI */
	char *routes;	       /* owned: route set, "<a>,<b>", or NULL */
	uint32_t lcseq;	       /* last CSeq we sent */
	uint32_t rcseq;	       /* last CSeq the peer sent */
	enum sip_transport tp; /* transport to the next hop */
	struct sockaddr_storage dst; /* next hop */
	struct sip_conn *conn;	     /* ref: TCP connection, or NULL */
};

/* Free the strings and the connection reference; zero d. */
void dialog_reset(struct dialog *d);

/* UAS side: fill d from a received dialog-creating request. ltag is our
 * To tag. The route set is the request's Record-Route in order; the
 * remote target its Contact. The next hop is the first route (loose
 * routing) or the remote target when its host is an IP literal, else
 * the request's source address; over TCP the connection is kept.
 * Returns 0, EBADMSG (no usable From/Call-ID/CSeq/Contact) or ENOMEM. */
int dialog_uas_init(struct dialog *d, struct sip_msg *req,
		    const struct sip_recv *rx, const char *ltag);

/* UAC side, when our dialog-creating request gets a 2xx or a
 * provisional with a To tag: the peer's tag, Contact, and the route set
 * (Record-Route reversed); the next hop is recomputed from them, falling
 * back to the address the request went to. Returns 0, EBADMSG or
 * ENOMEM. */
int dialog_uac_confirm(struct dialog *d, struct sip_msg *resp);

/* Recompute d->dst from the route set / remote target; keeps d->dst when
 * neither names an IP literal. Returns 0 or EINVAL (no usable hop). */
int dialog_nexthop_update(struct dialog *d);

/* Print an in-dialog request into mb: Request-URI = remote target, our
 * Via (via_hostport, transport, branch), Route, Max-Forwards (maxfwd, or
 * 70 when negative), From/To with the tags, Call-ID, CSeq cseq method,
 * then hdrs (complete lines or NULL), Content-Type ctype and the body
 * (both optional), and Content-Length. Returns 0, EINVAL or ENOMEM. */
int dialog_request_print(struct buf *mb, const struct dialog *d,
			 const char *method, uint32_t cseq,
			 const char *via_hostport, const char *branch,
			 int maxfwd, const char *hdrs, const char *ctype,
			 const struct pl *body);

/* Whether msg (a request) belongs to d: same Call-ID, its From tag is
 * d's remote tag and its To tag d's local tag. */
bool dialog_match(const struct dialog *d, struct sip_msg *msg);

/* Random hex token (tags, Call-IDs) of n chars plus NUL into buf. */
void dialog_token(char *buf, size_t n);

#endif
