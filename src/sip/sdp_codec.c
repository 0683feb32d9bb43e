/* SDP codec helpers: the RFC 3551 static payload types and lookups over a
 * media section's formats; see sdp.h. */
#include "sip/sdp.h"

#include <stddef.h>

#include "sip/sdp_int.h"

#define SPT(n, r)                                           \
	{                                                   \
		.name = n, .len = sizeof(n) - 1, .srate = r \
	}

/* RFC 3551 §6, table 4 and 5 (assigned static payload types). */
const struct sdp_static_pt sdp_static_pts[SDP_STATIC_PTS] = {
	[0] = SPT("PCMU", 8000),   [3] = SPT("GSM", 8000),
	[4] = SPT("G723", 8000),   [5] = SPT("DVI4", 8000),
	[6] = SPT("DVI4", 16000),  [7] = SPT("LPC", 8000),
	[8] = SPT("PCMA", 8000),   [9] = SPT("G722", 8000),
	[10] = SPT("L16", 44100),  [11] = SPT("L16", 44100),
	[12] = SPT("QCELP", 8000), [13] = SPT("CN", 8000),
	[14] = SPT("MPA", 90000),  [15] = SPT("G728", 8000),
	[16] = SPT("DVI4", 11025), [17] = SPT("DVI4", 22050),
	[18] = SPT("G729", 8000),  [25] = SPT("CelB", 90000),
	[26] = SPT("JPEG", 90000), [28] = SPT("nv", 90000),
	[31] = SPT("H261", 90000), [32] = SPT("MPV", 90000),
	[33] = SPT("MP2T", 90000), [34] = SPT("H263", 90000),
};

#undef SPT

bool sdp_static_pt(int pt, const char **namep, uint32_t *sratep)
{
	if (pt < 0 || pt >= SDP_STATIC_PTS || !sdp_static_pts[pt].name)
		return false;
	if (namep)
		*namep = sdp_static_pts[pt].name;
	if (sratep)
		*sratep = sdp_static_pts[pt].srate;
	return true;
}

const struct sdp_fmt *sdp_media_fmt_pt(const struct sdp_media *m, int pt)
{
	if (!m || pt < 0)
		return NULL;
	for (uint32_t i = 0; i < m->nfmts; i++)
		if (m->fmts[i].pt == pt)
			return &m->fmts[i];
	return NULL;
}

const struct sdp_fmt *sdp_media_codec_find(const struct sdp_media *m,
					   const char *name, uint32_t srate)
{
	if (!m || !name)
		return NULL;
	for (uint32_t i = 0; i < m->nfmts; i++) {
		const struct sdp_fmt *f = &m->fmts[i];

		if (!f->known || !pl_caseeq_str(&f->name, name))
			continue;
		if (srate && f->srate != srate)
			continue;
		return f;
	}
	return NULL;
}

const struct sdp_fmt *sdp_media_telev(const struct sdp_media *m)
{
	const struct sdp_fmt *f;

	f = sdp_media_codec_find(m, "telephone-event", 8000);
	return f ? f : sdp_media_codec_find(m, "telephone-event", 0);
}
