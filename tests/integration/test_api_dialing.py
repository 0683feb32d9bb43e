#!/usr/bin/env python3
"""Voice v1 DialingPermissions and Accounts paging against build/trunkd-api
(port 0): country list/filters/paging, fetch, high-risk prefixes, bulk
updates (validation, atomicity), subaccount inheritance via /v1/Settings,
persistence across a restart."""
import json, os, sys, tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_api as t  # noqa: E402  (start, Api, check, expect)

check, expect = t.check, t.expect
C = "/v1/DialingPermissions/Countries"
BULK = "/v1/DialingPermissions/BulkCountryUpdates"
HOME = {"US", "CA", "PR", "VI", "GU", "AS", "MP"}


def path_of(url):
    u = urllib.parse.urlsplit(url)
    return u.path, dict(urllib.parse.parse_qsl(u.query))


def walk(a, path, query, key):
    """Follow next page links; returns all items and the page count."""
    items, pages = [], 0
    st, body = a.req("GET", path, query=query)
    while True:
        check("page %d of %s" % (pages, path), st == 200, body)
        if st != 200:
            return items, pages
        pages += 1
        items += body[key]
        nxt = body["meta"]["next_page_url"] if "meta" in body \
            else body.get("next_page_uri")
        if not nxt or pages > 100:
            return items, pages
        p, q = path_of(nxt)
        if p.endswith(".json"):
            p = p[:-5]
        st, body = a.req("GET", p + (".json" if "/2010-04-01/" in p
                                     else ""), query=q)


def bulk(a, items):
    return a.req("POST", BULK, {"UpdateRequest": json.dumps(items)})


def main():
    tmp = tempfile.mkdtemp(prefix="trunkd-dial-")
    p, port, _ = t.start(tmp)
    a = t.Api(port)
    try:
        # list, defaults, shape
        body = expect("countries list", a.req("GET", C), 200)
        check("list key content", body["meta"]["key"] == "content" and
              len(body["content"]) == 50, body["meta"])
        every = expect("countries all", a.req(
            "GET", C, query={"PageSize": "1000"}), 200)["content"]
        check("about 245 countries", 200 <= len(every) <= 260, len(every))
        check("sorted by iso", [c["iso_code"] for c in every] ==
              sorted(c["iso_code"] for c in every))
        us = [c for c in every if c["iso_code"] == "US"][0]
        check("country fields", set(us) == {
            "iso_code", "name", "continent", "country_codes",
            "low_risk_numbers_enabled", "high_risk_special_numbers_enabled",
            "high_risk_tollfraud_numbers_enabled", "url", "links"}, us)
        check("US default", us["low_risk_numbers_enabled"] is True and
              us["high_risk_special_numbers_enabled"] is False and
              us["high_risk_tollfraud_numbers_enabled"] is False and
              us["country_codes"] == ["+1"] and
              us["continent"] == "NORTH_AMERICA", us)
        check("US links", us["links"]["highrisk_special_prefixes"]
              .endswith("/v1/DialingPermissions/Countries/US/"
                        "HighRiskSpecialPrefixes"))
        on = {c["iso_code"] for c in every if c["low_risk_numbers_enabled"]}
        check("default low-risk = home region", on == HOME, on)
        check("no high risk by default", not any(
            c["high_risk_special_numbers_enabled"] or
            c["high_risk_tollfraud_numbers_enabled"] for c in every))
        # paging covers everything exactly once
        items, pages = walk(a, C, {"PageSize": "40"}, "content")
        check("paging walks all", [c["iso_code"] for c in items] ==
              [c["iso_code"] for c in every], len(items))
        check("paging page count", pages == (len(every) + 39) // 40, pages)
        # filters
        f = a.req("GET", C, query={"IsoCode": "GB"})[1]["content"]
        check("IsoCode filter", [c["iso_code"] for c in f] == ["GB"], f)
        f = a.req("GET", C, query={"Continent": "EUROPE",
                                   "PageSize": "1000"})[1]["content"]
        check("Continent filter", len(f) > 30 and
              all(c["continent"] == "EUROPE" for c in f), len(f))
        f = a.req("GET", C, query={"CountryCode": "+44"})[1]["content"]
        check("CountryCode filter", "GB" in {c["iso_code"] for c in f} and
              all(c["country_codes"] == ["+44"] for c in f), f)
        f = a.req("GET", C, query={"CountryCode": "44"})[1]["content"]
        check("CountryCode without +", "GB" in {c["iso_code"] for c in f})
        f = a.req("GET", C, query={"LowRiskNumbersEnabled": "true",
                                   "PageSize": "1000"})[1]["content"]
        check("LowRisk filter", {c["iso_code"] for c in f} == HOME, f)
        f = a.req("GET", C, query={"HighRiskSpecialNumbersEnabled": "true"}
                  )[1]["content"]
        check("HighRiskSpecial filter (none)", f == [], f)
        expect("bad Continent", a.req("GET", C, query={
            "Continent": "ATLANTIS"}), 400, 20001)
        expect("bad boolean filter", a.req("GET", C, query={
            "LowRiskNumbersEnabled": "yes"}), 400, 20001)
        expect("bad CountryCode", a.req("GET", C, query={
            "CountryCode": "+4x"}), 400, 20001)
        expect("bad PageSize", a.req("GET", C, query={"PageSize": "0"}),
               400, 20001)
        expect("countries POST", a.req("POST", C, {"x": "y"}), 405, 20004)
        # fetch
        gb = expect("fetch GB", a.req("GET", C + "/GB"), 200)
        check("GB fields", gb["name"] == "United Kingdom" and
              gb["country_codes"] == ["+44"] and
              gb["low_risk_numbers_enabled"] is False, gb)
        expect("fetch lowercase", a.req("GET", C + "/gb"), 200)
        expect("fetch unknown", a.req("GET", C + "/XX"), 404, 20404)
        expect("fetch 3 letters", a.req("GET", C + "/GBR"), 404, 20404)
        expect("fetch deeper", a.req("GET", C + "/GB/Nope"), 404, 20404)
        # high-risk special prefixes
        hrs, _ = walk(a, C + "/GB/HighRiskSpecialPrefixes",
                      {"PageSize": "5"}, "content")
        check("GB prefixes", len(hrs) > 0 and
              all(set(h) == {"prefix"} and h["prefix"].startswith("+44")
                  for h in hrs), hrs[:5])
        expect("prefixes unknown", a.req(
            "GET", C + "/XX/HighRiskSpecialPrefixes"), 404, 20404)
        # bulk updates
        r = expect("bulk update", bulk(a, [
            {"iso_code": "GB", "low_risk_numbers_enabled": "true",
             "high_risk_special_numbers_enabled": "true",
             "high_risk_tollfraud_numbers_enabled": "false"},
            {"iso_code": "de", "low_risk_numbers_enabled": True},
            {"iso_code": "US", "low_risk_numbers": "Disabled"}]), 201)
        check("bulk answer", r == {"update_count": 3,
                                   "update_request": "accepted"}, r)
        gb = a.req("GET", C + "/GB")[1]
        check("GB after bulk", gb["low_risk_numbers_enabled"] is True and
              gb["high_risk_special_numbers_enabled"] is True and
              gb["high_risk_tollfraud_numbers_enabled"] is False, gb)
        de = a.req("GET", C + "/DE")[1]
        check("DE partial update", de["low_risk_numbers_enabled"] is True
              and de["high_risk_special_numbers_enabled"] is False, de)
        check("US disabled", a.req("GET", C + "/US")[1][
            "low_risk_numbers_enabled"] is False)
        r = expect("bulk partial keeps others", bulk(a, [
            {"iso_code": "GB", "high_risk_tollfraud_numbers_enabled":
             "true"}]), 201)
        gb = a.req("GET", C + "/GB")[1]
        check("GB merged", gb["low_risk_numbers_enabled"] is True and
              gb["high_risk_special_numbers_enabled"] is True and
              gb["high_risk_tollfraud_numbers_enabled"] is True, gb)
        # validation: 400 with a code and nothing written
        expect("bulk missing", a.req("POST", BULK, {"x": "1"}), 400, 20001)
        expect("bulk not json", a.req("POST", BULK, {
            "UpdateRequest": "[{"}), 400, 20001)
        expect("bulk not array", a.req("POST", BULK, {
            "UpdateRequest": '{"iso_code":"FR"}'}), 400, 20001)
        expect("bulk empty", bulk(a, []), 400, 20001)
        expect("bulk item not object", bulk(a, ["FR"]), 400, 20001)
        expect("bulk no iso", bulk(a, [{"low_risk_numbers_enabled": "true"}
                                       ]), 400, 20001)
        expect("bulk unknown iso", bulk(a, [
            {"iso_code": "FR", "low_risk_numbers_enabled": "true"},
            {"iso_code": "ZZ", "low_risk_numbers_enabled": "true"}]),
            400, 20001)
        check("bulk atomic", a.req("GET", C + "/FR")[1][
            "low_risk_numbers_enabled"] is False)
        expect("bulk bad value", bulk(a, [
            {"iso_code": "FR", "low_risk_numbers_enabled": "sometimes"}]),
            400, 20001)
        expect("bulk bad type", bulk(a, [
            {"iso_code": "FR", "low_risk_numbers_enabled": 1}]), 400, 20001)
        expect("bulk too many", bulk(a, [{"iso_code": "FR"}] * 1001),
               400, 20001)
        expect("bulk GET", a.req("GET", BULK), 405, 20004)
        # settings and subaccount inheritance
        s = expect("settings get", a.req("GET", "/v1/Settings"), 200)
        check("settings default true",
              s["dialing_permissions_inheritance"] is True, s)
        sub = expect("subaccount", a.req(
            "POST", "/2010-04-01/Accounts.json", {"FriendlyName": "s1"}),
            201)
        sa = t.Api(port, sub["sid"], sub["auth_token"])
        check("sub inherits GB", sa.req("GET", C + "/GB")[1][
            "low_risk_numbers_enabled"] is True)
        s = expect("sub settings off", sa.req("POST", "/v1/Settings", {
            "DialingPermissionsInheritance": "false"}), 202)
        check("sub settings value",
              s["dialing_permissions_inheritance"] is False, s)
        check("sub own defaults", sa.req("GET", C + "/GB")[1][
            "low_risk_numbers_enabled"] is False and sa.req(
                "GET", C + "/US")[1]["low_risk_numbers_enabled"] is True)
        expect("sub own bulk", bulk(sa, [
            {"iso_code": "JP", "low_risk_numbers_enabled": "true"}]), 201)
        check("sub JP on", sa.req("GET", C + "/JP")[1][
            "low_risk_numbers_enabled"] is True)
        check("owner JP untouched", a.req("GET", C + "/JP")[1][
            "low_risk_numbers_enabled"] is False)
        expect("settings bad value", sa.req("POST", "/v1/Settings", {
            "DialingPermissionsInheritance": "maybe"}), 400, 20001)
        expect("settings DELETE", a.req("DELETE", "/v1/Settings"), 405,
               20004)
        # accounts paging (self + 3 subaccounts)
        for i in range(2):
            a.req("POST", "/2010-04-01/Accounts.json",
                  {"FriendlyName": "p%d" % i})
        first = expect("accounts page", a.req(
            "GET", "/2010-04-01/Accounts.json", query={"PageSize": "2"}),
            200)
        check("accounts page shape", len(first["accounts"]) == 2 and
              first["page_size"] == 2 and first["start"] == 0 and
              first["end"] == 1 and first["next_page_uri"] and
              first["accounts"][0]["sid"] == t.ACC, first)
        accs, pages = walk(a, "/2010-04-01/Accounts.json", {"PageSize": "2"},
                           "accounts")
        check("accounts paging", len(accs) == 4 and pages == 2 and
              len({x["sid"] for x in accs}) == 4, (len(accs), pages))
        f = a.req("GET", "/2010-04-01/Accounts.json",
                  query={"FriendlyName": "p1"})[1]["accounts"]
        check("accounts filter", [x["friendly_name"] for x in f] == ["p1"])
        expect("accounts bad status", a.req(
            "GET", "/2010-04-01/Accounts.json", query={"Status": "x"}),
            400, 20001)
        expect("accounts bad page", a.req(
            "GET", "/2010-04-01/Accounts.json", query={"PageToken": "PTx"}),
            400, 20001)
        # persistence
        p.terminate()
        p.wait()
        p, port, _ = t.start(tmp)
        a = t.Api(port)
        gb = a.req("GET", C + "/GB")[1]
        check("persisted across restart", gb["low_risk_numbers_enabled"]
              is True and gb["high_risk_tollfraud_numbers_enabled"] is True,
              gb)
    finally:
        p.terminate()
        p.wait()
    print("%d passed, %d failed" % (t.passed, len(t.failures)))
    return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main())
