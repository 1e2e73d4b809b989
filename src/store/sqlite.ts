/**
 * The embedded store: SQLite in `<data-dir>/tessera.db`, WAL mode, through Kysely. One
 * connection writes it at a time (better-sqlite3 is synchronous, each statement takes a few
 * microseconds): the main thread's for everything but the per-request appends, which a
 * worker thread writes on a second connection (sqlite-appender.ts); processes sharing the
 * file see each other's changes by polling.
 */
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { join } from "node:path";
import { registerSqlite } from "./append.js";
import { SqliteAppender } from "./sqlite-appender.js";
import { migrateToLatest } from "./migrate.js";
import { migrationProvider } from "./migrations.js";
import type { Database } from "./schema.js";
import type { Db, Store } from "./store.js";

export type { Db } from "./store.js";

/**
 * Start-up work on one file runs one at a time within a process. Processes sharing a file
 * are not locked against each other here: SQLite's own locking (busy_timeout) orders their writes.
 */
const startupQueues = new Map<string, Promise<unknown>>();

/** Opens (creating if needed) the database in the data dir and brings its schema up to date. */
export async function openSqlite(dataDir: string): Promise<Db> {
  return (await openSqliteStore(dataDir)).db;
}

export async function openSqliteStore(dataDir: string): Promise<Store> {
  const file = join(dataDir, "tessera.db");
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  registerSqlite(db, sqlite);
  let applied: string[];
  try {
    applied = await migrateToLatest(db as unknown as Kysely<unknown>, migrationProvider);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const appender = new SqliteAppender(file);
  return {
    kind: "sqlite",
    db,
    location: file,
    applied,
    // Appends run in a worker thread, on their own connection (sqlite-appender.ts says why).
    append: (batches) => (batches.some((b) => b.rows.length > 0) ? appender.append(batches.filter((b) => b.rows.length > 0)) : Promise.resolve()),
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      const run = (startupQueues.get(file) ?? Promise.resolve()).then(fn, fn);
      startupQueues.set(file, run.catch(() => undefined));
      return run;
    },
    publish: async () => {},
    subscribe: () => {},
    ping: async () => sqlite.open,
    close: async () => {
      await appender.close();
      await db.destroy();
    },
  };
}
