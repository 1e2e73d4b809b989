/**
 * `tessera store copy`: moves an install from its SQLite data dir to PostgreSQL. Every
 * table is copied row for row — secrets and endpoint credentials stay sealed by the same
 * master key (their ciphertexts are bound to their scope/key or credential id, which do not
 * change), the master-key check and the OAuth signing key go along in `meta` — in one
 * transaction on the target, then the row counts of both sides are compared.
 *
 * A target that already holds anything beyond what its migrations made is refused unless
 * `force` is given, which empties it first (in the same transaction).
 */
import { CompiledQuery, sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { Store } from "./store.js";

/** Every table, parents before the rows that name them (no foreign keys, but a stable order). */
export const TABLES = [
  "meta",
  "principals",
  "group_members",
  "tokens",
  "oauth_secrets",
  "endpoint_acls",
  "secret_acls",
  "secret_scopes",
  "secrets",
  "endpoints",
  "endpoint_credentials",
  "usage_records",
  "inference_payloads",
] as const satisfies ReadonlyArray<keyof Database>;

type Table = (typeof TABLES)[number];
const WITH_ID = new Set<Table>(["usage_records", "inference_payloads"]);
const PAGE = 1_000;

export interface CopyReport {
  /** Rows per table, the same on both sides. */
  counts: Record<Table, number>;
}

export class StoreCopyError extends Error {}

async function counts(db: Kysely<Database>): Promise<Record<Table, number>> {
  const out = {} as Record<Table, number>;
  for (const t of TABLES) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t)}`.execute(db);
    out[t] = Number(r.rows[0]?.n ?? 0);
  }
  return out;
}

/** True when the target holds only what its migrations put there (the bootstrap principals). */
async function isFresh(db: Kysely<Database>): Promise<boolean> {
  const c = await counts(db);
  const extra = TABLES.filter((t) => t !== "principals" && t !== "group_members" && c[t] > 0);
  if (extra.length) return false;
  const p = await db.selectFrom("principals").select("id").execute();
  return p.every((r) => r.id === "1" || r.id === "2") && c.group_members <= 1;
}

function insertText(table: string, columns: string[], rows: number): string {
  let n = 0;
  const tuple = () => `(${columns.map(() => `$${++n}`).join(", ")})`;
  return `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values ${Array.from({ length: rows }, tuple).join(", ")}`;
}

/** Reads a table in pages (by id where it has one, else whole — the other tables are small). */
async function* pages(db: Kysely<Database>, table: Table): AsyncGenerator<Array<Record<string, unknown>>> {
  if (!WITH_ID.has(table)) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    if (rows.length) yield rows;
    return;
  }
  let after = -1;
  for (;;) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} where id > ${after} order by id limit ${PAGE}`.execute(db)).rows;
    if (!rows.length) return;
    yield rows;
    after = Number(rows[rows.length - 1]?.["id"]);
    if (rows.length < PAGE) return;
  }
}

export async function copyStore(from: Store, to: Store, o: { force: boolean }): Promise<CopyReport> {
  if (from.kind !== "sqlite" || to.kind !== "postgres") throw new StoreCopyError("store copy goes from a SQLite data dir to a postgres:// URL.");
  if (!o.force && !(await isFresh(to.db))) {
    throw new StoreCopyError(`${to.location} already holds data; nothing was copied. Give --force to replace it (everything in it is deleted first).`);
  }
  await to.db.transaction().execute(async (tx) => {
    for (const t of [...TABLES].reverse()) await sql`delete from ${sql.table(t)}`.execute(tx);
    for (const t of TABLES) {
      for await (const rows of pages(from.db, t)) {
        const columns = Object.keys(rows[0] ?? {});
        // 100 rows a statement keeps the bound parameters well under PostgreSQL's 65,535.
        for (let i = 0; i < rows.length; i += 100) {
          const chunk = rows.slice(i, i + 100);
          await tx.executeQuery(CompiledQuery.raw(insertText(t, columns, chunk.length), chunk.flatMap((r) => columns.map((c) => r[c] ?? null))));
        }
      }
      if (WITH_ID.has(t)) await sql`select setval(pg_get_serial_sequence(${t}, 'id'), coalesce((select max(id) from ${sql.table(t)}), 0) + 1, false)`.execute(tx);
    }
  });
  const [a, b] = await Promise.all([counts(from.db), counts(to.db)]);
  const differ = TABLES.filter((t) => a[t] !== b[t]);
  if (differ.length) throw new StoreCopyError(`row counts differ after the copy: ${differ.map((t) => `${t} ${a[t]} → ${b[t]}`).join(", ")}`);
  return { counts: b };
}
