/* Responses the B2BUA sends, printed by the transaction layer
 * (tsx_reply_print) so the exact text can go into the call's trace and the
 * alerts' evidence, then sent with tsx_reply_buf(); the call's trace
 * recorder. */
#include <errno.h>
#include <string.h>

#include "b2bua/b2bua_int.h"
#include "base/clock.h"
#include "base/mem.h"

int64_t b2bua_wall_ms(const struct b2bua *b)
{
	return b->wall_base + (int64_t)clock_now_ms();
}

void call_trace(struct call *c, char leg, bool sent,
		const struct sockaddr_storage *src,
		const struct sockaddr_storage *dst, const char *msg,
		size_t len)
{
	if (!c || c->state == CALL_ENDED || !msg)
		return;
	(void)trace_add(&c->trace, b2bua_wall_ms(c->b), leg, sent, src, dst,
			msg, len);
}

void call_trace_rx(struct call *c, struct leg *l, struct sip_msg *msg,
		   const struct sip_recv *rx)
{
	if (!msg)
		return;
	call_trace(c, l->side, false, rx ? &rx->src : &l->dlg.dst,
		   rx ? &rx->dst : &c->b->laddr, msg->raw.p, msg->raw.l);
}

int call_reply(struct call *c, struct leg *l, struct tsx *st, uint16_t scode,
	       const char *reason, const char *hdrs, const char *ctype,
	       const struct pl *body)
{
	const struct sip_recv *rx = tsx_recv_info(st);
	struct buf *mb = NULL;
	int err;

	err = tsx_reply_print(&mb, st, scode, reason, hdrs, ctype, body);
	if (err) /* not a server transaction we can print for */
		return tsx_reply(st, scode, reason, hdrs, ctype, body);
	err = tsx_reply_buf(st, scode, mb);
	if (!err && c && l)
		call_trace(c, l->side, true, rx ? &rx->dst : NULL,
			   rx ? &rx->src : NULL, (const char *)mb->data,
			   mb->end);
	mem_deref(mb);
	return err;
}
