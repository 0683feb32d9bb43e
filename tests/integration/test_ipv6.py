"""trunkd listens on IPv4 and IPv6 at once (--sip twice) and answers
OPTIONS on both families over UDP and TCP, with rport/received filled from
the IPv6 source (RFC 3581)."""
import os
import socket
import subprocess
import tempfile
import time

from harness import BUILD, Results, free_port, options_request, status_of

r = Results()


def free_port6():
    for _ in range(100):
        u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        try:
            u.bind(("::1", 0))
            port = u.getsockname()[1]
            t.bind(("::1", port))
            return port
        except OSError:
            continue
        finally:
            u.close()
            t.close()
    raise RuntimeError("no free IPv6 port")


def options6(port, transport):
    req = options_request(port, transport, 5099).replace(
        b"127.0.0.1:5099", b"[::1]:5099").replace(
        b"sip:trunkd@127.0.0.1:%d" % port, b"sip:trunkd@[::1]:%d" % port)
    if transport == "UDP":
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind(("::1", 0))
        s.settimeout(2)
        s.sendto(req, ("::1", port))
        data, _ = s.recvfrom(65535)
        mine = s.getsockname()[1]
    else:
        s = socket.create_connection(("::1", port), 2)
        s.sendall(req)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65535)
            if not chunk:
                break
            data += chunk
        mine = s.getsockname()[1]
    s.close()
    return data, mine


try:
    socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))
    have_v6 = True
except OSError:
    have_v6 = False
r.check(have_v6, "the machine has IPv6 loopback")
if not have_v6:
    r.finish()

p6, p4, api = free_port6(), free_port(), free_port(socket.SOCK_STREAM, False)
data_dir = tempfile.mkdtemp(prefix="trunkd-v6-")
log = open(os.path.join(data_dir, "log"), "wb")
proc = subprocess.Popen(
    [os.path.join(BUILD, "trunkd"), "--sip", f"[::1]:{p6}",
     "--sip", f"127.0.0.1:{p4}", "--api", f"127.0.0.1:{api}",
     "--data", data_dir, "--no-sandbox"], stdout=log, stderr=subprocess.STDOUT)
try:
    deadline = time.time() + 10
    data = b""
    while time.time() < deadline and proc.poll() is None:
        try:
            data, port = options6(p6, "UDP")
            break
        except OSError:
            time.sleep(0.1)
    r.check(status_of(data) == 200, "OPTIONS over UDP/IPv6: 200")
    via = [l for l in data.split(b"\r\n") if l.lower().startswith(b"via:")]
    r.check(bool(via) and b"received=::1" in via[0].replace(b"[", b"")
            .replace(b"]", b"") and (b"rport=%d" % port) in via[0],
            f"Via has received and rport of the IPv6 source: {via[:1]}")
    data, _ = options6(p6, "TCP")
    r.check(status_of(data) == 200, "OPTIONS over TCP/IPv6: 200")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(options_request(p4, "UDP", 5099), ("127.0.0.1", p4))
    r.check(status_of(s.recvfrom(65535)[0]) == 200,
            "OPTIONS over UDP/IPv4 on the second listener: 200")
    s.close()
finally:
    proc.terminate()
    rc = proc.wait(10)
    r.check(rc == 0, f"trunkd stopped cleanly (exit {rc})")
r.finish()
