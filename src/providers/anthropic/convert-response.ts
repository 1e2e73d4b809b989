/**
 * An Anthropic message → the OpenAI chat completion, and Anthropic usage → OpenAI usage.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { ChatCompletion, ToolCall, Usage } from "../../gateway/types.js";
import { assistantContent, type ReasoningOut } from "../common/content.js";
import { newId, nowSeconds, usageOf } from "../common/chunks.js";
import { readMessage, type AnthropicUsage, type Obj } from "./api.js";
import { mapFinishReason } from "./map-finish-reason.js";

/**
 * OpenAI usage from Anthropic's counters. Anthropic's `input_tokens` leaves out the
 * tokens read from and written to the prompt cache; OpenAI's `prompt_tokens` counts
 * every prompt token, so both cache counters are added back. `cached_tokens` is always
 * reported (0 without cache hits), since Anthropic always says how many there were.
 */
export function usageFromAnthropic(u: AnthropicUsage): Usage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const prompt = (u.input_tokens ?? 0) + cacheRead + (u.cache_creation_input_tokens ?? 0);
  return usageOf({ prompt, completion: u.output_tokens ?? 0, cached: cacheRead, reasoning: u.thinking_tokens });
}

/** Tool input arrives as a JSON value; OpenAI wants the arguments as a JSON string. */
export function argumentsOf(input: unknown): string {
  return JSON.stringify(input ?? {});
}

/**
 * The chat completion for a non-streamed reply (`model` is the fallback when the reply
 * names none).
 *
 * @example
 *   toChatCompletion({ id: "msg_1", content: [{ type: "text", text: "Hi" }], stop_reason: "end_turn", usage: { input_tokens: 3, output_tokens: 1 } }, "claude")
 */
export function toChatCompletion(body: Obj, model: string): ChatCompletion {
  const msg = readMessage(body);
  if (!msg) throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Received an unexpected response from Anthropic.");
  let text = "";
  const reasoning: ReasoningOut[] = [];
  const toolCalls: ToolCall[] = [];
  for (const b of msg.content) {
    switch (b.type) {
      case "text":
        text += b.text;
        break;
      case "thinking":
        reasoning.push(b.signature !== undefined ? { text: b.thinking, signature: b.signature } : { text: b.thinking });
        break;
      case "redacted_thinking":
        reasoning.push({ encrypted: b.data });
        break;
      case "tool_use":
        toolCalls.push({ id: b.id || newId("call_"), type: "function", function: { name: b.name, arguments: argumentsOf(b.input) } });
        break;
      case "other":
        // Server-tool blocks and newer kinds have no OpenAI counterpart.
        break;
    }
  }
  const content = text === "" && reasoning.length === 0 && toolCalls.length > 0 ? null : assistantContent(reasoning, text);
  return {
    id: msg.id ?? newId("chatcmpl-"),
    object: "chat.completion",
    created: nowSeconds(),
    model: msg.model ?? model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: mapFinishReason(msg.stopReason),
      },
    ],
    usage: usageFromAnthropic(msg.usage),
  };
}
