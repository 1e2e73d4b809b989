/**
 * Rate limits through the running gateway (in process, limits in memory), with the
 * neutral OpenAI-wire mock upstream: calls per minute on an endpoint, the 429 in both
 * route families' shapes, token limits charged with the model's real usage, streams,
 * and `PUT …/ai-gateway` changing the limits of a live endpoint.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { tempDir } from "../helpers/gateway-process.js";
import { bearer, Client } from "../helpers/http.js";

const ADMIN = "rate-limits-admin-token-0123";
const chat = { messages: [{ role: "user", content: "Hi" }] };

describe("rate limits through the gateway", () => {
  let rt: Runtime;
  let mock: MockServer;
  let api: Client;

  const create = async (name: string, rate_limits: object[]) => {
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name,
      config: { served_entities: [{ external_model: { name: "mock-model", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${mock.url}/v1`, bearer_token_auth: { token_plaintext: "sk-mock" } } } }] },
      ai_gateway: { rate_limits },
    });
    assert.equal(r.status, 200, r.text);
  };
  const invoke = (name: string, body: object = chat) => api.call("POST", `/serving-endpoints/${name}/invocations`, body);

  before(async () => {
    mock = await startMockOpenAIWire();
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
  });
  after(async () => {
    await rt?.close();
    await mock?.close();
  });

  it("answers the 4th call of a 3-per-minute endpoint limit with 429 REQUEST_LIMIT_EXCEEDED and Retry-After", async () => {
    await create("calls-3", [{ calls: 3, key: "endpoint", renewal_period: "minute" }]);
    mock.reset();
    for (let i = 0; i < 3; i++) assert.equal((await invoke("calls-3")).status, 200);
    const r = await invoke("calls-3");
    assert.equal(r.status, 429, r.text);
    const retry = Number(r.headers.get("retry-after"));
    assert.ok(retry >= 19 && retry <= 20, `Retry-After ${retry}`);
    const body = r.json as { error_code: string; message: string };
    assert.equal(body.error_code, "REQUEST_LIMIT_EXCEEDED");
    assert.match(body.message, /^Rate limit of 3 calls per minute on endpoint calls-3 exceeded\. Retry in \d+ s\.$/);
    assert.equal(mock.requests.length, 3, "the refused call never reached the model");
  });

  it("answers the OpenAI routes in the OpenAI shape, which the SDK reads as a RateLimitError", async () => {
    const r = await api.call("POST", "/serving-endpoints/chat/completions", { model: "calls-3", ...chat });
    assert.equal(r.status, 429);
    assert.ok(r.headers.get("retry-after"));
    const body = r.json as { error: { type: string; code: string; message: string } };
    assert.equal(body.error.type, "rate_limit_error");
    assert.equal(body.error.code, "REQUEST_LIMIT_EXCEEDED");
    assert.match(body.error.message, /Rate limit of 3 calls per minute/);
    const sdk = new OpenAI({ baseURL: `${rt.url}/serving-endpoints`, apiKey: ADMIN, maxRetries: 0 });
    await assert.rejects(sdk.chat.completions.create({ model: "calls-3", messages: [{ role: "user", content: "Hi" }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.ok(e.headers.get("retry-after"));
      return true;
    });
  });

  it("limits per user: the admin has its own budget and is not exempt", async () => {
    await create("per-user", [{ calls: 2, key: "user", renewal_period: "minute" }]);
    assert.equal((await invoke("per-user")).status, 200);
    assert.equal((await invoke("per-user")).status, 200);
    const r = await invoke("per-user");
    assert.equal(r.status, 429);
    assert.match((r.json as { message: string }).message, /for user admin on endpoint per-user/);
  });

  it("charges a token limit with the model's real usage", async () => {
    await create("tokens-100", [{ tokens: 100, key: "user", renewal_period: "minute" }]);
    mock.reset();
    mock.enqueue({ text: "a long answer", usage: { prompt: 10, completion: 150 } });
    assert.equal((await invoke("tokens-100")).status, 200, "the first request fits its estimate");
    const r = await invoke("tokens-100");
    assert.equal(r.status, 429, "160 tokens used of 100: in debt");
    assert.match((r.json as { message: string }).message, /Rate limit of 100 tokens per minute for user admin/);
    // 160 used of 100, and this request's estimate of 8 (its 32 characters of messages / 4) must fit: 68 tokens at 0.6 s each.
    assert.equal(r.headers.get("retry-after"), "41");
    assert.equal(mock.requests.length, 1);
  });

  it("gives back what a request reserved but did not use", async () => {
    // A prompt estimated at ~75 tokens reserves them; the model reports 5, so the next fits.
    await create("tokens-refund", [{ tokens: 100, key: "endpoint", renewal_period: "minute" }]);
    const long = { messages: [{ role: "user", content: "x".repeat(260) }] };
    for (let i = 0; i < 4; i++) {
      mock.enqueue({ text: "ok", usage: { prompt: 3, completion: 2 } });
      const r = await invoke("tokens-refund", long);
      assert.equal(r.status, 200, `request ${i}: ${r.text}`);
    }
  });

  it("counts a stream, and charges it when it ends with the usage it reported", async () => {
    await create("stream-tokens", [{ tokens: 50, calls: 5, key: "endpoint", renewal_period: "minute" }]);
    mock.enqueue({ text: "streamed answer", usage: { prompt: 20, completion: 80 } });
    const res = await fetch(`${rt.url}/serving-endpoints/stream-tokens/invocations`, {
      method: "POST",
      headers: { authorization: bearer(ADMIN), "content-type": "application/json" },
      body: JSON.stringify({ ...chat, stream: true }),
    });
    assert.equal(res.status, 200);
    await res.text();
    await new Promise((r) => setTimeout(r, 20));
    const r = await invoke("stream-tokens");
    assert.equal(r.status, 429);
    assert.match((r.json as { message: string }).message, /50 tokens per minute/);
  });

  it("applies a PUT …/ai-gateway at once: raised, then removed", async () => {
    await create("changing", [{ calls: 1, key: "endpoint", renewal_period: "minute" }]);
    assert.equal((await invoke("changing")).status, 200);
    assert.equal((await invoke("changing")).status, 429);
    const put = await api.call("PUT", "/api/2.0/serving-endpoints/changing/ai-gateway", { rate_limits: [{ calls: 3, key: "endpoint", renewal_period: "minute" }] });
    assert.equal(put.status, 200, put.text);
    for (let i = 0; i < 3; i++) assert.equal((await invoke("changing")).status, 200, `call ${i} under the new limit`);
    assert.equal((await invoke("changing")).status, 429);
    assert.equal((await api.call("PUT", "/api/2.0/serving-endpoints/changing/ai-gateway", { rate_limits: [] })).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await invoke("changing")).status, 200);
    const legacy = await api.call("PUT", "/api/2.0/serving-endpoints/changing/rate-limits", { rate_limits: [{ calls: 2, key: "endpoint", renewal_period: "minute" }] });
    assert.equal(legacy.status, 200, legacy.text);
    assert.equal((await invoke("changing")).status, 200);
    assert.equal((await invoke("changing")).status, 200);
    assert.equal((await invoke("changing")).status, 429, "the deprecated route's limits apply too");
  });

  it("a limit of 0 closes the endpoint", async () => {
    await create("closed", [{ calls: 0, key: "endpoint", renewal_period: "minute" }]);
    const r = await invoke("closed");
    assert.equal(r.status, 429);
    assert.equal(r.headers.get("retry-after"), "60");
  });
});
