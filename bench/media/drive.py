#!/usr/bin/env python3
"""One media relay run of bench/media.sh: start the relay under test
(trunkd's relay in bench/media/relay_host, or rtpengine in userspace
mode), set up N calls on it (relay_host's line protocol, or rtpengine's
ng protocol: bencode over UDP, offer + answer per call), let
bench/media/rtpgen send RTP both ways through every call, and measure the
relay process's CPU time (user+system from /proc, all threads) while the
load runs.

Prints one line:
  result server=S calls=N sent=X recv=Y ticks=T cpu_per_pkt_ns=C
Exit 0, or 1 with a reason on stderr. Every wait is bounded."""
import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def die(msg):
    print("drive: " + msg, file=sys.stderr)
    sys.exit(1)


def ticks(pid):
    """utime+stime of pid (all its threads) and its direct children."""
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        f = s[s.rindex(")") + 2:].split()
        if int(d) == pid or int(f[1]) == pid:
            total += int(f[11]) + int(f[12])
    return total


# -- bencode (the ng protocol's encoding) -----------------------------------
def benc(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(benc(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"d" + b"".join(benc(k) + benc(v[k])
                               for k in sorted(v)) + b"e"
    raise TypeError(type(v))


def bdec(b, i=0):
    c = b[i:i + 1]
    if c == b"i":
        j = b.index(b"e", i)
        return int(b[i + 1:j]), j + 1
    if c == b"l":
        out, i = [], i + 1
        while b[i:i + 1] != b"e":
            v, i = bdec(b, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        out, i = {}, i + 1
        while b[i:i + 1] != b"e":
            k, i = bdec(b, i)
            v, i = bdec(b, i)
            out[k.decode()] = v
        return out, i + 1
    j = b.index(b":", i)
    n = int(b[i:j])
    return b[j + 1:j + 1 + n], j + 1 + n


class Ng:
    """rtpengine ng control client on 127.0.0.1:port."""

    def __init__(self, port):
        self.addr = ("127.0.0.1", port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.n = 0

    def cmd(self, d, timeout=2.0, tries=3):
        for _ in range(tries):
            self.n += 1
            cookie = b"%d_%d" % (os.getpid(), self.n)
            self.sock.sendto(cookie + b" " + benc(d), self.addr)
            self.sock.settimeout(timeout)
            end = time.time() + timeout
            while time.time() < end:
                try:
                    data, _ = self.sock.recvfrom(65535)
                except socket.timeout:
                    break
                ck, _, body = data.partition(b" ")
                if ck == cookie:
                    return bdec(body)[0]
        raise RuntimeError("no answer from rtpengine to %s" % d["command"])


def sdp(port, who):
    return ("v=0\r\no=%s 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
            "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=sendrecv\r\n" % (who, port))


def sdp_port(body):
    for line in body.decode().split("\r\n"):
        if line.startswith("m=audio "):
            return int(line.split()[1])
    raise RuntimeError("no m=audio in rtpengine's SDP")


def rtpengine_setup(args, eps):
    """Start rtpengine, offer/answer each call; returns (proc, relay
    ports, cleanup)."""
    ng_port = args.ng_port
    lo, hi = args.ports.split("-")
    log = open(os.path.join(args.tmp, "rtpengine.log"), "wb")
    proc = subprocess.Popen(
        [args.rtpengine, "--config-file=none", "--table=-1",
         "--interface=127.0.0.1", "--listen-ng=127.0.0.1:%d" % ng_port,
         "--foreground", "--log-stderr", "--log-level=4",
         "--port-min=" + lo, "--port-max=" + hi,
         "--num-threads=%d" % args.threads, "--delete-delay=0",
         "--timeout=600"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    ng = Ng(ng_port)
    end = time.time() + 10
    while True:
        if proc.poll() is not None:
            die("rtpengine exited at start (see rtpengine.log)")
        try:
            if ng.cmd({"command": "ping"}, 0.3, 1).get("result") == b"pong":
                break
        except RuntimeError:
            pass
        if time.time() > end:
            die("rtpengine does not answer ng ping")
    relay = []
    tag = random.randint(0, 1 << 30)
    for i, (a, b) in enumerate(eps):
        cid, ft, tt = "bench-%d-%d" % (tag, i), "a%d" % i, "b%d" % i
        r = ng.cmd({"command": "offer", "call-id": cid, "from-tag": ft,
                    "sdp": sdp(a, "a"), "replace": ["origin"]})
        if r.get("result") != b"ok":
            die("offer failed: %s" % r)
        rb = sdp_port(r["sdp"])  # B sends here
        r = ng.cmd({"command": "answer", "call-id": cid, "from-tag": ft,
                    "to-tag": tt, "sdp": sdp(b, "b"),
                    "replace": ["origin"]})
        if r.get("result") != b"ok":
            die("answer failed: %s" % r)
        relay.append((sdp_port(r["sdp"]), rb))  # A sends to the first

    def cleanup():
        for i in range(len(eps)):
            try:
                ng.cmd({"command": "delete",
                        "call-id": "bench-%d-%d" % (tag, i)}, 0.5, 1)
            except RuntimeError:
                pass
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        return ""
    return proc, relay, cleanup


def trunkd_setup(args, eps):
    """Start relay_host (trunkd's relay), add each call; returns (proc,
    relay ports, cleanup)."""
    proc = subprocess.Popen([args.relay_host, "--ports", args.ports],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    relay = []
    for a, b in eps:
        proc.stdin.write("%d %d\n" % (a, b))
        proc.stdin.flush()
        line = proc.stdout.readline().split()
        if len(line) != 3 or line[0] != "relay":
            die("relay_host: unexpected %r" % line)
        relay.append((int(line[1]), int(line[2])))
    proc.stdin.write("go\n")
    proc.stdin.flush()
    if not proc.stdout.readline().startswith("ok "):
        die("relay_host did not confirm the calls")

    def cleanup():
        proc.stdin.close()
        try:
            out = proc.stdout.read()
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            out = ""
        return out.strip()
    return proc, relay, cleanup


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", choices=("trunkd", "rtpengine"),
                    required=True)
    ap.add_argument("--rtpgen", required=True)
    ap.add_argument("--relay-host")
    ap.add_argument("--rtpengine", default="rtpengine")
    ap.add_argument("--ng-port", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--calls", type=int, default=100)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--pps", type=int, default=50)
    ap.add_argument("--ports", default="40000-44999")
    ap.add_argument("--tmp", default="/tmp")
    args = ap.parse_args()

    gen = subprocess.Popen([args.rtpgen, "--calls", str(args.calls),
                            "--seconds", str(args.seconds),
                            "--pps", str(args.pps)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           text=True)
    eps = []
    while True:
        line = gen.stdout.readline()
        if not line:
            die("rtpgen exited early")
        if line.startswith("ready"):
            break
        f = line.split()
        eps.append((int(f[1]), int(f[2])))
    if args.server == "trunkd":
        proc, relay, cleanup = trunkd_setup(args, eps)
    else:
        proc, relay, cleanup = rtpengine_setup(args, eps)
    try:
        for ra, rb in relay:
            gen.stdin.write("%d %d\n" % (ra, rb))
        gen.stdin.flush()
        if gen.stdout.readline().strip() != "start":
            die("rtpgen did not start")
        t0 = ticks(proc.pid)
        line = gen.stdout.readline().split()
        t1 = ticks(proc.pid)
        if len(line) != 3 or line[0] != "done":
            die("rtpgen failed: %r" % line)
        if proc.poll() is not None:
            die("%s died during the run" % args.server)
        sent, recv = int(line[1]), int(line[2])
    finally:
        gen.wait(10)
        extra = cleanup()
    ns = (t1 - t0) * 1e9 / HZ / recv if recv else float("nan")
    print("result server=%s calls=%d sent=%d recv=%d ticks=%d "
          "cpu_per_pkt_ns=%.0f %s" % (args.server, args.calls, sent, recv,
                                      t1 - t0, ns, extra))


if __name__ == "__main__":
    main()
