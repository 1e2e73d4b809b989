// `--database-url`: a schema of the bench's own in the given PostgreSQL database, created
// before the governed-pg system starts and dropped after it stops (also on Ctrl-C or a
// crash), so two bench runs — or a bench and the tests — never share tables.
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { onCleanup, ROOT } from "./proc.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1", ""]);

export interface BenchSchema {
  name: string;
  /** The URL with `options=-c search_path=<name>` (the caller's own search_path replaced). */
  url: string;
  /** The URL without its password, for the report. */
  shown: string;
  drop(): Promise<void>;
}

/** Refuses anything but postgres:// on loopback: every figure of the bench is a one-machine figure. */
export function checkDatabaseUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error("--database-url: not a URL (expected postgres://user@127.0.0.1:5432/db)");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error("--database-url: expected postgres://…");
  if (!LOOPBACK.has(u.hostname)) throw new Error(`--database-url: the bench runs on loopback only; ${u.hostname} is not 127.0.0.1/localhost/::1`);
  return u;
}

function withSearchPath(u: URL, schema: string): URL {
  const out = new URL(u.toString());
  const other = (out.searchParams.get("options") ?? "").replace(/-c\s*search_path=\S+/g, "").trim();
  out.searchParams.set("options", `${other ? `${other} ` : ""}-c search_path=${schema}`);
  return out;
}

function redact(u: URL): string {
  const r = new URL(u.toString());
  if (r.password) r.password = "***";
  return r.toString();
}

async function exec(url: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** The drop as a separate, synchronous Node process: what an exit handler can still run. */
function dropSync(url: string, statement: string): void {
  const script = "const pg=require('pg');const c=new pg.Client({connectionString:process.argv[1]});c.connect().then(()=>c.query(process.argv[2])).finally(()=>c.end()).catch(()=>process.exit(1));";
  spawnSync(process.execPath, ["-e", script, url, statement], { cwd: ROOT, stdio: "ignore", timeout: 10_000 });
}

export async function createBenchSchema(raw: string): Promise<BenchSchema> {
  const base = checkDatabaseUrl(raw);
  const name = `tessera_bench_${process.pid}_${randomBytes(4).toString("hex")}`;
  await exec(base.toString(), `CREATE SCHEMA ${name}`);
  let dropped = false;
  const statement = `DROP SCHEMA IF EXISTS ${name} CASCADE`;
  onCleanup(() => {
    if (!dropped) dropSync(base.toString(), statement);
  });
  const url = withSearchPath(base, name);
  return {
    name,
    url: url.toString(),
    shown: redact(base),
    async drop() {
      if (dropped) return;
      await exec(base.toString(), statement);
      dropped = true;
    },
  };
}

/** Rows the governed-pg system wrote, as a check that the load really went to PostgreSQL. */
export async function countRows(url: string, table: string): Promise<number> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(`select count(*)::text as n from ${table}`);
    return Number(r.rows[0]?.n ?? "0");
  } finally {
    await c.end();
  }
}
