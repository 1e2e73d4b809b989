/**
 * Where a served entity's credentials go, compared between its stored config and an
 * update: a stored credential (kept by sending `"[REDACTED]"` back) may only keep going
 * where it went before. Which fields decide that is each provider's `destinationFields`;
 * the provider, too, is part of the destination. Both sides are compared as the provider
 * parsed them (defaults filled in), so leaving a default out or spelling it out is no change.
 */
import type { JsonObject } from "../gateway/types.js";
import type { ParsedEntity, StoredEntity } from "./endpoint-config.js";
import { extractCredentials } from "./credentials.js";

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function at(obj: JsonObject, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split(".")) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

/**
 * The first field, by its path under `external_model` (e.g. `openai_config.openai_api_base`,
 * or `provider`), whose value differs between `before` and the update `e`; undefined when the
 * credentials would go where they went before.
 *
 * @example
 *   changedDestination(parsed, stored) // → "custom_provider_config.custom_provider_url"
 */
export function changedDestination(e: ParsedEntity, before: StoredEntity): string | undefined {
  const def = e.definition;
  if (before.external_model.provider !== def.name) return "provider";
  const block = before.external_model[def.configKey];
  const { rest, credentials } = extractCredentials(isObject(block) ? block : {}, def.credentialFields, def.configKey);
  const parsed = def.parseConfig(rest, (f) => credentials.has(f), e.task);
  // A stored config that no longer parses (the provider's rules changed) compares as stored.
  const old: JsonObject = "config" in parsed ? parsed.config : rest;
  for (const f of def.destinationFields) {
    if (JSON.stringify(at(e.config, f) ?? null) !== JSON.stringify(at(old, f) ?? null)) return `${def.configKey}.${f}`;
  }
  return undefined;
}
