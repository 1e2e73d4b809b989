/**
 * The served-entity form's state and its two translations: form state → the API's
 * `config` (EndpointCoreConfigInput), and an existing endpoint's config → form state.
 * Pure (no DOM, no React) so Node tests can load it (test/ui/endpoint-form.test.ts); the
 * catalogue types come from api/provider-types.ts, a module of types only.
 */
import { isObject } from "../../../api/json.js";
import type { ProviderFormField, ProviderInfo } from "../../../api/provider-types.js";

export type CatalogueField = ProviderFormField;
/** What the form needs of a catalogue entry (tests pass partial entries). */
export type CatalogueProvider = Pick<ProviderInfo, "name" | "config_key" | "tasks" | "fields"> & Partial<Pick<ProviderInfo, "destination_fields">>;

/** A credential: a secret reference, a literal typed now (write-only), or the stored literal kept as is. */
export type SecretValue = { mode: "ref"; scope: string; key: string } | { mode: "plaintext"; value: string } | { mode: "stored" };

export interface EntityState {
  provider: string;
  /** `external_model.name`. */
  model: string;
  /** The served entity's name; empty means the server's default (from the model name). */
  name: string;
  /** Non-secret fields by path, as typed. */
  values: Record<string, string>;
  secrets: Record<string, SecretValue>;
  /** Keys of the config block the form does not know (set through the API): sent back unchanged. */
  extra: Record<string, unknown>;
  /** Credential paths that had a stored plaintext when loaded: "keep it" is a choice for these. */
  stored: string[];
  /**
   * The destination fields' values when loaded (see `destination_fields`): the server keeps
   * a stored credential only while they are unchanged, so the form checks that first.
   */
  loadedDestination?: Record<string, string>;
}

export interface EndpointFormState {
  task: string;
  entities: EntityState[];
  /** Traffic percentage per entity, same order. */
  traffic: number[];
}

export const REDACTED = "[REDACTED]";

/**
 * A deep copy of a request body in which each literal typed into a `…_plaintext` field is
 * `placeholder(field)` — for showing a body on screen. The kept marker `[REDACTED]` is no
 * secret and stays as it is.
 */
export function maskPlaintext(v: unknown, placeholder: (field: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => maskPlaintext(x, placeholder));
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [
      k,
      k.endsWith("_plaintext") && typeof x === "string" && x !== REDACTED ? placeholder(k.slice(0, -"_plaintext".length)) : maskPlaintext(x, placeholder),
    ]),
  );
}
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;
const SECRET_REF = /^\{\{\s*secrets\/([^/\s}]+)\/([^/\s}]+)\s*\}\}$/;

type Obj = Record<string, unknown>;

export function formatSecretRef(scope: string, key: string): string {
  return `{{secrets/${scope}/${key}}}`;
}

export function parseSecretRef(v: unknown): { scope: string; key: string } | undefined {
  const m = typeof v === "string" ? SECRET_REF.exec(v.trim()) : null;
  return m ? { scope: m[1] as string, key: m[2] as string } : undefined;
}

/** Whether a field applies, given the other fields' values. */
export function isVisible(field: CatalogueField, values: Record<string, string>): boolean {
  return !field.when || field.when.values.includes(values[field.when.path] ?? "");
}

/** The provider's fields that apply now. A path listed twice (under disjoint `when`s) appears once. */
export function visibleFields(provider: CatalogueProvider, values: Record<string, string>): CatalogueField[] {
  return provider.fields.filter((f) => isVisible(f, values));
}

/** Required selects start at their first option (the server's default), so `when` has a value to test. */
function selectDefaults(provider: CatalogueProvider | undefined, values: Record<string, string>): Record<string, string> {
  const out = { ...values };
  for (const f of provider?.fields ?? []) {
    if (f.kind === "select" && f.required && !out[f.path] && f.options?.[0]) out[f.path] = f.options[0];
  }
  return out;
}

export function emptyEntity(provider?: CatalogueProvider): EntityState {
  return { provider: provider?.name ?? "", model: "", name: "", values: selectDefaults(provider, {}), secrets: {}, extra: {}, stored: [] };
}

/** Switching provider keeps the model and name, and starts the provider's fields afresh. */
export function withProvider(entity: EntityState, provider: CatalogueProvider): EntityState {
  return { ...entity, provider: provider.name, values: selectDefaults(provider, {}), secrets: {}, extra: {}, stored: [] };
}

/** The server's default entity name for a model (see defaultEntityName in src/config/endpoint-config.ts). */
export function serverDefaultName(model: string): string {
  return model.trim().replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 63);
}

/** The name the entity will have: its own, or the server's default for its model. */
export function effectiveEntityName(entity: EntityState): string {
  return entity.name.trim() || serverDefaultName(entity.model);
}

function setPath(obj: Obj, path: string, value: unknown): void {
  const parts = path.split(".");
  const leaf = parts.pop() as string;
  let cur = obj;
  for (const p of parts) {
    if (!isObject(cur[p])) cur[p] = {};
    cur = cur[p] as Obj;
  }
  cur[leaf] = value;
}

function getPath(obj: Obj, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function deletePath(obj: Obj, path: string): void {
  const parts = path.split(".");
  const leaf = parts.pop() as string;
  const parent = parts.length ? getPath(obj, parts.join(".")) : obj;
  if (isObject(parent)) delete parent[leaf];
}

/** `a.b.key` → `a.b.key_plaintext`. */
export function plaintextPath(path: string): string {
  return `${path}_plaintext`;
}

function typed(field: CatalogueField, raw: string): unknown {
  if (field.kind === "number") return Number(raw);
  if (field.kind === "boolean") return raw === "true";
  return field.kind === "textarea" ? raw : raw.trim();
}

/** The provider's config block: applicable fields that were filled in, credentials as references or literals. */
export function configBlock(entity: EntityState, provider: CatalogueProvider): Obj {
  const block: Obj = structuredClone(entity.extra);
  for (const f of visibleFields(provider, entity.values)) {
    if (f.kind === "secret") {
      const s = entity.secrets[f.path];
      if (s?.mode === "ref" && s.scope && s.key) setPath(block, f.path, formatSecretRef(s.scope, s.key));
      else if (s?.mode === "plaintext" && s.value) setPath(block, plaintextPath(f.path), s.value);
      else if (s?.mode === "stored") setPath(block, plaintextPath(f.path), REDACTED);
      continue;
    }
    const raw = entity.values[f.path] ?? "";
    if (raw.trim() !== "" && !(f.kind === "boolean" && raw !== "true" && raw !== "false")) setPath(block, f.path, typed(f, raw));
  }
  return block;
}

/** One served entity of the API's config. `name` is sent when given, or when the server's default would be refused. */
export function entityToConfig(entity: EntityState, provider: CatalogueProvider, task: string): Obj {
  const out: Obj = {};
  const name = effectiveEntityName(entity);
  if (entity.name.trim() || name !== serverDefaultName(entity.model)) out["name"] = name;
  out["external_model"] = { provider: provider.name, name: entity.model.trim(), task, [provider.config_key]: configBlock(entity, provider) };
  return out;
}

/** The API's `config` for the form; traffic routes are sent when there is more than one entity. */
export function toEndpointConfig(state: EndpointFormState, catalogue: readonly CatalogueProvider[]): Obj {
  const served = state.entities.map((e) => {
    const p = catalogue.find((c) => c.name === e.provider);
    return p ? entityToConfig(e, p, state.task) : { external_model: { provider: e.provider, name: e.model.trim(), task: state.task } };
  });
  const config: Obj = { served_entities: served };
  if (state.entities.length > 1) {
    config["traffic_config"] = {
      routes: state.entities.map((e, i) => ({ served_entity_name: effectiveEntityName(e), traffic_percentage: state.traffic[i] ?? 0 })),
    };
  }
  return config;
}

/** An even split that adds up to 100 (the first entities take the remainder). */
export function evenSplit(n: number): number[] {
  if (n <= 0) return [];
  const base = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => base + (i < 100 - base * n ? 1 : 0));
}

function entityFromConfig(raw: unknown, catalogue: readonly CatalogueProvider[]): EntityState {
  const se = isObject(raw) ? raw : {};
  const em = isObject(se["external_model"]) ? se["external_model"] : {};
  const providerName = typeof em["provider"] === "string" ? em["provider"] : "";
  const provider = catalogue.find((c) => c.name === providerName);
  const entity: EntityState = {
    provider: providerName,
    model: typeof em["name"] === "string" ? em["name"] : "",
    // Kept explicitly: a stored plaintext credential is kept only under the same entity name.
    name: typeof se["name"] === "string" ? se["name"] : "",
    values: {},
    secrets: {},
    extra: {},
    stored: [],
  };
  if (!provider) return entity;
  const block = isObject(em[provider.config_key]) ? structuredClone(em[provider.config_key] as Obj) : {};
  for (const f of provider.fields) {
    if (f.kind === "secret") {
      const ref = parseSecretRef(getPath(block, f.path));
      if (ref) entity.secrets[f.path] = { mode: "ref", ...ref };
      else if (getPath(block, plaintextPath(f.path)) !== undefined) {
        entity.secrets[f.path] = { mode: "stored" };
        entity.stored.push(f.path);
      }
      deletePath(block, f.path);
      deletePath(block, plaintextPath(f.path));
      continue;
    }
    const v = getPath(block, f.path);
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      entity.values[f.path] = String(v);
      deletePath(block, f.path);
    }
  }
  // Objects emptied by taking their known fields out (bearer_token_auth: {}) are not "extra".
  for (const [k, v] of Object.entries(block)) if (isObject(v) && Object.keys(v).length === 0) delete block[k];
  entity.values = selectDefaults(provider, entity.values);
  entity.loadedDestination = Object.fromEntries((provider.destination_fields ?? []).map((p) => [p, entity.values[p] ?? ""]));
  entity.extra = block;
  return entity;
}

/** The destination fields of a provider that the entity changed since it was loaded (none for a new entity). */
export function changedDestinationFields(entity: EntityState, provider: CatalogueProvider): CatalogueField[] {
  const before = entity.loadedDestination;
  if (!before) return [];
  return (provider.destination_fields ?? [])
    .filter((p) => (entity.values[p] ?? "").trim() !== (before[p] ?? "").trim())
    .map((p) => visibleFields(provider, entity.values).find((f) => f.path === p) ?? provider.fields.find((f) => f.path === p) ?? { path: p, label: p, kind: "text" as const });
}

/** The labels of the fields that decide where a provider's credentials go, e.g. ["API base URL"]. */
export function destinationLabels(provider: CatalogueProvider): string[] {
  return (provider.destination_fields ?? []).map((p) => provider.fields.find((f) => f.path === p)?.label ?? p).filter((l, i, all) => all.indexOf(l) === i);
}

/** Form state for an existing endpoint's config (as GET returns it: plaintext credentials redacted). */
export function fromEndpointConfig(config: unknown, catalogue: readonly CatalogueProvider[]): EndpointFormState {
  const c = isObject(config) ? config : {};
  const list = Array.isArray(c["served_entities"]) ? c["served_entities"] : [];
  const entities = list.map((e) => entityFromConfig(e, catalogue));
  const first = isObject(list[0]) && isObject(list[0]["external_model"]) ? list[0]["external_model"] : {};
  const tc = isObject(c["traffic_config"]) ? c["traffic_config"] : {};
  const routes = Array.isArray(tc["routes"]) ? tc["routes"].filter(isObject) : [];
  const traffic = entities.map((e) => {
    const r = routes.find((x) => x["served_entity_name"] === e.name);
    return typeof r?.["traffic_percentage"] === "number" ? r["traffic_percentage"] : 0;
  });
  return {
    task: typeof first["task"] === "string" ? first["task"] : "",
    entities,
    traffic: routes.length ? traffic : evenSplit(entities.length),
  };
}
