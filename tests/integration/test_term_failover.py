"""Carrier failover across three SIPp carriers of one connection policy:
priority 1 answers 503 (next target at once), priority 2 never answers
(next target after 4 s), priority 3 answers; the PBX's call goes
through. Then a 4xx from the first target is final: relayed, no
failover."""
import time

from harness import Results, free_port
from term_lib import TermTrunkd, sipp, sipp_uas, finish_proc

r = Results()
FROM = "+15551230000"
t = TermTrunkd().start()
try:
    p1, p2, p3 = free_port(), free_port(), free_port()
    tk = t.trunk("failover.example.com", CpsLimit=20)
    t.policy([(f"sip:127.0.0.1:{p1}", 1, 10),
              (f"sip:127.0.0.1:{p2}", 2, 10),
              (f"sip:127.0.0.1:{p3}", 3, 10)], trunk=tk)
    c1 = sipp_uas("carrier_503.xml", p1)
    c2 = sipp_uas("carrier_silent.xml", p2)
    c3 = sipp_uas("carrier_answer.xml", p3)
    time.sleep(0.3)
    t0 = time.time()
    rc, out = sipp("term_uac_call.xml", f"127.0.0.1:{t.sip_port}",
                   keys={"dom": "failover.example.com", "from": FROM},
                   timeout=20)
    took = time.time() - t0
    if not r.check(rc == 0, "the call reaches the third carrier"):
        print(out[-1500:])
    r.check(took >= 4.0, f"the silent carrier was given 4 s ({took:.1f} s)")
    for name, c in (("503 carrier", c1), ("silent carrier", c2),
                    ("answering carrier", c3)):
        crc, cout = finish_proc(c, 20)
        if not r.check(crc == 0, f"{name} saw its INVITE"):
            print(cout[-1200:])

    # 486 from the first target is final
    q1, q2 = free_port(), free_port()
    tk2 = t.trunk("busy.example.com", CpsLimit=20)
    t.policy([(f"sip:127.0.0.1:{q1}", 1, 10),
              (f"sip:127.0.0.1:{q2}", 2, 10)], trunk=tk2)
    b1 = sipp_uas("carrier_486.xml", q1)
    time.sleep(0.3)
    rc, out = sipp("term_uac_busy.xml", f"127.0.0.1:{t.sip_port}",
                   keys={"dom": "busy.example.com", "from": FROM})
    if not r.check(rc == 0, "486 from the first carrier relayed"):
        print(out[-1500:])
    crc, cout = finish_proc(b1, 10)
    r.check(crc == 0, "the busy carrier saw its INVITE")
    log = t.tail(20000)
    r.check("next: sip:127.0.0.1:%d" % q2 not in log,
            "no failover after a 4xx")
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail(4000))
r.finish()
