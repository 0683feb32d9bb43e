"""Missing ACK: a PBX that sends the ACK for the 200 OK outside the
Record-Route gets its call torn down after the ACK timeout (shortened
with --ack-timeout-ms) with BYE on both legs and alert 32022, whose
evidence names the Contact and Record-Route trunkd sent and the stray
ACK. A proper ACK keeps the call up past the timeout."""
import time

from harness import Results
from term_lib import TermTrunkd, sipp

r = Results()
FROM = "+15551230000"
t = TermTrunkd(["--ack-timeout-ms", "2000"]).start()
try:
    t.trunk("ack.example.com", CpsLimit=20)
    t0 = time.time()
    rc, out = sipp("term_uac_bad_ack.xml", f"127.0.0.1:{t.sip_port}",
                   keys={"dom": "ack.example.com", "from": FROM},
                   timeout=15)
    took = time.time() - t0
    if not r.check(rc == 0, "bad ACK: trunkd sends BYE to the PBX"):
        print(out[-1500:])
    r.check(2.5 <= took < 10, f"BYE came after the ACK timeout ({took:.1f} s)")
    al = t.alerts(32022)
    r.check(len(al) == 1, "alert 32022 raised once")
    one = t.api("GET", "/v1/Alerts/" + al[0]["sid"])[1] if al else {}
    ev = str(one)
    r.check("Contact" in ev and "Record-Route" in ev and "b2b=" in ev,
            "evidence: the Contact and Record-Route trunkd sent")
    r.check("ACK from 127.0.0.1" in ev and "Route: none" in ev,
            "evidence: the ACK that came without the route")
    # a well-behaved PBX holding longer than the timeout keeps its call
    rc, out = sipp("term_uac_hold.xml", f"127.0.0.1:{t.sip_port}",
                   keys={"dom": "ack.example.com", "from": FROM},
                   timeout=15)
    if not r.check(rc == 0, "proper ACK: call survives the ACK timeout"):
        print(out[-1500:])
    r.check(len(t.alerts(32022, wait=0.5)) == 1, "no second 32022")
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail(4000))
r.finish()
