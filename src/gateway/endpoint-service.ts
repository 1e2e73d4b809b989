/**
 * Control plane for serving endpoints: create, read, list, update config, tags, AI
 * gateway, delete. Every change is checked and its providers built *before* anything is
 * written; the row and its credentials are written in one transaction; only then does the
 * live endpoint swap. So a failed update leaves the old config serving, untouched.
 *
 * Several replicas on one store: every change is announced (`announce`, a PostgreSQL
 * NOTIFY) once written, and a replica that hears of it calls `refresh(name)`, which
 * rebuilds that endpoint from its row (or drops it when the row is gone). `resync()`
 * compares every row's version with what is serving — the safety net for a missed notice.
 */
import { randomUUID } from "node:crypto";
import { aiGatewaySchema, legacyRateLimitsSchema, parseWith, tagSchema, type AiGatewayConfig, type Tag } from "../config/ai-gateway.js";
import { extractCredentials, withStoredCredentials } from "../config/credentials.js";
import { changedDestination } from "../config/destination.js";
import { entityLimits } from "../config/upstream-limits.js";
import { upstreamDefaults } from "../providers/common/limits.js";
import type { Dispatcher } from "undici";
import { EgressPolicy } from "../config/egress.js";
import {
  credentialFieldsOf,
  parseEndpointConfig,
  renderConfig,
  type ParsedConfig,
  type ParsedEntity,
  type StoredConfig,
  type StoredEntity,
} from "../config/endpoint-config.js";
import { privateKeyOk, type NetworkConfig } from "../config/network-config.js";
import { buildDispatcher, type ProxyEnv } from "../providers/registry.js";
import { parseSecretRef, type SecretRef, type SecretService } from "../secrets/index.js";
import { isUniqueViolation, type Db, type EndpointTable } from "../store/index.js";
import { errors, GatewayError } from "./errors.js";
import { buildRoutes, type LiveEndpoint, type LiveEndpoints, type LiveEntity } from "./live-endpoints.js";
import type { JsonObject } from "./types.js";
import { z } from "zod";

export const ENDPOINT_NAME = /^[A-Za-z0-9_-]{1,63}$/;

/** Names that are routes of their own under /api/2.0/serving-endpoints/ (the workspace usage). */
const RESERVED_NAMES = new Set(["usage"]);

interface Logger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface Resolved {
  live: LiveEndpoint;
  stored: StoredConfig;
  newCredentials: Array<{ id: string; endpoint_id: string; ciphertext: string }>;
  keptCredentialIds: Set<string>;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Credential ids a stored config owns, by entity name and field path. */
function storedCredentialIds(stored: StoredConfig | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!stored) return out;
  const walk = (entity: string, prefix: string, v: unknown) => {
    if (!isObject(v)) return;
    for (const [k, child] of Object.entries(v)) {
      if (k.endsWith("_plaintext") && isObject(child) && typeof child["$credential"] === "string") {
        out.set(`${entity}|${prefix}${k.slice(0, -"_plaintext".length)}`, child["$credential"]);
      } else {
        walk(entity, `${prefix}${k}.`, child);
      }
    }
  };
  for (const e of stored.served_entities) {
    for (const [k, v] of Object.entries(e.external_model)) if (k.endsWith("_config")) walk(e.name, "", v);
  }
  return out;
}

/**
 * Who is changing or reading endpoints, as the control plane needs to know: the name recorded
 * as creator, the permission shown on each endpoint (and which ones are listed at all), and
 * whether a secret scope may be used in a config (a reference to `{{secrets/s/k}}` needs READ
 * on `s`, else a config could send the secret to a server its author chose).
 */
export interface Actor {
  name: string;
  /** The actor's permission level on an endpoint (by id); undefined: it cannot view it. */
  levelOf(endpointId: string): string | undefined;
  /** Throws (403 naming the scope) unless the actor may use secrets of `scope` in a config. */
  requireSecretRead(scope: string, field: string): void;
}

/** The gateway itself (e.g. the config file): may do anything. */
export function trustedActor(name: string): Actor {
  return { name, levelOf: () => "CAN_MANAGE", requireSecretRead() {} };
}

const createSchema = z.object({
  name: z.string(),
  config: z.unknown(),
  tags: z.array(tagSchema).optional(),
  ai_gateway: z.unknown().optional(),
  description: z.string().max(4096).optional(),
  route_optimized: z.boolean().optional(),
  rate_limits: z.unknown().optional(),
});

export class EndpointService {
  /** Control-plane writes run one at a time: they are rare, and this keeps read-check-write simple. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The row version each serving endpoint was built from, by name (see `versionOf`). */
  private readonly versions = new Map<string, string>();

  /** Tells other replicas an endpoint changed (after the write). Set by the runtime; never throws. */
  announce: (name: string) => Promise<void> = async () => {};

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretService,
    private readonly live: LiveEndpoints,
    private readonly log: Logger,
    private readonly network: EndpointNetwork = { egress: EgressPolicy.open, proxyEnv: { httpsProxy: undefined, httpProxy: undefined, noProxy: undefined } },
  ) {}

  /**
   * Checks of an ai_gateway block beyond its shape (e.g. guardrails that need a judge
   * endpoint); throws a 400 naming the field. Set by the runtime.
   */
  aiGatewayCheck: (cfg: AiGatewayConfig, prefix: string) => void = () => {};

  private checkAiGateway(cfg: AiGatewayConfig, prefix: string): AiGatewayConfig {
    this.aiGatewayCheck(cfg, prefix);
    return cfg;
  }

  /** Puts a new ai_gateway on the serving endpoint: one swap, like a config change. */
  private swapAiGateway(name: string, cfg: AiGatewayConfig): void {
    const current = this.live.get(name);
    if (current) this.live.set({ ...current, aiGateway: cfg });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Builds every stored endpoint at start-up; one that cannot be built is kept, marked unavailable. */
  async loadAll(): Promise<void> {
    const rows = await this.db.selectFrom("endpoints").selectAll().execute();
    for (const row of rows) await this.rebuild(row);
  }

  private async rebuild(row: EndpointTable): Promise<void> {
    const stored = JSON.parse(row.config) as StoredConfig;
    this.versions.set(row.name, versionOf(row));
    try {
      const parsed = parseEndpointConfig(stored);
      const r = await this.resolve(parsed, row.id, stored, undefined);
      r.live.name = row.name;
      setAiGateway(r.live, row.ai_gateway);
      void closeLater(this.live.set(r.live));
    } catch (err) {
      const reason = err instanceof GatewayError ? err.message : "its configuration could not be loaded";
      this.log.error({ endpoint: row.name, reason }, "endpoint is unavailable");
      const refs = this.live.get(row.name)?.refs ?? collectRefs(stored);
      this.live.set({ id: row.id, name: row.name, task: stored.served_entities[0]?.external_model.task ?? "llm/v1/chat", entities: [], routes: [], refs, unavailable: reason });
    }
  }

  /**
   * Resolves credentials and builds providers for a parsed config. Plaintext credentials are
   * sealed into new rows (written by the caller's transaction); `$credential` ids and the
   * redacted marker are honoured only for credentials this endpoint already owns.
   */
  private async resolve(parsed: ParsedConfig, endpointId: string, previous: StoredConfig | undefined, actor: Actor | undefined): Promise<Resolved> {
    const owned = storedCredentialIds(previous);
    const ownedIds = new Set(owned.values());
    const ownerOf = new Map([...owned].map(([key, id]) => [id, key.slice(0, key.indexOf("|"))]));
    const newCredentials: Resolved["newCredentials"] = [];
    const kept = new Set<string>();
    const refs: SecretRef[] = [];
    const entities: LiveEntity[] = [];
    const storedEntities: StoredEntity[] = [];
    const now = Date.now();
    // Dispatchers built so far, closed if a later entity fails (nothing else holds them then).
    const built: Array<Dispatcher | undefined> = [];
    try {
    for (const [i, e] of parsed.entities.entries()) {
      const at = `config.served_entities[${i}].external_model.${e.definition.configKey}`;
      const values = new Map<string, string>();
      const storedCreds = new Map<string, SecretRef | { credentialId: string }>();
      for (const [path, cred] of e.credentials) {
        const field = `${at}.${path}`;
        if (cred.kind === "ref") {
          actor?.requireSecretRead(cred.ref.scope, field);
          const value = await this.secrets.value(cred.ref.scope, cred.ref.key);
          if (value === undefined) throw errors.invalidParameter(field, `${field} refers to secret ${cred.ref.scope}/${cred.ref.key}, which does not exist.`);
          values.set(path, value);
          storedCreds.set(path, cred.ref);
          refs.push(cred.ref);
        } else if (cred.kind === "plaintext") {
          const row = this.secrets.sealCredential(endpointId, cred.value);
          newCredentials.push(row);
          values.set(path, cred.value);
          storedCreds.set(path, { credentialId: row.id });
        } else {
          const id = cred.kind === "stored" ? cred.id : owned.get(`${e.name}|${path}`);
          const value = id && ownedIds.has(id) ? await this.secrets.credential(id) : undefined;
          if (!id || value === undefined) {
            throw errors.invalidParameter(`${field}_plaintext`, `${field}_plaintext must be given: there is no stored value to keep.`);
          }
          // A kept credential goes only where it went before (see config/destination.ts).
          const owner = previous?.served_entities.find((p) => p.name === ownerOf.get(id));
          const moved = owner ? changedDestination(e, owner) : "provider";
          if (moved !== undefined) {
            throw errors.invalidParameter(
              `${field}_plaintext`,
              `${field}_plaintext must be given again: config.served_entities[${i}].external_model.${moved} changed, and a stored credential is kept only while it is sent where it was before.`,
            );
          }
          kept.add(id);
          values.set(path, value);
          storedCreds.set(path, { credentialId: id });
        }
      }
      checkEgress(this.network.egress, e.config, e.network, at);
      const dispatcher = dispatcherOf(e, values, this.network.proxyEnv, at);
      let provider;
      try {
        provider = e.definition.create({ model: e.model, task: e.task, config: e.config, credentials: values, ...(dispatcher ? { dispatcher } : {}) });
      } catch (err) {
        void dispatcher?.close();
        throw errors.invalidParameter(at, `${at} could not be used: ${err instanceof Error ? err.message : "invalid"}.`);
      }
      built.push(dispatcher);
      entities.push({ name: e.name, model: e.model, provider, imageLimits: e.imageLimits, ...(e.limits ? { limits: entityLimits(e.limits, upstreamDefaults()) } : {}), ...(dispatcher ? { release: () => dispatcher.close() } : {}) });
      const prev = previous?.served_entities.find((p) => p.name === e.name);
      storedEntities.push({
        name: e.name,
        external_model: {
          provider: e.definition.name,
          name: e.model,
          task: e.task,
          ...(e.imageLimitsGiven !== undefined ? { image_limits: e.imageLimitsGiven } : {}),
          [e.definition.configKey]: withStoredCredentials(e.rest, storedCreds),
          ...(e.limits ? { upstream_limits: e.limits } : {}),
        },
        creator: prev?.creator ?? actor?.name ?? "unknown",
        creation_timestamp: prev?.creation_timestamp ?? now,
      });
    }
    } catch (err) {
      for (const d of built) void d?.close();
      throw err;
    }
    const live: LiveEndpoint = { id: endpointId, name: "", task: parsed.task, entities, routes: buildRoutes(entities, parsed.routes), refs };
    return {
      live,
      stored: { served_entities: storedEntities, traffic_config: { routes: parsed.routes } },
      newCredentials,
      keptCredentialIds: kept,
    };
  }

  async create(body: unknown, actor: Actor): Promise<JsonObject> {
    const creator = actor.name;
    const input = parseWith(createSchema, body, "");
    if (!ENDPOINT_NAME.test(input.name)) throw errors.invalidParameter("name", "name must be 1-63 letters, digits, '-' or '_'.");
    if (RESERVED_NAMES.has(input.name)) throw errors.invalidParameter("name", `name '${input.name}' is reserved.`);
    if (input.config === undefined) throw errors.invalidParameter("config", "config is required.");
    const parsed = parseEndpointConfig(input.config);
    const aiGateway = input.ai_gateway === undefined ? undefined : this.checkAiGateway(parseWith(aiGatewaySchema, input.ai_gateway, "ai_gateway"), "ai_gateway");
    return this.serial(async () => {
      if (await this.row(input.name)) throw errors.alreadyExists(`Endpoint with name '${input.name}' already exists.`);
      const id = randomUUID().replace(/-/g, "");
      const r = await this.resolve(parsed, id, undefined, actor);
      r.live.name = input.name;
      const now = Date.now();
      const row: EndpointTable = {
        id,
        name: input.name,
        creator,
        creation_timestamp: now,
        last_updated_timestamp: now,
        description: input.description ?? null,
        route_optimized: input.route_optimized ? 1 : 0,
        tags: JSON.stringify(input.tags ?? []),
        ai_gateway: aiGateway ? JSON.stringify(aiGateway) : null,
        config: JSON.stringify(r.stored),
        config_version: 1,
      };
      try {
        await this.db.transaction().execute(async (tx) => {
          await tx.insertInto("endpoints").values(row).execute();
          if (r.newCredentials.length) await tx.insertInto("endpoint_credentials").values(r.newCredentials).execute();
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw errors.alreadyExists(`Endpoint with name '${input.name}' already exists.`);
        throw err;
      }
      setAiGateway(r.live, row.ai_gateway);
      this.live.set(r.live);
      this.versions.set(row.name, versionOf(row));
      await this.announce(row.name);
      // The creator manages what it created (the caller records the grant).
      return this.view(row, "CAN_MANAGE");
    });
  }

  /** An endpoint the actor can view; one it cannot is answered like one that does not exist. */
  async get(name: string, actor: Actor): Promise<JsonObject> {
    const row = await this.requireRow(name);
    const level = actor.levelOf(row.id);
    if (level === undefined) throw errors.notFound(`Endpoint with name '${name}' does not exist.`);
    return this.view(row, level);
  }

  /** The endpoints the actor can view. */
  async list(actor: Actor): Promise<JsonObject[]> {
    const rows = await this.db.selectFrom("endpoints").selectAll().orderBy("name").execute();
    const out: JsonObject[] = [];
    for (const r of rows) {
      const level = actor.levelOf(r.id);
      if (level !== undefined) out.push(this.view(r, level));
    }
    return out;
  }

  async updateConfig(name: string, body: unknown, actor: Actor): Promise<JsonObject> {
    const parsed = parseEndpointConfig(body);
    return this.serial(async () => {
      const row = await this.requireRow(name);
      const previous = JSON.parse(row.config) as StoredConfig;
      const task = previous.served_entities[0]?.external_model.task;
      if (task && parsed.task !== task) {
        throw errors.invalidParameter("served_entities", `served_entities must keep the endpoint's task ${task}.`);
      }
      const r = await this.resolve(parsed, row.id, previous, actor);
      r.live.name = name;
      setAiGateway(r.live, row.ai_gateway);
      const next = { ...row, config: JSON.stringify(r.stored), config_version: row.config_version + 1, last_updated_timestamp: Date.now() };
      const keep = [...r.keptCredentialIds, ...r.newCredentials.map((c) => c.id)];
      await this.db.transaction().execute(async (tx) => {
        await tx
          .updateTable("endpoints")
          .set({ config: next.config, config_version: next.config_version, last_updated_timestamp: next.last_updated_timestamp })
          .where("id", "=", row.id)
          .execute();
        if (r.newCredentials.length) await tx.insertInto("endpoint_credentials").values(r.newCredentials).execute();
        let del = tx.deleteFrom("endpoint_credentials").where("endpoint_id", "=", row.id);
        if (keep.length) del = del.where("id", "not in", keep);
        await del.execute();
      });
      const old = this.live.set(r.live);
      void closeLater(old);
      this.versions.set(name, versionOf(next));
      await this.announce(name);
      return this.view(next, actor.levelOf(row.id) ?? "CAN_MANAGE");
    });
  }

  async patchTags(name: string, body: unknown): Promise<{ tags: Tag[] }> {
    const input = parseWith(z.object({ add_tags: z.array(tagSchema).optional(), delete_tags: z.array(z.string()).optional() }), body, "");
    return this.serial(async () => {
      const row = await this.requireRow(name);
      const drop = new Set(input.delete_tags ?? []);
      const tags = new Map<string, Tag>();
      for (const t of JSON.parse(row.tags) as Tag[]) if (!drop.has(t.key)) tags.set(t.key, t);
      for (const t of input.add_tags ?? []) tags.set(t.key, t);
      const list = [...tags.values()];
      const now = Date.now();
      await this.db.updateTable("endpoints").set({ tags: JSON.stringify(list), last_updated_timestamp: now }).where("id", "=", row.id).execute();
      this.versions.set(name, versionOf({ ...row, last_updated_timestamp: now }));
      await this.announce(name);
      return { tags: list };
    });
  }

  async putAiGateway(name: string, body: unknown): Promise<JsonObject> {
    const cfg = this.checkAiGateway(parseWith(aiGatewaySchema, body, ""), "");
    return this.serial(async () => {
      const row = await this.requireRow(name);
      const now = Date.now();
      await this.db.updateTable("endpoints").set({ ai_gateway: JSON.stringify(cfg), last_updated_timestamp: now }).where("id", "=", row.id).execute();
      this.swapAiGateway(name, cfg);
      this.versions.set(name, versionOf({ ...row, last_updated_timestamp: now }));
      await this.announce(name);
      return cfg as JsonObject;
    });
  }

  /** Deprecated `PUT …/rate-limits`: stored as `ai_gateway.rate_limits`. */
  async putRateLimits(name: string, body: unknown): Promise<JsonObject> {
    const input = parseWith(legacyRateLimitsSchema, body, "");
    return this.serial(async () => {
      const row = await this.requireRow(name);
      const current = row.ai_gateway ? (JSON.parse(row.ai_gateway) as JsonObject) : {};
      const next = { ...current, rate_limits: input.rate_limits.map((r) => ({ calls: r.calls, key: r.key ?? "endpoint", renewal_period: r.renewal_period })) };
      const now = Date.now();
      await this.db.updateTable("endpoints").set({ ai_gateway: JSON.stringify(next), last_updated_timestamp: now }).where("id", "=", row.id).execute();
      this.swapAiGateway(name, parseWith(aiGatewaySchema, next, ""));
      this.versions.set(name, versionOf({ ...row, last_updated_timestamp: now }));
      await this.announce(name);
      return input as JsonObject;
    });
  }

  async delete(name: string): Promise<void> {
    return this.serial(async () => {
      const row = await this.requireRow(name);
      await this.db.transaction().execute(async (tx) => {
        await tx.deleteFrom("endpoint_credentials").where("endpoint_id", "=", row.id).execute();
        await tx.deleteFrom("endpoints").where("id", "=", row.id).execute();
      });
      void closeLater(this.live.delete(name));
      this.versions.delete(name);
      await this.announce(name);
    });
  }

  /**
   * Brings one endpoint in line with its row after another replica changed it: rebuilt
   * when the row's version differs from the one serving, dropped when the row is gone.
   */
  async refresh(name: string): Promise<void> {
    return this.serial(async () => {
      const row = await this.row(name);
      if (!row) {
        this.versions.delete(name);
        void closeLater(this.live.delete(name));
      } else if (this.versions.get(name) !== versionOf(row)) {
        await this.rebuild(row);
      }
    });
  }

  /** Compares every row with what is serving and refreshes what differs (a missed notice, a lost channel). */
  async resync(): Promise<void> {
    const rows = await this.db.selectFrom("endpoints").select(["name", "id", "config_version", "last_updated_timestamp"]).execute();
    const names = new Set(rows.map((r) => r.name));
    for (const r of rows) if (this.versions.get(r.name) !== versionOf(r)) await this.refresh(r.name);
    for (const ep of this.live.all()) if (!names.has(ep.name)) await this.refresh(ep.name);
  }

  /**
   * Declarative apply (the `--config` file): creates the endpoint, or updates what differs.
   * Re-applying the same declaration changes nothing, not even `config_version`.
   */
  async ensure(body: unknown, creator: string): Promise<"created" | "updated" | "unchanged"> {
    const input = parseWith(createSchema, body, "");
    const row = await this.row(input.name);
    const actor = trustedActor(creator);
    if (!row) {
      await this.create(body, actor);
      return "created";
    }
    let changed = false;
    const parsed = parseEndpointConfig(input.config);
    if (!(await this.sameConfig(JSON.parse(row.config) as StoredConfig, parsed))) {
      await this.updateConfig(input.name, input.config, actor);
      changed = true;
    }
    if (input.ai_gateway !== undefined && JSON.stringify(parseWith(aiGatewaySchema, input.ai_gateway, "ai_gateway")) !== (row.ai_gateway ?? "")) {
      await this.putAiGateway(input.name, input.ai_gateway);
      changed = true;
    }
    if (input.tags !== undefined && JSON.stringify(input.tags) !== row.tags) {
      const current = (JSON.parse(row.tags) as Tag[]).map((t) => t.key);
      await this.patchTags(input.name, { add_tags: input.tags, delete_tags: current.filter((k) => !input.tags?.some((t) => t.key === k)) });
      changed = true;
    }
    return changed ? "updated" : "unchanged";
  }

  /** Whether a parsed config equals what is stored, plaintext credentials compared by value. */
  private async sameConfig(stored: StoredConfig, parsed: ParsedConfig): Promise<boolean> {
    if (JSON.stringify(stored.traffic_config.routes) !== JSON.stringify(parsed.routes)) return false;
    if (stored.served_entities.length !== parsed.entities.length) return false;
    const owned = storedCredentialIds(stored);
    for (const [i, e] of parsed.entities.entries()) {
      const prev = stored.served_entities[i] as StoredEntity;
      const em = prev.external_model;
      if (prev.name !== e.name || em.provider !== e.definition.name || em.name !== e.model || em.task !== e.task) return false;
      const block = em[e.definition.configKey];
      if ((em["image_limits"] ?? undefined) !== e.imageLimitsGiven) return false;
      const { rest, credentials } = extractCredentials(isObject(block) ? block : {}, credentialFieldsOf(e.definition), "");
      if (JSON.stringify(rest) !== JSON.stringify(e.rest) || credentials.size !== e.credentials.size) return false;
      if (JSON.stringify(em["upstream_limits"] ?? null) !== JSON.stringify(e.limits ?? null)) return false;
      for (const [path, cred] of e.credentials) {
        const before = credentials.get(path);
        if (!before) return false;
        if (cred.kind === "ref") {
          if (before.kind !== "ref" || before.ref.scope !== cred.ref.scope || before.ref.key !== cred.ref.key) return false;
        } else if (cred.kind === "plaintext") {
          const id = owned.get(`${e.name}|${path}`);
          if (before.kind !== "stored" || !id || (await this.secrets.credential(id)) !== cred.value) return false;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  /** Endpoint names whose config references a secret (or any secret of a scope). */
  endpointsUsing(scope: string, key?: string): string[] {
    return this.live
      .all()
      .filter((ep) => ep.refs.some((r) => r.scope === scope && (key === undefined || r.key === key)))
      .map((ep) => ep.name);
  }

  /** Rebuilds the endpoints that use a secret after its value changed. */
  async secretChanged(scope: string, key: string): Promise<void> {
    const names = this.endpointsUsing(scope, key);
    for (const name of names) {
      await this.serial(async () => {
        const row = await this.row(name);
        if (row) await this.rebuild(row);
      });
    }
  }

  private async row(name: string): Promise<EndpointTable | undefined> {
    return this.db.selectFrom("endpoints").selectAll().where("name", "=", name).executeTakeFirst();
  }

  private async requireRow(name: string): Promise<EndpointTable> {
    const row = await this.row(name);
    if (!row) throw errors.notFound(`Endpoint with name '${name}' does not exist.`);
    return row;
  }

  /** The Databricks `ServingEndpointDetailed` shape. */
  private view(row: EndpointTable, permissionLevel: string): JsonObject {
    const stored = JSON.parse(row.config) as StoredConfig;
    const live = this.live.get(row.name);
    const out: JsonObject = {
      name: row.name,
      id: row.id,
      creator: row.creator,
      creation_timestamp: Number(row.creation_timestamp),
      last_updated_timestamp: Number(row.last_updated_timestamp),
      task: stored.served_entities[0]?.external_model.task,
      endpoint_type: "EXTERNAL_MODEL",
      tags: JSON.parse(row.tags) as Tag[],
      state: { ready: live && !live.unavailable ? "READY" : "NOT_READY", config_update: "NOT_UPDATING" },
      config: renderConfig(stored, row.config_version),
      permission_level: permissionLevel,
      route_optimized: row.route_optimized === 1,
    };
    if (row.description !== null) out["description"] = row.description;
    if (row.ai_gateway) out["ai_gateway"] = JSON.parse(row.ai_gateway) as JsonObject;
    return out;
  }
}

function collectRefs(stored: StoredConfig): SecretRef[] {
  const refs: SecretRef[] = [];
  const walk = (v: unknown) => {
    const ref = typeof v === "string" ? parseSecretRef(v) : undefined;
    if (ref) refs.push(ref);
    else if (isObject(v)) {
      Object.values(v).forEach(walk);
    }
  };
  stored.served_entities.forEach((e) => walk(e.external_model));
  return refs;
}

/**
 * What a row's serving form depends on, as one string: every write bumps
 * `last_updated_timestamp` (config changes bump `config_version` too); the id tells a
 * deleted-and-recreated endpoint of the same name apart.
 */
function versionOf(row: Pick<EndpointTable, "id" | "config_version" | "last_updated_timestamp">): string {
  return `${row.id}|${row.config_version}|${Number(row.last_updated_timestamp)}`;
}

/** The live endpoint's AI gateway config, from the stored JSON (already checked when it was stored). */
function setAiGateway(live: LiveEndpoint, stored: string | null): void {
  if (stored) live.aiGateway = JSON.parse(stored) as AiGatewayConfig;
  else delete live.aiGateway;
}

/** Closes a replaced endpoint's providers once requests in flight have had time to finish. */
async function closeLater(ep: LiveEndpoint | undefined): Promise<void> {
  if (!ep) return;
  await new Promise((r) => setTimeout(r, 60_000).unref());
  for (const e of ep.entities) {
    await e.provider.close?.().catch(() => undefined);
    await e.release?.().catch(() => undefined);
  }
}

/** Where an endpoint service sends upstream calls from: the egress allow-list and the proxy environment. */
export interface EndpointNetwork {
  egress: EgressPolicy;
  proxyEnv: ProxyEnv;
}

/**
 * Every upstream URL of an entity's config (each provider names its upstream as an http(s)
 * URL field, the default filled in when none was given) and its proxy must be allowed by
 * TESSERA_EGRESS_ALLOW.
 */
function checkEgress(egress: EgressPolicy, config: JsonObject, network: NetworkConfig | undefined, at: string): void {
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== "string" || !/^https?:\/\//i.test(value)) continue;
    if (!egress.allows(value)) throw errors.invalidParameter(`${at}.${key}`, `${at}.${key}: ${hostOf(value)} is not in the gateway's egress allow-list (TESSERA_EGRESS_ALLOW).`);
  }
  if (network?.proxyUrl && !egress.allows(network.proxyUrl)) {
    throw errors.invalidParameter(`${at}.network.proxy_url`, `${at}.network.proxy_url: ${hostOf(network.proxyUrl)} is not in the gateway's egress allow-list (TESSERA_EGRESS_ALLOW).`);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the host";
  }
}

/** The entity's dispatcher from its network block (the client key resolved), or the environment's proxy. */
function dispatcherOf(e: ParsedEntity, values: ReadonlyMap<string, string>, proxyEnv: ProxyEnv, at: string): Dispatcher | undefined {
  const n = e.network;
  const key = values.get("network.tls_client_key");
  if (key !== undefined && !privateKeyOk(key)) throw errors.invalidParameter(`${at}.network.tls_client_key`, `${at}.network.tls_client_key must be a PEM private key.`);
  return buildDispatcher(
    n ? { ...(n.proxyUrl ? { proxyUrl: n.proxyUrl } : {}), ...(n.caBundle ? { caBundle: n.caBundle } : {}), ...(n.clientCert ? { clientCert: n.clientCert } : {}), ...(key ? { clientKey: key } : {}) } : undefined,
    proxyEnv,
  );
}
