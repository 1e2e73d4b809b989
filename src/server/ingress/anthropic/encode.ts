/**
 * The canonical chat answer → an Anthropic Messages reply: the mirror of
 * providers/anthropic/convert-response.ts. Reasoning blocks become `thinking` blocks
 * (signature kept; "" when the upstream signed nothing, as the SDK types require a string)
 * or `redacted_thinking`; tool calls become `tool_use` blocks after the text, as Claude
 * orders them; finish reasons and usage are put back in Anthropic's terms.
 */
import type { ChatCompletion, ChatMessage, JsonObject, Usage } from "../../../gateway/types.js";

const STOP_REASON: Readonly<Record<string, string>> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  function_call: "tool_use",
  content_filter: "refusal",
};

/** OpenAI `finish_reason` → Anthropic `stop_reason` (anything unknown is "end_turn"). */
export function stopReasonOf(finish: string | null | undefined): string {
  return (finish && Object.hasOwn(STOP_REASON, finish) ? STOP_REASON[finish] : undefined) ?? "end_turn";
}

/** Anthropic usage: `input_tokens` leaves out the prompt tokens read from the cache, which have their own counter. */
export interface AnthropicUsageOut extends JsonObject {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Canonical usage (prompt tokens include cache reads) → Anthropic's counters. */
export function usageToAnthropic(u: Usage | null | undefined): AnthropicUsageOut {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const prompt = u?.prompt_tokens ?? 0;
  return { input_tokens: Math.max(0, prompt - cached), output_tokens: u?.completion_tokens ?? 0, cache_creation_input_tokens: 0, cache_read_input_tokens: cached };
}

/** Tool-call arguments as the JSON object Anthropic's `input` is; text that is not an object is kept under `_raw`, never lost. */
export function inputOf(args: string | undefined): unknown {
  if (!args) return {};
  try {
    const v: unknown = JSON.parse(args);
    if (v && typeof v === "object" && !Array.isArray(v)) return v;
  } catch {
    /* kept below */
  }
  return { _raw: args };
}

/** An id in Anthropic's style (`msg_…`), keeping the upstream's id inside it. */
export function messageIdOf(id: string): string {
  return id.startsWith("msg_") ? id : `msg_${id}`;
}

/** A reasoning content block's items → thinking / redacted_thinking blocks. */
function reasoningBlocks(part: JsonObject): JsonObject[] {
  const summary = part["summary"];
  if (!Array.isArray(summary)) return [];
  const out: JsonObject[] = [];
  for (const s of summary) {
    if (!s || typeof s !== "object") continue;
    const item = s as JsonObject;
    if (item["type"] === "summary_encrypted_text" && typeof item["data"] === "string") out.push({ type: "redacted_thinking", data: item["data"] });
    else if (typeof item["text"] === "string") out.push({ type: "thinking", thinking: item["text"], signature: typeof item["signature"] === "string" ? item["signature"] : "" });
  }
  return out;
}

/** The content blocks of an assistant message. */
export function contentBlocksOf(msg: ChatMessage | undefined): JsonObject[] {
  const blocks: JsonObject[] = [];
  const c = msg?.content;
  if (typeof c === "string") {
    if (c) blocks.push({ type: "text", text: c });
  } else if (Array.isArray(c)) {
    for (const part of c) {
      if (part.type === "reasoning") blocks.push(...reasoningBlocks(part));
      else if (part.type === "text" && typeof part["text"] === "string" && part["text"]) blocks.push({ type: "text", text: part["text"] });
    }
  }
  for (const call of msg?.tool_calls ?? []) {
    blocks.push({ type: "tool_use", id: call.id ?? "", name: call.function?.name ?? "", input: inputOf(call.function?.arguments) });
  }
  return blocks;
}

/**
 * The Messages API reply for a canonical answer; `model` is what the client asked for
 * (the endpoint's name), as Anthropic echoes it.
 */
export function toAnthropicMessage(res: ChatCompletion, model: string): JsonObject {
  const choice = res.choices[0];
  return {
    id: messageIdOf(res.id),
    type: "message",
    role: "assistant",
    model,
    content: contentBlocksOf(choice?.message),
    stop_reason: stopReasonOf(choice?.finish_reason),
    stop_sequence: null,
    usage: usageToAnthropic(res.usage),
  };
}
