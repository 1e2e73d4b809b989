/**
 * The obvious checks made before sending: required fields filled, names well formed,
 * traffic adding up to 100. The server remains the authority (its errors are placed on
 * the same keys, see errors.ts); these only save a round trip. Pure, for the Node tests.
 */
import { configFieldKey, entityKey } from "./errors.js";
import { changedDestinationFields, effectiveEntityName, NAME_PATTERN, visibleFields, type CatalogueProvider, type EntityState } from "./model.js";

export function validateEndpointName(name: string): string | undefined {
  if (!name.trim()) return "Give the endpoint a name.";
  if (!NAME_PATTERN.test(name)) return "Use 1–63 letters, digits, '-' or '_'.";
  return undefined;
}

/** Problems with one entity, keyed as errors.ts keys them. */
export function validateEntity(entity: EntityState, index: number, provider: CatalogueProvider | undefined, task: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!provider) {
    out[entityKey(index, "provider")] = "Choose a provider.";
    return out;
  }
  if (task && !provider.tasks.includes(task)) out[entityKey(index, "provider")] = `${provider.name} does not serve ${task}.`;
  if (!entity.model.trim()) out[entityKey(index, "model")] = "Give the model name.";
  if (entity.name.trim() && !NAME_PATTERN.test(entity.name.trim())) out[entityKey(index, "name")] = "Use 1–63 letters, digits, '-' or '_'.";
  for (const f of visibleFields(provider, entity.values)) {
    const key = configFieldKey(index, f.path);
    if (f.kind === "secret") {
      const s = entity.secrets[f.path];
      const moved = s?.mode === "stored" ? changedDestinationFields(entity, provider) : [];
      if (moved[0]) out[key] = `${moved.map((m) => m.label).join(", ")} changed: the stored value is kept only while it goes where it went. Enter it again.`;
      else if (s?.mode === "ref" && (!s.scope || !s.key)) out[key] = "Choose a scope and a key, or create a secret.";
      else if (f.required && (!s || (s.mode === "plaintext" && !s.value) || (s.mode === "ref" && !s.key))) out[key] = `${f.label} is required.`;
      continue;
    }
    const v = (entity.values[f.path] ?? "").trim();
    if (f.required && !v) out[key] = `${f.label} is required.`;
    else if (v && f.kind === "number" && !Number.isFinite(Number(v))) out[key] = "Must be a number.";
  }
  return out;
}

/** Entity names must differ; traffic must be whole percentages adding up to 100. */
export function validateSplit(entities: readonly EntityState[], traffic: readonly number[]): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, number>();
  entities.forEach((e, i) => {
    const n = effectiveEntityName(e);
    if (seen.has(n)) out[entityKey(i, "name")] = `'${n}' is the name of served entity ${(seen.get(n) ?? 0) + 1} too: give this one another name.`;
    else seen.set(n, i);
  });
  if (entities.length > 1) {
    const sum = traffic.reduce((a, b) => a + b, 0);
    if (traffic.some((t) => !Number.isInteger(t) || t < 0 || t > 100)) out["traffic"] = "Each share is a whole percentage from 0 to 100.";
    else if (sum !== 100) out["traffic"] = `The shares add up to ${sum}%, not 100%.`;
  }
  return out;
}
