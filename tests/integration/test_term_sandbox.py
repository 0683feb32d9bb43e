"""The built-in sandbox carrier, reached straight on its own port (SIPp
as the caller) and through trunkd: normal answer after ringing, the
forced outcomes of DESIGN.md, the BYE of +15005550005, and the RTP
echo."""
import re
import socket
import time

from harness import Results, rand_token
from term_lib import TermTrunkd, sipp

r = Results()
FROM = "+15551230000"
t = TermTrunkd().start()
sb = f"127.0.0.1:{t.sandbox_port}"
try:
    rc, out = sipp("term_uac_call.xml", sb, keys={"dom": sb, "from": FROM})
    r.check(rc == 0, "sandbox: a valid number is answered (180, 200 PCMU)")
    rc, out = sipp("term_uac_call.xml", sb, transport="t1",
                   keys={"dom": sb, "from": FROM})
    r.check(rc == 0, "sandbox over TCP")
    for num, scen, what in (
            ("+15005550001", "term_uac_busy.xml", "486 Busy Here"),
            ("+15005550003", "term_reject_503.xml", "503"),
            ("+15005550004", "term_reject_404.xml", "404")):
        rc, out = sipp(scen, sb, service=num,
                       keys={"dom": sb, "from": FROM, "mf": 70,
                             "m": "audio 6000 RTP/AVP 0"})
        if not r.check(rc == 0, f"sandbox {num}: {what}"):
            print(out[-1200:])
    t0 = time.time()
    rc, out = sipp("term_uac_wait_bye.xml", sb, service="+15005550005",
                   keys={"dom": sb, "from": FROM}, timeout=15)
    r.check(rc == 0 and time.time() - t0 >= 5.5,
            "sandbox +15005550005: answers, BYE after 5 s")
    # the same through trunkd: the carrier's BYE crosses to the PBX
    t.trunk("sb.example.com", CpsLimit=20)
    rc, out = sipp("term_uac_wait_bye.xml", f"127.0.0.1:{t.sip_port}",
                   service="+15005550005",
                   keys={"dom": "sb.example.com", "from": FROM}, timeout=15)
    if not r.check(rc == 0, "through trunkd: the carrier's BYE reaches "
                            "the PBX"):
        print(out[-1200:])

    # RTP echo: a raw INVITE, then one RTP packet to the answer's port
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(3)
    lp = s.getsockname()[1]
    cid, tag = rand_token(12), rand_token(6)
    sdp = ("v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=x\r\n"
           "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n" % lp)
    inv = (f"INVITE sip:+14155550100@{sb} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bK{rand_token()}"
           f";rport\r\nMax-Forwards: 70\r\n"
           f"From: <sip:x@127.0.0.1>;tag={tag}\r\n"
           f"To: <sip:+14155550100@{sb}>\r\nCall-ID: {cid}\r\n"
           f"CSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.1:{lp}>\r\n"
           f"Content-Type: application/sdp\r\n"
           f"Content-Length: {len(sdp)}\r\n\r\n{sdp}")
    s.sendto(inv.encode(), ("127.0.0.1", t.sandbox_port))
    port = None
    deadline = time.time() + 4
    while time.time() < deadline and port is None:
        data = s.recv(65535).decode("latin-1")
        if data.startswith("SIP/2.0 200"):
            m = re.search(r"m=audio (\d+)", data)
            port = int(m.group(1)) if m else None
    r.check(port is not None, "raw INVITE answered with an SDP port")
    if port:
        rtp = bytes([0x80, 0, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4]) + b"\xff" * 160
        s.sendto(rtp, ("127.0.0.1", port))
        try:
            back, src = s.recvfrom(2048)
            while back.startswith(b"SIP/2.0"):  # 200 retransmissions
                back, src = s.recvfrom(2048)
        except socket.timeout:
            back = b""
        r.check(back == rtp, "sandbox echoes RTP")
    s.close()
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail(4000))
r.finish()
