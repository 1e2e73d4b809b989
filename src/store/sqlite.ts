/**
 * The embedded store: SQLite in `<data-dir>/tessera.db`, WAL mode, through Kysely.
 */
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { join } from "node:path";
import { registerSqlite } from "./append.js";
import { migrationProvider } from "./migrations.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

/** Opens (creating if needed) the database in the data dir and brings its schema up to date. */
export async function openSqlite(dataDir: string): Promise<Db> {
  const sqlite = new BetterSqlite3(join(dataDir, "tessera.db"));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  registerSqlite(db, sqlite);
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    await db.destroy();
    throw new Error(`Database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return db;
}
