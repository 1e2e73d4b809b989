/**
 * An upstream that misbehaves, through the running gateway (in process): a stream chunk
 * without `choices` on a tracked endpoint, 2xx answers of the wrong shape, an upstream that
 * hangs (before its headers, between events, or forever while streaming), and one that
 * sends 100 MiB — as one answer or as one SSE line. Each gets a clear 5xx in the route's
 * shape at the configured deadline or bound, each is recorded as the error it was, the
 * upstream connection is closed, and memory stays bounded.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";

const ADMIN = "upstream-faults-admin-token-77";
const MiB = 1024 * 1024;
const TRACKED = { usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true } };

/** What the upstream saw of each response: whether it was closed before it ended. */
interface Seen {
  behavior: string;
  closedEarly: Promise<boolean>;
}

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

/** Writes `total` bytes of `fill` after `head`, respecting back-pressure; stops when the client goes away. */
async function pour(res: ServerResponse, head: string, total: number): Promise<void> {
  const block = Buffer.alloc(MiB, "x");
  if (!res.write(head)) await new Promise((r) => res.once("drain", r));
  for (let sent = 0; sent < total && !res.destroyed; sent += block.length) {
    if (!res.write(block)) await new Promise((r) => (res.once("drain", r), res.once("close", r)));
  }
  if (!res.destroyed) res.end();
}

/** The upstream: its behaviour is the request's `model` (the served entity's external_model.name). */
async function startFaultyUpstream(): Promise<{ url: string; server: Server; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString()));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as { model?: string; stream?: boolean };
      const behavior = body.model ?? "";
      seen.push({ behavior, closedEarly: new Promise((r) => res.once("close", () => r(!res.writableFinished))) });
      const json = (v: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(v));
      switch (behavior) {
        case "bad-chunk":
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write(chunk("Hello"));
          res.write(`data: ${JSON.stringify({ object: "chat.completion.chunk", foo: 1 })}\n\n`);
          return; // and then holds the connection open: the gateway must close it
        case "usage-only-chunk":
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.end(chunk("Hi", "stop") + `data: ${JSON.stringify({ object: "chat.completion.chunk", usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } })}\n\ndata: [DONE]\n\n`);
          return;
        case "shape-foo":
          return json({ foo: "bar" });
        case "shape-array":
          return json([1, 2, 3]);
        case "shape-choices":
          return json({ choices: "nope" });
        case "shape-embeddings":
          return json({ object: "list", data: [{ index: 0 }] });
        case "hang":
          return; // no headers, ever
        case "idle-stream":
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write(chunk("first"));
          return; // then silence
        case "endless-stream": {
          res.writeHead(200, { "content-type": "text/event-stream" });
          const t = setInterval(() => res.write(chunk("more ")), 50);
          res.once("close", () => clearInterval(t));
          return;
        }
        case "huge-answer":
          res.writeHead(200, { "content-type": "application/json" }); // chunked: no length to refuse up front
          void pour(res, '{"choices":[{"index":0,"message":{"role":"assistant","content":"', 100 * MiB);
          return;
        case "huge-answer-with-length":
          res.writeHead(200, { "content-type": "application/json", "content-length": String(100 * MiB) });
          void pour(res, "", 100 * MiB);
          return;
        case "huge-sse-line":
          res.writeHead(200, { "content-type": "text/event-stream" });
          void pour(res, chunk("ok") + 'data: {"choices":[{"index":0,"delta":{"content":"', 100 * MiB);
          return;
        default:
          return json({ id: "x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "fine" }, finish_reason: "stop" }] });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

/** Peak RSS growth (bytes) while `fn` runs, sampled every 5 ms. */
async function rssGrowth<T>(fn: () => Promise<T>): Promise<{ value: T; growth: number }> {
  global.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, growth: peak - base };
  } finally {
    clearInterval(t);
  }
}

describe("a misbehaving upstream", () => {
  let rt: Runtime;
  let up: Awaited<ReturnType<typeof startFaultyUpstream>>;
  let api: Client;
  const dataDir = tempDir();

  async function endpoint(name: string, model: string, task = "llm/v1/chat", limits?: object, aiGateway: object = TRACKED): Promise<void> {
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name,
      config: {
        served_entities: [
          {
            name: `${name}-entity`,
            external_model: {
              name: model,
              provider: "custom",
              task,
              custom_provider_config: { custom_provider_url: `${up.url}/v1`, bearer_token_auth: { token_plaintext: "sk-faults-key" } },
              ...(limits ? { upstream_limits: limits } : {}),
            },
          },
        ],
      },
      ai_gateway: aiGateway,
    });
    assert.equal(r.status, 200, r.text);
  }

  function rows(table: "usage_records" | "inference_payloads", clientRequestId: string): Array<Record<string, unknown>> {
    const db = new Database(join(dataDir, "tessera.db"), { readonly: true });
    try {
      return db.prepare(`SELECT * FROM ${table} WHERE client_request_id = ?`).all(clientRequestId) as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }
  /** The records of one request, once written (the usage API flushes the buffer first). */
  async function recorded(clientRequestId: string): Promise<{ usage: Record<string, unknown> | undefined; inference: Record<string, unknown> | undefined }> {
    assert.equal((await api.call("GET", "/api/2.0/serving-endpoints/usage")).status, 200);
    return { usage: rows("usage_records", clientRequestId)[0], inference: rows("inference_payloads", clientRequestId)[0] };
  }
  const lastSeen = (behavior: string) => {
    const s = up.seen.filter((x) => x.behavior === behavior).at(-1);
    assert.ok(s, `the upstream got a ${behavior} request`);
    return s;
  };
  const within = <T>(p: Promise<T>, ms: number, what: string) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms))]);

  before(async () => {
    up = await startFaultyUpstream();
    rt = await startRuntime({ port: 0, dataDir, env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
  });
  after(async () => {
    await rt?.close();
    up?.server.closeAllConnections();
    await new Promise((r) => up?.server.close(r));
  });

  it("a stream chunk without choices on a tracked endpoint: an error line, recorded as an error (usage and inference), the upstream closed", async () => {
    await endpoint("bad-chunk", "bad-chunk");
    const started = Date.now();
    const r = await api.call("POST", "/serving-endpoints/chat/completions", { model: "bad-chunk", messages: [{ role: "user", content: "hi" }], stream: true, client_request_id: "bad-chunk-1" });
    assert.equal(r.status, 200, "the stream had started");
    assert.ok(!r.text.includes("[DONE]"), r.text);
    assert.match(r.text, /"Hello"/, "the good chunk before it went out");
    const last = JSON.parse(r.text.trim().split("\n\n").at(-1)?.replace(/^data: /, "") ?? "{}") as { error?: { message: string; code: string } };
    assert.match(last.error?.message ?? "", /malformed stream chunk.*"choices" is missing/);
    assert.ok(!/Internal error|TypeError/.test(r.text));
    assert.equal(await within(lastSeen("bad-chunk").closedEarly, 2000, "the upstream response closed"), true, "closed by the gateway, not ended by the upstream");
    assert.ok(Date.now() - started < 2000);
    const rec = await recorded("bad-chunk-1");
    assert.equal(rec.usage?.["status_code"], 502);
    assert.equal(rec.usage?.["error_code"], "UPSTREAM_BAD_RESPONSE");
    assert.ok(rec.inference, "the inference row is written too");
    assert.equal(rec.inference["status_code"], 502);
  });

  it("a usage-only chunk without choices is read with the safe default (choices: []), the stream is fine", async () => {
    await endpoint("usage-only", "usage-only-chunk");
    const r = await api.call("POST", "/serving-endpoints/chat/completions", { model: "usage-only", messages: [{ role: "user", content: "hi" }], stream: true, client_request_id: "usage-only-1" });
    assert.match(r.text, /data: \[DONE\]\n\n$/);
    assert.match(r.text, /"choices":\[\],"usage"|"usage":\{[^}]*\},"choices":\[\]|"choices":\[\]/);
    const rec = await recorded("usage-only-1");
    assert.equal(rec.usage?.["status_code"], 200);
    assert.equal(rec.usage?.["input_tokens"], 3);
  });

  for (const [behavior, problem] of [
    ["shape-foo", /"choices" is missing/],
    ["shape-array", /a JSON array/],
    ["shape-choices", /"choices" is not a list/],
  ] as const) {
    it(`a 2xx answer of the wrong shape (${behavior}) is a 502 naming the served entity, recorded as an error, on both route families`, async () => {
      await endpoint(behavior, behavior);
      const oa = await api.call("POST", "/serving-endpoints/chat/completions", { model: behavior, messages: [{ role: "user", content: "hi" }], client_request_id: `${behavior}-oa` });
      assert.equal(oa.status, 502, oa.text);
      const err = (oa.json as { error: { message: string; type: string } }).error;
      assert.match(err.message, new RegExp(`Served entity '${behavior}-entity' answered with something that is not a chat completion`));
      assert.match(err.message, problem);
      const db = await api.call("POST", `/serving-endpoints/${behavior}/invocations`, { messages: [{ role: "user", content: "hi" }], client_request_id: `${behavior}-db` });
      assert.equal(db.status, 502);
      assert.equal((db.json as { error_code: string }).error_code, "INTERNAL_ERROR");
      const rec = await recorded(`${behavior}-oa`);
      assert.equal(rec.usage?.["status_code"], 502);
      assert.equal(rec.usage?.["error_code"], "UPSTREAM_BAD_RESPONSE");
    });
  }

  it("an embeddings answer without vectors is a 502 too", async () => {
    await endpoint("shape-embeddings", "shape-embeddings", "llm/v1/embeddings");
    const r = await api.call("POST", "/serving-endpoints/embeddings", { model: "shape-embeddings", input: "x" });
    assert.equal(r.status, 502, r.text);
    assert.match((r.json as { error: { message: string } }).error.message, /not an embeddings response: "data\[0\]\.embedding"/);
  });

  it("an upstream that never answers gets its 504 at the configured first-byte deadline, and is let go", async () => {
    await endpoint("hang", "hang", "llm/v1/chat", { first_byte_timeout_ms: 300 });
    const t0 = Date.now();
    const r = await api.call("POST", "/serving-endpoints/chat/completions", { model: "hang", messages: [{ role: "user", content: "hi" }], client_request_id: "hang-1" });
    const took = Date.now() - t0;
    assert.equal(r.status, 504, r.text);
    assert.ok(took >= 280 && took < 3000, `answered at the deadline (${took} ms)`);
    assert.equal(await within(lastSeen("hang").closedEarly, 2000, "upstream closed"), true);
    assert.equal((await recorded("hang-1")).usage?.["error_code"], "UPSTREAM_TIMEOUT");
  });

  it("a stream that goes silent is cut at the idle deadline; one that never ends at the total deadline (504 line, no [DONE])", async () => {
    await endpoint("idle", "idle-stream", "llm/v1/chat", { idle_timeout_ms: 300 });
    await endpoint("endless", "endless-stream", "llm/v1/chat", { total_timeout_ms: 600 });
    for (const [name, behavior, lo] of [["idle", "idle-stream", 280], ["endless", "endless-stream", 580]] as const) {
      const t0 = Date.now();
      const r = await api.call("POST", "/serving-endpoints/chat/completions", { model: name, messages: [{ role: "user", content: "hi" }], stream: true, client_request_id: `${name}-1` });
      const took = Date.now() - t0;
      assert.ok(took >= lo && took < lo + 3000, `${name}: cut at its deadline (${took} ms)`);
      assert.ok(!r.text.includes("[DONE]"));
      const last = JSON.parse(r.text.trim().split("\n\n").at(-1)?.replace(/^data: /, "") ?? "{}") as { error?: { code: string } };
      assert.equal(last.error?.code, "DEADLINE_EXCEEDED", r.text.slice(-300));
      assert.equal(await within(lastSeen(behavior).closedEarly, 2000, "upstream closed"), true);
      assert.equal((await recorded(`${name}-1`)).usage?.["error_code"], "UPSTREAM_TIMEOUT");
    }
  });

  it("a 100 MiB answer (chunked, or with its length) is a 502 at the default bound, memory bounded, the upstream cut off", async () => {
    await endpoint("huge", "huge-answer");
    await endpoint("huge-len", "huge-answer-with-length");
    for (const [name, behavior] of [["huge", "huge-answer"], ["huge-len", "huge-answer-with-length"]] as const) {
      const { value: r, growth } = await rssGrowth(() => api.call("POST", "/serving-endpoints/chat/completions", { model: name, messages: [{ role: "user", content: "hi" }], client_request_id: `${name}-1` }));
      assert.equal(r.status, 502, r.text.slice(0, 300));
      assert.match((r.json as { error: { message: string } }).error.message, /larger than the limit of 33554432 bytes/);
      assert.ok(growth < 120 * MiB, `${name}: RSS grew ${(growth / MiB).toFixed(0)} MiB`);
      console.log(`# ${name}: 100 MiB answer → 502, RSS +${(growth / MiB).toFixed(1)} MiB`);
      assert.equal(await within(lastSeen(behavior).closedEarly, 5000, "upstream cut"), true);
      assert.equal((await recorded(`${name}-1`)).usage?.["error_code"], "UPSTREAM_TOO_LARGE");
    }
  });

  it("one 100 MiB SSE line is a 502 line at the default event bound, memory bounded, the upstream cut off", async () => {
    await endpoint("huge-line", "huge-sse-line");
    const { value: r, growth } = await rssGrowth(() =>
      api.call("POST", "/serving-endpoints/chat/completions", { model: "huge-line", messages: [{ role: "user", content: "hi" }], stream: true, client_request_id: "huge-line-1" }),
    );
    assert.equal(r.status, 200);
    assert.match(r.text, /"ok"/);
    assert.ok(!r.text.includes("[DONE]"));
    assert.match(r.text, /a stream event from custom larger than the limit of 4194304 bytes/);
    assert.ok(growth < 120 * MiB, `RSS grew ${(growth / MiB).toFixed(0)} MiB`);
    console.log(`# 100 MiB SSE line → 502 line, RSS +${(growth / MiB).toFixed(1)} MiB`);
    assert.equal(await within(lastSeen("huge-sse-line").closedEarly, 5000, "upstream cut"), true);
    assert.equal((await recorded("huge-line-1")).usage?.["error_code"], "UPSTREAM_TOO_LARGE");
  });

  it("upstream_limits are checked: a bad value is a 400 naming the field", async () => {
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "bad-limits",
      config: {
        served_entities: [
          {
            external_model: {
              name: "m",
              provider: "custom",
              task: "llm/v1/chat",
              custom_provider_config: { custom_provider_url: `${up.url}/v1` },
              upstream_limits: { first_byte_timeout_ms: -1 },
            },
          },
        ],
      },
    });
    assert.equal(r.status, 400, r.text);
    assert.match((r.json as { message: string }).message, /upstream_limits\.first_byte_timeout_ms/);
    const unknown = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "bad-limits",
      config: { served_entities: [{ external_model: { name: "m", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${up.url}/v1` }, upstream_limits: { timeout: 5 } } }] },
    });
    assert.equal(unknown.status, 400);
    assert.match((unknown.json as { message: string }).message, /unknown field timeout/);
  });

  it("an endpoint's upstream_limits are shown back as given", async () => {
    const got = (await api.call("GET", "/api/2.0/serving-endpoints/hang")).json as { config: { served_entities: Array<{ external_model: Record<string, unknown> }> } };
    assert.deepEqual(got.config.served_entities[0]?.external_model["upstream_limits"], { first_byte_timeout_ms: 300 });
  });
});
