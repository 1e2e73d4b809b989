/**
 * Endpoint configs in the Databricks shape (`EndpointCoreConfigInput`): parsing and
 * checking the input, and the stored and output forms. Provider-specific checks are
 * delegated to the provider's definition; this file never names a provider.
 */
import { errors } from "../gateway/errors.js";
import { TASKS, type JsonObject, type Task } from "../gateway/types.js";
import { getProvider, providerNames } from "../providers/registry.js";
import type { ProviderDefinition } from "../providers/provider.js";
import { extractCredentials, redactStoredBlock, type CredentialInput, type Issue } from "./credentials.js";
import { parseUpstreamLimits, type UpstreamLimitsInput } from "./upstream-limits.js";
import { NETWORK_CREDENTIAL_FIELDS, NETWORK_KEY, parseNetworkConfig, type NetworkConfig } from "./network-config.js";

export interface Route {
  served_entity_name: string;
  traffic_percentage: number;
}

export interface ParsedEntity {
  name: string;
  definition: ProviderDefinition<JsonObject>;
  /** `external_model.name`. */
  model: string;
  task: Task;
  /** The provider's typed config (credentials removed). */
  config: JsonObject;
  /** The config block as given, credentials removed: what is stored beside them. */
  rest: JsonObject;
  credentials: Map<string, CredentialInput>;
  /** `external_model.upstream_limits`, checked; undefined when not given. */
  limits: UpstreamLimitsInput | undefined;
  /** Whether the hosted-model image limits apply (`external_model.image_limits`, else the provider's default). */
  imageLimits: boolean;
  /** `external_model.image_limits` as given, kept in the stored config. */
  imageLimitsGiven: boolean | undefined;
  /** `<provider>_config.network`: proxy and TLS settings for its upstream calls. */
  network: NetworkConfig | undefined;
}

export interface ParsedConfig {
  task: Task;
  entities: ParsedEntity[];
  routes: Route[];
}

export const ENTITY_NAME = /^[A-Za-z0-9_-]{1,63}$/;

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fail(issue: Issue): never {
  throw errors.invalidParameter(issue.field, `${issue.field} ${issue.message}.`);
}

/**
 * The default served-entity name: the model name with "." and ":" replaced by "-", as
 * Databricks does — and any other character a name may not hold too (e.g. the "/" of
 * `meta-llama/Llama-3.1-8B-Instruct`), cut to 63, so a default is always a valid name.
 */
export function defaultEntityName(model: string): string {
  return model.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 63);
}

/** A provider's credential fields and those of the `network` block every provider config may hold. */
export function credentialFieldsOf(definition: ProviderDefinition<JsonObject>): string[] {
  return [...definition.credentialFields, ...NETWORK_CREDENTIAL_FIELDS];
}

function parseEntity(raw: unknown, at: string): ParsedEntity {
  if (!isObject(raw)) fail({ field: at, message: "must be an object" });
  const em = raw["external_model"];
  if (em === undefined) {
    fail({ field: `${at}.external_model`, message: "is required: Tessera serves external models only" });
  }
  if (!isObject(em)) fail({ field: `${at}.external_model`, message: "must be an object" });
  const emAt = `${at}.external_model`;
  const providerName = em["provider"];
  if (typeof providerName !== "string") fail({ field: `${emAt}.provider`, message: "is required" });
  const definition = getProvider(providerName);
  if (!definition) fail({ field: `${emAt}.provider`, message: `must be one of ${providerNames().join(", ")}` });
  const model = em["name"];
  if (typeof model !== "string" || model.trim() === "") fail({ field: `${emAt}.name`, message: "is required" });
  const task = em["task"];
  if (typeof task !== "string" || !(TASKS as readonly string[]).includes(task)) {
    fail({ field: `${emAt}.task`, message: `must be one of ${TASKS.join(", ")}` });
  }
  if (!definition.tasks.includes(task as Task)) {
    fail({ field: `${emAt}.task`, message: `is not supported by provider ${providerName}; it supports ${definition.tasks.join(", ")}` });
  }
  for (const key of Object.keys(em)) {
    if (key.endsWith("_config") && key !== definition.configKey) {
      fail({ field: `${emAt}.${key}`, message: `does not belong to provider ${providerName}; use ${definition.configKey}` });
    }
  }
  const block = em[definition.configKey] ?? {};
  if (!isObject(block)) fail({ field: `${emAt}.${definition.configKey}`, message: "must be an object" });
  const blockAt = `${emAt}.${definition.configKey}`;
  const { rest, credentials, issues } = extractCredentials(block, credentialFieldsOf(definition), blockAt);
  if (issues[0]) fail(issues[0]);
  const net = parseNetworkConfig(rest[NETWORK_KEY], credentials.has("network.tls_client_key"), `${blockAt}.${NETWORK_KEY}`);
  if ("issue" in net) fail(net.issue);
  // The provider sees its own fields only: `network` is read here for every provider.
  const providerRest: JsonObject = { ...rest };
  delete providerRest[NETWORK_KEY];
  const parsed = definition.parseConfig(providerRest, (f) => credentials.has(f), task as Task);
  if ("issues" in parsed) {
    const first = parsed.issues[0] as { field: string; message: string };
    fail({ field: `${blockAt}.${first.field}`, message: first.message });
  }
  const il = em["image_limits"];
  if (il !== undefined && il !== null && typeof il !== "boolean") fail({ field: `${emAt}.image_limits`, message: "must be true or false" });
  const imageLimitsGiven = typeof il === "boolean" ? il : undefined;
  const nameRaw = raw["name"];
  const name = nameRaw === undefined || nameRaw === null ? defaultEntityName(model) : nameRaw;
  if (typeof name !== "string" || !ENTITY_NAME.test(name)) {
    fail({ field: `${at}.name`, message: "must be 1-63 letters, digits, '-' or '_'" });
  }
  const limits = parseUpstreamLimits(em["upstream_limits"], `${emAt}.upstream_limits`);
  return {
    name,
    definition,
    model,
    task: task as Task,
    config: parsed.config,
    rest,
    credentials,
    imageLimits: imageLimitsGiven ?? definition.imageLimits === true,
    imageLimitsGiven,
    network: net.config,
    limits,
  };
}

function parseRoutes(raw: unknown, entities: ParsedEntity[], at: string): Route[] {
  if (raw === undefined || raw === null) {
    if (entities.length === 1) return [{ served_entity_name: (entities[0] as ParsedEntity).name, traffic_percentage: 100 }];
    fail({ field: at, message: "is required when an endpoint has more than one served entity" });
  }
  if (!isObject(raw) || !Array.isArray(raw["routes"])) fail({ field: `${at}.routes`, message: "must be a list" });
  const names = new Set(entities.map((e) => e.name));
  const seen = new Set<string>();
  const routes: Route[] = [];
  let sum = 0;
  (raw["routes"] as unknown[]).forEach((r, i) => {
    const rAt = `${at}.routes[${i}]`;
    if (!isObject(r)) fail({ field: rAt, message: "must be an object" });
    const n = r["served_entity_name"] ?? r["served_model_name"];
    if (typeof n !== "string" || !names.has(n)) fail({ field: `${rAt}.served_entity_name`, message: "must name a served entity of this config" });
    if (seen.has(n)) fail({ field: `${rAt}.served_entity_name`, message: `routes to ${n} more than once` });
    seen.add(n);
    const p = r["traffic_percentage"];
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 100) {
      fail({ field: `${rAt}.traffic_percentage`, message: "must be an integer from 0 to 100" });
    }
    sum += p;
    routes.push({ served_entity_name: n, traffic_percentage: p });
  });
  if (sum !== 100) fail({ field: `${at}.routes`, message: `traffic percentages must add up to 100, not ${sum}` });
  return routes;
}

/** Parses `EndpointCoreConfigInput`; throws a 400 naming the first field at fault. */
export function parseEndpointConfig(raw: unknown, at = "config"): ParsedConfig {
  if (!isObject(raw)) fail({ field: at, message: "must be an object" });
  const list = raw["served_entities"] ?? raw["served_models"];
  if (!Array.isArray(list) || list.length === 0) fail({ field: `${at}.served_entities`, message: "must be a non-empty list" });
  if (list.length > 15) fail({ field: `${at}.served_entities`, message: "may hold at most 15 entities" });
  const entities = list.map((e, i) => parseEntity(e, `${at}.served_entities[${i}]`));
  const names = new Set<string>();
  entities.forEach((e, i) => {
    if (names.has(e.name)) fail({ field: `${at}.served_entities[${i}].name`, message: `'${e.name}' is used by another served entity` });
    names.add(e.name);
  });
  const task = (entities[0] as ParsedEntity).task;
  entities.forEach((e, i) => {
    if (e.task !== task) {
      fail({ field: `${at}.served_entities[${i}].external_model.task`, message: `must be ${task}: all served entities of an endpoint share one task` });
    }
  });
  return { task, entities, routes: parseRoutes(raw["traffic_config"], entities, `${at}.traffic_config`) };
}

/** Stored served entity, as kept in the `config` JSON column. */
export interface StoredEntity {
  name: string;
  external_model: JsonObject & { provider: string; name: string; task: Task };
  creator: string;
  creation_timestamp: number;
}

export interface StoredConfig {
  served_entities: StoredEntity[];
  traffic_config: { routes: Route[] };
}

/** The output form of a stored config: plaintext credentials redacted, entity states added. */
export function renderConfig(stored: StoredConfig, version: number): JsonObject {
  return {
    served_entities: stored.served_entities.map((e) => {
      const def = getProvider(e.external_model.provider);
      const em: JsonObject = { ...e.external_model };
      if (def && isObject(em[def.configKey])) em[def.configKey] = redactStoredBlock(em[def.configKey] as JsonObject, credentialFieldsOf(def));
      return {
        name: e.name,
        external_model: em,
        state: { deployment: "DEPLOYMENT_READY", deployment_state_message: "" },
        creator: e.creator,
        creation_timestamp: e.creation_timestamp,
      };
    }),
    traffic_config: stored.traffic_config,
    config_version: version,
  };
}
