/**
 * Canonical chat chunks → Gemini's stream: `data:` lines, each a partial
 * `GenerateContentResponse` holding the new parts (text, thought parts), no event names
 * and no end marker. Gemini sends a function call whole, never in pieces, so tool-call
 * arguments are gathered and each call goes out complete in the last chunk, with the
 * `finishReason` and `usageMetadata`. Hand-written: this runs for every chunk.
 */
import type { ChatChunk, JsonObject, ToolCall, Usage } from "../../../gateway/types.js";
import type { SseFraming } from "../../sse.js";
import { finishReasonOf, functionCallPart, pushContentParts, usageMetadataOf } from "./encode.js";

export const geminiFraming: SseFraming = {
  frame: (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
  error: (body) => `data: ${JSON.stringify(body)}\n\n`,
  end: "",
};

function chunkOf(parts: JsonObject[], model: string, id: string, extra: JsonObject = {}): JsonObject {
  return { candidates: [{ content: { role: "model", parts }, index: 0, ...extra }], modelVersion: model, responseId: id };
}

/**
 * @example
 *   for await (const c of geminiChunks(chunks, "my-endpoint")) … // c.candidates[0].content.parts
 */
export async function* geminiChunks(chunks: AsyncIterable<ChatChunk>, model: string): AsyncGenerator<JsonObject, void, undefined> {
  const calls = new Map<number, ToolCall & { function: { name: string; arguments: string } }>();
  let finish: string | null = null;
  let usage: Usage | undefined;
  let id = "";
  for await (const chunk of chunks) {
    id ||= chunk.id;
    if (chunk.usage) usage = chunk.usage;
    const parts: JsonObject[] = [];
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      pushContentParts(parts, choice.delta.content);
      for (const tc of choice.delta.tool_calls ?? []) {
        const i = typeof tc["index"] === "number" ? tc["index"] : 0;
        const known = calls.get(i) ?? { id: tc.id ?? "", type: "function", function: { name: "", arguments: "" } };
        if (tc.id) known.id = tc.id;
        if (tc.function?.name) known.function.name = tc.function.name;
        if (tc.function?.arguments) known.function.arguments += tc.function.arguments;
        calls.set(i, known);
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    if (parts.length) yield chunkOf(parts, model, id);
  }
  const last = [...calls.values()].map(functionCallPart);
  yield { ...chunkOf(last, model, id, { finishReason: finishReasonOf(finish) }), usageMetadata: usageMetadataOf(usage) };
}
