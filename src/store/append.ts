/**
 * Appending many rows at once, for writers that run with every request (usage records,
 * inference payloads). On SQLite the rows go through one prepared single-row statement per
 * table, reused across batches, in one transaction: no SQL is parsed or compiled per batch.
 * PostgreSQL gets multi-row INSERTs (`$n` placeholders) whose text is built once per row
 * count: a batch of 250 requests is one INSERT per table in one transaction, not 250 statements.
 */
import type BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, type Kysely } from "kysely";

export interface AppendBatch {
  table: string;
  /** Column names, in the order their values are read from each row. */
  columns: readonly string[];
  rows: readonly object[];
}

/** The SQLite connection behind a Kysely instance opened by `openSqlite`. */
const sqliteOf = new WeakMap<object, BetterSqlite3.Database>();

export function registerSqlite(db: object, handle: BetterSqlite3.Database): void {
  sqliteOf.set(db, handle);
}

const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** `?` placeholders for SQLite; numbered `$1, $2, …` for PostgreSQL. */
function insertSql(table: string, columns: readonly string[], tuples: number, numbered: boolean): string {
  let n = 0;
  const tuple = () => `(${columns.map(() => (numbered ? `$${++n}` : "?")).join(", ")})`;
  const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values ${Array.from({ length: tuples }, tuple).join(", ")}`;
  // PostgreSQL: a batch sent again after a lost COMMIT answer skips the rows it already
  // wrote (unique request ids, postgres/migrations.ts). SQLite writes in-process: no resend.
  return numbered ? `${text} on conflict do nothing` : text;
}

function valuesOf(row: object, columns: readonly string[]): unknown[] {
  const r = row as Record<string, unknown>;
  return columns.map((c) => r[c] ?? null);
}

export function appendSqlite(handle: BetterSqlite3.Database, batches: readonly AppendBatch[]): void {
  let cache = statements.get(handle);
  if (!cache) statements.set(handle, (cache = new Map()));
  const prepared = batches.map((b) => {
    const key = `${b.table}(${b.columns.join(",")})`;
    let stmt = cache.get(key);
    if (!stmt) cache.set(key, (stmt = handle.prepare(insertSql(b.table, b.columns, 1, false))));
    return stmt;
  });
  handle.transaction(() => {
    batches.forEach((b, i) => {
      const stmt = prepared[i] as BetterSqlite3.Statement;
      for (const row of b.rows) stmt.run(valuesOf(row, b.columns));
    });
  })();
}

/** Rows per statement on PostgreSQL: 250 rows × 19 columns stays far under its 65,535 bound parameters. */
const CHUNK = 250;
const sqlByShape = new Map<string, string>();

async function appendGeneric(db: Kysely<unknown>, batches: readonly AppendBatch[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const b of batches) {
      for (let i = 0; i < b.rows.length; i += CHUNK) {
        const chunk = b.rows.slice(i, i + CHUNK);
        const key = `${b.table}(${b.columns.join(",")})x${chunk.length}`;
        let text = sqlByShape.get(key);
        if (text === undefined) sqlByShape.set(key, (text = insertSql(b.table, b.columns, chunk.length, true)));
        await trx.executeQuery(CompiledQuery.raw(text, chunk.flatMap((r) => valuesOf(r, b.columns))));
      }
    }
  });
}

/** Appends every batch's rows, all in one transaction; throws when nothing was written. */
export async function appendRows<DB>(db: Kysely<DB>, batches: readonly AppendBatch[]): Promise<void> {
  const todo = batches.filter((b) => b.rows.length > 0);
  if (todo.length === 0) return;
  const handle = sqliteOf.get(db);
  if (handle) appendSqlite(handle, todo);
  else await appendGeneric(db as unknown as Kysely<unknown>, todo);
}
