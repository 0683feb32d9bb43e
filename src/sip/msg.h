/* SIP message: zero-copy parse of one request or response (RFC 3261 §7,
 * §25) and lazy access to its headers. No I/O here.
 *
 * sip_msg_decode() splits the start line and every header once into
 * (id, name, value) slices pointing into the message buffer, which the
 * message holds a reference on. Values of the headers a proxy needs are
 * parsed on first access and cached (sip_msg_via(), sip_msg_from(), ...).
 *
 * Strict where RFC 3261 is: one SP between start-line elements, SIP/2.0
 * only, 3-digit status 100..699, CSeq number < 2**31 and method equal to
 * the request's, Max-Forwards 0..255, no headers in a sip(s) Request-URI,
 * one Call-ID/CSeq/From/To/Max-Forwards/Content-Length/Content-Type,
 * mandatory Via/From/To/Call-ID/CSeq, no empty comma-list elements, and on
 * datagrams a Content-Length larger than the bytes left is an error
 * (§18.3; bytes after the body are ignored).
 * Lenient where robustness costs nothing: bare LF line endings, CRLFs
 * before the start line (§7.5), and a datagram that ends right after its
 * last header line without the empty line (the RFC 5118 files as
 * published lack it). Max-Forwards is optional (RFC 2543 peers).
 */
#ifndef TRUNKD_SIP_MSG_H
#define TRUNKD_SIP_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/pl.h"
#include "sip/addr.h"
#include "sip/hdr.h"
#include "sip/uri.h"
#include "sip/via.h"

/* Abuse limits; a message over one is invalid with a reason naming it. */
enum {
	SIP_MSG_MAX_SIZE = 65535,   /* whole message, bytes */
	SIP_MSG_MAX_HDRS = 256,	    /* header field values (after splitting
				       comma lists of Via/Route/...) */
	SIP_MSG_MAX_HDR_LEN = 8192, /* one header field line, unfolded */
	SIP_MSG_MAX_URI_LEN = 4096,
	SIP_MSG_INLINE_HDRS = 32, /* header slots inside struct sip_msg;
				     more cost one extra allocation */
};

enum sip_method {
	SIP_METHOD_UNKNOWN = 0, /* extension method: see msg->method_name */
	SIP_METHOD_INVITE,
	SIP_METHOD_ACK,
	SIP_METHOD_BYE,
	SIP_METHOD_CANCEL,
	SIP_METHOD_OPTIONS,
	SIP_METHOD_REGISTER,
	SIP_METHOD_PRACK,
	SIP_METHOD_UPDATE,
	SIP_METHOD_INFO,
	SIP_METHOD_REFER,
	SIP_METHOD_NOTIFY,
	SIP_METHOD_SUBSCRIBE,
	SIP_METHOD_MESSAGE,
	SIP_METHOD_PUBLISH,
};

/* One header field value. A header line holding a comma-separated list
 * (for headers whose grammar is a list: Via, Route, Record-Route, Contact,
 * Allow, Supported, ...) is split into one entry per element, in order. */
struct sip_hdr {
	enum sip_hdr_id id; /* SIP_HDR_OTHER for unknown names */
	struct pl name;	    /* as written (compact or long form) */
	struct pl val;	    /* trimmed value; folding left in place */
	struct pl line;	    /* the whole header line this value came from,
			       without its CRLF (shared by list elements) */
};

struct sip_cseq {
	uint32_t num;
	enum sip_method method;
	struct pl method_name;
};

struct sip_msg {
	struct buf *mb; /* ref: holds the bytes every pl points into */
	struct pl raw;	/* the whole message (headers + body) */

	bool req;
	/* request line */
	enum sip_method method;
	struct pl method_name;
	struct pl ruri_raw;
	struct sip_uri ruri; /* parsed at decode */
	/* status line */
	uint16_t scode;
	struct pl reason;
	struct pl version; /* "SIP/2.0" */

	struct sip_hdr *hdrs; /* nhdrs entries in message order: points to
				 inline_hdrs, or to an owned overflow array */
	uint32_t nhdrs;
	uint64_t hdr_mask; /* bit id set: a header of that id is present */

	/* quick access, set at decode (NULL when absent) */
	const struct sip_hdr *h_via; /* topmost Via */
	const struct sip_hdr *h_from;
	const struct sip_hdr *h_to;
	const struct sip_hdr *h_callid;
	const struct sip_hdr *h_cseq;
	const struct sip_hdr *h_maxfwd;
	const struct sip_hdr *h_clen;
	const struct sip_hdr *h_ctype;
	const struct sip_hdr *h_contact; /* first Contact */
	const struct sip_hdr *h_route;	 /* first Route */
	const struct sip_hdr *h_rr;	 /* first Record-Route */

	struct pl callid; /* value of Call-ID */
	struct sip_cseq cseq;
	uint32_t clen; /* Content-Length (0 when absent on datagrams) */
	bool has_clen;
	int32_t maxfwd; /* -1 when absent */
	struct pl body;

	/* lazily parsed, cached; use the accessors below */
	struct {
		uint8_t via, from, to, contact; /* 0 not parsed yet, 1 ok,
						   2 malformed */
		struct sip_via via_v;
		struct sip_addr from_v, to_v, contact_v;
	} cache;

	struct sip_hdr inline_hdrs[SIP_MSG_INLINE_HDRS]; /* keep last */
};

/* Parse one complete message from pl (e.g. a UDP datagram or a framed TCP
 * message). mb, if not NULL, is referenced so the slices stay valid; the
 * caller must otherwise keep pl's bytes alive as long as the message.
 *
 * stream: when true (TCP/TLS) Content-Length is mandatory and the body is
 * exactly that long; on datagrams a missing Content-Length means the rest
 * of the datagram and a shorter datagram than Content-Length is invalid.
 *
 * Returns 0 and sets *msgp; or EBADMSG/EMSGSIZE/ENOMEM, with a static,
 * human-readable reason naming the fault in *reasonp (may be NULL) — e.g.
 * "Missing Call-ID", "Duplicate CSeq header", "Malformed Via header".
 * The reason is fit for a 400 reason phrase.
 */
int sip_msg_decode(struct sip_msg **msgp, const struct pl *pl, struct buf *mb,
		   bool stream, const char **reasonp);

/* Full well-formedness check (what sipcheck calls "valid"): parses every
 * header sip_msg_decode() leaves lazy and whose grammar trunkd knows (all
 * Via values, From, To, Contact, Route, Record-Route, Date, Expires,
 * Content-Type, option-tag lists, ...). Unknown headers are kept as they
 * are. Returns 0 or EBADMSG with a static reason (e.g. "Malformed To
 * header") in *reasonp. Not needed on the fast path: the accessors below
 * report EBADMSG for the header they parse. */
int sip_msg_validate(struct sip_msg *msg, const char **reasonp);

/* Stream framing: given bytes received on a connection, find the end of
 * the first complete message. Returns 0 and sets *lenp to its length; or
 * ENODATA (need more bytes); or EBADMSG with *reasonp (bad or missing
 * Content-Length, headers over the limit). Leading CRLFs (keep-alives) are
 * reported as *skipp bytes to discard before the message; *skipp is set
 * on ENODATA too, so a lone keep-alive can be dropped. */
int sip_msg_frame(const struct pl *data, size_t *skipp, size_t *lenp,
		  const char **reasonp);

/* First header with id / with name (case-insensitive, compact forms
 * matched), or NULL; next after prev. */
const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg,
				  enum sip_hdr_id id);
const struct sip_hdr *sip_msg_hdr_next(const struct sip_msg *msg,
				       const struct sip_hdr *prev);
const struct sip_hdr *sip_msg_hdr_name(const struct sip_msg *msg,
				       const struct pl *name);
uint32_t sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr_id id);

/* Lazily parsed, cached values. Return 0 or EBADMSG (malformed) / ENOENT
 * (absent); *outp points into the message cache (valid while msg lives). */
int sip_msg_via(struct sip_msg *msg, const struct sip_via **outp);
int sip_msg_from(struct sip_msg *msg, const struct sip_addr **outp);
int sip_msg_to(struct sip_msg *msg, const struct sip_addr **outp);
int sip_msg_contact(struct sip_msg *msg, const struct sip_addr **outp);

enum sip_method sip_method_from_pl(const struct pl *name);
const char *sip_method_name(enum sip_method m);

/* Default reason phrase for a status code ("Not Found"), "" if unknown. */
const char *sip_reason_phrase(uint16_t scode);

#endif
