"""Carrier targets given as names (RFC 3263), resolved through a small
DNS server in this process (stdlib socket, 127.0.0.1) that trunkd uses
by --dns:
1. policy [sip:nowhere.test (NXDOMAIN), sip:carrier.test (SRV to a SIPp
   carrier)]: the first is skipped (logged with the call id), the call
   completes at the SRV target, the Request-URI keeps the name;
2. sip:direct.test:PORT: A/AAAA only, no NAPTR/SRV;
3. SRV with two priorities: the first address answers 503, the second
   answers: failover between the addresses of one target;
4. no target resolves (NXDOMAIN, no answer at all): 503 "No carrier
   available" to the PBX;
5. the PBX cancels while the name is being resolved: 487, and the late
   DNS timeout touches nothing (the lookup was cancelled with the call).
No query leaves the machine."""
import os
import re
import socket
import struct
import tempfile
import threading
import time

from harness import Results, free_port, rand_token, status_of
from term_lib import TermTrunkd, sipp, sipp_uas, finish_proc

T_A, T_SOA, T_AAAA, T_SRV, T_NAPTR = 1, 6, 28, 33, 35
TNAME = {T_A: "A", T_AAAA: "AAAA", T_SRV: "SRV", T_NAPTR: "NAPTR"}


def enc_name(name):
    out = b""
    for label in name.strip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


class FakeDns:
    """Answers from zone {(name, type): [rdata bytes]}; names in the zone
    with no record of the type: NODATA + SOA; other names: NXDOMAIN + SOA;
    names containing "silent": no answer."""

    def __init__(self):
        self.zone = {}
        self.log = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop = False
        self.th = threading.Thread(target=self.run, daemon=True)
        self.th.start()

    def add(self, name, rtype, rdata):
        self.zone.setdefault((name.lower(), rtype), []).append(rdata)

    def a(self, name, ip):
        self.add(name, T_A, socket.inet_aton(ip))

    def srv(self, name, prio, weight, port, target):
        self.add(name, T_SRV, struct.pack("!HHH", prio, weight, port) +
                 enc_name(target))

    def names(self):
        return {n for (n, _) in self.zone}

    def saw(self, entry):
        return entry in self.log

    def run(self):
        while not self.stop:
            try:
                q, src = self.sock.recvfrom(1500)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                self.answer(q, src)
            except (IndexError, struct.error):
                pass

    def answer(self, q, src):
        off, labels = 12, []
        while q[off]:
            n = q[off]
            labels.append(q[off + 1:off + 1 + n].decode().lower())
            off += 1 + n
        off += 1
        qtype = struct.unpack("!H", q[off:off + 2])[0]
        qend = off + 4
        name = ".".join(labels)
        self.log.append(f"{TNAME.get(qtype, qtype)} {name}")
        if "silent" in name:
            return
        recs = self.zone.get((name, qtype), [])
        rcode = 0 if name in self.names() else 3
        body = b""
        for rd in recs:
            body += enc_name(name) + struct.pack("!HHIH", qtype, 1, 60,
                                                 len(rd)) + rd
        ns = 0
        if not recs:
            soa = (enc_name("ns.test") + enc_name("hostmaster.test") +
                   struct.pack("!IIIII", 1, 3600, 600, 86400, 5))
            body += enc_name("test") + struct.pack("!HHIH", T_SOA, 1, 5,
                                                   len(soa)) + soa
            ns = 1
        hdr = q[:2] + bytes([0x84 | (q[2] & 1), 0x80 | rcode]) + \
            struct.pack("!HHHH", 1, len(recs), ns, 0)
        self.sock.sendto(hdr + q[12:qend] + body, src)

    def close(self):
        self.stop = True
        self.th.join(2)
        self.sock.close()


def udp_bound(port):
    """Whether some socket is bound to UDP port (read from /proc, so the
    check never races the process binding it)."""
    try:
        with open("/proc/net/udp") as f:
            rows = f.read().splitlines()[1:]
    except OSError:
        return True
    return any(int(row.split()[1].split(":")[1], 16) == port for row in rows)


def wait_bound(*ports, limit=10.0):
    """Wait until SIPp carriers listen on the UDP ports (a loaded machine
    starts them slowly)."""
    deadline = time.time() + limit
    for port in ports:
        while time.time() < deadline and not udp_bound(port):
            time.sleep(0.05)


def reason_in(trace, code):
    try:
        with open(trace, "rb") as f:
            data = f.read().decode("latin-1")
    except OSError:
        return None
    m = re.search(r"^SIP/2\.0 %d ([^\r\n]*)" % code, data, re.M)
    return m.group(1) if m else None


def text_of(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("latin-1")
    except OSError:
        return ""


def cancel_during_lookup(sip_port, dom):
    """A raw UDP PBX: INVITE, CANCEL after the 100, expects 200 + 487.
    Returns the status codes seen."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(0.5)
    lp = s.getsockname()[1]
    cid, ftag, br = rand_token(16), rand_token(8), "z9hG4bK" + rand_token(12)
    sdp = ("v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=call\r\n"
           "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"
           "a=rtpmap:0 PCMU/8000\r\n")
    common = (f"Via: SIP/2.0/UDP 127.0.0.1:{lp};branch={br};rport\r\n"
              f"From: <sip:{FROM}@127.0.0.1>;tag={ftag}\r\n"
              f"To: <sip:{NUM}@{dom}>\r\nCall-ID: {cid}\r\n"
              "Max-Forwards: 70\r\n")
    inv = (f"INVITE sip:{NUM}@{dom} SIP/2.0\r\n" + common +
           "CSeq: 1 INVITE\r\n"
           f"Contact: <sip:pbx@127.0.0.1:{lp}>\r\n"
           "Content-Type: application/sdp\r\n"
           f"Content-Length: {len(sdp)}\r\n\r\n" + sdp)
    can = (f"CANCEL sip:{NUM}@{dom} SIP/2.0\r\n" + common +
           "CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n")
    dst = ("127.0.0.1", sip_port)
    seen = []
    s.sendto(inv.encode(), dst)
    deadline = time.time() + 8
    cancelled = False
    while time.time() < deadline and 487 not in seen:
        try:
            data = s.recv(65535)
        except socket.timeout:
            continue
        st = status_of(data)
        if st:
            seen.append(st)
        if st == 100 and not cancelled:
            s.sendto(can.encode(), dst)
            cancelled = True
        if st == 487:
            to = re.search(rb"^To: ([^\r\n]*)", data, re.M | re.I)
            ack = (f"ACK sip:{NUM}@{dom} SIP/2.0\r\n" + common.replace(
                f"To: <sip:{NUM}@{dom}>", "To: " + to.group(1).decode())
                + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n")
            s.sendto(ack.encode(), dst)
    s.close()
    return seen


r = Results()
tmp = tempfile.mkdtemp(prefix="term-dns-")
FROM = "+15551230000"
NUM = "+14155550100"
dns = FakeDns()
# carrier.test: its own A record leads nowhere; the SRV (added once its
# SIPp listens: each carrier port is taken just before use, so no other
# socket of the test grabs it meanwhile) leads to SIPp
dns.a("carrier.test", "127.0.0.9")
dns.a("sipp1.carrier.test", "127.0.0.1")
dns.a("direct.test", "127.0.0.1")
dns.a("multi.test", "127.0.0.9")
dns.a("bad.multi.test", "127.0.0.1")
dns.a("good.multi.test", "127.0.0.1")

t = TermTrunkd(["--dns", f"127.0.0.1:{dns.port}"]).start()
try:
    # 1. NXDOMAIN skipped, SRV followed
    tk = t.trunk("dns.example.com", CpsLimit=20)
    t.policy([("sip:nowhere.test", 1, 10), ("sip:carrier.test", 2, 10)],
             trunk=tk)
    ctrace = os.path.join(tmp, "carrier1.log")
    p1 = free_port()
    c1 = sipp_uas("carrier_answer.xml", p1, trace=ctrace)
    wait_bound(p1)
    dns.srv("_sip._udp.carrier.test", 10, 10, p1, "sipp1.carrier.test")
    rc, out = sipp("term_uac_call.xml", f"127.0.0.1:{t.sip_port}",
                   keys={"dom": "dns.example.com", "from": FROM},
                   timeout=20)
    if not r.check(rc == 0, "call through sip:carrier.test (SRV) completes"):
        print(out[-1500:])
    crc, cout = finish_proc(c1, 20)
    if not r.check(crc == 0, "the SRV target's carrier saw the call"):
        print(cout[-1200:])
    r.check("INVITE sip:%s@carrier.test SIP/2.0" % NUM in text_of(ctrace),
            "the Request-URI keeps the target's name")
    r.check(dns.saw("NAPTR nowhere.test"), "NAPTR asked for nowhere.test")
    r.check(not dns.saw("SRV _sip._udp.nowhere.test"),
            "NXDOMAIN ends the lookup (RFC 8020)")
    r.check(dns.saw("NAPTR carrier.test") and
            dns.saw("SRV _sip._udp.carrier.test") and
            dns.saw("A sipp1.carrier.test"),
            "NAPTR -> SRV -> A for carrier.test")
    r.check(not dns.saw("A carrier.test"),
            "no A lookup of the name itself when SRV exists")
    log = t.tail(30000)
    m = re.search(r"call (CA[0-9a-f]{32}): carrier target sip:nowhere.test "
                  r"does not resolve", log)
    r.check(m is not None, "the unresolvable target is logged with the "
                           "call id")
    r.check("next: sip:carrier.test" in log, "skipped to the next target")

    # 2. explicit port: A/AAAA only
    p2 = free_port()
    c2 = sipp_uas("carrier_answer.xml", p2)
    wait_bound(p2)
    tk2 = t.trunk("dns2.example.com", CpsLimit=20)
    t.policy([(f"sip:direct.test:{p2}", 1, 10)], trunk=tk2)
    rc, out = sipp("term_uac_call.xml", f"127.0.0.1:{t.sip_port}",
                   keys={"dom": "dns2.example.com", "from": FROM},
                   timeout=20)
    if not r.check(rc == 0, "call through sip:direct.test:PORT completes"):
        print(out[-1500:])
    crc, cout = finish_proc(c2, 20)
    r.check(crc == 0, "the direct.test carrier saw the call")
    r.check(dns.saw("A direct.test") and dns.saw("AAAA direct.test"),
            "A and AAAA asked for direct.test")
    r.check(not dns.saw("NAPTR direct.test") and
            not dns.saw("SRV _sip._udp.direct.test"),
            "explicit port: no NAPTR, no SRV")

    # 3. two SRV addresses: 503 from the first, the second answers
    tk3 = t.trunk("dns3.example.com", CpsLimit=20)
    t.policy([("sip:multi.test", 1, 10)], trunk=tk3)
    p3 = free_port()
    c3 = sipp_uas("carrier_503.xml", p3)
    p4 = free_port()
    c4 = sipp_uas("carrier_answer.xml", p4)
    wait_bound(p3, p4)
    dns.srv("_sip._udp.multi.test", 10, 10, p3, "bad.multi.test")
    dns.srv("_sip._udp.multi.test", 20, 10, p4, "good.multi.test")
    rc, out = sipp("term_uac_call.xml", f"127.0.0.1:{t.sip_port}",
                   keys={"dom": "dns3.example.com", "from": FROM},
                   timeout=20)
    if not r.check(rc == 0, "503 from the first SRV address: the second "
                            "one answers"):
        print(out[-1500:])
    for name, c in (("503 carrier", c3), ("answering carrier", c4)):
        crc, cout = finish_proc(c, 20)
        if not r.check(crc == 0, f"{name} saw its INVITE"):
            print(cout[-1200:])
    r.check("(503 Service Unavailable), next address of sip:multi.test: "
            "127.0.0.1:%d" % p4 in t.tail(30000),
            "failover to the target's next address at the 503")

    # 4. nothing resolves: 503 No carrier available
    tk4 = t.trunk("dns4.example.com", CpsLimit=20)
    t.policy([("sip:nowhere2.test", 1, 10), ("sip:silent.test", 2, 10)],
             trunk=tk4)
    trace = os.path.join(tmp, "nocarrier.log")
    t0 = time.time()
    rc, out = sipp("term_reject_503.xml", f"127.0.0.1:{t.sip_port}",
                   keys={"dom": "dns4.example.com", "from": FROM,
                         "mf": 70, "m": "audio 6000 RTP/AVP 0 101"},
                   trace=trace, timeout=15)
    took = time.time() - t0
    if not r.check(rc == 0, "no target resolves: 503 to the PBX"):
        print(out[-1500:])
    got = reason_in(trace, 503)
    r.check(got == "No carrier available",
            f"reason 'No carrier available' (got {got!r})")
    r.check(took < 10, f"the silent DNS server cost a bounded time "
                       f"({took:.1f} s)")
    r.check(dns.saw("NAPTR silent.test"), "silent.test was asked")

    # 5. CANCEL while the name resolves (no answer from DNS)
    tk5 = t.trunk("dns5.example.com", CpsLimit=20)
    t.policy([("sip:silent2.test", 1, 10)], trunk=tk5)
    seen = cancel_during_lookup(t.sip_port, "dns5.example.com")
    r.check(200 in seen and 487 in seen,
            f"CANCEL during the lookup: 200 and 487 (got {seen})")
    r.check(dns.saw("NAPTR silent2.test"), "silent2.test was asked")
    time.sleep(3.5)  # past the resolver's timeout for silent2.test
    log = t.tail(30000)
    r.check("carrier target sip:silent2.test does not resolve" not in log,
            "the cancelled lookup reports nothing")
    r.check(t.alive(), "trunkd still running")
finally:
    rc = t.stop()
    dns.close()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail(4000))
        print("DNS queries:", dns.log)
r.finish()
