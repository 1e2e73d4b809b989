/**
 * The `anthropic_config` block: the API key (a credential, so not here once parsed) and
 * an optional base URL for a proxy or a mock.
 */
import type { JsonObject } from "../../gateway/types.js";
import { ConfigReader } from "../openai-compatible/config.js";
import type { ConfigIssue } from "../provider.js";

/** Anthropic's own API host, used when the config names no other. */
export const DEFAULT_API_BASE = "https://api.anthropic.com";

/** The parsed `anthropic_config` (the key is held apart, as a credential). */
export interface AnthropicConfig extends JsonObject {
  anthropic_api_base: string;
}

/** Checks the block; `anthropic_api_key` must have been given (as a secret reference or plaintext). */
export function parseAnthropicConfig(raw: JsonObject, has: (field: string) => boolean): { config: AnthropicConfig } | { issues: ConfigIssue[] } {
  const r = new ConfigReader(raw);
  r.requireCredential("anthropic_api_key", has);
  return r.result({ anthropic_api_base: r.url("anthropic_api_base") ?? DEFAULT_API_BASE });
}

/**
 * The Messages URL for a base given with or without its `/v1` (both spellings are common:
 * Anthropic's SDKs take the bare host, OpenAI-minded configs add `/v1`).
 *
 * @example messagesUrl("https://api.anthropic.com") // "https://api.anthropic.com/v1/messages"
 * @example messagesUrl("https://proxy.example/anthropic/v1/") // "https://proxy.example/anthropic/v1/messages"
 */
export function messagesUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, "");
  return trimmed.endsWith("/v1") ? `${trimmed}/messages` : `${trimmed}/v1/messages`;
}
