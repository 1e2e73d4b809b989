/**
 * Rows, metrics and the service: what a request record becomes in the store and in
 * Prometheus, estimates included; and that recording never throws and close() drains.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pino } from "pino";
import type { AiGatewayConfig } from "../config/ai-gateway.js";
import type { Principal } from "../auth/principal.js";
import type { LiveEndpoint, LiveEntity } from "../gateway/live-endpoints.js";
import type { RequestRecord } from "../gateway/policies.js";
import { openSqlite } from "../store/index.js";
import { createUsageService } from "./index.js";
import { GatewayMetrics } from "./metrics.js";
import { estimateFromChars, requestChars, responseChars } from "../gateway/estimate.js";
import { inferenceRow, MAX_PAYLOAD_BYTES, tokensOf, usageRow } from "./rows.js";

const ALICE: Principal = { id: "7", kind: "user", name: "alice@example.com", displayName: "Alice", groups: [], admin: false };
const TRACKED: AiGatewayConfig = { usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true } };
const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

function endpoint(name: string, aiGateway?: AiGatewayConfig): LiveEndpoint {
  const entity = { name: `${name}-entity`, model: "m", provider: {} } as unknown as LiveEntity;
  return { id: `id-${name}`, name, task: "llm/v1/chat", entities: [entity], routes: [{ entity, upTo: 100 }], refs: [], ...(aiGateway ? { aiGateway } : {}) };
}

let seq = 0;
function record(over: Partial<RequestRecord> = {}): RequestRecord {
  const ep = over.endpoint ?? endpoint("chat", TRACKED);
  return {
    requestId: `req-${++seq}`,
    clientRequestId: undefined,
    endpoint: ep,
    entity: ep.entities[0],
    caller: ALICE,
    task: ep.task,
    startedAt: T0,
    latencyMs: 120,
    status: 200,
    errorCode: undefined,
    streamed: false,
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 2 } },
    request: { messages: [{ role: "user", content: "Hello there" }], usage_context: { team: "ml" } },
    response: { id: "c", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "General Kenobi" }, finish_reason: "stop" }] },
    rateLimited: false,
    ...over,
  };
}

const silent = pino({ level: "silent" });

describe("usage rows", () => {
  it("keeps the reported tokens, who, what and how", () => {
    const r = usageRow(record({ clientRequestId: "c-1", streamed: true }));
    assert.deepEqual(
      { ...r },
      {
        time: T0,
        endpoint_name: "chat",
        endpoint_id: "id-chat",
        served_entity: "chat-entity",
        requester: "alice@example.com",
        requester_kind: "user",
        client_request_id: "c-1",
        request_id: r.request_id,
        status_code: 200,
        error_code: null,
        latency_ms: 120,
        input_tokens: 11,
        output_tokens: 7,
        cached_tokens: 3,
        reasoning_tokens: 2,
        estimated: 0,
        streamed: 1,
        rate_limited: 0,
        usage_context: '{"team":"ml"}',
      },
    );
  });

  it("estimates (chars+1)/4 from the request and the response text when the model reports nothing", () => {
    const r = usageRow(record({ usage: undefined }));
    assert.equal(r.input_tokens, Math.floor(("Hello there".length + 1) / 4));
    assert.equal(r.output_tokens, Math.floor(("General Kenobi".length + 1) / 4));
    assert.equal(r.estimated, 1);
    assert.equal(estimateFromChars(0), 0);
    assert.equal(estimateFromChars(7), 2);
  });

  it("counts text in blocks, tool calls, prompts and embedding inputs", () => {
    assert.equal(requestChars({ messages: [{ role: "user", content: [{ type: "text", text: "abcd" }, { type: "image_url", image_url: { url: "data:x" } }] }] }), 4);
    assert.equal(requestChars({ messages: [{ role: "assistant", content: null, tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{}" } }] }] }), 3);
    assert.equal(requestChars({ prompt: ["ab", "cd"] }), 4);
    assert.equal(requestChars({ input: "hello" }), 5);
    assert.equal(responseChars({ choices: [{ index: 0, text: "xyz" }] }), 3);
    assert.equal(responseChars({ choices: [{ index: 0, message: { role: "assistant", content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "hm" }] }, { type: "text", text: "ok" }] } }] }), 4);
  });

  it("a failure with nothing answered used no tokens; embeddings have no output to estimate", () => {
    assert.deepEqual(tokensOf(record({ status: 502, errorCode: "UPSTREAM_ERROR", usage: undefined, response: undefined })), { input: 0, output: 0, cached: 0, reasoning: 0, estimated: false });
    const emb = tokensOf(record({ task: "llm/v1/embeddings", usage: { prompt_tokens: 5, total_tokens: 5 } }));
    assert.deepEqual(emb, { input: 5, output: 0, cached: 0, reasoning: 0, estimated: false });
    const partial = tokensOf(record({ status: 499, errorCode: "CLIENT_CLOSED", usage: undefined }));
    assert.equal(partial.estimated, true, "a stream cut short still read the prompt and wrote some text");
  });

  it("logs payloads as JSON, and flags (without logging) those over 1 MB", () => {
    const ok = inferenceRow(record({ clientRequestId: "c-2" }));
    assert.equal(ok.request_date, "2025-01-02");
    assert.equal(ok.client_request_id, "c-2");
    assert.deepEqual(JSON.parse(ok.request as string), record().request);
    assert.equal(JSON.parse(ok.response as string).choices[0].message.content, "General Kenobi");
    assert.equal(ok.logging_error_codes, "[]");
    assert.equal(ok.served_entity_id, "chat-entity");
    const big = "x".repeat(MAX_PAYLOAD_BYTES);
    const r = inferenceRow(record({ request: { messages: [{ role: "user", content: big }] } }));
    assert.equal(r.request, null);
    assert.notEqual(r.response, null);
    assert.deepEqual(JSON.parse(r.logging_error_codes), ["MAX_REQUEST_SIZE_EXCEEDED"]);
    // Multi-byte text: under the limit in characters, over it in UTF-8 bytes.
    const wide = "é".repeat(MAX_PAYLOAD_BYTES / 2 + 10);
    const w = inferenceRow(record({ response: { id: "c", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: wide }, finish_reason: "stop" }] } }));
    assert.deepEqual(JSON.parse(w.logging_error_codes), ["MAX_RESPONSE_SIZE_EXCEEDED"]);
    assert.equal(inferenceRow(record({ status: 500, response: undefined })).response, null);
  });
});

describe("metrics", () => {
  it("counts requests, errors, tokens, rejections and durations per endpoint and entity", async () => {
    const m = new GatewayMetrics(() => 4);
    const ep = endpoint("m-chat");
    m.observe(record({ endpoint: ep, entity: ep.entities[0] }));
    m.observe(record({ endpoint: ep, entity: ep.entities[0], latencyMs: 2500 }));
    m.observe(record({ endpoint: ep, entity: undefined, status: 429, errorCode: "RATE_LIMITED", rateLimited: true, usage: undefined }));
    m.observe(record({ endpoint: endpoint("other"), status: 502, errorCode: "UPSTREAM_ERROR", usage: undefined }));
    const text = await m.text();
    assert.match(text, /tessera_requests_total\{endpoint="m-chat",served_entity="m-chat-entity",status_class="2xx"\} 2/);
    assert.match(text, /tessera_requests_total\{endpoint="m-chat",served_entity="",status_class="4xx"\} 1/);
    assert.match(text, /tessera_errors_total\{endpoint="other",served_entity="other-entity",code="UPSTREAM_ERROR"\} 1/);
    assert.match(text, /tessera_rate_limit_rejections_total\{endpoint="m-chat"\} 1/);
    assert.match(text, /tessera_tokens_total\{endpoint="m-chat",served_entity="m-chat-entity",type="input"\} 22/);
    assert.match(text, /tessera_tokens_total\{endpoint="m-chat",served_entity="m-chat-entity",type="output"\} 14/);
    assert.match(text, /tessera_request_duration_seconds_bucket\{le="2.5",endpoint="m-chat",served_entity="m-chat-entity"\} 2/);
    assert.match(text, /tessera_request_duration_seconds_bucket\{le="1",endpoint="m-chat",served_entity="m-chat-entity"\} 1/);
    assert.match(text, /tessera_usage_buffered_records 4/);
    assert.doesNotMatch(text, /alice/, "never a requester label");

    const one = await m.endpointText("m-chat");
    assert.match(one, /# TYPE tessera_requests_total counter/);
    assert.match(one, /tessera_request_duration_seconds_count\{endpoint="m-chat",served_entity="m-chat-entity"\} 2/);
    assert.doesNotMatch(one, /endpoint="other"/);
    assert.doesNotMatch(one, /tessera_usage_buffered_records/);
  });

  it("escapes label values in the per-endpoint text", async () => {
    const m = new GatewayMetrics(() => 0);
    m.observe(record({ endpoint: endpoint('we"ird\\name') }));
    assert.match(await m.endpointText('we"ird\\name'), /endpoint="we\\"ird\\\\name"/);
  });
});

describe("usage service", () => {
  it("writes tracked requests in batches, only what is enabled, and drains on close", async () => {
    const db = await openSqlite(mkdtempSync(join(tmpdir(), "tessera-usage-")));
    const usage = createUsageService({ db, log: silent, batch: { intervalMs: 60_000, maxBatch: 3 } });
    const both = endpoint("both", TRACKED);
    const onlyUsage = endpoint("only-usage", { usage_tracking_config: { enabled: true } });
    const onlyPayloads = endpoint("only-payloads", { inference_table_config: { enabled: true } });
    const none = endpoint("none", { usage_tracking_config: { enabled: false }, inference_table_config: { enabled: false } });
    for (let i = 0; i < 5; i++) usage.record(record({ endpoint: both, entity: both.entities[0] }));
    usage.record(record({ endpoint: onlyUsage }));
    usage.record(record({ endpoint: onlyPayloads }));
    usage.record(record({ endpoint: none }));
    await usage.close();
    const u = await db.selectFrom("usage_records").select(["endpoint_name"]).execute();
    const p = await db.selectFrom("inference_payloads").select(["endpoint_name"]).execute();
    assert.deepEqual(u.map((r) => r.endpoint_name).sort(), ["both", "both", "both", "both", "both", "only-usage"]);
    assert.deepEqual(p.map((r) => r.endpoint_name).sort(), ["both", "both", "both", "both", "both", "only-payloads"]);
    assert.match(await usage.metricsText(), /tessera_requests_total\{endpoint="none"/, "metrics count every request");
    await db.destroy();
  });

  it("never throws from record(), even for a record it cannot read", async () => {
    const db = await openSqlite(mkdtempSync(join(tmpdir(), "tessera-usage-")));
    const usage = createUsageService({ db, log: silent, batch: { intervalMs: 60_000 } });
    assert.doesNotThrow(() => usage.record({} as RequestRecord));
    const poisoned = record();
    Object.defineProperty(poisoned, "request", { get() { throw new Error("boom"); } });
    usage.record(poisoned);
    usage.record(record({ clientRequestId: "fine" }));
    await usage.close();
    const rows = await db.selectFrom("usage_records").select("client_request_id").execute();
    assert.deepEqual(rows, [{ client_request_id: "fine" }], "the bad record was skipped, the good one written");
    await db.destroy();
  });
});
