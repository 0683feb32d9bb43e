/* Stream framing by Content-Length (RFC 3261 §18.3); see msg.h. */
#include "sip/msg.h"

#include <errno.h>
#include <string.h>

#include "sip/sip_int.h"

static int fail(const char **reasonp, const char *reason)
{
	if (reasonp)
		*reasonp = reason;
	return EBADMSG;
}

/* Content-Length value of one header line [p, le), or -1 when the line is
 * another header, -2 when it is a malformed Content-Length. */
static long clen_of(const char *p, const char *le)
{
	const char *n = sc_span(p, le, SC_TOKEN), *c, *v;
	struct pl name;
	long x = 0;

	pl_set(&name, p, (size_t)(n - p));
	if (sip_hdr_id(&name) != SIP_HDR_CONTENT_LENGTH)
		return -1;
	c = n;
	while (c < le && (*c == ' ' || *c == '\t'))
		c++;
	if (c >= le || *c != ':')
		return -2;
	v = sc_ws(c + 1, le);
	while (le > v && sc_is(le[-1], SC_WS))
		le--;
	if (v == le)
		return -2;
	for (; v < le; v++) {
		if (!sc_is(*v, SC_DIGIT))
			return -2;
		x = x * 10 + (*v - '0');
		if (x > SIP_MSG_MAX_SIZE)
			return -2;
	}
	return x;
}

int sip_msg_frame(const struct pl *data, size_t *skipp, size_t *lenp,
		  const char **reasonp)
{
	const char *s, *p, *e, *q;
	long clen = -1;
	size_t hlen;
	bool first = true;

	if (!data || !skipp || !lenp || (!data->p && data->l))
		return EINVAL;
	if (!data->l) {
		*skipp = 0;
		return ENODATA;
	}
	s = data->p;
	e = s + data->l;
	p = s;
	while (p < e && (*p == '\r' || *p == '\n'))
		p++;
	*skipp = (size_t)(p - s);
	if (p == e)
		return ENODATA;
	s = p;
	for (;;) {
		const char *le;

		q = memchr(p, '\n', (size_t)(e - p));
		if (!q) {
			if ((size_t)(e - s) > SIP_MSG_MAX_SIZE)
				return fail(reasonp, "Headers too large");
			return ENODATA;
		}
		le = q > p && q[-1] == '\r' ? q - 1 : q;
		if (!first && le == p) {
			p = q + 1;
			break;
		}
		if (!first && *p != ' ' && *p != '\t') {
			long v = clen_of(p, le);

			if (v == -2)
				return fail(reasonp,
					    "Malformed Content-Length header");
			if (v >= 0 && clen >= 0)
				return fail(reasonp,
					    "Duplicate Content-Length header");
			if (v >= 0)
				clen = v;
		}
		first = false;
		p = q + 1;
		if ((size_t)(p - s) > SIP_MSG_MAX_SIZE)
			return fail(reasonp, "Headers too large");
	}
	if (clen < 0)
		return fail(reasonp, "Missing Content-Length header");
	hlen = (size_t)(p - s);
	if (hlen + (size_t)clen > SIP_MSG_MAX_SIZE)
		return fail(reasonp, "Message too large");
	if ((size_t)(e - s) < hlen + (size_t)clen)
		return ENODATA;
	*lenp = hlen + (size_t)clen;
	return 0;
}
