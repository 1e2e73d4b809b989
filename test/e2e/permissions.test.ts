/**
 * Permissions through the running gateway, against the mock upstream: a service principal
 * with an OAuth token queries what it has CAN_QUERY on (OpenAI SDK), is refused everything
 * else (403 where it can view, 404 where it cannot), a CAN_QUERY user cannot change the
 * endpoint nor see any secret, groups grant to members, the permissions API, secret-scope
 * ACLs, secret references in configs — and no secret or token ever shows up in a response
 * or the log.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { pino } from "pino";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";

const ADMIN = "permissions-admin-token-01";
const SCIM = "/api/2.0/preview/scim/v2";
const SECRET_VALUE = "sk-team-upstream-key-4242-do-not-leak";
const PLAIN_KEY = "sk-plaintext-upstream-key-7777-do-not-leak";
const EP = "/api/2.0/serving-endpoints";
const PERM = "/api/2.0/permissions/serving-endpoints";

type Obj = Record<string, unknown>;

describe("permissions: endpoints, secret scopes, service principals", () => {
  let rt: Runtime;
  let mock: MockServer;
  let api: Client;
  const clients: Client[] = [];
  const logs: string[] = [];
  const minted: string[] = [SECRET_VALUE, PLAIN_KEY, ADMIN];
  const createReplies = new Set<string>();
  const ids: Record<string, string> = {};
  let botJwt = "";
  let botFormJwt = "";
  let alice: Client;
  let carol: Client;

  const client = (token: string) => {
    const c = new Client(rt.url, bearer(token));
    clients.push(c);
    return c;
  };
  const ok = async (c: Client, method: string, path: string, body?: unknown, status = 200) => {
    const r = await c.call(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    return r.json as Obj;
  };
  const endpointBody = (name: string, key: Obj = { openai_api_key: "{{secrets/team/openai}}" }) => ({
    name,
    config: { served_entities: [{ external_model: { name: "gpt-4o-mini", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mock.url}/v1`, ...key } } }] },
  });
  const patFor = async (userName: string) => {
    const r = await api.call("POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: userName });
    assert.equal(r.status, 200, r.text);
    const v = (r.json as { token_value: string }).token_value;
    minted.push(v);
    createReplies.add(r.text);
    return v;
  };
  const user = async (userName: string, extra: Obj = {}) => {
    const u = await ok(api, "POST", `${SCIM}/Users`, { userName, ...extra }, 201);
    ids[userName] = String(u["id"]);
    return client(await patFor(userName));
  };
  const grant = (endpoint: string, acl: Obj[]) => ok(api, "PATCH", `${PERM}/${endpoint}`, { access_control_list: acl });
  const sdk = (token: string) => new OpenAI({ baseURL: `${rt.url}/serving-endpoints`, apiKey: token, maxRetries: 0 });
  const chat = (token: string, model: string) => sdk(token).chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });

  before(async () => {
    mock = await startMockOpenAIWire();
    const logger = pino({ level: "debug" }, { write: (s: string) => void logs.push(s) });
    rt = await startRuntime({ port: 0, dataDir: tempDir(), logger, env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = client(ADMIN);
    await ok(api, "POST", "/api/2.0/secrets/scopes/create", { scope: "team" });
    await ok(api, "POST", "/api/2.0/secrets/put", { scope: "team", key: "openai", string_value: SECRET_VALUE });
    for (const name of ["ep-query", "ep-view", "ep-hidden"]) ids[name] = String((await ok(api, "POST", EP, endpointBody(name)))["id"]);

    const sp = await ok(api, "POST", `${SCIM}/ServicePrincipals`, { displayName: "bot" }, 201);
    ids["bot"] = String(sp["applicationId"]);
    ids["bot-id"] = String(sp["id"]);
    const made = await api.call("POST", `/api/2.0/accounts/servicePrincipals/${String(sp["id"])}/credentials/secrets`);
    const secret = String((made.json as Obj)["secret"]);
    minted.push(secret);
    createReplies.add(made.text);
    const token = async (init: RequestInit) => {
      const res = await fetch(`${rt.url}/oidc/v1/token`, init);
      const text = await res.text();
      assert.equal(res.status, 200, text);
      const t = String((JSON.parse(text) as Obj)["access_token"]);
      minted.push(t);
      createReplies.add(text);
      return t;
    };
    const form = { "content-type": "application/x-www-form-urlencoded" };
    botJwt = await token({ method: "POST", headers: { ...form, authorization: `Basic ${Buffer.from(`${ids["bot"]}:${secret}`).toString("base64")}` }, body: "grant_type=client_credentials&scope=all-apis" });
    botFormJwt = await token({ method: "POST", headers: form, body: new URLSearchParams({ grant_type: "client_credentials", scope: "all-apis", client_id: ids["bot"] as string, client_secret: secret }).toString() });
    await grant("ep-query", [{ service_principal_name: ids["bot"], permission_level: "CAN_QUERY" }]);
    await grant(ids["ep-view"] as string, [{ service_principal_name: ids["bot"], permission_level: "CAN_VIEW" }]);

    alice = await user("alice");
    await grant("ep-query", [{ user_name: "alice", permission_level: "CAN_QUERY" }]);
    carol = await user("carol", { entitlements: [{ value: "allow-endpoint-create" }] });
  });
  after(async () => {
    await rt.close();
    await mock.close();
  });

  it("lets a service principal with an OAuth token query what it has CAN_QUERY on, through the OpenAI SDK", async () => {
    const r = await chat(botJwt, "ep-query");
    assert.equal(r.object, "chat.completion");
    assert.equal(mock.last().headers["authorization"], `Bearer ${SECRET_VALUE}`);
    assert.equal((await chat(botFormJwt, "ep-query")).object, "chat.completion", "the token from the form works too");
    const models = await sdk(botJwt).models.list();
    assert.deepEqual(models.data.map((m) => m.id), ["ep-query", "ep-view"], "/models lists only what it can view");
  });

  it("answers 403 naming CAN_QUERY where it can view, and 404 — like a missing endpoint — where it cannot", async () => {
    await assert.rejects(chat(botJwt, "ep-view"), (e: unknown) => e instanceof OpenAI.PermissionDeniedError && /lacks CAN_QUERY on serving endpoint 'ep-view'/.test(e.message));
    const hidden = await chat(botJwt, "ep-hidden").catch((e: unknown) => e);
    const missing = await chat(botJwt, "ep-nope").catch((e: unknown) => e);
    assert.ok(hidden instanceof OpenAI.NotFoundError && missing instanceof OpenAI.NotFoundError);
    assert.equal(hidden.message.replace("ep-hidden", "X"), missing.message.replace("ep-nope", "X"), "nothing tells a hidden endpoint from a missing one");
    const bot = client(botJwt);
    assert.equal((await bot.call("POST", "/serving-endpoints/ep-view/invocations", { messages: [{ role: "user", content: "x" }] })).status, 403);
    assert.equal((await bot.call("POST", "/serving-endpoints/ep-hidden/invocations", { messages: [{ role: "user", content: "x" }] })).status, 404);
    const view = await ok(bot, "GET", `${EP}/ep-view`);
    assert.equal(view["permission_level"], "CAN_VIEW");
    assert.equal((await bot.call("GET", `${EP}/ep-hidden`)).status, 404);
    const list = await ok(bot, "GET", EP);
    assert.deepEqual((list["endpoints"] as Obj[]).map((e) => [e["name"], e["permission_level"]]), [["ep-query", "CAN_QUERY"], ["ep-view", "CAN_VIEW"]]);
  });

  it("refuses the same token on every /api/2.0 write route (403; 404 where it cannot even see the object)", async () => {
    const bot = client(botJwt);
    const scim = (path: string) => `${SCIM}/${path}`;
    const writes: Array<[string, string, unknown, number]> = [
      ["POST", EP, endpointBody("bot-made", { openai_api_key_plaintext: "sk-bot" }), 403],
      ["POST", "/api/2.0/secrets/scopes/create", { scope: "bot-scope" }, 403],
      ["POST", scim("Users"), { userName: "mallory" }, 403],
      ["POST", scim("Groups"), { displayName: "bots" }, 403],
      ["POST", scim("ServicePrincipals"), { displayName: "bot2" }, 403],
      ["PATCH", scim(`Groups/${ids["bot-id"] as string}`), { Operations: [{ op: "add", path: "members", value: [{ value: ids["bot-id"] }] }] }, 403],
      ["PATCH", scim(`ServicePrincipals/${ids["bot-id"] as string}`), { Operations: [{ op: "add", path: "entitlements", value: [{ value: "allow-endpoint-create" }] }] }, 403],
      ["DELETE", scim(`Users/${ids["alice"] as string}`), undefined, 403],
      ["POST", "/api/2.0/token-management/on-behalf-of/tokens", { application_id: ids["bot"] }, 403],
      ["GET", "/api/2.0/token-management/tokens", undefined, 403],
      ["DELETE", "/api/2.0/token-management/tokens/admin-env", undefined, 403],
      ["POST", "/api/2.0/token/delete", { token_id: "admin-env" }, 404],
      ["POST", `/api/2.0/accounts/servicePrincipals/${ids["bot-id"] as string}/credentials/secrets`, undefined, 403],
      ["POST", "/api/2.0/secrets/put", { scope: "team", key: "k", string_value: "v" }, 404],
      ["POST", "/api/2.0/secrets/delete", { scope: "team", key: "openai" }, 404],
      ["POST", "/api/2.0/secrets/scopes/delete", { scope: "team" }, 404],
      ["POST", "/api/2.0/secrets/acls/put", { scope: "team", principal: ids["bot"], permission: "MANAGE" }, 404],
    ];
    for (const name of ["ep-query", "ep-view", "ep-hidden"]) {
      const s = name === "ep-hidden" ? 404 : 403;
      writes.push(
        ["PUT", `${EP}/${name}/config`, endpointBody(name).config, s],
        ["PATCH", `${EP}/${name}/tags`, { add_tags: [{ key: "k", value: "v" }] }, s],
        ["PUT", `${EP}/${name}/ai-gateway`, { usage_tracking_config: { enabled: true } }, s],
        ["PUT", `${EP}/${name}/rate-limits`, { rate_limits: [{ calls: 1, renewal_period: "minute" }] }, s],
        ["DELETE", `${EP}/${name}`, undefined, s],
        ["GET", `${PERM}/${ids[name] as string}`, undefined, s],
        ["PUT", `${PERM}/${ids[name] as string}`, { access_control_list: [{ service_principal_name: ids["bot"], permission_level: "CAN_MANAGE" }] }, s],
        ["PATCH", `${PERM}/${name}`, { access_control_list: [{ service_principal_name: ids["bot"], permission_level: "CAN_MANAGE" }] }, s],
      );
    }
    for (const [method, path, body, status] of writes) {
      const r = await bot.call(method, path, body);
      assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
      assert.equal((r.json as Obj)["error_code"], status === 403 ? "PERMISSION_DENIED" : "RESOURCE_DOES_NOT_EXIST", `${method} ${path}`);
      if (status === 403) assert.match((r.json as Obj)["message"] as string, /lacks CAN_MANAGE|not an admin|may not create/, `${method} ${path}`);
      if (path.includes("ep-hidden") || path.includes(ids["ep-hidden"] as string)) assert.ok(!r.text.includes("ep-view"));
    }
    const after = await ok(api, "GET", `${EP}/ep-query`);
    assert.equal((after["config"] as Obj)["config_version"], 1, "nothing changed");
    assert.deepEqual(after["tags"], []);
  });

  it("lets a user with only CAN_QUERY view and query the endpoint, but not change it nor read any secret or its scope", async () => {
    const ep = await ok(alice, "GET", `${EP}/ep-query`);
    assert.equal(ep["permission_level"], "CAN_QUERY");
    assert.ok(!JSON.stringify(ep).includes(SECRET_VALUE));
    assert.deepEqual(((await ok(alice, "GET", EP))["endpoints"] as Obj[]).map((e) => e["name"]), ["ep-query"]);
    const put = await alice.call("PUT", `${EP}/ep-query/config`, endpointBody("ep-query").config);
    assert.equal(put.status, 403);
    assert.match((put.json as Obj)["message"] as string, /Principal alice lacks CAN_MANAGE on serving endpoint 'ep-query'/);
    assert.equal((await alice.call("PATCH", `${EP}/ep-query/tags`, { add_tags: [{ key: "a", value: "b" }] })).status, 403);
    assert.equal((await alice.call("DELETE", `${EP}/ep-query`)).status, 403);
    assert.equal((await alice.call("GET", `${PERM}/ep-query`)).status, 403);
    assert.equal((await alice.call("GET", `${PERM}/ep-query/permissionLevels`)).status, 200);
    assert.equal((await chat(await patFor("alice"), "ep-query")).object, "chat.completion");

    assert.deepEqual(await ok(alice, "GET", "/api/2.0/secrets/scopes/list"), { scopes: [] });
    for (const path of ["/api/2.0/secrets/list?scope=team", "/api/2.0/secrets/acls/list?scope=team", "/api/2.0/secrets/acls/get?scope=team&principal=alice"]) {
      const r = await alice.call("GET", path);
      assert.equal(r.status, 404, path);
      assert.equal((r.json as Obj)["message"], "Scope team does not exist.");
    }
  });

  it("grants to the members of a group, nested groups included, and stops at once when a member leaves", async () => {
    const bob = await user("bob");
    const inner = await ok(api, "POST", `${SCIM}/Groups`, { displayName: "analysts", members: [{ value: ids["bob"] }] }, 201);
    const outer = await ok(api, "POST", `${SCIM}/Groups`, { displayName: "data-org", members: [{ value: inner["id"] }] }, 201);
    const token = await patFor("bob");
    await assert.rejects(chat(token, "ep-hidden"), OpenAI.NotFoundError);
    await grant("ep-hidden", [{ group_name: "data-org", permission_level: "CAN_QUERY" }]);
    assert.equal((await chat(token, "ep-hidden")).object, "chat.completion", "CAN_QUERY through data-org ⊃ analysts ∋ bob");
    assert.equal((await ok(bob, "GET", `${EP}/ep-hidden`))["permission_level"], "CAN_QUERY");
    await ok(api, "PATCH", `${SCIM}/Groups/${String(inner["id"])}`, { Operations: [{ op: "remove", path: "members", value: [{ value: ids["bob"] }] }] });
    await assert.rejects(chat(token, "ep-hidden"), OpenAI.NotFoundError, "leaving the group takes the permission away at once");
    await ok(api, "DELETE", `${SCIM}/Groups/${String(outer["id"])}`, undefined, 204);
  });

  it("serves the permissions API: creator gets CAN_MANAGE, admins inherit it, PATCH merges, PUT replaces", async () => {
    const made = await ok(carol, "POST", EP, endpointBody("carol-ep", { openai_api_key_plaintext: PLAIN_KEY }));
    assert.equal(made["creator"], "carol");
    assert.equal(made["permission_level"], "CAN_MANAGE");
    const id = String(made["id"]);
    const acl = await ok(carol, "GET", `${PERM}/${id}`);
    assert.equal(acl["object_id"], `/serving-endpoints/${id}`);
    assert.equal(acl["object_type"], "serving-endpoint");
    assert.deepEqual(acl["access_control_list"], [
      { user_name: "carol", display_name: "carol", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: false }] },
      { group_name: "admins", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: true, inherited_from_object: ["/serving-endpoints/"] }] },
    ]);
    assert.equal((await alice.call("GET", `${EP}/carol-ep`)).status, 404, "not shared yet");
    const merged = await ok(carol, "PATCH", `${PERM}/carol-ep`, { access_control_list: [{ user_name: "alice", permission_level: "CAN_VIEW" }] });
    assert.deepEqual((merged["access_control_list"] as Obj[]).map((e) => e["user_name"] ?? e["group_name"]), ["alice", "carol", "admins"]);
    assert.equal((await ok(alice, "GET", `${EP}/carol-ep`))["permission_level"], "CAN_VIEW");
    await assert.rejects(chat(await patFor("alice"), "carol-ep"), OpenAI.PermissionDeniedError);
    const levels = await ok(alice, "GET", `${PERM}/${id}/permissionLevels`);
    assert.deepEqual((levels["permission_levels"] as Obj[]).map((l) => l["permission_level"]), ["CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"]);

    for (const bad of [[{ group_name: "admins", permission_level: "CAN_VIEW" }], [{ user_name: "nobody", permission_level: "CAN_VIEW" }], [{ user_name: "alice", permission_level: "CAN_FLY" }], [{ user_name: "alice", group_name: "admins", permission_level: "CAN_VIEW" }]]) {
      assert.equal((await carol.call("PATCH", `${PERM}/${id}`, { access_control_list: bad })).status, 400, JSON.stringify(bad));
    }
    const replaced = await ok(carol, "PUT", `${PERM}/${id}`, { access_control_list: [{ user_name: "alice", permission_level: "CAN_MANAGE" }] });
    assert.deepEqual((replaced["access_control_list"] as Obj[]).map((e) => e["user_name"] ?? e["group_name"]), ["alice", "admins"]);
    assert.equal((await carol.call("GET", `${EP}/carol-ep`)).status, 404, "PUT replaced carol's own grant");
    await ok(alice, "PATCH", `${EP}/carol-ep/tags`, { add_tags: [{ key: "owner", value: "alice" }] });
    await ok(api, "DELETE", `${EP}/carol-ep`);
    assert.equal((await api.call("GET", `${PERM}/${id}`)).status, 404);
  });

  it("needs READ on a scope to use its secrets in an endpoint config (403 naming the scope)", async () => {
    const refused = await carol.call("POST", EP, endpointBody("carol-ref"));
    assert.equal(refused.status, 403, refused.text);
    assert.match((refused.json as Obj)["message"] as string, /lacks READ on secret scope 'team'/);
    assert.equal((await carol.call("POST", EP, { ...endpointBody("carol-ref"), config: { served_entities: [{ external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_key: "{{secrets/nope/k}}" } } }] } })).status, 403, "a missing scope is refused alike");
    await ok(api, "POST", "/api/2.0/secrets/acls/put", { scope: "team", principal: "carol", permission: "READ" });
    const created = await ok(carol, "POST", EP, endpointBody("carol-ref"));
    assert.equal(created["permission_level"], "CAN_MANAGE");
    assert.ok(Array.isArray((await ok(carol, "GET", "/api/2.0/secrets/list?scope=team"))["secrets"]), "READ lists the keys");
    // A CAN_MANAGE user without READ cannot re-point an endpoint that uses the scope.
    await ok(carol, "PATCH", `${PERM}/carol-ref`, { access_control_list: [{ user_name: "alice", permission_level: "CAN_MANAGE" }] });
    const repoint = await alice.call("PUT", `${EP}/carol-ref/config`, endpointBody("carol-ref").config);
    assert.equal(repoint.status, 403);
    assert.match((repoint.json as Obj)["message"] as string, /READ on secret scope 'team'/);
    await ok(api, "DELETE", `${EP}/carol-ref`);
    await ok(api, "POST", "/api/2.0/secrets/acls/delete", { scope: "team", principal: "carol" });
  });

  it("keeps secret-scope ACLs: creator MANAGE, READ ⊂ WRITE ⊂ MANAGE, get/list/delete", async () => {
    await ok(carol, "POST", "/api/2.0/secrets/scopes/create", { scope: "carol-scope" });
    assert.deepEqual(await ok(carol, "GET", "/api/2.0/secrets/acls/list?scope=carol-scope"), { items: [{ principal: "carol", permission: "MANAGE" }] });
    await ok(carol, "POST", "/api/2.0/secrets/put", { scope: "carol-scope", key: "k1", string_value: "carol-secret-value-1" });
    minted.push("carol-secret-value-1");
    assert.deepEqual(((await ok(carol, "GET", "/api/2.0/secrets/scopes/list"))["scopes"] as Obj[]).map((s) => s["name"]), ["carol-scope"]);

    await ok(carol, "POST", "/api/2.0/secrets/acls/put", { scope: "carol-scope", principal: "alice", permission: "READ" });
    assert.deepEqual(await ok(carol, "GET", "/api/2.0/secrets/acls/get?scope=carol-scope&principal=alice"), { principal: "alice", permission: "READ" });
    assert.deepEqual(((await ok(alice, "GET", "/api/2.0/secrets/list?scope=carol-scope"))["secrets"] as Obj[]).map((s) => s["key"]), ["k1"]);
    const denied = await alice.call("POST", "/api/2.0/secrets/put", { scope: "carol-scope", key: "k2", string_value: "alice-secret-value-2" });
    assert.equal(denied.status, 403);
    assert.match((denied.json as Obj)["message"] as string, /lacks WRITE on secret scope 'carol-scope'/);
    assert.equal((await alice.call("GET", "/api/2.0/secrets/acls/list?scope=carol-scope")).status, 403, "ACLs need MANAGE");

    await ok(carol, "POST", "/api/2.0/secrets/acls/put", { scope: "carol-scope", principal: "alice", permission: "WRITE" });
    await ok(alice, "POST", "/api/2.0/secrets/put", { scope: "carol-scope", key: "k2", string_value: "alice-secret-value-2" });
    minted.push("alice-secret-value-2");
    assert.equal((await alice.call("POST", "/api/2.0/secrets/scopes/delete", { scope: "carol-scope" })).status, 403);
    assert.equal((await carol.call("POST", "/api/2.0/secrets/acls/put", { scope: "carol-scope", principal: "alice", permission: "OWN" })).status, 400);
    assert.equal((await carol.call("POST", "/api/2.0/secrets/acls/put", { scope: "carol-scope", principal: "ghost", permission: "READ" })).status, 400);

    await ok(carol, "POST", "/api/2.0/secrets/acls/delete", { scope: "carol-scope", principal: "alice" });
    assert.equal((await alice.call("GET", "/api/2.0/secrets/list?scope=carol-scope")).status, 404);
    await ok(carol, "POST", "/api/2.0/secrets/scopes/delete", { scope: "carol-scope" });
    // A new scope of the same name starts with its creator's grant only.
    await ok(api, "POST", "/api/2.0/secrets/scopes/create", { scope: "carol-scope" });
    assert.equal((await carol.call("GET", "/api/2.0/secrets/list?scope=carol-scope")).status, 404);
  });

  it("never shows a secret or token value outside the reply that made it, nor in the log", () => {
    const bodies = clients.flatMap((c) => c.seen).filter((b) => !createReplies.has(b));
    assert.ok(bodies.length > 50);
    assert.ok(logs.some((l) => l.includes('"audit":"oauth.token"')) && logs.some((l) => l.includes('"audit":"secrets.acl.put"')), "the log was captured");
    for (const v of minted) {
      for (const b of bodies) assert.ok(!b.includes(v), `a response body holds a secret or token: ${b.slice(0, 200)}`);
      for (const l of logs) assert.ok(!l.includes(v), `the log holds a secret or token: ${l.slice(0, 200)}`);
    }
  });
});
