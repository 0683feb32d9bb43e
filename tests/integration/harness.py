"""Shared helpers for integration tests: start the real trunkd on free
loopback ports, talk SIP to it over real sockets, stop it and check it
exited cleanly. Python 3 standard library only."""
import os
import random
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("TRUNKD_BUILD_DIR",
                       os.path.join(os.path.dirname(__file__), "../../build"))
SHARED = os.environ.get("TRUNKD_SHARED_DIR",
                        os.path.join(os.path.dirname(__file__), "../../../shared"))


def free_port(kind=socket.SOCK_DGRAM, both=True):
    """A port free for UDP and TCP on 127.0.0.1."""
    for _ in range(200):
        port = random.randint(20000, 60000)
        socks = []
        try:
            for k in ((socket.SOCK_DGRAM, socket.SOCK_STREAM) if both
                      else (kind,)):
                s = socket.socket(socket.AF_INET, k)
                s.bind(("127.0.0.1", port))
                socks.append(s)
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port")


def rand_token(n=10):
    return "".join(random.choice(string.ascii_lowercase + string.digits)
                   for _ in range(n))


def options_request(port, transport="UDP", local_port=5099, call_id=None):
    call_id = call_id or rand_token(16)
    branch = "z9hG4bK" + rand_token(12)
    return (f"OPTIONS sip:trunkd@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/{transport} 127.0.0.1:{local_port};branch={branch};rport\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:probe@127.0.0.1>;tag={rand_token(8)}\r\n"
            f"To: <sip:trunkd@127.0.0.1>\r\n"
            f"Call-ID: {call_id}\r\n"
            f"CSeq: 1 OPTIONS\r\n"
            f"Content-Length: 0\r\n\r\n").encode()


def status_of(data):
    """Status code of a response, or None."""
    try:
        line = data.split(b"\r\n", 1)[0].decode("latin-1")
        if not line.startswith("SIP/2.0 "):
            return None
        return int(line.split(" ", 2)[1])
    except (ValueError, IndexError):
        return None


class Trunkd:
    """A running build/trunkd on free loopback ports."""

    def __init__(self, extra_args=(), env=None):
        self.sip_port = free_port()
        self.api_port = free_port(socket.SOCK_STREAM, both=False)
        # The sandbox's default (SIP port + 1000) could be another test's
        # port when tests run in parallel: give it a free one unless the
        # caller chose (subclasses set sandbox_port and pass --sandbox).
        own_sandbox = not any(a in ("--sandbox", "--no-sandbox")
                              for a in extra_args)
        if own_sandbox:
            self.sandbox_port = free_port()
        self.data = tempfile.mkdtemp(prefix="trunkd-test-")
        self.log_path = os.path.join(self.data, "trunkd.log")
        self.args = [os.path.join(BUILD, "trunkd"),
                     "--sip", f"127.0.0.1:{self.sip_port}",
                     "--api", f"127.0.0.1:{self.api_port}",
                     "--data", self.data,
                     *(["--sandbox", f"127.0.0.1:{self.sandbox_port}"]
                       if own_sandbox else []),
                     *extra_args]
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.proc = None

    def start(self, timeout=10.0):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdout=self.log,
                                     stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("trunkd exited at start:\n" + self.tail())
            if self.options_udp(timeout=0.3) == 200:
                return self
        raise RuntimeError("trunkd did not answer OPTIONS:\n" + self.tail())

    def tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def udp(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        return s

    def options_udp(self, timeout=2.0):
        s = self.udp()
        try:
            s.settimeout(timeout)
            lp = s.getsockname()[1]
            s.sendto(options_request(self.sip_port, "UDP", lp),
                     ("127.0.0.1", self.sip_port))
            data, _ = s.recvfrom(65535)
            return status_of(data)
        except socket.timeout:
            return None
        finally:
            s.close()

    def options_tcp(self, timeout=2.0):
        s = socket.create_connection(("127.0.0.1", self.sip_port), timeout)
        try:
            lp = s.getsockname()[1]
            s.sendall(options_request(self.sip_port, "TCP", lp))
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65535)
                if not chunk:
                    break
                data += chunk
            return status_of(data)
        except socket.timeout:
            return None
        finally:
            s.close()

    def stop(self):
        """SIGTERM; returns the exit code (must be 0 for a clean stop)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return "hung"
        self.log.close()
        return self.proc.returncode


class Results:
    """Counts checks and prints the closing 'N passed, N failed' line."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
            print(f"ok   {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}")
        sys.stdout.flush()
        return cond

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
