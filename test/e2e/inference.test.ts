/**
 * Inference tables through the running gateway: one row per request with the reference's
 * columns, streams logged aggregated, payloads over 1 MB flagged and not logged, nothing
 * for a disabled table, no credential anywhere; and the JSONL export over HTTP and with
 * `tessera inference export`.
 */
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { runClientCommand } from "../../src/cli/client/index.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";
import type { InferenceExportRow } from "../../src/usage/inference-export.js";

const ADMIN = "inference-e2e-admin-token-42";
const UPSTREAM_KEY = "sk-inference-upstream-key-977";
const MB = 1024 * 1024;

type Exported = InferenceExportRow;

describe("inference tables", () => {
  let rt: Runtime;
  let mock: MockServer;
  let api: Client;
  const dataDir = tempDir();
  const started = Date.now();
  const chat = (content: string, extra: object = {}) => ({ messages: [{ role: "user", content }], ...extra });

  async function exported(name: string, qs = ""): Promise<Exported[]> {
    const r = await api.call("GET", `/api/2.0/serving-endpoints/${name}/inference-table${qs}`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get("content-type") ?? "", /^application\/x-ndjson/);
    return r.text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Exported);
  }
  const byClient = async (id: string) => (await exported("logged")).find((r) => r.client_request_id === id);

  before(async () => {
    mock = await startMockOpenAIWire();
    rt = await startRuntime({ port: 0, dataDir, env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
    const external_model = { name: "gpt-mock", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: UPSTREAM_KEY } };
    for (const [name, enabled] of [["logged", true], ["not-logged", false]] as const) {
      const r = await api.call("POST", "/api/2.0/serving-endpoints", {
        name,
        config: { served_entities: [{ name: "primary", external_model }] },
        ai_gateway: { inference_table_config: { catalog_name: "main", schema_name: "logs", table_name_prefix: name, enabled } },
      });
      assert.equal(r.status, 200, r.text);
    }
  });

  after(async () => {
    await rt?.close();
    await mock?.close();
  });

  it("logs a request and its response with the reference's columns", async () => {
    mock.enqueue({ text: "logged answer", usage: { prompt: 3, completion: 2 } });
    const r = await api.call("POST", "/serving-endpoints/logged/invocations", chat("log me", { client_request_id: "inf-1", max_tokens: 20 }));
    assert.equal(r.status, 200, r.text);
    const row = await byClient("inf-1");
    assert.ok(row);
    assert.deepEqual(Object.keys(row).sort(), [
      "client_request_id",
      "databricks_request_id",
      "endpoint",
      "execution_duration_ms",
      "logging_error_codes",
      "request",
      "request_date",
      "request_time",
      "requester",
      "response",
      "served_entity_id",
      "status_code",
    ]);
    assert.equal(row.request_date, new Date(row.request_time).toISOString().slice(0, 10));
    assert.ok(row.request_time >= started && row.request_time <= Date.now());
    assert.equal(row.status_code, 200);
    assert.equal(row.served_entity_id, "primary");
    assert.equal(row.requester, "admin");
    assert.equal(row.endpoint, "logged");
    assert.deepEqual(row.logging_error_codes, []);
    assert.match(row.databricks_request_id, /^[0-9a-f-]{36}$/);
    const req = JSON.parse(row.request ?? "null") as { messages: unknown; max_tokens: number };
    assert.deepEqual(req.messages, [{ role: "user", content: "log me" }]);
    assert.equal(req.max_tokens, 20);
    const res = JSON.parse(row.response ?? "null") as { choices: Array<{ message: { content: string } }>; usage: { prompt_tokens: number } };
    assert.equal(res.choices[0]?.message.content, "logged answer");
    assert.equal(res.usage.prompt_tokens, 3);
  });

  it("logs a streamed response aggregated into one chat completion", async () => {
    mock.enqueue({ text: "one two three four", pieces: 4, usage: { prompt: 4, completion: 4 } });
    const r = await api.call("POST", "/serving-endpoints/logged/invocations", chat("stream me", { stream: true, client_request_id: "inf-stream" }));
    assert.equal(r.status, 200);
    const row = await byClient("inf-stream");
    assert.ok(row);
    assert.equal(row.databricks_request_id, r.headers.get("x-request-id"));
    const res = JSON.parse(row.response ?? "null") as { object: string; choices: Array<{ message: { role: string; content: string }; finish_reason: string }>; usage: { completion_tokens: number } };
    assert.equal(res.object, "chat.completion");
    assert.deepEqual(res.choices[0]?.message, { role: "assistant", content: "one two three four" });
    assert.equal(res.choices[0]?.finish_reason, "stop");
    assert.equal(res.usage.completion_tokens, 4);
  });

  it("flags payloads over 1 MB instead of logging them", async () => {
    const big = "x".repeat(MB + 10);
    const r1 = await api.call("POST", "/serving-endpoints/logged/invocations", chat(big, { client_request_id: "inf-big-req" }));
    assert.equal(r1.status, 200);
    mock.enqueue({ text: "y".repeat(MB + 10) });
    const r2 = await api.call("POST", "/serving-endpoints/logged/invocations", chat("small", { client_request_id: "inf-big-res" }));
    assert.equal(r2.status, 200);
    const a = await byClient("inf-big-req");
    assert.ok(a);
    assert.equal(a.request, null);
    assert.ok(a.response);
    assert.deepEqual(a.logging_error_codes, ["MAX_REQUEST_SIZE_EXCEEDED"]);
    const b = await byClient("inf-big-res");
    assert.ok(b);
    assert.ok(b.request);
    assert.equal(b.response, null);
    assert.deepEqual(b.logging_error_codes, ["MAX_RESPONSE_SIZE_EXCEEDED"]);
  });

  it("logs a failed request with its status and no response", async () => {
    mock.enqueue({ error: { status: 503, message: "overloaded" } });
    const r = await api.call("POST", "/serving-endpoints/logged/invocations", chat("fail", { client_request_id: "inf-fail" }));
    assert.equal(r.status, 503);
    const row = await byClient("inf-fail");
    assert.ok(row);
    assert.equal(row.status_code, 503);
    assert.equal(row.response, null);
    assert.ok(row.request);
  });

  it("writes nothing when the table is disabled, and never a credential", async () => {
    const r = await api.call("POST", "/serving-endpoints/not-logged/invocations", chat("secret-free", { client_request_id: "inf-off" }));
    assert.equal(r.status, 200);
    assert.deepEqual(await exported("not-logged"), []);
    const db = new Database(join(dataDir, "tessera.db"), { readonly: true });
    try {
      const all = db.prepare("SELECT * FROM inference_payloads").all() as Array<Record<string, unknown>>;
      assert.ok(!all.some((x) => x["endpoint_name"] === "not-logged"));
      const dump = JSON.stringify(all) + JSON.stringify(db.prepare("SELECT * FROM usage_records").all());
      for (const secret of [ADMIN, UPSTREAM_KEY]) assert.ok(!dump.includes(secret), "no token or key in the tables");
      assert.ok(!/authorization/i.test(dump));
    } finally {
      db.close();
    }
  });

  it("exports a time range as JSON lines, oldest first", async () => {
    const all = await exported("logged");
    assert.equal(all.length, 5);
    const times = all.map((r) => r.request_time);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    const mid = all[2]?.request_time as number;
    const later = await exported("logged", `?start_time=${mid}`);
    assert.ok(later.length >= 3 && later.every((r) => r.request_time >= mid));
    const earlier = await exported("logged", `?start_time=0&end_time=${mid}`);
    assert.equal(earlier.length + later.length, all.length);
    const bad = await api.call("GET", "/api/2.0/serving-endpoints/logged/inference-table?start_time=soon");
    assert.equal(bad.status, 400);
    assert.match((bad.json as { message: string }).message, /start_time/);
    assert.equal((await new Client(rt.url, undefined).call("GET", "/api/2.0/serving-endpoints/logged/inference-table")).status, 401);
  });

  it("exports with `tessera inference export` to a file (mode 0600) or standard output", async () => {
    const run = async (args: string[]) => {
      let out = "";
      let err = "";
      const code = await runClientCommand([...args, "--host", rt.url, "--token", ADMIN], { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {} });
      return { code, out, err };
    };
    const file = join(tempDir(), "export.jsonl");
    const toFile = await run(["inference", "export", "logged", "--since", "1h", "--out", file]);
    assert.equal(toFile.code, 0, toFile.err);
    assert.match(toFile.err, /Wrote 5 records to /);
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    assert.equal(lines.length, 5);
    assert.equal((JSON.parse(lines[0] as string) as Exported).endpoint, "logged");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const toStdout = await run(["inference", "export", "logged"]);
    assert.equal(toStdout.code, 0);
    assert.equal(toStdout.out.split("\n").filter(Boolean).length, 5);
    const none = await run(["inference", "export", "logged", "--until", "2000-01-01"]);
    assert.equal(none.out, "");
    assert.equal((await run(["inference", "export"])).code, 2);
    assert.equal((await run(["inference", "import", "logged"])).code, 2);
  });
});
