/**
 * Usage tracking through the running gateway (in process, against the OpenAI-wire mock and
 * an upstream that reports no usage): one record per request — plain, streamed, failed,
 * estimated — the per-endpoint and workspace-wide queries, their parameters, the route
 * order next to `GET /serving-endpoints/{name}`, and `tessera usage`.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import type { Selectable } from "kysely";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { runClientCommand } from "../../src/cli/client/index.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";
import type { UsageRecordTable } from "../../src/store/tables/usage.js";

const ADMIN = "usage-e2e-admin-token-0123";
const TRACKED = { usage_tracking_config: { enabled: true } };

/** An OpenAI-shaped upstream that never reports usage (so the gateway has to estimate). */
async function startNoUsageUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString()));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as { stream?: boolean };
      const base = { id: "x", created: 1, model: "bare" };
      if (body.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (const content of ["", "four", " five"]) res.write(`data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`);
        res.end(`data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\ndata: [DONE]\n\n`);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "eleven chars" }, finish_reason: "stop" }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A row of usage_records as SQLite returns it (`SELECT *`). */
type UsageRow = Selectable<UsageRecordTable>;

type Bucket = Record<string, number>;

describe("usage tracking", () => {
  let rt: Runtime;
  let mock: MockServer;
  let bare: { url: string; server: Server };
  let api: Client;
  const dataDir = tempDir();
  const chat = (content: string, extra: object = {}) => ({ messages: [{ role: "user", content }], ...extra });

  /** The usage rows in the store (the API call first flushes the buffer). */
  async function rows(): Promise<UsageRow[]> {
    assert.equal((await api.call("GET", "/api/2.0/serving-endpoints/usage")).status, 200);
    const db = new Database(join(dataDir, "tessera.db"), { readonly: true });
    try {
      return db.prepare("SELECT * FROM usage_records ORDER BY id").all() as UsageRow[];
    } finally {
      db.close();
    }
  }
  const byClient = async (id: string) => (await rows()).find((r) => r.client_request_id === id);

  before(async () => {
    mock = await startMockOpenAIWire();
    bare = await startNoUsageUpstream();
    rt = await startRuntime({ port: 0, dataDir, env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
    const openai = { name: "gpt-mock", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: "sk-usage-test-key" } };
    const custom = { name: "bare", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${bare.url}/v1`, bearer_token_auth: { token_plaintext: "bare-token-123" } } };
    for (const [name, external_model, ai_gateway] of [
      ["tracked", openai, TRACKED],
      ["estimated", custom, TRACKED],
      ["untracked", openai, undefined],
    ] as const) {
      const r = await api.call("POST", "/api/2.0/serving-endpoints", { name, config: { served_entities: [{ name: "primary", external_model }] }, ...(ai_gateway ? { ai_gateway } : {}) });
      assert.equal(r.status, 200, r.text);
    }
  });

  after(async () => {
    await rt?.close();
    await mock?.close();
    await new Promise((r) => bare?.server.close(r));
  });

  it("records a plain request with the model's usage, who made it, and its usage_context", async () => {
    mock.enqueue({ text: "hi", usage: { prompt: 12, completion: 5, cached: 4, reasoning: 1 } });
    const r = await api.call("POST", "/serving-endpoints/tracked/invocations", chat("Hello", { client_request_id: "plain-1", usage_context: { team: "search" } }));
    assert.equal(r.status, 200, r.text);
    const row = await byClient("plain-1");
    assert.ok(row, "recorded");
    assert.equal(row.endpoint_name, "tracked");
    assert.equal(row.served_entity, "primary");
    assert.equal(row.requester, "admin");
    assert.equal(row.requester_kind, "user");
    assert.equal(row.status_code, 200);
    assert.equal(row.error_code, null);
    assert.deepEqual([row.input_tokens, row.output_tokens, row.cached_tokens, row.reasoning_tokens, row.estimated, row.streamed], [12, 5, 4, 1, 0, 0]);
    assert.deepEqual(JSON.parse(row.usage_context ?? "null"), { team: "search" });
    assert.ok(row.latency_ms >= 0 && row.latency_ms < 10_000);
    assert.match(row.request_id, /^[0-9a-f-]{36}$/);
  });

  it("records a stream with the usage of its last chunk, under the request id the client saw", async () => {
    mock.enqueue({ text: "streamed answer", usage: { prompt: 21, completion: 9 } });
    const r = await api.call("POST", "/serving-endpoints/tracked/invocations", chat("Stream it", { stream: true, client_request_id: "stream-1" }));
    assert.equal(r.status, 200);
    assert.match(r.text, /data: \[DONE\]/);
    const row = await byClient("stream-1");
    assert.ok(row);
    assert.equal(row.request_id, r.headers.get("x-request-id"));
    assert.deepEqual([row.input_tokens, row.output_tokens, row.estimated, row.streamed, row.status_code], [21, 9, 0, 1, 200]);
  });

  it("records a failed request with its status and error code", async () => {
    mock.enqueue({ error: { status: 500, message: "upstream exploded" } });
    const r = await api.call("POST", "/serving-endpoints/tracked/invocations", chat("Fail", { client_request_id: "fail-1" }));
    assert.ok(r.status >= 500, r.text);
    const row = await byClient("fail-1");
    assert.ok(row);
    assert.equal(row.status_code, r.status);
    assert.equal(row.error_code, "UPSTREAM_ERROR");
    assert.deepEqual([row.input_tokens, row.output_tokens, row.estimated], [0, 0, 0]);
    const detail = (r.json as { details: Array<{ request_id: string }> }).details[0];
    assert.equal(row.request_id, detail?.request_id, "the request id in the error body finds the record");
  });

  it("estimates (chars+1)/4 and flags it when the model reports no usage, plain and streamed", async () => {
    const plain = await api.call("POST", "/serving-endpoints/estimated/invocations", chat("0123456789abcdefghij", { client_request_id: "est-1" }));
    assert.equal(plain.status, 200, plain.text);
    const row = await byClient("est-1");
    assert.ok(row);
    assert.deepEqual([row.input_tokens, row.output_tokens, row.estimated], [Math.floor(21 / 4), Math.floor(("eleven chars".length + 1) / 4), 1]);

    const stream = await api.call("POST", "/serving-endpoints/estimated/invocations", chat("abc", { stream: true, client_request_id: "est-2" }));
    assert.equal(stream.status, 200);
    const srow = await byClient("est-2");
    assert.ok(srow);
    assert.deepEqual([srow.input_tokens, srow.output_tokens, srow.estimated, srow.streamed], [1, Math.floor(("four five".length + 1) / 4), 1, 1]);
  });

  it("records nothing for an endpoint without usage tracking", async () => {
    const r = await api.call("POST", "/serving-endpoints/untracked/invocations", chat("x", { client_request_id: "untracked-1" }));
    assert.equal(r.status, 200);
    assert.equal(await byClient("untracked-1"), undefined);
    assert.ok(!(await rows()).some((x) => x.endpoint_name === "untracked"));
  });

  it("answers the endpoint's usage in buckets, with percentiles, at each granularity", async () => {
    const q = await api.call("GET", "/api/2.0/serving-endpoints/tracked/usage");
    assert.equal(q.status, 200, q.text);
    const buckets = (q.json as { usage: Bucket[] }).usage;
    const all = (await rows()).filter((x) => x.endpoint_name === "tracked");
    const sum = (f: (b: Bucket) => number) => buckets.reduce((n, b) => n + f(b), 0);
    assert.equal(sum((b) => b["requests"] ?? 0), all.length);
    assert.equal(sum((b) => b["errors"] ?? 0), all.filter((x) => x.status_code >= 400).length);
    assert.equal(sum((b) => b["input_tokens"] ?? 0), all.reduce((n, x) => n + x.input_tokens, 0));
    assert.equal(sum((b) => b["output_tokens"] ?? 0), all.reduce((n, x) => n + x.output_tokens, 0));
    for (const b of buckets) {
      assert.equal((b["bucket_start_ms"] ?? 1) % 3_600_000, 0, "hour buckets by default");
      for (const k of ["cached_tokens", "reasoning_tokens", "p50_latency_ms", "p99_latency_ms", "estimated_requests"]) assert.equal(typeof b[k], "number", k);
      assert.ok((b["p50_latency_ms"] ?? 0) <= (b["p99_latency_ms"] ?? 0));
    }
    const latencies = all.map((x) => x.latency_ms).sort((a, b) => a - b);
    if (buckets.length === 1) assert.equal(buckets[0]?.["p99_latency_ms"], latencies[Math.ceil(0.99 * latencies.length) - 1]);
    // The window's totals: sums, and percentiles over all its requests (not over buckets).
    const report = q.json as { totals: Bucket; by_requester: Array<{ requester: string; requests: number }> };
    assert.equal(report.totals["requests"], all.length);
    assert.equal(report.totals["input_tokens"], all.reduce((n, x) => n + x.input_tokens, 0));
    assert.equal(report.totals["p50_latency_ms"], latencies[Math.ceil(0.5 * latencies.length) - 1]);
    assert.equal(report.totals["p99_latency_ms"], latencies[Math.ceil(0.99 * latencies.length) - 1]);
    // The admin manages the endpoint, so it sees who used it.
    assert.deepEqual(report.by_requester.map((r) => [r.requester, r.requests]), [["admin", all.length]]);

    const now = Date.now();
    const minute = await api.call("GET", `/api/2.0/serving-endpoints/tracked/usage?start_time=${now - 600_000}&end_time=${now + 1000}&granularity=minute`);
    assert.equal(minute.status, 200, minute.text);
    const mb = (minute.json as { usage: Bucket[] }).usage;
    assert.ok(mb.length >= 1 && mb.every((b) => (b["bucket_start_ms"] ?? 1) % 60_000 === 0));
    assert.equal(mb.reduce((n, b) => n + (b["requests"] ?? 0), 0), all.length);
    const day = await api.call("GET", `/api/2.0/serving-endpoints/tracked/usage?granularity=day&start_time=${now - 86_400_000}`);
    assert.ok((day.json as { usage: Bucket[] }).usage.every((b) => (b["bucket_start_ms"] ?? 1) % 86_400_000 === 0));
    const past = await api.call("GET", `/api/2.0/serving-endpoints/tracked/usage?start_time=0&end_time=1000`);
    const empty = past.json as { usage: Bucket[]; totals: Bucket };
    assert.deepEqual(empty.usage, []);
    assert.equal(empty.totals["requests"], 0);
  });

  it("answers workspace usage grouped by endpoint and by requester (and still routes GET /serving-endpoints/{name})", async () => {
    const q = await api.call("GET", "/api/2.0/serving-endpoints/usage?granularity=minute");
    assert.equal(q.status, 200, q.text);
    const w = q.json as { by_endpoint: Array<{ endpoint: string; requests: number }>; by_requester: Array<{ requester: string; requests: number }>; usage: Bucket[] };
    const all = await rows();
    assert.deepEqual(w.by_endpoint.map((e) => e.endpoint), ["estimated", "tracked"]);
    assert.equal(w.by_endpoint.find((e) => e.endpoint === "tracked")?.requests, all.filter((x) => x.endpoint_name === "tracked").length);
    assert.deepEqual(w.by_requester.map((r) => [r.requester, r.requests]), [["admin", all.length]]);
    assert.equal(w.usage.reduce((n, b) => n + (b["requests"] ?? 0), 0), all.length);
    assert.equal((q.json as { totals: Bucket }).totals["requests"], all.length);
    const ep = await api.call("GET", "/api/2.0/serving-endpoints/tracked");
    assert.equal(ep.status, 200);
    assert.equal((ep.json as { name: string }).name, "tracked");
  });

  it("rejects bad parameters with a 400 naming them, and callers without a token with a 401", async () => {
    for (const [qs, param] of [
      ["start_time=abc", "start_time"],
      ["start_time=10&end_time=5", "end_time"],
      ["granularity=week", "granularity"],
      ["start_time=0&granularity=minute", "granularity"],
    ] as const) {
      for (const path of ["/api/2.0/serving-endpoints/usage", "/api/2.0/serving-endpoints/tracked/usage"]) {
        const r = await api.call("GET", `${path}?${qs}`);
        assert.equal(r.status, 400, `${path}?${qs}`);
        assert.equal((r.json as { error_code: string }).error_code, "INVALID_PARAMETER_VALUE");
        assert.match((r.json as { message: string }).message, new RegExp(param));
      }
    }
    const anon = new Client(rt.url, undefined);
    assert.equal((await anon.call("GET", "/api/2.0/serving-endpoints/usage")).status, 401);
    assert.equal((await anon.call("GET", "/api/2.0/serving-endpoints/tracked/usage")).status, 401);
  });

  it("prints usage tables with `tessera usage`", async () => {
    const run = async (args: string[]) => {
      let out = "";
      let err = "";
      const code = await runClientCommand([...args, "--host", rt.url, "--token", ADMIN], { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {} });
      return { code, out, err };
    };
    const one = await run(["usage", "tracked", "--start", "1h", "--granularity", "minute"]);
    assert.equal(one.code, 0, one.err);
    assert.match(one.out, /^BUCKET\s+REQUESTS\s+ERRORS\s+INPUT_TOKENS\s+OUTPUT_TOKENS/);
    assert.match(one.out, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z\s+\d+\s+1\s/);
    const ws = await run(["usage"]);
    assert.equal(ws.code, 0, ws.err);
    assert.match(ws.out, /By endpoint:\nENDPOINT .*\nestimated\s+2\s/);
    assert.match(ws.out, /By requester:\nREQUESTER .*\nadmin\s+\d+/);
    const json = await run(["usage", "tracked", "--json"]);
    assert.ok(Array.isArray((JSON.parse(json.out) as { usage: unknown }).usage));
    const bad = await run(["usage", "--granularity", "week"]);
    assert.equal(bad.code, 2);
    const badTime = await run(["usage", "--start", "yesterday"]);
    assert.equal(badTime.code, 2);
    assert.doesNotMatch(one.out + ws.out + one.err, new RegExp(ADMIN));
  });
});
