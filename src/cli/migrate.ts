/** `tessera migrate`: applies pending migrations to the store and exits. */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createLogger } from "../runtime.js";
import { openStore } from "../store/index.js";

export async function migrate(o: { dataDir: string; databaseUrl: string | undefined }): Promise<number> {
  const dataDir = resolve(o.dataDir);
  if (!o.databaseUrl) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({ dataDir, databaseUrl: o.databaseUrl, log: createLogger(process.env["TESSERA_LOG_LEVEL"] ?? "warn") });
  try {
    process.stdout.write(
      store.applied.length ? `Applied ${store.applied.length} migration(s) to ${store.location}: ${store.applied.join(", ")}\n` : `${store.location} is up to date.\n`,
    );
  } finally {
    await store.close();
  }
  return 0;
}
