/**
 * Multi-row INSERTs for the usage writer, whose rows arrive with every request: the SQL
 * text is built once per (table, row count) and run as a compiled query, so Kysely's query
 * compiler — the largest cost of a batch after SQLite itself — is skipped on this path.
 * Identifiers are double-quoted and values bound, which SQLite and PostgreSQL both read.
 */
import { CompiledQuery } from "kysely";

/** A Kysely instance or transaction: what can run a compiled query. */
export interface Executor {
  executeQuery(query: CompiledQuery): Promise<unknown>;
}

/** Rows per statement: keeps the bound parameters under SQLite's limit for ~20 columns. */
const CHUNK = 100;

export class BulkInsert<R extends object> {
  private readonly sqlByCount = new Map<number, string>();
  private readonly head: string;
  private readonly tuple: string;

  constructor(
    table: string,
    private readonly columns: ReadonlyArray<keyof R & string>,
  ) {
    this.head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values `;
    this.tuple = `(${columns.map(() => "?").join(", ")})`;
  }

  private sqlFor(count: number): string {
    let text = this.sqlByCount.get(count);
    if (text === undefined) {
      text = this.head + Array.from({ length: count }, () => this.tuple).join(", ");
      this.sqlByCount.set(count, text);
    }
    return text;
  }

  /** Inserts the rows, `CHUNK` per statement, on `db` (a transaction, normally). */
  async run(db: Executor, rows: readonly R[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const params: unknown[] = [];
      for (const row of chunk) for (const c of this.columns) params.push((row as Record<string, unknown>)[c] ?? null);
      await db.executeQuery(CompiledQuery.raw(this.sqlFor(chunk.length), params));
    }
  }
}
