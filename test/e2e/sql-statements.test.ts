/**
 * ai_query through a running gateway and the Databricks SQL Statement Execution API, with
 * plain HTTP as the Databricks SDK sends it (Bearer token, JSON body, cancel with no body),
 * the echo mock upstream: the docs' examples, failOnError, modelParameters, a JSON-schema
 * responseFormat, sync and async statements with chunks, cancel, a rate limit that slows a
 * batch, usage rows naming the statement, CAN_VIEW refused, and the file sandbox.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startEchoMock } from "../../testing/mocks/echo/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { tempDir } from "../helpers/gateway-process.js";
import { bearer, Client } from "../helpers/http.js";

const ADMIN = "sql-statements-admin-token-0123";
type Obj = Record<string, unknown>;

/** What the Databricks SDK's HTTP client sends with every call. */
function sdkHeaders(token: string, body: boolean): Record<string, string> {
  return { authorization: `Bearer ${token}`, accept: "application/json", "user-agent": "databricks-sdk-py/0.40.0 python/3.11 os/linux auth/pat", ...(body ? { "content-type": "application/json" } : {}) };
}

describe("SQL Statement Execution API and ai_query through the gateway", () => {
  let rt: Runtime;
  let mock: MockServer;
  let api: Client;
  let dataDir: string;
  const sqlDir = tempDir("tessera-sqldir-");

  const sdk = async (method: string, path: string, body?: Obj, token = ADMIN): Promise<{ status: number; json: Obj }> => {
    const r = await fetch(`${rt.url}${path}`, { method, headers: sdkHeaders(token, body !== undefined), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: r.status, json: (await r.json()) as Obj };
  };
  const execute = (statement: string, extra: Obj = {}, token = ADMIN) => sdk("POST", "/api/2.0/sql/statements", { statement, warehouse_id: "tessera", wait_timeout: "30s", on_wait_timeout: "CONTINUE", disposition: "INLINE", format: "JSON_ARRAY", ...extra }, token);
  const state = (j: Obj) => (j["status"] as Obj)["state"];
  /** HTTP status, statement state and error code of a statement that failed (Databricks: 200 and FAILED). */
  const failure = (r: { status: number; json: Obj }) => ({ status: r.status, state: state(r.json), code: ((r.json["status"] as Obj)["error"] as Obj | undefined)?.["error_code"] });
  const errorMessage = (r: { json: Obj }) => String(((r.json["status"] as Obj)["error"] as Obj | undefined)?.["message"]);
  const rowsOf = (j: Obj) => ((j["result"] as Obj)["data_array"] ?? []) as unknown[][];
  const create = async (name: string, task: string, extra: Obj = {}) => {
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name,
      config: { served_entities: [{ external_model: { name: "echo", provider: "custom", task, custom_provider_config: { custom_provider_url: `${mock.url}/v1`, bearer_token_auth: { token_plaintext: "sk-mock" } } } }] },
      ...extra,
    });
    assert.equal(r.status, 200, r.text);
    return (r.json as Obj)["id"] as string;
  };

  before(async () => {
    mock = await startEchoMock();
    dataDir = tempDir();
    rt = await startRuntime({ port: 0, dataDir, sqlDataDir: sqlDir, env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
    await create("chat", "llm/v1/chat", { ai_gateway: { usage_tracking_config: { enabled: true } } });
    await create("comp", "llm/v1/completions");
    await create("emb", "llm/v1/embeddings");
    writeFileSync(join(sqlDir, "reviews.csv"), "id,review\n1,great food\n2,bad service\n3,love it\n");
  });
  after(async () => {
    await rt?.close();
    await mock?.close();
  });

  it("lists the built-in warehouse", async () => {
    const r = await sdk("GET", "/api/2.0/sql/warehouses");
    assert.equal(r.status, 200);
    const w = (r.json["warehouses"] as Obj[])[0] as Obj;
    assert.equal(w["id"], "tessera");
    assert.equal(w["state"], "RUNNING");
  });

  it("runs the docs' examples synchronously: chat, completions, embeddings, returnType, modelParameters", async () => {
    const r = await execute(
      "SELECT ai_query('chat', 'Describe Databricks SQL in 30 words.', modelParameters => named_struct('max_tokens', 100, 'temperature', 0.0)) AS chat, " +
        "ai_query('comp', 'Once upon a time') AS comp, ai_query('emb', 'hello') AS emb, ai_query('chat', 'x', returnType => 'STRING') AS typed",
    );
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(state(r.json), "SUCCEEDED");
    assert.deepEqual(rowsOf(r.json), [["echo: Describe Databricks SQL in 30 words.", "completed: Once upon a time", "[5,1,0.5,-0.5]", "echo: x"]]);
    const manifest = r.json["manifest"] as Obj;
    assert.equal(manifest["format"], "JSON_ARRAY");
    const cols = ((manifest["schema"] as Obj)["columns"] as Obj[]).map((c) => [c["name"], c["type_name"], c["position"]]);
    assert.deepEqual(cols, [["chat", "STRING", 0], ["comp", "STRING", 1], ["emb", "ARRAY", 2], ["typed", "STRING", 3]]);
    const sent = mock.requests.find((q) => q.path.endsWith("/chat/completions") && (q.json as Obj)["max_tokens"] === 100);
    assert.ok(sent, "modelParameters reached the model");
    assert.equal((sent.json as Obj)["temperature"], 0);
  });

  it("failOnError => false keeps a failing row as its errorMessage; a responseFormat schema becomes a STRUCT", async () => {
    const fmt = JSON.stringify({ type: "json_schema", json_schema: { name: "review", schema: { type: "object", properties: { sentiment: { type: "string" }, score: { type: "number" } } }, strict: true } });
    const r = await execute(
      `SELECT id, r.sentiment, f.result, f.errorMessage IS NOT NULL AS failed FROM (SELECT id, ai_query('chat', review, responseFormat => '${fmt}') AS r, ` +
        `ai_query('chat', CASE WHEN id = 2 THEN 'FAIL ' || review ELSE review END, failOnError => false) AS f FROM read_csv('${sqlDir}/reviews.csv')) ORDER BY id`,
    );
    assert.equal(state(r.json), "SUCCEEDED", JSON.stringify(r.json));
    assert.deepEqual(rowsOf(r.json), [
      ["1", "positive", "echo: great food", "false"],
      ["2", "negative", null, "true"],
      ["3", "positive", "echo: love it", "false"],
    ]);
  });

  it("fails the statement with the row's error by default, in the status", async () => {
    const r = await execute("SELECT ai_query('chat', 'FAIL now')");
    assert.equal(r.status, 200);
    assert.equal(state(r.json), "FAILED");
    assert.match(String(((r.json["status"] as Obj)["error"] as Obj)["message"]), /the mock refuses 'FAIL now'/);
  });

  it("fails a statement with an unknown model parameter before it runs, naming it (200, FAILED)", async () => {
    const r = await execute("SELECT ai_query('chat', 'x', modelParameters => named_struct('max_tokenz', 1))");
    assert.deepEqual(failure(r), { status: 200, state: "FAILED", code: "INVALID_PARAMETER_VALUE" });
    assert.match(errorMessage(r), /AI_FUNCTION_INVALID_MODEL_PARAMETERS.*'max_tokenz'/);
  });

  it("runs asynchronously (wait_timeout 0s): polling, then the result in chunks", async () => {
    const r = await execute("SELECT i, ai_query('chat', 'row ' || (i % 50)::VARCHAR) AS a FROM range(12000) t(i) ORDER BY i", { wait_timeout: "0s" });
    assert.equal(r.status, 200);
    assert.ok(["PENDING", "RUNNING", "SUCCEEDED"].includes(state(r.json) as string));
    const id = r.json["statement_id"] as string;
    let s = r.json;
    for (let i = 0; i < 300 && state(s) !== "SUCCEEDED"; i++) {
      await new Promise((res) => setTimeout(res, 100));
      s = (await sdk("GET", `/api/2.0/sql/statements/${id}`)).json;
      assert.notEqual(state(s), "FAILED", JSON.stringify(s));
    }
    const manifest = s["manifest"] as Obj;
    assert.equal(manifest["total_row_count"], 12000);
    assert.equal(manifest["total_chunk_count"], 3);
    const first = s["result"] as Obj;
    assert.equal(first["next_chunk_index"], 1);
    assert.equal(first["next_chunk_internal_link"], `/api/2.0/sql/statements/${id}/result/chunks/1`);
    const c2 = (await sdk("GET", `/api/2.0/sql/statements/${id}/result/chunks/2`)).json;
    assert.equal(c2["row_offset"], 10000);
    assert.equal(c2["row_count"], 2000);
    assert.deepEqual((c2["data_array"] as unknown[][])[0], ["10000", "echo: row 0"]);
    assert.equal(c2["next_chunk_index"], undefined);
    assert.equal((await sdk("GET", `/api/2.0/sql/statements/${id}/result/chunks/3`)).status, 400);
  });

  it("cancels: the calls in flight are aborted at the mock", async () => {
    const before = mock.disconnects;
    const r = await execute("SELECT ai_query('chat', 'SLOW ' || i::VARCHAR) FROM range(8) t(i)", { wait_timeout: "0s" });
    const id = r.json["statement_id"] as string;
    for (let i = 0; i < 100 && mock.requests.filter((q) => JSON.stringify(q.json).includes("SLOW")).length < 8; i++) await new Promise((res) => setTimeout(res, 20));
    const c = await fetch(`${rt.url}/api/2.0/sql/statements/${id}/cancel`, { method: "POST", headers: sdkHeaders(ADMIN, false) });
    assert.equal(c.status, 200);
    assert.equal(state((await sdk("GET", `/api/2.0/sql/statements/${id}`)).json), "CANCELED");
    for (let i = 0; i < 100 && mock.disconnects - before < 8; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(mock.disconnects - before, 8);
  });

  it("records one usage row per sent call with the statement id in usage_context", async () => {
    const r = await execute("SELECT ai_query('chat', 'usage ' || i::VARCHAR) FROM range(7) t(i)");
    const id = r.json["statement_id"] as string;
    assert.equal((await api.call("GET", "/api/2.0/serving-endpoints/usage")).status, 200);
    const db = new Database(join(dataDir, "tessera.db"), { readonly: true });
    try {
      const rows = db.prepare("SELECT usage_context, status_code FROM usage_records").all() as Array<{ usage_context: string | null; status_code: number }>;
      const mine = rows.filter((x) => x.usage_context && (JSON.parse(x.usage_context) as Obj)["statement_id"] === id);
      assert.equal(mine.length, 7);
      assert.ok(mine.every((x) => x.status_code === 200));
    } finally {
      db.close();
    }
  });

  it("slows a batch down under a rate limit instead of failing it", { timeout: 120_000 }, async () => {
    await create("limited", "llm/v1/chat", { ai_gateway: { rate_limits: [{ calls: 60, key: "endpoint", renewal_period: "minute" }] } });
    const at = mock.requests.length;
    const t0 = Date.now();
    const r = await execute("SELECT count(*), count(a) FROM (SELECT ai_query('limited', 'lim ' || i::VARCHAR) AS a FROM range(100) t(i))", { wait_timeout: "0s" });
    const id = r.json["statement_id"] as string;
    let s = r.json;
    while (state(s) !== "SUCCEEDED" && state(s) !== "FAILED" && Date.now() - t0 < 110_000) {
      await new Promise((res) => setTimeout(res, 500));
      s = (await sdk("GET", `/api/2.0/sql/statements/${id}`)).json;
    }
    assert.equal(state(s), "SUCCEEDED", JSON.stringify(s));
    assert.deepEqual(rowsOf(s), [["100", "100"]]);
    assert.equal(mock.requests.length - at, 100, "each row reached the model once");
    assert.ok(((s["progress"] as Obj)["rate_limited_waits"] as number) > 0);
  });

  it("fails the statement of a CAN_VIEW-only caller with PERMISSION_DENIED (200, FAILED)", async () => {
    const u = await api.call("POST", "/api/2.0/preview/scim/v2/Users", { userName: "viewer" });
    assert.equal(u.status, 201, u.text);
    const t = await api.call("POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: "viewer" });
    const token = (t.json as { token_value: string }).token_value;
    const ep = await api.call("GET", "/api/2.0/serving-endpoints/chat");
    const epId = (ep.json as Obj)["id"] as string;
    const g = await api.call("PATCH", `/api/2.0/permissions/serving-endpoints/${epId}`, { access_control_list: [{ user_name: "viewer", permission_level: "CAN_VIEW" }] });
    assert.equal(g.status, 200, g.text);
    const r = await execute("SELECT ai_query('chat', 'hi')", {}, token);
    assert.deepEqual(failure(r), { status: 200, state: "FAILED", code: "PERMISSION_DENIED" }, JSON.stringify(r.json));
    // The statement is the caller's: its status reads the same afterwards.
    const id = String(r.json["statement_id"]);
    assert.equal(state((await sdk("GET", `/api/2.0/sql/statements/${id}`, undefined, token)).json), "FAILED");
  });

  it("keeps the file sandbox: /etc/passwd and COPY outside the SQL data dir fail, inside works", async () => {
    const passwd = await execute("SELECT * FROM read_csv('/etc/passwd')");
    assert.deepEqual(failure(passwd), { status: 200, state: "FAILED", code: "PERMISSION_DENIED" });
    assert.match(errorMessage(passwd), /\/etc\/passwd.*SQL data directory/);
    const out = await execute(`COPY (SELECT 1 AS a) TO '${tempDir("tessera-out-")}/x.csv'`);
    assert.deepEqual(failure(out), { status: 200, state: "FAILED", code: "PERMISSION_DENIED" });
    const ok = await execute(`CREATE OR REPLACE TABLE reviews AS SELECT * FROM read_csv('${sqlDir}/reviews.csv')`);
    assert.equal(state(ok.json), "SUCCEEDED", JSON.stringify(ok.json));
    const copy = await execute(`COPY reviews TO '${sqlDir}/reviews.parquet' (FORMAT parquet)`);
    assert.equal(state(copy.json), "SUCCEEDED", JSON.stringify(copy.json));
    const later = await execute("SELECT count(*) FROM reviews");
    assert.deepEqual(rowsOf(later.json), [["3"]]);
  });

  it("answers bad requests in the Databricks error shape", async () => {
    assert.equal((await sdk("POST", "/api/2.0/sql/statements", { statement: "SELECT 1" })).status, 400);
    assert.equal((await execute("SELECT 1", { warehouse_id: "nope" })).status, 404);
    assert.equal((await execute("SELECT 1", { wait_timeout: "3s" })).status, 400);
    // A statement DuckDB cannot prepare is a FAILED statement, not a refused request.
    const syntax = await execute("SELEC 1");
    assert.deepEqual(failure(syntax), { status: 200, state: "FAILED", code: "BAD_REQUEST" });
    assert.ok(String(syntax.json["statement_id"]).length > 0);
    assert.equal((await sdk("GET", "/api/2.0/sql/statements/does-not-exist")).status, 404);
    const p = await execute("SELECT :n + 1 AS x", { parameters: [{ name: "n", value: "41", type: "INT" }] });
    assert.deepEqual(rowsOf(p.json), [["42"]]);
  });
});
