/* SDP codec helpers: the RFC 3551 static payload types and lookups over a
 * media section's formats; see sdp.h. */
#include "sip/sdp.h"

#include <stddef.h>

struct static_pt {
	const char *name;
	uint32_t srate;
};

/* RFC 3551 §6, table 4 and 5 (assigned static payload types). */
static const struct static_pt static_pts[35] = {
	[0] = {.name = "PCMU", .srate = 8000},
	[3] = {.name = "GSM", .srate = 8000},
	[4] = {.name = "G723", .srate = 8000},
	[5] = {.name = "DVI4", .srate = 8000},
	[6] = {.name = "DVI4", .srate = 16000},
	[7] = {.name = "LPC", .srate = 8000},
	[8] = {.name = "PCMA", .srate = 8000},
	[9] = {.name = "G722", .srate = 8000},
	[10] = {.name = "L16", .srate = 44100},
	[11] = {.name = "L16", .srate = 44100},
	[12] = {.name = "QCELP", .srate = 8000},
	[13] = {.name = "CN", .srate = 8000},
	[14] = {.name = "MPA", .srate = 90000},
	[15] = {.name = "G728", .srate = 8000},
	[16] = {.name = "DVI4", .srate = 11025},
	[17] = {.name = "DVI4", .srate = 22050},
	[18] = {.name = "G729", .srate = 8000},
	[25] = {.name = "CelB", .srate = 90000},
	[26] = {.name = "JPEG", .srate = 90000},
	[28] = {.name = "nv", .srate = 90000},
	[31] = {.name = "H261", .srate = 90000},
	[32] = {.name = "MPV", .srate = 90000},
	[33] = {.name = "MP2T", .srate = 90000},
	[34] = {.name = "H263", .srate = 90000},
};

bool sdp_static_pt(int pt, const char **namep, uint32_t *sratep)
{
	if (pt < 0 || (size_t)pt >= sizeof(static_pts) / sizeof(*static_pts) ||
	    !static_pts[pt].name)
		return false;
	if (namep)
		*namep = static_pts[pt].name;
	if (sratep)
		*sratep = static_pts[pt].srate;
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
