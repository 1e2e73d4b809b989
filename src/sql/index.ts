/**
 * The SQL engine as the gateway runs it: the file sandbox under the SQL data dir, a
 * database file there (tables kept between statements), limits from the environment, and
 * the Statement Execution API's statements. The worker thread starts with the first statement.
 *
 * Settings: `TESSERA_SQL_DATA_DIR` (else `<data-dir>/sql`), `TESSERA_SQL_DEFAULT_CHAT_ENDPOINT`,
 * `TESSERA_SQL_DEFAULT_EMBEDDINGS_ENDPOINT`, `TESSERA_SQL_STATEMENT_TIMEOUT_MS` (default 1 h),
 * `TESSERA_SQL_MEMORY_LIMIT` (DuckDB's, default 1GB), `TESSERA_SQL_THREADS` (default 2).
 */
import { mkdirSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Gateway } from "../gateway/pipeline.js";
import type { QueryAuthorizer } from "../gateway/policies.js";
import { SqlEngine } from "./engine.js";
import { SqlStatements } from "./statements.js";

export { SqlEngine, CanceledError, type ResultSink, type EngineOptions } from "./engine.js";
export { SqlStatements } from "./statements.js";
export type { Invoker } from "./invoker.js";
export type { Cell, Column } from "./protocol.js";

export interface SqlService {
  statements: SqlStatements;
  dataDir: string;
  close(): Promise<void>;
}

function positive(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function createSqlService(o: { dataDir: string; sqlDataDir?: string | undefined; env: NodeJS.ProcessEnv; gateway: Gateway; access: QueryAuthorizer }): SqlService {
  const dir = resolve(o.sqlDataDir ?? o.env["TESSERA_SQL_DATA_DIR"] ?? join(o.dataDir, "sql"));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const real = realpathSync(dir);
  const engine = SqlEngine.create({
    database: join(real, "tessera.duckdb"),
    sandboxDir: real,
    memoryLimit: o.env["TESSERA_SQL_MEMORY_LIMIT"] ?? "1GB",
    threads: positive(o.env["TESSERA_SQL_THREADS"], 2) || 2,
    statementTimeoutMs: positive(o.env["TESSERA_SQL_STATEMENT_TIMEOUT_MS"], 3_600_000),
    ...(o.env["TESSERA_SQL_DEFAULT_CHAT_ENDPOINT"] ? { defaultChatEndpoint: o.env["TESSERA_SQL_DEFAULT_CHAT_ENDPOINT"] } : {}),
    ...(o.env["TESSERA_SQL_DEFAULT_EMBEDDINGS_ENDPOINT"] ? { defaultEmbeddingsEndpoint: o.env["TESSERA_SQL_DEFAULT_EMBEDDINGS_ENDPOINT"] } : {}),
  });
  return { statements: new SqlStatements(engine, o.gateway, o.access), dataDir: real, close: () => engine.close() };
}
