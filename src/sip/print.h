/* SIP message printer: builds requests and responses, and re-emits a
 * received message with edits (remove, replace, insert headers, a new top
 * Via, a new Request-URI, a new body) without reparsing it. Output goes to
 * a struct buf at its pos; on error the buffer is restored to where it
 * was (no partial message is left behind). No I/O here. */
#ifndef TRUNKD_SIP_PRINT_H
#define TRUNKD_SIP_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/pl.h"
#include "sip/hdr.h"
#include "sip/msg.h"

enum sip_edit_op {
	SIP_EDIT_REMOVE = 1,	/* drop the header value */
	SIP_EDIT_REPLACE,	/* the header value becomes val */
	SIP_EDIT_INSERT_BEFORE, /* a new "name: val" before the header */
	SIP_EDIT_INSERT_AFTER,	/* a new "name: val" after the header */
};

struct sip_edit {
	enum sip_edit_op op;
	const struct sip_hdr *hdr; /* weak: an entry of the msg's hdrs */
	struct pl name;		   /* inserts: the new header's name */
	struct pl val;		   /* replace / inserts: the value */
};

enum { SIP_EDITS_MAX = 32 };

/* Edits to apply while re-emitting one message. Every pl is weak: its
 * bytes must stay valid until sip_print_msg() returns. */
struct sip_edits {
	struct sip_edit e[SIP_EDITS_MAX];
	uint32_t n;
	struct pl ruri; /* set: new Request-URI (requests only) */
	struct pl via;	/* set: value of a Via put above the top one */
	bool set_body;	/* true: body replaces the message body */
	struct pl body;
	struct pl append; /* raw header lines added after the last header,
			     each "Name: value\r\n" */
};

/* Empty edit list. */
void sip_edits_init(struct sip_edits *ed);

/* Add one edit keyed by a header of the message to re-emit (an entry of
 * msg->hdrs; for a comma list, one element). Several edits may name the
 * same header (e.g. insert before and after it). Return 0, EINVAL (NULL
 * hdr/name, or name not a token) or ENOSPC (SIP_EDITS_MAX reached). */
int sip_edit_remove(struct sip_edits *ed, const struct sip_hdr *hdr);
int sip_edit_replace(struct sip_edits *ed, const struct sip_hdr *hdr,
		     const struct pl *val);
int sip_edit_insert(struct sip_edits *ed, const struct sip_hdr *hdr,
		    bool after, const struct pl *name, const struct pl *val);

/* Re-emit msg with ed applied (ed may be NULL: a copy). Lines holding no
 * edited value are copied byte for byte (CRLF-terminated); a comma list
 * line with an edited element is re-emitted one value per line. The
 * Content-Length is always rewritten to the length of the body emitted
 * (added after the last header if the message had none). Returns 0,
 * EINVAL or ENOMEM. */
int sip_print_msg(struct buf *b, const struct sip_msg *msg,
		  const struct sip_edits *ed);

/* Builders for new messages. Each appends one piece at b->pos.
 * Request-Line: "METHOD SP ruri SP SIP/2.0 CRLF".
 * Status-Line: reason NULL or "" uses sip_reason_phrase(scode); control
 * characters in the phrase are printed as spaces.
 * Header: "Name: value CRLF" with the canonical long name of id (id must
 * not be SIP_HDR_OTHER), or with a caller name.
 * Body: optional Content-Type, then Content-Length, the empty line and
 * the body (NULL = no body, Content-Length: 0).
 * All return 0, EINVAL or ENOMEM. */
int sip_print_request_line(struct buf *b, const struct pl *method,
			   const struct pl *ruri);
int sip_print_status_line(struct buf *b, uint16_t scode, const char *reason);
int sip_print_hdr(struct buf *b, enum sip_hdr_id id, const struct pl *val);
int sip_print_hdr_name(struct buf *b, const struct pl *name,
		       const struct pl *val);
int sip_print_hdrf(struct buf *b, enum sip_hdr_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sip_print_body(struct buf *b, const struct pl *ctype,
		   const struct pl *body);

/* A response to req per RFC 3261 §8.2.6: the status line, then every Via
 * (in order), From, To, Call-ID and CSeq copied from req; to_tag (may be
 * NULL) is added to To when To has no tag yet; a 100 also copies
 * Timestamp (§8.2.6.1). extra_headers (may be NULL) are raw lines, each
 * "Name: value\r\n" (e.g. Contact, Record-Route, Content-Type), put after
 * them; then Content-Length and body (may be NULL). Returns 0, EINVAL
 * (req not a request, scode out of 100..699) or ENOMEM. */
int sip_print_response(struct buf *b, const struct sip_msg *req,
		       uint16_t scode, const char *reason,
		       const struct pl *to_tag, const struct pl *extra_headers,
		       const struct pl *body);

/* As sip_print_response(), with the value of req's topmost Via replaced
 * by top_via (NULL or empty: as received) -- for a server adding
 * received/rport (RFC 3581). Other values on that Via line stay. */
int sip_print_response_via(struct buf *b, const struct sip_msg *req,
			   const struct pl *top_via, uint16_t scode,
			   const char *reason, const struct pl *to_tag,
			   const struct pl *extra_headers,
			   const struct pl *body);

#endif
