/* Offer/answer through the relay: the SDP each side receives names only
 * the relay, and RTP sent to the ports in it reaches the other side. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/sa.h"
#include "leakcheck.h"
#include "relay_fixture.h"
#include "media/media.h"
#include "sip/sdp.h"

static bool relay_ok(int fd, const struct sockaddr_storage *to, int rfd,
		     uint8_t tag)
{
	struct pollfd p = {.fd = rfd, .events = POLLIN};
	uint8_t pkt[64] = {0x80, 0, 0, tag};

	if (sendto(fd, pkt, sizeof(pkt), 0, (const struct sockaddr *)to,
		   sa_len(to)) != (ssize_t)sizeof(pkt))
		return false;
	if (poll(&p, 1, 1000) != 1)
		return false;
	return recv(rfd, pkt, sizeof(pkt), 0) == (ssize_t)sizeof(pkt) &&
	       pkt[3] == tag;
}

/* Parse text; rewrite it from leg `from`; return the parsed result. */
static struct sdp_session *through(struct relay_call *call,
				   enum relay_leg_id from, const char *text,
				   struct buf **outp)
{
	struct sdp_session *in = NULL, *out = NULL;
	struct buf *b = buf_alloc(512);
	struct pl pl;

	assert_non_null(b);
	pl_set_str(&pl, text);
	assert_int_equal(sdp_session_decode(&in, &pl, NULL, NULL), 0);
	assert_int_equal(relay_sdp_rewrite(call, from, in, NULL, b), 0);
	pl = buf_pl(b);
	assert_int_equal(sdp_session_decode(&out, &pl, b, NULL), 0);
	mem_deref(in);
	*outp = b;
	return out;
}

static void media_addr(const struct sdp_session *s, uint32_t i,
		       struct sockaddr_storage *sa)
{
	const struct sdp_conn *c = sdp_media_conn(s, &s->media[i]);

	assert_non_null(c);
	assert_int_equal(sa_parse_pl(sa, &c->addr, s->media[i].port), 0);
}

static bool contains(const struct buf *b, const char *needle)
{
	struct pl pl = buf_pl(b);

	return memmem(pl.p, pl.l, needle, strlen(needle)) != NULL;
}

/* A (IPv6) offers audio + a rejected video; B (IPv4) answers. */
static void test_media_sdp_offer_answer(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct relay_call_opt opt = {.af = {AF_INET6, AF_INET}};
	struct sdp_session *offer, *answer;
	struct buf *bo, *ba;
	struct sockaddr_storage a, ac, b, bc, ra, rb, rac, rbc;
	char text[1024], port[16];
	int fa, fac, fb, fbc;

	(void)state;
	conf_init(&c, 40);
	assert_int_equal(relay_alloc(&r, &c, NULL, NULL, NULL), 0);
	fa = ep_open("::1", &a);
	fac = ep_open("::1", &ac);
	fb = ep_open("127.0.0.1", &b);
	fbc = ep_open("127.0.0.1", &bc);
	assert_int_equal(relay_call_alloc(&call, r, "sdp", &opt), 0);

	snprintf(text, sizeof(text),
		 "v=0\r\no=pbx 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\n"
		 "t=0 0\r\nm=audio %u RTP/AVP 0 101\r\na=rtcp:%u\r\n"
		 "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
		 "m=video 0 RTP/AVP 96\r\n",
		 sa_port(&a), sa_port(&ac));
	offer = through(call, RELAY_LEG_A, text, &bo);
	assert_int_equal(offer->nmedia, 2);
	assert_int_equal(offer->media[1].port, 0); /* stays rejected */
	assert_true(pl_eq_str(&offer->origin.addr.addr, "127.0.0.1"));
	assert_true(pl_eq_str(&offer->origin.addr.addrtype, "IP4"));
	assert_false(contains(bo, "::1"));
	snprintf(port, sizeof(port), " %u ", sa_port(&a));
	assert_false(contains(bo, port));
	media_addr(offer, 0, &rb); /* where B must send */
	assert_int_equal(rb.ss_family, AF_INET);
	assert_true(offer->media[0].has_rtcp);
	assert_int_equal(offer->media[0].rtcp_port, sa_port(&rb) + 1);
	assert_non_null(sdp_media_fmt_pt(&offer->media[0], 101));

	snprintf(text, sizeof(text),
		 "v=0\r\no=gw 7 7 IN IP4 127.0.0.1\r\ns=-\r\n"
		 "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %u RTP/AVP 0\r\n"
		 "a=rtcp:%u IN IP4 127.0.0.1\r\nm=video 0 RTP/AVP 96\r\n",
		 sa_port(&b), sa_port(&bc));
	answer = through(call, RELAY_LEG_B, text, &ba);
	media_addr(answer, 0, &ra); /* where A must send */
	assert_int_equal(ra.ss_family, AF_INET6);
	assert_true(pl_eq_str(&answer->origin.addr.addrtype, "IP6"));
	assert_int_equal(answer->media[0].rtcp_port, sa_port(&ra) + 1);
	assert_false(contains(ba, "127.0.0.1"));

	assert_true(relay_ok(fa, &ra, fb, 1));
	assert_true(relay_ok(fb, &rb, fa, 2));
	rac = ra;
	sa_set_port(&rac, (uint16_t)(sa_port(&ra) + 1));
	rbc = rb;
	sa_set_port(&rbc, (uint16_t)(sa_port(&rb) + 1));
	assert_true(relay_ok(fac, &rac, fbc, 3));
	assert_true(relay_ok(fbc, &rbc, fac, 4));
	assert_int_equal(relay_ports_used(r), 2); /* video: no ports */

	mem_deref(offer);
	mem_deref(answer);
	mem_deref(bo);
	mem_deref(ba);
	relay_call_delete(call);
	mem_deref(r);
	close(fa);
	close(fac);
	close(fb);
	close(fbc);
}

/* Hold (sendonly, c=0.0.0.0): no one-way or timeout from that stream;
 * the peer's address is not used meanwhile. */
static void test_media_sdp_hold(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct sdp_session *s;
	struct buf *b;
	struct relay_media_stats st;

	(void)state;
	conf_init(&c, 40);
	assert_int_equal(relay_alloc(&r, &c, NULL, NULL, NULL), 0);
	assert_int_equal(relay_call_alloc(&call, r, "hold", NULL), 0);
	s = through(call, RELAY_LEG_A,
		    "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n"
		    "c=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n"
		    "a=sendonly\r\n",
		    &b);
	assert_true(pl_eq_str(&s->origin.addr.addr, "127.0.0.1"));
	assert_int_equal(relay_media_stats(call, RELAY_LEG_A, 0, &st), 0);
	assert_int_equal(st.rtp.advertised.ss_family, AF_UNSPEC);
	mem_deref(s);
	mem_deref(b);
	relay_call_delete(call);
	mem_deref(r);
}

/* Every stream rejected: no ports, the relay's address still replaces
 * the peer's. No room for a second section: ENOSPC. */
static void test_media_sdp_rejected_and_full(void **state)
{
	struct relay_conf c;
	struct relay *r;
	struct relay_call *call;
	struct sdp_session *s, *in;
	struct buf *b;
	struct pl pl;

	(void)state;
	conf_init(&c, 4);
	assert_int_equal(relay_alloc(&r, &c, NULL, NULL, NULL), 0);
	assert_int_equal(relay_call_alloc(&call, r, "rej", NULL), 0);
	s = through(call, RELAY_LEG_B,
		    "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
		    "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n",
		    &b);
	assert_false(contains(b, "192.0.2.1"));
	assert_int_equal(relay_ports_used(r), 0);
	mem_deref(s);
	mem_deref(b);

	b = buf_alloc(256);
	assert_non_null(b);
	pl = PL("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
		"c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
		"m=audio 4002 RTP/AVP 0\r\n");
	assert_int_equal(sdp_session_decode(&in, &pl, NULL, NULL), 0);
	assert_int_equal(relay_sdp_rewrite(call, RELAY_LEG_A, in, NULL, b),
			 ENOSPC);
	assert_int_equal(relay_sdp_rewrite(NULL, RELAY_LEG_A, in, NULL, b),
			 EINVAL);
	assert_int_equal(relay_sdp_rewrite(call, 5, in, NULL, b), EINVAL);
	mem_deref(in);
	mem_deref(b);
	relay_call_delete(call);
	assert_int_equal(relay_ports_used(r), 0);
	mem_deref(r);
}

/* Replace the number from (after ' ' or ':', before a non-digit) in s
 * with to. */
static void port_subst(char *s, size_t sz, uint16_t from, uint16_t to)
{
	char f[8], t[8], out[2048], *p = s;
	size_t n = 0, fl, tl;

	snprintf(f, sizeof(f), "%u", from);
	snprintf(t, sizeof(t), "%u", to);
	fl = strlen(f);
	tl = strlen(t);
	while (*p && n + tl < sizeof(out)) {
		if (p > s && (p[-1] == ' ' || p[-1] == ':') &&
		    !strncmp(p, f, fl) && (p[fl] < '0' || p[fl] > '9')) {
			memcpy(out + n, t, tl);
			n += tl;
			p += fl;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	assert_true(n < sz);
	memcpy(s, out, n + 1);
}

/* The offer's codec filter in the relay's print (one print) gives the
 * bytes of the filter printed first and that print rewritten by the
 * relay (two prints), and opens no ports for a stream it rejects. */
static void test_media_sdp_filter_one_print(void **state)
{
	static const char text[] =
		"v=0\no=pbx 5 5 IN IP4 192.0.2.1\r\ns=-\r\n"
		"c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 0 8 101\r\na=rtcp:4001\r\n"
		"a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\n"
		"a=fmtp:101 0-15\r\na=rtcp-fb:8 nack\r\na=ptime:20\r\n"
		"m=video 4002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
		"a=rtcp:4003\r\n"
		"m=image 4004 udptl t38\r\n";
	struct relay_conf c;
	struct relay *r;
	struct relay_call *c1, *c2;
	struct sdp_session *in, *mid;
	struct sdp_rewrite rw;
	struct sockaddr_storage l1, l2;
	struct buf *b0, *b1, *b2;
	char t1[2048], t2[2048];
	struct pl pl;

	(void)state;
	conf_init(&c, 40);
	assert_int_equal(relay_alloc(&r, &c, NULL, NULL, NULL), 0);
	assert_int_equal(relay_call_alloc(&c1, r, "two", NULL), 0);
	assert_int_equal(relay_call_alloc(&c2, r, "one", NULL), 0);
	pl_set_str(&pl, text);
	assert_int_equal(sdp_session_decode(&in, &pl, NULL, NULL), 0);
	sdp_rewrite_init(&rw);
	sdp_rewrite_keep_pt(&rw, 0, 0);
	sdp_rewrite_keep_pt(&rw, 0, 101);
	rw.media[1].filter = true; /* video refused */
	assert_false(sdp_rewrite_rejects(&rw, in, 0));
	assert_true(sdp_rewrite_rejects(&rw, in, 1));
	assert_false(sdp_rewrite_rejects(&rw, in, 2));
	assert_false(sdp_rewrite_rejects(&rw, in, 3));
	assert_false(sdp_rewrite_rejects(NULL, in, 1));

	/* two prints */
	b0 = buf_alloc(512);
	b1 = buf_alloc(512);
	b2 = buf_alloc(512);
	assert_true(b0 && b1 && b2);
	assert_int_equal(sdp_print(b0, in, &rw), 0);
	pl = buf_pl(b0);
	assert_int_equal(sdp_session_decode(&mid, &pl, b0, NULL), 0);
	assert_int_equal(relay_sdp_rewrite(c1, RELAY_LEG_A, mid, NULL, b1), 0);
	assert_int_equal(relay_ports_used(r), 4); /* audio, image: 2 legs */
	/* one print */
	assert_int_equal(relay_sdp_rewrite(c2, RELAY_LEG_A, in, &rw, b2), 0);
	assert_int_equal(relay_ports_used(r), 8); /* not the video's */

	pl = buf_pl(b1);
	assert_int_equal(pl_strcpy(&pl, t1, sizeof(t1)), 0);
	pl = buf_pl(b2);
	assert_int_equal(pl_strcpy(&pl, t2, sizeof(t2)), 0);
	for (uint32_t i = 0; i < 3; i += 2) {
		assert_int_equal(relay_media_local(c1, RELAY_LEG_B, i, &l1),
				 0);
		assert_int_equal(relay_media_local(c2, RELAY_LEG_B, i, &l2),
				 0);
		port_subst(t1, sizeof(t1), sa_port(&l1), sa_port(&l2));
		port_subst(t1, sizeof(t1), (uint16_t)(sa_port(&l1) + 1),
			   (uint16_t)(sa_port(&l2) + 1));
	}
	assert_string_equal(t1, t2);
	assert_non_null(strstr(t2, "m=audio "));
	assert_non_null(strstr(t2, "m=video 0 RTP/AVP 96\r\n"));
	assert_null(strstr(t2, "PCMA"));
	/* the rejected stream keeps its first format (RFC 3264 6) */
	assert_non_null(strstr(t2, "a=rtpmap:96 H264/90000\r\n"));
	assert_null(strstr(t2, "192.0.2.1"));
	assert_non_null(strstr(t2, "a=fmtp:101 0-15\r\n"));

	mem_deref(mid);
	mem_deref(in);
	mem_deref(b0);
	mem_deref(b1);
	mem_deref(b2);
	relay_call_delete(c1);
	relay_call_delete(c2);
	assert_int_equal(relay_ports_used(r), 0);
	mem_deref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_media_sdp_offer_answer),
		LEAKCHECK_TEST(test_media_sdp_hold),
		LEAKCHECK_TEST(test_media_sdp_rejected_and_full),
		LEAKCHECK_TEST(test_media_sdp_filter_one_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
