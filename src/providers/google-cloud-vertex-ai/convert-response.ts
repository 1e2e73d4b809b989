/**
 * A Vertex AI `GenerateContentResponse` → an OpenAI chat completion.
 *
 * Each candidate is a choice with its index. Thought parts become reasoning blocks with
 * their signatures; a signature Gemini put on a text part becomes a reasoning step without
 * text (it goes back on the text when the history returns); a signature on a function
 * call rides in the tool-call id. A prompt Gemini blocked (no candidates, a
 * `promptFeedback.blockReason`) is answered as `content_filter` with empty content, like a
 * blocked answer, so clients handle both the same way.
 */
import type { ChatCompletion, ChatMessage, ToolCall, Usage } from "../../gateway/types.js";
import { assistantContent, type ReasoningOut } from "../common/content.js";
import { newId, nowSeconds, usageOf } from "../common/chunks.js";
import type { GeminiCandidate, GeminiResponse, GeminiUsage } from "./api.js";
import { mapFinishReason } from "./map-finish-reason.js";
import { encodeToolCallId } from "./tool-call-id.js";

/** OpenAI usage from Gemini's counters: completion includes thoughts; cached is reported even when 0. */
export function usageFrom(u: GeminiUsage | undefined): Usage {
  const thoughts = u?.thoughtsTokenCount;
  return usageOf({
    prompt: u?.promptTokenCount ?? 0,
    completion: (u?.candidatesTokenCount ?? 0) + (thoughts ?? 0),
    cached: u?.cachedContentTokenCount ?? 0,
    reasoning: thoughts,
  });
}

/** The id of a function call Gemini made, for the client. */
export function toolCallIdOf(id: string | undefined, signature: string | undefined): string {
  return encodeToolCallId(id ?? newId("call_"), signature);
}

function choiceOf(c: GeminiCandidate): ChatCompletion["choices"][number] {
  const reasoning: ReasoningOut[] = [];
  const calls: ToolCall[] = [];
  let text = "";
  for (const p of c.parts) {
    if (p.kind === "functionCall") {
      calls.push({ id: toolCallIdOf(p.id, p.signature), type: "function", function: { name: p.name, arguments: JSON.stringify(p.args) } });
    } else if (p.kind === "text" && p.thought) {
      if (p.text || p.signature) reasoning.push(p.signature ? { text: p.text, signature: p.signature } : { text: p.text });
    } else if (p.kind === "text") {
      text += p.text;
      if (p.signature) reasoning.push({ text: "", signature: p.signature });
    } else {
      reasoning.push({ text: "", signature: p.signature });
    }
  }
  const message: ChatMessage = {
    role: "assistant",
    content: reasoning.length ? assistantContent(reasoning, text) : text === "" && calls.length ? null : text,
  };
  if (calls.length) message.tool_calls = calls;
  return { index: c.index, message, finish_reason: mapFinishReason(c.finishReason, calls.length > 0) };
}

/** The completion for a whole (non-streamed) answer; `candidates` is how many were asked for. */
export function convertResponse(r: GeminiResponse, model: string, candidates: number): ChatCompletion {
  let choices = r.candidates.map(choiceOf).sort((a, b) => a.index - b.index);
  if (choices.length === 0) {
    // Blocked prompt (or, defensively, an answer without candidates): one empty choice per
    // requested candidate, finished by the filter when Gemini said it blocked.
    const finish = r.blockReason ? "content_filter" : "stop";
    choices = Array.from({ length: candidates }, (_, index) => ({ index, message: { role: "assistant", content: "" }, finish_reason: finish }));
  }
  return {
    id: newId("chatcmpl-"),
    object: "chat.completion",
    created: nowSeconds(),
    model,
    choices,
    usage: usageFrom(r.usage),
  };
}
