/**
 * The Databricks control plane in process (startRuntime on port 0): shapes, versions,
 * tags, AI gateway, plaintext credentials kept or replaced, secrets in use.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startRuntime, type Runtime } from "../src/runtime.js";
import { startMockOpenAI, type MockOpenAI } from "../testing/mock-openai/index.js";
import { bearer, Client } from "./helpers/http.js";
import { tempDir } from "./helpers/gateway-process.js";

const ADMIN = "control-plane-admin-token";

describe("serving-endpoints control plane", () => {
  let rt: Runtime;
  let mock: MockOpenAI;
  let api: Client;
  const oa = (extra: object = {}) => ({ openai_api_base: `${mock.url}/v1`, ...extra });

  before(async () => {
    mock = await startMockOpenAI();
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
  });
  after(async () => {
    await rt.close();
    await mock.close();
  });

  it("creates an endpoint in the Databricks shape", async () => {
    const before = Date.now();
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "shape",
      description: "d",
      tags: [{ key: "team", value: "ml" }],
      config: { name: "ignored", served_entities: [{ external_model: { name: "gpt-4.1:mini", provider: "openai", task: "llm/v1/chat", openai_config: oa({ openai_api_key_plaintext: "sk-shape-key" }) } }] },
    }, { "X-Databricks-Endpoints-API-Client": "Databricks SDK" });
    assert.equal(r.status, 200, r.text);
    const ep = r.json as Record<string, unknown> & { config: { served_entities: Array<Record<string, unknown>>; traffic_config: unknown; config_version: number }; state: unknown };
    assert.equal(ep["name"], "shape");
    assert.equal(typeof ep["id"], "string");
    assert.equal(ep["creator"], "admin");
    assert.ok((ep["creation_timestamp"] as number) >= before && (ep["creation_timestamp"] as number) < before + 60_000, "timestamps in ms");
    assert.equal(ep["task"], "llm/v1/chat");
    assert.deepEqual(ep.state, { ready: "READY", config_update: "NOT_UPDATING" });
    assert.equal(ep.config.config_version, 1);
    assert.equal(ep.config.served_entities[0]?.["name"], "gpt-4-1-mini");
    assert.deepEqual(ep.config.traffic_config, { routes: [{ served_entity_name: "gpt-4-1-mini", traffic_percentage: 100 }] });
    assert.ok(!r.text.includes("sk-shape-key"));
    const list = (await api.call("GET", "/api/2.0/serving-endpoints")).json as { endpoints: Array<{ name: string }> };
    assert.ok(list.endpoints.some((e) => e.name === "shape"));
  });

  it("increments config_version on every config change and keeps a redacted plaintext credential", async () => {
    const got = (await api.call("GET", "/api/2.0/serving-endpoints/shape")).json as { config: { served_entities: Array<{ name: string; external_model: Record<string, unknown> }> } };
    const entities = got.config.served_entities.map((e) => ({ name: e.name, external_model: e.external_model }));
    const r = await api.call("PUT", "/api/2.0/serving-endpoints/shape/config", { served_entities: entities });
    assert.equal(r.status, 200, r.text);
    assert.equal((r.json as { config: { config_version: number } }).config.config_version, 2);
    mock.reset();
    assert.equal((await api.call("POST", "/serving-endpoints/shape/invocations", { messages: [{ role: "user", content: "x" }] })).status, 200);
    assert.equal(mock.requests.at(-1)?.headers["authorization"], "Bearer sk-shape-key", "the redacted marker kept the stored key");
    const changed = await api.call("PUT", "/api/2.0/serving-endpoints/shape/config", {
      served_entities: [{ external_model: { name: "gpt-4.1:mini", provider: "openai", task: "llm/v1/chat", openai_config: oa({ openai_api_key_plaintext: "sk-new-key" }) } }],
    });
    assert.equal((changed.json as { config: { config_version: number } }).config.config_version, 3);
    mock.reset();
    await api.call("POST", "/serving-endpoints/shape/invocations", { messages: [{ role: "user", content: "x" }] });
    assert.equal(mock.requests.at(-1)?.headers["authorization"], "Bearer sk-new-key");
    const other = await api.call("PUT", "/api/2.0/serving-endpoints/shape/config", {
      served_entities: [{ name: "brand-new", external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: oa({ openai_api_key_plaintext: "[REDACTED]" }) } }],
    });
    assert.equal(other.status, 400, "nothing stored to keep for a new entity");
    const taskChange = await api.call("PUT", "/api/2.0/serving-endpoints/shape/config", {
      served_entities: [{ external_model: { name: "m", provider: "openai", task: "llm/v1/embeddings", openai_config: oa({ openai_api_key_plaintext: "k-123" }) } }],
    });
    assert.equal(taskChange.status, 400);
  });

  it("keeps a redacted credential only while it goes where it went: a changed destination needs it again (400 naming the field)", async () => {
    const custom = (url: string, token: string) => ({
      served_entities: [{ name: "c", external_model: { name: "m", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: url, bearer_token_auth: { token_plaintext: token } } } }],
    });
    assert.equal((await api.call("POST", "/api/2.0/serving-endpoints", { name: "dest", config: custom(`${mock.url}/v1`, "sk-dest-key") })).status, 200);
    // The same destination: the stored key is kept.
    const same = await api.call("PUT", "/api/2.0/serving-endpoints/dest/config", custom(`${mock.url}/v1`, "[REDACTED]"));
    assert.equal(same.status, 200, same.text);
    const moved = await api.call("PUT", "/api/2.0/serving-endpoints/dest/config", custom("http://127.0.0.1:9/steal", "[REDACTED]"));
    assert.equal(moved.status, 400, moved.text);
    const err = moved.json as { error_code: string; message: string; details: Array<{ field_violations?: Array<{ field: string }> }> };
    assert.equal(err.error_code, "INVALID_PARAMETER_VALUE");
    assert.match(err.message, /bearer_token_auth\.token_plaintext must be given again/);
    assert.match(err.message, /custom_provider_config\.custom_provider_url changed/);
    assert.ok(!moved.text.includes("sk-dest-key"));
    // Nothing changed: the stored key still goes to the old destination only.
    mock.reset();
    assert.equal((await api.call("POST", "/serving-endpoints/dest/invocations", { messages: [{ role: "user", content: "x" }] })).status, 200);
    assert.equal(mock.requests.at(-1)?.headers["authorization"], "Bearer sk-dest-key");
    // Another provider under the same entity name is another destination too.
    const otherProvider = await api.call("PUT", "/api/2.0/serving-endpoints/dest/config", {
      served_entities: [{ name: "c", external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: oa({ openai_api_key_plaintext: "[REDACTED]" }) } }],
    });
    assert.equal(otherProvider.status, 400, otherProvider.text);
    // Giving the credential again moves it.
    const given = await api.call("PUT", "/api/2.0/serving-endpoints/dest/config", custom(`${mock.url}/v1/`, "sk-dest-key-2"));
    assert.equal(given.status, 200, given.text);
    // The OpenAI default base, left out or spelled out, is the same destination.
    const oaEp = (extra: object) => ({ served_entities: [{ name: "o", external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: extra } }] });
    assert.equal((await api.call("POST", "/api/2.0/serving-endpoints", { name: "dest-oa", config: oaEp({ openai_api_key_plaintext: "sk-oa" }) })).status, 200);
    const spelled = await api.call("PUT", "/api/2.0/serving-endpoints/dest-oa/config", oaEp({ openai_api_base: "https://api.openai.com/v1", openai_api_type: "openai", openai_api_key_plaintext: "[REDACTED]" }));
    assert.equal(spelled.status, 200, spelled.text);
    const azure = await api.call(
      "PUT",
      "/api/2.0/serving-endpoints/dest-oa/config",
      oaEp({ openai_api_type: "azure", openai_api_base: "https://evil.example", openai_deployment_name: "d", openai_api_version: "2024-02-01", openai_api_key_plaintext: "[REDACTED]" }),
    );
    assert.equal(azure.status, 400, azure.text);
    assert.match((azure.json as { message: string }).message, /openai_config\.openai_api_type changed/);
  });

  it("patches tags and stores the AI gateway block", async () => {
    const t = await api.call("PATCH", "/api/2.0/serving-endpoints/shape/tags", { add_tags: [{ key: "env", value: "prod" }], delete_tags: ["team"] });
    assert.deepEqual(t.json, { tags: [{ key: "env", value: "prod" }] });
    const gwCfg = { usage_tracking_config: { enabled: true }, rate_limits: [{ calls: 10, key: "user", renewal_period: "minute" }], guardrails: { input: { pii: { behavior: "BLOCK" } } } };
    const put = await api.call("PUT", "/api/2.0/serving-endpoints/shape/ai-gateway", gwCfg);
    assert.deepEqual(put.json, gwCfg);
    const ep = (await api.call("GET", "/api/2.0/serving-endpoints/shape")).json as { ai_gateway: unknown };
    assert.deepEqual(ep.ai_gateway, gwCfg);
    const bad = await api.call("PUT", "/api/2.0/serving-endpoints/shape/ai-gateway", { rate_limits: [{ calls: -1, renewal_period: "minute" }] });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { message: string }).message, /rate_limits\[0\]\.calls/);
  });

  it("keeps secrets write-only and refuses to delete one in use", async () => {
    await api.call("POST", "/api/2.0/secrets/scopes/create", { scope: "s" });
    assert.equal((await api.call("POST", "/api/2.0/secrets/scopes/create", { scope: "s" })).status, 409);
    await api.call("POST", "/api/2.0/secrets/put", { scope: "s", key: "k", string_value: "sk-write-only" });
    await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "uses-secret",
      config: { served_entities: [{ external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: oa({ openai_api_key: "{{secrets/s/k}}" }) } }] },
    });
    const del = await api.call("POST", "/api/2.0/secrets/delete", { scope: "s", key: "k" });
    assert.equal(del.status, 400);
    assert.match((del.json as { message: string }).message, /uses-secret/);
    await api.call("POST", "/api/2.0/secrets/put", { scope: "s", key: "k", string_value: "sk-rotated" });
    mock.reset();
    await api.call("POST", "/serving-endpoints/uses-secret/invocations", { messages: [{ role: "user", content: "x" }] });
    assert.equal(mock.requests.at(-1)?.headers["authorization"], "Bearer sk-rotated", "a rotated secret takes effect at once");
    const missingRef = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "dangling",
      config: { served_entities: [{ external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: oa({ openai_api_key: "{{secrets/s/nope}}" }) } }] },
    });
    assert.equal(missingRef.status, 400);
    assert.equal((await api.call("GET", "/api/2.0/secrets/scopes/list")).text, JSON.stringify({ scopes: [{ name: "s", backend_type: "TESSERA" }] }));
    const listed = await api.call("GET", "/api/2.0/secrets/list?scope=s");
    assert.ok(!listed.text.includes("sk-"));
    assert.equal((await api.call("DELETE", "/api/2.0/serving-endpoints/uses-secret")).text, "{}");
    assert.equal((await api.call("POST", "/api/2.0/secrets/delete", { scope: "s", key: "k" })).status, 200);
    for (const t of api.seen) assert.ok(!t.includes("sk-write-only") && !t.includes("sk-rotated") && !t.includes("sk-new-key"));
  });
});
