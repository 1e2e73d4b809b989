/**
 * The engine with DuckDB in its worker and a scripted in-process invoker: the Databricks
 * spelling of ai_query, its result types, failOnError, modelParameters, responseFormat,
 * repeats sent once, 429 waits, cancellation and the file sandbox.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { errors, GatewayError } from "../gateway/errors.js";
import type { AnyResponse, JsonObject, Task } from "../gateway/types.js";
import { CanceledError, SqlEngine, type ResultSink } from "./engine.js";
import type { Invoker } from "./invoker.js";
import type { Cell, Column } from "./protocol.js";

const TASKS: Record<string, Task> = { chat: "llm/v1/chat", comp: "llm/v1/completions", emb: "llm/v1/embeddings", slow: "llm/v1/chat", limited: "llm/v1/chat" };

class FakeInvoker implements Invoker {
  bodies: JsonObject[] = [];
  limitedOnce = new Set<string>();
  inFlight = 0;
  maxInFlight = 0;
  aborted = 0;
  taskOf(e: string): Task | undefined {
    return TASKS[e];
  }
  authorize(e: string): void {
    if (e === "forbidden") throw errors.permissionDenied("no");
  }
  async invoke(endpoint: string, task: Task, body: JsonObject, signal: AbortSignal): Promise<AnyResponse> {
    this.bodies.push(body);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, endpoint === "slow" ? 60_000 : 5);
        signal.addEventListener("abort", () => {
          clearTimeout(t);
          this.aborted++;
          reject(new Error("aborted"));
        });
      });
    } finally {
      this.inFlight--;
    }
    const text = task === "llm/v1/chat" ? String((body["messages"] as Array<{ content: string }>).at(-1)?.content) : String(body["prompt"] ?? body["input"]);
    if (endpoint === "limited" && !this.limitedOnce.has(text)) {
      this.limitedOnce.add(text);
      throw new GatewayError({ code: "RATE_LIMITED", status: 429, errorCode: "REQUEST_LIMIT_EXCEEDED", openaiType: "rate_limit_error" }, "slow down", { retryAfter: "0.05" });
    }
    if (text.includes("FAIL")) throw errors.badRequest("the model refused");
    if (task === "llm/v1/embeddings") return { object: "list", model: "m", data: [{ object: "embedding", index: 0, embedding: [text.length, 1] }] };
    if (task === "llm/v1/completions") return { id: "c", object: "text_completion", created: 0, model: "m", choices: [{ index: 0, text: `completed ${text}`, finish_reason: "stop" }] };
    const content = body["response_format"] ? JSON.stringify({ sentiment: text.includes("good") ? "positive" : "negative", score: 0.5 }) : text.startsWith("n=") ? text.slice(2) : `echo ${text}`;
    return { id: "x", object: "chat.completion", created: 0, model: "m", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] };
  }
}

class Collect implements ResultSink {
  cols: Column[] = [];
  data: Cell[][] = [];
  columns(c: Column[]): void {
    this.cols = c;
  }
  rows(r: Cell[][]): void {
    this.data.push(...r);
  }
}

let seq = 0;
async function run(engine: SqlEngine, statement: string, inv = new FakeInvoker(), concurrency?: number): Promise<{ sink: Collect; inv: FakeInvoker }> {
  const sink = new Collect();
  const ex = engine.execute({ id: `s${++seq}`, statement, invoker: inv, sink, ...(concurrency ? { concurrency } : {}) });
  await ex.prepared;
  await ex.done;
  return { sink, inv };
}

describe("SqlEngine: ai_query in DuckDB", () => {
  let engine: SqlEngine;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-sql-"));
    writeFileSync(join(dir, "reviews.csv"), "id,review\n1,good food\n2,bad service\n3,good view\n");
    engine = await SqlEngine.start({ sandboxDir: dir });
  });
  after(async () => engine.close());

  it("answers a chat endpoint per row as STRING", async () => {
    const { sink, inv } = await run(engine, `SELECT id, ai_query('chat', review) AS r FROM read_csv('${dir}/reviews.csv') ORDER BY id`);
    assert.deepEqual(sink.data, [["1", "echo good food"], ["2", "echo bad service"], ["3", "echo good view"]]);
    assert.equal(sink.cols[1]?.type, "VARCHAR");
    assert.equal(inv.bodies.length, 3);
    assert.deepEqual((inv.bodies[0]?.["usage_context"] as JsonObject)["statement_id"], "s1");
  });

  it("takes the Databricks spelling: => options, named_struct modelParameters, returnType", async () => {
    const { sink, inv } = await run(engine, "SELECT ai_query('chat', 'n=42', returnType => 'INT', modelParameters => named_struct('max_tokens', 256, 'temperature', 0.0)) AS n");
    assert.deepEqual(sink.data, [["42"]]);
    assert.equal(sink.cols[0]?.type, "INTEGER");
    assert.equal(inv.bodies[0]?.["max_tokens"], 256);
    assert.equal(inv.bodies[0]?.["temperature"], 0);
  });

  it("refuses an unknown model parameter by name", () => {
    assert.throws(
      () => engine.execute({ id: "bad", statement: "SELECT ai_query('chat', 'x', modelParameters => named_struct('max_tokenz', 5))", invoker: new FakeInvoker(), sink: new Collect() }),
      (e: unknown) => e instanceof GatewayError && e.status === 400 && /AI_FUNCTION_INVALID_MODEL_PARAMETERS/.test(e.message) && /'max_tokenz'/.test(e.message),
    );
  });

  it("failOnError => false gives STRUCT<result, errorMessage> and one failed row does not fail the statement", async () => {
    const { sink } = await run(engine, "SELECT t.r.result AS result, t.r.errorMessage AS err FROM (SELECT ai_query('chat', x, failOnError => false) AS r FROM (VALUES ('ok'), ('FAIL me')) v(x)) t ORDER BY result NULLS LAST");
    assert.deepEqual(sink.data[0], ["echo ok", null]);
    assert.equal(sink.data[1]?.[0], null);
    assert.match(String(sink.data[1]?.[1]), /the model refused/);
  });

  it("fails the statement on the first failed row by default", async () => {
    await assert.rejects(run(engine, "SELECT ai_query('chat', x) FROM (VALUES ('ok'), ('FAIL me')) v(x)"), /ai_query failed on a row: .*the model refused/);
  });

  it("parses a responseFormat JSON schema into a STRUCT", async () => {
    const schema = JSON.stringify({ type: "json_schema", json_schema: { name: "s", schema: { type: "object", properties: { sentiment: { type: "string" }, score: { type: "number" } } } } });
    const { sink, inv } = await run(engine, `SELECT r.sentiment, r.score FROM (SELECT ai_query('chat', review, responseFormat => '${schema}') AS r FROM read_csv('${dir}/reviews.csv') ORDER BY id)`);
    assert.deepEqual(sink.data, [["positive", "0.5"], ["negative", "0.5"], ["positive", "0.5"]]);
    assert.equal((inv.bodies[0]?.["response_format"] as JsonObject)["type"], "json_schema");
  });

  it("answers embeddings as ARRAY<FLOAT> and completions as text", async () => {
    const { sink } = await run(engine, "SELECT ai_query('emb', 'abc') AS e, ai_query('comp', 'abc') AS c");
    assert.deepEqual(sink.data, [["[3,1]", "completed abc"]]);
  });

  it("sends identical requests once and bounds the calls in flight", async () => {
    const { sink, inv } = await run(engine, "SELECT ai_query('chat', 'q' || (i % 10)::VARCHAR) FROM range(500) t(i)", new FakeInvoker(), 4);
    assert.equal(sink.data.length, 500);
    assert.equal(inv.bodies.length, 10);
    assert.ok(inv.maxInFlight <= 4, `max in flight ${inv.maxInFlight}`);
  });

  it("waits on a 429 and retries, finishing every row", async () => {
    const { sink, inv } = await run(engine, "SELECT ai_query('limited', 'x' || i::VARCHAR) FROM range(20) t(i)");
    assert.equal(sink.data.length, 20);
    assert.ok(sink.data.every((r) => typeof r[0] === "string" && r[0].startsWith("echo")));
    assert.equal(inv.bodies.length, 40);
  });

  it("runs the task functions", async () => {
    const e = await SqlEngine.start({ defaultChatEndpoint: "chat", defaultEmbeddingsEndpoint: "emb" });
    try {
      const { sink, inv } = await run(e, "SELECT ai_summarize('long text'), ai_classify('n=urgent', ARRAY('urgent', 'not urgent')), ai_similarity('ab', 'ab')");
      assert.equal(sink.data[0]?.[1], "urgent");
      assert.equal(sink.data[0]?.[2], "1");
      assert.match(String((inv.bodies[0]?.["messages"] as Array<{ content: string }>)[0]?.content), /Summarize/);
    } finally {
      await e.close();
    }
  });

  it("cancels: calls in flight are aborted and the statement ends canceled", async () => {
    const inv = new FakeInvoker();
    const ex = engine.execute({ id: "cancel-me", statement: "SELECT ai_query('slow', 'x' || i::VARCHAR) FROM range(10) t(i)", invoker: inv, sink: new Collect() });
    await ex.prepared;
    while (inv.inFlight < 10) await new Promise((r) => setTimeout(r, 10));
    ex.cancel();
    await assert.rejects(ex.done, (e: unknown) => e instanceof CanceledError);
    assert.equal(inv.aborted, 10);
  });

  it("keeps API statements inside the SQL data dir", async () => {
    await assert.rejects(run(engine, "SELECT * FROM read_csv('/etc/passwd')"), (e: unknown) => e instanceof GatewayError && e.status === 403 && /\/etc\/passwd/.test(e.message));
    await assert.rejects(run(engine, "COPY (SELECT 1) TO '/tmp/tessera-escape.csv'"), (e: unknown) => e instanceof GatewayError && e.status === 403);
    await assert.rejects(run(engine, "LOAD httpfs"), (e: unknown) => e instanceof GatewayError && e.status === 403);
    await run(engine, `COPY (SELECT 1 AS a) TO '${join(dir, "out.parquet")}'`);
    const { sink } = await run(engine, `SELECT a FROM read_parquet('${dir}/out.parquet')`);
    assert.deepEqual(sink.data, [["1"]]);
  });

  it("refuses a caller without CAN_QUERY on a named endpoint before anything runs", async () => {
    TASKS["forbidden"] = "llm/v1/chat";
    await assert.rejects(run(engine, "SELECT ai_query('forbidden', 'x')"), (e: unknown) => e instanceof GatewayError && e.status === 403);
  });
});
