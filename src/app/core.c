/* SIP core transaction user; see core.h. */
#include "app/core.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"

const char core_allow[] =
	"INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, INFO";

/* Option tags trunkd understands in Require (RFC 3261 §8.2.2.3). */
static const char *const supported_tags[] = {
	"100rel", /* RFC 3262, relayed end to end */
	"timer",  /* RFC 4028 */
	"replaces",
};

struct core {
	struct core_call_handler ch;
	struct core_stats st;
};

static bool tag_supported(const struct pl *tag)
{
	for (size_t i = 0;
	     i < sizeof(supported_tags) / sizeof(*supported_tags); i++)
		if (pl_caseeq_str(tag, supported_tags[i]))
			return true;
	return false;
}

/* First option tag of the Require headers we do not support, or an empty
 * pl. Requires are split per element by the parser (list header). */
static struct pl unsupported_require(const struct sip_msg *msg)
{
	const struct sip_hdr *h;
	struct pl none = PL_INIT;

	for (h = sip_msg_hdr(msg, SIP_HDR_REQUIRE); h;
	     h = sip_msg_hdr_next(msg, h)) {
		struct pl v = h->val;

		pl_trim(&v);
		if (v.l && !tag_supported(&v))
			return v;
	}
	return none;
}

static bool has_to_tag(struct sip_msg *msg)
{
	const struct sip_addr *to;

	return sip_msg_to(msg, &to) == 0 && to->tag.l > 0;
}

static void reply(struct core *core, struct tsx *st, uint16_t scode,
		  const char *reason, const char *hdrs)
{
	int err = tsx_reply(st, scode, reason, hdrs, NULL, NULL);

	if (err)
		log_warn("core: cannot answer %u: %s", scode, strerror(err));
	if (scode >= 300)
		core->st.rejected++;
}

static void request_h(struct tsx *st, struct sip_msg *msg,
		      const struct sip_recv *rx, void *arg)
{
	struct core *core = arg;
	char hdrs[256];
	struct pl tag;
	bool dialog = has_to_tag(msg);

	if (msg->ruri.scheme == SIP_URI_OTHER) {
		reply(core, st, 416, "Unsupported URI Scheme", NULL);
		return;
	}
	tag = unsupported_require(msg);
	if (tag.l) {
		snprintf(hdrs, sizeof(hdrs), "Unsupported: %.*s\r\n",
			 PL_ARG(&tag));
		reply(core, st, 420, "Bad Extension", hdrs);
		return;
	}
	if (core->ch.request_h &&
	    (msg->method == SIP_METHOD_INVITE || dialog)) {
		if (core->ch.request_h(st, msg, rx, core->ch.arg)) {
			core->st.to_calls++;
			return;
		}
	}
	snprintf(hdrs, sizeof(hdrs),
		 "Allow: %s\r\nAccept: application/sdp\r\n"
		 "Supported: 100rel, timer, replaces\r\n",
		 core_allow);
	if (dialog) {
		/* No call handler knew this dialog (RFC 3261 §12.2.2). */
		reply(core, st, 481, "Call/Transaction Does Not Exist", NULL);
		return;
	}
	switch (msg->method) {
	case SIP_METHOD_OPTIONS:
		if (msg->maxfwd == 0) {
			reply(core, st, 483, "Too Many Hops", NULL);
			return;
		}
		reply(core, st, 200, "OK", hdrs);
		core->st.options++;
		return;
	case SIP_METHOD_INVITE:
		reply(core, st, 503, "No Call Handler", NULL);
		return;
	case SIP_METHOD_BYE:
	case SIP_METHOD_PRACK:
	case SIP_METHOD_UPDATE:
	case SIP_METHOD_INFO:
		/* dialog methods outside a dialog */
		reply(core, st, 481, "Call/Transaction Does Not Exist", NULL);
		return;
	case SIP_METHOD_UNKNOWN:
		reply(core, st, 501, "Not Implemented", hdrs);
		return;
	default:
		/* REGISTER, SUBSCRIBE, MESSAGE, REFER, ...: a trunk does not
		 * take them (Twilio's neither: no registration). */
		reply(core, st, 405, "Method Not Allowed", hdrs);
		return;
	}
}

static void ack_h(struct sip_msg *msg, const struct sip_recv *rx, void *arg)
{
	struct core *core = arg;

	if (core->ch.ack_h)
		core->ch.ack_h(msg, rx, core->ch.arg);
}

int core_alloc(struct core **corep, struct tsx_tu *tup)
{
	struct core *core = mem_zalloc(sizeof(*core), NULL);

	if (!core)
		return ENOMEM;
	memset(tup, 0, sizeof(*tup));
	tup->request_h = request_h;
	tup->ack_h = ack_h;
	*corep = core;
	return 0;
}

void core_call_handler_set(struct core *core,
			   const struct core_call_handler *ch)
{
	if (ch)
		core->ch = *ch;
	else
		memset(&core->ch, 0, sizeof(core->ch));
}

void core_stats_get(const struct core *core, struct core_stats *st)
{
	*st = core->st;
}
