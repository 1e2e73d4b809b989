/**
 * The store contract: one Kysely database (the same queries on SQLite and PostgreSQL) plus
 * the few things that differ by backend — batched appends, the start-up lock, and telling
 * other replicas on the same store what changed. `openStore` picks the backend: a
 * `postgres://` URL, else the embedded SQLite file in the data dir.
 *
 * @example
 *   const store = await openStore({ dataDir, databaseUrl: env.TESSERA_DATABASE_URL, log });
 *   await store.exclusive(async () => { ... start-up writes ... });
 *   store.subscribe({ changed: (c) => ..., resync: () => ... });
 */
import type { Kysely } from "kysely";
import type { AppendBatch } from "./append.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

export type StoreKind = "sqlite" | "postgres";

/** A change made by one replica that the others must apply to what they hold in memory. */
export type StoreChange =
  /** An endpoint was created, updated (config, AI gateway, tags) or deleted. */
  | { kind: "endpoint"; name: string }
  /** Principals, memberships, grants, tokens or OAuth secrets changed. */
  | { kind: "identity" }
  /** A secret's value changed: endpoints that use it are rebuilt. */
  | { kind: "secret"; scope: string; key: string };

export interface ChangeListener {
  /** A change another process published. */
  changed(change: StoreChange): void;
  /** Changes may have been missed (the listening connection was lost and is back): reload everything. */
  resync(): void;
}

export interface Store {
  readonly kind: StoreKind;
  readonly db: Db;
  /** Where the data is, for log lines: a file path, or the URL without its password. */
  readonly location: string;
  /** Migrations this open applied (empty when the schema was already up to date). */
  readonly applied: readonly string[];
  /** Appends rows in batches: one transaction, multi-row INSERTs (or SQLite's prepared statement). */
  append(batches: readonly AppendBatch[]): Promise<void>;
  /**
   * Runs `fn` holding the store-wide start-up lock, so that replicas starting at once do
   * their first writes (canary, admin token, config file) one after the other.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Tells every other process on this store of a change; never throws (a lost notice is caught up by the re-sync). */
  publish(change: StoreChange): Promise<void>;
  /** Hears changes published by other processes. SQLite has no channel: its replicas poll. */
  subscribe(listener: ChangeListener): void;
  /** Whether the store answers a trivial query now (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
