/* SDP session descriptions (RFC 4566) as used in offer/answer (RFC 3264):
 * zero-copy parse, codec helpers and a rewriting printer. No I/O here.
 *
 * sdp_session_decode() validates a whole body and returns one refcounted
 * block holding the session, its media sections and every attribute as
 * struct pl slices into the body; the caller keeps the body alive (or
 * passes the buf that holds it, which the session then references).
 *
 * Abuse limits are fixed (SDP_MAX_*); a description over one is malformed
 * with a reason naming the limit. Every malformed description yields
 * EBADMSG and a static reason string, fit for the B2BUA's "400 Bad SDP"
 * (alert 32102) and for the alert's evidence.
 */
#ifndef TRUNKD_SIP_SDP_H
#define TRUNKD_SIP_SDP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/buf.h"
#include "base/pl.h"

enum {
	SDP_MAX_SIZE = 65535, /* whole body, bytes */
	SDP_MAX_MEDIA = 16,   /* m= sections */
	SDP_MAX_FMT = 32,     /* formats on one m= line */
	SDP_MAX_ATTRS = 256,  /* a= lines, session and media together */
	SDP_MAX_PT = 127,     /* highest RTP payload type */
};

enum sdp_dir {
	SDP_DIR_NONE = 0, /* no direction attribute at this level */
	SDP_DIR_SENDRECV,
	SDP_DIR_SENDONLY,
	SDP_DIR_RECVONLY,
	SDP_DIR_INACTIVE,
};

/* A connection address: c= lines, the o= address, a=rtcp's address. */
struct sdp_conn {
	bool set;	    /* line present */
	int af;		    /* AF_INET, AF_INET6, or AF_UNSPEC for an FQDN */
	struct pl addrtype; /* "IP4" / "IP6" as written */
	struct pl addr;	    /* address without /ttl or /count */
	struct pl suffix; /* "/127/3" multicast suffix as written, or empty */
	uint8_t ip[16];	  /* the literal (af AF_INET: 4 bytes; AF_INET6) */
};

struct sdp_origin {
	struct pl user;
	struct pl sess_id;	/* digits */
	struct pl sess_version; /* digits, any length */
	struct sdp_conn addr;
};

/* a=name or a=name:value, in the order written. */
struct sdp_attr {
	struct pl name;
	struct pl value; /* empty for property attributes */
	bool has_value;	 /* ':' present */
	struct pl line;	 /* the whole line without "a=" and CRLF */
};

/* One format of an m= line with what a=rtpmap / a=fmtp (or, for static
 * RTP payload types, the RFC 3551 table) say about it. */
struct sdp_fmt {
	struct pl id;	   /* as written on the m= line */
	int pt;		   /* RTP payload type 0-127; -1 for non-RTP */
	bool known;	   /* name/srate set (rtpmap or static table) */
	struct pl name;	   /* encoding name ("PCMU"), or empty */
	uint32_t srate;	   /* clock rate, Hz; 0 when unknown */
	uint32_t channels; /* 1 unless rtpmap says otherwise */
	struct pl fmtp;	   /* a=fmtp parameters, or empty */
	const struct sdp_attr *rtpmap;	  /* weak: NULL if none */
	const struct sdp_attr *fmtp_attr; /* weak: NULL if none */
};

struct sdp_media {
	struct pl type;	 /* "audio", "video", "image", ... */
	uint16_t port;	 /* 0: rejected / disabled stream */
	uint16_t nports; /* m=audio 49170/2: 2; otherwise 1 */
	struct pl proto; /* "RTP/AVP", "RTP/SAVP", "udptl", ... */
	bool rtp;	 /* proto is RTP-based: formats are PTs */
	struct sdp_fmt fmts[SDP_MAX_FMT];
	uint32_t nfmts;	      /* >= 1 */
	struct sdp_conn conn; /* media-level c=, .set false if absent */
	enum sdp_dir dir;     /* media-level attribute, or SDP_DIR_NONE */
	uint32_t ptime;	      /* a=ptime, ms; 0 when absent */
	uint32_t ncrypto;     /* a=crypto lines (each validated) */
	bool has_rtcp;	      /* a=rtcp present */
	uint16_t rtcp_port;
	struct sdp_conn rtcp_conn; /* a=rtcp address, .set false if none */
	struct sdp_attr *attrs;	   /* weak: into the session's block */
	uint32_t nattrs;
	struct pl line; /* the m= line without "m=" and CRLF */
};

struct sdp_session {
	struct buf *mb; /* ref: holds raw's bytes, or NULL */
	struct pl raw;	/* the whole body */
	struct sdp_origin origin;
	struct pl name;		  /* s= */
	struct sdp_conn conn;	  /* session-level c=, .set false if absent */
	uint64_t t_start, t_stop; /* first t= line */
	enum sdp_dir dir;	/* session-level attribute, or SDP_DIR_NONE */
	struct sdp_attr *attrs; /* weak: session-level attributes */
	uint32_t nattrs;
	struct sdp_media *media; /* weak: into the same block */
	uint32_t nmedia;
};

/* Parse body as one session description. Lines end in CRLF or LF; blank
 * lines are ignored. mb, if not NULL, is referenced so the slices stay
 * valid; otherwise the caller keeps body's bytes alive as long as the
 * session.
 *
 * Returns 0 and sets *sessp (mem_deref it); EBADMSG with a static reason
 * in *reasonp (may be NULL), e.g. "Malformed m= line", "Too many media
 * sections"; EINVAL for NULL arguments; ENOMEM.
 */
int sdp_session_decode(struct sdp_session **sessp, const struct pl *body,
		       struct buf *mb, const char **reasonp);

/* Connection data that applies to a media section: its own c= if any,
 * else the session's; NULL if neither (only allowed for port 0). */
const struct sdp_conn *sdp_media_conn(const struct sdp_session *sess,
				      const struct sdp_media *m);

/* c's address (an IP literal, af AF_INET or AF_INET6) and port as a
 * socket address, without parsing the text again. Returns 0 and sets
 * *sa; EINVAL for NULL, an unset c or an FQDN. */
int sdp_conn_sa(const struct sdp_conn *c, uint16_t port,
		struct sockaddr_storage *sa);

/* Direction that applies: media attribute, else session attribute, else
 * sendrecv (RFC 3264 §5.1). */
enum sdp_dir sdp_media_dir(const struct sdp_session *sess,
			   const struct sdp_media *m);

const char *sdp_dir_name(enum sdp_dir dir); /* "sendrecv", ...; "" */

/* Attribute named name (case-sensitive, as RFC 4566 says) among attrs,
 * starting after prev (NULL: from the first). NULL if none. Use with
 * (sess->attrs, sess->nattrs) or (m->attrs, m->nattrs). */
const struct sdp_attr *sdp_attr_find(const struct sdp_attr *attrs,
				     uint32_t nattrs, const char *name,
				     const struct sdp_attr *prev);

/* Format of m whose RTP payload type is pt, or NULL. */
const struct sdp_fmt *sdp_media_fmt_pt(const struct sdp_media *m, int pt);

/* First known format of m whose encoding name matches name
 * (case-insensitive) and, if srate != 0, whose clock rate is srate.
 * NULL if none. */
const struct sdp_fmt *sdp_media_codec_find(const struct sdp_media *m,
					   const char *name, uint32_t srate);

/* The telephone-event format (RFC 4733) of m, preferring 8000 Hz; NULL if
 * m offers none. */
const struct sdp_fmt *sdp_media_telev(const struct sdp_media *m);

/* RFC 3551 static payload type: sets *namep and *sratep and returns true
 * for an assigned static pt (0 PCMU/8000, 8 PCMA/8000, 18 G729/8000 ...);
 * false otherwise. */
bool sdp_static_pt(int pt, const char **namep, uint32_t *sratep);

/* a=crypto (RFC 4568): tag, suite, key params, optional session params. */
struct sdp_crypto {
	uint32_t tag;
	struct pl suite;       /* "AES_CM_128_HMAC_SHA1_80" */
	struct pl key_params;  /* "inline:base64|2^20|1:4" (may hold ';') */
	struct pl sess_params; /* the rest, or empty */
};

/* Parse an a=crypto value. Returns 0 or EBADMSG; *c set only on
 * success. */
int sdp_crypto_decode(struct sdp_crypto *c, const struct pl *value);

/* What sdp_print() changes. Initialise with sdp_rewrite_init(): a zeroed
 * rewrite keeps everything (a canonical copy with CRLF line ends). */
struct sdp_rewrite {
	/* New connection address for every c= line (session and media) and
	 * the o= address; empty keeps them. The address type (IP4/IP6)
	 * follows from the address (a ':' means IP6). */
	struct pl addr;
	/* Bump the o= session version by one (decimal, any length). */
	bool bump_version;
	struct {
		bool set_port; /* replace the m= port */
		uint16_t port;
		/* with set_port: rtcp_port != 0 rewrites a=rtcp to it (and
		 * to addr); 0 drops a=rtcp (default RTP port + 1) */
		uint16_t rtcp_port;
		/* keep only the RTP payload types in keep (bit pt); also
		 * drops their a=rtpmap, a=fmtp and a=rtcp-fb lines. If no
		 * format is left the stream is printed rejected: port 0
		 * and its first format (RFC 3264 §6). Ignored for non-RTP
		 * media. */
		bool filter;
		uint64_t keep[2];
	} media[SDP_MAX_MEDIA];
};

void sdp_rewrite_init(struct sdp_rewrite *rw);
/* Set the m= port of media section idx (< SDP_MAX_MEDIA). */
void sdp_rewrite_port(struct sdp_rewrite *rw, uint32_t idx, uint16_t port,
		      uint16_t rtcp_port);
/* Keep payload type pt (0-127) in media section idx; turns filtering on
 * for that section. */
void sdp_rewrite_keep_pt(struct sdp_rewrite *rw, uint32_t idx, int pt);

/* Media section idx of sess prints rejected with rw (NULL: no changes):
 * its port is 0, or rw filters its formats and keeps none of them. False
 * for idx out of range. */
bool sdp_rewrite_rejects(const struct sdp_rewrite *rw,
			 const struct sdp_session *sess, uint32_t idx);

/* Append a new description built from sess with rw's changes (rw NULL:
 * none) at b->pos. Lines are written with CRLF, everything not rewritten
 * is copied as written (unknown lines and attributes included).
 * Returns 0, EINVAL (bad arguments, e.g. an addr with spaces) or ENOMEM;
 * on error b may hold a partial description past its old pos. */
int sdp_print(struct buf *b, const struct sdp_session *sess,
	      const struct sdp_rewrite *rw);

#endif
