/** `tessera store copy --from <sqlite data dir> --to postgres://… [--force]`. */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createLogger } from "../runtime.js";
import { copyStore, openSqliteStore, openStore, TABLES } from "../store/index.js";

export async function storeCopy(o: { from: string | undefined; to: string | undefined; force: boolean }): Promise<number> {
  if (!o.from || !o.to) {
    console.error("Usage: tessera store copy --from <sqlite data dir> --to postgres://… [--force]");
    return 2;
  }
  const dir = resolve(o.from);
  if (!existsSync(join(dir, "tessera.db"))) {
    console.error(`tessera: store copy: ${dir} holds no tessera.db.`);
    return 1;
  }
  const log = createLogger(process.env["TESSERA_LOG_LEVEL"] ?? "warn");
  const from = await openSqliteStore(dir);
  try {
    const to = await openStore({ dataDir: dir, databaseUrl: o.to, log });
    try {
      const { counts } = await copyStore(from, to, { force: o.force });
      process.stdout.write(`Copied ${dir} to ${to.location}; row counts match:\n`);
      for (const t of TABLES) process.stdout.write(`  ${t.padEnd(22)} ${counts[t]}\n`);
      process.stdout.write("Start the replicas with this install's master key (TESSERA_MASTER_KEY or the data dir's master.key).\n");
      return 0;
    } finally {
      await to.close();
    }
  } catch (err) {
    console.error(`tessera: store copy: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await from.close();
  }
}
