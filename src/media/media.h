/* RTP media relay: anchors the media of each B2BUA call so neither side
 * learns the other's media address, and watches the media for faults.
 *
 * Object graph (after rtpengine's call > call_monologue > call_media >
 * packet_stream > stream_fd; see docs/media.md):
 *
 *   relay            one per process: port pool, socket slots, relay
 *                    thread (epoll + recvmmsg/sendmmsg), event queue
 *   relay_call       one per B2BUA call (id), owns two legs
 *   relay_leg        one per side (RELAY_LEG_A: the caller's side, B:
 *                    the callee's side); symmetric-RTP flag, family
 *   relay_media      one per m= section of a leg: one port pair
 *   relay_stream     RTP or RTCP of one relay_media: local socket, the
 *                    SDP-advertised peer and the learned (latched) peer,
 *                    kept apart, and counters
 *
 * A packet received on leg A's media i socket is sent from leg B's media i
 * socket (same component) to leg B's peer, and back.
 *
 * Threads: the control functions below are called from one thread (the
 * SIP loop); they take a short mutex the relay thread holds only while it
 * handles one readable socket or one periodic check. Events reach the
 * control thread through a bounded queue, woken by uv_async when a loop is
 * given, or drained with relay_event_poll().
 */
#ifndef TRUNKD_MEDIA_MEDIA_H
#define TRUNKD_MEDIA_MEDIA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <uv.h>

enum {
	RELAY_MAX_MEDIA = 16, /* m= sections per call (= SDP_MAX_MEDIA) */
	RELAY_ID_MAX = 128,   /* call id bytes kept, NUL included */
	RELAY_TTL_LOW = 10,   /* TTL/hop limit at or below: 39033 */
};

enum relay_leg_id {
	RELAY_LEG_A = 0, /* the side that sent the initial offer */
	RELAY_LEG_B = 1,
};

enum relay_event_type {
	RELAY_EV_RTP_TIMEOUT = 1, /* 32014: no RTP either way */
	RELAY_EV_ONE_WAY,	  /* 39030: RTP flows one way only */
	RELAY_EV_ADDR_MISMATCH,	  /* 39032: source != SDP address */
	RELAY_EV_LOW_TTL,	  /* 39033: TTL/hop limit <= 10 */
};

/* One observation. For ONE_WAY, leg is the side whose peer sends nothing
 * (its media never reaches the other side). For ADDR_MISMATCH and
 * LOW_TTL, leg/media/rtcp name the stream the packet arrived on; addr is
 * the source, sdp_addr what the SDP said. */
struct relay_event {
	enum relay_event_type type;
	uint16_t code;		    /* alert code: 32014, 39030, ... */
	char call_id[RELAY_ID_MAX]; /* relay_call_alloc()'s id */
	enum relay_leg_id leg;
	uint32_t media; /* m= index */
	bool rtcp;
	bool latched;	    /* ADDR_MISMATCH: addr was latched */
	int ttl;	    /* LOW_TTL: the TTL/hop limit seen */
	uint64_t silent_ms; /* RTP_TIMEOUT/ONE_WAY: silence */
	struct sockaddr_storage addr;
	struct sockaddr_storage sdp_addr;
};

/* Called on the control thread (the uv loop's, or relay_event_poll()'s
 * caller). ev is valid during the call only. The handler may call the
 * control functions, relay_call_delete() included. */
typedef void(relay_event_h)(const struct relay_event *ev, void *arg);

struct relay_conf {
	uint16_t port_lo, port_hi; /* --media-ports; 0/0: 10000-20000 */
	/* Bind addresses (port ignored); ss_family AF_UNSPEC: none. At
	 * least one must be set; both zero: 127.0.0.1. */
	struct sockaddr_storage addr4, addr6;
	/* Addresses to advertise in SDP when a bind address is a wildcard
	 * or behind NAT (--public-ip); AF_UNSPEC: the bind address. */
	struct sockaddr_storage public4, public6;
	uint32_t rtp_timeout_ms; /* 0: 30000 */
	uint32_t oneway_ms;	 /* 0: 10000 */
	uint32_t check_ms;	 /* period of the checks; 0: derived */
	/* A latched source silent this long is replaced by the next new
	 * source (NAT rebinding); 0: 2000. */
	uint32_t relatch_ms;
	uint32_t event_queue; /* queued events; 0: 1024 */
	/* A released port pair keeps its sockets and is handed out again
	 * after resting this long (late packets of its last call stop);
	 * 0: 1000. */
	uint32_t port_rest_ms;
	/* Released pairs kept open at most; 0: an eighth of RLIMIT_NOFILE
	 * (a quarter of the descriptors, two per pair). */
	uint32_t idle_pairs_max;
};

struct relay;
struct relay_call;

/* Counters of one stream (one component of one leg's media). "in" is
 * what the leg's peer sent to the relay, "out" what the relay sent to it.
 * Times are clock_now_ms() values, 0 for never. */
struct relay_stream_stats {
	uint64_t pkts_in, bytes_in;
	uint64_t pkts_out, bytes_out;
	uint64_t dropped; /* no destination known, send failed, trunc */
	uint64_t first_in_ms, last_in_ms;
	int ttl_min;  /* lowest TTL/hop limit seen; -1 unknown */
	bool latched; /* learned is the peer's real address */
	struct sockaddr_storage local;	    /* relay socket */
	struct sockaddr_storage advertised; /* from SDP, or AF_UNSPEC */
	struct sockaddr_storage learned;    /* first source, or AF_UNSPEC */
};

struct relay_media_stats {
	struct relay_stream_stats rtp, rtcp;
};

/* Start a relay: validates conf (EINVAL: bad range, no usable address),
 * creates the epoll set and starts the relay thread. loop, if not NULL,
 * is the control thread's libuv loop: events are delivered on it through
 * a uv_async (call relay_alloc() from that loop's thread). With loop NULL
 * call relay_event_poll() to deliver them. eh may be NULL (events are
 * dropped). Returns 0 and sets *rp (free with mem_deref() after every
 * call was deleted: calls hold a reference), EINVAL, ENOMEM or an errno
 * from epoll/eventfd/pthread. */
int relay_alloc(struct relay **rp, const struct relay_conf *conf,
		uv_loop_t *loop, relay_event_h *eh, void *arg);

/* Deliver queued events to the handler on the calling thread. Returns the
 * number delivered. */
unsigned relay_event_poll(struct relay *r);

/* Events dropped because the queue was full. */
uint64_t relay_event_dropped(struct relay *r);

/* Free port pairs left / in use. */
uint32_t relay_ports_free(const struct relay *r);
uint32_t relay_ports_used(const struct relay *r);
/* Free pairs whose sockets are still open, for reuse without a system
 * call. */
uint32_t relay_ports_warm(const struct relay *r);
/* Packets that arrived on warm sockets and were dropped. */
uint64_t relay_ports_idle_dropped(struct relay *r);

/* Options of one call. symmetric[leg]: the trunk's SymmetricRtpEnabled
 * for that side: latch onto the first source and send there. af[leg]:
 * AF_INET / AF_INET6 / AF_UNSPEC (the first configured family) for the
 * relay socket of a side whose SDP is not known yet. */
struct relay_call_opt {
	bool symmetric[2];
	int af[2];
};

/* Create the relay session of a call. id (NUL-terminated, truncated to
 * RELAY_ID_MAX - 1 bytes) names the call in events. opt may be NULL (no
 * latching, default family). Returns 0 and sets *callp (one reference,
 * released by relay_call_delete()), EINVAL or ENOMEM. No ports yet. */
int relay_call_alloc(struct relay_call **callp, struct relay *r,
		     const char *id, const struct relay_call_opt *opt);

/* Stop relaying the call, close its sockets, return its ports to the pool
 * at once, and drop the caller's reference. NULL-safe; returns NULL. */
struct relay_call *relay_call_delete(struct relay_call *call);

/* Parameters of one media section of one leg, from that leg's SDP. */
struct relay_media_param {
	/* The peer's SDP address for RTP and RTCP (a=rtcp, else RTP port
	 * + 1). AF_UNSPEC or port 0: not known (or the stream rejected):
	 * nothing is sent to the peer until it is known or latched. */
	struct sockaddr_storage rtp, rtcp;
	bool no_oneway;	 /* direction not sendrecv: no 39030 */
	bool no_timeout; /* inactive / on hold: no 32014 from it */
};

/* Make sure media section idx (< RELAY_MAX_MEDIA) of both legs has its
 * sockets (a port pair each), so both local addresses can be advertised.
 * af: the family of leg's socket (AF_UNSPEC: the call's option), the
 * other side uses the call option for its leg. Idempotent. Returns 0,
 * EINVAL, ENOSPC (no free port pair; nothing changed), or a socket errno.
 */
int relay_media_open(struct relay_call *call, enum relay_leg_id leg,
		     uint32_t idx, int af);

/* Record what leg's SDP says about media section idx (opens the media
 * first if needed, as relay_media_open(call, leg, idx, af of p->rtp)).
 * A changed address resets the latch (re-INVITE). Returns as
 * relay_media_open(). */
int relay_media_set(struct relay_call *call, enum relay_leg_id leg,
		    uint32_t idx, const struct relay_media_param *p);

/* The address and RTP port to advertise to leg's peer for media idx (the
 * RTCP port is this port + 1). Returns 0, ENOENT (not opened) or EINVAL;
 * *sa set only on success. */
int relay_media_local(const struct relay_call *call, enum relay_leg_id leg,
		      uint32_t idx, struct sockaddr_storage *sa);

/* The address (port 0) the relay advertises to leg's peer by default:
 * the public or bind address of the leg's family. Returns 0 or EINVAL. */
int relay_call_addr(const struct relay_call *call, enum relay_leg_id leg,
		    struct sockaddr_storage *sa);

/* The call was answered: start the RTP-timeout and one-way clocks. */
void relay_call_answered(struct relay_call *call);

/* Copy the counters of media idx of leg. Returns 0, ENOENT or EINVAL. */
int relay_media_stats(const struct relay_call *call, enum relay_leg_id leg,
		      uint32_t idx, struct relay_media_stats *st);

const char *relay_event_name(enum relay_event_type t);

struct sdp_session;
struct sdp_rewrite;
struct buf;

/* Offer/answer through the relay (relay_sdp.c). sess is the SDP leg from
 * sent (an offer or an answer), parsed with sdp_session_decode(). For
 * each media section: its connection address and port (a=rtcp, else port
 * + 1) become leg from's advertised peer (relay_media_set(); direction
 * other than sendrecv, or c=0.0.0.0 hold, turns the one-way and timeout
 * checks off for it), sockets are opened on both legs, and the
 * description for the other leg is appended at b->pos: the relay's
 * address of the other leg on every c= and o= line, its port on every
 * m= line and a=rtcp; rejected sections (port 0) stay rejected.
 * filter (NULL: none) holds further changes made in the same print
 * (sip/sdp.h: the trunk's codec filter of an offer); a section it
 * rejects counts as rejected here too, so one print of sess makes the
 * other leg's SDP.
 * Returns 0; EINVAL (bad arguments, too many media sections); ENOSPC (no
 * free ports: the B2BUA answers 503 or 488); ENOMEM; a socket errno.
 * Sections before a failing one stay open until relay_call_delete(); b
 * may hold a partial description past its old pos on error. */
int relay_sdp_rewrite(struct relay_call *call, enum relay_leg_id from,
		      const struct sdp_session *sess,
		      const struct sdp_rewrite *filter, struct buf *b);

#endif
