/* TCP: listeners, connections, stream framing, CRLF keep-alives (RFC 5626
 * §4.4.1), idle timeout, caps. */
#include <errno.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "net/net_int.h"

enum {
	TCP_READ_CHUNK = 16384,
};

static void conn_destroy(void *data)
{
	struct sip_conn *c = data;

	tmr_cancel(&c->tmr_idle);
	list_unlink(&c->le);
	list_unlink(&c->le_all);
	list_flush(&c->pending);
	mem_deref(c->rb);
}

static void handle_closed(uv_handle_t *h)
{
	mem_deref(h->data);
}

static void lsnr_destroy(void *data)
{
	struct tcp_lsnr *l = data;

	list_unlink(&l->le);
}

void tcp_lsnr_close(struct tcp_lsnr *l)
{
	if (!l || l->closing)
		return;
	l->closing = true;
	list_unlink(&l->le);
	l->tp = NULL;
	uv_close((uv_handle_t *)&l->h, handle_closed);
}

bool sip_conn_isopen(const struct sip_conn *conn)
{
	return conn && !conn->closing && conn->tp;
}

const struct sockaddr *sip_conn_peer(const struct sip_conn *conn)
{
	return conn ? (const struct sockaddr *)&conn->peer : NULL;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct sip_conn *c = req->data;

	(void)status;
	uv_close((uv_handle_t *)&c->h, handle_closed);
}

/* Close: unlink, fail queued writes (reporting err when notify), close
 * the handle; the close callback drops the handle's reference. */
void conn_close(struct sip_conn *c, int err, bool notify)
{
	struct sip_transp *tp = c->tp;
	struct le *le;

	if (c->closing)
		return;
	c->closing = true;
	tmr_cancel(&c->tmr_idle);
	list_unlink(&c->le);
	if (tp && tp->st.tcp_conns)
		tp->st.tcp_conns--;
	mem_ref(c);
	while ((le = c->pending.head)) {
		struct wreq *wr = le->data;

		list_unlink(&wr->le);
		if (notify && tp && wr->eh) {
			tp->st.send_errors++;
			wr->eh(err ? err : ECONNRESET, wr->arg);
		}
		mem_deref(wr);
	}
	if (!notify)
		c->tp = NULL; /* in-flight write callbacks stay silent */
	if (c->graceful && c->connected) {
		/* flush queued writes (a 400), then close */
		uv_read_stop((uv_stream_t *)&c->h);
		c->sreq.data = c;
		if (!uv_shutdown(&c->sreq, (uv_stream_t *)&c->h, on_shutdown)) {
			mem_deref(c);
			return;
		}
	}
	uv_close((uv_handle_t *)&c->h, handle_closed);
	mem_deref(c);
}

void sip_conn_close(struct sip_conn *conn)
{
	if (conn)
		conn_close(conn, ECONNABORTED, true);
}

struct sip_conn *conn_lookup(struct sip_transp *tp,
			     const struct sockaddr_storage *peer)
{
	struct list *l = hash_bucket(tp->conns, sa_hash(peer));
	struct le *le;

	LIST_FOREACH(l, le) {
		struct sip_conn *c = le->data;

		if (!c->closing && sa_eq(&c->peer, peer))
			return c;
	}
	return NULL;
}

static void on_idle(void *arg)
{
	struct sip_conn *c = arg;
	struct sip_transp *tp = c->tp;
	uint64_t now = clock_now_ms(), idle = tp->cfg.tcp_idle_ms;

	if (now - c->last_active < idle) {
		(void)tmr_start(tp->tl, &c->tmr_idle,
				idle - (now - c->last_active), on_idle, c);
		return;
	}
	tp->st.tcp_idle_closed++;
	log_debug("sip: closing idle TCP connection");
	conn_close(c, ETIMEDOUT, true);
}

static int conn_alloc(struct sip_conn **cp, struct sip_transp *tp)
{
	struct sip_conn *c;
	int err;

	c = mem_zalloc(sizeof(*c), conn_destroy);
	if (!c)
		return ENOMEM;
	c->rb = buf_alloc(TCP_READ_CHUNK);
	if (!c->rb) {
		mem_deref(c);
		return ENOMEM;
	}
	err = uv_tcp_init(tp->loop, &c->h);
	if (err) {
		mem_deref(c);
		return -err;
	}
	c->h.data = c;
	c->tp = tp;
	c->last_active = clock_now_ms();
	/* the handle owns c from here: close it on failure */
	err = tmr_start(tp->tl, &c->tmr_idle, tp->cfg.tcp_idle_ms, on_idle, c);
	if (err) {
		c->closing = true;
		c->tp = NULL;
		uv_close((uv_handle_t *)&c->h, handle_closed);
		return err;
	}
	list_append(&tp->conn_list, &c->le_all, c);
	tp->st.tcp_conns++;
	*cp = c;
	return 0;
}

static void conn_link(struct sip_conn *c)
{
	hash_append(c->tp->conns, sa_hash(&c->peer), &c->le, c);
}

static void on_write(uv_write_t *req, int status)
{
	wreq_done(req->data, status);
}

static int conn_write(struct sip_conn *c, struct wreq *wr)
{
	uv_buf_t ub = uv_buf_init((char *)wr->mb->data, (unsigned)wr->mb->end);
	int r;

	wr->conn = c;
	wr->req.w.data = wr;
	r = uv_write(&wr->req.w, (uv_stream_t *)&c->h, &ub, 1, on_write);
	return r ? -r : 0;
}

/* Plain bytes (a keep-alive pong or a 400): no error callback. */
static void conn_write_raw(struct sip_conn *c, const char *p, size_t n)
{
	struct buf *mb = buf_alloc(n);
	struct wreq *wr;

	if (!mb)
		return;
	(void)buf_write(mb, p, n);
	wr = wreq_alloc(mb, NULL, NULL);
	mem_deref(mb);
	if (!wr)
		return;
	if (conn_write(c, wr))
		mem_deref(wr);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct sip_conn *c = h->data;

	(void)suggested;
	b->base = NULL;
	b->len = 0;
	if (c->closing || !c->tp)
		return;
	c->rb->pos = c->rb->end;
	if (buf_reserve(c->rb, TCP_READ_CHUNK))
		return; /* libuv reports UV_ENOBUFS to on_read */
	b->base = (char *)c->rb->data + c->rb->end;
	b->len = c->rb->size - c->rb->end;
}

/* Consume leading CR/LF: each CRLFCRLF is a ping answered with CRLF
 * (RFC 5626 §4.4.1); a partial ping at the end of the data waits; other
 * stray CR/LF before a message are skipped (RFC 3261 §7.5). Returns the
 * bytes consumed. */
static size_t eat_keepalives(struct sip_conn *c, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == '\r' || p[i] == '\n')) {
		if (n - i >= 4 && !memcmp(p + i, "\r\n\r\n", 4)) {
			c->tp->st.keepalives++;
			conn_write_raw(c, "\r\n", 2);
			i += 4;
			continue;
		}
		if (n - i < 4) {
			bool prefix = !memcmp(p + i, "\r\n\r\n", n - i);

			if (prefix)
				break; /* maybe a ping cut in two */
		}
		i++;
	}
	return i;
}

static void frame_error(struct sip_conn *c, const struct pl *data,
			const char *reason)
{
	struct sip_transp *tp = c->tp;
	struct sip_recv rx;
	char as[SA_STRLEN];

	log_info("sip: TCP %s: bad framing (%s), closing",
		 sa_str(&c->peer, as, sizeof(as)),
		 reason ? reason : "error");
	tp->st.tcp_frame_errors++;
	memset(&rx, 0, sizeof(rx));
	rx.tp = SIP_TP_TCP;
	rx.src = c->peer;
	rx.dst = c->laddr;
	rx.conn = c;
	if (!salvage_400(tp, data, reason ? reason : "Bad framing", &rx))
		tp->st.answered_400++;
	else
		tp->st.dropped_malformed++;
	/* let the 400 drain: shutdown after queued writes, then close */
	c->graceful = true;
	conn_close(c, EPROTO, true);
}

static void conn_process(struct sip_conn *c)
{
	struct sip_transp *tp = c->tp;
	size_t off = 0;

	mem_ref(c);
	mem_ref(tp);
	while (!c->closing && off < c->rb->end) {
		const char *p = (const char *)c->rb->data + off;
		size_t n = c->rb->end - off, skip = 0, len = 0;
		const char *reason = NULL;
		struct pl data;
		struct sip_recv rx;
		struct buf *mb;
		int err;

		off += eat_keepalives(c, p, n);
		if (c->closing || off >= c->rb->end)
			break;
		p = (const char *)c->rb->data + off;
		n = c->rb->end - off;
		if (p[0] == '\r' || p[0] == '\n')
			break; /* a partial ping */
		pl_set(&data, p, n);
		err = sip_msg_frame(&data, &skip, &len, &reason);
		if (err == ENODATA) {
			off += skip;
			if (n - skip > tp->cfg.tcp_max_buffered) {
				tp->st.tcp_overflow++;
				frame_error(c, &data, "Message too large");
			}
			break;
		}
		if (err) {
			frame_error(c, &data, reason);
			break;
		}
		if (skip + len > n || !len) {
			frame_error(c, &data, "Bad framing");
			break;
		}
		mb = buf_alloc(len);
		if (!mb) {
			conn_close(c, ENOMEM, true);
			break;
		}
		(void)buf_write(mb, p + skip, len);
		off += skip + len;
		memset(&rx, 0, sizeof(rx));
		rx.tp = SIP_TP_TCP;
		rx.src = c->peer;
		rx.dst = c->laddr;
		rx.conn = c;
		transp_deliver(tp, mb, &rx);
		mem_deref(mb);
	}
	if (!c->closing) {
		/* keep the unframed tail at the front */
		size_t rest = c->rb->end - off;

		if (off && rest)
			memmove(c->rb->data, c->rb->data + off, rest);
		c->rb->end = rest;
		c->rb->pos = rest;
	}
	mem_deref(tp);
	mem_deref(c);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	struct sip_conn *c = s->data;

	(void)b;
	if (c->closing || !c->tp)
		return;
	if (nread < 0) {
		conn_close(c, nread == UV_EOF ? ECONNRESET : (int)-nread,
			   true);
		return;
	}
	if (!nread)
		return;
	c->rb->end += (size_t)nread;
	c->last_active = clock_now_ms();
	conn_process(c);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct tcp_lsnr *l = server->data;
	struct sip_transp *tp = l->tp;
	struct sip_conn *c = NULL;
	int nl = sizeof(struct sockaddr_storage);
	int err;

	if (!tp || status < 0)
		return;
	err = conn_alloc(&c, tp);
	if (err)
		return;
	err = uv_accept(server, (uv_stream_t *)&c->h);
	if (err) {
		conn_close(c, -err, false);
		return;
	}
	tp->st.tcp_accepted++;
	if (tp->st.tcp_conns > tp->cfg.tcp_max_conns) {
		tp->st.tcp_refused++;
		log_warn("sip: TCP connection cap (%u) reached, refusing",
			 tp->cfg.tcp_max_conns);
		conn_close(c, EMFILE, false);
		return;
	}
	c->connected = true;
	uv_tcp_getpeername(&c->h, (struct sockaddr *)&c->peer, &nl);
	nl = sizeof(struct sockaddr_storage);
	uv_tcp_getsockname(&c->h, (struct sockaddr *)&c->laddr, &nl);
	uv_tcp_nodelay(&c->h, 1);
	conn_link(c);
	err = uv_read_start((uv_stream_t *)&c->h, on_alloc, on_read);
	if (err)
		conn_close(c, -err, false);
}

int tcp_listen(struct sip_transp *tp, const struct sockaddr_storage *sa,
	       struct sockaddr_storage *boundp)
{
	struct tcp_lsnr *l;
	int nl = sizeof(l->laddr);
	int err;

	l = mem_zalloc(sizeof(*l), lsnr_destroy);
	if (!l)
		return ENOMEM;
	err = uv_tcp_init(tp->loop, &l->h);
	if (err) {
		mem_deref(l);
		return -err;
	}
	l->h.data = l;
	l->tp = tp;
	list_append(&tp->tcpls, &l->le, l);
	err = uv_tcp_bind(&l->h, (const struct sockaddr *)sa,
			  sa->ss_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0);
	if (!err)
		err = uv_listen((uv_stream_t *)&l->h, 511, on_connection);
	if (!err)
		err = uv_tcp_getsockname(&l->h, (struct sockaddr *)&l->laddr,
					 &nl);
	if (err) {
		char as[SA_STRLEN];

		log_error("sip: TCP listen %s: %s",
			  sa_str(sa, as, sizeof(as)), uv_strerror(err));
		tcp_lsnr_close(l);
		return -err;
	}
	log_info("sip: TCP listening on %s",
		 sa_str(&l->laddr, (char[SA_STRLEN]){0}, SA_STRLEN));
	*boundp = l->laddr;
	return 0;
}

static void on_connect(uv_connect_t *req, int status)
{
	struct sip_conn *c = req->data;
	int nl = sizeof(struct sockaddr_storage);
	struct le *le;

	if (c->closing || !c->tp)
		return;
	if (status < 0) {
		char as[SA_STRLEN];

		log_info("sip: TCP connect %s: %s",
			 sa_str(&c->peer, as, sizeof(as)),
			 uv_strerror(status));
		conn_close(c, -status, true);
		return;
	}
	c->connected = true;
	c->last_active = clock_now_ms();
	uv_tcp_getsockname(&c->h, (struct sockaddr *)&c->laddr, &nl);
	uv_tcp_nodelay(&c->h, 1);
	if (uv_read_start((uv_stream_t *)&c->h, on_alloc, on_read)) {
		conn_close(c, EIO, true);
		return;
	}
	while ((le = c->pending.head)) {
		struct wreq *wr = le->data;
		int err;

		list_unlink(&wr->le);
		c->pending_bytes -= wr->mb->end;
		err = conn_write(c, wr);
		if (err) {
			if (wr->eh)
				wr->eh(err, wr->arg);
			mem_deref(wr);
			conn_close(c, err, true);
			return;
		}
	}
}

static int conn_connect(struct sip_conn **cp, struct sip_transp *tp,
			const struct sockaddr_storage *dst)
{
	struct sip_conn *c = NULL;
	int err;

	if (tp->st.tcp_conns >= tp->cfg.tcp_max_conns)
		return EMFILE;
	err = conn_alloc(&c, tp);
	if (err)
		return err;
	c->outgoing = true;
	c->peer = *dst;
	c->creq.data = c;
	err = uv_tcp_connect(&c->creq, &c->h, (const struct sockaddr *)dst,
			     on_connect);
	if (err) {
		conn_close(c, -err, false);
		return -err;
	}
	conn_link(c);
	*cp = c;
	return 0;
}

int tcp_send(struct sip_transp *tp, struct sip_conn *conn,
	     const struct sockaddr_storage *dst, struct buf *mb,
	     sip_transp_err_h *eh, void *arg)
{
	struct wreq *wr;
	size_t cap = tp->cfg.tcp_max_buffered * 4;
	int err;

	if (!sip_conn_isopen(conn) || conn->tp != tp)
		conn = conn_lookup(tp, dst);
	if (!conn) {
		err = conn_connect(&conn, tp, dst);
		if (err)
			return err;
	}
	if (conn->pending_bytes +
		    uv_stream_get_write_queue_size((uv_stream_t *)&conn->h) +
		    mb->end >
	    cap)
		return ENOBUFS;
	wr = wreq_alloc(mb, eh, arg);
	if (!wr)
		return ENOMEM;
	wr->conn = conn;
	conn->last_active = clock_now_ms();
	if (!conn->connected) {
		list_append(&conn->pending, &wr->le, wr);
		conn->pending_bytes += mb->end;
		return 0;
	}
	err = conn_write(conn, wr);
	if (err) {
		mem_deref(wr);
		return err;
	}
	return 0;
}
