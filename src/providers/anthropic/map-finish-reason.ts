/**
 * Anthropic `stop_reason` → OpenAI `finish_reason`. `pause_turn` (a server tool paused a
 * long turn) is a normal end from the client's point of view: the client may send the
 * turn back to continue. Anything unknown — Anthropic adds reasons over time — is "stop",
 * so a new value never breaks a client.
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

const FINISH: Readonly<Record<string, FinishReason>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

/** @example mapFinishReason("tool_use") // "tool_calls" */
export function mapFinishReason(stopReason: string | null | undefined): FinishReason {
  return (stopReason && Object.hasOwn(FINISH, stopReason) ? FINISH[stopReason] : undefined) ?? "stop";
}
