/* Header lookup and the lazily parsed, cached header values; see msg.h. */
#include "sip/msg.h"

#include <errno.h>
#include <string.h>

#include "sip/sip_int.h"

const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg,
				  enum sip_hdr_id id)
{
	if (!msg)
		return NULL;
	/* most lookups are for headers a message does not have */
	if ((unsigned)id < 64 && !((msg->hdr_mask >> id) & 1))
		return NULL;
	for (uint32_t i = 0; i < msg->nhdrs; i++)
		if (msg->hdrs[i].id == id)
			return &msg->hdrs[i];
	return NULL;
}

const struct sip_hdr *sip_msg_hdr_next(const struct sip_msg *msg,
				       const struct sip_hdr *prev)
{
	const struct sip_hdr *h, *end;

	if (!msg || !prev || prev < msg->hdrs ||
	    prev >= msg->hdrs + msg->nhdrs)
		return NULL;
	end = msg->hdrs + msg->nhdrs;
	for (h = prev + 1; h < end; h++) {
		if (h->id != prev->id)
			continue;
		if (h->id != SIP_HDR_OTHER || pl_caseeq(&h->name, &prev->name))
			return h;
	}
	return NULL;
}

const struct sip_hdr *sip_msg_hdr_name(const struct sip_msg *msg,
				       const struct pl *name)
{
	enum sip_hdr_id id;

	if (!msg || !name)
		return NULL;
	id = sip_hdr_id(name);
	if (id != SIP_HDR_OTHER)
		return sip_msg_hdr(msg, id);
	for (uint32_t i = 0; i < msg->nhdrs; i++)
		if (msg->hdrs[i].id == SIP_HDR_OTHER &&
		    pl_caseeq(&msg->hdrs[i].name, name))
			return &msg->hdrs[i];
	return NULL;
}

uint32_t sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr_id id)
{
	uint32_t n = 0;

	if (!msg)
		return 0;
	for (uint32_t i = 0; i < msg->nhdrs; i++)
		n += msg->hdrs[i].id == id;
	return n;
}

int sip_msg_via(struct sip_msg *msg, const struct sip_via **outp)
{
	if (!msg || !outp)
		return EINVAL;
	if (!msg->h_via)
		return ENOENT;
	if (!msg->cache.via)
		msg->cache.via =
			sip_via_decode_in(&msg->cache.via_v, &msg->h_via->val)
				? 2
				: 1;
	if (msg->cache.via != 1)
		return EBADMSG;
	*outp = &msg->cache.via_v;
	return 0;
}

static int addr_cached(const struct sip_hdr *h, uint8_t *state,
		       struct sip_addr *val, const struct sip_addr **outp)
{
	if (!outp)
		return EINVAL;
	if (!h)
		return ENOENT;
	if (!*state)
		*state = sip_addr_decode_in(val, &h->val) ? 2 : 1;
	if (*state != 1)
		return EBADMSG;
	*outp = val;
	return 0;
}

int sip_msg_from(struct sip_msg *msg, const struct sip_addr **outp)
{
	if (!msg)
		return EINVAL;
	return addr_cached(msg->h_from, &msg->cache.from, &msg->cache.from_v,
			   outp);
}

int sip_msg_to(struct sip_msg *msg, const struct sip_addr **outp)
{
	if (!msg)
		return EINVAL;
	return addr_cached(msg->h_to, &msg->cache.to, &msg->cache.to_v, outp);
}

int sip_msg_contact(struct sip_msg *msg, const struct sip_addr **outp)
{
	if (!msg)
		return EINVAL;
	return addr_cached(msg->h_contact, &msg->cache.contact,
			   &msg->cache.contact_v, outp);
}
