/* Header name table; see hdr.h. The lookup (sip_hdr_id) is generated from
 * this table into hdr_id.c by gen_hdr.py. */
#include "sip/hdr.h"

struct hdr_def {
	const char *name;
	char compact;
	bool list;
};

/* name, compact form (RFC 3261 §7.3.3, RFC 3265, 3515, 3892, 4028),
 * whether the value is a comma-separated list the parser splits. */
static const struct hdr_def hdr_defs[SIP_HDR_COUNT_] = {
	[SIP_HDR_ACCEPT] = {"Accept", 0, true},
	[SIP_HDR_ACCEPT_ENCODING] = {"Accept-Encoding", 0, true},
	[SIP_HDR_ACCEPT_LANGUAGE] = {"Accept-Language", 0, true},
	[SIP_HDR_ALERT_INFO] = {"Alert-Info", 0, true},
	[SIP_HDR_ALLOW] = {"Allow", 0, true},
	[SIP_HDR_ALLOW_EVENTS] = {"Allow-Events", 'u', true},
	[SIP_HDR_AUTHENTICATION_INFO] = {"Authentication-Info", 0, false},
	[SIP_HDR_AUTHORIZATION] = {"Authorization", 0, false},
	[SIP_HDR_CALL_ID] = {"Call-ID", 'i', false},
	[SIP_HDR_CALL_INFO] = {"Call-Info", 0, true},
	[SIP_HDR_CONTACT] = {"Contact", 'm', true},
	[SIP_HDR_CONTENT_DISPOSITION] = {"Content-Disposition", 0, false},
	[SIP_HDR_CONTENT_ENCODING] = {"Content-Encoding", 'e', true},
	[SIP_HDR_CONTENT_LANGUAGE] = {"Content-Language", 0, true},
	[SIP_HDR_CONTENT_LENGTH] = {"Content-Length", 'l', false},
	[SIP_HDR_CONTENT_TYPE] = {"Content-Type", 'c', false},
	[SIP_HDR_CSEQ] = {"CSeq", 0, false},
	[SIP_HDR_DATE] = {"Date", 0, false},
	[SIP_HDR_ERROR_INFO] = {"Error-Info", 0, true},
	[SIP_HDR_EVENT] = {"Event", 'o', false},
	[SIP_HDR_EXPIRES] = {"Expires", 0, false},
	[SIP_HDR_FROM] = {"From", 'f', false},
	[SIP_HDR_IN_REPLY_TO] = {"In-Reply-To", 0, true},
	[SIP_HDR_MAX_FORWARDS] = {"Max-Forwards", 0, false},
	[SIP_HDR_MIME_VERSION] = {"MIME-Version", 0, false},
	[SIP_HDR_MIN_EXPIRES] = {"Min-Expires", 0, false},
	[SIP_HDR_MIN_SE] = {"Min-SE", 0, false},
	[SIP_HDR_ORGANIZATION] = {"Organization", 0, false},
	[SIP_HDR_P_ASSERTED_IDENTITY] = {"P-Asserted-Identity", 0, true},
	[SIP_HDR_P_PREFERRED_IDENTITY] = {"P-Preferred-Identity", 0, true},
	[SIP_HDR_PRIORITY] = {"Priority", 0, false},
	[SIP_HDR_PRIVACY] = {"Privacy", 0, false},
	[SIP_HDR_PROXY_AUTHENTICATE] = {"Proxy-Authenticate", 0, false},
	[SIP_HDR_PROXY_AUTHORIZATION] = {"Proxy-Authorization", 0, false},
	[SIP_HDR_PROXY_REQUIRE] = {"Proxy-Require", 0, true},
	[SIP_HDR_RACK] = {"RAck", 0, false},
	[SIP_HDR_REASON] = {"Reason", 0, true},
	[SIP_HDR_RECORD_ROUTE] = {"Record-Route", 0, true},
	[SIP_HDR_REFER_TO] = {"Refer-To", 'r', false},
	[SIP_HDR_REFERRED_BY] = {"Referred-By", 'b', false},
	[SIP_HDR_REMOTE_PARTY_ID] = {"Remote-Party-ID", 0, false},
	[SIP_HDR_REPLY_TO] = {"Reply-To", 0, false},
	[SIP_HDR_REQUIRE] = {"Require", 0, true},
	[SIP_HDR_RETRY_AFTER] = {"Retry-After", 0, false},
	[SIP_HDR_ROUTE] = {"Route", 0, true},
	[SIP_HDR_RSEQ] = {"RSeq", 0, false},
	[SIP_HDR_SERVER] = {"Server", 0, false},
	[SIP_HDR_SESSION_EXPIRES] = {"Session-Expires", 'x', false},
	[SIP_HDR_SUBJECT] = {"Subject", 's', false},
	[SIP_HDR_SUPPORTED] = {"Supported", 'k', true},
	[SIP_HDR_TIMESTAMP] = {"Timestamp", 0, false},
	[SIP_HDR_TO] = {"To", 't', false},
	[SIP_HDR_UNSUPPORTED] = {"Unsupported", 0, true},
	[SIP_HDR_USER_AGENT] = {"User-Agent", 0, false},
	[SIP_HDR_VIA] = {"Via", 'v', true},
	[SIP_HDR_WARNING] = {"Warning", 0, true},
	[SIP_HDR_WWW_AUTHENTICATE] = {"WWW-Authenticate", 0, false},
	[SIP_HDR_X_TRUNKD_CALL_ID] = {"X-Trunkd-Call-ID", 0, false},
};

const char *sip_hdr_name(enum sip_hdr_id id)
{
	if ((unsigned)id >= SIP_HDR_COUNT_)
		return NULL;
	return hdr_defs[id].name;
}

bool sip_hdr_is_list(enum sip_hdr_id id)
{
	if ((unsigned)id >= SIP_HDR_COUNT_)
		return false;
	return hdr_defs[id].list;
}

char sip_hdr_compact(enum sip_hdr_id id)
{
	if ((unsigned)id >= SIP_HDR_COUNT_)
		return 0;
	return hdr_defs[id].compact;
}
