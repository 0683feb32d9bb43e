/* Unit tests for src/sip/sdp*.c: parse, codec helpers, printer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/pl.h"
#include "base/sa.h"
#include "sip/sdp.h"
#include "leakcheck.h"

#define HDR_                                                               \
	"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 " \
	"0\r\n"

static const char offer[] = "v=0\r\n"
			    "o=- 1234567890 9 IN IP4 192.0.2.10\r\n"
			    "s=trunkd test\r\n"
			    "c=IN IP4 192.0.2.10\r\n"
			    "b=AS:84\r\n"
			    "t=0 0\r\n"
			    "a=sendrecv\r\n"
			    "a=x-session-thing:42\r\n"
			    "m=audio 49170 RTP/AVP 0 8 18 101\r\n"
			    "a=rtpmap:0 PCMU/8000\r\n"
			    "a=rtpmap:101 telephone-event/8000\r\n"
			    "a=fmtp:101 0-15\r\n"
			    "a=fmtp:18 annexb=no\r\n"
			    "a=ptime:20\r\n"
			    "a=rtcp:49171 IN IP4 192.0.2.10\r\n"
			    "a=x-unknown\r\n"
			    "m=video 0 RTP/AVP 31\r\n"
			    "a=inactive\r\n"
			    "m=image 5004 udptl t38\r\n"
			    "c=IN IP6 2001:db8::1\r\n"
			    "a=T38FaxVersion:0\r\n";

static struct sdp_session *parse_ok(const char *txt)
{
	struct sdp_session *s = NULL;
	const char *reason = NULL;
	struct pl body;
	int err;

	pl_set_str(&body, txt);
	err = sdp_session_decode(&s, &body, NULL, &reason);
	if (err)
		print_error("decode: %d %s\n", err, reason ? reason : "");
	assert_int_equal(err, 0);
	assert_non_null(s);
	return s;
}

static void parse_bad(const char *txt, const char *want)
{
	struct sdp_session *s = (struct sdp_session *)0x1;
	const char *reason = NULL;
	struct pl body;
	int err;

	pl_set_str(&body, txt);
	err = sdp_session_decode(&s, &body, NULL, &reason);
	if (err != EBADMSG || !reason || strcmp(reason, want))
		print_error("input:\n%s\nwant '%s', got %d '%s'\n", txt, want,
			    err, reason ? reason : "(null)");
	assert_int_equal(err, EBADMSG);
	assert_non_null(reason);
	assert_string_equal(reason, want);
	assert_ptr_equal(s, (struct sdp_session *)0x1); /* untouched */
}

static void test_parse_offer(void **state)
{
	struct sdp_session *s;
	const struct sdp_media *a, *v, *im;
	const struct sdp_conn *c;
	const struct sdp_attr *at;

	(void)state;
	s = parse_ok(offer);
	assert_true(pl_eq_str(&s->origin.user, "-"));
	assert_true(pl_eq_str(&s->origin.sess_id, "1234567890"));
	assert_true(pl_eq_str(&s->origin.sess_version, "9"));
	assert_int_equal(s->origin.addr.af, AF_INET);
	assert_true(pl_eq_str(&s->name, "trunkd test"));
	assert_true(s->conn.set);
	assert_true(pl_eq_str(&s->conn.addr, "192.0.2.10"));
	assert_int_equal(s->t_start, 0);
	assert_int_equal(s->dir, SDP_DIR_SENDRECV);
	assert_int_equal(s->nattrs, 2);
	at = sdp_attr_find(s->attrs, s->nattrs, "x-session-thing", NULL);
	assert_non_null(at);
	assert_true(pl_eq_str(&at->value, "42"));
	assert_int_equal(s->nmedia, 3);

	a = &s->media[0];
	assert_true(pl_eq_str(&a->type, "audio"));
	assert_int_equal(a->port, 49170);
	assert_int_equal(a->nports, 1);
	assert_true(pl_eq_str(&a->proto, "RTP/AVP"));
	assert_true(a->rtp);
	assert_int_equal(a->nfmts, 4);
	assert_int_equal(a->fmts[0].pt, 0);
	assert_true(pl_eq_str(&a->fmts[0].name, "PCMU"));
	assert_int_equal(a->fmts[0].srate, 8000);
	assert_non_null(a->fmts[0].rtpmap);
	assert_true(pl_eq_str(&a->fmts[1].name, "PCMA")); /* static */
	assert_null(a->fmts[1].rtpmap);
	assert_true(pl_eq_str(&a->fmts[2].name, "G729"));
	assert_true(pl_eq_str(&a->fmts[2].fmtp, "annexb=no"));
	assert_true(pl_eq_str(&a->fmts[3].name, "telephone-event"));
	assert_true(pl_eq_str(&a->fmts[3].fmtp, "0-15"));
	assert_int_equal(a->ptime, 20);
	assert_true(a->has_rtcp);
	assert_int_equal(a->rtcp_port, 49171);
	assert_true(pl_eq_str(&a->rtcp_conn.addr, "192.0.2.10"));
	assert_int_equal(a->nattrs, 7);
	assert_non_null(sdp_attr_find(a->attrs, a->nattrs, "x-unknown", NULL));
	assert_null(
		sdp_attr_find(a->attrs, a->nattrs, "x-session-thing", NULL));
	assert_int_equal(sdp_media_dir(s, a), SDP_DIR_SENDRECV);
	c = sdp_media_conn(s, a);
	assert_ptr_equal(c, &s->conn);

	v = &s->media[1];
	assert_int_equal(v->port, 0);
	assert_int_equal(sdp_media_dir(s, v), SDP_DIR_INACTIVE);
	assert_true(pl_eq_str(&v->fmts[0].name, "H261"));

	im = &s->media[2];
	assert_false(im->rtp);
	assert_int_equal(im->fmts[0].pt, -1);
	assert_false(im->fmts[0].known);
	c = sdp_media_conn(s, im); /* media overrides session */
	assert_ptr_equal(c, &im->conn);
	assert_int_equal(c->af, AF_INET6);
	assert_true(pl_eq_str(&c->addr, "2001:db8::1"));
	mem_deref(s);
}

static void test_parse_lf_and_misc(void **state)
{
	struct sdp_session *s;
	struct buf *mb;
	struct pl body;
	const char *txt = "v=0\n"
			  "o=alice 1 2 IN IP6 ::1\n"
			  "s=\n"
			  "i=session info\n"
			  "u=http://example.com/\n"
			  "e=a@example.com\n"
			  "p=+1 555 0100\n"
			  "t=3034423619 3042462419\n"
			  "r=7d 1h 0 25h\n"
			  "z=2882844526 -1h\n"
			  "k=prompt\n"
			  "t=0 0\n"
			  "a=recvonly\n"
			  "m=audio 49170/2 RTP/SAVP 96 97\n"
			  "i=media info\n"
			  "c=IN IP4 224.2.1.1/127/3\n"
			  "b=AS:64\n"
			  "k=prompt\n"
			  "a=rtpmap:96 opus/48000/2\n"
			  "a=rtpmap:97 telephone-event/48000\n"
			  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
			  "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|"
			  "2^20|1:32 KDR=1\n"
			  "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:abc\n"
			  "\n";

	(void)state;
	mb = buf_alloc(16);
	assert_non_null(mb);
	pl_set_str(&body, txt);
	assert_int_equal(sdp_session_decode(&s, &body, mb, NULL), 0);
	assert_int_equal(mem_nrefs(mb), 2);
	assert_int_equal(s->origin.addr.af, AF_INET6);
	assert_int_equal(s->name.l, 0);
	assert_int_equal(s->t_start, 3034423619u); /* first t= line */
	assert_int_equal(s->nmedia, 1);
	assert_int_equal(s->media[0].nports, 2);
	assert_true(pl_eq_str(&s->media[0].conn.addr, "224.2.1.1"));
	assert_true(pl_eq_str(&s->media[0].conn.suffix, "/127/3"));
	assert_int_equal(s->media[0].fmts[0].channels, 2);
	assert_int_equal(s->media[0].fmts[0].srate, 48000);
	assert_int_equal(s->media[0].ncrypto, 2);
	assert_int_equal(sdp_media_dir(s, &s->media[0]), SDP_DIR_RECVONLY);
	assert_string_equal(sdp_dir_name(SDP_DIR_RECVONLY), "recvonly");
	assert_string_equal(sdp_dir_name(SDP_DIR_NONE), "");
	mem_deref(s);
	assert_int_equal(mem_nrefs(mb), 1);
	mem_deref(mb);
}

static void test_parse_fqdn_and_no_media(void **state)
{
	struct sdp_session *s;

	(void)state;
	s = parse_ok("v=0\r\no=- 1 1 IN IP4 host.example.com\r\ns=-\r\n"
		     "c=IN IP4 media.example.com\r\nt=0 0\r\n");
	assert_int_equal(s->conn.af, AF_UNSPEC);
	assert_int_equal(s->nmedia, 0);
	mem_deref(s);
	/* port 0 stream needs no c= */
	s = parse_ok("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n"
		     "m=audio 0 RTP/AVP 0\r\n");
	assert_null(sdp_media_conn(s, &s->media[0]));
	mem_deref(s);
}

static void test_codecs(void **state)
{
	struct sdp_session *s;
	const struct sdp_media *m;
	const struct sdp_fmt *f;
	const char *name;
	uint32_t srate;

	(void)state;
	assert_true(sdp_static_pt(0, &name, &srate));
	assert_string_equal(name, "PCMU");
	assert_int_equal(srate, 8000);
	assert_true(sdp_static_pt(8, &name, &srate));
	assert_string_equal(name, "PCMA");
	assert_true(sdp_static_pt(18, &name, &srate));
	assert_string_equal(name, "G729");
	assert_true(sdp_static_pt(9, &name, &srate));
	assert_string_equal(name, "G722");
	assert_int_equal(srate, 8000);
	assert_false(sdp_static_pt(2, &name, &srate));
	assert_false(sdp_static_pt(96, &name, &srate));
	assert_false(sdp_static_pt(-1, &name, &srate));
	assert_false(sdp_static_pt(35, NULL, NULL));

	s = parse_ok("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
		     "c=IN IP4 1.2.3.4\r\nt=0 0\r\n"
		     "m=audio 1000 RTP/AVP 96 0 97 100 101\r\n"
		     "a=rtpmap:96 AMR/8000\r\n"
		     "a=rtpmap:0 pcmu/8000\r\n"
		     "a=rtpmap:100 telephone-event/16000\r\n"
		     "a=rtpmap:101 TELEPHONE-EVENT/8000\r\n"
		     "a=rtpmap:110 unused/8000\r\n");
	m = &s->media[0];
	assert_true(m->fmts[0].known);
	assert_false(m->fmts[2].known); /* 97: dynamic, no rtpmap */
	assert_int_equal(m->fmts[2].name.l, 0);
	f = sdp_media_codec_find(m, "PCMU", 8000);
	assert_non_null(f);
	assert_int_equal(f->pt, 0);
	assert_null(sdp_media_codec_find(m, "PCMU", 16000));
	assert_null(sdp_media_codec_find(m, "PCMA", 0));
	f = sdp_media_telev(m);
	assert_non_null(f);
	assert_int_equal(f->pt, 101); /* 8000 Hz preferred */
	f = sdp_media_fmt_pt(m, 96);
	assert_non_null(f);
	assert_true(pl_eq_str(&f->name, "AMR"));
	assert_null(sdp_media_fmt_pt(m, 110));
	assert_null(sdp_media_fmt_pt(m, -1));
	mem_deref(s);

	s = parse_ok("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
		     "c=IN IP4 1.2.3.4\r\nt=0 0\r\n"
		     "m=audio 1000 RTP/AVP 0 100\r\n"
		     "a=rtpmap:100 telephone-event/16000\r\n");
	f = sdp_media_telev(&s->media[0]);
	assert_non_null(f);
	assert_int_equal(f->pt, 100); /* any rate when no 8000 Hz one */
	mem_deref(s);
	s = parse_ok(
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
		"c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1000 RTP/AVP 8\r\n");
	assert_null(sdp_media_telev(&s->media[0]));
	mem_deref(s);
}

static void test_attr_find(void **state)
{
	struct sdp_session *s;
	const struct sdp_media *m;
	const struct sdp_attr *a;
	int n = 0;

	(void)state;
	s = parse_ok(HDR_ "a=rtpmap:96 X/8000\r\na=tool:t\r\n"
			  "m=audio 1000 RTP/AVP 0\r\na=x:1\r\na=y\r\n"
			  "a=x:2\r\na=X:3\r\n");
	m = &s->media[0];
	for (a = sdp_attr_find(m->attrs, m->nattrs, "x", NULL); a;
	     a = sdp_attr_find(m->attrs, m->nattrs, "x", a)) {
		assert_true(a->has_value);
		n++;
	}
	assert_int_equal(n, 2); /* names are case-sensitive */
	a = sdp_attr_find(m->attrs, m->nattrs, "y", NULL);
	assert_non_null(a);
	assert_false(a->has_value);
	assert_int_equal(a->value.l, 0);
	/* prev from another list, NULL arguments */
	assert_null(sdp_attr_find(m->attrs, m->nattrs, "x", &s->attrs[0]));
	assert_null(sdp_attr_find(NULL, 0, "x", NULL));
	assert_null(sdp_attr_find(m->attrs, m->nattrs, NULL, NULL));
	/* session-level rtpmap is kept as a plain attribute */
	assert_int_equal(s->nattrs, 2);
	assert_non_null(sdp_attr_find(s->attrs, s->nattrs, "rtpmap", NULL));
	mem_deref(s);
}

static void test_crypto(void **state)
{
	struct sdp_crypto c;
	struct pl v = PL("7 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^20 "
			 "UNENCRYPTED_SRTP");

	(void)state;
	assert_int_equal(sdp_crypto_decode(&c, &v), 0);
	assert_int_equal(c.tag, 7);
	assert_true(pl_eq_str(&c.suite, "AES_CM_128_HMAC_SHA1_80"));
	assert_true(pl_eq_str(&c.key_params, "inline:KEY|2^20"));
	assert_true(pl_eq_str(&c.sess_params, "UNENCRYPTED_SRTP"));
	v = (struct pl)PL("1 AES_CM_128_HMAC_SHA1_80");
	assert_int_equal(sdp_crypto_decode(&c, &v), EBADMSG);
	v = (struct pl)PL("x AES inline:k");
	assert_int_equal(sdp_crypto_decode(&c, &v), EBADMSG);
	v = (struct pl)PL("1234567890 AES inline:k");
	assert_int_equal(sdp_crypto_decode(&c, &v), EBADMSG);
	v = (struct pl)PL("1 AES nokeymethod");
	assert_int_equal(sdp_crypto_decode(&c, &v), EBADMSG);
}

#define HDR                                                            \
	"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n" \
	"t=0 0\r\n"
#define AUD "m=audio 1000 RTP/AVP 0\r\n"

static void test_errors(void **state)
{
	static const struct {
		const char *sdp;
		const char *reason;
	} cases[] = {
		{"", "Empty SDP"},
		{"\r\n\r\n", "Empty SDP"},
		{"o=- 1 1 IN IP4 1.2.3.4\r\n", "SDP must start with v=0"},
		{"v=1\r\n", "SDP must start with v=0"},
		{"v=0\r\nv=0\r\n", "Duplicate v= line"},
		{"v=0\r\nxyz\r\n", "Malformed SDP line"},
		{"v=0\r\nX=1\r\n", "Malformed SDP line"},
		{"v=0\r\n=1\r\n", "Malformed SDP line"},
		{"v=0\r\ny=1\r\n", "Unknown SDP line type"},
		{"v=0\r\ns=-\r\nt=0 0\r\n", "Missing o= line"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nt=0 0\r\n",
		 "Missing s= line"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n",
		 "Missing t= line"},
		{"v=0\r\ns=-\r\nt=0 0\r\n" AUD, "Missing o= line"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nt=0 0\r\n" AUD,
		 "Missing s= line"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n" AUD,
		 "Missing t= line"},
		{HDR "o=- 1 1 IN IP4 1.2.3.4\r\n", "Duplicate o= line"},
		{"v=0\r\no=- 1 IN IP4 1.2.3.4\r\n", "Malformed o= line"},
		{"v=0\r\no=- x 1 IN IP4 1.2.3.4\r\n", "Malformed o= line"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4 extra\r\n",
		 "Malformed o= line"},
		{"v=0\r\no=- 1 1 ATM IP4 1.2.3.4\r\n", "Malformed o= line"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4/5\r\n", "Malformed o= line"},
		{"v=0\r\no=- 1 1 IN IP9 1.2.3.4\r\n", "Malformed o= line"},
		{HDR "s=x\r\n", "Duplicate s= line"},
		{HDR "c=IN IP4 1.2.3.4\r\n", "Duplicate c= line"},
		{HDR AUD "c=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.4\r\n",
		 "Duplicate c= line"},
		{HDR AUD "c=IN IP4\r\n", "Malformed c= line"},
		{HDR AUD "c=ATM NSAP 47.0005\r\n",
		 "Unsupported c= network type"},
		{HDR AUD "c=IN IPX 1.2.3.4\r\n",
		 "Unsupported c= address type"},
		{HDR AUD "c=IN IP4 1.2.3.256\r\n", "Malformed c= address"},
		{HDR AUD "c=IN IP4 1.2.3\r\n", "Malformed c= address"},
		{HDR AUD "c=IN IP4 ::1\r\n", "Malformed c= address"},
		{HDR AUD "c=IN IP6 2001:db8::zz\r\n", "Malformed c= address"},
		{HDR AUD "c=IN IP6 1.2.3.4\r\n", "Malformed c= address"},
		{HDR AUD "c=IN IP4 bad_host\r\n", "Malformed c= address"},
		{HDR AUD "c=IN IP4 224.1.1.1/x\r\n", "Malformed c= address"},
		{HDR AUD "c=IN IP4 224.1.1.1/1/\r\n", "Malformed c= address"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0\r\n",
		 "Malformed t= line"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 x\r\n",
		 "Malformed t= line"},
		{HDR "b=AS\r\n", "Malformed b= line"},
		{HDR "b=AS:x\r\n", "Malformed b= line"},
		{HDR "b=:1\r\n", "Malformed b= line"},
		{HDR AUD "t=0 0\r\n",
		 "Session-level line inside a media section"},
		{HDR AUD "s=x\r\n",
		 "Session-level line inside a media section"},
		{HDR "m=audio\r\n", "Malformed m= line"},
		{HDR "m=audio 1000\r\n", "Malformed m= line"},
		{HDR "m=audio 1000 RTP/AVP\r\n", "m= line without formats"},
		{HDR "m=audio 65536 RTP/AVP 0\r\n", "Malformed m= port"},
		{HDR "m=audio -1 RTP/AVP 0\r\n", "Malformed m= port"},
		{HDR "m=audio 1000/0 RTP/AVP 0\r\n", "Malformed m= port"},
		{HDR "m=audio 1000/ RTP/AVP 0\r\n", "Malformed m= port"},
		{HDR "m=audio 1000 RTP/AVP 128\r\n",
		 "Malformed RTP payload type"},
		{HDR "m=audio 1000 RTP/AVP PCMU\r\n",
		 "Malformed RTP payload type"},
		{HDR "m=audio 1000 RTP/AVP 0 0\r\n", "Duplicate payload type"},
		{HDR "m=audio 1000 RTP/AVP 0 \"\r\n", "Malformed m= format"},
		{HDR "m=au(dio 1000 RTP/AVP 0\r\n", "Malformed m= line"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n" AUD,
		 "Missing c= line"},
		{HDR AUD "a=\r\n", "Malformed attribute name"},
		{HDR AUD "a=:x\r\n", "Malformed attribute name"},
		{HDR AUD "a=a b\r\n", "Malformed attribute name"},
		{HDR AUD "a=rtpmap:0\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=rtpmap:0 PCMU\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=rtpmap:0 PCMU/\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=rtpmap:0 PCMU/0\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=rtpmap:0 PCMU/8000/0\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=rtpmap:0 PCMU/8000/x\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=rtpmap:128 X/8000\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=rtpmap:0 /8000\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=rtpmap:0 PCMU/8000 x\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=rtpmap:0 PCMU/8000\r\na=rtpmap:0 PCMU/8000\r\n",
		 "Duplicate a=rtpmap"},
		{HDR AUD "a=fmtp:\r\n", "Malformed a=fmtp"},
		{HDR AUD "a=fmtp:0 a=b\r\na=fmtp:0 c=d\r\n",
		 "Duplicate a=fmtp"},
		{HDR AUD "a=rtcp:\r\n", "Malformed a=rtcp"},
		{HDR AUD "a=rtcp:70000\r\n", "Malformed a=rtcp"},
		{HDR AUD "a=rtcp:1001 IN IP4\r\n", "Malformed a=rtcp"},
		{HDR AUD "a=rtcp:1001 IN IP4 1.2.3.4.5\r\n",
		 "Malformed a=rtcp"},
		{HDR AUD "a=rtcp:1001 XX IP4 1.2.3.4\r\n", "Malformed a=rtcp"},
		{HDR AUD "a=rtcp:1001\r\na=rtcp:1001\r\n", "Duplicate a=rtcp"},
		{HDR AUD "a=ptime:0\r\n", "Malformed a=ptime"},
		{HDR AUD "a=ptime:20.5\r\n", "Malformed a=ptime"},
		{HDR AUD "a=ptime\r\n", "Malformed a=ptime"},
		{HDR AUD "a=crypto:1 AES\r\n", "Malformed a=crypto"},
		{HDR AUD "a=sendonly\r\na=recvonly\r\n",
		 "Conflicting direction attributes"},
		{HDR "a=inactive\r\na=sendrecv\r\n",
		 "Conflicting direction attributes"},
		{"v=0\r\nv\0=0\r\n", "Malformed SDP line"}, /* NUL cut */
		{HDR AUD "a=x:a\rb\r\n", "CR inside an SDP line"},
		{HDR AUD "a=rtpmap\r\n", "Malformed a=rtpmap"},
		{HDR AUD "a=fmtp\r\n", "Malformed a=fmtp"},
		{HDR AUD "a=rtcp\r\n", "Malformed a=rtcp"},
		{HDR AUD "a=crypto\r\n", "Malformed a=crypto"},
		{HDR AUD "a=x\r\r\n", "CR inside an SDP line"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		parse_bad(cases[i].sdp, cases[i].reason);
}

static void test_errors_raw(void **state)
{
	struct sdp_session *s = NULL;
	const char *reason = NULL;
	static const char nul[] = HDR "a=x\0y\r\n";
	struct pl body = {.p = nul, .l = sizeof(nul) - 1};

	(void)state;
	assert_int_equal(sdp_session_decode(&s, &body, NULL, &reason),
			 EBADMSG);
	assert_string_equal(reason, "NUL byte in SDP");
	assert_int_equal(sdp_session_decode(NULL, &body, NULL, &reason),
			 EINVAL);
	assert_int_equal(sdp_session_decode(&s, NULL, NULL, &reason), EINVAL);
	body.p = NULL;
	body.l = 0;
	assert_int_equal(sdp_session_decode(&s, &body, NULL, NULL), EBADMSG);
	assert_null(s);
}

static void test_limits(void **state)
{
	struct buf *b = buf_alloc(4096);
	struct sdp_session *s;
	const char *reason;
	struct pl body;

	(void)state;
	assert_non_null(b);

	/* 16 media sections are fine, 17 are not */
	assert_int_equal(buf_write_str(b, HDR), 0);
	for (int i = 0; i < SDP_MAX_MEDIA; i++)
		assert_int_equal(buf_printf(b, "m=audio %d RTP/AVP 0\r\n",
					    2000 + 2 * i),
				 0);
	body = buf_pl(b);
	assert_int_equal(sdp_session_decode(&s, &body, NULL, &reason), 0);
	assert_int_equal(s->nmedia, SDP_MAX_MEDIA);
	mem_deref(s);
	assert_int_equal(buf_write_str(b, AUD), 0);
	body = buf_pl(b);
	assert_int_equal(sdp_session_decode(&s, &body, NULL, &reason),
			 EBADMSG);
	assert_string_equal(reason, "Too many media sections");

	/* 32 formats fine, 33 not */
	buf_reset(b);
	assert_int_equal(buf_write_str(b, HDR "m=audio 1000 RTP/AVP"), 0);
	for (int i = 0; i < SDP_MAX_FMT; i++)
		assert_int_equal(buf_printf(b, " %d", 96 + i), 0);
	body = buf_pl(b);
	assert_int_equal(sdp_session_decode(&s, &body, NULL, &reason), 0);
	assert_int_equal(s->media[0].nfmts, SDP_MAX_FMT);
	mem_deref(s);
	assert_int_equal(buf_write_str(b, " 0\r\n"), 0);
	body = buf_pl(b);
	assert_int_equal(sdp_session_decode(&s, &body, NULL, &reason),
			 EBADMSG);
	assert_string_equal(reason, "Too many formats on m= line");

	/* attributes */
	buf_reset(b);
	assert_int_equal(buf_write_str(b, HDR AUD), 0);
	for (int i = 0; i < SDP_MAX_ATTRS; i++)
		assert_int_equal(buf_printf(b, "a=x-%d\r\n", i), 0);
	body = buf_pl(b);
	assert_int_equal(sdp_session_decode(&s, &body, NULL, &reason), 0);
	assert_int_equal(s->media[0].nattrs, SDP_MAX_ATTRS);
	mem_deref(s);
	assert_int_equal(buf_write_str(b, "a=one-more\r\n"), 0);
	body = buf_pl(b);
	assert_int_equal(sdp_session_decode(&s, &body, NULL, &reason),
			 EBADMSG);
	assert_string_equal(reason, "Too many attributes");

	/* size */
	buf_reset(b);
	assert_int_equal(buf_write_str(b, HDR), 0);
	while (b->end <= SDP_MAX_SIZE)
		assert_int_equal(buf_write_str(b, "i=padding padding\r\n"), 0);
	body = buf_pl(b);
	assert_int_equal(sdp_session_decode(&s, &body, NULL, &reason),
			 EBADMSG);
	assert_string_equal(reason, "SDP too large");
	mem_deref(b);
}

static void test_oom(void **state)
{
	struct sdp_session *s = NULL;
	const char *reason = NULL;
	struct pl body;

	(void)state;
	pl_set_str(&body, offer);
	mem_threshold_set(0);
	assert_int_equal(sdp_session_decode(&s, &body, NULL, &reason), ENOMEM);
	mem_threshold_set(-1);
	assert_null(s);
	assert_string_equal(reason, "Out of memory");
}

/* print sess with rw into a fresh buffer and return it as a string
 * (mem_deref). */
static char *print_str(const struct sdp_session *s,
		       const struct sdp_rewrite *rw)
{
	struct buf *b = buf_alloc(64);
	struct pl out;
	char *str;

	assert_non_null(b);
	assert_int_equal(sdp_print(b, s, rw), 0);
	out = buf_pl(b);
	str = pl_strdup(&out);
	mem_deref(b);
	assert_non_null(str);
	return str;
}

static void test_print_roundtrip(void **state)
{
	struct sdp_session *s, *s2;
	struct sdp_rewrite rw;
	char *out, *out2;

	(void)state;
	s = parse_ok(offer);
	out = print_str(s, NULL);
	assert_string_equal(out, offer);
	sdp_rewrite_init(&rw);
	out2 = print_str(s, &rw); /* zeroed rewrite = no change */
	assert_string_equal(out2, offer);
	mem_deref(out2);
	s2 = parse_ok(out);
	out2 = print_str(s2, NULL);
	assert_string_equal(out2, out);
	mem_deref(out2);
	mem_deref(s2);
	mem_deref(out);
	mem_deref(s);

	/* LF input comes out with CRLF, blank lines dropped */
	s = parse_ok("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\n\nc=IN IP4 1.2.3.4\n"
		     "t=0 0\nm=audio 1000/2 RTP/AVP 0\n");
	out = print_str(s, NULL);
	assert_string_equal(out, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
				 "c=IN IP4 1.2.3.4\r\nt=0 0\r\n"
				 "m=audio 1000/2 RTP/AVP 0\r\n");
	mem_deref(out);
	mem_deref(s);
}

static void test_print_rewrite(void **state)
{
	static const char want[] = "v=0\r\n"
				   "o=- 1234567890 10 IN IP4 203.0.113.5\r\n"
				   "s=trunkd test\r\n"
				   "c=IN IP4 203.0.113.5\r\n"
				   "b=AS:84\r\n"
				   "t=0 0\r\n"
				   "a=sendrecv\r\n"
				   "a=x-session-thing:42\r\n"
				   "m=audio 30000 RTP/AVP 0 101\r\n"
				   "a=rtpmap:0 PCMU/8000\r\n"
				   "a=rtpmap:101 telephone-event/8000\r\n"
				   "a=fmtp:101 0-15\r\n"
				   "a=ptime:20\r\n"
				   "a=rtcp:30001 IN IP4 203.0.113.5\r\n"
				   "a=x-unknown\r\n"
				   "m=video 0 RTP/AVP 31\r\n"
				   "a=inactive\r\n"
				   "m=image 30010 udptl t38\r\n"
				   "c=IN IP4 203.0.113.5\r\n"
				   "a=T38FaxVersion:0\r\n";
	struct sdp_session *s, *s2;
	struct sdp_rewrite rw;
	char *out;

	(void)state;
	s = parse_ok(offer);
	sdp_rewrite_init(&rw);
	pl_set_str(&rw.addr, "203.0.113.5");
	rw.bump_version = true;
	sdp_rewrite_port(&rw, 0, 30000, 30001);
	sdp_rewrite_keep_pt(&rw, 0, 0);
	sdp_rewrite_keep_pt(&rw, 0, 101);
	sdp_rewrite_keep_pt(&rw, 0, 99); /* not offered: ignored */
	sdp_rewrite_port(&rw, 2, 30010, 0);
	sdp_rewrite_keep_pt(&rw, 2, 0); /* non-RTP: filter ignored */
	sdp_rewrite_port(&rw, SDP_MAX_MEDIA, 1, 1); /* out of range: no-op */
	sdp_rewrite_keep_pt(&rw, 1, 128);	    /* invalid: no-op */
	out = print_str(s, &rw);
	assert_string_equal(out, want);
	s2 = parse_ok(out);
	assert_int_equal(s2->media[0].nfmts, 2);
	assert_true(pl_eq_str(&s2->origin.sess_version, "10"));
	mem_deref(s2);
	mem_deref(out);

	/* IPv6 address; dropped a=rtcp with rtcp_port 0 */
	sdp_rewrite_init(&rw);
	pl_set_str(&rw.addr, "2001:db8::5");
	sdp_rewrite_port(&rw, 0, 40000, 0);
	out = print_str(s, &rw);
	assert_non_null(
		strstr(out, "o=- 1234567890 9 IN IP6 2001:db8::5\r\n"));
	assert_non_null(strstr(out, "\r\nc=IN IP6 2001:db8::5\r\n"));
	assert_non_null(strstr(out, "m=audio 40000 RTP/AVP 0 8 18 101\r\n"));
	assert_null(strstr(out, "a=rtcp"));
	mem_deref(out);

	/* address only: a=rtcp keeps its port, gets the new address */
	sdp_rewrite_init(&rw);
	pl_set_str(&rw.addr, "198.51.100.1");
	out = print_str(s, &rw);
	assert_non_null(strstr(out, "a=rtcp:49171 IN IP4 198.51.100.1\r\n"));
	assert_non_null(strstr(out, "m=audio 49170 RTP/AVP 0 8 18 101\r\n"));
	mem_deref(out);

	/* port only: a=rtcp keeps its own address */
	sdp_rewrite_init(&rw);
	sdp_rewrite_port(&rw, 0, 5000, 5001);
	out = print_str(s, &rw);
	assert_non_null(strstr(out, "a=rtcp:5001 IN IP4 192.0.2.10\r\n"));
	assert_non_null(strstr(out, "o=- 1234567890 9 IN IP4 192.0.2.10\r\n"));
	mem_deref(out);

	/* bad addresses */
	{
		struct buf *b = buf_alloc(16);
		static const char *bad[] = {"1.2.3.4 x", "host.example.com",
					    "1.2.3", "::g", "1.2.3.4\r\n"};

		assert_non_null(b);
		for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
			sdp_rewrite_init(&rw);
			pl_set_str(&rw.addr, bad[i]);
			assert_int_equal(sdp_print(b, s, &rw), EINVAL);
		}
		assert_int_equal(sdp_print(NULL, s, &rw), EINVAL);
		assert_int_equal(sdp_print(b, NULL, &rw), EINVAL);
		mem_deref(b);
	}
	mem_deref(s);
}

static void test_print_filter(void **state)
{
	static const char in[] = "v=0\r\no=- 1 99 IN IP4 1.2.3.4\r\ns=-\r\n"
				 "c=IN IP4 1.2.3.4\r\nt=0 0\r\n"
				 "m=audio 1000 RTP/AVPF 96 8 0 101\r\n"
				 "a=rtpmap:96 opus/48000/2\r\n"
				 "a=fmtp:96 useinbandfec=1\r\n"
				 "a=rtcp-fb:96 nack\r\n"
				 "a=rtcp-fb:* ccm fir\r\n"
				 "a=rtpmap:8 PCMA/8000\r\n"
				 "a=rtpmap:101 telephone-event/8000\r\n"
				 "a=fmtp:101 0-16\r\n"
				 "a=rtcp:1001\r\n"
				 "a=sendrecv\r\n";
	struct sdp_session *s;
	struct sdp_rewrite rw;
	char *out;

	(void)state;
	s = parse_ok(in);
	sdp_rewrite_init(&rw);
	rw.bump_version = true;
	sdp_rewrite_keep_pt(&rw, 0, 8);
	sdp_rewrite_keep_pt(&rw, 0, 101);
	out = print_str(s, &rw);
	assert_string_equal(out, "v=0\r\no=- 1 100 IN IP4 1.2.3.4\r\ns=-\r\n"
				 "c=IN IP4 1.2.3.4\r\nt=0 0\r\n"
				 "m=audio 1000 RTP/AVPF 8 101\r\n"
				 "a=rtcp-fb:* ccm fir\r\n"
				 "a=rtpmap:8 PCMA/8000\r\n"
				 "a=rtpmap:101 telephone-event/8000\r\n"
				 "a=fmtp:101 0-16\r\n"
				 "a=rtcp:1001\r\n"
				 "a=sendrecv\r\n");
	mem_deref(out);

	/* nothing left: rejected stream with its first format */
	sdp_rewrite_init(&rw);
	sdp_rewrite_keep_pt(&rw, 0, 18);
	out = print_str(s, &rw);
	assert_string_equal(out, "v=0\r\no=- 1 99 IN IP4 1.2.3.4\r\ns=-\r\n"
				 "c=IN IP4 1.2.3.4\r\nt=0 0\r\n"
				 "m=audio 0 RTP/AVPF 96\r\n"
				 "a=rtpmap:96 opus/48000/2\r\n"
				 "a=fmtp:96 useinbandfec=1\r\n"
				 "a=rtcp-fb:96 nack\r\n"
				 "a=rtcp-fb:* ccm fir\r\n"
				 "a=sendrecv\r\n");
	mem_deref(out);
	mem_deref(s);
}

static void test_print_version_bump(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"0", "1"},
		{"9", "10"},
		{"199", "200"},
		{"99999999999999999999999", "100000000000000000000000"},
		{"18446744073709551615", "18446744073709551616"},
		{"1239", "1240"},
	};
	struct sdp_rewrite rw;

	(void)state;
	sdp_rewrite_init(&rw);
	rw.bump_version = true;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char in[256], want[256];
		struct sdp_session *s;
		char *out;

		snprintf(in, sizeof(in),
			 "v=0\r\no=u 5 %s IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n",
			 cases[i].in);
		snprintf(want, sizeof(want),
			 "v=0\r\no=u 5 %s IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n",
			 cases[i].out);
		s = parse_ok(in);
		out = print_str(s, &rw);
		assert_string_equal(out, want);
		mem_deref(out);
		mem_deref(s);
	}
}

static void test_print_oom(void **state)
{
	struct sdp_session *s;
	struct sdp_rewrite rw;
	struct buf *b;
	int err = ENOMEM;

	(void)state;
	s = parse_ok(offer);
	sdp_rewrite_init(&rw);
	pl_set_str(&rw.addr, "203.0.113.5");
	rw.bump_version = true;
	/* fail each growth in turn: ENOMEM, never a crash or leak */
	for (ssize_t n = 0; err == ENOMEM && n < 64; n++) {
		b = buf_alloc(8);
		assert_non_null(b);
		mem_threshold_set(n);
		err = sdp_print(b, s, &rw);
		mem_threshold_set(-1);
		mem_deref(b);
		assert_true(err == 0 || err == ENOMEM);
	}
	assert_int_equal(err, 0);
	mem_deref(s);
}

/* The parsed addresses as socket addresses: what sa_parse_pl() makes of
 * the text. */
static void test_conn_sa(void **state)
{
	static const char *addrs[] = {
		"IN IP4 0.0.0.0",
		"IN IP4 255.255.255.255",
		"IN IP4 10.1.20.255",
		"IN  IP4   192.0.2.7",
		"IN IP6 ::1",
		"IN IP6 2001:db8::1:2",
		"IN IP6 ::ffff:1.2.3.4",
	};
	struct sockaddr_storage sa, want;
	struct sdp_session *s;
	char txt[256];

	(void)state;
	for (size_t i = 0; i < sizeof(addrs) / sizeof(*addrs); i++) {
		snprintf(txt, sizeof(txt),
			 "v=0\r\no=- 1 1 %s\r\ns=-\r\nc=%s\r\nt=0 0\r\n"
			 "m=audio 7000 RTP/AVP 0\r\na=rtcp:7003 %s\r\n",
			 addrs[i], addrs[i], addrs[i]);
		s = parse_ok(txt);
		assert_int_equal(sa_parse_pl(&want, &s->conn.addr, 7000), 0);
		assert_int_equal(sdp_conn_sa(&s->conn, 7000, &sa), 0);
		assert_true(sa_eq(&sa, &want));
		assert_int_equal(sdp_conn_sa(&s->origin.addr, 7000, &sa), 0);
		assert_true(sa_eq(&sa, &want));
		sa_set_port(&want, 7003);
		assert_int_equal(
			sdp_conn_sa(&s->media[0].rtcp_conn, 7003, &sa), 0);
		assert_true(sa_eq(&sa, &want));
		/* no media-level c= */
		assert_int_equal(sdp_conn_sa(&s->media[0].conn, 1, &sa),
				 EINVAL);
		mem_deref(s);
	}
	s = parse_ok("v=0\r\no=- 1 1 IN IP4 host.example.com\r\ns=-\r\n"
		     "c=IN IP4 media.example.com\r\nt=0 0\r\n");
	memset(&sa, 0xab, sizeof(sa));
	want = sa;
	assert_int_equal(sdp_conn_sa(&s->conn, 1, &sa), EINVAL);
	assert_int_equal(sdp_conn_sa(&s->origin.addr, 1, &sa), EINVAL);
	assert_int_equal(memcmp(&sa, &want, sizeof(sa)), 0); /* untouched */
	assert_int_equal(sdp_conn_sa(NULL, 1, &sa), EINVAL);
	assert_int_equal(sdp_conn_sa(&s->conn, 1, NULL), EINVAL);
	mem_deref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_parse_offer),
		LEAKCHECK_TEST(test_parse_lf_and_misc),
		LEAKCHECK_TEST(test_parse_fqdn_and_no_media),
		LEAKCHECK_TEST(test_codecs),
		LEAKCHECK_TEST(test_attr_find),
		LEAKCHECK_TEST(test_crypto),
		LEAKCHECK_TEST(test_errors),
		LEAKCHECK_TEST(test_errors_raw),
		LEAKCHECK_TEST(test_limits),
		LEAKCHECK_TEST(test_oom),
		LEAKCHECK_TEST(test_print_roundtrip),
		LEAKCHECK_TEST(test_print_rewrite),
		LEAKCHECK_TEST(test_print_filter),
		LEAKCHECK_TEST(test_print_version_bump),
		LEAKCHECK_TEST(test_print_oom),
		LEAKCHECK_TEST(test_conn_sa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
