/* The alert catalog: every code trunkd raises, with its level, the SIP
 * response the trunk sends and a diagnosis in plain words. Source of truth
 * for docs/alerts.md (keep the two in step). Codes 32xxx and 10004 are
 * Twilio's public codes for the same conditions; 39xxx are trunkd's own. */
#include "alert/alert.h"

#include <stddef.h>

static const struct alert_def catalog[] = {
	/* Termination (PBX -> trunk -> PSTN) */
	{
		.code = 39001,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 0,
		.reason = NULL,
		.title = "Request-URI host is not a termination domain",
		.cause = "The request names a host in its Request-URI that is "
			 "not the termination SIP domain of any trunk. trunkd "
			 "treats requests for unknown domains as hostile and "
			 "drops them without an answer.",
		.fix = "Point the PBX at the trunk's termination URI "
		       "(<name>.pstn.<your domain>) exactly as configured on "
		       "the trunk; if the traffic is not yours, block the "
		       "source address.",
	},
	{
		.code = 32006,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 483,
		.reason = "Too Many Hops",
		.title = "Max-Forwards reached 0",
		.cause = "The request arrived with Max-Forwards 0: it has "
			 "crossed too many proxies, usually a routing loop.",
		.fix = "Check the PBX and any proxies in front of it for a "
		       "loop that sends the call back to itself.",
	},
	{
		.code = 32201,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 403,
		.reason = "Forbidden",
		.title = "Source IP not in the trunk's IP access lists",
		.cause = "The INVITE came from an address that is in none of "
			 "the IP access control lists associated with the "
			 "trunk, and carried no digest credentials.",
		.fix = "Add the PBX's public address to an IP access control "
		       "list of the trunk (trunkctl ip-acls add-address), or "
		       "associate a credential list and configure the PBX "
		       "with its username and password.",
	},
	{
		.code = 32202,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 403,
		.reason = "Forbidden",
		.title = "Digest credentials wrong",
		.cause = "After the trunk's 407 challenge the PBX answered "
			 "with credentials that do not match any credential "
			 "list of the trunk.",
		.fix = "Set the PBX's SIP username and password to a "
		       "credential of a credential list associated with the "
		       "trunk (trunkctl credential-lists).",
	},
	{
		.code = 32106,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 403,
		.reason = "Forbidden",
		.title = "Authorization username differs from the credential",
		.cause = "The username in the Authorization header is not the "
			 "username of the credential the digest was computed "
			 "for.",
		.fix = "Use the same value for the PBX's authentication "
		       "username and the credential's username.",
	},
	{
		.code = 32200,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 403,
		.reason = "Forbidden",
		.title = "Trunk has no authentication, or account inactive",
		.cause = "The trunk has neither an IP access control list nor "
			 "a credential list, so no caller can be admitted; or "
			 "the account is suspended or closed.",
		.fix = "Associate an IP access control list or a credential "
		       "list with the trunk, and check the account's status.",
	},
	{
		.code = 32101,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 400,
		.reason = "Invalid Phone Number",
		.title = "Called number is not E.164",
		.cause = "The user part of the Request-URI is not an E.164 "
			 "number: '+' then 8 to 15 digits starting with a "
			 "valid country code.",
		.fix = "Make the PBX send the number in E.164 form, e.g. "
		       "sip:+14155550100@<trunk domain>; add the country code "
		       "and strip national or international prefixes.",
	},
	{
		.code = 32100,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 400,
		.reason = "The number is unverified",
		.title = "Trial account: destination not verified",
		.cause = "Trial accounts can only call verified caller IDs, "
			 "and the called number is not one.",
		.fix = "Verify the number (trunkctl caller-ids create) or "
		       "upgrade the account.",
	},
	{
		.code = 32204,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 403,
		.reason = "Invalid Caller ID",
		.title = "Trial account: caller ID not allowed",
		.cause = "On a trial account the caller ID (From, or "
			 "P-Asserted-Identity / Remote-Party-ID when From "
			 "carries no number) must be one of the account's "
			 "numbers or a verified caller ID.",
		.fix = "Send one of the account's phone numbers or a "
		       "verified caller ID as the calling number.",
	},
	{
		.code = 32206,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 403,
		.reason = "Invalid Caller ID",
		.title = "Caller ID not E.164 or on the do-not-originate list",
		.cause = "The calling number in From is not in E.164 form, or "
			 "it is on the do-not-originate list.",
		.fix = "Send the caller ID as '+' followed by country code "
		       "and number; do not use numbers that may not place "
		       "calls.",
	},
	{
		.code = 32203,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 403,
		.reason = "Phone number is blacklisted for verification",
		.title = "Destination on the deny list",
		.cause = "The called number is on the deny list (fraud or "
			 "regulatory block).",
		.fix = "Do not call this number; if the block is wrong, "
		       "remove the entry (trunkctl deny-list delete).",
	},
	{
		.code = 32205,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 403,
		.reason = "No International Authorization",
		.title = "Destination not enabled in dialing permissions",
		.cause = "The destination country, or the high-risk number "
			 "range it belongs to, is not enabled in the "
			 "account's dialing (geo) permissions.",
		.fix = "Enable the country (trunkctl dialing-permissions "
		       "update) if calls there are intended.",
	},
	{
		.code = 32001,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 503,
		.reason = "Trunk CPS limit exceeded",
		.title = "Trunk calls per second over the limit",
		.cause = "The PBX started more termination calls per second "
			 "than the trunk allows (default 1 CPS).",
		.fix = "Pace call attempts on the PBX, or raise the trunk's "
		       "CPS limit.",
	},
	{
		.code = 10004,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 503,
		.reason = "Trunk concurrent call limit exceeded",
		.title = "Concurrent calls over the limit",
		.cause = "The trunk or account already has as many calls in "
			 "progress as it may have (trial accounts: 4).",
		.fix = "Wait for calls to end, limit channels on the PBX, or "
		       "raise the limit.",
	},
	{
		.code = 32102,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 400,
		.reason = "Bad SDP",
		.title = "SDP malformed",
		.cause = "The SDP body of the request could not be parsed.",
		.fix = "Fix the PBX's SDP; the evidence shows the offending "
		       "line.",
	},
	{
		.code = 32103,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 400,
		.reason = "Bad Request",
		.title = "INVITE without an SDP offer",
		.cause = "The INVITE carries no body, but the trunk needs an "
			 "SDP offer in the INVITE.",
		.fix = "Configure the PBX to send SDP in the initial INVITE "
		       "(disable late offer / delayed media).",
	},
	{
		.code = 39010,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 415,
		.reason = "Unsupported Media Type",
		.title = "No supported codec offered",
		.cause = "The SDP offers no codec the trunk supports "
			 "(default: PCMU only).",
		.fix = "Allow G.711 mu-law (PCMU) on the PBX for this trunk.",
	},
	{
		.code = 32105,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 0,
		.reason = "(call proceeds)",
		.title = "Contact header is unroutable",
		.cause = "The Contact header names 127.0.0.1, localhost or "
			 "another address the trunk cannot reach; in-dialog "
			 "requests may fail.",
		.fix = "Configure the PBX's external (public) address so it "
		       "puts a reachable address in Contact.",
	},
	{
		.code = 32022,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 0,
		.reason = "BYE",
		.title = "No ACK for the 200 OK",
		.cause = "No ACK arrived 32 s after the 200 OK, so the call "
			 "was torn down with BYE on both legs. Typically the "
			 "ACK was sent to an address other than the 200 OK's "
			 "Contact, or not via its Record-Route, or the PBX "
			 "rewrote the trunk's address.",
		.fix = "Make the PBX send the ACK to the Contact of the 200 "
		       "OK through the Record-Route set, and do not rewrite the "
		       "trunk's addresses (check SIP ALG on the firewall).",
	},
	{
		.code = 32014,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 0,
		.reason = "BYE",
		.title = "No RTP received: call torn down",
		.cause = "No RTP arrived for the RTP timeout, so the call was "
			 "ended with BYE.",
		.fix = "Check that the PBX sends media to the address in the "
		       "trunk's SDP and that no firewall blocks RTP.",
	},
	{
		.code = 32015,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_TERMINATION,
		.status = 0,
		.reason = "BYE",
		.title = "Call longer than the maximum duration",
		.cause = "The call lasted longer than the maximum duration "
			 "(24 h) and was ended with BYE.",
		.fix = "Check the PBX for calls left hanging (missed BYE).",
	},
	{
		.code = 32207,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 488,
		.reason = "Not Acceptable Here",
		.title = "SRTP offered on a trunk without secure trunking",
		.cause = "The SDP offers SRTP but the trunk does not have "
			 "secure trunking enabled.",
		.fix = "Enable secure trunking on the trunk, or make the PBX "
		       "offer plain RTP.",
	},
	{
		.code = 32208,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 488,
		.reason = "Not Acceptable Here",
		.title = "Plain RTP offered on a secure trunk",
		.cause = "The trunk requires SRTP but the SDP offers plain "
			 "RTP.",
		.fix = "Enable SRTP (RTP/SAVP with crypto) on the PBX, or "
		       "turn off secure trunking.",
	},
	{
		.code = 32209,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 403,
		.reason = "Forbidden",
		.title = "UDP or TCP used on a secure trunk",
		.cause = "The trunk requires TLS signalling but the request "
			 "came over UDP or TCP.",
		.fix = "Configure the PBX to use TLS (port 5061, "
		       "transport=tls) for this trunk.",
	},
	{
		.code = 32222,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_TERMINATION,
		.status = 0,
		.reason = "handshake refused",
		.title = "TLS version below 1.2",
		.cause = "The PBX offered a TLS version older than 1.2; the "
			 "handshake was refused.",
		.fix = "Enable TLS 1.2 or newer on the PBX.",
	},
	/* Origination (PSTN -> trunk -> PBX) */
	{
		.code = 32010,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_ORIGINATION,
		.status = 503,
		.reason = "Service Unavailable",
		.title = "No usable origination URL",
		.cause = "The called number's trunk has no enabled, valid "
			 "origination URL (or the number has no trunk: 404).",
		.fix = "Add an origination URL to the trunk (trunkctl "
		       "origination-urls create) and enable it, or attach "
		       "the number to a trunk.",
	},
	{
		.code = 32011,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_ORIGINATION,
		.status = 0,
		.reason = "next URL, finally 408 or 504",
		.title = "Origination URL attempt failed",
		.cause = "One attempt to deliver the call to an origination "
			 "URL failed: no response within 4 s, a DNS failure, "
			 "or an error response (shown in the evidence).",
		.fix = "Check that the PBX at that URL is up, reachable from "
		       "the trunk and accepts calls from the trunk's "
		       "signalling addresses.",
	},
	{
		.code = 39020,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_ORIGINATION,
		.status = 0,
		.reason = "next URL",
		.title = "Origination URL does not resolve",
		.cause = "The origination URL's host has no NAPTR, SRV or "
			 "A/AAAA record.",
		.fix = "Fix the DNS records of the host, or use an IP address "
		       "in the origination URL.",
	},
	{
		.code = 39021,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_ORIGINATION,
		.status = 0,
		.reason = "(call proceeds)",
		.title = "PBX's 200 OK has a private Contact",
		.cause = "The PBX's 200 OK carries a private or loopback "
			 "address in Contact: the trunk's ACK cannot reach "
			 "it, so the PBX will hang up after about 30 s.",
		.fix = "Set the PBX's external address (NAT settings), or "
		       "enable the trunk's fix for NATed contacts.",
	},
	{
		.code = 39022,
		.level = ALERT_LEVEL_ERROR,
		.kind = ALERT_KIND_ORIGINATION,
		.status = 0,
		.reason = NULL,
		.title = "PBX changed a Via header",
		.cause = "The PBX's response carries a Via header different "
			 "from the one the trunk sent; the response cannot be "
			 "matched and is dropped.",
		.fix = "Turn off Via rewriting on the PBX or its firewall "
		       "(SIP ALG).",
	},
	{
		.code = 39023,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_ORIGINATION,
		.status = 0,
		.reason = "next URL",
		.title = "PBX challenged the trunk",
		.cause = "The PBX answered 401 or 407: it does not recognise "
			 "the trunk's signalling addresses as a peer.",
		.fix = "Add the trunk's signalling addresses to the PBX's "
		       "trusted peers (IP authentication) for this trunk.",
	},
	{
		.code = 39024,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_ORIGINATION,
		.status = 0,
		.reason = "retried once",
		.title = "PBX answered 422 Session Interval Too Small",
		.cause = "The PBX's Session-Expires/Min-SE is larger than the "
			 "request's; the trunk retried once with the PBX's "
			 "Min-SE.",
		.fix = "Lower the PBX's minimum session timer (Min-SE) to 90 "
		       "s or accept the trunk's interval.",
	},
	{
		.code = 39025,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_ORIGINATION,
		.status = 0,
		.reason = "(call proceeds)",
		.title = "PBX retransmits its 200 OK after the ACK",
		.cause = "The trunk's ACK is not reaching the PBX (private "
			 "Contact, firewall), so it keeps retransmitting its "
			 "200 OK.",
		.fix = "Make the Contact of the PBX's 200 OK reachable and "
		       "open the firewall for the trunk's addresses.",
	},
	{
		.code = 39026,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_ORIGINATION,
		.status = 488,
		.reason = "Not Acceptable Here",
		.title = "PBX does not support PCMU",
		.cause = "The PBX answered 415 or 488 to the trunk's PCMU "
			 "offer.",
		.fix = "Allow G.711 mu-law (PCMU) on the PBX for calls from "
		       "the trunk.",
	},
	/* Media */
	{
		.code = 39030,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_MEDIA,
		.status = 0,
		.reason = NULL,
		.title = "One-way audio",
		.cause = "RTP flowed in one direction only for more than 10 s "
			 "after answer: the SDP names a LAN address, or a "
			 "firewall blocks RTP in that direction.",
		.fix = "Make the PBX advertise its public media address in "
		       "SDP and open its firewall for the trunk's media "
		       "ports.",
	},
	{
		.code = 39031,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_MEDIA,
		.status = 0,
		.reason = NULL,
		.title = "Private media address in SDP",
		.cause = "A peer with a public signalling address names a "
			 "private media address in its SDP.",
		.fix = "Configure the peer's external media address (NAT "
		       "settings), or enable symmetric RTP on the trunk.",
	},
	{
		.code = 39032,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_MEDIA,
		.status = 0,
		.reason = NULL,
		.title = "RTP from an address other than the SDP's",
		.cause = "RTP arrives from an address other than the one in "
			 "the SDP (NAT); it is latched when symmetric RTP is "
			 "enabled.",
		.fix = "Usually harmless with symmetric RTP; otherwise set "
		       "the peer's external media address.",
	},
	{
		.code = 39033,
		.level = ALERT_LEVEL_WARNING,
		.kind = ALERT_KIND_MEDIA,
		.status = 0,
		.reason = NULL,
		.title = "RTP with a very low IP TTL",
		.cause = "RTP arrives with an IP TTL of 10 or less: the path "
			 "may drop it before it reaches the far end.",
		.fix = "Raise the sender's IP TTL (default 64) or shorten the "
		       "path.",
	},
};

static const char *const level_names[] = {
	[ALERT_LEVEL_ERROR] = "error",
	[ALERT_LEVEL_WARNING] = "warning",
	[ALERT_LEVEL_NOTICE] = "notice",
	[ALERT_LEVEL_DEBUG] = "debug",
};

static const char *const kind_names[] = {
	[ALERT_KIND_TERMINATION] = "termination",
	[ALERT_KIND_ORIGINATION] = "origination",
	[ALERT_KIND_MEDIA] = "media",
};

const struct alert_def *alert_catalog_find(uint32_t code)
{
	for (size_t i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++) {
		if (catalog[i].code == code)
			return &catalog[i];
	}
	return NULL;
}

const struct alert_def *alert_catalog_get(size_t i)
{
	if (i >= sizeof(catalog) / sizeof(catalog[0]))
		return NULL;
	return &catalog[i];
}

const char *alert_level_name(enum alert_level lvl)
{
	if ((size_t)lvl >= sizeof(level_names) / sizeof(level_names[0]))
		return "error";
	return level_names[lvl];
}

const char *alert_kind_name(enum alert_kind kind)
{
	if ((size_t)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "";
	return kind_names[kind];
}
