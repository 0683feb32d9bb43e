#!/usr/bin/env python3
"""trunkctl against the real API server.

Starts build/trunkd-api (or build/trunkd) from TRUNKD_BUILD_DIR on a free
127.0.0.1 port with a temporary --data dir, lets it generate the bootstrap
credentials (DIR/credentials), and runs every trunkctl command group
against it: create/list/show/update/delete where the API has them, table
and --json output, pagination, and at least one error case per group
(exit status 1 and the API's message and code on stderr).
"""
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

SRC = os.environ.get("TRUNKD_SOURCE_DIR",
                     os.path.dirname(os.path.dirname(
                         os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("TRUNKD_BUILD_DIR", os.path.join(SRC, "build"))
TRUNKCTL = os.path.join(BUILD, "trunkctl")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def server_cmd(port, data):
    api = os.path.join(BUILD, "trunkd-api")
    if os.access(api, os.X_OK):
        return [api, "--api", "127.0.0.1:%d" % port, "--data", data]
    daemon = os.path.join(BUILD, "trunkd")
    return [daemon, "--api", "127.0.0.1:%d" % port, "--data", data,
            "--sip", "127.0.0.1:%d" % free_port(), "--no-sandbox"]


class Server:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="test_trunkctl.")
        self.data = os.path.join(self.tmp, "var")
        self.port = free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("TRUNKD_")}
        self.log = open(os.path.join(self.tmp, "server.log"), "w+")
        self.proc = subprocess.Popen(server_cmd(self.port, self.data),
                                     stdout=self.log, stderr=self.log,
                                     env=env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port),
                                         0.2).close()
                if os.path.exists(os.path.join(self.data, "credentials")):
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.log.seek(0)
        raise RuntimeError("API server did not start: " + self.log.read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


SRV = None


def ctl(*args, env_extra=None, use_data=True, api=True):
    """Run trunkctl; returns (exit status, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TRUNKD_")}
    if api:
        env["TRUNKD_API"] = "127.0.0.1:%d" % SRV.port
    if env_extra:
        env.update(env_extra)
    argv = [TRUNKCTL]
    if use_data:
        argv += ["--data", SRV.data]
    argv += [str(a) for a in args]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                       env=env)
    return p.returncode, p.stdout, p.stderr


def ok(*args, **kw):
    rc, out, err = ctl(*args, **kw)
    if rc != 0:
        raise AssertionError("trunkctl %s: exit %d\n%s%s" %
                             (" ".join(map(str, args)), rc, out, err))
    return out


def js(*args):
    return json.loads(ok(*args, "--json"))


def fails(tc, args, code=None, rc_want=1, text=None):
    rc, out, err = ctl(*args)
    tc.assertEqual(rc, rc_want, "%s: %s%s" % (args, out, err))
    tc.assertTrue(err.startswith("error: "), err)
    if code is not None:
        tc.assertIn("(code %d," % code, err)
    if text is not None:
        tc.assertIn(text, err)
    return err


def sid_of(out):
    m = re.search(r"^sid\s+(\S+)$", out, re.M)
    assert m, out
    return m.group(1)


def read_credentials():
    with open(os.path.join(SRV.data, "credentials")) as f:
        return dict(ln.split("=", 1) for ln in f.read().split())


def table_rows(out):
    lines = out.rstrip("\n").split("\n")
    return lines[0].split(), [ln for ln in lines[1:]]


class TestTrunkctl(unittest.TestCase):
    def test_help(self):
        out = ok("--help", use_data=False)
        self.assertIn("groups:", out)
        for g in ["trunks", "origination-urls", "ip-acls",
                  "credential-lists", "numbers", "caller-ids", "accounts",
                  "connection-policies", "dialing-permissions",
                  "deny-list", "alerts", "alarms"]:
            self.assertIn(g, out)
            gout = ok(g, "--help", use_data=False)
            self.assertIn("commands:", gout)
            self.assertIn("show", gout)
        out = ok("origination-urls", "create", "--help", use_data=False)
        self.assertIn("--url VALUE", out)
        self.assertIn("SipUrl", out)
        rc, out, err = ctl("trunks", use_data=False)
        self.assertEqual(rc, 2)
        rc, out, err = ctl("nosuch", "list")
        self.assertEqual(rc, 2)
        self.assertIn("unknown group", err)
        rc, out, err = ctl("trunks", "frobnicate")
        self.assertEqual(rc, 2)
        self.assertIn("unknown command", err)

    def test_credentials_sources(self):
        cred = read_credentials()
        # environment only
        out = ok("accounts", "list", use_data=False,
                 env_extra={"TRUNKD_ACCOUNT_SID": cred["TRUNKD_ACCOUNT_SID"],
                            "TRUNKD_AUTH_TOKEN": cred["TRUNKD_AUTH_TOKEN"]})
        self.assertIn(cred["TRUNKD_ACCOUNT_SID"], out)
        # flags, including --api with a URL
        out = ok("--api", "http://127.0.0.1:%d/" % SRV.port,
                 "--account-sid", cred["TRUNKD_ACCOUNT_SID"],
                 "--auth-token", cred["TRUNKD_AUTH_TOKEN"],
                 "accounts", "show", cred["TRUNKD_ACCOUNT_SID"],
                 use_data=False, api=False)
        self.assertIn("status", out)
        # a flag beats the file: wrong token -> the API's 401
        fails(self, ["--auth-token", "wrong", "accounts", "list"],
              code=20003)
        # no credentials anywhere -> usage error
        rc, out, err = ctl("--data", SRV.tmp + "/none", "trunks", "list",
                           use_data=False)
        self.assertEqual(rc, 2)
        self.assertIn("no credentials", err)
        # nothing listening -> 3
        rc, out, err = ctl("--api", "127.0.0.1:%d" % free_port(),
                           "trunks", "list")
        self.assertEqual(rc, 3)
        self.assertIn("cannot reach", err)

    def test_trunks(self):
        out = ok("trunks", "create", "--name", "acme", "--domain",
                 "acme.example.net", "--cps", "5")
        tk = sid_of(out)
        self.assertTrue(tk.startswith("TK"))
        self.assertRegex(out, r"(?m)^domain_name\s+acme.example.net$")
        self.assertRegex(out, r"(?m)^cps_limit\s+5$")
        head, rows = table_rows(ok("trunks", "list"))
        self.assertEqual(head, ["SID", "FRIENDLY_NAME", "DOMAIN_NAME",
                                "SECURE", "DATE_CREATED"])
        self.assertTrue(any(r.startswith(tk) and "acme.example.net" in r
                            for r in rows))
        j = js("trunks", "show", tk)
        self.assertEqual(j["friendly_name"], "acme")
        ok("trunks", "update", tk, "--name", "acme2", "--secure")
        j = js("trunks", "show", tk)
        self.assertEqual(j["friendly_name"], "acme2")
        self.assertIs(j["secure"], True)
        ok("trunks", "update", tk, "--secure=false")
        self.assertIs(js("trunks", "show", tk)["secure"], False)
        fails(self, ["trunks", "create", "--domain", "bad domain"],
              code=21232)
        # the domain is taken
        fails(self, ["trunks", "create", "--domain", "acme.example.net"],
              code=21248)
        fails(self, ["trunks", "create", "--cps", "many"], rc_want=2,
              text="--cps wants a number")

        # associations: ACL, credential list, number
        acl = sid_of(ok("ip-acls", "create", "--name", "pbx"))
        ok("trunks", "add-acl", tk, acl)
        out = ok("trunks", "list-acls", tk)
        self.assertIn(acl, out)
        cl = sid_of(ok("credential-lists", "create", "--name", "tk"))
        ok("trunks", "add-credential-list", tk, cl)
        self.assertIn(cl, ok("trunks", "list-credential-lists", tk))
        pn = sid_of(ok("numbers", "create", "--number", "+15550001111"))
        ok("trunks", "add-number", tk, pn)
        self.assertIn("+15550001111", ok("trunks", "list-numbers", tk))
        self.assertIn("deleted " + pn, ok("trunks", "remove-number", tk, pn))
        ok("trunks", "remove-credential-list", tk, cl)
        out = ok("trunks", "remove-acl", tk, acl)
        self.assertEqual(out, "deleted %s\n" % acl)
        self.assertNotIn(acl, ok("trunks", "list-acls", tk))
        fails(self, ["trunks", "add-acl", tk,
                     "AL" + "0" * 32], code=None)

        # --sid prints the sid alone, for scripts
        out = ok("trunks", "create", "--domain", "sid.example.net", "--sid")
        self.assertRegex(out, r"^TK[0-9a-f]{32}\n$")
        self.assertEqual(ok("trunks", "show", out.strip(), "--sid"), out)
        ok("trunks", "delete", out.strip())

        self.assertEqual(ok("trunks", "delete", tk), "deleted %s\n" % tk)
        fails(self, ["trunks", "show", tk], code=20404)
        fails(self, ["trunks", "delete", tk], code=20404)

    def test_origination_urls(self):
        tk = sid_of(ok("trunks", "create", "--name", "o",
                       "--domain", "o.example.net"))
        out = ok("origination-urls", "create", tk, "--url",
                 "sip:pbx.example.com", "--priority", "5")
        ou = sid_of(out)
        self.assertRegex(out, r"(?m)^priority\s+5$")
        self.assertRegex(out, r"(?m)^weight\s+10$")
        self.assertRegex(out, r"(?m)^friendly_name\s+sip:pbx.example.com$")
        head, rows = table_rows(ok("origination-urls", "list", tk))
        self.assertEqual(head[:3], ["SID", "FRIENDLY_NAME", "SIP_URL"])
        self.assertEqual(len(rows), 1)
        ok("origination-urls", "update", tk, ou, "--weight", "20",
           "--enabled", "false")
        j = js("origination-urls", "show", tk, ou)
        self.assertEqual(j["weight"], 20)
        self.assertIs(j["enabled"], False)
        fails(self, ["origination-urls", "create", tk, "--url",
                     "http://not-sip"], code=21245)
        fails(self, ["origination-urls", "create", tk], rc_want=2,
              text="--url is required")
        ok("origination-urls", "delete", tk, ou)
        fails(self, ["origination-urls", "show", tk, ou], code=20404)
        ok("trunks", "delete", tk)

    def test_ip_acls_and_pagination(self):
        acl = sid_of(ok("ip-acls", "create", "--name", "office"))
        out = ok("ip-acls", "add-address", acl, "--ip", "203.0.113.5")
        ip = sid_of(out)
        self.assertRegex(out, r"(?m)^cidr_prefix_length\s+32$")
        ok("ip-acls", "add-address", acl, "--ip", "198.51.100.0",
           "--prefix", "24", "--name", "lan")
        head, rows = table_rows(ok("ip-acls", "list-addresses", acl))
        self.assertEqual(head, ["SID", "FRIENDLY_NAME", "IP_ADDRESS",
                                "CIDR_PREFIX_LENGTH"])
        self.assertEqual(len(rows), 2)
        ok("ip-acls", "update-address", acl, ip, "--prefix", "30")
        self.assertEqual(js("ip-acls", "show-address", acl,
                            ip)["cidr_prefix_length"], 30)
        fails(self, ["ip-acls", "add-address", acl, "--ip", "300.1.1.1"],
              code=21234)
        ok("ip-acls", "remove-address", acl, ip)
        ok("ip-acls", "update", acl, "--name", "office2")
        self.assertEqual(js("ip-acls", "show", acl)["friendly_name"],
                         "office2")

        # 2010-04-01 pagination (next_page_uri)
        made = [sid_of(ok("ip-acls", "create", "--name", "p%d" % i))
                for i in range(5)]
        all_ = js("ip-acls", "list", "--page-size", "2", "--limit", "0")
        sids = [a["sid"] for a in all_["ip_access_control_lists"]]
        for s in made + [acl]:
            self.assertIn(s, sids)
        self.assertEqual(len(sids), len(set(sids)))
        three = js("ip-acls", "list", "--page-size", "2", "--limit", "3")
        self.assertEqual(len(three["ip_access_control_lists"]), 3)
        for s in made:
            ok("ip-acls", "delete", s)
        ok("ip-acls", "delete", acl)
        fails(self, ["ip-acls", "show", acl], code=20404)

    def test_credential_lists(self):
        cl = sid_of(ok("credential-lists", "create", "--name", "staff"))
        cr = sid_of(ok("credential-lists", "add-credential", cl,
                       "--username", "alice", "--password",
                       "Secret123456x"))
        head, rows = table_rows(ok("credential-lists", "list-credentials",
                                   cl))
        self.assertEqual(head, ["SID", "USERNAME", "DATE_CREATED"])
        self.assertIn("alice", rows[0])
        out = ok("credential-lists", "show-credential", cl, cr)
        self.assertNotIn("Secret123456x", out)
        ok("credential-lists", "update-credential", cl, cr, "--password",
           "Other123456xy")
        fails(self, ["credential-lists", "add-credential", cl,
                     "--username", "bob", "--password", "weak"],
              code=21224)
        fails(self, ["credential-lists", "add-credential", cl,
                     "--username", "alice", "--password",
                     "Secret123456x"], code=20409)
        ok("credential-lists", "remove-credential", cl, cr)
        ok("credential-lists", "update", cl, "--name", "staff2")
        self.assertIn("staff2", ok("credential-lists", "list"))
        ok("credential-lists", "delete", cl)
        fails(self, ["credential-lists", "show", cl], code=20404)

    def test_numbers_and_caller_ids(self):
        pn = sid_of(ok("numbers", "create", "--number", "+15551234567",
                       "--name", "main"))
        head, rows = table_rows(ok("numbers", "list", "--number",
                                   "+15551234567"))
        self.assertEqual(head, ["SID", "PHONE_NUMBER", "FRIENDLY_NAME",
                                "TRUNK_SID"])
        self.assertEqual(len(rows), 1)
        ok("numbers", "update", pn, "--name", "sales")
        self.assertEqual(js("numbers", "show", pn)["friendly_name"],
                         "sales")
        fails(self, ["numbers", "create", "--number", "5551234"],
              code=21421)
        fails(self, ["numbers", "create", "--number", "+15551234567"],
              code=20409)
        ok("numbers", "delete", pn)
        fails(self, ["numbers", "show", pn], code=20404)

        cid = sid_of(ok("caller-ids", "create", "--number", "+15557654321",
                        "--name", "me"))
        self.assertIn("+15557654321", ok("caller-ids", "list"))
        ok("caller-ids", "update", cid, "--name", "me2")
        self.assertEqual(js("caller-ids", "show", cid)["friendly_name"],
                         "me2")
        fails(self, ["caller-ids", "create", "--number", "abc"],
              code=21421)
        ok("caller-ids", "delete", cid)
        fails(self, ["caller-ids", "delete", cid], code=20404)

    def test_accounts(self):
        out = ok("accounts", "create", "--name", "sub1")
        ac = sid_of(out)
        self.assertTrue(ac.startswith("AC"))
        self.assertIn(ac, ok("accounts", "list"))
        ok("accounts", "update", ac, "--status", "suspended")
        self.assertEqual(js("accounts", "show", ac)["status"], "suspended")
        fails(self, ["accounts", "update", ac, "--status", "bogus"])
        fails(self, ["accounts", "show", "AC" + "f" * 32], code=20404)

    def test_connection_policies(self):
        ny = sid_of(ok("connection-policies", "create", "--name", "carr"))
        ne = sid_of(ok("connection-policies", "add-target", ny, "--target",
                       "sip:gw.example.net:5060", "--priority", "1"))
        head, rows = table_rows(ok("connection-policies", "list-targets",
                                   ny))
        self.assertEqual(head[:3], ["SID", "FRIENDLY_NAME", "TARGET"])
        self.assertIn("sip:gw.example.net:5060", rows[0])
        ok("connection-policies", "update-target", ny, ne, "--weight", "7")
        self.assertEqual(js("connection-policies", "show-target", ny,
                            ne)["weight"], 7)
        fails(self, ["connection-policies", "add-target", ny, "--target",
                     "nonsense"], code=21245)
        ok("connection-policies", "remove-target", ny, ne)
        ok("connection-policies", "update", ny, "--name", "carr2")
        self.assertEqual(js("connection-policies", "show",
                            ny)["friendly_name"], "carr2")
        self.assertIn("carr2", ok("connection-policies", "list"))
        ok("connection-policies", "delete", ny)
        fails(self, ["connection-policies", "show", ny], code=20404)

    def test_dialing_permissions(self):
        # the request trunkctl builds (Twilio's BulkCountryUpdates shape)
        out = ok("--dry-run", "dialing-permissions", "update", "DE",
                 "--low-risk", "--high-risk-special", "false")
        self.assertIn("POST http://127.0.0.1:%d/v1/DialingPermissions/"
                      "BulkCountryUpdates" % SRV.port, out)
        body = out.split("\n", 1)[1].strip()
        self.assertTrue(body.startswith("UpdateRequest="))
        upd = json.loads(body[len("UpdateRequest="):])
        self.assertEqual(upd, [{"iso_code": "DE",
                                "low_risk_numbers_enabled": True,
                                "high_risk_special_numbers_enabled":
                                    False}])
        # an unknown country is an API error, printed with its code
        fails(self, ["dialing-permissions", "show", "XX"], code=20404)
        fails(self, ["dialing-permissions", "show", "../x"], rc_want=2,
              text="invalid ISO_CODE")

    def test_deny_list_and_v1_pagination(self):
        made = [sid_of(ok("deny-list", "create", "--prefix", "+1900%d" % i,
                          "--name", "premium"))
                for i in range(5)]
        head, rows = table_rows(ok("deny-list", "list"))
        self.assertEqual(head, ["SID", "PREFIX", "FRIENDLY_NAME",
                                "DATE_CREATED"])
        # v1 pagination (meta.next_page_url)
        all_ = js("deny-list", "list", "--page-size", "2", "--limit", "0")
        sids = [d["sid"] for d in all_["deny_list"]]
        for s in made:
            self.assertIn(s, sids)
        self.assertEqual(len(sids), len(set(sids)))
        two = js("deny-list", "list", "--page-size", "2", "--limit", "2")
        self.assertEqual(len(two["deny_list"]), 2)
        ok("deny-list", "update", made[0], "--name", "fraud")
        self.assertEqual(js("deny-list", "show", made[0])["friendly_name"],
                         "fraud")
        fails(self, ["deny-list", "create", "--prefix", "1900"],
              code=21421)
        for s in made:
            ok("deny-list", "delete", s)
        fails(self, ["deny-list", "show", made[0]], code=20404)

    def test_alerts(self):
        # alerts are written by the SIP side through the store; put two
        # there directly, as the alert writer would
        cred = read_credentials()
        ac = cred["TRUNKD_ACCOUNT_SID"]
        now = int(time.time())
        trace = json.dumps([{
            "time": "2024-01-01T00:00:00.000Z", "time_ms": 0, "leg": "A",
            "direction": "received", "src": "203.0.113.5:5060",
            "dst": "127.0.0.1:5060",
            "message": "INVITE sip:+15551234567@t SIP/2.0\r\n\r\n"}])
        db = sqlite3.connect(os.path.join(SRV.data, "trunkd.db"),
                             timeout=10)
        rows = [("NO" + "a" * 32, "32201", "error", now - 60,
                 "sipCallId=c1&responseCode=403&sourceIp=203.0.113.5"),
                ("NO" + "b" * 32, "32105", "warning", now - 30,
                 "sipCallId=c2"),
                ("NO" + "c" * 32, "32202", "error", now - 3 * 86400,
                 "sipCallId=c3")]
        for sid, code, lvl, t, text in rows:
            db.execute(
                "INSERT INTO alerts (sid, account_sid, error_code,"
                " log_level, alert_text, sip_trace, diagnosis, evidence,"
                " date_generated, date_created, date_updated)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (sid, ac, code, lvl, text, trace,
                 "The source IP is in no ACL. Fix: add it.",
                 "Via: SIP/2.0/UDP 203.0.113.5", t, t, t))
        db.commit()
        db.close()

        head, rows_ = table_rows(ok("alerts", "list", "--level", "error",
                                    "--since", "1h"))
        self.assertEqual(head, ["SID", "DATE_GENERATED", "ERROR_CODE",
                                "LOG_LEVEL", "RESOURCE_SID", "ALERT_TEXT"])
        self.assertEqual(len(rows_), 1, rows_)
        self.assertIn("32201", rows_[0])
        j = js("alerts", "list", "--since", "2d")
        self.assertEqual(sorted(a["error_code"] for a in j["alerts"]),
                         ["32105", "32201"])
        j = js("alerts", "list", "--code", "32202")
        self.assertEqual(len(j["alerts"]), 1)
        out = ok("alerts", "show", "NO" + "a" * 32)
        self.assertRegex(out, r"(?m)^error_code\s+32201$")
        self.assertIn("sip_trace:\n  --- 2024-01-01T00:00:00.000Z leg A "
                      "received 203.0.113.5:5060 -> 127.0.0.1:5060\n"
                      "    INVITE sip:+15551234567@t SIP/2.0\n", out)
        fails(self, ["alerts", "list", "--since", "yesterday"], rc_want=2)
        fails(self, ["alerts", "list", "--level", "loud"])
        ok("alerts", "delete", "NO" + "a" * 32)
        fails(self, ["alerts", "show", "NO" + "a" * 32], code=20404)

    def test_alarms(self):
        out = ok("alarms", "create", "--name", "acl", "--query",
                 "ErrorCode=32201", "--threshold", "5", "--window", "300",
                 "--email", "ops@example.com")
        ax = sid_of(out)
        self.assertRegex(out, r"(?m)^triggerValue\s+5$")
        head, rows = table_rows(ok("alarms", "list"))
        self.assertEqual(head[:3], ["SID", "FRIENDLYNAME", "QUERY"])
        self.assertTrue(any(ax in r for r in rows))
        ok("alarms", "update", ax, "--threshold", "9")
        self.assertEqual(js("alarms", "show", ax)["triggerValue"], 9)
        fails(self, ["alarms", "create", "--name", "x", "--query", "q",
                     "--window", "5"])
        ok("alarms", "delete", ax)
        fails(self, ["alarms", "show", ax], code=20404)


def main():
    global SRV
    if not os.access(TRUNKCTL, os.X_OK):
        print("missing %s" % TRUNKCTL)
        return 1
    SRV = Server()
    try:
        r = unittest.main(argv=[sys.argv[0], "-v"], exit=False)
        return 0 if r.result.wasSuccessful() else 1
    finally:
        SRV.stop()


if __name__ == "__main__":
    sys.exit(main())
