/**
 * Bad input of every kind gets a clear 4xx in the right shape (Databricks on /api/2.0 and
 * invocations, OpenAI on the OpenAI-compatible routes), never a crash, never a 500 with
 * internals, never a secret in a message or a log line. Also: upstream faults and the
 * traffic split, through the real server.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { startMockOpenAI, type MockOpenAI } from "../../testing/mock-openai/index.js";
import { bearer, Client } from "../helpers/http.js";
import { startGateway, tempDir, type GatewayProcess } from "../helpers/gateway-process.js";

const ADMIN = "bad-input-admin-token-9";
const KEY = "sk-never-shown-anywhere-123";

function databricksError(json: unknown): { error_code: string; message: string } {
  const j = json as { error_code?: unknown; message?: unknown };
  assert.equal(typeof j.error_code, "string", JSON.stringify(json));
  assert.equal(typeof j.message, "string");
  return j as { error_code: string; message: string };
}

function openaiError(json: unknown): { message: string; type: string; code: string | null; param: string | null } {
  const e = (json as { error?: { message?: unknown; type?: unknown } }).error;
  assert.ok(e && typeof e.message === "string" && typeof e.type === "string", JSON.stringify(json));
  return e as { message: string; type: string; code: string | null; param: string | null };
}

describe("bad input, upstream faults and traffic split", () => {
  let mock: MockOpenAI;
  let gw: GatewayProcess;
  let api: Client;
  const entity = (name: string, model: string) => ({
    name,
    external_model: { name: model, provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: KEY } },
  });

  before(async () => {
    mock = await startMockOpenAI();
    gw = await startGateway(["--data-dir", tempDir(), "--max-body-bytes", "4096"], { TESSERA_ADMIN_TOKEN: ADMIN });
    api = new Client(gw.url, bearer(ADMIN));
    const r = await api.call("POST", "/api/2.0/serving-endpoints", { name: "chat", config: { served_entities: [entity("main", "gpt-4o-mini")] } });
    assert.equal(r.status, 200, r.text);
  });
  after(async () => {
    await gw.stop();
    await mock.close();
  });

  it("answers malformed JSON, wrong types, unknown endpoints, missing tokens and big bodies with 4xx", async () => {
    const cases: Array<[string, string, unknown, Record<string, string>, number, string]> = [
      ["POST", "/serving-endpoints/chat/invocations", "{not json", {}, 400, "MALFORMED_REQUEST"],
      ["POST", "/serving-endpoints/chat/invocations", { messages: "hi" }, {}, 400, "INVALID_PARAMETER_VALUE"],
      ["POST", "/serving-endpoints/chat/invocations", { messages: [{ role: "user", content: "x" }], temperature: "hot" }, {}, 400, "INVALID_PARAMETER_VALUE"],
      ["POST", "/serving-endpoints/nope/invocations", { messages: [{ role: "user", content: "x" }] }, {}, 404, "RESOURCE_DOES_NOT_EXIST"],
      ["GET", "/api/2.0/serving-endpoints/nope", undefined, {}, 404, "RESOURCE_DOES_NOT_EXIST"],
      ["GET", "/api/2.0/serving-endpoints", undefined, { authorization: "" }, 401, "UNAUTHENTICATED"],
      ["GET", "/api/2.0/serving-endpoints", undefined, { authorization: "Bearer wrong-token" }, 401, "UNAUTHENTICATED"],
      ["POST", "/serving-endpoints/chat/invocations", { messages: [{ role: "user", content: "x".repeat(5000) }] }, {}, 413, "BAD_REQUEST"],
      ["POST", "/api/2.0/serving-endpoints", { name: "bad name!", config: {} }, {}, 400, "INVALID_PARAMETER_VALUE"],
      ["POST", "/api/2.0/serving-endpoints", { name: "chat", config: { served_entities: [entity("main", "gpt-4o-mini")] } }, {}, 409, "RESOURCE_ALREADY_EXISTS"],
      ["POST", "/api/2.0/serving-endpoints", [1, 2], {}, 400, "INVALID_PARAMETER_VALUE"],
      ["GET", "/api/2.0/nothing-here", undefined, {}, 404, "RESOURCE_DOES_NOT_EXIST"],
    ];
    for (const [method, path, body, headers, status, code] of cases) {
      const r = await api.call(method, path, body, headers);
      assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
      assert.equal(databricksError(r.json).error_code, code, `${method} ${path}`);
      assert.doesNotMatch(r.text, /at [\w.]+ \(|node_modules/, "no stack traces");
    }
  });

  it("answers the OpenAI-compatible routes in OpenAI's error shape", async () => {
    const cases: Array<[string, unknown, Record<string, string>, number]> = [
      ["/serving-endpoints/chat/completions", "{bad", {}, 400],
      ["/serving-endpoints/chat/completions", { messages: [{ role: "user", content: "x" }] }, {}, 400],
      ["/serving-endpoints/chat/completions", { model: "nope", messages: [{ role: "user", content: "x" }] }, {}, 404],
      ["/v1/chat/completions", { model: "chat", messages: [] }, {}, 400],
      ["/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "x" }] }, { authorization: "Bearer nope" }, 401],
      ["/v1/embeddings", { model: "chat", input: "x" }, {}, 400],
      ["/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "y".repeat(5000) }] }, {}, 413],
    ];
    for (const [path, body, headers, status] of cases) {
      const r = await api.call("POST", path, body, headers);
      assert.equal(r.status, status, `${path}: ${r.text}`);
      openaiError(r.json);
    }
    const model = openaiError((await api.call("POST", "/v1/chat/completions", { messages: [{ role: "user", content: "x" }] })).json);
    assert.equal(model.param, "model");
  });

  it("validates endpoint configs field by field and keeps the old config serving after a failed update", async () => {
    const bad = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "x1",
      config: { served_entities: [{ external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_key: "not-a-ref" } } }] },
    });
    assert.equal(bad.status, 400);
    assert.match(databricksError(bad.json).message, /config\.served_entities\[0\]\.external_model\.openai_config\.openai_api_key/);
    const both = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "x2",
      config: { served_entities: [{ external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_key: "{{secrets/a/b}}", openai_api_key_plaintext: "sk-two" } } }] },
    });
    assert.match(databricksError(both.json).message, /not both/);
    const split = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "x3",
      config: { served_entities: [entity("a", "m1"), entity("b", "m2")], traffic_config: { routes: [{ served_entity_name: "a", traffic_percentage: 60 }, { served_entity_name: "b", traffic_percentage: 30 }] } },
    });
    assert.match(databricksError(split.json).message, /add up to 100/);
    const failed = await api.call("PUT", "/api/2.0/serving-endpoints/chat/config", { served_entities: [entity("main", "")] });
    assert.equal(failed.status, 400);
    const still = await api.call("POST", "/serving-endpoints/chat/invocations", { messages: [{ role: "user", content: "x" }] });
    assert.equal(still.status, 200);
    const ep = (await api.call("GET", "/api/2.0/serving-endpoints/chat")).json as { config: { config_version: number } };
    assert.equal(ep.config.config_version, 1);
  });

  it("keeps the upstream's status class and message, and Retry-After", async () => {
    await api.call("PUT", "/api/2.0/serving-endpoints/chat/config", {
      served_entities: [entity("main", "gpt-4o-mini")],
    });
    const mk = async (name: string, model: string) => api.call("POST", "/api/2.0/serving-endpoints", { name, config: { served_entities: [entity("e", model)] } });
    await mk("limited", "error-429");
    await mk("missing-model", "error-404");
    await mk("broken", "error-500");
    await mk("midstream", "midstream-error");
    await mk("cut", "truncated");
    const limited = await api.call("POST", "/serving-endpoints/limited/invocations", { messages: [{ role: "user", content: "x" }] });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "7");
    assert.equal(databricksError(limited.json).error_code, "REQUEST_LIMIT_EXCEEDED");
    const missing = await api.call("POST", "/serving-endpoints/missing-model/invocations", { messages: [{ role: "user", content: "x" }] });
    // An upstream 404 on the model is the gateway's own 400 naming the model and the entity,
    // so it does not read as the endpoint itself missing.
    assert.equal(missing.status, 400);
    assert.equal(databricksError(missing.json).error_code, "UPSTREAM_MODEL_NOT_FOUND");
    assert.match(databricksError(missing.json).message, /no model 'error-404' for served entity 'e'.*does not exist/);
    const broken = await api.call("POST", "/serving-endpoints/broken/invocations", { messages: [{ role: "user", content: "x" }] });
    assert.equal(broken.status, 500);

    const sdk = new OpenAI({ baseURL: `${gw.url}/serving-endpoints`, apiKey: ADMIN, maxRetries: 0 });
    await assert.rejects(sdk.chat.completions.create({ model: "limited", messages: [{ role: "user", content: "x" }] }), (e: unknown) => e instanceof OpenAI.RateLimitError);
    for (const name of ["midstream", "cut"]) {
      const stream = await sdk.chat.completions.create({ model: name, messages: [{ role: "user", content: "x" }], stream: true });
      await assert.rejects(
        (async () => {
          for await (const _ of stream) void _;
        })(),
        (e: unknown) => e instanceof OpenAI.APIError,
        `${name}: a failed stream is an error, never a clean end`,
      );
    }
  });

  it("splits traffic by traffic_percentage", async () => {
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "split",
      config: {
        served_entities: [entity("blue", "m-blue"), entity("green", "m-green"), entity("off", "m-off")],
        traffic_config: { routes: [{ served_entity_name: "blue", traffic_percentage: 50 }, { served_entity_name: "green", traffic_percentage: 50 }, { served_entity_name: "off", traffic_percentage: 0 }] },
      },
    });
    assert.equal(r.status, 200, r.text);
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const q = await api.call("POST", "/serving-endpoints/split/invocations", { messages: [{ role: "user", content: "x" }] });
      const n = q.headers.get("served-model-name") ?? "";
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    assert.equal(counts.get("off"), undefined);
    assert.ok((counts.get("blue") ?? 0) > 60 && (counts.get("green") ?? 0) > 60, JSON.stringify([...counts]));
  });

  it("is still alive, and neither answers nor logs the credential", async () => {
    assert.equal((await api.call("GET", "/health")).status, 200);
    for (const t of [...api.seen, gw.output()]) assert.ok(!t.includes(KEY));
  });
});
