/**
 * The provider catalogue (`GET /api/2.0/tessera/providers`, a Tessera extension): for
 * each provider the gateway has, its config block's key, its tasks, and the fields of its
 * form. The UI renders provider forms from this, so it holds no provider knowledge itself.
 */
import { api } from "./client";

export interface ProviderFormField {
  /** Dotted path inside the config block, e.g. `openai_api_base` or `bearer_token_auth.token`. */
  path: string;
  label: string;
  /** `secret`: a credential — a `{{secrets/scope/key}}` reference, or a write-only `<path>_plaintext` value. */
  kind: "text" | "url" | "number" | "select" | "secret" | "textarea" | "boolean";
  required?: boolean;
  options?: string[];
  placeholder?: string;
  help?: string;
  /** Shown (and sent) only when the field at `path` has one of `values`. */
  when?: { path: string; values: string[] };
}

export interface ProviderInfo {
  /** The `external_model.provider` value. */
  name: string;
  /** Display name, e.g. "Amazon Bedrock". */
  label: string;
  description?: string;
  /** The key of its config block, e.g. `openai_config`. */
  config_key: string;
  tasks: string[];
  fields: ProviderFormField[];
  /** Example model names per task, for the model picker's suggestions. */
  example_models: Record<string, string[]>;
}

export async function listProviders(): Promise<ProviderInfo[]> {
  const r = await api<{ providers?: ProviderInfo[] }>("GET", "/api/2.0/tessera/providers");
  return r.providers ?? [];
}
