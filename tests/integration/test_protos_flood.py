"""Sends all 4,527 PROTOS c07-sip cases to a running trunkd (UDP; the
cases longer than a datagram in full over TCP), then checks it still
answers OPTIONS over UDP and TCP and stops cleanly."""
import glob
import os
import socket
import time

from harness import SHARED, Results, Trunkd

r = Results()
protos = os.path.join(SHARED, "testdata", "protos")
cases = sorted(glob.glob(os.path.join(protos, "cases", "*.sip")))
full = sorted(glob.glob(os.path.join(protos, "cases_full", "*.sip")))
r.check(len(cases) == 4527, f"found the 4,527 PROTOS cases ({len(cases)})")

t = Trunkd().start()
try:
    s = t.udp()
    s.settimeout(0)
    answered = 0
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
                s.recvfrom(65535)
                answered += 1
            except (BlockingIOError, socket.timeout):
                break
    time.sleep(0.5)
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
    print(f"info: {answered} UDP responses to {len(cases)} cases")
    r.check(answered > 0, "some malformed cases were answered (400s)")
    r.check(t.options_udp() == 200, "OPTIONS over UDP answered 200 after")
    r.check(t.options_tcp() == 200, "OPTIONS over TCP answered 200 after")
finally:
    rc = t.stop()
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
    if r.failed:
        print(t.tail())
r.finish()
