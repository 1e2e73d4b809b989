/** Picks the store: PostgreSQL for a `postgres://` URL, else the embedded SQLite file in the data dir. */
import { isPostgresUrl, openPostgresStore, redactUrl } from "./postgres/index.js";
import { openSqliteStore } from "./sqlite.js";
import type { Store } from "./store.js";

export interface StoreOptions {
  dataDir: string;
  /** `--database-url` / `TESSERA_DATABASE_URL`; empty or absent: SQLite. */
  databaseUrl?: string | undefined;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  env?: NodeJS.ProcessEnv;
}

export async function openStore(o: StoreOptions): Promise<Store> {
  const url = o.databaseUrl?.trim();
  if (!url) return openSqliteStore(o.dataDir);
  if (!isPostgresUrl(url)) throw new Error(`The database URL ${redactUrl(url)} is not a postgres:// URL; leave it unset for the embedded SQLite store.`);
  const poolMax = Number(o.env?.["TESSERA_DATABASE_POOL_MAX"] ?? 10);
  return openPostgresStore(url, { log: o.log, poolMax: Number.isInteger(poolMax) && poolMax > 0 ? poolMax : 10 });
}
