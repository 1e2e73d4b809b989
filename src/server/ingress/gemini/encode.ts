/**
 * The canonical chat answer → a Gemini `GenerateContentResponse`; the mirror of
 * providers/google-cloud-vertex-ai/convert-response.ts. Reasoning blocks become `thought`
 * parts (signature as `thoughtSignature`), tool calls `functionCall` parts with the
 * signature their id carries put back on the part, usage `usageMetadata` (candidates
 * count without thoughts, as Gemini reports it).
 */
import type { ChatCompletion, ChatMessage, JsonObject, ToolCall, Usage } from "../../../gateway/types.js";
import { decodeToolCallId } from "../../../providers/google-cloud-vertex-ai/index.js";

const FINISH: Readonly<Record<string, string>> = { stop: "STOP", tool_calls: "STOP", length: "MAX_TOKENS", content_filter: "SAFETY" };

/** OpenAI `finish_reason` → Gemini `finishReason` (anything unknown is STOP). */
export function finishReasonOf(finish: string | null | undefined): string {
  return (finish && Object.hasOwn(FINISH, finish) ? FINISH[finish] : undefined) ?? "STOP";
}

export function usageMetadataOf(u: Usage | null | undefined): JsonObject {
  const prompt = u?.prompt_tokens ?? 0;
  const completion = u?.completion_tokens ?? 0;
  const thoughts = u?.completion_tokens_details?.reasoning_tokens ?? 0;
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const out: JsonObject = { promptTokenCount: prompt, candidatesTokenCount: Math.max(0, completion - thoughts), totalTokenCount: u?.total_tokens ?? prompt + completion };
  if (thoughts) out["thoughtsTokenCount"] = thoughts;
  if (cached) out["cachedContentTokenCount"] = cached;
  return out;
}

/** The part of one reasoning summary item. */
export function thoughtPart(item: JsonObject): JsonObject | undefined {
  if (item["type"] === "summary_encrypted_text") return typeof item["data"] === "string" ? { thought: true, text: "", thoughtSignature: item["data"] } : undefined;
  const text = typeof item["text"] === "string" ? item["text"] : "";
  const sig = typeof item["signature"] === "string" ? item["signature"] : undefined;
  if (!text && !sig) return undefined;
  return sig ? { text, thought: true, thoughtSignature: sig } : { text, thought: true };
}

/** A complete tool call → a `functionCall` part. */
export function functionCallPart(call: ToolCall): JsonObject {
  const { base, signature } = decodeToolCallId(call.id ?? "");
  let args: unknown = {};
  try {
    args = JSON.parse(call.function?.arguments || "{}");
  } catch {
    args = { _raw: call.function?.arguments };
  }
  const part: JsonObject = { functionCall: { name: call.function?.name ?? "", args, ...(base ? { id: base } : {}) } };
  if (signature) part["thoughtSignature"] = signature;
  return part;
}

/** Appends the Gemini parts of a message's (or a chunk delta's) content: its text, and thought parts for reasoning. */
export function pushContentParts(parts: JsonObject[], c: ChatMessage["content"] | undefined): void {
  if (typeof c === "string") {
    if (c) parts.push({ text: c });
  } else if (Array.isArray(c)) {
    for (const p of c) {
      if (p.type === "text" && typeof p["text"] === "string" && p["text"]) parts.push({ text: p["text"] });
      else if (p.type === "reasoning" && Array.isArray(p["summary"])) {
        for (const s of p["summary"] as JsonObject[]) {
          const t = thoughtPart(s);
          if (t) parts.push(t);
        }
      }
    }
  }
}

export function partsOf(msg: ChatMessage | undefined): JsonObject[] {
  const parts: JsonObject[] = [];
  pushContentParts(parts, msg?.content);
  for (const call of msg?.tool_calls ?? []) parts.push(functionCallPart(call));
  return parts;
}

/** The `GenerateContentResponse` for a canonical answer (`model`: the endpoint's name). */
export function toGeminiResponse(res: ChatCompletion, model: string): JsonObject {
  return {
    candidates: res.choices.map((c) => ({ content: { role: "model", parts: partsOf(c.message) }, finishReason: finishReasonOf(c.finish_reason), index: c.index })),
    usageMetadata: usageMetadataOf(res.usage),
    modelVersion: model,
    responseId: res.id,
  };
}
