/**
 * The scale-out store: PostgreSQL through Kysely's PostgresDialect on a `pg` pool, for
 * several replicas sharing one database. The same queries as SQLite; its own migration
 * history (`migrations.ts`); change notices through LISTEN/NOTIFY on a channel named
 * after the schema (several installs may share one database, each in its own schema —
 * the schema is the connection's `search_path`, e.g. `?options=-c%20search_path%3Dtessera`).
 *
 * BIGINT columns (timestamps in ms, counts) come back as JS numbers, as from SQLite: every
 * value the gateway stores there is far below 2^53.
 */
import { randomUUID } from "node:crypto";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { appendRows } from "../append.js";
import { migrateToLatest } from "../migrate.js";
import type { Database } from "../schema.js";
import type { Store } from "../store.js";
import { ChangeChannel, encodeNotice } from "./listener.js";
import { postgresMigrations } from "./migrations.js";

interface Log {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PostgresOptions {
  log: Log;
  /** Connections in the pool (default 10; at least 2: the start-up lock holds one). */
  poolMax?: number;
  /** How long a query waits for a free or new connection before failing (default 5 s). */
  connectTimeoutMs?: number;
}

const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary" ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL without its password, for log lines and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

/** A NOTIFY channel per schema (identifiers are at most 63 bytes). */
function channelOf(schema: string): string {
  return `tessera_${schema}`.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 63);
}

export async function openPostgresStore(url: string, o: PostgresOptions): Promise<Store> {
  const config: pg.PoolConfig = {
    connectionString: url,
    max: Math.max(2, o.poolMax ?? 10),
    connectionTimeoutMillis: o.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    types,
  };
  const pool = new pg.Pool(config);
  // An idle connection that the server closes (restart, failover) must not crash the process.
  pool.on("error", (err) => o.log.warn({ err: { message: err.message } }, "an idle PostgreSQL connection failed"));
  // …nor one that fails while checked out between two statements (inside a transaction): the
  // pool listens only to idle clients, and an 'error' event nobody listens to is a crash.
  // The statement in progress fails on its own; the dead client is discarded on release.
  pool.on("connect", (client) => client.on("error", () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const location = redactUrl(url);
  let schema: string;
  let applied: string[];
  try {
    const r = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const s = r.rows[0]?.schema;
    if (!s) throw new Error("the connection's search_path names no schema that exists; create it first (CREATE SCHEMA …)");
    schema = s;
    applied = await migrateToLatest(db as unknown as Kysely<unknown>, postgresMigrations, schema);
  } catch (err) {
    await db.destroy();
    throw new Error(`PostgreSQL at ${location}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const channel = channelOf(schema);
  const origin = randomUUID();
  const listening = new ChangeChannel({ connectionString: url, connectionTimeoutMillis: config.connectionTimeoutMillis ?? 5_000 }, channel, origin, o.log);
  const lockKey = `${channel}:startup`;
  return {
    kind: "postgres",
    db,
    location,
    applied,
    append: (batches) => appendRows(db, batches),
    async exclusive<T>(fn: () => Promise<T>): Promise<T> {
      // A session-level advisory lock on a connection of its own, held while `fn` runs on others.
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock(hashtext($1))", [lockKey]);
        try {
          return await fn();
        } finally {
          await client.query("select pg_advisory_unlock(hashtext($1))", [lockKey]).catch(() => undefined);
        }
      } finally {
        client.release();
      }
    },
    async publish(change) {
      try {
        await sql`select pg_notify(${channel}, ${encodeNotice(origin, change)})`.execute(db);
      } catch (err) {
        o.log.warn({ err: { message: err instanceof Error ? err.message : String(err) }, change: change.kind }, "could not notify other replicas; the periodic re-sync will carry the change");
      }
    },
    subscribe(listener) {
      listening.add(listener);
    },
    async ping() {
      // A readiness probe answers within a second even while connections hang.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 1_000)));
      const query = sql`select 1`.execute(db).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([query, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await listening.close();
      await db.destroy();
    },
  };
}
