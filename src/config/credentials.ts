/**
 * Credential fields, generically. A provider lists its credential fields as dotted paths
 * inside its config block (`openai_api_key`, `bearer_token_auth.token`); each is given as
 * a secret reference (`field: "{{secrets/s/k}}"`) or as `field_plaintext`, never both.
 *
 * Three forms of one field exist:
 * - input: what a client sends (reference, plaintext, or the redacted marker meaning
 *   "keep what is stored");
 * - stored: a reference, or `field_plaintext: {"$credential": "<id>"}` pointing at an
 *   encrypted row owned by the endpoint;
 * - output: a reference, or `field_plaintext: "[REDACTED]"`.
 */
import type { JsonObject } from "../gateway/types.js";
import { formatSecretRef, parseSecretRef, type SecretRef } from "../secrets/references.js";

export const REDACTED = "[REDACTED]";

export type CredentialInput =
  | { kind: "ref"; ref: SecretRef }
  | { kind: "plaintext"; value: string }
  | { kind: "stored"; id: string }
  | { kind: "keep" };

export interface Issue {
  field: string;
  message: string;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function split(path: string): { parents: string[]; leaf: string } {
  const parts = path.split(".");
  const leaf = parts.pop() as string;
  return { parents: parts, leaf };
}

function parentOf(obj: JsonObject, parents: string[], create: boolean): JsonObject | undefined {
  let cur: JsonObject = obj;
  for (const p of parents) {
    const next = cur[p];
    if (!isObject(next)) {
      if (!create) return undefined;
      cur[p] = {};
      cur = cur[p] as JsonObject;
    } else {
      cur = next;
    }
  }
  return cur;
}

/**
 * Removes the credential fields from a deep copy of `block` and returns them parsed.
 * `prefix` is the block's path, for messages.
 */
export function extractCredentials(
  block: JsonObject,
  fields: readonly string[],
  prefix: string,
): { rest: JsonObject; credentials: Map<string, CredentialInput>; issues: Issue[] } {
  const rest = structuredClone(block);
  const credentials = new Map<string, CredentialInput>();
  const issues: Issue[] = [];
  for (const path of fields) {
    const { parents, leaf } = split(path);
    const parent = parentOf(rest, parents, false);
    if (!parent) continue;
    const refValue = parent[leaf];
    const plainValue = parent[`${leaf}_plaintext`];
    delete parent[leaf];
    delete parent[`${leaf}_plaintext`];
    const name = `${prefix}.${path}`;
    if (refValue !== undefined && refValue !== null && plainValue !== undefined && plainValue !== null) {
      issues.push({ field: name, message: `give either ${path} (a secret reference) or ${path}_plaintext, not both` });
      continue;
    }
    if (refValue !== undefined && refValue !== null) {
      const ref = typeof refValue === "string" ? parseSecretRef(refValue) : undefined;
      if (!ref) {
        issues.push({ field: name, message: `must be a secret reference {{secrets/<scope>/<key>}}; give a literal value as ${path}_plaintext` });
      } else {
        credentials.set(path, { kind: "ref", ref });
      }
    } else if (plainValue !== undefined && plainValue !== null) {
      if (isObject(plainValue) && typeof plainValue["$credential"] === "string") {
        credentials.set(path, { kind: "stored", id: plainValue["$credential"] });
      } else if (plainValue === REDACTED) {
        credentials.set(path, { kind: "keep" });
      } else if (typeof plainValue !== "string" || plainValue === "") {
        issues.push({ field: `${name}_plaintext`, message: "must be a non-empty string" });
      } else {
        credentials.set(path, { kind: "plaintext", value: plainValue });
      }
    }
  }
  return { rest, credentials, issues };
}

/** Writes credential fields back into a config block in stored form (references, or credential ids). */
export function withStoredCredentials(rest: JsonObject, stored: ReadonlyMap<string, SecretRef | { credentialId: string }>): JsonObject {
  const out = structuredClone(rest);
  for (const [path, value] of stored) {
    const { parents, leaf } = split(path);
    const parent = parentOf(out, parents, true) as JsonObject;
    if ("credentialId" in value) parent[`${leaf}_plaintext`] = { $credential: value.credentialId };
    else parent[leaf] = formatSecretRef(value);
  }
  return out;
}

/** The output form of a stored block: references shown, plaintext redacted. */
export function redactStoredBlock(block: JsonObject, fields: readonly string[]): JsonObject {
  const out = structuredClone(block);
  for (const path of fields) {
    const { parents, leaf } = split(path);
    const parent = parentOf(out, parents, false);
    if (parent && parent[`${leaf}_plaintext`] !== undefined) parent[`${leaf}_plaintext`] = REDACTED;
  }
  return out;
}
