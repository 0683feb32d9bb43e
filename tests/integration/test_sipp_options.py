"""SIPp probes trunkd with OPTIONS over UDP and TCP and expects 200 with
an Allow header listing INVITE."""
import subprocess

from harness import Results, Trunkd
import os

r = Results()
scen = os.path.join(os.path.dirname(__file__), "..", "sipp", "options.xml")
t = Trunkd().start()
try:
    for transport, flag in (("UDP", "u1"), ("TCP", "t1")):
        p = subprocess.run(
            ["sipp", "-sf", scen, "-t", flag, "-m", "5", "-r", "50",
             "-i", "127.0.0.1", "-p", "0", "-s", "trunkd", "-nostdin",
             "-timeout", "15", "-timeout_error", "-max_recv_loops", "100",
             f"127.0.0.1:{t.sip_port}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        out = p.stdout.decode("utf-8", "replace")
        ok = r.check(p.returncode == 0,
                     f"SIPp OPTIONS x5 over {transport}: 200 with Allow")
        if not ok:
            print(out[-2000:])
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
r.finish()
