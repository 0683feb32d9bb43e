"""Helpers for the termination (B2BUA) integration tests: a trunkd with
known API credentials, REST set-up of trunks through the API, SIPp runs
and alert look-ups. Python 3 standard library only."""
import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import Trunkd, free_port, rand_token

ACC = "AC" + "0123456789abcdef" * 2
TOK = "Tok3n-for-tests-0123456789"
SIPP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "sipp")
A2010 = "/2010-04-01/Accounts/%s" % ACC


class TermTrunkd(Trunkd):
    """trunkd with fixed API credentials, its sandbox carrier on a free
    port, and REST helpers."""

    def __init__(self, extra_args=(), sandbox=True):
        self.sandbox_port = free_port()
        args = list(extra_args)
        if sandbox:
            args += ["--sandbox", f"127.0.0.1:{self.sandbox_port}"]
        else:
            args += ["--no-sandbox"]
        super().__init__(args, env={"TRUNKD_ACCOUNT_SID": ACC,
                                    "TRUNKD_AUTH_TOKEN": TOK})
        self.sid, self.tok = ACC, TOK

    def api(self, method, path, data=None, query=None, sid=None, tok=None):
        url = f"http://127.0.0.1:{self.api_port}{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        body = urllib.parse.urlencode(data).encode() if data else None
        r = urllib.request.Request(url, data=body, method=method)
        auth = "%s:%s" % (sid or self.sid, tok or self.tok)
        r.add_header("Authorization",
                     "Basic " + base64.b64encode(auth.encode()).decode())
        if body:
            r.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(r, timeout=10) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, json.loads(raw) if raw else None

    def must(self, method, path, data=None, sid=None, tok=None):
        st, body = self.api(method, path, data, sid=sid, tok=tok)
        if st not in (200, 201, 204):
            raise RuntimeError(f"{method} {path} {data}: {st} {body}")
        return body

    def trunk(self, domain, acl="127.0.0.1", creds=None, sid=None,
              tok=None, **fields):
        """Create a trunk with DomainName domain; acl: a CIDR to allow
        (None: no ACL); creds: (user, password) for a credential list;
        fields: other trunk fields (CpsLimit=..., Codecs=...). Returns
        the trunk sid."""
        acc = sid or self.sid
        base = "/2010-04-01/Accounts/%s" % acc
        data = {"FriendlyName": domain, "DomainName": domain}
        data.update({k: str(v) for k, v in fields.items()})
        tk = self.must("POST", "/v1/Trunks", data, sid, tok)["sid"]
        if acl:
            al = self.must("POST", base + "/SIP/IpAccessControlLists.json",
                           {"FriendlyName": "acl-" + rand_token(4)},
                           sid, tok)["sid"]
            ip, _, plen = acl.partition("/")
            d = {"FriendlyName": "ip", "IpAddress": ip}
            if plen:
                d["CidrPrefixLength"] = plen
            self.must("POST", base + "/SIP/IpAccessControlLists/%s/"
                      "IpAddresses.json" % al, d, sid, tok)
            self.must("POST", f"/v1/Trunks/{tk}/IpAccessControlLists",
                      {"IpAccessControlListSid": al}, sid, tok)
        if creds:
            cl = self.must("POST", base + "/SIP/CredentialLists.json",
                           {"FriendlyName": "cl-" + rand_token(4)},
                           sid, tok)["sid"]
            self.must("POST", base + "/SIP/CredentialLists/%s/"
                      "Credentials.json" % cl,
                      {"Username": creds[0], "Password": creds[1]},
                      sid, tok)
            self.must("POST", f"/v1/Trunks/{tk}/CredentialLists",
                      {"CredentialListSid": cl}, sid, tok)
        self.settle()
        return tk

    def policy(self, targets, trunk=None):
        """A connection policy with targets [(uri, priority, weight)],
        assigned to trunk when given. Returns its sid."""
        ny = self.must("POST", "/v1/ConnectionPolicies",
                       {"FriendlyName": "carriers-" + rand_token(4)})["sid"]
        for uri, prio, weight in targets:
            self.must("POST", f"/v1/ConnectionPolicies/{ny}/Targets",
                      {"Target": uri, "Priority": str(prio),
                       "Weight": str(weight), "Enabled": "true",
                       "FriendlyName": "t"})
        if trunk:
            self.must("POST", "/v1/Trunks/" + trunk,
                      {"ConnectionPolicySid": ny})
        self.settle()
        return ny

    def settle(self):
        """Let the snapshot publisher pick up configuration writes."""
        time.sleep(0.3)

    def alerts(self, code=None, wait=3.0, sid=None, tok=None):
        """Alerts (newest first), filtered by error code; waits up to
        wait seconds for at least one to appear."""
        deadline = time.time() + wait
        while True:
            st, body = self.api("GET", "/v1/Alerts", query={"PageSize": 100},
                                sid=sid, tok=tok)
            items = (body or {}).get("alerts", []) if st == 200 else []
            if code is not None:
                items = [a for a in items
                         if str(a.get("error_code")) == str(code)]
            if items or time.time() >= deadline:
                return items
            time.sleep(0.2)


def sipp(scenario, target, service="+14155550100", transport="u1",
         keys=None, sets=None, calls=1, timeout=20, extra=(), trace=None,
         wait=True):
    """Run SIPp with scenario (a file name in tests/sipp) against
    target "host:port". Returns (returncode, output) or, with
    wait=False, the Popen object."""
    args = ["sipp", "-sf", os.path.join(SIPP_DIR, scenario), "-t", transport,
            "-m", str(calls), "-r", "10", "-i", "127.0.0.1",
            "-p", str(free_port()),
            "-s", service, "-nostdin", "-timeout", str(timeout),
            "-timeout_error", "-max_recv_loops", "100", "-default_behaviors",
            "all,-bye"]
    for k, v in (keys or {}).items():
        args += ["-key", k, str(v)]
    for k, v in (sets or {}).items():
        args += ["-set", k, str(v)]
    if trace:
        args += ["-trace_msg", "-message_file", trace]
    args += list(extra)
    if target:
        args.append(target)
    if not wait:
        return subprocess.Popen(args, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout + 30)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def sipp_uas(scenario, port, transport="u1", calls=1, timeout=30,
             keys=None, sets=None, trace=None):
    """A SIPp carrier (server) on 127.0.0.1:port; returns Popen."""
    args = ["sipp", "-sf", os.path.join(SIPP_DIR, scenario), "-t", transport,
            "-i", "127.0.0.1", "-p", str(port), "-m", str(calls),
            "-nostdin", "-timeout", str(timeout), "-timeout_error"]
    for k, v in (keys or {}).items():
        args += ["-key", k, str(v)]
    for k, v in (sets or {}).items():
        args += ["-set", k, str(v)]
    if trace:
        args += ["-trace_msg", "-message_file", trace]
    return subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def finish_proc(p, timeout=40):
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    return p.returncode, out.decode("utf-8", "replace")
