"""Full termination calls through trunkd with SIPp as the PBX and as the
carrier, over UDP and TCP: basic call to the sandbox carrier, mid-call
re-INVITE/INFO/UPDATE and BYE from the PBX, PRACK, re-INVITE and BYE from the
carrier, CANCEL, sandbox forced outcomes; topology hiding checked on the
carrier's side."""
import os
import re
import tempfile
import time

from harness import Results, free_port
from term_lib import TermTrunkd, sipp, sipp_uas, finish_proc

r = Results()
tmp = tempfile.mkdtemp(prefix="term-call-")
FROM = "+15551230000"


def carrier_call(t, name, pbx_scen, car_scen, pbx_tp="u1", car_tp="u1"):
    port = free_port()
    dom = name.replace(" ", "-") + ".example.com"
    tk = t.trunk(dom, CpsLimit=20)
    uri = f"sip:127.0.0.1:{port}" + (";transport=tcp" if car_tp == "t1"
                                     else "")
    t.policy([(uri, 10, 10)], trunk=tk)
    ctrace = os.path.join(tmp, name.replace(" ", "_") + "-carrier.log")
    car = sipp_uas(car_scen, port, transport=car_tp, trace=ctrace)
    time.sleep(0.3)
    rc, out = sipp(pbx_scen, f"127.0.0.1:{t.sip_port}", transport=pbx_tp,
                   keys={"dom": dom, "from": FROM}, timeout=15,
                   trace=os.path.join(tmp, name.replace(" ", "_") +
                                      "-pbx.log"))
    crc, cout = finish_proc(car, 20)
    if not r.check(rc == 0, f"{name}: PBX side scenario passed"):
        print(out[-1500:])
    if not r.check(crc == 0, f"{name}: carrier side scenario passed"):
        print(cout[-1500:])
    return ctrace


t = TermTrunkd().start()
try:
    # basic calls to the sandbox carrier, UDP and TCP
    t.trunk("sandbox.example.com", CpsLimit=20)
    for tp in ("u1", "t1"):
        rc, out = sipp("term_uac_call.xml", f"127.0.0.1:{t.sip_port}",
                       transport=tp, keys={"dom": "sandbox.example.com",
                                           "from": FROM})
        if not r.check(rc == 0, f"call to the sandbox carrier over "
                                f"{'UDP' if tp == 'u1' else 'TCP'}"):
            print(out[-1500:])
    # CANCEL while the sandbox rings (+15005550002 rings 3 s)
    rc, out = sipp("term_uac_cancel.xml", f"127.0.0.1:{t.sip_port}",
                   service="+15005550002",
                   keys={"dom": "sandbox.example.com", "from": FROM})
    if not r.check(rc == 0, "CANCEL: 200 for the CANCEL, 487 for the "
                            "INVITE"):
        print(out[-1500:])
    # sandbox forced outcome relayed: 486 Busy Here
    rc, out = sipp("term_uac_busy.xml", f"127.0.0.1:{t.sip_port}",
                   service="+15005550001",
                   keys={"dom": "sandbox.example.com", "from": FROM})
    if not r.check(rc == 0, "sandbox +15005550001: 486 relayed"):
        print(out[-1500:])

    # PBX-side mid-call requests and BYE, UDP both legs
    ct = carrier_call(t, "midcall udp", "term_uac_midcall.xml",
                      "carrier_midcall.xml")
    with open(ct, "rb") as f:
        ctext = f.read().decode("latin-1")
    inv = ctext.split("INVITE sip:", 1)[1].split("\r\n\r\n", 1)[0] \
        if "INVITE sip:" in ctext else ""
    r.check("pbx@" not in inv and "SIPpTag00" not in inv and
            "Record-Route" not in inv and inv.count("Via:") == 1,
            "topology hiding: the carrier sees none of the PBX's "
            "Contact, tags, Via or Call-ID")
    r.check(re.search(r"m=audio \d+ RTP/AVP 0 101", ctext) is not None,
            "the carrier's offer keeps only the allowed codecs")
    # same over TCP on both legs
    carrier_call(t, "midcall tcp", "term_uac_midcall.xml",
                 "carrier_midcall.xml", pbx_tp="t1", car_tp="t1")
    # carrier-side re-INVITE and BYE, PBX on TCP and carrier on UDP
    carrier_call(t, "far bye", "term_uac_far_bye.xml",
                 "carrier_far_bye.xml", pbx_tp="t1")
    # reliable provisional: 183 with RSeq, PRACK crosses with its RAck
    # rewritten to the carrier leg's INVITE CSeq
    carrier_call(t, "prack", "term_uac_prack.xml", "carrier_prack.xml")
    # an in-dialog request for no dialog: 481
    rc, out = sipp("term_uac_481.xml", f"127.0.0.1:{t.sip_port}",
                   keys={"dom": "sandbox.example.com", "from": FROM})
    r.check(rc == 0, "BYE for an unknown dialog: 481")
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail(5000))
r.finish()
