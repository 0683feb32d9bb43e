/* Header names: one table, long and compact forms, matched
 * case-insensitively as whole tokens (RFC 3261 §7.3.3, §20). */
#ifndef TRUNKD_SIP_HDR_H
#define TRUNKD_SIP_HDR_H

#include <stdbool.h>

#include "base/pl.h"

enum sip_hdr_id {
	SIP_HDR_OTHER = 0,
	SIP_HDR_ACCEPT,
	SIP_HDR_ACCEPT_ENCODING,
	SIP_HDR_ACCEPT_LANGUAGE,
	SIP_HDR_ALERT_INFO,
	SIP_HDR_ALLOW,
	SIP_HDR_ALLOW_EVENTS, /* u */
	SIP_HDR_AUTHENTICATION_INFO,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_CALL_ID, /* i */
	SIP_HDR_CALL_INFO,
	SIP_HDR_CONTACT, /* m */
	SIP_HDR_CONTENT_DISPOSITION,
	SIP_HDR_CONTENT_ENCODING, /* e */
	SIP_HDR_CONTENT_LANGUAGE,
	SIP_HDR_CONTENT_LENGTH, /* l */
	SIP_HDR_CONTENT_TYPE,	/* c */
	SIP_HDR_CSEQ,
	SIP_HDR_DATE,
	SIP_HDR_ERROR_INFO,
	SIP_HDR_EVENT, /* o */
	SIP_HDR_EXPIRES,
	SIP_HDR_FROM, /* f */
	SIP_HDR_IN_REPLY_TO,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_MIME_VERSION,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_MIN_SE,
	SIP_HDR_ORGANIZATION,
	SIP_HDR_P_ASSERTED_IDENTITY,
	SIP_HDR_P_PREFERRED_IDENTITY,
	SIP_HDR_PRIORITY,
	SIP_HDR_PRIVACY,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_RACK,
	SIP_HDR_REASON,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_REFER_TO,    /* r */
	SIP_HDR_REFERRED_BY, /* b */
	SIP_HDR_REMOTE_PARTY_ID,
	SIP_HDR_REPLY_TO,
	SIP_HDR_REQUIRE,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_ROUTE,
	SIP_HDR_RSEQ,
	SIP_HDR_SERVER,
	SIP_HDR_SESSION_EXPIRES, /* x */
	SIP_HDR_SUBJECT,	 /* s */
	SIP_HDR_SUPPORTED,	 /* k */
	SIP_HDR_TIMESTAMP,
	SIP_HDR_TO, /* t */
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_USER_AGENT,
	SIP_HDR_VIA, /* v */
	SIP_HDR_WARNING,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_X_TRUNKD_CALL_ID, /* our cross-leg call id (internal) */
	SIP_HDR_COUNT_
};

/* Id of a header name (long or compact form, any case, whole token:
 * "Contact" and "m" match, "Contacts" and "C%6Fntact" do not);
 * SIP_HDR_OTHER if unknown. No allocation, no strlen: a switch on the
 * length and the first letter, then one compare. */
enum sip_hdr_id sip_hdr_id(const struct pl *name);

/* Canonical long name ("Call-ID"); NULL for SIP_HDR_OTHER. */
const char *sip_hdr_name(enum sip_hdr_id id);

/* Compact form letter ('v' for Via), 0 when there is none. */
char sip_hdr_compact(enum sip_hdr_id id);

/* True when the header's grammar is a comma-separated list whose elements
 * may be split (Via, Route, Record-Route, Contact, Allow, Supported, ...). */
bool sip_hdr_is_list(enum sip_hdr_id id);

#endif
