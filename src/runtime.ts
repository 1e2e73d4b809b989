/**
 * The composition root: opens the data dir, checks the master key, brings up the store,
 * secrets, tokens and endpoints, applies the config file, and starts the HTTP server.
 * `tessera serve` calls this; tests may too.
 */
import { EgressPolicy } from "./config/egress.js";
import { proxyEnvOf } from "./providers/registry.js";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino, type Logger } from "pino";
import { createIdentity } from "./auth/index.js";
import { SYSTEM_PRINCIPAL } from "./auth/principal.js";
import { createGuardrails } from "./guardrails/index.js";
import { createRateLimiter, createRedisBreakerSync, DEFAULT_REDIS_PREFIX, type RedisBreakerSync } from "./limits/index.js";
import { configureUpstreamLimits } from "./providers/common/limits.js";
import type { CallContext } from "./providers/provider.js";
import { createUsageService, DEFAULT_SPILL_MAX_BYTES } from "./usage/index.js";
import { loadBootstrapFile } from "./config/bootstrap-file.js";
import { EndpointService } from "./gateway/endpoint-service.js";
import { GatewayError } from "./gateway/errors.js";
import { LiveEndpoints } from "./gateway/live-endpoints.js";
import { Gateway } from "./gateway/pipeline.js";
import { remoteBreakerApplier } from "./gateway/breaker-sync.js";
import { TrafficRouter } from "./gateway/router.js";
import { Cipher, isSealed, loadMasterKey, MasterKeyError, SECRET_READ_SETTING, SecretService } from "./secrets/index.js";
import { buildServer, DEFAULT_BODY_LIMIT } from "./server/app.js";
import { resolveEdgeLimits, type EdgeLimits } from "./server/limits.js";
import { openStore, type Store } from "./store/index.js";
import { createSqlService } from "./sql/index.js";

export interface RuntimeOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  configFile?: string;
  bodyLimit?: number;
  /** Request deadlines, connection caps and JSON limits; each unset one from its env variable, else its default (see server/limits.ts). */
  edge?: Partial<EdgeLimits>;
  /** Redis for rate limits shared by several gateway processes (else `TESSERA_REDIS_URL`, else in memory). */
  redisUrl?: string;
  /** `postgres://…`: every table on PostgreSQL, shared by replicas (else `TESSERA_DATABASE_URL`, else SQLite in the data dir). */
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Where SQL statements sent over the API may read and write files (else `TESSERA_SQL_DATA_DIR`, else `<data-dir>/sql`). */
  sqlDataDir?: string;
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

/**
 * A guardrail's judge call: a chat request to an endpoint of this same gateway, made as
 * the system (not as the caller, who need not have access to the judge).
 */
async function judge(gateway: Gateway | undefined, endpoint: string, messages: Array<{ role: string; content: string }>, ctx: CallContext): Promise<string> {
  if (!gateway) throw new Error("the gateway is not started yet");
  const r = await gateway.query({ endpoint, body: { messages, max_tokens: 16, temperature: 0 }, task: "llm/v1/chat", caller: SYSTEM_PRINCIPAL, ctx });
  if (r.kind !== "response" || r.response.object !== "chat.completion") throw new Error(`judge endpoint ${endpoint} did not answer a chat completion`);
  const content = r.response.choices[0]?.message.content;
  return typeof content === "string" ? content : Array.isArray(content) ? content.map((p) => (typeof p["text"] === "string" ? p["text"] : "")).join("") : "";
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

/** How often every row is compared with what is served, the safety net behind change notices (`TESSERA_RESYNC_MS`, default 30 s). */
function resyncMsOf(env: NodeJS.ProcessEnv): number {
  const v = Number(env["TESSERA_RESYNC_MS"] ?? 30_000);
  return Number.isFinite(v) && v >= 100 ? v : 30_000;
}

/**
 * The master key for this store. SQLite: from the data dir, created on a first start.
 * PostgreSQL: every replica must bring the key the store was sealed with — a replica with
 * no key (or another key) refuses to start, and nothing is written.
 */
async function masterKeyFor(store: Store, dataDir: string, env: NodeJS.ProcessEnv, hadData: boolean): Promise<{ key: Buffer; sealedBy: string }> {
  if (store.kind === "sqlite") return { key: loadMasterKey(dataDir, env, !hadData).key, sealedBy: "this data dir" };
  const sealedBy = `the store at ${store.location}`;
  const sealed = await isSealed(store.db);
  if (sealed && !env["TESSERA_MASTER_KEY"] && !existsSync(join(dataDir, "master.key"))) {
    throw new MasterKeyError(
      `No master key: ${sealedBy} is sealed, TESSERA_MASTER_KEY is not set and ${join(dataDir, "master.key")} is missing. ` +
        "Give every replica the key the store was sealed with; nothing was changed.",
    );
  }
  return { key: loadMasterKey(dataDir, env, !sealed).key, sealedBy };
}

/** `TESSERA_USAGE_SPILL_MAX_BYTES` (default 256 MiB; 0: no spill file, records wait in memory only). */
function spillMaxBytesOf(env: NodeJS.ProcessEnv): number {
  const v = Number(env["TESSERA_USAGE_SPILL_MAX_BYTES"] ?? DEFAULT_SPILL_MAX_BYTES);
  return Number.isFinite(v) && v >= 0 ? Math.floor(v) : DEFAULT_SPILL_MAX_BYTES;
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
  const edge = resolveEdgeLimits(o.edge, env);
  // Process-wide: every upstream call of this process runs with these unless its endpoint says otherwise.
  configureUpstreamLimits(env);
  const dataDir = resolve(o.dataDir ?? ".tessera");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const hadData = existsSync(join(dataDir, "tessera.db"));
  let store: Store | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;
  let breakerSync: RedisBreakerSync | undefined;
  try {
    store = await openStore({ dataDir, databaseUrl: o.databaseUrl ?? env["TESSERA_DATABASE_URL"], log, env });
    const opened = store;
    const db = store.db;
    if (store.applied.length) log.info({ store: store.kind, migrations: store.applied }, "store schema migrated");
    // The judge calls go through the gateway the guardrails are part of: bound once it exists.
    const late: { gateway?: Gateway } = {};
    const guardrails = createGuardrails({ judge: (name, messages, ctx) => judge(late.gateway, name, messages, ctx), log });
    const live = new LiveEndpoints();
    // Replicas starting at once take turns for their first writes (key check, admin token, config file).
    const { secrets, identity, endpoints } = await store.exclusive(async () => {
      const { key, sealedBy } = await masterKeyFor(opened, dataDir, env, hadData);
      const secrets = new SecretService(db, new Cipher(key), { allowValueRead: env[SECRET_READ_SETTING] === "1" });
      await secrets.verifyMasterKey(sealedBy);
      const identity = await createIdentity({ db, env, log, announce: () => opened.publish({ kind: "identity" }) });
      const endpoints = new EndpointService(db, secrets, live, log, { egress: EgressPolicy.parse(env["TESSERA_EGRESS_ALLOW"]), proxyEnv: proxyEnvOf(env) });
      endpoints.announce = (name) => opened.publish({ kind: "endpoint", name });
      secrets.setListener({
        async secretChanged(scope, key) {
          await endpoints.secretChanged(scope, key);
          await opened.publish({ kind: "secret", scope, key });
        },
        endpointsUsing: (scope, key) => endpoints.endpointsUsing(scope, key),
      });
      endpoints.aiGatewayCheck = (cfg, prefix) => guardrails.checkConfig(cfg, prefix);
      await endpoints.loadAll();
      if (o.configFile) await applyConfigFile(o.configFile, env, secrets, endpoints, log);
      return { secrets, identity, endpoints };
    });
    const generated = identity.generatedAdminToken;
    const redisUrl = o.redisUrl ?? env["TESSERA_REDIS_URL"];
    const limiter = await createRateLimiter({ redisUrl, log, env });
    // The same Redis shares circuit-breaker state: an upstream one replica found failing is skipped by all.
    breakerSync = redisUrl ? await createRedisBreakerSync({ redisUrl, log, env, prefix: env["TESSERA_REDIS_PREFIX"] ?? DEFAULT_REDIS_PREFIX }) : undefined;
    const router = new TrafficRouter(breakerSync ? { sync: breakerSync } : {});
    breakerSync?.attach(remoteBreakerApplier(live, router));
    const sync = breakerSync;
    // Usage and inference rows the store cannot take wait in a spill file in the (local) data dir.
    const usage = createUsageService({ db, log, append: (batches) => opened.append(batches), spill: { dir: join(dataDir, "usage-spill"), maxBytes: spillMaxBytesOf(env) } });
    // Changes made through other replicas: pushed (PostgreSQL LISTEN), and a periodic full compare behind that.
    const resync = () =>
      Promise.all([endpoints.resync(), identity.refresh()]).catch((err: unknown) =>
        log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "re-sync with the store failed; retrying later"),
      );
    store.subscribe({
      changed(c) {
        const run = c.kind === "endpoint" ? endpoints.refresh(c.name) : c.kind === "identity" ? identity.refresh() : endpoints.secretChanged(c.scope, c.key);
        run.catch((err: unknown) => log.warn({ err: { message: err instanceof Error ? err.message : String(err) }, change: c.kind }, "applying a change from another replica failed; the re-sync retries"));
      },
      resync: () => void resync(),
    });
    resyncTimer = setInterval(() => void resync(), resyncMsOf(env));
    resyncTimer.unref();
    const gateway = new Gateway(live, { authorizer: identity.access, limiter, guardrails, recorder: usage, router });
    late.gateway = gateway;
    const sql = createSqlService({ dataDir, sqlDataDir: o.sqlDataDir, env, gateway, access: identity.access });
    const app = buildServer({
      gateway,
      endpoints,
      secrets,
      identity,
      usage,
      logger: log,
      bodyLimit: o.bodyLimit ?? DEFAULT_BODY_LIMIT,
      edge,
      ...(env["TESSERA_UI_DIR"] ? { uiDir: env["TESSERA_UI_DIR"] } : {}),
      storeReady: () => opened.ping(),
      sql: sql.statements,
    });
    const address = await app.listen({ host: o.host ?? "127.0.0.1", port: o.port ?? 8080 });
    const timer = resyncTimer;
    return {
      url: address,
      ...(generated ? { generatedAdminToken: generated } : {}),
      async close() {
        await closeGracefully(app, graceMs(env));
        await sql.close();
        // The server takes no more requests: what was recorded is written before the store closes.
        await usage.close();
        await limiter.close();
        await sync?.close();
        clearInterval(timer);
        await opened.close();
      },
    };
  } catch (err) {
    clearInterval(resyncTimer);
    await breakerSync?.close();
    await store?.close();
    throw err;
  }
}
