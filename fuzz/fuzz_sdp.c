/* libFuzzer target: SDP parser, codec helpers and printer.
 *
 * Invariants checked (abort on violation):
 * - a failed decode always names a reason;
 * - the canonical print of a parsed description parses again and prints
 *   to the same bytes (the printer is a fixed point after one pass);
 * - a rewrite (address, version bump, ports where a c= applies, payload
 *   type filter) parses again, keeps the media count and the filter.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/pl.h"
#include "sip/sdp.h"

#define CHECK(x)                 \
	do {                     \
		if (!(x))        \
			abort(); \
	} while (0)

static void touch(const struct sdp_session *s)
{
	volatile size_t sink = 0;

	for (uint32_t i = 0; i < s->nmedia; i++) {
		const struct sdp_media *m = &s->media[i];
		const struct sdp_fmt *f = sdp_media_telev(m);
		const struct sdp_attr *a = NULL;

		sink += sdp_media_dir(s, m);
		sink += sdp_media_conn(s, m) != NULL;
		sink += f ? (size_t)f->pt : 0;
		f = sdp_media_codec_find(m, "PCMU", 8000);
		sink += f ? 1 : 0;
		for (uint32_t k = 0; k < m->nfmts; k++)
			sink += m->fmts[k].name.l + m->fmts[k].fmtp.l;
		while ((a = sdp_attr_find(m->attrs, m->nattrs, "crypto", a))) {
			struct sdp_crypto c;

			CHECK(sdp_crypto_decode(&c, &a->value) == 0);
		}
	}
	(void)sink;
}

static struct sdp_session *reparse(const struct buf *b)
{
	struct sdp_session *s = NULL;
	const char *reason = NULL;
	struct pl out = buf_pl(b);
	int err = sdp_session_decode(&s, &out, NULL, &reason);

	CHECK(err == 0 || err == ENOMEM);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdp_session *s = NULL, *s2 = NULL, *s3 = NULL;
	struct buf *b1 = NULL, *b2 = NULL, *b3 = NULL;
	const char *reason = NULL;
	struct sdp_rewrite rw;
	struct pl in = {.p = (const char *)data, .l = size};
	int err;

	err = sdp_session_decode(&s, &in, NULL, &reason);
	if (err) {
		CHECK(err == EBADMSG && reason && *reason);
		return 0;
	}
	touch(s);

	/* canonical print is a fixed point */
	b1 = buf_alloc(size + 16);
	b2 = buf_alloc(size + 16);
	b3 = buf_alloc(size + 64);
	if (!b1 || !b2 || !b3)
		goto out;
	CHECK(sdp_print(b1, s, NULL) == 0);
	s2 = reparse(b1);
	if (!s2)
		goto out;
	CHECK(s2->nmedia == s->nmedia);
	CHECK(sdp_print(b2, s2, NULL) == 0);
	CHECK(b1->end == b2->end && !memcmp(b1->data, b2->data, b1->end));

	/* rewrite */
	sdp_rewrite_init(&rw);
	pl_set_str(&rw.addr, (size & 1) ? "2001:db8::7" : "203.0.113.7");
	rw.bump_version = true;
	for (uint32_t i = 0; i < s->nmedia; i++) {
		if (sdp_media_conn(s, &s->media[i]))
			sdp_rewrite_port(&rw, i, (uint16_t)(20000 + 2 * i),
					 (i & 1) ? 0
						 : (uint16_t)(20001 + 2 * i));
		if (i & 1)
			continue;
		sdp_rewrite_keep_pt(&rw, i, 0);
		sdp_rewrite_keep_pt(&rw, i, 8);
		sdp_rewrite_keep_pt(&rw, i, 101);
	}
	CHECK(sdp_print(b3, s, &rw) == 0);
	s3 = reparse(b3);
	if (!s3)
		goto out;
	CHECK(s3->nmedia == s->nmedia);
	for (uint32_t i = 0; i < s3->nmedia; i++) {
		const struct sdp_media *m = &s3->media[i];

		if (!m->rtp || (i & 1))
			continue;
		for (uint32_t k = 0; k < m->nfmts; k++)
			CHECK(m->fmts[k].pt == 0 || m->fmts[k].pt == 8 ||
			      m->fmts[k].pt == 101 || m->port == 0);
	}
out:
	mem_deref(s3);
	mem_deref(s2);
	mem_deref(s);
	mem_deref(b3);
	mem_deref(b2);
	mem_deref(b1);
	return 0;
}
