/**
 * Converse `stopReason` → OpenAI `finish_reason`. Values Bedrock may add later, and
 * `malformed_model_output` / `malformed_tool_use` (the model produced something Bedrock
 * could not parse, but the turn did end), map to "stop".
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

const FINISH: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  content_filtered: "content_filter",
  guardrail_intervened: "content_filter",
};

/**
 * @example mapFinishReason("tool_use") // "tool_calls"
 */
export function mapFinishReason(stopReason: string | undefined): FinishReason {
  return (stopReason !== undefined && Object.hasOwn(FINISH, stopReason) ? FINISH[stopReason] : undefined) ?? "stop";
}
