/* trunkctl's one table: resource groups x commands x flags. Paths are the
 * Twilio paths trunkd serves; flags map to their PascalCase form fields. */
#include "cli.h"

#include <stddef.h>

#define END {.name = NULL}
#define ACC "/2010-04-01/Accounts/{A}"

/* ---- columns ---- */

static const char *const c_trunk[] = {"sid", "friendly_name", "domain_name",
				      "secure", "date_created", NULL};
static const char *const c_assoc[] = {"sid", "friendly_name", "trunk_sid",
				      NULL};
static const char *const c_number_assoc[] = {"sid", "phone_number",
					     "friendly_name", NULL};
static const char *const c_ourl[] = {"sid", "friendly_name", "sip_url",
				     "priority", "weight", "enabled", NULL};
static const char *const c_named[] = {"sid", "friendly_name",
				      "date_created", NULL};
static const char *const c_ipaddr[] = {"sid", "friendly_name", "ip_address",
				       "cidr_prefix_length", NULL};
static const char *const c_cred[] = {"sid", "username", "date_created",
				     NULL};
static const char *const c_number[] = {"sid", "phone_number",
				       "friendly_name", "trunk_sid", NULL};
static const char *const c_callerid[] = {"sid", "phone_number",
					 "friendly_name", NULL};
static const char *const c_account[] = {"sid", "friendly_name", "status",
					"type", NULL};
static const char *const c_target[] = {"sid", "friendly_name", "target",
				       "priority", "weight", "enabled", NULL};
static const char *const c_country[] = {
	"iso_code", "name", "continent", "low_risk_numbers_enabled",
	"high_risk_special_numbers_enabled",
	"high_risk_tollfraud_numbers_enabled", NULL};
static const char *const c_deny[] = {"sid", "prefix", "friendly_name",
				     "date_created", NULL};
static const char *const c_alert[] = {"sid", "date_generated", "error_code",
				      "log_level", "resource_sid",
				      "alert_text", NULL};
static const char *const c_alarm[] = {"sid", "friendlyName", "query",
				      "triggerValue", "timeWindow",
				      "enabled", NULL};

/* ---- flags ---- */

static const struct flag_def f_trunk[] = {
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	{.name = "domain", .form = "DomainName",
	 .help = "termination SIP domain (acme.pstn.example.net)"},
	{.name = "disaster-recovery-url", .form = "DisasterRecoveryUrl",
	 .help = "URL called when origination fails"},
	{.name = "disaster-recovery-method", .form = "DisasterRecoveryMethod",
	 .help = "GET or POST"},
	{.name = "transfer-mode", .form = "TransferMode",
	 .help = "disable-all, enable-all or sip-only"},
	{.name = "transfer-caller-id", .form = "TransferCallerId",
	 .help = "from-transferee or from-transferor"},
	{.name = "secure", .form = "Secure", .type = FLAG_BOOL,
	 .help = "require TLS and SRTP"},
	{.name = "cnam-lookup", .form = "CnamLookupEnabled", .type = FLAG_BOOL,
	 .help = "look up caller names"},
	{.name = "symmetric-rtp", .form = "SymmetricRtpEnabled",
	 .type = FLAG_BOOL, .help = "latch RTP to where it comes from"},
	{.name = "cps", .form = "CpsLimit", .type = FLAG_INT,
	 .help = "termination calls per second"},
	{.name = "max-calls", .form = "ConcurrentCallsLimit", .type = FLAG_INT,
	 .help = "concurrent calls"},
	{.name = "codecs", .form = "Codecs", .help = "e.g. PCMU,PCMA"},
	{.name = "connection-policy", .form = "ConnectionPolicySid",
	 .help = "connection policy (NY...) for termination"},
	END,
};

static const struct flag_def f_ourl_create[] = {
	{.name = "url", .form = "SipUrl", .required = true,
	 .help = "sip:pbx.example.com[:port][;transport=tcp]"},
	{.name = "name", .form = "FriendlyName", .def_from = "SipUrl",
	 .help = "friendly name (default: the URL)"},
	{.name = "priority", .form = "Priority", .type = FLAG_INT,
	 .def = "10", .help = "lower is tried first (default 10)"},
	{.name = "weight", .form = "Weight", .type = FLAG_INT, .def = "10",
	 .help = "share among equal priorities (default 10)"},
	{.name = "enabled", .form = "Enabled", .type = FLAG_BOOL,
	 .def = "true", .help = "true or false (default true)"},
	END,
};

static const struct flag_def f_ourl_update[] = {
	{.name = "url", .form = "SipUrl", .help = "SIP URL"},
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	{.name = "priority", .form = "Priority", .type = FLAG_INT,
	 .help = "lower is tried first"},
	{.name = "weight", .form = "Weight", .type = FLAG_INT,
	 .help = "share among equal priorities"},
	{.name = "enabled", .form = "Enabled", .type = FLAG_BOOL,
	 .help = "true or false"},
	END,
};

static const struct flag_def f_name_req[] = {
	{.name = "name", .form = "FriendlyName", .required = true,
	 .help = "friendly name"},
	END,
};

static const struct flag_def f_name[] = {
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	END,
};

static const struct flag_def f_ipaddr_create[] = {
	{.name = "ip", .form = "IpAddress", .required = true,
	 .help = "IPv4 or IPv6 address"},
	{.name = "prefix", .form = "CidrPrefixLength", .type = FLAG_INT,
	 .help = "CIDR prefix length (default 32)"},
	{.name = "name", .form = "FriendlyName", .def_from = "IpAddress",
	 .help = "friendly name (default: the address)"},
	END,
};

static const struct flag_def f_ipaddr_update[] = {
	{.name = "ip", .form = "IpAddress", .help = "IPv4 or IPv6 address"},
	{.name = "prefix", .form = "CidrPrefixLength", .type = FLAG_INT,
	 .help = "CIDR prefix length"},
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	END,
};

static const struct flag_def f_cred_create[] = {
	{.name = "username", .form = "Username", .required = true,
	 .help = "SIP username"},
	{.name = "password", .form = "Password", .required = true,
	 .help = "SIP password (12+ chars, mixed case and a digit)"},
	END,
};

static const struct flag_def f_cred_update[] = {
	{.name = "password", .form = "Password", .required = true,
	 .help = "new SIP password"},
	END,
};

static const struct flag_def f_number_create[] = {
	{.name = "number", .form = "PhoneNumber", .required = true,
	 .help = "E.164 number (+15551234567)"},
	{.name = "trunk", .form = "TrunkSid", .help = "trunk (TK...)"},
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	{.name = "voice-url", .form = "VoiceUrl", .help = "voice URL"},
	{.name = "voice-method", .form = "VoiceMethod", .help = "GET or POST"},
	END,
};

static const struct flag_def f_number_update[] = {
	{.name = "trunk", .form = "TrunkSid",
	 .help = "trunk (TK...); empty to detach"},
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	{.name = "voice-url", .form = "VoiceUrl", .help = "voice URL"},
	{.name = "voice-method", .form = "VoiceMethod", .help = "GET or POST"},
	END,
};

static const struct flag_def f_number_filter[] = {
	{.name = "number", .form = "PhoneNumber", .help = "only this number"},
	{.name = "name", .form = "FriendlyName", .help = "only this name"},
	END,
};

static const struct flag_def f_callerid_create[] = {
	{.name = "number", .form = "PhoneNumber", .required = true,
	 .help = "E.164 number to verify"},
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	END,
};

static const struct flag_def f_account_filter[] = {
	{.name = "name", .form = "FriendlyName", .help = "only this name"},
	{.name = "status", .form = "Status",
	 .help = "active, suspended or closed"},
	END,
};

static const struct flag_def f_account_update[] = {
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	{.name = "status", .form = "Status",
	 .help = "active, suspended or closed"},
	END,
};

static const struct flag_def f_target_create[] = {
	{.name = "target", .form = "Target", .required = true,
	 .help = "carrier SIP URI (sip:gw.example.net:5060)"},
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	{.name = "priority", .form = "Priority", .type = FLAG_INT,
	 .help = "lower is tried first (default 10)"},
	{.name = "weight", .form = "Weight", .type = FLAG_INT,
	 .help = "share among equal priorities (default 10)"},
	{.name = "enabled", .form = "Enabled", .type = FLAG_BOOL,
	 .help = "true or false (default true)"},
	END,
};

static const struct flag_def f_target_update[] = {
	{.name = "target", .form = "Target", .help = "carrier SIP URI"},
	{.name = "name", .form = "FriendlyName", .help = "friendly name"},
	{.name = "priority", .form = "Priority", .type = FLAG_INT,
	 .help = "lower is tried first"},
	{.name = "weight", .form = "Weight", .type = FLAG_INT,
	 .help = "share among equal priorities"},
	{.name = "enabled", .form = "Enabled", .type = FLAG_BOOL,
	 .help = "true or false"},
	END,
};

static const struct flag_def f_country_filter[] = {
	{.name = "iso", .form = "IsoCode", .help = "ISO country code (DE)"},
	{.name = "continent", .form = "Continent", .help = "e.g. Europe"},
	{.name = "country-code", .form = "CountryCode",
	 .help = "calling code (49)"},
	{.name = "low-risk", .form = "LowRiskNumbersEnabled",
	 .type = FLAG_BOOL, .help = "only enabled / disabled"},
	END,
};

/* sent as UpdateRequest=[{"iso_code": ..., ...}] */
static const struct flag_def f_country_update[] = {
	{.name = "low-risk", .form = "low_risk_numbers_enabled",
	 .type = FLAG_BOOL, .help = "allow ordinary numbers"},
	{.name = "high-risk-special", .form =
	 "high_risk_special_numbers_enabled", .type = FLAG_BOOL,
	 .help = "allow high-risk special numbers"},
	{.name = "high-risk-tollfraud", .form =
	 "high_risk_tollfraud_numbers_enabled", .type = FLAG_BOOL,
	 .help = "allow toll-fraud prone numbers"},
	END,
};

static const struct flag_def f_deny_create[] = {
	{.name = "prefix", .form = "Prefix", .required = true,
	 .help = "E.164 number or prefix (+1900)"},
	{.name = "name", .form = "FriendlyName", .help = "why it is denied"},
	END,
};

static const struct flag_def f_deny_update[] = {
	{.name = "prefix", .form = "Prefix", .help = "E.164 number or prefix"},
	{.name = "name", .form = "FriendlyName", .help = "why it is denied"},
	END,
};

static const struct flag_def f_deny_filter[] = {
	{.name = "prefix", .form = "Prefix", .help = "only this prefix"},
	END,
};

static const struct flag_def f_alert_filter[] = {
	{.name = "level", .form = "LogLevel",
	 .help = "error, warning, notice or debug"},
	{.name = "since", .form = "StartDate", .type = FLAG_SINCE,
	 .help = "newer than: 30m, 1h, 2d or a date"},
	{.name = "until", .form = "EndDate", .type = FLAG_DATE,
	 .help = "older than: a duration ago or a date"},
	{.name = "code", .form = "ErrorCode", .help = "error code (32201)"},
	{.name = "trunk", .form = "ResourceSid", .help = "trunk (TK...)"},
	END,
};

static const struct flag_def f_alarm_create[] = {
	{.name = "name", .form = "friendlyName", .required = true,
	 .help = "friendly name"},
	{.name = "query", .form = "query", .required = true,
	 .help = "what to count, e.g. ErrorCode=32201 or LogLevel=error"},
	{.name = "query-type", .form = "queryType",
	 .help = "ErrorCode or LogLevel"},
	{.name = "threshold", .form = "triggerValue", .type = FLAG_INT,
	 .help = "alerts in the window that trigger it"},
	{.name = "window", .form = "timeWindow", .type = FLAG_INT,
	 .help = "window in seconds (>= 60)"},
	{.name = "email", .form = "email", .help = "notify this address"},
	{.name = "webhook", .form = "webhook", .help = "notify this URL"},
	{.name = "description", .form = "description", .help = "free text"},
	{.name = "enabled", .form = "enabled", .type = FLAG_BOOL,
	 .help = "true or false"},
	END,
};

static const struct flag_def f_alarm_update[] = {
	{.name = "name", .form = "friendlyName", .help = "friendly name"},
	{.name = "query", .form = "query", .help = "what to count"},
	{.name = "query-type", .form = "queryType",
	 .help = "ErrorCode or LogLevel"},
	{.name = "threshold", .form = "triggerValue", .type = FLAG_INT,
	 .help = "alerts in the window that trigger it"},
	{.name = "window", .form = "timeWindow", .type = FLAG_INT,
	 .help = "window in seconds (>= 60)"},
	{.name = "email", .form = "email", .help = "notify this address"},
	{.name = "webhook", .form = "webhook", .help = "notify this URL"},
	{.name = "description", .form = "description", .help = "free text"},
	{.name = "enabled", .form = "enabled", .type = FLAG_BOOL,
	 .help = "true or false"},
	END,
};

/* ---- commands ---- */

#define P(n) {.name = (n), .form = NULL}
#define PF(n, f) {.name = (n), .form = (f)}

static const struct cmd_def trunks[] = {
	{.name = "list", .help = "list trunks", .method = "GET",
	 .path = "/v1/Trunks", .kind = CMD_LIST, .list_key = "trunks"},
	{.name = "create", .help = "create a trunk", .method = "POST",
	 .path = "/v1/Trunks", .flags = f_trunk},
	{.name = "show", .help = "show a trunk", .method = "GET",
	 .path = "/v1/Trunks/{0}", .pos = {P("TRUNK_SID")}},
	{.name = "update", .help = "change a trunk", .method = "POST",
	 .path = "/v1/Trunks/{0}", .pos = {P("TRUNK_SID")}, .flags = f_trunk},
	{.name = "delete", .help = "delete a trunk", .method = "DELETE",
	 .path = "/v1/Trunks/{0}", .kind = CMD_DELETE,
	 .pos = {P("TRUNK_SID")}},
	{.name = "add-acl", .help = "associate an IP access control list",
	 .method = "POST", .path = "/v1/Trunks/{0}/IpAccessControlLists",
	 .pos = {P("TRUNK_SID"), PF("ACL_SID", "IpAccessControlListSid")}},
	{.name = "remove-acl", .help = "dissociate an IP access control list",
	 .method = "DELETE", .path = "/v1/Trunks/{0}/IpAccessControlLists/{1}",
	 .kind = CMD_DELETE, .pos = {P("TRUNK_SID"), P("ACL_SID")}},
	{.name = "list-acls", .help = "IP access control lists of a trunk",
	 .method = "GET", .path = "/v1/Trunks/{0}/IpAccessControlLists",
	 .kind = CMD_LIST, .pos = {P("TRUNK_SID")},
	 .list_key = "ip_access_control_lists", .columns = c_assoc},
	{.name = "add-credential-list", .help = "associate a credential list",
	 .method = "POST", .path = "/v1/Trunks/{0}/CredentialLists",
	 .pos = {P("TRUNK_SID"), PF("CREDENTIAL_LIST_SID",
				    "CredentialListSid")}},
	{.name = "remove-credential-list",
	 .help = "dissociate a credential list", .method = "DELETE",
	 .path = "/v1/Trunks/{0}/CredentialLists/{1}", .kind = CMD_DELETE,
	 .pos = {P("TRUNK_SID"), P("CREDENTIAL_LIST_SID")}},
	{.name = "list-credential-lists",
	 .help = "credential lists of a trunk",
	 .method = "GET", .path = "/v1/Trunks/{0}/CredentialLists",
	 .kind = CMD_LIST, .pos = {P("TRUNK_SID")},
	 .list_key = "credential_lists", .columns = c_assoc},
	{.name = "add-number", .help = "attach a phone number (PN...)",
	 .method = "POST", .path = "/v1/Trunks/{0}/PhoneNumbers",
	 .pos = {P("TRUNK_SID"), PF("NUMBER_SID", "PhoneNumberSid")}},
	{.name = "remove-number", .help = "detach a phone number",
	 .method = "DELETE", .path = "/v1/Trunks/{0}/PhoneNumbers/{1}",
	 .kind = CMD_DELETE, .pos = {P("TRUNK_SID"), P("NUMBER_SID")}},
	{.name = "list-numbers", .help = "phone numbers of a trunk",
	 .method = "GET", .path = "/v1/Trunks/{0}/PhoneNumbers",
	 .kind = CMD_LIST, .pos = {P("TRUNK_SID")},
	 .list_key = "phone_numbers", .columns = c_number_assoc},
	END,
};

static const struct cmd_def ourls[] = {
	{.name = "list", .help = "origination URLs of a trunk",
	 .method = "GET",
	 .path = "/v1/Trunks/{0}/OriginationUrls", .kind = CMD_LIST,
	 .pos = {P("TRUNK_SID")}, .list_key = "origination_urls"},
	{.name = "create", .help = "add an origination URL to a trunk",
	 .method = "POST", .path = "/v1/Trunks/{0}/OriginationUrls",
	 .pos = {P("TRUNK_SID")}, .flags = f_ourl_create},
	{.name = "show", .help = "show an origination URL", .method = "GET",
	 .path = "/v1/Trunks/{0}/OriginationUrls/{1}",
	 .pos = {P("TRUNK_SID"), P("URL_SID")}},
	{.name = "update", .help = "change an origination URL",
	 .method = "POST", .path = "/v1/Trunks/{0}/OriginationUrls/{1}",
	 .pos = {P("TRUNK_SID"), P("URL_SID")}, .flags = f_ourl_update},
	{.name = "delete", .help = "delete an origination URL",
	 .method = "DELETE", .path = "/v1/Trunks/{0}/OriginationUrls/{1}",
	 .kind = CMD_DELETE, .pos = {P("TRUNK_SID"), P("URL_SID")}},
	END,
};

#define ACL ACC "/SIP/IpAccessControlLists"
static const struct cmd_def ip_acls[] = {
	{.name = "list", .help = "list IP access control lists",
	 .method = "GET", .path = ACL ".json", .kind = CMD_LIST,
	 .list_key = "ip_access_control_lists"},
	{.name = "create", .help = "create an IP access control list",
	 .method = "POST", .path = ACL ".json", .flags = f_name_req},
	{.name = "show", .help = "show an IP access control list",
	 .method = "GET", .path = ACL "/{0}.json", .pos = {P("ACL_SID")}},
	{.name = "update", .help = "rename an IP access control list",
	 .method = "POST", .path = ACL "/{0}.json", .pos = {P("ACL_SID")},
	 .flags = f_name_req},
	{.name = "delete", .help = "delete an IP access control list",
	 .method = "DELETE", .path = ACL "/{0}.json", .kind = CMD_DELETE,
	 .pos = {P("ACL_SID")}},
	{.name = "add-address", .help = "add an address or CIDR range",
	 .method = "POST", .path = ACL "/{0}/IpAddresses.json",
	 .pos = {P("ACL_SID")}, .flags = f_ipaddr_create},
	{.name = "list-addresses", .help = "addresses of a list",
	 .method = "GET", .path = ACL "/{0}/IpAddresses.json",
	 .kind = CMD_LIST, .pos = {P("ACL_SID")}, .list_key = "ip_addresses",
	 .columns = c_ipaddr},
	{.name = "show-address", .help = "show an address", .method = "GET",
	 .path = ACL "/{0}/IpAddresses/{1}.json",
	 .pos = {P("ACL_SID"), P("ADDRESS_SID")}},
	{.name = "update-address", .help = "change an address",
	 .method = "POST", .path = ACL "/{0}/IpAddresses/{1}.json",
	 .pos = {P("ACL_SID"), P("ADDRESS_SID")}, .flags = f_ipaddr_update},
	{.name = "remove-address", .help = "remove an address",
	 .method = "DELETE", .path = ACL "/{0}/IpAddresses/{1}.json",
	 .kind = CMD_DELETE, .pos = {P("ACL_SID"), P("ADDRESS_SID")}},
	END,
};

#define CL ACC "/SIP/CredentialLists"
static const struct cmd_def cred_lists[] = {
	{.name = "list", .help = "list credential lists", .method = "GET",
	 .path = CL ".json", .kind = CMD_LIST, .list_key = "credential_lists"},
	{.name = "create", .help = "create a credential list",
	 .method = "POST", .path = CL ".json", .flags = f_name_req},
	{.name = "show", .help = "show a credential list", .method = "GET",
	 .path = CL "/{0}.json", .pos = {P("LIST_SID")}},
	{.name = "update", .help = "rename a credential list",
	 .method = "POST", .path = CL "/{0}.json", .pos = {P("LIST_SID")},
	 .flags = f_name_req},
	{.name = "delete", .help = "delete a credential list",
	 .method = "DELETE", .path = CL "/{0}.json", .kind = CMD_DELETE,
	 .pos = {P("LIST_SID")}},
	{.name = "add-credential", .help = "add a username and password",
	 .method = "POST", .path = CL "/{0}/Credentials.json",
	 .pos = {P("LIST_SID")}, .flags = f_cred_create},
	{.name = "list-credentials", .help = "credentials of a list",
	 .method = "GET", .path = CL "/{0}/Credentials.json",
	 .kind = CMD_LIST, .pos = {P("LIST_SID")}, .list_key = "credentials",
	 .columns = c_cred},
	{.name = "show-credential", .help = "show a credential",
	 .method = "GET", .path = CL "/{0}/Credentials/{1}.json",
	 .pos = {P("LIST_SID"), P("CREDENTIAL_SID")}},
	{.name = "update-credential", .help = "change a password",
	 .method = "POST", .path = CL "/{0}/Credentials/{1}.json",
	 .pos = {P("LIST_SID"), P("CREDENTIAL_SID")},
	 .flags = f_cred_update},
	{.name = "remove-credential", .help = "remove a credential",
	 .method = "DELETE", .path = CL "/{0}/Credentials/{1}.json",
	 .kind = CMD_DELETE, .pos = {P("LIST_SID"), P("CREDENTIAL_SID")}},
	END,
};

#define IPN ACC "/IncomingPhoneNumbers"
static const struct cmd_def numbers[] = {
	{.name = "list", .help = "list phone numbers", .method = "GET",
	 .path = IPN ".json", .kind = CMD_LIST,
	 .list_key = "incoming_phone_numbers", .flags = f_number_filter},
	{.name = "create", .help = "add a phone number", .method = "POST",
	 .path = IPN ".json", .flags = f_number_create},
	{.name = "show", .help = "show a phone number", .method = "GET",
	 .path = IPN "/{0}.json", .pos = {P("NUMBER_SID")}},
	{.name = "update", .help = "change a phone number", .method = "POST",
	 .path = IPN "/{0}.json", .pos = {P("NUMBER_SID")},
	 .flags = f_number_update},
	{.name = "delete", .help = "release a phone number",
	 .method = "DELETE", .path = IPN "/{0}.json", .kind = CMD_DELETE,
	 .pos = {P("NUMBER_SID")}},
	END,
};

#define CID ACC "/OutgoingCallerIds"
static const struct cmd_def caller_ids[] = {
	{.name = "list", .help = "list verified caller IDs", .method = "GET",
	 .path = CID ".json", .kind = CMD_LIST,
	 .list_key = "outgoing_caller_ids", .flags = f_number_filter},
	{.name = "create", .help = "add a verified caller ID",
	 .method = "POST", .path = CID ".json", .flags = f_callerid_create},
	{.name = "show", .help = "show a caller ID", .method = "GET",
	 .path = CID "/{0}.json", .pos = {P("CALLER_ID_SID")}},
	{.name = "update", .help = "rename a caller ID", .method = "POST",
	 .path = CID "/{0}.json", .pos = {P("CALLER_ID_SID")},
	 .flags = f_name},
	{.name = "delete", .help = "remove a caller ID", .method = "DELETE",
	 .path = CID "/{0}.json", .kind = CMD_DELETE,
	 .pos = {P("CALLER_ID_SID")}},
	END,
};

static const struct cmd_def accounts[] = {
	{.name = "list", .help = "list accounts", .method = "GET",
	 .path = "/2010-04-01/Accounts.json", .kind = CMD_LIST,
	 .list_key = "accounts", .flags = f_account_filter},
	{.name = "create", .help = "create a subaccount", .method = "POST",
	 .path = "/2010-04-01/Accounts.json", .flags = f_name},
	{.name = "show", .help = "show an account", .method = "GET",
	 .path = "/2010-04-01/Accounts/{0}.json", .pos = {P("ACCOUNT_SID")}},
	{.name = "update", .help = "rename, suspend or reactivate",
	 .method = "POST", .path = "/2010-04-01/Accounts/{0}.json",
	 .pos = {P("ACCOUNT_SID")}, .flags = f_account_update},
	{.name = "delete", .help = "close an account (status closed)",
	 .method = "DELETE", .path = "/2010-04-01/Accounts/{0}.json",
	 .kind = CMD_DELETE, .pos = {P("ACCOUNT_SID")}},
	END,
};

#define NY "/v1/ConnectionPolicies"
static const struct cmd_def policies[] = {
	{.name = "list", .help = "list connection policies", .method = "GET",
	 .path = NY, .kind = CMD_LIST, .list_key = "connection_policies"},
	{.name = "create", .help = "create a connection policy",
	 .method = "POST", .path = NY, .flags = f_name},
	{.name = "show", .help = "show a connection policy", .method = "GET",
	 .path = NY "/{0}", .pos = {P("POLICY_SID")}},
	{.name = "update", .help = "rename a connection policy",
	 .method = "POST", .path = NY "/{0}", .pos = {P("POLICY_SID")},
	 .flags = f_name},
	{.name = "delete", .help = "delete a connection policy",
	 .method = "DELETE", .path = NY "/{0}", .kind = CMD_DELETE,
	 .pos = {P("POLICY_SID")}},
	{.name = "add-target", .help = "add a carrier target",
	 .method = "POST", .path = NY "/{0}/Targets",
	 .pos = {P("POLICY_SID")}, .flags = f_target_create},
	{.name = "list-targets", .help = "targets of a policy",
	 .method = "GET", .path = NY "/{0}/Targets", .kind = CMD_LIST,
	 .pos = {P("POLICY_SID")}, .list_key = "targets",
	 .columns = c_target},
	{.name = "show-target", .help = "show a target", .method = "GET",
	 .path = NY "/{0}/Targets/{1}",
	 .pos = {P("POLICY_SID"), P("TARGET_SID")}},
	{.name = "update-target", .help = "change a target", .method = "POST",
	 .path = NY "/{0}/Targets/{1}",
	 .pos = {P("POLICY_SID"), P("TARGET_SID")}, .flags = f_target_update},
	{.name = "remove-target", .help = "remove a target",
	 .method = "DELETE", .path = NY "/{0}/Targets/{1}",
	 .kind = CMD_DELETE, .pos = {P("POLICY_SID"), P("TARGET_SID")}},
	END,
};

static const struct cmd_def dialing[] = {
	{.name = "list", .help = "countries and what is enabled",
	 .method = "GET", .path = "/v1/DialingPermissions/Countries",
	 .kind = CMD_LIST, .list_key = "content", .flags = f_country_filter},
	{.name = "show", .help = "one country", .method = "GET",
	 .path = "/v1/DialingPermissions/Countries/{0}",
	 .pos = {P("ISO_CODE")}},
	{.name = "update", .help = "enable or disable a country",
	 .method = "POST", .path = "/v1/DialingPermissions/BulkCountryUpdates",
	 .pos = {PF("ISO_CODE", "iso_code")}, .flags = f_country_update,
	 .json_form = "UpdateRequest"},
	END,
};

static const struct cmd_def deny[] = {
	{.name = "list", .help = "list denied numbers and prefixes",
	 .method = "GET", .path = "/v1/DenyList", .kind = CMD_LIST,
	 .list_key = "deny_list", .flags = f_deny_filter},
	{.name = "create", .help = "deny calls to a number or prefix",
	 .method = "POST", .path = "/v1/DenyList", .flags = f_deny_create},
	{.name = "show", .help = "show an entry", .method = "GET",
	 .path = "/v1/DenyList/{0}", .pos = {P("ENTRY_SID")}},
	{.name = "update", .help = "change an entry", .method = "POST",
	 .path = "/v1/DenyList/{0}", .pos = {P("ENTRY_SID")},
	 .flags = f_deny_update},
	{.name = "delete", .help = "allow again", .method = "DELETE",
	 .path = "/v1/DenyList/{0}", .kind = CMD_DELETE,
	 .pos = {P("ENTRY_SID")}},
	END,
};

static const struct cmd_def alerts[] = {
	{.name = "list", .help = "list alerts, newest first", .method = "GET",
	 .path = "/v1/Alerts", .kind = CMD_LIST, .list_key = "alerts",
	 .flags = f_alert_filter},
	{.name = "show", .help = "an alert with its trace and diagnosis",
	 .method = "GET", .path = "/v1/Alerts/{0}", .pos = {P("ALERT_SID")}},
	{.name = "delete", .help = "delete an alert", .method = "DELETE",
	 .path = "/v1/Alerts/{0}", .kind = CMD_DELETE,
	 .pos = {P("ALERT_SID")}},
	END,
};

static const struct cmd_def alarms[] = {
	{.name = "list", .help = "list alarms", .method = "GET",
	 .path = "/v2/Alarms", .kind = CMD_LIST, .list_key = "alarms"},
	{.name = "create", .help = "alarm on alerts over a threshold",
	 .method = "POST", .path = "/v2/Alarms", .flags = f_alarm_create},
	{.name = "show", .help = "show an alarm", .method = "GET",
	 .path = "/v2/Alarms/{0}", .pos = {P("ALARM_SID")}},
	{.name = "update", .help = "change an alarm", .method = "POST",
	 .path = "/v2/Alarms/{0}", .pos = {P("ALARM_SID")},
	 .flags = f_alarm_update},
	{.name = "delete", .help = "delete an alarm", .method = "DELETE",
	 .path = "/v2/Alarms/{0}", .kind = CMD_DELETE,
	 .pos = {P("ALARM_SID")}},
	END,
};

const struct res_def trunkctl_resources[] = {
	{.name = "trunks", .help = "SIP trunks and their associations",
	 .columns = c_trunk, .cmds = trunks},
	{.name = "origination-urls",
	 .help = "where a trunk sends inbound calls",
	 .columns = c_ourl, .cmds = ourls},
	{.name = "ip-acls", .help = "IP access control lists and addresses",
	 .columns = c_named, .cmds = ip_acls},
	{.name = "credential-lists", .help = "credential lists and credentials",
	 .columns = c_named, .cmds = cred_lists},
	{.name = "numbers", .help = "phone numbers (IncomingPhoneNumbers)",
	 .columns = c_number, .cmds = numbers},
	{.name = "caller-ids", .help = "verified caller IDs",
	 .columns = c_callerid, .cmds = caller_ids},
	{.name = "accounts", .help = "the account and its subaccounts",
	 .columns = c_account, .cmds = accounts},
	{.name = "connection-policies", .help = "carrier targets for "
	 "termination", .columns = c_named, .cmds = policies},
	{.name = "dialing-permissions", .help = "countries that may be called",
	 .columns = c_country, .cmds = dialing},
	{.name = "deny-list", .help = "numbers and prefixes never called",
	 .columns = c_deny, .cmds = deny},
	{.name = "alerts", .help = "what went wrong, with the fix",
	 .columns = c_alert, .cmds = alerts},
	{.name = "alarms", .help = "notifications on alert thresholds",
	 .columns = c_alarm, .cmds = alarms},
	{.name = NULL},
};
