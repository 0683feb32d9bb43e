/* Method names; see msg.h. */
#include "sip/msg.h"

#include <string.h>

static const char *const method_names[] = {
	[SIP_METHOD_UNKNOWN] = "",
	[SIP_METHOD_INVITE] = "INVITE",
	[SIP_METHOD_ACK] = "ACK",
	[SIP_METHOD_BYE] = "BYE",
	[SIP_METHOD_CANCEL] = "CANCEL",
	[SIP_METHOD_OPTIONS] = "OPTIONS",
	[SIP_METHOD_REGISTER] = "REGISTER",
	[SIP_METHOD_PRACK] = "PRACK",
	[SIP_METHOD_UPDATE] = "UPDATE",
	[SIP_METHOD_INFO] = "INFO",
	[SIP_METHOD_REFER] = "REFER",
	[SIP_METHOD_NOTIFY] = "NOTIFY",
	[SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE",
	[SIP_METHOD_MESSAGE] = "MESSAGE",
	[SIP_METHOD_PUBLISH] = "PUBLISH",
};

/* Methods are case-sensitive (RFC 3261 §7.1). */
static bool is(const struct pl *n, enum sip_method m, size_t len)
{
	return n->l == len && memcmp(n->p, method_names[m], len) == 0;
}

enum sip_method sip_method_from_pl(const struct pl *name)
{
	if (!name || !name->p)
		return SIP_METHOD_UNKNOWN;
	switch (name->l) {
	case 3:
		if (is(name, SIP_METHOD_ACK, 3))
			return SIP_METHOD_ACK;
		if (is(name, SIP_METHOD_BYE, 3))
			return SIP_METHOD_BYE;
		break;
	case 4:
		if (is(name, SIP_METHOD_INFO, 4))
			return SIP_METHOD_INFO;
		break;
	case 5:
		if (is(name, SIP_METHOD_PRACK, 5))
			return SIP_METHOD_PRACK;
		if (is(name, SIP_METHOD_REFER, 5))
			return SIP_METHOD_REFER;
		break;
	case 6:
		switch (name->p[0]) {
		case 'I':
			if (is(name, SIP_METHOD_INVITE, 6))
				return SIP_METHOD_INVITE;
			break;
		case 'C':
			if (is(name, SIP_METHOD_CANCEL, 6))
				return SIP_METHOD_CANCEL;
			break;
		case 'U':
			if (is(name, SIP_METHOD_UPDATE, 6))
				return SIP_METHOD_UPDATE;
			break;
		case 'N':
			if (is(name, SIP_METHOD_NOTIFY, 6))
				return SIP_METHOD_NOTIFY;
			break;
		default:
			break;
		}
		break;
	case 7:
		if (is(name, SIP_METHOD_OPTIONS, 7))
			return SIP_METHOD_OPTIONS;
		if (is(name, SIP_METHOD_MESSAGE, 7))
			return SIP_METHOD_MESSAGE;
		if (is(name, SIP_METHOD_PUBLISH, 7))
			return SIP_METHOD_PUBLISH;
		break;
	case 8:
		if (is(name, SIP_METHOD_REGISTER, 8))
			return SIP_METHOD_REGISTER;
		break;
	case 9:
		if (is(name, SIP_METHOD_SUBSCRIBE, 9))
			return SIP_METHOD_SUBSCRIBE;
		break;
	default:
		break;
	}
	return SIP_METHOD_UNKNOWN;
}

const char *sip_method_name(enum sip_method m)
{
	if ((unsigned)m >= sizeof(method_names) / sizeof(method_names[0]))
		return "";
	return method_names[m];
}
