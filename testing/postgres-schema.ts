/**
 * For tests: a schema of its own in the local PostgreSQL (`TESSERA_TEST_DATABASE_URL`, else
 * postgres://postgres@127.0.0.1:5432/test), and the URL whose `search_path` points at it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const TEST_DATABASE_URL = process.env["TESSERA_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestSchema {
  name: string;
  /** The database URL with `options=-c search_path=<name>`. */
  url: string;
  drop(): Promise<void>;
}

async function run(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function createTestSchema(): Promise<TestSchema> {
  const name = `tessera_test_${randomBytes(6).toString("hex")}`;
  await run(`CREATE SCHEMA ${name}`);
  const sep = TEST_DATABASE_URL.includes("?") ? "&" : "?";
  return {
    name,
    url: `${TEST_DATABASE_URL}${sep}options=${encodeURIComponent(`-c search_path=${name}`)}`,
    drop: () => run(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
  };
}
