/**
 * The DuckDB worker thread. DuckDB calls a scalar function synchronously, once per chunk of
 * up to 2,048 rows, and waits for its result — but an AI call is an HTTP request. So DuckDB
 * runs here, off the main thread: `__tessera_ai` posts the whole chunk's requests to the
 * main thread, which runs them concurrently through the gateway pipeline, and this thread
 * blocks (Atomics.wait) until the answers are posted back. The main thread's event loop —
 * HTTP server, upstream calls, timers — is never blocked, and the calls of one chunk overlap.
 * See docs/ai-query.md ("Batch execution").
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import { DuckDBConnection, DuckDBInstance, DuckDBScalarFunction, INTEGER, VARCHAR, type DuckDBDataChunk, type DuckDBVector } from "@duckdb/node-api";
import type { CallsAnswer, Cell, Column, FromWorker, ToWorker, WorkerConfig } from "./protocol.js";
import { UDF_NAME } from "./rewrite.js";

interface WorkerInit {
  config: WorkerConfig;
  /** The port the synchronous call answers come back on. */
  calls: MessagePort;
}

const init = workerData as WorkerInit;
const port = parentPort as NonNullable<typeof parentPort>;
const signal = new Int32Array(init.config.signal);
const running = new Map<string, DuckDBConnection>();
/** The connection of each AI call site's statement, to read DuckDB's progress from. */
const siteConn = new Map<number, DuckDBConnection>();

function send(m: FromWorker): void {
  port.postMessage(m);
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Posts one chunk's calls and waits for the main thread's answer. */
function callMain(site: number, endpoints: Array<string | null>, requests: Array<string | null>): CallsAnswer {
  Atomics.store(signal, 0, 0);
  const totalRows = sourceRows(site);
  send({ type: "calls", site, endpoints, requests, ...(totalRows ? { totalRows } : {}) });
  Atomics.wait(signal, 0, 0);
  const got = receiveMessageOnPort(init.calls);
  if (!got) return { error: "the SQL engine lost an AI function answer" };
  return got.message as CallsAnswer;
}

/**
 * The rows DuckDB's sources will read, when its progress tracking knows (a `COPY (…) TO`
 * over a table or file, `range(n)`): the progress bar's total. Undefined when unknown.
 */
function sourceRows(site: number): number | undefined {
  try {
    const total = Number(siteConn.get(site)?.progress.total_rows_to_process ?? 0);
    return total > 0 ? total : undefined;
  } catch {
    return undefined;
  }
}

function aiFunction(info: { setError(e: string): void }, input: DuckDBDataChunk, out: DuckDBVector): void {
  const n = input.rowCount;
  const siteVec = input.getColumnVector(0);
  const epVec = input.getColumnVector(1);
  const reqVec = input.getColumnVector(2);
  const site = Number(siteVec.getItem(0));
  const endpoints: Array<string | null> = new Array(n);
  const requests: Array<string | null> = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = epVec.getItem(i);
    const r = reqVec.getItem(i);
    endpoints[i] = typeof e === "string" ? e : null;
    requests[i] = typeof r === "string" ? r : null;
  }
  const answer = callMain(site, endpoints, requests);
  if ("error" in answer) {
    info.setError(answer.error);
    return;
  }
  for (let i = 0; i < n; i++) out.setItem(i, answer.values[i] ?? null);
  out.flush();
}

async function open(): Promise<DuckDBInstance> {
  const c = init.config;
  const instance = await DuckDBInstance.create(c.database, {
    threads: String(c.threads),
    memory_limit: c.memoryLimit,
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const setup = await instance.connect();
  setup.registerScalarFunction(
    DuckDBScalarFunction.create({ name: UDF_NAME, returnType: VARCHAR, parameterTypes: [INTEGER, VARCHAR, VARCHAR], volatile: true, mainFunction: aiFunction }),
  );
  if (c.searchPath) await setup.run(`SET file_search_path = ${sqlString(c.searchPath)}`);
  if (c.sandboxDir) {
    // Order matters: the allowed directory first, then external access off, then the lock,
    // after which no statement can change any setting (or load an extension) again.
    await setup.run(`SET allowed_directories = [${sqlString(c.sandboxDir.endsWith("/") ? c.sandboxDir : `${c.sandboxDir}/`)}]`);
    await setup.run("SET enable_external_access = false");
    await setup.run("SET allow_community_extensions = false");
    await setup.run("SET lock_configuration = true");
  }
  return instance;
}

/** A cell as the Statement Execution API's JSON_ARRAY shows it: text, complex values as JSON. */
function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return JSON.stringify(v);
}

async function run(instance: DuckDBInstance, id: string, sql: string, sites: number[], preflightOnly: boolean): Promise<void> {
  const conn = await instance.connect();
  running.set(id, conn);
  for (const s of sites) siteConn.set(s, conn);
  // DuckDB's progress tracking (never printed) gives the progress bar its row total; a
  // per-connection setting, refused once the sandbox locked the configuration (then no total).
  await conn.run("SET enable_progress_bar = true; SET enable_progress_bar_print = false").catch(() => undefined);
  let prepared = false;
  try {
    const extracted = await conn.extractStatements(sql);
    if (extracted.count === 0) throw new Error("The statement is empty.");
    // Every statement but the last runs to completion; the last one's rows are the result.
    const first = await extracted.prepare(0);
    prepared = true;
    send({ type: "prepared", id });
    if (preflightOnly) return;
    let stmt = first;
    for (let i = 1; i < extracted.count; i++) {
      await stmt.run();
      stmt = await extracted.prepare(i);
    }
    const result = await stmt.stream();
    const columns: Column[] = result.columnNames().map((name, i) => ({ name, type: result.columnType(i).toString() }));
    send({ type: "columns", id, columns });
    for await (const rows of result.yieldRowsJson()) {
      if (rows.length) send({ type: "rows", id, rows: rows.map((r) => r.map(cell)) });
    }
    send({ type: "done", id });
  } catch (err) {
    send({ type: "failed", id, message: err instanceof Error ? err.message : String(err), prepare: !prepared });
  } finally {
    running.delete(id);
    for (const s of sites) siteConn.delete(s);
    conn.closeSync();
  }
}

const instance = await open();
port.on("message", (m: ToWorker) => {
  if (m.type === "run") void run(instance, m.id, m.sql, m.sites, m.preflightOnly === true);
  else running.get(m.id)?.interrupt();
});
send({ type: "ready" });
