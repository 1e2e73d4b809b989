/**
 * A Cohere v2 chat answer → the canonical OpenAI chat completion.
 *
 * Text items are joined into `content`; `thinking` items become reasoning blocks
 * (`assistantContent`), without signatures (Cohere has none). `tool_plan` — the model's
 * note on which tools it will call and why — has no OpenAI field and is not shown.
 * Usage: `usage.tokens` (what the model read and wrote), `usage.cached_tokens` as cached.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { ChatCompletion, ChatMessage, Usage } from "../../gateway/types.js";
import { assistantContent, newId, nowSeconds, usageOf, type ReasoningOut } from "../common/index.js";
import { readChatResponse, type CohereUsage, type Obj } from "./api.js";
import { generationFailed, PROVIDER } from "./errors.js";
import { isFailedFinish, mapFinishReason } from "./map-finish-reason.js";

/** Cohere's counters in OpenAI terms. */
export function cohereUsage(u: CohereUsage): Usage {
  return usageOf({ prompt: u.input, completion: u.output, cached: u.cached });
}

/** Converts a parsed `/v2/chat` answer; a body that is no chat answer is a 502, a failed generation too. */
export function fromCohereChat(body: Obj, model: string, secrets: readonly string[]): ChatCompletion {
  const r = readChatResponse(body);
  if (!r) throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received an unexpected response from ${PROVIDER}.`);
  if (isFailedFinish(r.finishReason)) throw generationFailed(undefined, secrets);
  let text = "";
  const reasoning: ReasoningOut[] = [];
  for (const item of r.content) {
    if (item.type === "text") text += item.text;
    else if (item.type === "thinking") reasoning.push({ text: item.thinking });
  }
  const message: ChatMessage = { role: "assistant", content: assistantContent(reasoning, text) };
  if (r.toolCalls.length) {
    if (!text && !reasoning.length) message.content = null;
    message.tool_calls = r.toolCalls.map((c) => ({
      id: c.id ?? newId("call_"),
      type: "function",
      function: { name: c.name, arguments: c.arguments || "{}" },
    }));
  }
  return {
    id: r.id ?? newId("chatcmpl-"),
    object: "chat.completion",
    created: nowSeconds(),
    model,
    choices: [{ index: 0, message, finish_reason: mapFinishReason(r.finishReason) }],
    usage: cohereUsage(r.usage),
  };
}
