/**
 * Gemini's `finishReason` in OpenAI terms. Gemini says `STOP` whether or not the model
 * called functions, so a candidate with function calls finishes with `tool_calls`.
 * `MALFORMED_FUNCTION_CALL` / `UNEXPECTED_TOOL_CALL` (the model tried to call a function
 * and produced nothing usable) end as `stop`: OpenAI has no value for it and there are no
 * calls to act on. Unknown and future values map to `stop`, never a crash.
 */

const LENGTH = new Set(["MAX_TOKENS"]);
const CONTENT_FILTER = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "MODEL_ARMOR",
  "JAILBREAK",
]);

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason !== undefined && LENGTH.has(reason)) return "length";
  if (reason !== undefined && CONTENT_FILTER.has(reason)) return "content_filter";
  return hasToolCalls ? "tool_calls" : "stop";
}
