/* Full well-formedness check of a decoded message (RFC 3261 §25 grammar
 * of the headers sip_msg_decode() leaves lazy); see msg.h. */
#include "sip/msg.h"

#include <errno.h>
#include <string.h>

#include "sip/sip_int.h"

static const char *const wkdays[] = {"mon", "tue", "wed", "thu",
				     "fri", "sat", "sun"};
static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
				     "jul", "aug", "sep", "oct", "nov", "dec"};

static bool in_list(const char *p, const char *const *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sc_caseeq(p, 3, l[i], 3))
			return true;
	return false;
}

static bool digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!sc_is(p[i], SC_DIGIT))
			return false;
	return true;
}

/* rfc1123-date = wkday "," SP date1 SP time SP "GMT"
 * e.g. "Sat, 13 Nov 2010 23:29:00 GMT" (29 bytes) */
static bool date_ok(const struct pl *v)
{
	const char *p = v->p;

	if (v->l != 29)
		return false;
	return in_list(p, wkdays, 7) && p[3] == ',' && p[4] == ' ' &&
	       digits(p + 5, 2) && p[7] == ' ' && in_list(p + 8, months, 12) &&
	       p[11] == ' ' && digits(p + 12, 4) && p[16] == ' ' &&
	       digits(p + 17, 2) && p[19] == ':' && digits(p + 20, 2) &&
	       p[22] == ':' && digits(p + 23, 2) && p[25] == ' ' &&
	       SC_CASEEQ(p + 26, 3, "gmt");
}

/* 1*DIGIT (any length: large delta-seconds are clamped by users) */
static bool delta_ok(const struct pl *v)
{
	return v->l && digits(v->p, v->l);
}

/* delta-seconds followed by generic params (Session-Expires, Min-SE,
 * Retry-After without comment). */
static bool delta_params_ok(const struct pl *v)
{
	const char *e = v->p + v->l;
	const char *q = sc_span(v->p, e, SC_DIGIT);

	if (q == v->p)
		return false;
	if (q < e && *q == '(') /* Retry-After comment: not checked */
		return true;
	q = sip_scan_params(q, e);
	return q && sc_ws(q, e) == e;
}

/* token [params] (Event, Content-Disposition, option tags, Allow) */
static bool token_params_ok(const struct pl *v, bool params)
{
	const char *e = v->p + v->l;
	const char *q = sc_span(v->p, e, SC_TOKEN);

	if (q == v->p)
		return false;
	if (params) {
		q = sip_scan_params(q, e);
		if (!q)
			return false;
		q = sc_ws(q, e);
	}
	return q == e;
}

/* media-type = m-type SLASH m-subtype *(SEMI m-parameter) */
static bool ctype_ok(const struct pl *v)
{
	const char *p = v->p, *e = p + v->l, *q;

	q = sc_span(p, e, SC_TOKEN);
	if (q == p)
		return false;
	q = sc_ws(q, e);
	if (q >= e || *q != '/')
		return false;
	p = sc_ws(q + 1, e);
	q = sc_span(p, e, SC_TOKEN);
	if (q == p)
		return false;
	q = sip_scan_params(q, e);
	return q && sc_ws(q, e) == e;
}

static const char *check_hdr(const struct sip_hdr *h)
{
	struct sip_addr a;
	struct sip_via v;

	switch (h->id) {
	case SIP_HDR_VIA:
		return sip_via_decode(&v, &h->val) ? "Malformed Via header"
						   : NULL;
	case SIP_HDR_FROM:
		return sip_addr_decode(&a, &h->val) || a.star
			       ? "Malformed From header"
			       : NULL;
	case SIP_HDR_TO:
		return sip_addr_decode(&a, &h->val) || a.star
			       ? "Malformed To header"
			       : NULL;
	case SIP_HDR_CONTACT:
		return sip_addr_decode(&a, &h->val)
			       ? "Malformed Contact header"
			       : NULL;
	case SIP_HDR_ROUTE:
		return sip_addr_decode(&a, &h->val) || !a.uri.raw.p ||
				       a.uri.raw.p == a.raw.p
			       ? "Malformed Route header"
			       : NULL;
	case SIP_HDR_RECORD_ROUTE:
		return sip_addr_decode(&a, &h->val) || !a.uri.raw.p ||
				       a.uri.raw.p == a.raw.p
			       ? "Malformed Record-Route header"
			       : NULL;
	case SIP_HDR_P_ASSERTED_IDENTITY:
	case SIP_HDR_P_PREFERRED_IDENTITY:
	case SIP_HDR_REFER_TO:
	case SIP_HDR_REFERRED_BY:
	case SIP_HDR_REPLY_TO:
		return sip_addr_decode(&a, &h->val) || a.star
			       ? "Malformed address header"
			       : NULL;
	case SIP_HDR_DATE:
		return date_ok(&h->val) ? NULL : "Malformed Date header";
	case SIP_HDR_EXPIRES:
		return delta_ok(&h->val) ? NULL : "Malformed Expires header";
	case SIP_HDR_MIN_EXPIRES:
		return delta_ok(&h->val) ? NULL
					 : "Malformed Min-Expires header";
	case SIP_HDR_RSEQ:
		return delta_ok(&h->val) ? NULL : "Malformed RSeq header";
	case SIP_HDR_SESSION_EXPIRES:
	case SIP_HDR_MIN_SE:
	case SIP_HDR_RETRY_AFTER:
		return delta_params_ok(&h->val) ? NULL
						: "Malformed delta-seconds "
						  "header";
	case SIP_HDR_CONTENT_TYPE:
		return ctype_ok(&h->val) ? NULL
					 : "Malformed Content-Type header";
	case SIP_HDR_EVENT:
	case SIP_HDR_CONTENT_DISPOSITION:
		return token_params_ok(&h->val, true) ? NULL
						      : "Malformed token "
							"header";
	case SIP_HDR_REQUIRE:
	case SIP_HDR_PROXY_REQUIRE:
	case SIP_HDR_SUPPORTED:
	case SIP_HDR_UNSUPPORTED:
	case SIP_HDR_ALLOW:
	case SIP_HDR_CONTENT_ENCODING:
	case SIP_HDR_ALLOW_EVENTS:
		/* empty Supported/Allow is legal */
		return !h->val.l || token_params_ok(&h->val, false)
			       ? NULL
			       : "Malformed token list header";
	default:
		return NULL;
	}
}

int sip_msg_validate(struct sip_msg *msg, const char **reasonp)
{
	const char *reason = NULL;
	uint32_t ncontact = 0;
	bool star = false;

	if (!msg)
		return EINVAL;
	for (uint32_t i = 0; i < msg->nhdrs && !reason; i++) {
		const struct sip_hdr *h = &msg->hdrs[i];

		reason = check_hdr(h);
		if (!reason && h->id == SIP_HDR_CONTACT) {
			ncontact++;
			star |= h->val.l == 1 && h->val.p[0] == '*';
		}
	}
	if (!reason && star && ncontact > 1)
		reason = "Contact '*' mixed with other contacts";
	if (reason) {
		if (reasonp)
			*reasonp = reason;
		return EBADMSG;
	}
	return 0;
}
