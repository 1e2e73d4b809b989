/**
 * The SQL engine on the main thread: one DuckDB worker thread (worker.ts) holding the
 * database, and the statements running in it. A statement is rewritten (rewrite.ts),
 * checked by DuckDB (prepared: syntax, tables, the file sandbox) and then run; its AI
 * calls come back here chunk by chunk and are answered by its `StatementCalls`.
 *
 * @example
 *   const engine = await SqlEngine.start({ database: ":memory:" });
 *   const run = engine.execute({ id, statement: "SELECT ai_query('chat', 'Hi')", invoker, sink });
 *   await run.prepared; await run.done;
 */
import { setMaxListeners } from "node:events";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { workerSource } from "../worker-source.js";
import { errors, GatewayError } from "../gateway/errors.js";
import { DEFAULT_CONCURRENCY, StatementCalls, type Progress } from "./batch.js";
import type { Invoker } from "./invoker.js";
import type { CallsAnswer, Cell, Column, FromWorker, ToWorker, WorkerConfig } from "./protocol.js";
import { rewriteStatement, type RewriteContext } from "./rewrite.js";

export interface EngineOptions {
  database?: string;
  /** Statements may read and write files only under this directory (the API's sandbox). */
  sandboxDir?: string;
  /** Relative paths resolve against this directory. */
  searchPath?: string;
  memoryLimit?: string;
  threads?: number;
  /** Default per-statement time-out (ms); 0 for none. */
  statementTimeoutMs?: number;
  defaultChatEndpoint?: string;
  defaultEmbeddingsEndpoint?: string;
}

/** Where a statement's result goes. */
export interface ResultSink {
  columns(columns: Column[]): void;
  rows(rows: Cell[][]): void;
}

export interface ExecuteInput {
  id: string;
  statement: string;
  invoker: Invoker;
  sink: ResultSink;
  concurrency?: number;
  /** Databricks parameters (`:name` markers), already as SQL literals. */
  parameters?: Map<string, string>;
  timeoutMs?: number;
}

export interface Execution {
  /** Resolves once DuckDB has accepted the statement; rejects with a 4xx GatewayError when not. */
  prepared: Promise<void>;
  /** Resolves when the statement finished; rejects with its error (a canceled one rejects with CanceledError). */
  done: Promise<void>;
  progress: Progress;
  cancel(reason?: string): void;
}

export class CanceledError extends Error {}

interface Running {
  calls: StatementCalls;
  sink: ResultSink;
  abort: AbortController;
  cancelReason: string | undefined;
  resolvePrepared(): void;
  rejectPrepared(e: Error): void;
  resolveDone(): void;
  rejectDone(e: Error): void;
}

export class SqlEngine {
  private worker: Worker | undefined;
  private callsPort: MessagePort | undefined;
  private signal = new Int32Array(new SharedArrayBuffer(4));
  private ready: Promise<void> | undefined;
  private readonly running = new Map<string, Running>();
  private readonly bySite = new Map<number, Running>();
  private nextSite = 1;

  private constructor(private readonly opts: EngineOptions) {}

  /** An engine whose worker starts with its first statement. */
  static create(opts: EngineOptions = {}): SqlEngine {
    return new SqlEngine(opts);
  }

  static async start(opts: EngineOptions = {}): Promise<SqlEngine> {
    const e = new SqlEngine(opts);
    await e.boot();
    return e;
  }

  private boot(): Promise<void> {
    if (this.ready) return this.ready;
    const sab = new SharedArrayBuffer(4);
    this.signal = new Int32Array(sab);
    const { port1, port2 } = new MessageChannel();
    const config: WorkerConfig = {
      database: this.opts.database ?? ":memory:",
      sandboxDir: this.opts.sandboxDir,
      searchPath: this.opts.searchPath ?? this.opts.sandboxDir,
      memoryLimit: this.opts.memoryLimit ?? "1GB",
      threads: this.opts.threads ?? 2,
      signal: sab,
    };
    const file = workerSource(import.meta.url, "./worker");
    const worker = new Worker(file.source, { eval: file.eval, workerData: { config, calls: port2 }, transferList: [port2] });
    this.worker = worker;
    this.callsPort = port1;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.once("error", reject);
      worker.on("message", (m: FromWorker) => {
        if (m.type === "ready") {
          // Idle, the worker does not keep the process alive; a running statement does.
          if (this.running.size === 0) worker.unref();
          resolve();
        } else this.onMessage(m);
      });
    });
    worker.on("exit", (code) => {
      this.worker = undefined;
      this.ready = undefined;
      for (const [id, r] of this.running) {
        const e = new Error(`The SQL engine stopped (exit code ${code}).`);
        r.rejectPrepared(e);
        r.rejectDone(e);
        this.running.delete(id);
      }
    });
    return this.ready;
  }

  /** Rewrites and starts a statement. Throws a 4xx GatewayError when its AI functions are malformed. */
  execute(input: ExecuteInput): Execution {
    const ctx: RewriteContext = {
      taskOf: (name) => input.invoker.taskOf(name),
      defaultChatEndpoint: this.opts.defaultChatEndpoint,
      defaultEmbeddingsEndpoint: this.opts.defaultEmbeddingsEndpoint,
      firstSiteId: this.nextSite,
    };
    const rw = rewriteStatement(input.statement, ctx, input.parameters);
    this.nextSite += rw.sites.length;
    const abort = new AbortController();
    // Every call in flight listens on the statement's signal (dozens at once, by design).
    setMaxListeners(0, abort.signal);
    const calls = new StatementCalls(rw.sites, input.invoker, input.id, input.concurrency ?? DEFAULT_CONCURRENCY, abort.signal);
    const handlers = {} as Pick<Running, "resolvePrepared" | "rejectPrepared" | "resolveDone" | "rejectDone">;
    const prepared = new Promise<void>((res, rej) => Object.assign(handlers, { resolvePrepared: res, rejectPrepared: rej }));
    const done = new Promise<void>((res, rej) => Object.assign(handlers, { resolveDone: res, rejectDone: rej }));
    // Callers await `prepared` first: a rejection of `done` before then is not unhandled.
    done.catch(() => undefined);
    prepared.catch(() => undefined);
    const r: Running = { calls, sink: input.sink, abort, cancelReason: undefined, ...handlers };
    this.running.set(input.id, r);
    this.worker?.ref();
    for (const s of rw.sites) this.bySite.set(s.id, r);
    const timeout = input.timeoutMs ?? this.opts.statementTimeoutMs ?? 0;
    const timer = timeout > 0 ? setTimeout(() => this.cancel(input.id, `The statement ran longer than its time-out of ${Math.round(timeout / 1000)} s and was canceled.`), timeout) : undefined;
    const cleanup = () => {
      clearTimeout(timer);
      for (const s of rw.sites) this.bySite.delete(s.id);
      this.running.delete(input.id);
      if (this.running.size === 0) this.worker?.unref();
    };
    done.then(cleanup, cleanup);
    void (async () => {
      try {
        for (const name of rw.endpoints) await input.invoker.authorize(name);
        await this.boot();
        this.post({ type: "run", id: input.id, sql: rw.sql, sites: rw.sites.map((s) => s.id) });
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        r.rejectPrepared(e);
        r.rejectDone(e);
      }
    })();
    return { prepared, done, progress: calls.progress, cancel: (reason) => this.cancel(input.id, reason) };
  }

  private cancel(id: string, reason = "The statement was canceled."): void {
    const r = this.running.get(id);
    if (!r || r.cancelReason) return;
    r.cancelReason = reason;
    r.abort.abort(new CanceledError(reason));
    this.post({ type: "cancel", id });
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  private reply(answer: CallsAnswer): void {
    this.callsPort?.postMessage(answer);
    Atomics.store(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }

  private onMessage(m: FromWorker): void {
    if (m.type === "calls") {
      const r = this.bySite.get(m.site);
      if (!r) return this.reply({ error: "The statement was canceled." });
      if (m.totalRows !== undefined) r.calls.progress.totalRows = m.totalRows;
      r.calls.answer(m.site, m.endpoints, m.requests).then(
        (a) => this.reply(a),
        (err: unknown) => this.reply({ error: err instanceof Error ? err.message : String(err) }),
      );
      return;
    }
    if (m.type === "ready") return;
    const r = this.running.get(m.id);
    if (!r) return;
    switch (m.type) {
      case "prepared":
        return r.resolvePrepared();
      case "columns":
        return r.sink.columns(m.columns);
      case "rows":
        return r.sink.rows(m.rows);
      case "done":
        r.resolvePrepared();
        return r.resolveDone();
      case "failed": {
        const e = r.cancelReason ? new CanceledError(r.cancelReason) : sqlError(m.message);
        r.abort.abort(e);
        r.rejectPrepared(e);
        return r.rejectDone(e);
      }
    }
  }

  async close(): Promise<void> {
    for (const id of this.running.keys()) this.cancel(id, "The gateway is shutting down.");
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}

/** A statement DuckDB refused: the sandbox's refusal is a 403, anything else a 400. */
export function sqlError(message: string): GatewayError {
  const clean = message.replace(/\n\s*LINE \d+:[\s\S]*$/, "").trim();
  if (/^Permission Error/i.test(clean)) {
    return errors.permissionDenied(`${clean}. Statements sent over the API may read and write files only under the SQL data directory, and may not install or load extensions.`);
  }
  return errors.badRequest(clean);
}
