/* Unit tests for src/sip/via.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include "leakcheck.h"
#include "sip/via.h"

static int dec(struct sip_via *v, const char *s)
{
	struct pl pl;

	pl_set_str(&pl, s);
	return sip_via_decode(v, &pl);
}

static void test_via(void **state)
{
	struct sip_via v;

	(void)state;
	assert_int_equal(dec(&v,
			     "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;"
			     "received=10.0.0.1;rport=5070;maddr=224.2.0.1;"
			     "ttl=16;x=\"y\""),
			 0);
	assert_true(pl_eq_str(&v.proto, "SIP/2.0/UDP"));
	assert_int_equal(v.tp, SIP_TP_UDP);
	assert_true(pl_eq_str(&v.host, "192.0.2.1"));
	assert_int_equal(v.port, 5060);
	assert_true(pl_eq_str(&v.branch, "z9hG4bKa"));
	assert_true(sip_via_branch_is_rfc3261(&v));
	assert_true(pl_eq_str(&v.received, "10.0.0.1"));
	assert_true(v.rport);
	assert_int_equal(v.rport_val, 5070);
	assert_true(pl_eq_str(&v.maddr, "224.2.0.1"));
	assert_int_equal(v.ttl, 16);

	/* folding and LWS everywhere (RFC 4475 wsinv) */
	assert_int_equal(dec(&v, "SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;"
				 "branch=390skdjuw"),
			 0);
	assert_true(pl_eq_str(&v.host, "192.0.2.2"));
	assert_false(sip_via_branch_is_rfc3261(&v));
	assert_int_equal(v.ttl, -1);
	assert_false(v.rport);
	assert_int_equal(dec(&v, "SIP  / 2.0  / TCP     spindle.example.com"
				 "   ;\r\n  branch  =   z9hG4bK9ikj8"),
			 0);
	assert_int_equal(v.tp, SIP_TP_TCP);
	assert_true(pl_eq_str(&v.branch, "z9hG4bK9ikj8"));
	/* "SIP/2.0/" as one word, then LWS before the transport */
	assert_int_equal(dec(&v, "SIP/2.0/ tls h.example.com"), 0);
	assert_int_equal(v.tp, SIP_TP_TLS);
	assert_true(pl_eq_str(&v.proto, "SIP/2.0/ tls"));
	assert_true(pl_eq_str(&v.host, "h.example.com"));
	assert_int_equal(dec(&v, "SIP/2.0/"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDP"), EBADMSG);

	/* IPv6 (RFC 5118) */
	assert_int_equal(dec(&v, "SIP/2.0/TCP [2001:db8::9:1]:6050;"
				 "received=2001:db8::9:255;branch=z9hG4bKx"),
			 0);
	assert_true(pl_eq_str(&v.host, "[2001:db8::9:1]"));
	assert_int_equal(v.port, 6050);
	assert_true(pl_eq_str(&v.received, "2001:db8::9:255"));
	assert_int_equal(dec(&v, "SIP/2.0/UDP [2001:db8::9:1];"
				 "received=[2001:db8::9:255]"),
			 0);
	assert_int_equal(dec(&v, "SIP/2.0/UNKNOWN t4.example.com;rport"), 0);
	assert_int_equal(v.tp, SIP_TP_OTHER);
	assert_true(v.rport);
	assert_int_equal(v.rport_val, 0);
	assert_int_equal(dec(&v, "SIP/2.0/WSS a.invalid"), 0);
	assert_int_equal(v.tp, SIP_TP_WSS);
	assert_string_equal(sip_transport_name(SIP_TP_TLS), "TLS");
}

static void test_bad_via(void **state)
{
	struct sip_via v;

	(void)state;
	assert_int_equal(dec(&v, "SIP/2.0/UDP 192.0.2.15;;"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDP"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0 h"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDPh"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDP h;branch="), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDP h;ttl=256"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDP h;rport=x"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDP h;received=host.name"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDP h:70000"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDP [::1"), EBADMSG);
	assert_int_equal(dec(&v, "SIP/2.0/UDP h junk"), EBADMSG);
	assert_int_equal(dec(&v, ""), EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LEAKCHECK_TEST(test_via),
		LEAKCHECK_TEST(test_bad_via),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
