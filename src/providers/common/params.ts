/**
 * What happens to each request parameter of a native (non-OpenAI-shaped) provider. The
 * rule the gateway keeps: a parameter is either mapped to the provider's own name, or
 * passed through as a provider field, or refused with a 400 that names it — it is never
 * silently dropped.
 *
 * - `extra_params` is merged into the request first (a top-level field wins).
 * - A parameter the adapter maps (its `mapped` list) is read by the adapter.
 * - A known OpenAI/Databricks parameter the adapter does not map is refused: the provider
 *   has no way to honour it, and sending it on would be an upstream 400 at best.
 * - Anything else is a provider parameter without an OpenAI name (`top_k`, Anthropic
 *   `metadata`, Gemini `safetySettings`, …): it goes into the provider's body unchanged.
 */
import { errors } from "../../gateway/errors.js";
import type { JsonObject } from "../../gateway/types.js";

/** Fields only the gateway reads. */
const GATEWAY_FIELDS = new Set(["extra_params", "client_request_id", "usage_context", "model"]);

/**
 * The chat parameters every native adapter maps (each reads them in its own way; `n` and
 * `parallel_tool_calls` may still be refused for a value the provider cannot honour).
 * An adapter's own set adds what else its provider has, e.g. `seed`.
 */
export const CORE_CHAT_PARAMS: readonly string[] = [
  "messages",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "top_k",
  "n",
  "stop",
  "stream",
  // Usage is always reported at the end of a stream: there is nothing to forward.
  "stream_options",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "thinking",
];

/** Parameters with an OpenAI (or Databricks) meaning; an adapter maps them or they are refused. */
export const KNOWN_PARAMS: ReadonlySet<string> = new Set([
  ...CORE_CHAT_PARAMS,
  "prompt",
  "input",
  "functions",
  "function_call",
  "reasoning_effort",
  "frequency_penalty",
  "presence_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "seed",
  "user",
  "service_tier",
  "store",
  "modalities",
  "audio",
  "prediction",
  "web_search_options",
  "verbosity",
  "prompt_cache_key",
  "safety_identifier",
  "echo",
  "suffix",
  "best_of",
  "encoding_format",
  "dimensions",
]);

/** Values that mean "not set" for OpenAI clients that send defaults explicitly. */
function isUnset(value: unknown): boolean {
  return value === null || value === undefined;
}

export interface PreparedParams {
  /** The request with `extra_params` merged in and gateway-only fields removed. */
  params: JsonObject;
  /** Provider parameters without an OpenAI name, to put into the provider's body as they are. */
  extra: JsonObject;
}

/**
 * Merges `extra_params`, then sorts every parameter: mapped (left in `params`), provider
 * field (copied to `extra`), or refused (a 400 naming it).
 *
 * @example
 *   const { params, extra } = prepareParams(req, "Anthropic", ANTHROPIC_MAPPED);
 */
export function prepareParams(req: JsonObject, provider: string, mapped: ReadonlySet<string>): PreparedParams {
  const params: JsonObject = {};
  const extraParams = req["extra_params"];
  if (extraParams && typeof extraParams === "object" && !Array.isArray(extraParams)) {
    for (const [key, value] of Object.entries(extraParams)) if (!GATEWAY_FIELDS.has(key)) params[key] = value;
  }
  for (const key in req) if (!GATEWAY_FIELDS.has(key)) params[key] = req[key];
  const extra: JsonObject = {};
  for (const key in params) {
    if (mapped.has(key)) continue;
    if (KNOWN_PARAMS.has(key)) {
      if (isUnset(params[key])) continue;
      throw errors.invalidParameter(key, `'${key}' is not supported by ${provider}.`);
    }
    extra[key] = params[key];
  }
  return { params, extra };
}

/** `max_tokens`, or its newer OpenAI name `max_completion_tokens`. */
export function maxTokensOf(params: JsonObject): number | undefined {
  const v = params["max_tokens"] ?? params["max_completion_tokens"];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw errors.invalidParameter("max_tokens", "'max_tokens' must be a positive integer.");
  }
  return v;
}

/** `stop` as a list (OpenAI accepts a string or a list). */
export function stopList(params: JsonObject): string[] | undefined {
  const s = params["stop"];
  if (s === undefined || s === null) return undefined;
  if (typeof s === "string") return [s];
  if (Array.isArray(s) && s.every((x) => typeof x === "string")) return s as string[];
  throw errors.invalidParameter("stop", "'stop' must be a string or a list of strings.");
}

/** A number parameter, checked; undefined when absent. */
export function numberParam(params: JsonObject, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw errors.invalidParameter(name, `'${name}' must be a number.`);
  return v;
}

/** Refuses `n` above 1 for providers that return one choice. */
export function requireSingleChoice(params: JsonObject, provider: string): void {
  const n = params["n"];
  if (n !== undefined && n !== null && n !== 1) {
    throw errors.invalidParameter("n", `'n' must be 1: ${provider} returns one choice per request.`);
  }
}
