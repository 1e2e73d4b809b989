/**
 * The store cases against both backends: SQLite in a temp data dir, and the real
 * PostgreSQL at 127.0.0.1:5432 (database `test`) in a schema made for this run and
 * dropped after. PostgreSQL's change channel (LISTEN/NOTIFY) is checked here too.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openStore, type Store, type StoreChange } from "./index.js";
import { storeCases } from "./store.case.test.js";
import { createTestSchema, type TestSchema } from "../../testing/postgres-schema.js";

const silent = { warn() {}, error() {}, info() {} };

describe("SQLite store", () => {
  const dir = mkdtempSync(join(tmpdir(), "tessera-store-"));
  storeCases(() => openStore({ dataDir: dir, log: silent }), { parallelWriters: false, resentAppends: false });
});

describe("PostgreSQL store", () => {
  let schema: TestSchema;
  before(async () => {
    schema = await createTestSchema();
  });
  after(async () => {
    await schema?.drop();
  });
  storeCases(() => openStore({ dataDir: "/nonexistent", databaseUrl: schema.url, log: silent }), { parallelWriters: true, resentAppends: true });

  it("carries a change from one replica to the others within milliseconds, and not back to its sender", async () => {
    const [a, b] = await Promise.all([openStore({ dataDir: "/nonexistent", databaseUrl: schema.url, log: silent }), openStore({ dataDir: "/nonexistent", databaseUrl: schema.url, log: silent })]);
    try {
      const heardA: StoreChange[] = [];
      const got = new Promise<StoreChange>((resolve) => b.subscribe({ changed: resolve, resync() {} }));
      a.subscribe({ changed: (c) => heardA.push(c), resync() {} });
      // LISTEN is set up in the background: publish until b hears.
      const t0 = Date.now();
      let heard: StoreChange | undefined;
      void got.then((c) => (heard = c));
      while (!heard && Date.now() - t0 < 5_000) {
        await a.publish({ kind: "endpoint", name: "ep-é" });
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(heard, { kind: "endpoint", name: "ep-é" });
      assert.deepEqual(heardA, []);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("refuses a URL that is not postgres:// and a search_path with no schema, naming neither password nor secret", async () => {
    await assert.rejects(openStore({ dataDir: "/x", databaseUrl: "mysql://u:pw@127.0.0.1/db", log: silent }), (e: Error) => /not a postgres:\/\/ URL/.test(e.message) && !e.message.includes("pw"));
    const missing = schema.url.replace(/search_path%3D[^&]+/, "search_path%3Dtessera_no_such_schema");
    await assert.rejects(openStore({ dataDir: "/x", databaseUrl: missing, log: silent }), /names no schema that exists/);
  });
});

export type { Store };
