/**
 * ai_query batch figures against the targets of issue 15, through the real gateway pipeline
 * (in-process runtime, the Statement Execution API) and an upstream with fixed latency in a
 * child process (so its CPU is not counted as Tessera's):
 *   1. N chat rows at concurrency 64 with 20 ms per call: wall time vs the ideal N × 20 ms ÷ 64;
 *   2. Tessera's CPU per row in that run (this process: HTTP edge, pipeline, engine, DuckDB worker);
 *   3. M embeddings rows written to Parquet with COPY: peak RSS while it runs (streamed, not held).
 *
 *   node --import tsx bench/ai-query.ts [--rows 10000] [--embed-rows 100000] [--latency-ms 20] [--concurrency 64] [--embed-only]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRuntime } from "../src/runtime.js";

const { values } = parseArgs({
  options: { rows: { type: "string" }, "embed-rows": { type: "string" }, "latency-ms": { type: "string" }, concurrency: { type: "string" }, "embed-only": { type: "boolean" } },
});
const ROWS = Number(values.rows ?? 10_000);
const EMBED_ROWS = Number(values["embed-rows"] ?? 100_000);
const LATENCY = Number(values["latency-ms"] ?? 20);
const CONCURRENCY = Number(values.concurrency ?? 64);
const TOKEN = "bench-ai-query-admin-token-0123";

const UPSTREAM = `
import { createServer } from "node:http";
const latency = Number(process.argv[1]);
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => setTimeout(() => {
    const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
    const out = req.url.endsWith("/embeddings")
      ? { object: "list", model: "m", data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] }], usage: { prompt_tokens: 2, total_tokens: 2 } }
      : { id: "c", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "ok " + String(body.messages?.[0]?.content ?? "").length }, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } };
    const text = JSON.stringify(out);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }, latency));
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

async function upstream(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", UPSTREAM, String(LATENCY)], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const j = (await r.json()) as Record<string, unknown>;
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

async function runStatement(base: string, statement: string, onPoll?: (rowsDone: number) => void): Promise<Record<string, unknown>> {
  let s = await call(base, "POST", "/api/2.0/sql/statements", { statement, warehouse_id: "tessera", wait_timeout: "0s", ai_concurrency: CONCURRENCY });
  const id = s["statement_id"] as string;
  for (;;) {
    const st = (s["status"] as { state: string; error?: unknown }).state;
    if (st === "SUCCEEDED") return s;
    if (st === "FAILED" || st === "CANCELED") throw new Error(`statement ${st}: ${JSON.stringify(s["status"])}`);
    await new Promise((r) => setTimeout(r, onPoll ? 500 : 50));
    s = await call(base, "GET", `/api/2.0/sql/statements/${id}`);
    onPoll?.((s["progress"] as { rows_done: number }).rows_done);
  }
}

const up = await upstream();
const dataDir = mkdtempSync(join(tmpdir(), "tessera-bench-aiq-"));
const rt = await startRuntime({ port: 0, dataDir, env: { TESSERA_ADMIN_TOKEN: TOKEN, TESSERA_LOG_LEVEL: "silent" } });
try {
  for (const [name, task] of [["chat", "llm/v1/chat"], ["emb", "llm/v1/embeddings"]] as const) {
    await call(rt.url, "POST", "/api/2.0/serving-endpoints", {
      name,
      config: { served_entities: [{ external_model: { name: "m", provider: "custom", task, custom_provider_config: { custom_provider_url: `${up.url}/v1`, bearer_token_auth: { token_plaintext: "sk" } } } }] },
    });
  }
  await runStatement(rt.url, "SELECT ai_query('chat', 'warm-up ' || i::VARCHAR) FROM range(200) t(i)");

  let chat: Record<string, unknown> | undefined;
  let wall = 0;
  let cpuPerRowMs = 0;
  const ideal = (ROWS * LATENCY) / 1000 / CONCURRENCY;
  if (!values["embed-only"]) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    chat = await runStatement(rt.url, `SELECT count(ai_query('chat', 'row ' || i::VARCHAR)) FROM range(${ROWS}) t(i)`);
    wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    cpuPerRowMs = (cpu.user + cpu.system) / 1000 / ROWS;
  }

  let peak = 0;
  const rss0 = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const out = join(dataDir, "sql", "embeddings.parquet");
  const te = performance.now();
  // RSS at each tenth of the rows: flat once warm when the rows stream, rising when they are held.
  const marks: string[] = [];
  let nextMark = EMBED_ROWS / 10;
  await runStatement(rt.url, `COPY (SELECT i, ai_query('emb', 'text ' || i::VARCHAR) AS v FROM range(${EMBED_ROWS}) t(i)) TO '${out}' (FORMAT parquet)`, (done) => {
    if (done < nextMark) return;
    marks.push(`${Math.round((done / EMBED_ROWS) * 100)}%: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)}`);
    while (nextMark <= done) nextMark += EMBED_ROWS / 10;
  });
  const embedWall = (performance.now() - te) / 1000;
  clearInterval(sampler);

  const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
  console.log(`ai_query bench (latency ${LATENCY} ms, concurrency ${CONCURRENCY})`);
  if (chat) {
    console.log(`  chat rows:            ${ROWS} (answered ${JSON.stringify((chat["result"] as { data_array: unknown[][] }).data_array[0])})`);
    console.log(`  wall:                 ${wall.toFixed(2)} s; ideal ${ideal.toFixed(2)} s; ratio ${(wall / ideal).toFixed(2)}× (target ≤ 1.5×)`);
    console.log(`  Tessera CPU per row:  ${cpuPerRowMs.toFixed(3)} ms (target ≤ 0.5 ms)`);
  }
  console.log(`  embeddings → Parquet: ${EMBED_ROWS} rows in ${embedWall.toFixed(1)} s, file ${mb(statSync(out).size)} MiB; RSS ${mb(rss0)} MiB before, peak ${mb(peak)} MiB`);
  console.log(`  RSS (MiB) by rows done: ${marks.join(", ")}`);
} finally {
  await rt.close();
  up.stop();
}
