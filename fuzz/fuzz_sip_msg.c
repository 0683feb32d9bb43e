/* libFuzzer target: SIP message parser (sip_msg_decode), its lazy cached
 * accessors, header lookup, the full validation, stream framing, and the
 * SDP parser on an application/sdp body.
 *
 * Invariants checked (abort on violation):
 * - a failed decode/validate names a reason; only documented errnos;
 * - every header slice lies inside the input;
 * - an accessor returns the same answer (and cached pointer) twice;
 * - framing never reports more bytes than it was given.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/pl.h"
#include "sip/msg.h"
#include "sip/sdp.h"

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

static void check_in(const struct pl *pl, const uint8_t *data, size_t size)
{
	if (!pl->l)
		return;
	CHECK((const uint8_t *)pl->p >= data &&
	      (const uint8_t *)pl->p + pl->l <= data + size);
}

typedef int(accessor_h)(struct sip_msg *msg, const struct sip_addr **outp);

static void addr_twice(struct sip_msg *msg, accessor_h *get,
		       const uint8_t *data, size_t size)
{
	const struct sip_addr *a = NULL, *b = NULL;
	int e1 = get(msg, &a);
	int e2 = get(msg, &b);

	CHECK(e1 == 0 || e1 == EBADMSG || e1 == ENOENT);
	CHECK(e1 == e2);
	if (!e1) {
		CHECK(a == b);
		check_in(&a->uri.raw, data, size);
		check_in(&a->uri.host, data, size);
		check_in(&a->tag, data, size);
	}
}

static void touch(struct sip_msg *msg, const uint8_t *data, size_t size)
{
	const struct sip_via *v1 = NULL, *v2 = NULL;
	const struct sip_hdr *h;
	const char *reason = NULL;
	uint32_t n = 0;
	int e1, e2;

	for (uint32_t i = 0; i < msg->nhdrs; i++) {
		check_in(&msg->hdrs[i].name, data, size);
		check_in(&msg->hdrs[i].val, data, size);
		check_in(&msg->hdrs[i].line, data, size);
	}
	check_in(&msg->body, data, size);
	check_in(&msg->callid, data, size);

	e1 = sip_msg_via(msg, &v1);
	e2 = sip_msg_via(msg, &v2);
	CHECK(e1 == 0 || e1 == EBADMSG || e1 == ENOENT);
	CHECK(e1 == e2);
	if (!e1) {
		CHECK(v1 == v2);
		check_in(&v1->host, data, size);
		check_in(&v1->branch, data, size);
	}
	addr_twice(msg, sip_msg_from, data, size);
	addr_twice(msg, sip_msg_to, data, size);
	addr_twice(msg, sip_msg_contact, data, size);

	for (h = sip_msg_hdr(msg, SIP_HDR_ROUTE); h;
	     h = sip_msg_hdr_next(msg, h)) {
		struct sip_addr ra;

		CHECK(h->id == SIP_HDR_ROUTE);
		(void)sip_addr_decode(&ra, &h->val);
		n++;
	}
	CHECK(n == sip_msg_hdr_count(msg, SIP_HDR_ROUTE));

	if (msg->h_ctype && msg->body.l &&
	    pl_caseeq_str(&msg->h_ctype->val, "application/sdp")) {
		struct sdp_session *sdp = NULL;

		if (!sdp_session_decode(&sdp, &msg->body, msg->mb, &reason))
			mem_deref(sdp);
	}

	e1 = sip_msg_validate(msg, &reason);
	CHECK(e1 == 0 || (e1 == EBADMSG && reason && *reason));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl in = {.p = (const char *)data, .l = size};
	struct sip_msg *msg = NULL;
	const char *reason = NULL;
	size_t skip = 0, len = 0;
	int err;

	for (int stream = 0; stream < 2; stream++) {
		reason = NULL;
		msg = NULL;
		err = sip_msg_decode(&msg, &in, NULL, stream, &reason);
		if (err) {
			CHECK(err == EBADMSG || err == EMSGSIZE ||
			      err == ENOMEM);
			CHECK(reason && *reason);
			CHECK(!msg);
			continue;
		}
		CHECK(msg);
		touch(msg, data, size);
		msg = mem_deref(msg);
	}

	err = sip_msg_frame(&in, &skip, &len, &reason);
	CHECK(err == 0 || err == ENODATA || err == EBADMSG);
	if (!err)
		CHECK(skip <= size && len <= size - skip && len > 0);
	return 0;
}
