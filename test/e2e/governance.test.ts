/**
 * The AI gateway pieces together, with real principals: per-user, per-group and
 * per-service-principal rate limits keep separate (or shared) budgets for real callers;
 * usage records name the real requester; a CAN_VIEW user reads an endpoint's usage (totals,
 * not who used it) and
 * metrics but cannot export its payloads; a reserved name cannot become an endpoint.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";

const ADMIN = "governance-admin-token-01";
const SCIM = "/api/2.0/preview/scim/v2";
type Obj = Record<string, unknown>;

describe("governance: limits and usage for real principals", () => {
  let rt: Runtime;
  let mock: MockServer;
  let api: Client;
  const tokens: Record<string, string> = {};

  const ok = async (c: Client, method: string, path: string, body?: unknown, status = 200) => {
    const r = await c.call(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    return r.json as Obj;
  };
  const chat = (who: string, endpoint: string) =>
    new Client(rt.url, bearer(tokens[who] as string)).call("POST", `/serving-endpoints/${endpoint}/invocations`, { messages: [{ role: "user", content: "hi" }] });
  const statuses = async (who: string, endpoint: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await chat(who, endpoint)).status);
    return out;
  };

  before(async () => {
    mock = await startMockOpenAIWire();
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
    const team = await ok(api, "POST", `${SCIM}/Groups`, { displayName: "team" }, 201);
    for (const name of ["ann", "bob", "cyd"]) {
      const u = await ok(api, "POST", `${SCIM}/Users`, { userName: name }, 201);
      if (name !== "cyd") await ok(api, "PATCH", `${SCIM}/Groups/${String(team["id"])}`, { Operations: [{ op: "add", path: "members", value: [{ value: u["id"] }] }] });
      tokens[name] = (await ok(api, "POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: name }))["token_value"] as string;
    }
    const external_model = { name: "m", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${mock.url}/v1`, bearer_token_auth: { token_plaintext: "sk-governance-upstream" } } };
    const make = (name: string, ai_gateway: Obj) => ok(api, "POST", "/api/2.0/serving-endpoints", { name, ai_gateway, config: { served_entities: [{ name: "e", external_model }] } });
    await make("per-user", { rate_limits: [{ calls: 2, key: "user", renewal_period: "minute" }], usage_tracking_config: { enabled: true } });
    await make("per-group", { rate_limits: [{ calls: 3, key: "user_group", renewal_period: "minute" }] });
    for (const name of ["per-user", "per-group"]) {
      await ok(api, "PATCH", `/api/2.0/permissions/serving-endpoints/${name}`, {
        access_control_list: ["ann", "bob", "cyd"].map((u) => ({ user_name: u, permission_level: "CAN_QUERY" })),
      });
    }
  });
  after(async () => {
    await rt.close();
    await mock.close();
  });

  it("a user limit gives each user a budget of their own", async () => {
    assert.deepEqual(await statuses("ann", "per-user", 3), [200, 200, 429]);
    assert.deepEqual(await statuses("bob", "per-user", 2), [200, 200], "bob's budget is his own");
    const r = await chat("ann", "per-user");
    assert.equal(r.status, 429);
    assert.equal((r.json as Obj)["error_code"], "REQUEST_LIMIT_EXCEEDED");
    assert.ok(Number(r.headers.get("retry-after")) >= 1);
  });

  it("a group limit is shared by the group's members; others are not limited by it", async () => {
    const ann = await statuses("ann", "per-group", 2);
    const bob = await statuses("bob", "per-group", 2);
    assert.deepEqual([...ann, ...bob], [200, 200, 200, 429], "three calls per minute for the whole team");
    assert.deepEqual(await statuses("cyd", "per-group", 4), [200, 200, 200, 200], "cyd is in no group: a user_group limit does not apply");
  });

  it("usage names the real requester; a CAN_VIEW user reads usage and metrics but cannot export payloads", async () => {
    const end = Date.now() + 60_000;
    let byRequester: Array<{ requester: string; requests: number }> = [];
    for (let i = 0; i < 40 && !byRequester.some((r) => r.requester === "bob"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      const ws = await ok(api, "GET", `/api/2.0/serving-endpoints/usage?start_time=0&end_time=${end}&granularity=day`);
      byRequester = ws["by_requester"] as typeof byRequester;
    }
    assert.ok(byRequester.some((r) => r.requester === "ann" && r.requests >= 3), JSON.stringify(byRequester));
    assert.ok(byRequester.some((r) => r.requester === "bob"));
    await ok(api, "PATCH", "/api/2.0/permissions/serving-endpoints/per-user", { access_control_list: [{ user_name: "cyd", permission_level: "CAN_VIEW" }] });
    // cyd had CAN_QUERY; a PATCH keeps the higher grant, so give a fresh viewer instead.
    await ok(api, "POST", `${SCIM}/Users`, { userName: "dee" }, 201);
    tokens["dee"] = (await ok(api, "POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: "dee" }))["token_value"] as string;
    await ok(api, "PATCH", "/api/2.0/permissions/serving-endpoints/per-user", { access_control_list: [{ user_name: "dee", permission_level: "CAN_VIEW" }] });
    const dee = new Client(rt.url, bearer(tokens["dee"] as string));
    const deeUsage = await dee.call("GET", `/api/2.0/serving-endpoints/per-user/usage?start_time=0&end_time=${end}&granularity=day`);
    assert.equal(deeUsage.status, 200);
    assert.ok((deeUsage.json as { totals: { requests: number } }).totals.requests >= 3);
    assert.equal((deeUsage.json as { by_requester?: unknown }).by_requester, undefined, "who used an endpoint is for its managers");
    const managed = await api.call("GET", `/api/2.0/serving-endpoints/per-user/usage?start_time=0&end_time=${end}&granularity=day`);
    assert.ok((managed.json as { by_requester: Array<{ requester: string }> }).by_requester.some((r) => r.requester === "ann"));
    assert.equal((await dee.call("GET", "/api/2.0/serving-endpoints/per-user/metrics")).status, 200);
    assert.equal((await dee.call("GET", "/api/2.0/serving-endpoints/per-user/inference-table")).status, 403);
    assert.equal((await dee.call("GET", "/api/2.0/serving-endpoints/usage")).status, 403, "workspace usage is for admins");
    assert.equal((await dee.call("POST", "/serving-endpoints/per-user/invocations", { messages: [{ role: "user", content: "hi" }] })).status, 403);
  });

  it("'usage' is reserved: it is the workspace usage route", async () => {
    const r = await api.call("POST", "/api/2.0/serving-endpoints", { name: "usage", config: { served_entities: [] } });
    assert.equal(r.status, 400);
  });
});
