/**
 * Cohere's `finish_reason` in OpenAI terms.
 *
 * - `COMPLETE`, `STOP_SEQUENCE` → `stop`; `MAX_TOKENS` → `length`; `TOOL_CALL` → `tool_calls`.
 * - `TIMEOUT` (Cohere stopped the generation at its time limit) → `length`: the text so
 *   far is kept and the client learns that it is cut short, as with a token limit.
 * - `ERROR` is not a finish at all but a failed generation: the converters raise it as an
 *   upstream error before asking for a mapping (see `isFailedFinish`).
 * - v2 has no content-filter finish. `ERROR_TOXIC` (the v1 API's "output blocked as
 *   unsafe") → `content_filter` and `ERROR_LIMIT` (v1's context limit) → `length`, should
 *   an endpoint still send them.
 * - Anything else (a value added later) → `stop`, never a crash.
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export function mapFinishReason(value: string | undefined): FinishReason {
  switch (value) {
    case "MAX_TOKENS":
    case "TIMEOUT":
    case "ERROR_LIMIT":
      return "length";
    case "TOOL_CALL":
      return "tool_calls";
    case "ERROR_TOXIC":
      return "content_filter";
    default:
      return "stop";
  }
}

/** Whether Cohere reported the generation as failed (`finish_reason: "ERROR"`). */
export function isFailedFinish(value: string | undefined): boolean {
  return value === "ERROR";
}
