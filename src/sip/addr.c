/* name-addr / addr-spec with header parameters; see addr.h. */
#include "sip/addr.h"

#include <errno.h>
#include <string.h>

#include "sip/sip_int.h"

int sip_addr_decode_in(struct sip_addr *ap, const struct pl *pl)
{
	struct sip_addr *const a = ap;
	struct sip_param prm;
	const char *p, *e, *q, *us, *ue, *r, *s;
	bool tag = false;
	struct pl upl;
	int err, rv;

	if (!pl || !pl->p)
		return EBADMSG;
	p = sc_ws(pl->p, pl->p + pl->l);
	e = pl->p + pl->l;
	while (e > p && sc_is(e[-1], SC_WS))
		e--;
	if (p == e)
		return EBADMSG;
	/* the URI is set by its decoder; the rest here (no memset) */
	a->dname = a->params = a->tag = (struct pl)PL_INIT;
	a->star = false;
	pl_set(&a->raw, p, (size_t)(e - p));
	if (e - p == 1 && *p == '*') {
		memset(&a->uri, 0, sizeof(a->uri));
		a->star = true;
		pl_set(&a->params, e, 0);
		pl_set(&a->tag, e, 0);
		return 0;
	}

	if (*p == '"') {
		q = sip_scan_quoted(p, e);
		if (!q)
			return EBADMSG;
		pl_set(&a->dname, p, (size_t)(q - p));
		q = sc_ws(q, e);
		if (q >= e || *q != '<')
			return EBADMSG;
	} else {
		const char *last = p, *t;

		q = p;
		for (;;) {
			t = sc_span(q, e, SC_TOKEN);
			if (t == q)
				break;
			last = t;
			q = sc_ws(t, e);
		}
		if (q < e && *q == '<')
			pl_set(&a->dname, p, (size_t)(last - p));
		else
			q = NULL;
	}

	if (q) {
		/* name-addr: LAQUOT addr-spec RAQUOT, no LWS inside */
		us = q + 1;
		ue = memchr(us, '>', (size_t)(e - us));
		if (!ue)
			return EBADMSG;
		r = ue + 1;
	} else {
		/* addr-spec: the URI ends at ';' (header params) or LWS; a
		 * URI with '?' or ',' must be in <> (RFC 3261 §20) */
		us = p;
		ue = us;
		while (ue < e && *ue != ';' && *ue != ',' &&
		       !sc_is(*ue, SC_WS)) {
			if (*ue == '?')
				return EBADMSG;
			ue++;
		}
		r = ue;
	}
	pl_set(&upl, us, (size_t)(ue - us));
	err = sip_uri_decode_in(&a->uri, &upl);
	if (err)
		return err;
	/* header params, picking the first ;tag= on the way */
	s = r;
	while ((rv = sip_param_next(&s, e, &prm, 0)) == 1) {
		if (!tag && prm.has_val &&
		    SC_CASEEQ(prm.name.p, prm.name.l, "tag")) {
			a->tag = prm.val;
			tag = true;
		}
	}
	if (rv < 0 || sc_ws(s, e) != e)
		return EBADMSG;
	pl_set(&a->params, r, (size_t)(s - r));
	if (!tag)
		pl_set(&a->tag, s, 0);
	return 0;
}

int sip_addr_decode(struct sip_addr *addr, const struct pl *pl)
{
	struct sip_addr a;
	int err;

	if (!addr)
		return EBADMSG;
	err = sip_addr_decode_in(&a, pl);
	if (err)
		return err;
	*addr = a;
	return 0;
}
