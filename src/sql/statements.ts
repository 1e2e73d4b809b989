/**
 * The statements of the Statement Execution API: each one runs in the engine under its
 * caller, its rows kept in chunks for `…/result/chunks/{n}` (up to a byte bound, past which
 * the result is truncated, as Databricks' INLINE disposition is). Finished statements are
 * kept for an hour (Databricks keeps results that long), at most `MAX_KEPT` of them.
 */
import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/principal.js";
import { errors, GatewayError } from "../gateway/errors.js";
import type { Gateway } from "../gateway/pipeline.js";
import type { QueryAuthorizer } from "../gateway/policies.js";
import { CanceledError, type Execution, type SqlEngine } from "./engine.js";
import { GatewayInvoker } from "./invoker.js";
import type { Cell, Column } from "./protocol.js";
import { duckType, parseSqlType } from "./sql-types.js";
import { quote } from "./sql-text.js";
import type { ExecuteRequest, StatementState, StatementView } from "./statement-api.js";

const CHUNK_ROWS = 5_000;
const INLINE_BYTES = 25 * 1024 * 1024;
const KEEP_MS = 60 * 60 * 1000;
const MAX_KEPT = 500;

interface Statement extends StatementView {
  owner: string;
  finishedAt: number | undefined;
  execution: Execution;
  bytes: number;
  rows: number;
  rowLimit: number;
  byteLimit: number;
}

/** Databricks parameters → SQL literals for the `:name` markers (typed ones cast). */
function parameterLiterals(params: ExecuteRequest["parameters"]): Map<string, string> | undefined {
  if (!params?.length) return undefined;
  const out = new Map<string, string>();
  for (const p of params) {
    const literal = p.value === null || p.value === undefined ? "NULL" : quote(p.value);
    const type = p.type ? duckType(parseSqlType(p.type)) : undefined;
    out.set(p.name, type && type !== "VARCHAR" ? `CAST(${literal} AS ${type})` : literal);
  }
  return out;
}

/** The execution of a statement refused before it started: nothing runs, both phases fail with `err`. */
function refused(err: GatewayError): Execution {
  const failed = Promise.reject(err);
  failed.catch(() => undefined);
  return { prepared: failed, done: failed, progress: { rowsDone: 0, calls: 0, errors: 0, rateLimitedWaits: 0, repeats: 0, startedAt: Date.now() }, cancel() {} };
}

export class SqlStatements {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly engine: SqlEngine,
    private readonly gateway: Gateway,
    private readonly access: QueryAuthorizer,
  ) {}

  /** Starts a statement; one refused before it runs (bad SQL, the sandbox, a permission) comes back FAILED, as Databricks answers it. */
  async start(req: ExecuteRequest, caller: Principal): Promise<Statement> {
    this.sweep();
    const id = randomUUID();
    const sink = {
      columns: (c: Column[]) => {
        st.columns = c;
      },
      rows: (rows: Cell[][]) => this.append(st, rows),
    };
    let execution: Execution;
    try {
      execution = this.engine.execute({
        id,
        statement: req.statement,
        invoker: new GatewayInvoker(this.gateway, this.access, caller),
        sink,
        ...(req.ai_concurrency ? { concurrency: req.ai_concurrency } : {}),
        ...(req.parameters?.length ? { parameters: parameterLiterals(req.parameters) as Map<string, string> } : {}),
      });
    } catch (err) {
      // Its AI functions are malformed (an unknown model parameter, endpoint or option): the
      // statement never starts, and fails below like one DuckDB cannot prepare.
      if (!(err instanceof GatewayError)) throw err;
      execution = refused(err);
    }
    const st: Statement = {
      id,
      state: "PENDING",
      error: undefined,
      columns: undefined,
      chunks: [],
      truncated: false,
      progress: execution.progress,
      owner: caller.id,
      finishedAt: undefined,
      execution,
      bytes: 0,
      rows: 0,
      rowLimit: req.row_limit ?? Number.POSITIVE_INFINITY,
      byteLimit: Math.min(req.byte_limit ?? INLINE_BYTES, INLINE_BYTES),
    };
    try {
      await execution.prepared;
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      // Refused before it ran (bad SQL, an unknown endpoint or parameter, the file sandbox, no
      // CAN_QUERY): Databricks answers such a statement with HTTP 200 and FAILED in its status.
      execution.done.catch(() => {});
      this.statements.set(id, st);
      this.finish(st, "FAILED", { error_code: err.kind.errorCode, message: err.message });
      return st;
    }
    this.statements.set(id, st);
    st.state = "RUNNING";
    execution.done.then(
      () => this.finish(st, "SUCCEEDED", undefined),
      (err: unknown) => {
        if (err instanceof CanceledError) this.finish(st, "CANCELED", undefined);
        else this.finish(st, "FAILED", err instanceof GatewayError ? { error_code: err.kind.errorCode, message: err.message } : { error_code: "INTERNAL_ERROR", message: err instanceof Error ? err.message : String(err) });
      },
    );
    return st;
  }

  private finish(st: Statement, state: StatementState, error: Statement["error"]): void {
    if (st.state === "CANCELED" || st.state === "CLOSED") return;
    st.state = state;
    st.error = error;
    if (state === "SUCCEEDED" && st.chunks.length === 0) st.chunks.push([]);
    st.finishedAt = Date.now();
  }

  private append(st: Statement, rows: Cell[][]): void {
    for (const r of rows) {
      if (st.rows >= st.rowLimit) {
        st.truncated = true;
        return;
      }
      const size = r.reduce((n, c) => n + (c === null ? 4 : c.length + 3), 2);
      if (st.bytes + size > st.byteLimit) {
        st.truncated = true;
        return;
      }
      let chunk = st.chunks[st.chunks.length - 1];
      if (!chunk || chunk.length >= CHUNK_ROWS) {
        chunk = [];
        st.chunks.push(chunk);
      }
      chunk.push(r);
      st.bytes += size;
      st.rows++;
    }
  }

  /** Resolves once the statement is finished or `ms` passed. */
  async wait(st: Statement, ms: number): Promise<void> {
    if (ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([st.execution.done.catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
    // The state is set in a reaction to `done`: let it run.
    await new Promise<void>((r) => setImmediate(r));
  }

  /** The statement by id, for its owner or an admin; a 404 otherwise (never a hint that it exists). */
  get(id: string, caller: Principal): Statement {
    const st = this.statements.get(id);
    if (!st || (st.owner !== caller.id && !caller.admin)) throw errors.notFound(`Statement '${id}' does not exist.`);
    return st;
  }

  cancel(st: Statement): void {
    if (st.state === "PENDING" || st.state === "RUNNING") {
      st.execution.cancel();
      st.state = "CANCELED";
      st.finishedAt = Date.now();
    }
  }

  /** Drops finished statements past their hour, and the oldest finished ones past MAX_KEPT. */
  private sweep(): void {
    const now = Date.now();
    for (const [id, st] of this.statements) {
      if (st.finishedAt !== undefined && (now - st.finishedAt > KEEP_MS || this.statements.size > MAX_KEPT)) this.statements.delete(id);
    }
  }
}

export type { Statement };
