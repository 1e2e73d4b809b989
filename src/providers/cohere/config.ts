/**
 * The `cohere_config` block: the API key (a credential) and an optional base URL.
 *
 * The base is the API's origin (`https://api.cohere.com`); the adapter appends
 * `/v2/chat` and `/v2/embed`. A base that already ends in a version segment (`/v1`, `/v2`,
 * as older Databricks/MLflow configs write `https://api.cohere.ai/v1`) has that segment
 * removed, so such a config keeps working instead of calling `/v1/v2/chat`.
 */
import type { JsonObject } from "../../gateway/types.js";
import { ConfigReader } from "../openai-compatible/index.js";
import type { ConfigIssue } from "../provider.js";

export const DEFAULT_COHERE_API_BASE = "https://api.cohere.com";

/** The checked config block (credentials are kept apart by the gateway). */
export interface CohereConfig extends JsonObject {
  cohere_api_base: string;
}

/** Reads `cohere_config`; every problem names its field. */
export function parseCohereConfig(raw: JsonObject, has: (field: string) => boolean): { config: CohereConfig } | { issues: ConfigIssue[] } {
  const r = new ConfigReader(raw);
  r.requireCredential("cohere_api_key", has);
  const base = r.url("cohere_api_base") ?? DEFAULT_COHERE_API_BASE;
  return r.result({ cohere_api_base: base });
}

/**
 * The URL of a v2 operation under a base given with or without a trailing slash or a
 * version segment.
 *
 * @example cohereUrl("https://api.cohere.com/", "chat") // "https://api.cohere.com/v2/chat"
 */
export function cohereUrl(base: string, op: "chat" | "embed"): string {
  const root = base.replace(/\/+$/, "").replace(/\/v[12]$/, "");
  return `${root}/v2/${op}`;
}
