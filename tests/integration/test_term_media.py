"""Media through trunkd's relay: a call from a raw-socket PBX to the
sandbox carrier gets its RTP echoed back from the relay's port (never the
sandbox's); a call to a raw-socket carrier shows the carrier only the
relay's media address and RTP crosses both ways; +15005550006 (answers,
sends no RTP) raises 32014 within --rtp-timeout-ms and both legs get a
BYE; the alert carries the SIP messages of both legs."""
import json
import re
import socket
import threading
import time

from harness import Results, free_port, rand_token
from term_lib import TermTrunkd

r = Results()
FROM = "+15551230000"
DOM = "media.example.com"
RTP = bytes([0x80, 0, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4]) + b"\xff" * 160


def hdr(msg, name):
    m = re.search(r"^%s:\s*(.*?)\r$" % name, msg, re.M | re.I)
    return m.group(1) if m else None


def sdp_addr(msg):
    c = re.search(r"c=IN IP4 (\S+)", msg)
    m = re.search(r"m=audio (\d+)", msg)
    return (c.group(1), int(m.group(1))) if c and m else None


class Pbx:
    """A UAC on raw UDP: INVITE with an SDP naming its RTP socket."""

    def __init__(self, trunkd_port):
        self.sig = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sig.bind(("127.0.0.1", 0))
        self.sig.settimeout(0.5)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp.settimeout(2)
        self.dst = ("127.0.0.1", trunkd_port)
        self.port = self.sig.getsockname()[1]
        self.cid, self.tag = rand_token(12), rand_token(6)
        self.received = []

    def recv(self, until, pred):
        while time.time() < until:
            try:
                data = self.sig.recv(65535).decode("latin-1")
            except socket.timeout:
                continue
            self.received.append(data)
            if pred(data):
                return data
        return None

    def invite(self, num):
        rp = self.rtp.getsockname()[1]
        sdp = ("v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=x\r\n"
               "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n"
               "a=sendrecv\r\n" % rp)
        self.num = num
        msg = (f"INVITE sip:{num}@{DOM} SIP/2.0\r\n"
               f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK"
               f"{rand_token()};rport\r\nMax-Forwards: 70\r\n"
               f"From: <sip:{FROM}@127.0.0.1>;tag={self.tag}\r\n"
               f"To: <sip:{num}@{DOM}>\r\nCall-ID: {self.cid}\r\n"
               f"CSeq: 1 INVITE\r\n"
               f"Contact: <sip:pbx@127.0.0.1:{self.port}>\r\n"
               f"Content-Type: application/sdp\r\n"
               f"Content-Length: {len(sdp)}\r\n\r\n{sdp}")
        self.sig.sendto(msg.encode(), self.dst)
        ok = self.recv(time.time() + 6, lambda d: re.match(r"SIP/2.0 [2-6]",
                                                            d))
        self.ok = ok
        if ok and ok.startswith("SIP/2.0 200"):
            self.totag = re.search(r"^To:.*;tag=([^;\r]+)", ok,
                                   re.M).group(1)
            self.contact = re.search(r"^Contact:\s*<([^>]+)>", ok,
                                     re.M).group(1)
            self.routes = hdr(ok, "Record-Route")
            self.request("ACK", 1)
        return ok

    def request(self, method, cseq):
        msg = (f"{method} {self.contact} SIP/2.0\r\n"
               f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK"
               f"{rand_token()};rport\r\nMax-Forwards: 70\r\n"
               f"Route: {self.routes}\r\n"
               f"From: <sip:{FROM}@127.0.0.1>;tag={self.tag}\r\n"
               f"To: <sip:{self.num}@{DOM}>;tag={self.totag}\r\n"
               f"Call-ID: {self.cid}\r\nCSeq: {cseq} {method}\r\n"
               f"Content-Length: 0\r\n\r\n")
        self.sig.sendto(msg.encode(), self.dst)

    def bye(self):
        self.request("BYE", 2)
        return self.recv(time.time() + 4,
                         lambda d: d.startswith("SIP/2.0") and
                         "BYE" in (hdr(d, "CSeq") or ""))

    def close(self):
        self.sig.close()
        self.rtp.close()


class Carrier(threading.Thread):
    """A UAS on raw UDP answering one INVITE with 200 and an SDP naming
    its RTP socket; echoes RTP; answers BYE."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sig = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sig.bind(("127.0.0.1", 0))
        self.sig.settimeout(0.5)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp.settimeout(0.2)
        self.port = self.sig.getsockname()[1]
        self.invite = None
        self.rtp_from = []
        self.stop = False

    def run(self):
        rp = self.rtp.getsockname()[1]
        while not self.stop:
            try:
                data, src = self.sig.recvfrom(65535)
                data = data.decode("latin-1")
            except socket.timeout:
                data = None
            if data and data.startswith(("INVITE", "BYE")):
                sdp = ""
                if data.startswith("INVITE"):
                    self.invite = data
                    sdp = ("v=0\r\no=c 1 1 IN IP4 127.0.0.1\r\ns=c\r\n"
                           "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                           "m=audio %d RTP/AVP 0\r\na=sendrecv\r\n" % rp)
                lines = [ln for ln in data.split("\r\n\r\n")[0]
                         .split("\r\n")[1:]
                         if ln.split(":")[0].lower() in
                         ("via", "from", "to", "call-id", "cseq")]
                lines = [ln + ";tag=carrier1" if ln.lower().startswith(
                    "to:") and "tag=" not in ln else ln for ln in lines]
                resp = ("SIP/2.0 200 OK\r\n" + "\r\n".join(lines) +
                        f"\r\nContact: <sip:c@127.0.0.1:{self.port}>\r\n")
                if sdp:
                    resp += ("Content-Type: application/sdp\r\n"
                             f"Content-Length: {len(sdp)}\r\n\r\n{sdp}")
                else:
                    resp += "Content-Length: 0\r\n\r\n"
                self.sig.sendto(resp.encode(), src)
            try:
                pkt, src = self.rtp.recvfrom(2048)
                self.rtp_from.append(src)
                self.rtp.sendto(pkt, src)
            except socket.timeout:
                pass

    def close(self):
        self.stop = True
        self.join(3)
        self.sig.close()
        self.rtp.close()


lo = 30000 + (free_port() % 1000) * 20
t = TermTrunkd(["--rtp-timeout-ms", "1500", "--oneway-ms", "60000",
                "--media-ports", f"{lo}-{lo + 99}"]).start()
try:
    t.trunk(DOM, CpsLimit=50)

    # 1. sandbox: RTP echoed through the relay
    p = Pbx(t.sip_port)
    ok = p.invite("+14155550100")
    r.check(ok and ok.startswith("SIP/2.0 200"), "sandbox call answered")
    a = sdp_addr(ok or "")
    r.check(a is not None and a[0] == "127.0.0.1" and lo <= a[1] <= lo + 99,
            f"the PBX's answer names the relay's port ({a})")
    got = None
    if a:
        for _ in range(3):
            p.rtp.sendto(RTP, a)
            try:
                got = p.rtp.recvfrom(2048)
                break
            except socket.timeout:
                pass
    r.check(got is not None and got[0] == RTP,
            "the PBX gets its RTP echoed back")
    r.check(got is not None and got[1] == a,
            "... from the relay's advertised address, not the sandbox's")
    # keep RTP flowing past the RTP timeout: the call must survive
    for _ in range(10):
        p.rtp.sendto(RTP, a)
        time.sleep(0.2)
    bye = p.bye()
    r.check(bye and bye.startswith("SIP/2.0 200"),
            "call with RTP outlives --rtp-timeout-ms; BYE 200")
    p.close()

    # 2. a raw carrier: it sees the relay's media address only
    c = Carrier()
    c.start()
    tk2 = t.trunk("carrier.example.com", CpsLimit=50)
    t.policy([(f"sip:127.0.0.1:{c.port}", 10, 10)], trunk=tk2)
    DOM2 = DOM
    DOM = "carrier.example.com"
    p = Pbx(t.sip_port)
    ok = p.invite("+14155550100")
    DOM = DOM2
    r.check(ok and ok.startswith("SIP/2.0 200"), "carrier call answered")
    ca = sdp_addr(c.invite or "")
    pa = sdp_addr(ok or "")
    rp = p.rtp.getsockname()[1]
    r.check(ca is not None and lo <= ca[1] <= lo + 99 and ca[1] != rp,
            f"the carrier's offer names the relay ({ca}), not the PBX's "
            f"RTP port {rp}")
    cr = c.rtp.getsockname()[1]
    r.check(pa is not None and lo <= pa[1] <= lo + 99 and pa[1] != cr,
            f"the PBX's answer names the relay ({pa}), not the "
            f"carrier's RTP port {cr}")
    got = None
    if pa:
        for _ in range(3):
            p.rtp.sendto(RTP, pa)
            try:
                got = p.rtp.recvfrom(2048)
                break
            except socket.timeout:
                pass
    r.check(got is not None and got[0] == RTP and got[1] == pa,
            "RTP crosses to the carrier and back through the relay")
    r.check(bool(c.rtp_from) and ca is not None and
            c.rtp_from[0] == ("127.0.0.1", ca[1]),
            "the carrier receives RTP from the relay's port in its offer")
    p.bye()
    p.close()
    c.close()

    # 3. +15005550006: answers, sends no RTP -> 32014, BYE both legs
    p = Pbx(t.sip_port)
    ok = p.invite("+15005550006")
    t0 = time.time()
    r.check(ok and ok.startswith("SIP/2.0 200"), "+15005550006 answered")
    bye = p.recv(time.time() + 6, lambda d: d.startswith("BYE "))
    el = time.time() - t0
    r.check(bye is not None and el < 4.5,
            f"no RTP: trunkd sends BYE to the PBX after {el:.1f} s "
            f"(timeout 1.5 s)")
    al = t.alerts(32014, wait=4)
    r.check(len(al) >= 1, "alert 32014 raised")
    if al:
        a0 = al[0]
        r.check(a0.get("resource_sid", "").startswith("TK"),
                "32014 names the trunk")
        st, full = t.api("GET", "/v1/Alerts/" + a0["sid"])
        trace = json.loads(full.get("sip_trace") or "[]") if full else []
        legs = {m.get("leg") for m in trace}
        r.check(legs == {"A", "B"},
                f"32014 trace carries both legs ({len(trace)} messages)")
        r.check(any(m.get("message", "").startswith("INVITE") and
                    m.get("leg") == "B" for m in trace),
                "32014 trace has the carrier INVITE")
    p.close()
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail(5000))
r.finish()
