/**
 * Identity through the running gateway: SCIM principals, personal access tokens, OAuth
 * M2M (secrets, discovery, the token endpoint, expired / tampered / revoked JWTs), and a
 * scan of every response and log line for the tokens and secrets made here.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { basic, bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";

const ADMIN = "identity-admin-token-0001";
const SCIM = "/api/2.0/preview/scim/v2";

type Obj = Record<string, unknown>;

describe("identity: principals, tokens, OAuth M2M", () => {
  let rt: Runtime;
  let api: Client;
  const clients: Client[] = [];
  const logs: string[] = [];
  /** Every token or secret value made here; the scan at the end looks for each. */
  const minted: string[] = [];
  /** Response bodies that may show a value: the one reply that creates it. */
  const createReplies = new Set<string>();

  const client = (token?: string, scheme: (t: string) => string = bearer) => {
    const c = new Client(rt.url, token === undefined ? undefined : scheme(token));
    clients.push(c);
    return c;
  };
  const ok = async (c: Client, method: string, path: string, body?: unknown, status = 200) => {
    const r = await c.call(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    return r.json as Obj;
  };
  const keep = (value: string, replyText: string) => {
    minted.push(value);
    createReplies.add(replyText);
  };
  /** A PAT for a user (admin on-behalf-of, the Tessera extension). */
  const patFor = async (userName: string, extra: Obj = {}) => {
    const r = await api.call("POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: userName, comment: "test", ...extra });
    assert.equal(r.status, 200, r.text);
    const v = (r.json as { token_value: string }).token_value;
    keep(v, r.text);
    return { value: v, info: (r.json as { token_info: Obj }).token_info };
  };
  const oauthToken = async (form: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${rt.url}/oidc/v1/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(form).toString() });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as Obj };
  };

  before(async () => {
    const logger = pino({ level: "debug" }, { write: (s: string) => void logs.push(s) });
    rt = await startRuntime({ port: 0, dataDir: tempDir(), logger, env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = client(ADMIN);
  });
  after(async () => {
    await rt.close();
  });

  it("starts with the admins group holding the bootstrap admin, whose token is its own", async () => {
    const me = await ok(api, "GET", `${SCIM}/Me`);
    assert.equal(me["userName"], "admin");
    assert.deepEqual((me["groups"] as Obj[]).map((g) => g["display"]), ["admins"]);
    const groups = await ok(api, "GET", `${SCIM}/Groups?filter=${encodeURIComponent('displayName eq "admins"')}`);
    assert.deepEqual(groups["schemas"], ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]);
    assert.equal(groups["totalResults"], 1);
    const admins = (groups["Resources"] as Obj[])[0] as Obj;
    assert.deepEqual((admins["members"] as Obj[]).map((m) => m["display"]), ["admin"]);
    // The bootstrap admin cannot be locked out.
    assert.equal((await api.call("PATCH", `${SCIM}/Users/${String(me["id"])}`, { Operations: [{ op: "replace", path: "active", value: false }] })).status, 400);
    assert.equal((await api.call("DELETE", `${SCIM}/Groups/${String(admins["id"])}`)).status, 400);
  });

  it("creates, lists, filters, pages, patches, replaces and deletes users", async () => {
    const created = await ok(api, "POST", `${SCIM}/Users`, { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "ann@example.com", displayName: "Ann" }, 201);
    assert.deepEqual(created["schemas"], ["urn:ietf:params:scim:schemas:core:2.0:User"]);
    assert.match(String(created["id"]), /^\d+$/);
    assert.equal(created["active"], true);
    assert.deepEqual(created["groups"], []);
    const id = String(created["id"]);
    assert.equal((await api.call("POST", `${SCIM}/Users`, { userName: "ANN@example.com" })).status, 409, "user names are unique, case-insensitively");
    for (const n of ["u1", "u2", "u3"]) await ok(api, "POST", `${SCIM}/Users`, { userName: n }, 201);

    const filtered = await ok(api, "GET", `${SCIM}/Users?filter=${encodeURIComponent('userName eq "ann@example.com"')}`);
    assert.equal(filtered["totalResults"], 1);
    assert.equal(((filtered["Resources"] as Obj[])[0] as Obj)["displayName"], "Ann");
    const page = await ok(api, "GET", `${SCIM}/Users?startIndex=2&count=2`);
    assert.equal(page["totalResults"], 5);
    assert.equal(page["startIndex"], 2);
    assert.equal(page["itemsPerPage"], 2);
    assert.equal((await api.call("GET", `${SCIM}/Users?filter=${encodeURIComponent("userName eq")}`)).status, 400);

    const patched = await ok(api, "PATCH", `${SCIM}/Users/${id}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "Replace", path: "displayName", value: "Ann B." }, { op: "add", path: "entitlements", value: [{ value: "allow-endpoint-create" }] }],
    });
    assert.equal(patched["displayName"], "Ann B.");
    assert.deepEqual(patched["entitlements"], [{ value: "allow-endpoint-create" }]);
    const replaced = await ok(api, "PUT", `${SCIM}/Users/${id}`, { userName: "ann@example.com", displayName: "Ann C." });
    assert.equal(replaced["displayName"], "Ann C.");
    assert.deepEqual(replaced["entitlements"], [], "PUT replaces every attribute");
    assert.equal((await ok(api, "GET", `${SCIM}/Users/${id}`))["displayName"], "Ann C.");
    assert.equal((await api.call("DELETE", `${SCIM}/Users/${id}`)).status, 204);
    assert.equal((await api.call("GET", `${SCIM}/Users/${id}`)).status, 404);
  });

  it("manages groups with nested members, and service principals with generated application ids", async () => {
    const sp = await ok(api, "POST", `${SCIM}/ServicePrincipals`, { displayName: "etl bot" }, 201);
    assert.match(String(sp["applicationId"]), /^[0-9a-f-]{36}$/);
    assert.deepEqual(sp["schemas"], ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"]);
    const spList = await ok(api, "GET", `${SCIM}/ServicePrincipals?filter=${encodeURIComponent(`applicationId eq "${String(sp["applicationId"])}"`)}`);
    assert.equal(spList["totalResults"], 1);
    const user = await ok(api, "POST", `${SCIM}/Users`, { userName: "gina" }, 201);
    const inner = await ok(api, "POST", `${SCIM}/Groups`, { displayName: "inner", members: [{ value: user["id"] }] }, 201);
    const outer = await ok(api, "POST", `${SCIM}/Groups`, { displayName: "outer" }, 201);
    const added = await ok(api, "PATCH", `${SCIM}/Groups/${String(outer["id"])}`, { Operations: [{ op: "add", path: "members", value: [{ value: inner["id"] }, { value: sp["id"] }] }] });
    assert.deepEqual((added["members"] as Obj[]).map((m) => m["display"]).sort(), ["etl bot", "inner"]);
    const cycle = await api.call("PATCH", `${SCIM}/Groups/${String(inner["id"])}`, { Operations: [{ op: "add", path: "members", value: [{ value: outer["id"] }] }] });
    assert.equal(cycle.status, 400, "no membership cycles");
    const gina = await ok(api, "GET", `${SCIM}/Users/${String(user["id"])}`);
    assert.deepEqual((gina["groups"] as Obj[]).map((g) => g["display"]), ["inner"], "groups lists direct memberships");
    const removed = await ok(api, "PATCH", `${SCIM}/Groups/${String(outer["id"])}`, { Operations: [{ op: "remove", path: `members[value eq "${String(sp["id"])}"]` }] });
    assert.deepEqual((removed["members"] as Obj[]).map((m) => m["display"]), ["inner"]);
    const renamed = await ok(api, "PUT", `${SCIM}/Groups/${String(outer["id"])}`, { displayName: "outer2", members: [] });
    assert.equal(renamed["displayName"], "outer2");
    assert.deepEqual(renamed["members"], []);
  });

  it("lets anyone read /Me and their own record, and only admins manage or list principals", async () => {
    await ok(api, "POST", `${SCIM}/Users`, { userName: "plain" }, 201);
    const pat = await patFor("plain");
    const plain = client(pat.value);
    const me = await ok(plain, "GET", `${SCIM}/Me`);
    assert.equal(me["userName"], "plain");
    await ok(plain, "GET", `${SCIM}/Users/${String(me["id"])}`);
    for (const [method, path, body] of [
      ["GET", `${SCIM}/Users`, undefined],
      ["POST", `${SCIM}/Users`, { userName: "x" }],
      ["POST", `${SCIM}/Groups`, { displayName: "x" }],
      ["POST", `${SCIM}/ServicePrincipals`, { displayName: "x" }],
      ["PATCH", `${SCIM}/Users/${String(me["id"])}`, { Operations: [{ op: "add", path: "entitlements", value: [{ value: "allow-endpoint-create" }] }] }],
      ["DELETE", `${SCIM}/Users/${String(me["id"])}`, undefined],
    ] as const) {
      const r = await plain.call(method, path, body);
      assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
      assert.equal((r.json as Obj)["error_code"], "PERMISSION_DENIED");
    }
    assert.equal((await plain.call("GET", `${SCIM}/Users/1`)).status, 404, "someone else's record is not shown");
  });

  it("runs the PAT lifecycle: create, use, list, delete → 401; lifetime; deactivation and deletion stop tokens at once", async () => {
    const user = await ok(api, "POST", `${SCIM}/Users`, { userName: "pat-user" }, 201);
    const first = await patFor("pat-user");
    const u = client(first.value);
    // The user makes its own token.
    const made = await u.call("POST", "/api/2.0/token/create", { comment: "mine", lifetime_seconds: 3600 });
    assert.equal(made.status, 200, made.text);
    const own = made.json as { token_value: string; token_info: Obj };
    keep(own.token_value, made.text);
    assert.match(own.token_value, /^tsr_/);
    assert.equal(own.token_info["comment"], "mine");
    assert.ok((own.token_info["expiry_time"] as number) > Date.now() + 3500_000);
    const mine = client(own.token_value);
    assert.equal((await ok(mine, "GET", `${SCIM}/Me`))["userName"], "pat-user");
    const list = await ok(u, "GET", "/api/2.0/token/list");
    const infos = list["token_infos"] as Obj[];
    assert.deepEqual(infos.map((t) => t["comment"]).sort(), ["mine", "test"]);
    assert.ok(!JSON.stringify(list).includes("tsr_"), "no token value in a list");
    assert.equal(infos.find((t) => t["comment"] === "test")?.["expiry_time"], -1);
    // Someone else's token id is answered like a missing one.
    const adminTokens = await ok(api, "GET", "/api/2.0/token/list");
    const adminTokenId = String(((adminTokens["token_infos"] as Obj[])[0] as Obj)["token_id"]);
    assert.equal((await u.call("POST", "/api/2.0/token/delete", { token_id: adminTokenId })).status, 404);
    await ok(u, "POST", "/api/2.0/token/delete", { token_id: own.token_info["token_id"] });
    assert.equal((await mine.call("GET", `${SCIM}/Me`)).status, 401, "a deleted token stops at once");

    // Token management (admins): list with owner and creator, get, delete.
    const all = await ok(api, "GET", "/api/2.0/token-management/tokens");
    const entry = (all["token_infos"] as Obj[]).find((t) => t["token_id"] === first.info["token_id"]) as Obj;
    assert.equal(entry["created_by_username"], "admin");
    assert.equal(entry["owner_id"], Number(user["id"]));
    await ok(api, "GET", `/api/2.0/token-management/tokens/${String(first.info["token_id"])}`);
    assert.equal((await u.call("GET", "/api/2.0/token-management/tokens")).status, 403);

    // Deactivation stops the token at once; reactivation brings it back.
    await ok(api, "PATCH", `${SCIM}/Users/${String(user["id"])}`, { Operations: [{ op: "replace", path: "active", value: false }] });
    assert.equal((await u.call("GET", `${SCIM}/Me`)).status, 401);
    await ok(api, "PATCH", `${SCIM}/Users/${String(user["id"])}`, { Operations: [{ op: "replace", value: { active: "True" } }] });
    assert.equal((await u.call("GET", `${SCIM}/Me`)).status, 200);
    await ok(api, "DELETE", `/api/2.0/token-management/tokens/${String(first.info["token_id"])}`);
    assert.equal((await u.call("GET", `${SCIM}/Me`)).status, 401);

    // A short lifetime expires; deleting the owner kills its tokens.
    const short = await patFor("pat-user", { lifetime_seconds: 1 });
    const s = client(short.value, basic);
    assert.equal((await s.call("GET", `${SCIM}/Me`)).status, 200, "Basic auth with the token as password works");
    const second = await patFor("pat-user");
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await s.call("GET", `${SCIM}/Me`)).status, 401, "an expired token is refused");
    await api.call("DELETE", `${SCIM}/Users/${String(user["id"])}`);
    assert.equal((await client(second.value).call("GET", `${SCIM}/Me`)).status, 401, "a deleted user's tokens stop at once");
  });

  it("issues JWTs to service principals by Basic header and by form, and refuses bad client credentials", async () => {
    const sp = await ok(api, "POST", `${SCIM}/ServicePrincipals`, { displayName: "m2m" }, 201);
    const appId = String(sp["applicationId"]);
    const made = await api.call("POST", `/api/2.0/accounts/servicePrincipals/${String(sp["id"])}/credentials/secrets`);
    assert.equal(made.status, 200, made.text);
    const secret = made.json as Obj;
    keep(String(secret["secret"]), made.text);
    assert.equal(secret["status"], "ACTIVE");
    assert.match(String(secret["create_time"]), /^\d{4}-\d\d-\d\dT/);
    const listed = await ok(api, "GET", `/api/2.0/accounts/servicePrincipals/${appId}/credentials/secrets`);
    assert.deepEqual((listed["secrets"] as Obj[]).map((s) => s["id"]), [secret["id"]]);
    assert.ok(!JSON.stringify(listed).includes(String(secret["secret"])));

    const meta = await fetch(`${rt.url}/oidc/.well-known/oauth-authorization-server`).then((r) => r.json() as Promise<Obj>);
    assert.equal(meta["token_endpoint"], `${rt.url}/oidc/v1/token`);
    assert.equal(meta["issuer"], `${rt.url}/oidc`);
    assert.deepEqual(meta["grant_types_supported"], ["client_credentials"]);
    const dbc = await fetch(`${rt.url}/.well-known/databricks-config`).then((r) => r.json() as Promise<Obj>);
    assert.equal(dbc["oidc_endpoint"], `${rt.url}/oidc`);

    const viaBasic = await oauthToken({ grant_type: "client_credentials", scope: "all-apis" }, { authorization: `Basic ${Buffer.from(`${appId}:${String(secret["secret"])}`).toString("base64")}` });
    assert.equal(viaBasic.status, 200, viaBasic.text);
    keep(String(viaBasic.json["access_token"]), viaBasic.text);
    assert.equal(viaBasic.json["token_type"], "Bearer");
    assert.equal(viaBasic.json["expires_in"], 3600);
    assert.equal(viaBasic.json["scope"], "all-apis");
    const claims = JSON.parse(Buffer.from(String(viaBasic.json["access_token"]).split(".")[1] as string, "base64url").toString()) as Obj;
    assert.equal(claims["sub"], appId);
    for (const c of ["iss", "aud", "exp", "iat", "jti"]) assert.ok(claims[c] !== undefined, c);
    const viaForm = await oauthToken({ grant_type: "client_credentials", scope: "all-apis", client_id: appId, client_secret: String(secret["secret"]) });
    assert.equal(viaForm.status, 200, viaForm.text);
    keep(String(viaForm.json["access_token"]), viaForm.text);
    const me = await ok(client(String(viaForm.json["access_token"])), "GET", `${SCIM}/Me`);
    assert.equal(me["applicationId"], appId);

    const wrong = await oauthToken({ grant_type: "client_credentials", client_id: appId, client_secret: "tsrs_wrong" });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json["error"], "invalid_client");
    assert.equal((await oauthToken({ grant_type: "client_credentials" })).json["error"], "invalid_client");
    const grant = await oauthToken({ grant_type: "password", client_id: appId, client_secret: String(secret["secret"]) });
    assert.equal(grant.status, 400);
    assert.equal(grant.json["error"], "unsupported_grant_type");
  });

  it("refuses tampered, revoked (secret deleted, principal deactivated or deleted) and expired JWTs with 401", async () => {
    const sp = await ok(api, "POST", `${SCIM}/ServicePrincipals`, { displayName: "revocable" }, 201);
    const appId = String(sp["applicationId"]);
    const secretFor = async () => {
      const r = await api.call("POST", `/api/2.0/accounts/servicePrincipals/${String(sp["id"])}/credentials/secrets`);
      const s = r.json as Obj;
      keep(String(s["secret"]), r.text);
      return s;
    };
    const tokenFor = async (secret: Obj) => {
      const r = await oauthToken({ grant_type: "client_credentials", scope: "all-apis", client_id: appId, client_secret: String(secret["secret"]) });
      assert.equal(r.status, 200, r.text);
      keep(String(r.json["access_token"]), r.text);
      return String(r.json["access_token"]);
    };
    const status = async (jwt: string) => (await client(jwt).call("GET", `${SCIM}/Me`)).status;
    const s1 = await secretFor();
    const s2 = await secretFor();
    const t1 = await tokenFor(s1);
    const t2 = await tokenFor(s2);
    assert.equal(await status(t1), 200);

    const [h, p, sig] = t1.split(".") as [string, string, string];
    const flipped = sig.slice(0, 10) + (sig[10] === "A" ? "B" : "A") + sig.slice(11);
    assert.equal(await status(`${h}.${p}.${flipped}`), 401, "tampered signature");
    const payload = JSON.parse(Buffer.from(p, "base64url").toString()) as Obj;
    const forged = Buffer.from(JSON.stringify({ ...payload, exp: (payload["exp"] as number) + 86_400 })).toString("base64url");
    assert.equal(await status(`${h}.${forged}.${sig}`), 401, "tampered claims");
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    assert.equal(await status(`${none}.${p}.`), 401, "alg none");

    await ok(api, "DELETE", `/api/2.0/accounts/servicePrincipals/${String(sp["id"])}/credentials/secrets/${String(s1["id"])}`);
    assert.equal(await status(t1), 401, "its secret deleted");
    assert.equal(await status(t2), 200, "another secret's token still works");
    await ok(api, "PATCH", `${SCIM}/ServicePrincipals/${String(sp["id"])}`, { Operations: [{ op: "replace", path: "active", value: false }] });
    assert.equal(await status(t2), 401, "principal deactivated");
    const refused = await oauthToken({ grant_type: "client_credentials", client_id: appId, client_secret: String(s2["secret"]) });
    assert.equal(refused.status, 401, "an inactive principal gets no token");
    await ok(api, "PATCH", `${SCIM}/ServicePrincipals/${String(sp["id"])}`, { Operations: [{ op: "replace", path: "active", value: true }] });
    assert.equal(await status(t2), 200);
    await api.call("DELETE", `${SCIM}/ServicePrincipals/${String(sp["id"])}`);
    assert.equal(await status(t2), 401, "principal deleted");
  });

  it("expires JWTs (a gateway with a 3-second token lifetime), and keeps its signing key across restarts", async () => {
    const dir = tempDir();
    // Long enough that a restart on a busy machine fits inside it; the wait below is to `exp`, not a guess.
    const env = { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "200", TESSERA_OAUTH_TOKEN_LIFETIME_SECONDS: "3" };
    let gw = await startRuntime({ port: 0, dataDir: dir, env });
    try {
      const admin = new Client(gw.url, bearer(ADMIN));
      const sp = (await admin.call("POST", `${SCIM}/ServicePrincipals`, { displayName: "short" })).json as Obj;
      const secret = (await admin.call("POST", `/api/2.0/accounts/servicePrincipals/${String(sp["id"])}/credentials/secrets`)).json as Obj;
      const get = async (url: string) => {
        const r = await fetch(`${url}/oidc/v1/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "client_credentials", client_id: String(sp["applicationId"]), client_secret: String(secret["secret"]) }) });
        return ((await r.json()) as Obj)["access_token"] as string;
      };
      const early = await get(gw.url);
      await gw.close();
      gw = await startRuntime({ port: 0, dataDir: dir, env });
      const after = new Client(gw.url, bearer(early));
      assert.equal((await after.call("GET", `${SCIM}/Me`)).status, 200, "a token from before the restart still verifies");
      const exp = (JSON.parse(Buffer.from(early.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp: number }).exp;
      await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 1100));
      const expired = await after.call("GET", `${SCIM}/Me`);
      assert.equal(expired.status, 401);
      assert.match((expired.json as Obj)["message"] as string, /expired/);
    } finally {
      await gw.close();
    }
  });

  it("lets a second gateway on the same store see a new principal and a revoked token within its sync interval", async () => {
    const dir = tempDir();
    const env = { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "200", TESSERA_IDENTITY_SYNC_MS: "100" };
    const a = await startRuntime({ port: 0, dataDir: dir, env });
    const b = await startRuntime({ port: 0, dataDir: dir, env });
    try {
      const adminA = new Client(a.url, bearer(ADMIN));
      await adminA.call("POST", `${SCIM}/Users`, { userName: "roamer" });
      const made = await adminA.call("POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: "roamer" });
      const { token_value: value, token_info: info } = made.json as { token_value: string; token_info: { token_id: string } };
      keep(value, made.text);
      const onB = new Client(b.url, bearer(value));
      const eventually = async (want: number) => {
        for (let i = 0; i < 40; i++) {
          if ((await onB.call("GET", `${SCIM}/Me`)).status === want) return;
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.fail(`gateway B never answered ${want}`);
      };
      await eventually(200);
      assert.equal((await adminA.call("DELETE", `/api/2.0/token-management/tokens/${info.token_id}`)).status, 200);
      await eventually(401);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it("never shows a token or secret value outside the reply that made it, nor in the log", () => {
    assert.ok(minted.length >= 10, `minted ${minted.length}`);
    assert.ok(logs.some((l) => l.includes('"audit":"token.create"')) && logs.some((l) => l.includes('"audit":"oauth.invalid_client"')), "the log was captured");
    const bodies = clients.flatMap((c) => c.seen).filter((b) => !createReplies.has(b));
    for (const v of minted) {
      for (const b of bodies) assert.ok(!b.includes(v), `a response body holds a minted value: ${b.slice(0, 200)}`);
      for (const l of logs) assert.ok(!l.includes(v), "the log holds a minted value");
      assert.ok(!logs.join("").includes(ADMIN), "the log holds the admin token");
    }
  });
});
