/**
 * Prometheus metrics through the running gateway: `GET /metrics` after traffic (requests,
 * errors, tokens, durations, rate-limit rejections, per endpoint and served entity), and
 * `GET /api/2.0/serving-endpoints/{name}/metrics` holding only that endpoint's series.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";

const ADMIN = "metrics-e2e-admin-token-55";

/** The value of the sample `name{labels}` in a Prometheus text, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("metrics", () => {
  let rt: Runtime;
  let mock: MockServer;
  let api: Client;
  const chat = { messages: [{ role: "user", content: "count me" }] };

  before(async () => {
    mock = await startMockOpenAIWire();
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
    const external_model = { name: "gpt-mock", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: "sk-metrics-key-123" } };
    for (const [name, ai_gateway] of [
      ["m-main", undefined],
      ["m-other", { usage_tracking_config: { enabled: true } }],
      ["m-limited", { rate_limits: [{ calls: 1, key: "endpoint", renewal_period: "minute" }] }],
    ] as const) {
      const r = await api.call("POST", "/api/2.0/serving-endpoints", { name, config: { served_entities: [{ name: "primary", external_model }] }, ...(ai_gateway ? { ai_gateway } : {}) });
      assert.equal(r.status, 200, r.text);
    }
    mock.enqueue({ text: "a", usage: { prompt: 10, completion: 4 } }, { text: "b", usage: { prompt: 6, completion: 2 } }, { error: { status: 500, message: "boom" } });
    assert.equal((await api.call("POST", "/serving-endpoints/m-main/invocations", chat)).status, 200);
    assert.equal((await api.call("POST", "/serving-endpoints/m-main/invocations", { ...chat, stream: true })).status, 200);
    assert.ok((await api.call("POST", "/serving-endpoints/m-main/invocations", chat)).status >= 500);
    assert.equal((await api.call("POST", "/serving-endpoints/m-other/invocations", chat)).status, 200);
    assert.equal((await api.call("POST", "/serving-endpoints/m-limited/invocations", chat)).status, 200);
    assert.equal((await api.call("POST", "/serving-endpoints/m-limited/invocations", chat)).status, 429);
  });

  after(async () => {
    await rt?.close();
    await mock?.close();
  });

  it("serves every request's metrics at /metrics in the Prometheus text format", async () => {
    const r = await api.call("GET", "/metrics");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const t = r.text;
    const main = 'endpoint="m-main",served_entity="primary"';
    assert.equal(sample(t, "tessera_requests_total", `${main},status_class="2xx"`), 2);
    // A failed call carries no served entity (the pipeline names only the entity that answered).
    const failed = 'endpoint="m-main",served_entity=""';
    assert.equal(sample(t, "tessera_requests_total", `${failed},status_class="5xx"`), 1);
    assert.equal(sample(t, "tessera_errors_total", `${failed},code="UPSTREAM_ERROR"`), 1);
    assert.equal(sample(t, "tessera_tokens_total", `${main},type="input"`), 16);
    assert.equal(sample(t, "tessera_tokens_total", `${main},type="output"`), 6);
    assert.equal(sample(t, "tessera_request_duration_seconds_count", main), 2);
    assert.equal(sample(t, "tessera_request_duration_seconds_bucket", `le="+Inf",${main}`), 2);
    assert.equal(sample(t, "tessera_request_duration_seconds_count", failed), 1);
    assert.equal(sample(t, "tessera_requests_total", 'endpoint="m-other",served_entity="primary",status_class="2xx"'), 1, "counted whether or not usage is tracked");
    assert.equal(sample(t, "tessera_rate_limit_rejections_total", 'endpoint="m-limited"'), 1);
    assert.equal(sample(t, "tessera_requests_total", 'endpoint="m-limited",served_entity="",status_class="4xx"'), 1);
    assert.match(t, /^# TYPE tessera_request_duration_seconds histogram$/m);
    assert.match(t, /^tessera_usage_buffered_records \d+$/m);
    assert.match(t, /^tessera_usage_records_dropped_total 0$/m);
    assert.doesNotMatch(t, /admin/, "no requester in any label");
  });

  it("serves one endpoint's series at /api/2.0/serving-endpoints/{name}/metrics", async () => {
    const r = await api.call("GET", "/api/2.0/serving-endpoints/m-main/metrics");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(r.text, "tessera_requests_total", 'endpoint="m-main",served_entity="primary",status_class="2xx"'), 2);
    assert.equal(sample(r.text, "tessera_request_duration_seconds_count", 'endpoint="m-main",served_entity="primary"'), 2);
    assert.equal(sample(r.text, "tessera_errors_total", 'endpoint="m-main",served_entity="",code="UPSTREAM_ERROR"'), 1);
    assert.match(r.text, /^# HELP tessera_tokens_total /m);
    assert.doesNotMatch(r.text, /m-other|m-limited/);
    assert.doesNotMatch(r.text, /tessera_usage_buffered_records/);
    const none = await api.call("GET", "/api/2.0/serving-endpoints/m-never-called/metrics");
    assert.doesNotMatch(none.text, /^tessera_requests_total\{/m);
  });

  it("needs a token", async () => {
    const anon = new Client(rt.url, undefined);
    assert.equal((await anon.call("GET", "/metrics")).status, 401);
    assert.equal((await anon.call("GET", "/api/2.0/serving-endpoints/m-main/metrics")).status, 401);
  });
});
