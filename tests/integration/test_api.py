#!/usr/bin/env python3
"""REST API checks against build/trunkd-api on 127.0.0.1 (port 0):
every resource, validation codes, pagination, tenancy, persistence across
a restart (including kill -9)."""
import base64, json, os, signal, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request

BUILD = os.environ.get("TRUNKD_BUILD_DIR", "build")
BIN = os.path.join(BUILD, "trunkd-api")
ACC = "AC" + "0123456789abcdef" * 2
TOK = "Tok3n-for-tests-0123456789"
failures = []
passed = 0


def start(data, env_creds=True):
    env = dict(os.environ)
    env.pop("TRUNKD_ACCOUNT_SID", None)
    env.pop("TRUNKD_AUTH_TOKEN", None)
    if env_creds:
        env["TRUNKD_ACCOUNT_SID"] = ACC
        env["TRUNKD_AUTH_TOKEN"] = TOK
    p = subprocess.Popen([BIN, "--api", "127.0.0.1:0", "--data", data],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         env=env, text=True)
    lines = []
    while True:
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("trunkd-api died: %s" % lines)
        lines.append(line)
        if line.startswith("listening "):
            return p, int(line.split()[1]), lines


class Api:
    def __init__(self, port, sid=ACC, tok=TOK):
        self.base = "http://127.0.0.1:%d" % port
        self.auth = "Basic " + base64.b64encode(
            ("%s:%s" % (sid, tok)).encode()).decode()

    def req(self, method, path, data=None, query=None, auth=True):
        url = self.base + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        body = urllib.parse.urlencode(data).encode() if data else None
        r = urllib.request.Request(url, data=body, method=method)
        if auth:
            r.add_header("Authorization", self.auth)
        if body:
            r.add_header("Content-Type",
                         "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(r, timeout=10) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, json.loads(raw) if raw else None


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append("%s %s" % (name, detail))
        print("FAIL:", name, detail)


def expect(name, got, status, code=None):
    st, body = got
    ok = st == status and (code is None or (body or {}).get("code") == code)
    check(name, ok, "got %s %s" % (st, body))
    return body


def main():
    tmp = tempfile.mkdtemp(prefix="trunkd-api-")
    p, port, _ = start(tmp)
    a = Api(port)
    A2010 = "/2010-04-01/Accounts/%s" % ACC
    try:
        # auth
        expect("no auth", a.req("GET", "/v1/Trunks", auth=False), 401, 20003)
        bad = Api(port, ACC, "wrong-token-xxxxxxxx")
        e = expect("bad token", bad.req("GET", "/v1/Trunks"), 401, 20003)
        check("error shape", e and set(e) >= {"code", "message",
                                             "more_info", "status"})
        # trunks
        t = expect("trunk create", a.req("POST", "/v1/Trunks", {
            "FriendlyName": "pbx", "DomainName": "PBX.example.com"}), 201)
        tk = t["sid"]
        check("trunk sid", tk.startswith("TK") and len(tk) == 34)
        check("trunk domain lowercased", t["domain_name"] == "pbx.example.com")
        check("trunk defaults", t["cps_limit"] == 1 and
              t["concurrent_calls_limit"] == 0 and t["codecs"] == "PCMU")
        check("trunk iso date", t["date_created"].endswith("Z"))
        expect("trunk dup domain", a.req("POST", "/v1/Trunks", {
            "DomainName": "pbx.example.com"}), 400, 21248)
        expect("trunk bad domain", a.req("POST", "/v1/Trunks", {
            "DomainName": "bad_domain..x"}), 400, 21232)
        expect("trunk bad cps", a.req("POST", "/v1/Trunks", {
            "CpsLimit": "0"}), 400, 21245)
        expect("trunk bad codecs", a.req("POST", "/v1/Trunks", {
            "Codecs": "FOO"}), 400, 21245)
        expect("trunk bad bool", a.req("POST", "/v1/Trunks", {
            "Secure": "maybe"}), 400, 21245)
        u = expect("trunk update", a.req("POST", "/v1/Trunks/" + tk, {
            "CpsLimit": "25", "ConcurrentCallsLimit": "10",
            "Codecs": "PCMU,PCMA", "SymmetricRtpEnabled": "true"}), 200)
        check("trunk updated", u and u["cps_limit"] == 25 and
              u["symmetric_rtp_enabled"] is True)
        expect("trunk fetch", a.req("GET", "/v1/Trunks/" + tk), 200)
        expect("trunk 404", a.req("GET", "/v1/Trunks/TK" + "0" * 32), 404,
               20404)
        # recording
        expect("recording get", a.req("GET", "/v1/Trunks/%s/Recording" % tk),
               200)
        r = expect("recording set", a.req(
            "POST", "/v1/Trunks/%s/Recording" % tk,
            {"Mode": "record-from-answer"}), 200)
        check("recording mode", r and r["mode"] == "record-from-answer")
        expect("recording bad", a.req("POST", "/v1/Trunks/%s/Recording" % tk,
                                      {"Mode": "x"}), 400, 21245)
        # origination urls
        ou = expect("ou create", a.req(
            "POST", "/v1/Trunks/%s/OriginationUrls" % tk,
            {"FriendlyName": "o", "SipUrl": "sip:pbx.example.com:5060",
             "Priority": "10", "Weight": "10", "Enabled": "true"}), 201)
        expect("ou missing", a.req(
            "POST", "/v1/Trunks/%s/OriginationUrls" % tk,
            {"FriendlyName": "o", "SipUrl": "sip:x"}), 400, 20001)
        expect("ou bad url", a.req(
            "POST", "/v1/Trunks/%s/OriginationUrls" % tk,
            {"FriendlyName": "o", "SipUrl": "http://x", "Priority": "1",
             "Weight": "1", "Enabled": "true"}), 400, 21245)
        expect("ou bad weight", a.req(
            "POST", "/v1/Trunks/%s/OriginationUrls" % tk,
            {"FriendlyName": "o", "SipUrl": "sip:x", "Priority": "1",
             "Weight": "70000", "Enabled": "true"}), 400, 21245)
        expect("ou update", a.req("POST", "/v1/Trunks/%s/OriginationUrls/%s"
                                  % (tk, ou["sid"]), {"Weight": "20"}), 200)
        # credential lists + credentials
        cl = expect("cl create", a.req("POST", A2010 +
                                       "/SIP/CredentialLists.json",
                                       {"FriendlyName": "creds"}), 201)
        check("cl rfc2822", cl["date_created"].endswith("+0000"))
        cpath = A2010 + "/SIP/CredentialLists/%s/Credentials.json" % cl["sid"]
        cr = expect("cred create", a.req("POST", cpath, {
            "Username": "alice", "Password": "Passw0rdIsLong"}), 201)
        check("no password returned", cr and "password" not in cr and
              "ha1_md5" not in cr)
        expect("cred short pw", a.req("POST", cpath, {
            "Username": "bob", "Password": "Sh0rt"}), 400, 21224)
        expect("cred no digit", a.req("POST", cpath, {
            "Username": "bob", "Password": "NoDigitsHereAtAll"}), 400, 21224)
        expect("cred no upper", a.req("POST", cpath, {
            "Username": "bob", "Password": "nouppercase1234"}), 400, 21224)
        expect("cred bad user", a.req("POST", cpath, {
            "Username": "bad user!", "Password": "Passw0rdIsLong"}), 400,
            21222)
        expect("cred dup user", a.req("POST", cpath, {
            "Username": "alice", "Password": "Passw0rdIsLong"}), 409)
        expect("cred pw update", a.req(
            "POST", cpath[:-5] + "/%s.json" % cr["sid"],
            {"Password": "An0therGoodOne"}), 200)
        expect("trunk cl assoc", a.req(
            "POST", "/v1/Trunks/%s/CredentialLists" % tk,
            {"CredentialListSid": cl["sid"]}), 201)
        # ip acl
        acl = expect("acl create", a.req(
            "POST", A2010 + "/SIP/IpAccessControlLists.json",
            {"FriendlyName": "office"}), 201)
        ipath = A2010 + "/SIP/IpAccessControlLists/%s/IpAddresses.json" % \
            acl["sid"]
        ip4 = expect("ip v4", a.req("POST", ipath, {
            "FriendlyName": "a", "IpAddress": "192.0.2.0",
            "CidrPrefixLength": "24"}), 201)
        ip6 = expect("ip v6", a.req("POST", ipath, {
            "FriendlyName": "b", "IpAddress": "2001:db8::1"}), 201)
        check("ip6 default prefix", ip6 and ip6["cidr_prefix_length"] == 128)
        check("ip4 prefix", ip4 and ip4["cidr_prefix_length"] == 24)
        expect("ip bad", a.req("POST", ipath, {
            "FriendlyName": "c", "IpAddress": "300.1.1.1"}), 400, 21234)
        expect("ip bad prefix", a.req("POST", ipath, {
            "FriendlyName": "c", "IpAddress": "10.0.0.1",
            "CidrPrefixLength": "33"}), 400, 21234)
        ta = expect("trunk acl assoc", a.req(
            "POST", "/v1/Trunks/%s/IpAccessControlLists" % tk,
            {"IpAccessControlListSid": acl["sid"]}), 201)
        check("assoc sid", ta and ta["sid"] == acl["sid"])
        t2 = a.req("GET", "/v1/Trunks/" + tk)[1]
        check("auth_type", t2["auth_type"] == "CREDENTIAL_LIST,IP_ACL",
              t2["auth_type"])
        # numbers
        pn = expect("ipn create", a.req(
            "POST", A2010 + "/IncomingPhoneNumbers.json",
            {"PhoneNumber": "+15005550100"}), 201)
        expect("ipn bad", a.req("POST", A2010 + "/IncomingPhoneNumbers.json",
                                {"PhoneNumber": "5005550100"}), 400, 21421)
        expect("ipn dup", a.req("POST", A2010 + "/IncomingPhoneNumbers.json",
                                {"PhoneNumber": "+15005550100"}), 409)
        tp = expect("trunk pn assoc", a.req(
            "POST", "/v1/Trunks/%s/PhoneNumbers" % tk,
            {"PhoneNumberSid": pn["sid"]}), 201)
        check("trunk pn", tp and tp["trunk_sid"] == tk)
        lst = a.req("GET", "/v1/Trunks/%s/PhoneNumbers" % tk)[1]
        check("trunk pn list", len(lst["phone_numbers"]) == 1)
        expect("caller id", a.req("POST", A2010 + "/OutgoingCallerIds.json",
                                  {"PhoneNumber": "+14155550100"}), 201)
        expect("caller id bad", a.req(
            "POST", A2010 + "/OutgoingCallerIds.json",
            {"PhoneNumber": "+0123"}), 400, 21421)
        # connection policies
        pols = a.req("GET", "/v1/ConnectionPolicies")[1]
        check("default policy", len(pols["connection_policies"]) == 1)
        pol = expect("policy create", a.req("POST", "/v1/ConnectionPolicies",
                                            {"FriendlyName": "carriers"}), 201)
        tg = expect("target create", a.req(
            "POST", "/v1/ConnectionPolicies/%s/Targets" % pol["sid"],
            {"Target": "sip:carrier.example.net", "Priority": "1"}), 201)
        check("target defaults", tg and tg["weight"] == 10 and tg["enabled"])
        expect("target bad", a.req(
            "POST", "/v1/ConnectionPolicies/%s/Targets" % pol["sid"],
            {"Target": "carrier"}), 400, 21245)
        expect("trunk policy", a.req("POST", "/v1/Trunks/" + tk, {
            "ConnectionPolicySid": pol["sid"]}), 200)
        expect("trunk bad policy", a.req("POST", "/v1/Trunks/" + tk, {
            "ConnectionPolicySid": "NY" + "1" * 32}), 400, 21245)
        # deny list
        dn = expect("deny create", a.req("POST", "/v1/DenyList",
                                         {"Prefix": "+882"}), 201)
        check("deny sid", dn and dn["sid"].startswith("DN"))
        expect("deny bad", a.req("POST", "/v1/DenyList", {"Prefix": "882"}),
               400, 21421)
        check("deny list key", "deny_list" in a.req("GET", "/v1/DenyList")[1])
        # alarms
        al = expect("alarm create", a.req("POST", "/v2/Alarms", {
            "friendlyName": "acl", "query": "32201", "triggerValue": "3",
            "timeWindow": "600"}), 201)
        expect("alarm status", a.req("PUT", "/v2/Alarms/%s/status" %
                                     al["sid"], {"enabled": "false"}), 204)
        alf = a.req("GET", "/v2/Alarms/" + al["sid"])[1]
        check("alarm disabled", alf["enabled"] is False)
        expect("alarm delete", a.req("DELETE", "/v2/Alarms/" + al["sid"]),
               204)
        # settings
        s = expect("settings", a.req("POST", "/v1/Settings", {
            "DialingPermissionsInheritance": "false"}), 202)
        check("settings value", s and s["dialing_permissions_inheritance"]
              is False)
        # alerts (none yet; filters validate)
        al = expect("alerts list", a.req("GET", "/v1/Alerts"), 200)
        check("alerts meta", al["meta"]["key"] == "alerts")
        expect("alerts bad level", a.req("GET", "/v1/Alerts",
                                         query={"LogLevel": "loud"}), 400)
        expect("alerts bad date", a.req("GET", "/v1/Alerts",
                                        query={"StartDate": "yesterday"}),
               400)
        # pagination
        for i in range(5):
            a.req("POST", "/v1/Trunks", {"FriendlyName": "p%d" % i})
        pg = a.req("GET", "/v1/Trunks", query={"PageSize": "2"})[1]
        check("page size", len(pg["trunks"]) == 2)
        nxt = pg["meta"]["next_page_url"]
        check("next page", nxt is not None)
        seen = set(x["sid"] for x in pg["trunks"])
        while nxt:
            q = urllib.parse.urlparse(nxt)
            pg = a.req("GET", q.path, query=dict(
                urllib.parse.parse_qsl(q.query)))[1]
            seen |= set(x["sid"] for x in pg["trunks"])
            nxt = pg["meta"]["next_page_url"]
        check("paged all", len(seen) == 6, len(seen))
        p2 = a.req("GET", A2010 + "/IncomingPhoneNumbers.json",
                   query={"PageSize": "1"})[1]
        check("2010 paging fields", all(k in p2 for k in (
            "first_page_uri", "next_page_uri", "page", "page_size", "start",
            "end", "uri")))
        expect("bad page size", a.req("GET", "/v1/Trunks",
                                      query={"PageSize": "0"}), 400)
        # subaccounts and tenancy
        sub = expect("subaccount", a.req("POST", "/2010-04-01/Accounts.json",
                                         {"FriendlyName": "tenant",
                                          "Type": "Trial"}), 201)
        check("token shown once", sub and len(sub["auth_token"] or "") == 32)
        f = a.req("GET", "/2010-04-01/Accounts/%s.json" % sub["sid"])[1]
        check("token hidden", f["auth_token"] is None)
        s = Api(port, sub["sid"], sub["auth_token"])
        expect("sub sees no trunk", s.req("GET", "/v1/Trunks/" + tk), 404,
               20404)
        check("sub lists none", s.req("GET", "/v1/Trunks")[1]["trunks"] == [])
        expect("sub no update", s.req("POST", "/v1/Trunks/" + tk,
                                      {"FriendlyName": "x"}), 404)
        expect("sub no delete", s.req("DELETE", "/v1/Trunks/" + tk), 404)
        expect("sub no parent acc", s.req("GET", A2010 +
                                          "/SIP/CredentialLists.json"), 404)
        expect("sub no child", s.req(
            "GET", "/v1/Trunks/%s/OriginationUrls" % tk), 404)
        st = expect("sub trunk", s.req("POST", "/v1/Trunks",
                                       {"FriendlyName": "mine"}), 201)
        expect("parent sees sub trunk", a.req("GET", "/v1/Trunks/" +
                                              st["sid"]), 200)
        expect("sub cannot use parent's cl", s.req(
            "POST", "/v1/Trunks/%s/CredentialLists" % st["sid"],
            {"CredentialListSid": cl["sid"]}), 404)
        expect("suspend sub", a.req("POST", "/2010-04-01/Accounts/%s.json" %
                                    sub["sid"], {"Status": "suspended"}), 200)
        expect("close sub", a.req("POST", "/2010-04-01/Accounts/%s.json" %
                                  sub["sid"], {"Status": "closed"}), 200)
        expect("closed sub denied", s.req("GET", "/v1/Trunks"), 401, 20003)
        # delete + 204
        expect("ou delete", a.req("DELETE", "/v1/Trunks/%s/OriginationUrls/%s"
                                  % (tk, ou["sid"])), 204)
        expect("deny delete", a.req("DELETE", "/v1/DenyList/" + dn["sid"]),
               204)
        # persistence: kill -9 right after acknowledged writes
        pre = a.req("POST", "/v1/Trunks", {"FriendlyName": "durable",
                                           "DomainName": "durable.example"})
        check("durable create", pre[0] == 201)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        p, port, _ = start(tmp)
        a = Api(port)
        got = a.req("GET", "/v1/Trunks/" + pre[1]["sid"])
        check("survives kill -9", got[0] == 200 and
              got[1].get("domain_name") == "durable.example", got)
        got = a.req("GET", "/v1/Trunks/" + tk)[1]
        check("config persisted", got.get("cps_limit") == 25, got)
        # generated credentials
        tmp2 = tempfile.mkdtemp(prefix="trunkd-api-gen-")
        p2, port2, lines = start(tmp2, env_creds=False)
        try:
            cred = os.path.join(tmp2, "credentials")
            check("credentials file", os.path.exists(cred))
            check("credentials mode",
                  (os.stat(cred).st_mode & 0o777) == 0o600)
            kv = dict(l.strip().split("=", 1) for l in open(cred) if "=" in l)
            g = Api(port2, kv["TRUNKD_ACCOUNT_SID"], kv["TRUNKD_AUTH_TOKEN"])
            expect("generated creds work", g.req("GET", "/v1/Trunks"), 200)
            check("token printed once", any(kv["TRUNKD_AUTH_TOKEN"] in l
                                            for l in lines))
        finally:
            p2.terminate()
            p2.wait()
    finally:
        p.terminate()
        p.wait()
    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
