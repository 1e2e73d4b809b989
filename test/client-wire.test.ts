/**
 * What real clients send, byte for byte where it matters, against a gateway in process:
 * MLflow's `get_deploy_client("databricks")` (URLs built with `posixpath.join(prefix,
 * "serving-endpoints", route or "")`, so list and create carry a trailing slash; GET bodies
 * go in the query string; DELETE sends no body) and the Databricks SDK for Python
 * (`serving_endpoints.get_open_api` with `Accept: text/plain`, `build_logs`, `logs`,
 * `update_notifications`, the provisioned-throughput routes, `http_request`, and
 * `secrets.get_secret` as `GET /api/2.0/secrets/get?scope=&key=`). Python clients cannot run
 * here, so each request is written the way their sources build it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { startRuntime, type Runtime } from "../src/runtime.js";
import { startMockOpenAI, type MockOpenAI } from "../testing/mock-openai/index.js";
import { tempDir } from "./helpers/gateway-process.js";
import { bearer, Client, type Reply } from "./helpers/http.js";

const ADMIN = "client-wire-admin-token";
const MLFLOW = { "X-Databricks-Endpoints-API-Client": "Databricks Deployment Client" };

function errorCode(r: Reply): unknown {
  return (r.json as { error_code?: unknown } | undefined)?.error_code;
}

function messageOf(r: Reply): string {
  const j = r.json as { message?: unknown; error?: { message?: unknown } } | undefined;
  return String(j?.message ?? j?.error?.message ?? "");
}

/** A structural check of an OpenAPI 3.0 document: the parts a generator or a reader needs, and every $ref resolving. */
function checkOpenApi3(doc: Record<string, unknown>): void {
  assert.match(String(doc["openapi"]), /^3\.0\.\d+$/);
  const info = doc["info"] as Record<string, unknown>;
  assert.equal(typeof info["title"], "string");
  assert.equal(typeof info["version"], "string");
  const paths = doc["paths"] as Record<string, Record<string, Record<string, unknown>>>;
  assert.ok(Object.keys(paths).length > 0);
  for (const [p, item] of Object.entries(paths)) {
    assert.ok(p.startsWith("/"), p);
    for (const [method, op] of Object.entries(item)) {
      assert.ok(["get", "put", "post", "delete", "patch", "head", "options", "trace"].includes(method), method);
      assert.ok(op["responses"] && typeof op["responses"] === "object", `${p} ${method} has responses`);
    }
  }
  const components = doc["components"] as { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme?: string }> };
  assert.deepEqual(components.securitySchemes["bearerAuth"], { type: "http", scheme: "bearer", description: components.securitySchemes["bearerAuth"]?.["description" as "type"] });
  assert.deepEqual(doc["security"], [{ bearerAuth: [] }]);
  const text = JSON.stringify(doc);
  for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(m[1] && m[1] in components.schemas, `$ref ${m[1]} resolves`);
  // JSON Schema keywords OpenAPI 3.0 does not have.
  for (const k of ['"$schema"', '"const"', '"$defs"', '"type":"null"']) assert.ok(!text.includes(k), `no ${k}`);
}

describe("real clients' wire: MLflow deployments client and the Databricks SDK", () => {
  let rt: Runtime;
  let mock: MockOpenAI;
  let api: Client;
  const logs: string[] = [];
  const externalModel = (key = "sk-wire-key") => ({
    name: "gpt-4o-mini",
    provider: "openai",
    task: "llm/v1/chat",
    openai_config: { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: key },
  });

  before(async () => {
    mock = await startMockOpenAI();
    const logger = pino({ level: "info" }, { write: (s: string) => void logs.push(s) });
    rt = await startRuntime({ port: 0, dataDir: tempDir(), logger, env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
  });
  after(async () => {
    await rt.close();
    await mock.close();
  });

  it("MLflow create_endpoint/list_endpoints: POST and GET on …/serving-endpoints/ behave as without the slash", async () => {
    // create_endpoint(name=…, config=…) — the legacy form: {name, config, route_optimized}.
    const payload = { name: "mlflow-chat", config: { served_entities: [{ external_model: externalModel() }] }, route_optimized: false };
    const created = await api.call("POST", "/api/2.0/serving-endpoints/", payload, MLFLOW);
    assert.equal(created.status, 200, created.text);
    assert.equal((created.json as { name: string }).name, "mlflow-chat");
    const dup = await api.call("POST", "/api/2.0/serving-endpoints/", payload, MLFLOW);
    assert.equal(dup.status, 409, dup.text);
    assert.equal(errorCode(dup), "RESOURCE_ALREADY_EXISTS");
    const dupNoSlash = await api.call("POST", "/api/2.0/serving-endpoints", payload);
    assert.equal(dupNoSlash.status, 409);
    // create_endpoint(config={full payload}) — the new form; tags at the top.
    const full = { name: "mlflow-chat-2", config: { served_entities: [{ external_model: externalModel() }] }, tags: [{ key: "team", value: "ml" }] };
    assert.equal((await api.call("POST", "/api/2.0/serving-endpoints/", full, MLFLOW)).status, 200);

    const withSlash = await api.call("GET", "/api/2.0/serving-endpoints/", undefined, MLFLOW);
    const without = await api.call("GET", "/api/2.0/serving-endpoints");
    assert.equal(withSlash.status, 200, withSlash.text);
    assert.deepEqual(withSlash.json, without.json);
    assert.deepEqual(((withSlash.json as { endpoints: Array<{ name: string }> }).endpoints).map((e) => e.name), ["mlflow-chat", "mlflow-chat-2"]);
  });

  it("MLflow's other calls: get, update config, tags, predict, predict_stream, delete (no body)", async () => {
    const got = await api.call("GET", "/api/2.0/serving-endpoints/mlflow-chat", undefined, MLFLOW);
    assert.equal(got.status, 200);
    const put = await api.call("PUT", "/api/2.0/serving-endpoints/mlflow-chat/config", { served_entities: [{ external_model: externalModel() }] }, MLFLOW);
    assert.equal(put.status, 200, put.text);
    const tags = await api.call("PATCH", "/api/2.0/serving-endpoints/mlflow-chat/tags", { add_tags: [{ key: "project", value: "test" }] }, MLFLOW);
    assert.deepEqual(tags.json, { tags: [{ key: "project", value: "test" }] });
    // predict: posixpath.join("/", "serving-endpoints", "mlflow-chat/invocations").
    const p = await api.call("POST", "/serving-endpoints/mlflow-chat/invocations", { messages: [{ role: "user", content: "Hello!" }] }, MLFLOW);
    assert.equal(p.status, 200, p.text);
    // predict_stream: every non-empty line must be `data: …` (MLflow raises on any other line), ending with [DONE].
    const s = await api.call("POST", "/serving-endpoints/mlflow-chat/invocations", { messages: [{ role: "user", content: "Hello!" }], stream: true }, MLFLOW);
    const lines = s.text.split("\n").map((l) => l.trim()).filter(Boolean);
    assert.ok(lines.length > 1);
    for (const l of lines) assert.ok(l.startsWith("data:"), l);
    assert.equal(lines.at(-1), "data: [DONE]");
    // delete_endpoint: DELETE with no body and no content type.
    const res = await fetch(`${rt.url}/api/2.0/serving-endpoints/mlflow-chat-2`, { method: "DELETE", headers: { authorization: bearer(ADMIN), ...MLFLOW } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
  });

  it("every route family answers the same with one trailing slash; HEAD answers where GET does", async () => {
    const pairs: Array<[string, string, unknown]> = [
      ["GET", "/api/2.0/serving-endpoints/mlflow-chat", undefined],
      ["GET", "/api/2.0/secrets/scopes/list", undefined],
      ["GET", "/api/2.0/preview/scim/v2/Me", undefined],
      ["GET", "/api/2.0/token/list", undefined],
      ["GET", "/api/2.0/permissions/serving-endpoints/mlflow-chat", undefined],
      ["GET", "/serving-endpoints/models", undefined],
      ["GET", "/v1/models", undefined],
      ["POST", "/serving-endpoints/chat/completions", { model: "mlflow-chat", messages: [{ role: "user", content: "x" }] }],
      ["POST", "/v1/chat/completions", { model: "mlflow-chat", messages: [{ role: "user", content: "x" }] }],
      ["POST", "/serving-endpoints/mlflow-chat/invocations", { messages: [{ role: "user", content: "x" }] }],
      ["POST", "/serving-endpoints/embeddings", { model: "mlflow-chat", input: "x" }],
    ];
    for (const [method, path, body] of pairs) {
      const a = await api.call(method, path, body);
      const b = await api.call(method, `${path}/`, body);
      assert.equal(b.status, a.status, `${method} ${path}/`);
      assert.ok(a.status < 500, `${method} ${path}: ${a.status}`);
    }
    const health = await fetch(`${rt.url}/health/`);
    assert.equal(health.status, 200, "a public path stays public with a slash");
    for (const path of ["/api/2.0/serving-endpoints", "/api/2.0/serving-endpoints/", "/api/2.0/serving-endpoints/mlflow-chat/openapi"]) {
      const head = await fetch(rt.url + path, { method: "HEAD", headers: { authorization: bearer(ADMIN) } });
      assert.equal(head.status, 200, `HEAD ${path}`);
      assert.equal(await head.text(), "");
    }
  });

  it("an empty endpoint name is never looked up; an unknown path is a 404 'No route'", async () => {
    for (const [method, path] of [
      ["POST", "/serving-endpoints//invocations"],
      ["GET", "/api/2.0/serving-endpoints//openapi"],
      ["DELETE", "/api/2.0/serving-endpoints//"],
      ["GET", "/api/2.0/serving-endpoints/mlflow-chat/no-such-thing"],
    ] as const) {
      const r = await api.call(method, path, method === "POST" ? { messages: [] } : undefined);
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(errorCode(r), "RESOURCE_DOES_NOT_EXIST");
      assert.match(messageOf(r), /^No route for /, `${method} ${path}: ${messageOf(r)}`);
    }
  });

  it("get_open_api: an OpenAPI 3 document of the endpoint's query API, however the SDK asks", async () => {
    const r = await api.call("GET", "/api/2.0/serving-endpoints/mlflow-chat/openapi", undefined, { accept: "text/plain" });
    assert.equal(r.status, 200, r.text);
    const doc = JSON.parse(r.text) as Record<string, unknown>;
    checkOpenApi3(doc);
    const paths = Object.keys(doc["paths"] as object);
    assert.deepEqual(paths.sort(), ["/serving-endpoints/chat/completions", "/serving-endpoints/mlflow-chat/invocations", "/v1/chat/completions"]);
    assert.deepEqual(doc["servers"], [{ url: rt.url }]);
    const schemas = (doc["components"] as { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> }).schemas;
    assert.deepEqual(schemas["Request"]?.required, ["messages"], "the query validation's own required fields");
    assert.ok(schemas["Request"]?.properties?.["temperature"], "and its parameters");
    assert.ok(schemas["Response"]?.required?.includes("choices"));
    assert.ok(schemas["Chunk"], "a chat endpoint streams");
    const missing = await api.call("GET", "/api/2.0/serving-endpoints/nope/openapi");
    assert.equal(missing.status, 404);
    assert.match(messageOf(missing), /Endpoint with name 'nope' does not exist/);
  });

  it("each known Databricks route Tessera does not serve is a 501 in the Databricks shape, naming the route", async () => {
    const routes: Array<[string, string, unknown, RegExp]> = [
      ["GET", "/api/2.0/serving-endpoints/mlflow-chat/served-models/gpt-4o-mini/build-logs", undefined, /served-models\/\{served_model_name\}\/build-logs/],
      ["GET", "/api/2.0/serving-endpoints/mlflow-chat/served-models/gpt-4o-mini/logs", undefined, /served-models\/\{served_model_name\}\/logs/],
      ["PATCH", "/api/2.0/serving-endpoints/mlflow-chat/notifications", { email_notifications: { on_update_success: ["a@b.c"] } }, /PATCH \/api\/2\.0\/serving-endpoints\/\{name\}\/notifications/],
      ["PATCH", "/api/2.0/serving-endpoints/mlflow-chat/telemetry-config", {}, /telemetry-config/],
      ["POST", "/api/2.0/serving-endpoints/pt", { name: "pt", config: {} }, /POST \/api\/2\.0\/serving-endpoints\/pt/],
      ["PUT", "/api/2.0/serving-endpoints/pt/mlflow-chat/config", { config: {} }, /pt\/\{name\}\/config/],
      ["POST", "/api/2.0/external-function", { connection_name: "c", method: "GET", path: "/" }, /external-function/],
      // token_management.get_permissions / set_permissions / get_permission_levels, and any other object type.
      ["GET", "/api/2.0/permissions/authorization/tokens", undefined, /permissions\/\{request_object_type\}/],
      ["PUT", "/api/2.0/permissions/authorization/tokens", { access_control_list: [] }, /serving-endpoints only/],
      ["PATCH", "/api/2.0/permissions/clusters/0123", { access_control_list: [] }, /serving-endpoints only/],
      ["GET", "/api/2.0/permissions/authorization/tokens/permissionLevels", undefined, /permissionLevels/],
    ];
    for (const [method, path, body, names] of routes) {
      for (const p of [path, `${path}/`]) {
        const r = await api.call(method, p, body);
        assert.equal(r.status, 501, `${method} ${p}: ${r.text}`);
        assert.equal(errorCode(r), "NOT_IMPLEMENTED");
        assert.match(messageOf(r), names);
        assert.ok(Array.isArray((r.json as { details?: unknown }).details), "Databricks shape");
      }
    }
    const missing = await api.call("GET", "/api/2.0/serving-endpoints/nope/served-models/x/build-logs");
    assert.equal(missing.status, 404, "the endpoint is resolved first");
    assert.match(messageOf(missing), /Endpoint with name 'nope' does not exist/);
  });

  it("create_scope's initial_manage_principal gets MANAGE instead of the creator; an unknown one is a 400 naming the field", async () => {
    const created = await api.call("POST", "/api/2.0/secrets/scopes/create", { scope: "team-scope", scope_backend_type: "DATABRICKS", initial_manage_principal: "admins" });
    assert.equal(created.status, 200, created.text);
    const acls = await api.call("GET", "/api/2.0/secrets/acls/list?scope=team-scope");
    assert.deepEqual(acls.json, { items: [{ principal: "admins", permission: "MANAGE" }] });
    const unknown = await api.call("POST", "/api/2.0/secrets/scopes/create", { scope: "other-scope", initial_manage_principal: "users" });
    assert.equal(unknown.status, 400);
    assert.equal(errorCode(unknown), "INVALID_PARAMETER_VALUE");
    assert.match(messageOf(unknown), /no built-in 'users' group/);
    const listed = (await api.call("GET", "/api/2.0/secrets/scopes/list")).json as { scopes: Array<{ name: string }> };
    assert.ok(!listed.scopes.some((x) => x.name === "other-scope"), "nothing was created");
  });

  it("get_secret is off by default: 403 naming TESSERA_ALLOW_SECRET_READ, whatever the scope", async () => {
    assert.equal((await api.call("POST", "/api/2.0/secrets/scopes/create", { scope: "wire" })).status, 200);
    assert.equal((await api.call("POST", "/api/2.0/secrets/put", { scope: "wire", key: "k", string_value: "s3cret-value" })).status, 200);
    for (const q of ["scope=wire&key=k", "scope=nope&key=k", ""]) {
      const r = await api.call("GET", `/api/2.0/secrets/get?${q}`);
      assert.equal(r.status, 403, q);
      assert.equal(errorCode(r), "PERMISSION_DENIED");
      assert.match(messageOf(r), /Reading secret values through the API is disabled.*TESSERA_ALLOW_SECRET_READ=1/);
      assert.ok(!r.text.includes("s3cret-value"));
    }
  });
});

describe("get_secret with TESSERA_ALLOW_SECRET_READ=1", () => {
  let rt: Runtime;
  let admin: Client;
  const logs: string[] = [];

  before(async () => {
    const logger = pino({ level: "info" }, { write: (s: string) => void logs.push(s) });
    rt = await startRuntime({ port: 0, dataDir: tempDir(), logger, env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_ALLOW_SECRET_READ: "1", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    admin = new Client(rt.url, bearer(ADMIN));
  });
  after(() => rt.close());

  it("returns the value base64 to READ on the scope, and audits every read", async () => {
    await admin.call("POST", "/api/2.0/secrets/scopes/create", { scope: "readable" });
    await admin.call("POST", "/api/2.0/secrets/put", { scope: "readable", key: "api_key", string_value: "the-value-é" });
    const r = await admin.call("GET", "/api/2.0/secrets/get?scope=readable&key=api_key");
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { key: "api_key", value: Buffer.from("the-value-é", "utf8").toString("base64") });
    assert.ok(logs.some((l) => l.includes('"audit":"secrets/get"') && l.includes('"scope":"readable"') && l.includes('"key":"api_key"') && !l.includes("the-value")));

    const u = await admin.call("POST", "/api/2.0/preview/scim/v2/Users", { userName: "reader" });
    assert.equal(u.status, 201, u.text);
    const t = await admin.call("POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: "reader" });
    const reader = new Client(rt.url, bearer((t.json as { token_value: string }).token_value));
    const hidden = await reader.call("GET", "/api/2.0/secrets/get?scope=readable&key=api_key");
    assert.equal(hidden.status, 404, "no permission on the scope: answered as if it did not exist");
    assert.equal((await admin.call("POST", "/api/2.0/secrets/acls/put", { scope: "readable", principal: "reader", permission: "READ" })).status, 200);
    const read = await reader.call("GET", "/api/2.0/secrets/get?scope=readable&key=api_key");
    assert.equal(read.status, 200, read.text);
    assert.equal(Buffer.from((read.json as { value: string }).value, "base64").toString("utf8"), "the-value-é");
    const none = await reader.call("GET", "/api/2.0/secrets/get?scope=readable&key=missing");
    assert.equal(none.status, 404);
    assert.equal(errorCode(none), "RESOURCE_DOES_NOT_EXIST");
    const noKey = await reader.call("GET", "/api/2.0/secrets/get?scope=readable");
    assert.equal(noKey.status, 400);
  });
});
