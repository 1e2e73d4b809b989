/**
 * The composition root: opens the data dir, checks the master key, brings up the store,
 * secrets, tokens and endpoints, applies the config file, and starts the HTTP server.
 * `tessera serve` calls this; tests may too.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino, type Logger } from "pino";
import { TokenService } from "./auth/tokens.js";
import { loadBootstrapFile } from "./config/bootstrap-file.js";
import { EndpointService } from "./gateway/endpoint-service.js";
import { GatewayError } from "./gateway/errors.js";
import { LiveEndpoints } from "./gateway/live-endpoints.js";
import { Gateway } from "./gateway/pipeline.js";
import { Cipher, loadMasterKey, SecretService } from "./secrets/index.js";
import { buildServer, DEFAULT_BODY_LIMIT } from "./server/app.js";
import { openSqlite, type Db } from "./store/index.js";

export interface RuntimeOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  configFile?: string;
  bodyLimit?: number;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export interface Runtime {
  url: string;
  /** Set only on the first start without TESSERA_ADMIN_TOKEN: print it once. */
  generatedAdminToken?: string;
  close(): Promise<void>;
}

/** Log lines never carry credentials: auth headers and secret values are redacted wherever they appear. */
export function createLogger(level: string | undefined): Logger {
  return pino({
    level: level ?? "info",
    redact: {
      paths: ["req.headers.authorization", "headers.authorization", "*.headers['api-key']", "string_value", "*.string_value", "value", "*.value"],
      censor: "[REDACTED]",
    },
  });
}

async function applyConfigFile(path: string, env: NodeJS.ProcessEnv, secrets: SecretService, endpoints: EndpointService, log: Logger): Promise<void> {
  const file = loadBootstrapFile(path, env);
  for (const s of file.secrets ?? []) {
    if (!(await secrets.listScopes()).some((sc) => sc.name === s.scope)) await secrets.createScope(s.scope);
    if ((await secrets.value(s.scope, s.key)) !== s.value) await secrets.put(s.scope, s.key, { string_value: s.value });
  }
  for (const e of file.endpoints ?? []) {
    try {
      const outcome = await endpoints.ensure(e, "config-file");
      log.info({ endpoint: e.name, outcome }, "config file endpoint applied");
    } catch (err) {
      const msg = err instanceof GatewayError ? err.message : String(err);
      throw new Error(`Config file ${path}: endpoint ${e.name}: ${msg}`);
    }
  }
}

function graceMs(env: NodeJS.ProcessEnv): number {
  const v = Number(env["TESSERA_SHUTDOWN_GRACE_MS"] ?? 10_000);
  return Number.isFinite(v) && v >= 0 ? v : 10_000;
}

/**
 * Stops accepting connections and lets requests in flight finish, for at most `grace` ms;
 * then closes whatever is still open. Keep-alive connections that go idle during the
 * drain are closed as they do, so an idle client never holds the shutdown up.
 */
async function closeGracefully(app: FastifyInstance, grace: number): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  const force = setTimeout(() => app.server.closeAllConnections(), grace);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
    clearTimeout(force);
  }
}

export async function startRuntime(o: RuntimeOptions = {}): Promise<Runtime> {
  const env = o.env ?? process.env;
  const log = o.logger ?? createLogger(env["TESSERA_LOG_LEVEL"]);
  const dataDir = resolve(o.dataDir ?? ".tessera");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const hadData = existsSync(join(dataDir, "tessera.db"));
  const { key } = loadMasterKey(dataDir, env, !hadData);
  let db: Db | undefined;
  try {
    db = await openSqlite(dataDir);
    const secrets = new SecretService(db, new Cipher(key));
    await secrets.verifyMasterKey();
    const tokens = new TokenService(db);
    const { generated } = await tokens.bootstrap(env["TESSERA_ADMIN_TOKEN"]);
    const live = new LiveEndpoints();
    const endpoints = new EndpointService(db, secrets, live, log);
    secrets.setListener(endpoints);
    await endpoints.loadAll();
    if (o.configFile) await applyConfigFile(o.configFile, env, secrets, endpoints, log);
    const app = buildServer({
      gateway: new Gateway(live),
      endpoints,
      secrets,
      tokens,
      logger: log,
      bodyLimit: o.bodyLimit ?? DEFAULT_BODY_LIMIT,
    });
    const address = await app.listen({ host: o.host ?? "127.0.0.1", port: o.port ?? 8080 });
    const openDb = db;
    return {
      url: address,
      ...(generated ? { generatedAdminToken: generated } : {}),
      async close() {
        await closeGracefully(app, graceMs(env));
        await openDb.destroy();
      },
    };
  } catch (err) {
    await db?.destroy();
    throw err;
  }
}
