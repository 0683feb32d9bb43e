// Drives a running trunkd with the official Twilio Node.js helper library.
//
// Usage: TRUNKD_API=http://127.0.0.1:PORT TRUNKD_ACCOUNT_SID=AC...
//        TRUNKD_AUTH_TOKEN=... node twilio_client.js
//
// The library builds https://<product>.twilio.com/... URLs; a RequestClient
// subclass rewrites them to the local server (trunkd serves every product
// from one base URL) and leaves everything else to the stock client, so
// authentication, form encoding, paging and response parsing are the
// library's own. Prints one line per check and "N passed, N failed" last;
// exits 1 when any check failed.
"use strict";

const twilio = require("twilio");

const base = process.env.TRUNKD_API;
const sid = process.env.TRUNKD_ACCOUNT_SID;
const token = process.env.TRUNKD_AUTH_TOKEN;

class LocalClient extends twilio.RequestClient {
  constructor(target) {
    super({ timeout: 10000 });
    this.target = new URL(target);
    this.seen = [];
  }

  request(opts) {
    const u = new URL(opts.uri);
    if (u.hostname === "twilio.com" || u.hostname.endsWith(".twilio.com")) {
      u.protocol = this.target.protocol;
      u.hostname = this.target.hostname;
      u.port = this.target.port;
    }
    this.seen.push(`${opts.method.toUpperCase()} ${u.pathname}`);
    return super.request({ ...opts, uri: u.href });
  }
}

let passed = 0;
let failed = 0;

function check(name, cond, detail) {
  if (cond) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail !== undefined ? ": " + detail : ""}`);
  }
}

async function step(name, fn) {
  try {
    return await fn();
  } catch (e) {
    failed++;
    const info = e && e.code ? ` (code ${e.code}, status ${e.status})` : "";
    console.log(`FAIL ${name}: ${e && e.message ? e.message : e}${info}`);
    return undefined;
  }
}

async function expectError(name, fn, status, code) {
  try {
    await fn();
    check(name, false, "no error");
  } catch (e) {
    check(name, e.status === status && e.code === code,
          `status ${e.status} code ${e.code}`);
  }
}

async function main() {
  if (!base || !sid || !token) {
    console.log("FAIL environment: TRUNKD_API, TRUNKD_ACCOUNT_SID, " +
                "TRUNKD_AUTH_TOKEN are required");
    return 1;
  }
  const http = new LocalClient(base);
  const client = twilio(sid, token, { httpClient: http });
  const tag = Date.now().toString(36);

  // accounts
  const me = await step("account fetch", () => client.api.v2010
    .accounts(sid).fetch());
  check("account sid", me && me.sid === sid, me && me.sid);
  const accounts = await step("accounts list", () => client.api.v2010
    .accounts.list({ limit: 20 }));
  check("accounts list has self",
        accounts && accounts.some((a) => a.sid === sid));

  // trunk
  const domain = `pbx-${tag}.example.com`;
  const trunk = await step("trunk create", () => client.trunking.v1.trunks
    .create({ friendlyName: "node pbx", domainName: domain }));
  check("trunk.domainName", trunk && trunk.domainName === domain,
        trunk && trunk.domainName);
  check("trunk.sid", trunk && /^TK[0-9a-f]{32}$/.test(trunk.sid));
  check("trunk.dateCreated is a Date",
        trunk && trunk.dateCreated instanceof Date &&
        !isNaN(trunk.dateCreated.getTime()));
  if (!trunk) return 1;
  const t2 = await step("trunk fetch", () => client.trunking.v1
    .trunks(trunk.sid).fetch());
  check("trunk fetch friendlyName", t2 && t2.friendlyName === "node pbx");
  const t3 = await step("trunk update", () => client.trunking.v1
    .trunks(trunk.sid).update({ friendlyName: "renamed" }));
  check("trunk update friendlyName", t3 && t3.friendlyName === "renamed");
  const trunks = await step("trunks list", () => client.trunking.v1.trunks
    .list({ limit: 50 }));
  check("trunks list has trunk",
        trunks && trunks.some((t) => t.sid === trunk.sid));
  await expectError("trunk duplicate domain (21248)",
                    () => client.trunking.v1.trunks.create({
                      domainName: domain }), 400, 21248);
  await expectError("trunk fetch unknown (20404)",
                    () => client.trunking.v1.trunks("TK" + "0".repeat(32))
                      .fetch(), 404, 20404);

  // IP access control list + address
  const acl = await step("ip acl create", () => client.sip
    .ipAccessControlLists.create({ friendlyName: "office" }));
  check("ipAccessControlList.friendlyName",
        acl && acl.friendlyName === "office");
  if (acl) {
    const ip = await step("ip address create", () => client.sip
      .ipAccessControlLists(acl.sid).ipAddresses.create({
        friendlyName: "gw", ipAddress: "192.0.2.10" }));
    check("ipAddress.ipAddress", ip && ip.ipAddress === "192.0.2.10",
          ip && ip.ipAddress);
    check("ipAddress.cidrPrefixLength", ip && ip.cidrPrefixLength === 32,
          ip && ip.cidrPrefixLength);
    const ips = await step("ip address list", () => client.sip
      .ipAccessControlLists(acl.sid).ipAddresses.list());
    check("ip address list", ips && ips.length === 1 &&
          ips[0].ipAddress === "192.0.2.10");
    const assoc = await step("trunk ip acl attach", () => client.trunking.v1
      .trunks(trunk.sid).ipAccessControlLists.create({
        ipAccessControlListSid: acl.sid }));
    check("trunk ip acl sid", assoc && assoc.sid === acl.sid);
    await expectError("ip address invalid (21234)",
                      () => client.sip.ipAccessControlLists(acl.sid)
                        .ipAddresses.create({ friendlyName: "x",
                                              ipAddress: "300.1.1.1" }),
                      400, 21234);
  }

  // credential list + credential
  const cl = await step("credential list create", () => client.sip
    .credentialLists.create({ friendlyName: "users" }));
  check("credentialList.friendlyName", cl && cl.friendlyName === "users");
  if (cl) {
    const cred = await step("credential create", () => client.sip
      .credentialLists(cl.sid).credentials.create({
        username: "alice", password: "Str0ngPassw0rd!" }));
    check("credential.username", cred && cred.username === "alice",
          cred && cred.username);
    const creds = await step("credential list", () => client.sip
      .credentialLists(cl.sid).credentials.list());
    check("credentials list", creds && creds.length === 1 &&
          creds[0].username === "alice");
    const assoc = await step("trunk credential list attach", () => client
      .trunking.v1.trunks(trunk.sid).credentialsLists.create({
        credentialListSid: cl.sid }));
    check("trunk credential list sid", assoc && assoc.sid === cl.sid);
    await expectError("credential weak password (21224)",
                      () => client.sip.credentialLists(cl.sid).credentials
                        .create({ username: "bob", password: "short" }),
                      400, 21224);
  }

  // origination URL
  const ou = await step("origination url create", () => client.trunking.v1
    .trunks(trunk.sid).originationUrls.create({
      friendlyName: "pbx", sipUrl: "sip:pbx.example.com:5060",
      priority: 10, weight: 20, enabled: true }));
  check("originationUrl.sipUrl",
        ou && ou.sipUrl === "sip:pbx.example.com:5060", ou && ou.sipUrl);
  check("originationUrl.weight/priority/enabled",
        ou && ou.weight === 20 && ou.priority === 10 && ou.enabled === true);
  if (ou) {
    const ou2 = await step("origination url fetch", () => client.trunking
      .v1.trunks(trunk.sid).originationUrls(ou.sid).fetch());
    check("origination url fetch", ou2 && ou2.sid === ou.sid);
  }

  // phone number, attached to the trunk
  const e164 = "+1415" + String(Date.now() % 10000000).padStart(7, "0");
  const pn = await step("incoming phone number create", () => client.api
    .v2010.accounts(sid).incomingPhoneNumbers.create({ phoneNumber: e164 }));
  check("incomingPhoneNumber.phoneNumber", pn && pn.phoneNumber === e164,
        pn && pn.phoneNumber);
  if (pn) {
    const tpn = await step("trunk phone number attach", () => client
      .trunking.v1.trunks(trunk.sid).phoneNumbers.create({
        phoneNumberSid: pn.sid }));
    check("trunk phoneNumber.trunkSid", tpn && tpn.trunkSid === trunk.sid,
          tpn && tpn.trunkSid);
    check("trunk phoneNumber.phoneNumber", tpn && tpn.phoneNumber === e164);
    const tpns = await step("trunk phone numbers list", () => client
      .trunking.v1.trunks(trunk.sid).phoneNumbers.list());
    check("trunk phone numbers list",
          tpns && tpns.length === 1 && tpns[0].sid === pn.sid);
  }

  // connection policy + target
  const pol = await step("connection policy create", () => client.voice.v1
    .connectionPolicies.create({ friendlyName: "carriers" }));
  check("connectionPolicy.friendlyName",
        pol && pol.friendlyName === "carriers");
  if (pol) {
    const tgt = await step("target create", () => client.voice.v1
      .connectionPolicies(pol.sid).targets.create({
        target: "sip:carrier.example.net", friendlyName: "c1",
        priority: 1, weight: 5 }));
    check("target.target", tgt && tgt.target === "sip:carrier.example.net",
          tgt && tgt.target);
    check("target.enabled default", tgt && tgt.enabled === true);
    const tgts = await step("targets list", () => client.voice.v1
      .connectionPolicies(pol.sid).targets.list());
    check("targets list", tgts && tgts.length === 1);
  }

  // dialing permissions
  const us = await step("dialing country fetch", () => client.voice.v1
    .dialingPermissions.countries("US").fetch());
  check("country US low risk default", us && us.isoCode === "US" &&
        us.lowRiskNumbersEnabled === true &&
        us.highRiskSpecialNumbersEnabled === false);
  const bulk = await step("bulk country update", () => client.voice.v1
    .dialingPermissions.bulkCountryUpdates.create({
      updateRequest: JSON.stringify([{
        iso_code: "GB", low_risk_numbers_enabled: "true",
        high_risk_special_numbers_enabled: "false",
        high_risk_tollfraud_numbers_enabled: "false" }]) }));
  check("bulk updateCount", bulk && bulk.updateCount === 1,
        bulk && bulk.updateCount);
  const gb = await step("dialing country list filter", () => client.voice
    .v1.dialingPermissions.countries.list({ isoCode: "GB" }));
  check("country GB enabled after bulk", gb && gb.length === 1 &&
        gb[0].lowRiskNumbersEnabled === true &&
        gb[0].countryCodes[0] === "+44");
  const eu = await step("dialing country paging", () => client.voice.v1
    .dialingPermissions.countries.list({ continent: "EUROPE",
                                         pageSize: 10 }));
  check("country paging follows next pages", eu && eu.length > 10 &&
        eu.every((c) => c.continent === "EUROPE"), eu && eu.length);
  const hrs = await step("high risk prefixes", () => client.voice.v1
    .dialingPermissions.countries("GB").highriskSpecialPrefixes.list());
  check("high risk prefixes", hrs && hrs.length > 0 &&
        hrs.every((p) => p.prefix.startsWith("+44")));
  await expectError("dialing country unknown (20404)",
                    () => client.voice.v1.dialingPermissions
                      .countries("XX").fetch(), 404, 20404);
  const st = await step("settings fetch", () => client.voice.v1
    .dialingPermissions.settings().fetch());
  check("settings.dialingPermissionsInheritance",
        st && st.dialingPermissionsInheritance === true);

  // alerts
  const alerts = await step("alerts list", () => client.monitor.v1.alerts
    .list({ limit: 20 }));
  check("alerts list is an array", Array.isArray(alerts));

  // cleanup through the library too
  await step("trunk delete", () => client.trunking.v1.trunks(trunk.sid)
    .remove());
  await expectError("trunk gone (20404)", () => client.trunking.v1
    .trunks(trunk.sid).fetch(), 404, 20404);

  check("requests went to trunkd", http.seen.length > 30,
        http.seen.length);
  return failed ? 1 : 0;
}

main()
  .catch((e) => {
    failed++;
    console.log(`FAIL unexpected: ${e && e.stack ? e.stack : e}`);
    return 1;
  })
  .then((rc) => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(rc || (failed ? 1 : 0));
  });
