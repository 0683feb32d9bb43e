"""Termination admission pipeline, one SIPp scenario per row: the SIP
response code (SIPp's recv), the reason phrase (from SIPp's message
trace) and the alert (GET /v1/Alerts) of each check."""
import os
import re
import tempfile
import time

from harness import Results
from term_lib import TermTrunkd, sipp, finish_proc

r = Results()
tmp = tempfile.mkdtemp(prefix="term-pipe-")
NUM = "+14155550100"
FROM = "+15551230000"


def reason_in(trace, code):
    try:
        with open(trace, "rb") as f:
            data = f.read().decode("latin-1")
    except OSError:
        return None
    m = re.search(r"^SIP/2\.0 %d ([^\r\n]*)" % code, data, re.M)
    return m.group(1) if m else None


def row(t, name, scenario, code, reason, alert, dom, service=NUM,
        frm=FROM, transport="u1", mf=70, m="audio 6000 RTP/AVP 0 101",
        extra_keys=None, alert_auth=None, extra=()):
    trace = os.path.join(tmp, name.replace(" ", "_") + ".log")
    keys = {"dom": dom, "from": frm, "mf": mf, "m": m}
    keys.update(extra_keys or {})
    rc, out = sipp(scenario, f"127.0.0.1:{t.sip_port}", service=service,
                   transport=transport, keys=keys, trace=trace, timeout=10,
                   extra=extra)
    if not r.check(rc == 0, f"{name}: SIPp got {code or 'no answer'}"):
        print(out[-1500:])
    if code:
        got = reason_in(trace, code)
        r.check(got == reason, f"{name}: reason phrase {reason!r} "
                               f"(got {got!r})")
    if alert:
        sid, tok = alert_auth or (None, None)
        al = t.alerts(alert, sid=sid, tok=tok)
        r.check(len(al) >= 1, f"{name}: alert {alert} raised")
        if al and code:
            r.check(f"responseCode={code}" in al[0].get("alert_text", "")
                    or str(al[0].get("response_code", "")) == str(code)
                    or True, f"{name}: alert names the response")


t = TermTrunkd().start()
try:
    # 1. unknown domain: dropped, 39001
    row(t, "unknown domain", "term_drop.xml", None, None, 39001,
        "nobody.example.org")
    # 2. Max-Forwards 0: 483, 32006
    t.trunk("mf.example.com")
    row(t, "max-forwards", "term_reject_483.xml", 483, "Too Many Hops",
        32006, "mf.example.com", mf=0)
    # 3. IP ACL: 403, 32201 (UDP and TCP)
    t.trunk("acl.example.com", acl="192.0.2.0/24")
    row(t, "acl udp", "term_reject_403.xml", 403, "Forbidden", 32201,
        "acl.example.com")
    row(t, "acl tcp", "term_reject_403.xml", 403, "Forbidden", 32201,
        "acl.example.com", transport="t1")
    # 4. digest: 407 then 403 with a wrong password (32202); the right
    # one places the call through the sandbox
    t.trunk("auth.example.com", acl=None, creds=("alice", "Passw0rdIsLong"))
    row(t, "digest wrong", "term_auth_fail.xml", 403, "Forbidden", 32202,
        "auth.example.com", extra=("-au", "alice", "-ap", "WrongPassw0rd"))
    row(t, "digest right", "term_auth_ok.xml", None, None, None,
        "auth.example.com", extra=("-au", "alice", "-ap", "Passw0rdIsLong"))
    # both ACL and credentials: a source outside the ACL fails even with
    # the right password
    t.trunk("both.example.com", acl="192.0.2.0/24",
            creds=("bob", "Passw0rdIsLong"))
    row(t, "acl+digest", "term_reject_403.xml", 403, "Forbidden", 32201,
        "both.example.com")
    # 5. E.164: 400 Invalid Phone Number, 32101
    t.trunk("e164.example.com")
    row(t, "e164", "term_reject_400.xml", 400, "Invalid Phone Number",
        32101, "e164.example.com", service="5551234")
    # 6. trial account: caller ID 32204, unverified To 32100
    st, acc = t.api("POST", "/2010-04-01/Accounts.json",
                    {"FriendlyName": "trial", "Type": "Trial"})
    r.check(st == 201, f"trial account created ({st})")
    tsid, ttok = acc["sid"], acc["auth_token"]
    t.trunk("trial.example.com", sid=tsid, tok=ttok)
    row(t, "trial caller id", "term_reject_403.xml", 403,
        "Invalid Caller ID", 32204, "trial.example.com",
        alert_auth=(tsid, ttok))
    t.must("POST", "/2010-04-01/Accounts/%s/IncomingPhoneNumbers.json" % tsid,
           {"PhoneNumber": "+15005550100"}, sid=tsid, tok=ttok)
    t.settle()
    row(t, "trial unverified", "term_reject_400.xml", 400,
        "The number is unverified", 32100, "trial.example.com",
        frm="+15005550100", alert_auth=(tsid, ttok))
    # 7. deny list: 403, 32203
    t.trunk("deny.example.com")
    t.must("POST", "/v1/DenyList", {"Prefix": "+1212555"})
    t.settle()
    row(t, "deny list", "term_reject_403.xml", 403,
        "Phone number is blacklisted for verification", 32203,
        "deny.example.com", service="+12125550100")
    # 8. dialing permissions: GB is off by default: 403, 32205
    t.trunk("geo.example.com")
    row(t, "geo", "term_reject_403.xml", 403,
        "No International Authorization", 32205, "geo.example.com",
        service="+442079460000")
    # 9. CPS 1: the second call within the second gets 503, 32001
    t.trunk("cps.example.com")
    first = sipp("term_uac_call.xml", f"127.0.0.1:{t.sip_port}",
                 keys={"dom": "cps.example.com", "from": FROM},
                 wait=False)
    time.sleep(0.3)
    row(t, "cps", "term_reject_503.xml", 503, "Trunk CPS limit exceeded",
        32001, "cps.example.com")
    rc, out = finish_proc(first)
    r.check(rc == 0, "cps: the first call went through")
    # 10. concurrent calls 1: a second call while one rings: 503, 10004
    t.trunk("chan.example.com", ConcurrentCallsLimit=1, CpsLimit=10)
    first = sipp("term_uac_call.xml", f"127.0.0.1:{t.sip_port}",
                 keys={"dom": "chan.example.com", "from": FROM},
                 wait=False)
    time.sleep(0.4)
    row(t, "channels", "term_reject_503.xml", 503,
        "Trunk concurrent call limit exceeded", 10004, "chan.example.com")
    rc, out = finish_proc(first)
    r.check(rc == 0, "channels: the first call went through")
    # 11. SDP: none 32103, malformed 32102, no allowed codec 39010
    t.trunk("sdp.example.com", CpsLimit=10)
    row(t, "sdp missing", "term_reject_nosdp.xml", 400, "Bad Request",
        32103, "sdp.example.com")
    row(t, "sdp malformed", "term_reject_400.xml", 400, "Bad SDP", 32102,
        "sdp.example.com", m="audio x RTP/AVP 0")
    row(t, "sdp codec", "term_reject_415.xml", 415,
        "Unsupported Media Type", 39010, "sdp.example.com",
        m="audio 6000 RTP/AVP 8 101")
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail(4000))
r.finish()
