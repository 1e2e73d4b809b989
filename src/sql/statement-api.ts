/**
 * Wire shapes of the Databricks SQL Statement Execution API (`/api/2.0/sql/statements`),
 * as the Databricks SDKs send and read them: the request schema (zod, built once on first
 * use) and builders of the status / manifest / result-chunk answers. Values travel as
 * strings or null (`JSON_ARRAY`). docs/sql-statement-api.md lists the shapes.
 */
import { z } from "zod";
import type { JsonObject } from "../gateway/types.js";
import type { Progress } from "./batch.js";
import type { Cell, Column } from "./protocol.js";

let executeSchema: ReturnType<typeof buildExecuteSchema> | undefined;

function buildExecuteSchema() {
  return z.object({
    statement: z.string().trim().min(1, "statement must not be empty"),
    warehouse_id: z.string().min(1, "warehouse_id is required"),
    wait_timeout: z
      .string()
      .regex(/^\d+s$/, "wait_timeout must be '0s' or between '5s' and '50s'")
      .refine((s) => s === "0s" || (parseInt(s, 10) >= 5 && parseInt(s, 10) <= 50), "wait_timeout must be '0s' or between '5s' and '50s'")
      .optional(),
    on_wait_timeout: z.enum(["CONTINUE", "CANCEL"]).optional(),
    disposition: z.enum(["INLINE", "EXTERNAL_LINKS", "INLINE_OR_EXTERNAL_LINKS"]).optional(),
    format: z.enum(["JSON_ARRAY", "ARROW_STREAM", "CSV"]).optional(),
    parameters: z
      .array(z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a parameter name is letters, digits and _"), value: z.string().nullable().optional(), type: z.string().optional() }))
      .optional(),
    row_limit: z.number().int().positive().optional(),
    byte_limit: z.number().int().positive().optional(),
    catalog: z.string().optional(),
    schema: z.string().optional(),
    /** Tessera: how many AI calls of this statement run at once per endpoint (default 32). */
    ai_concurrency: z.number().int().min(1).max(1024).optional(),
  });
}

/** The execute request's schema (compiled once). */
export function executeRequestSchema(): ReturnType<typeof buildExecuteSchema> {
  return (executeSchema ??= buildExecuteSchema());
}

export type ExecuteRequest = z.infer<ReturnType<typeof buildExecuteSchema>>;

export type StatementState = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELED" | "CLOSED";

const TYPE_NAMES: Array<[RegExp, string, string]> = [
  [/\[\]$/, "ARRAY", ""],
  [/^STRUCT/, "STRUCT", ""],
  [/^MAP/, "MAP", ""],
  [/^DECIMAL/, "DECIMAL", ""],
  [/^VARCHAR$/, "STRING", "STRING"],
  [/^INTEGER$/, "INT", "INT"],
  [/^BIGINT$/, "LONG", "BIGINT"],
  [/^HUGEINT$/, "DECIMAL", "DECIMAL(38,0)"],
  [/^SMALLINT$/, "SHORT", "SMALLINT"],
  [/^TINYINT$/, "BYTE", "TINYINT"],
  [/^FLOAT$/, "FLOAT", "FLOAT"],
  [/^DOUBLE$/, "DOUBLE", "DOUBLE"],
  [/^BOOLEAN$/, "BOOLEAN", "BOOLEAN"],
  [/^DATE$/, "DATE", "DATE"],
  [/^TIMESTAMP/, "TIMESTAMP", "TIMESTAMP"],
  [/^BLOB$/, "BINARY", "BINARY"],
  [/^U(TINYINT|SMALLINT|INTEGER|BIGINT)$/, "LONG", "BIGINT"],
];

/** A column of the manifest's schema: Databricks' `type_name` and `type_text` for a DuckDB type. */
export function columnInfo(c: Column, position: number): JsonObject {
  const hit = TYPE_NAMES.find(([re]) => re.test(c.type));
  const typeName = hit?.[1] ?? "STRING";
  const typeText = hit?.[2] || c.type;
  return { name: c.name, type_text: typeText, type_name: typeName, position };
}

export interface ChunkInfo {
  chunk_index: number;
  row_offset: number;
  row_count: number;
}

export interface StatementView {
  id: string;
  state: StatementState;
  error: { error_code: string; message: string } | undefined;
  columns: Column[] | undefined;
  chunks: Cell[][][];
  truncated: boolean;
  progress: Progress;
}

function chunkInfos(v: StatementView): ChunkInfo[] {
  let offset = 0;
  return v.chunks.map((rows, i) => {
    const info = { chunk_index: i, row_offset: offset, row_count: rows.length };
    offset += rows.length;
    return info;
  });
}

/** One chunk of the result (`GET …/result/chunks/{n}`, and the first one inline in the status). */
export function resultChunk(v: StatementView, index: number): JsonObject {
  const infos = chunkInfos(v);
  const info = infos[index] as ChunkInfo;
  const out: JsonObject = { ...info, data_array: v.chunks[index] };
  if (index + 1 < infos.length) {
    out["next_chunk_index"] = index + 1;
    out["next_chunk_internal_link"] = `/api/2.0/sql/statements/${v.id}/result/chunks/${index + 1}`;
  }
  return out;
}

/** The statement's answer: status, and once it succeeded the manifest and the first chunk. */
export function statementResponse(v: StatementView): JsonObject {
  const status: JsonObject = { state: v.state };
  if (v.error) status["error"] = v.error;
  const p = v.progress;
  const out: JsonObject = {
    statement_id: v.id,
    status,
    // Tessera: the AI calls so far (the SDKs ignore fields they do not know).
    progress: { rows_done: p.rowsDone, calls: p.calls, errors: p.errors, rate_limited_waits: p.rateLimitedWaits, repeats: p.repeats, elapsed_ms: Date.now() - p.startedAt, ...(p.totalRows ? { total_rows: p.totalRows } : {}) },
  };
  if (v.state !== "SUCCEEDED" || !v.columns) return out;
  const infos = chunkInfos(v);
  out["manifest"] = {
    format: "JSON_ARRAY",
    schema: { column_count: v.columns.length, columns: v.columns.map((c, i) => columnInfo(c, i)) },
    total_chunk_count: infos.length,
    chunks: infos,
    total_row_count: infos.reduce((n, c) => n + c.row_count, 0),
    truncated: v.truncated,
  };
  out["result"] = resultChunk(v, 0);
  return out;
}

export const WAREHOUSE_ID = "tessera";

/** The one built-in warehouse, in the shape of `GET /api/2.0/sql/warehouses`. */
export function warehouseInfo(): JsonObject {
  return {
    id: WAREHOUSE_ID,
    name: "Tessera built-in SQL (DuckDB)",
    state: "RUNNING",
    cluster_size: "Embedded",
    min_num_clusters: 1,
    max_num_clusters: 1,
    num_clusters: 1,
    num_active_sessions: 0,
    auto_stop_mins: 0,
    enable_serverless_compute: true,
    warehouse_type: "PRO",
    creator_name: "tessera",
    health: { status: "HEALTHY" },
    odbc_params: {},
  };
}
