/**
 * The `tessera` command. `serve` runs the gateway; the other commands talk to a running
 * gateway over its REST API (see `client/`).
 */
import { parseArgs } from "node:util";
import { MasterKeyError } from "../secrets/index.js";
import { CLIENT_COMMANDS, CLIENT_USAGE, runClientCommand } from "./client/index.js";
import { EDGE_SETTINGS, type EdgeLimits } from "../server/limits.js";
import { migrate } from "./migrate.js";
import { serve } from "./serve.js";
import { storeCopy } from "./store-copy.js";

const USAGE = `Usage: tessera <command> [options]

  tessera serve [--host 127.0.0.1] [--port 8080] [--data-dir ./.tessera] [--config tessera.yaml] [--max-body-bytes N]
                [--redis-url redis://127.0.0.1:6379] [--database-url postgres://user@host:5432/db]
                [--request-timeout-ms 30000] [--idle-timeout-ms 10000]
                [--max-connections 10000] [--max-connections-per-client 2000] [--max-json-depth 128]
                [--max-json-elements 1000000] [--sql-data-dir <data-dir>/sql]
      Runs the gateway. --redis-url (or TESSERA_REDIS_URL) keeps rate limits in Redis, shared by replicas;
      --database-url (or TESSERA_DATABASE_URL) puts every table on PostgreSQL, shared by replicas (else
      SQLite in the data dir). TESSERA_ADMIN_TOKEN sets the admin token (else one is generated and
      printed once on first start); TESSERA_MASTER_KEY sets the encryption key (else
      <data-dir>/master.key; every replica of one PostgreSQL store needs the same key);
      TESSERA_LOG_LEVEL sets the log level (info). The request deadlines, connection caps and
      JSON limits also read TESSERA_REQUEST_TIMEOUT_MS, TESSERA_IDLE_TIMEOUT_MS, TESSERA_MAX_CONNECTIONS, TESSERA_MAX_CONNECTIONS_PER_CLIENT,
      TESSERA_MAX_JSON_DEPTH and TESSERA_MAX_JSON_ELEMENTS (docs/errors.md, "Edge limits").

  tessera migrate [--data-dir ./.tessera] [--database-url postgres://…]
      Brings the store's schema up to date and exits (serve does this too, at start-up). Idempotent.

  tessera store copy --from <sqlite data dir> --to postgres://… [--force]
      Copies every table of a SQLite install to PostgreSQL (secrets stay sealed by the same master
      key) and checks the row counts; refuses a target that holds data unless --force (which empties it).

${CLIENT_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === "serve") {
    const { values } = parseArgs({
      args: rest,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        "data-dir": { type: "string" },
        config: { type: "string" },
        "max-body-bytes": { type: "string" },
        "redis-url": { type: "string" },
        ...Object.fromEntries(EDGE_SETTINGS.map((e) => [e.flag, { type: "string" as const }])),
        "database-url": { type: "string" },
        "sql-data-dir": { type: "string" },
      },
      strict: true,
    });
    const edge: Partial<Record<keyof EdgeLimits, number>> = {};
    for (const e of EDGE_SETTINGS) {
      const v = (values as Record<string, string | boolean | undefined>)[e.flag];
      if (typeof v === "string") edge[e.key] = Number(v);
    }
    try {
      return await serve({
        edge,
        host: values.host ?? process.env["TESSERA_BIND_HOST"] ?? "127.0.0.1",
        port: Number(values.port ?? process.env["TESSERA_PORT"] ?? 8080),
        dataDir: values["data-dir"] ?? process.env["TESSERA_DATA_DIR"] ?? ".tessera",
        ...(values.config ? { configFile: values.config } : {}),
        ...(values["max-body-bytes"] ? { bodyLimit: Number(values["max-body-bytes"]) } : {}),
        ...(values["redis-url"] ? { redisUrl: values["redis-url"] } : {}),
        ...(values["database-url"] ? { databaseUrl: values["database-url"] } : {}),
        ...(values["sql-data-dir"] ? { sqlDataDir: values["sql-data-dir"] } : {}),
      });
    } catch (err) {
      const prefix = err instanceof MasterKeyError ? "tessera: master key error: " : "tessera: cannot start: ";
      console.error(prefix + (err instanceof Error ? err.message : String(err)));
      return 1;
    }
  }
  if (command === "migrate") {
    const { values } = parseArgs({ args: rest, options: { "data-dir": { type: "string" }, "database-url": { type: "string" } }, strict: true });
    try {
      return await migrate({
        dataDir: values["data-dir"] ?? process.env["TESSERA_DATA_DIR"] ?? ".tessera",
        databaseUrl: values["database-url"] ?? process.env["TESSERA_DATABASE_URL"],
      });
    } catch (err) {
      console.error("tessera: migrate failed: " + (err instanceof Error ? err.message : String(err)));
      return 1;
    }
  }
  if (command === "store" && rest[0] === "copy") {
    const { values } = parseArgs({ args: rest.slice(1), options: { from: { type: "string" }, to: { type: "string" }, force: { type: "boolean" } }, strict: true });
    return storeCopy({ from: values.from, to: values.to ?? process.env["TESSERA_DATABASE_URL"], force: values.force === true });
  }
  if (CLIENT_COMMANDS.includes(command)) return runClientCommand(argv);
  console.error(`tessera: unknown command '${command}'\n`);
  console.log(USAGE);
  return 2;
}
