"""Sends all 4,527 PROTOS c07-sip cases to a running trunkd (UDP; the
cases longer than a datagram in full over TCP), then checks it still
answers OPTIONS over UDP and TCP and stops cleanly."""
import glob
import os
import socket
import time

from harness import SHARED, Results, Trunkd, status_of

r = Results()
protos = os.path.join(SHARED, "testdata", "protos")
cases = sorted(glob.glob(os.path.join(protos, "cases", "*.sip")))
full = sorted(glob.glob(os.path.join(protos, "cases_full", "*.sip")))
r.check(len(cases) == 4527, f"found the 4,527 PROTOS cases ({len(cases)})")

t = Trunkd().start()
try:
    s = t.udp()
    s.settimeout(0)
    # The cases' Via names 127.0.0.1:5061 without rport: responses go
    # there (RFC 3261 §18.2.2), so listen there to count them.
    via = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    via.bind(("127.0.0.1", 5061))
    via.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    via.settimeout(0)
    answered = 0
    codes = {}
    for i, path in enumerate(cases):
        with open(path, "rb") as f:
            data = f.read()
        try:
            s.sendto(data, ("127.0.0.1", t.sip_port))
        except OSError:
            pass  # e.g. EMSGSIZE for a case right at the limit
        if i % 64 == 63:
            time.sleep(0.002)  # let the loop breathe; we test parsing, not drops
        while True:
            try:
                data, _ = via.recvfrom(65535)
                answered += 1
                code = status_of(data)
                codes[code] = codes.get(code, 0) + 1
            except (BlockingIOError, socket.timeout):
                break
    time.sleep(0.5)
    while True:
        try:
            data, _ = via.recvfrom(65535)
            answered += 1
            code = status_of(data)
            codes[code] = codes.get(code, 0) + 1
        except (BlockingIOError, socket.timeout):
            break
    r.check(t.alive(), "trunkd alive after the UDP flood")

    for path in full:
        with open(path, "rb") as f:
            data = f.read()
        try:
            c = socket.create_connection(("127.0.0.1", t.sip_port), 2)
            c.settimeout(2)
            c.sendall(data)
            try:
                c.recv(65535)
            except (socket.timeout, ConnectionResetError):
                pass
            c.close()
        except OSError:
            pass
    r.check(t.alive(), "trunkd alive after the long cases over TCP")
    print(f"info: {answered} UDP responses to {len(cases)} cases: {codes}")
    r.check(codes.get(400, 0) > 100, "malformed cases answered 400")
    r.check(all(c is not None and 100 <= c < 700 for c in codes),
            "every answer is a well-formed SIP response")
    r.check(t.options_udp() == 200, "OPTIONS over UDP answered 200 after")
    r.check(t.options_tcp() == 200, "OPTIONS over TCP answered 200 after")
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail())
r.finish()
