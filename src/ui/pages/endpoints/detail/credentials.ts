/**
 * Reads a provider config block for display without knowing the provider: credentials
 * are either a `{{secrets/scope/key}}` reference (shown, it names no value) or a
 * `<field>_plaintext` the gateway stored encrypted (shown as hidden, whatever the API
 * sent). Everything else is a setting such as the API base URL.
 */
import { isObject } from "../../../api/json.js";
import type { ExternalModel, JsonObject } from "../../../api/types";

const SECRET_REF = /^\{\{secrets\/[^/{}]+\/[^/{}]+\}\}$/;

export interface CredentialView {
  field: string;
  kind: "secret" | "plaintext";
  /** The reference, for `secret`; never a value. */
  ref?: string;
}

export interface ConfigView {
  credentials: CredentialView[];
  settings: Array<{ field: string; value: string }>;
}

function walk(block: JsonObject, prefix: string, out: ConfigView): void {
  for (const [k, v] of Object.entries(block)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (k.endsWith("_plaintext")) out.credentials.push({ field: path.slice(0, -"_plaintext".length), kind: "plaintext" });
    else if (typeof v === "string" && SECRET_REF.test(v)) out.credentials.push({ field: path, kind: "secret", ref: v });
    else if (isObject(v)) walk(v, path, out);
    else if (v !== undefined && v !== null) out.settings.push({ field: path, value: typeof v === "string" ? v : JSON.stringify(v) });
  }
}

/** The credentials and settings of an external model's `<provider>_config` block(s). */
export function describeConfig(model: ExternalModel | undefined): ConfigView {
  const out: ConfigView = { credentials: [], settings: [] };
  if (!model) return out;
  for (const [k, v] of Object.entries(model)) if (k.endsWith("_config") && isObject(v)) walk(v, "", out);
  return out;
}

/** "secret {{secrets/scope/key}}" or "stored plaintext (hidden)". */
export function credentialText(c: CredentialView): string {
  return c.kind === "secret" ? `secret ${c.ref ?? ""}` : "stored plaintext (hidden)";
}
