/**
 * Messages between the engine (main thread) and the DuckDB worker thread. Plain data only:
 * they cross `postMessage`. The worker's AI calls are the one synchronous exchange: it posts
 * `calls`, blocks on `signal` (Atomics.wait), then reads the answer with
 * `receiveMessageOnPort` — see worker.ts for why.
 */

export interface WorkerConfig {
  /** DuckDB database file (`:memory:` for none). */
  database: string;
  /** Sandbox: statements may touch files only under this directory; no extension loads, settings locked. */
  sandboxDir: string | undefined;
  /** Directory relative paths are resolved against (DuckDB `file_search_path`). */
  searchPath: string | undefined;
  memoryLimit: string;
  threads: number;
  /** Int32Array over this: [0] = 0 while the worker waits for an answer, 1 once it is posted. */
  signal: SharedArrayBuffer;
}

export type ToWorker =
  | { type: "run"; id: string; sql: string; sites: number[]; preflightOnly?: boolean }
  | { type: "cancel"; id: string };

export interface Column {
  name: string;
  /** DuckDB's type text, e.g. `VARCHAR`, `STRUCT(a INTEGER)`, `FLOAT[]`. */
  type: string;
}

/** One cell: SQL NULL, or the value as text (complex values as JSON), as the Statement Execution API's JSON_ARRAY wants. */
export type Cell = string | null;

export type FromWorker =
  | { type: "ready" }
  | { type: "calls"; site: number; endpoints: Array<string | null>; requests: Array<string | null>; totalRows?: number }
  | { type: "prepared"; id: string }
  | { type: "columns"; id: string; columns: Column[] }
  | { type: "rows"; id: string; rows: Cell[][] }
  | { type: "done"; id: string }
  | { type: "failed"; id: string; message: string; prepare: boolean };

/** The answer to `calls`: one value per row (DuckDB NULL for null), or the error that fails the statement. */
export type CallsAnswer = { values: Array<string | null> } | { error: string };
