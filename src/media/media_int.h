/* Private to src/media: the relay's objects. Locking: everything below
 * marked [L] is guarded by relay.lock; the relay thread holds it while it
 * handles one socket or one check pass, the control thread while it runs
 * one control function. */
#ifndef TRUNKD_MEDIA_MEDIA_INT_H
#define TRUNKD_MEDIA_MEDIA_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "base/list.h"
#include "media/media.h"

enum {
	RELAY_BATCH = 32,     /* datagrams per recvmmsg/sendmmsg */
	RELAY_EVENTS = 64,    /* epoll events per wait */
	RELAY_PKT_MAX = 2048, /* bytes per datagram; larger are dropped */
};

struct relay_stream;
struct relay_io;

/* One socket slot: the stream_fd. Slots live in one array indexed by port
 * (2 * pair + component), preallocated, so the relay thread finds a
 * socket's stream from the epoll cookie (slot index, generation) without
 * a pointer that could dangle. [L] */
struct relay_sfd {
	int fd;			 /* -1 when closed */
	uint32_t gen;		 /* bumped on every close */
	struct relay_stream *ps; /* weak: the stream using it, or NULL */
};

/* A port pair of the pool (port.c). */
struct relay_pair {
	uint32_t next; /* link on the warm or cold list; UINT32_MAX: end */
	bool used;     /* handed out to a call's media */
	bool open;     /* both sockets open (used, or warm) */
	uint64_t released_ms;	       /* when it went to the warm list */
	struct sockaddr_storage bound; /* address the sockets are bound to */
};

/* A first-in first-out list of pairs. */
struct relay_fifo {
	uint32_t head, tail, n;
};

/* packet_stream: RTP or RTCP of one leg's media. [L] */
struct relay_stream {
	struct relay_media *media; /* weak: parent */
	struct relay_sfd *sfd;	   /* weak: slot, NULL when closed */
	bool rtcp;
	struct sockaddr_storage advertised; /* SDP; AF_UNSPEC unknown */
	struct sockaddr_storage learned;    /* first source */
	bool learned_set;
	uint64_t learned_ms; /* last packet from learned */
	bool mismatch_sent, ttl_sent;
	struct relay_stream_stats st; /* counters; local/addresses filled
				       * when copied out */
};

/* call_media: one m= section on one leg. [L] */
struct relay_media {
	struct relay_leg *leg; /* weak: parent */
	uint32_t idx;
	uint32_t pair;		       /* port pair index */
	struct sockaddr_storage local; /* bound address, RTP port */
	struct relay_stream rtp, rtcp;
	bool no_oneway, no_timeout;
	bool oneway_sent;
};

/* call_monologue: one side of the call. [L] */
struct relay_leg {
	struct relay_call *call; /* weak: parent */
	enum relay_leg_id id;
	bool symmetric;
	int af;
	struct relay_media *media[RELAY_MAX_MEDIA]; /* owned */
};

struct relay_call {
	struct le le;	 /* on relay.calls [L] */
	struct relay *r; /* ref */
	char id[RELAY_ID_MAX];
	struct relay_leg legs[2];
	bool deleted;  /* [L] */
	bool answered; /* [L] */
	uint64_t answered_ms;
	bool timeout_sent;
};

struct relay_evq {
	pthread_mutex_t lock;
	struct relay_event *ring; /* owned, cap entries */
	uint32_t cap, head, count;
	uint64_t dropped;
};

struct relay {
	struct relay_conf conf;
	pthread_mutex_t lock;
	bool lock_ready;
	struct list calls; /* [L] relay_call, each holding a ref */

	/* ports: pairs[i] is ports (base + 2i, base + 2i + 1) [L] */
	uint16_t port_base;
	uint32_t npairs;
	struct relay_pair *pairs; /* owned */
	struct relay_fifo warm;	  /* released, sockets still open */
	struct relay_fifo cold;	  /* sockets closed */
	uint32_t nused, idle_max; /* handed out; most warm pairs kept */
	uint64_t idle_dropped;	  /* packets that reached warm sockets */
	struct relay_sfd *sfds;	  /* owned, 2 * npairs */

	/* relay thread */
	struct relay_io *io; /* owned; relay thread's buffers */
	int epfd, wakefd;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;

	/* events to the control thread */
	struct relay_evq evq;
	relay_event_h *eh;
	void *arg;
	uv_async_t *async; /* owned (closed through uv_close) */
};

/* port.c [L held by the caller] */
int relay_ports_init(struct relay *r);
void relay_ports_close(struct relay *r);
/* Allocate a pair and bind both sockets on local's address (its port is
 * set to the RTP port on success). ENOSPC when no pair is free. */
int relay_pair_open(struct relay *r, struct sockaddr_storage *local,
		    uint32_t *pairp);
/* Release the pair: its sockets stay open (warm) and are reused after
 * conf.port_rest_ms, or closed when too many are warm. */
void relay_pair_release(struct relay *r, uint32_t pair);

/* check.c */
/* Run the timeout and one-way checks over every call at now. [L] */
void relay_check(struct relay *r, uint64_t now);
/* Queue an event (any thread; takes evq.lock) and wake the control
 * thread. */
void relay_event_push(struct relay *r, const struct relay_event *ev);
int relay_evq_init(struct relay_evq *q, uint32_t cap);
void relay_evq_destroy(struct relay_evq *q);
/* Fill the event fields naming stream ps (call id, leg, media, rtcp). */
void relay_event_fill(struct relay_event *ev, enum relay_event_type t,
		      const struct relay_stream *ps);

#endif
