/**
 * OpenAI chat messages → Gemini `contents` + `systemInstruction`.
 *
 * Gemini knows two roles, "user" and "model", and rejects anything else. So:
 * - system (and developer) messages, wherever they are, become `systemInstruction` parts;
 * - assistant → "model": reasoning blocks become thought parts (`thought: true` with their
 *   `thoughtSignature`), text a text part, tool calls `functionCall` parts (the signature
 *   carried in the tool-call id goes back on its call, see tool-call-id.ts);
 * - tool → "user" with a `functionResponse` part: Gemini matches results to calls by
 *   function name, so the name is looked up from the assistant turn that made the call;
 *   the result is the tool's JSON object when its content is one, else `{content: text}`;
 * - consecutive turns of the same role are merged (several tool results in a row become
 *   one user turn), because Gemini expects user and model to alternate.
 * Empty text parts are left out (Vertex rejects them); a turn left with no parts is dropped.
 * `cache_control` marks are accepted and ignored: Gemini caches implicitly or through
 * `cachedContent`, never per block.
 */
import { errors } from "../../gateway/errors.js";
import type { ChatMessage, ContentPart, JsonObject } from "../../gateway/types.js";
import { imageOf, partsOf, reasoningItemsOf, textOf, toolCallsOf } from "../common/content.js";
import { decodeToolCallId } from "./tool-call-id.js";

export type GeminiRole = "user" | "model";

export interface GeminiContent extends JsonObject {
  role: GeminiRole;
  parts: JsonObject[];
}

export interface ConvertedMessages {
  systemInstruction: { parts: JsonObject[] } | undefined;
  contents: GeminiContent[];
}

function systemParts(msg: ChatMessage, field: string): JsonObject[] {
  const out: JsonObject[] = [];
  partsOf(msg.content).forEach((p, j) => {
    if (p.type !== "text") throw errors.invalidParameter(`${field}.content[${j}]`, `'${field}.content[${j}]' must be a text part in a system message.`);
    if (typeof p["text"] === "string" && p["text"]) out.push({ text: p["text"] });
  });
  return out;
}

function userParts(msg: ChatMessage, field: string): JsonObject[] {
  const out: JsonObject[] = [];
  partsOf(msg.content).forEach((p, j) => {
    const f = `${field}.content[${j}]`;
    if (p.type === "text") {
      if (typeof p["text"] === "string" && p["text"]) out.push({ text: p["text"] });
    } else if (p.type === "image_url") {
      const img = imageOf(p, f);
      out.push({ inlineData: { mimeType: img.mediaType, data: img.data } });
    } else {
      throw errors.invalidParameter(f, `'${f}' has type '${p.type}', which Vertex AI cannot take here; use text or image_url parts.`);
    }
  });
  return out;
}

/**
 * A model turn. A reasoning step without text but with a signature (Gemini put the
 * signature on a non-thought part) is carried to the next part built from the message
 * that has no signature of its own, which restores where Gemini had it.
 */
function modelParts(msg: ChatMessage, field: string): JsonObject[] {
  const out: JsonObject[] = [];
  let pending: string | undefined;
  const push = (part: JsonObject): void => {
    if (pending && part["thoughtSignature"] === undefined) {
      part["thoughtSignature"] = pending;
      pending = undefined;
    }
    out.push(part);
  };
  partsOf(msg.content).forEach((p: ContentPart, j) => {
    const f = `${field}.content[${j}]`;
    if (p.type === "text") {
      if (typeof p["text"] === "string" && p["text"]) push({ text: p["text"] });
    } else if (p.type === "reasoning") {
      for (const item of reasoningItemsOf(p, f)) {
        // Encrypted reasoning comes only from other providers; Gemini cannot read it.
        if (item.kind !== "thinking") continue;
        if (item.text) {
          const part: JsonObject = { text: item.text, thought: true };
          if (item.signature) part["thoughtSignature"] = item.signature;
          out.push(part);
        } else if (item.signature) {
          pending = item.signature;
        }
      }
    } else {
      throw errors.invalidParameter(f, `'${f}' has type '${p.type}', which Vertex AI cannot take in an assistant message.`);
    }
  });
  for (const call of toolCallsOf(msg, field)) {
    const { signature } = decodeToolCallId(call.id);
    const part: JsonObject = { functionCall: { name: call.name, args: call.arguments } };
    if (signature) part["thoughtSignature"] = signature;
    push(part);
  }
  if (pending) {
    const unsigned = [...out].reverse().find((p) => p["thoughtSignature"] === undefined && p["thought"] !== true);
    if (unsigned) unsigned["thoughtSignature"] = pending;
  }
  return out;
}

function toolResponse(msg: ChatMessage, field: string, names: ReadonlyMap<string, string>): JsonObject {
  const id = msg.tool_call_id;
  if (typeof id !== "string" || !id) throw errors.invalidParameter(`${field}.tool_call_id`, `'${field}.tool_call_id' is required.`);
  const name = names.get(id) ?? names.get(decodeToolCallId(id).base) ?? (typeof msg.name === "string" && msg.name ? msg.name : undefined);
  if (!name) {
    throw errors.invalidParameter(
      `${field}.tool_call_id`,
      `'${field}.tool_call_id' (${id}) matches no tool call of an earlier assistant message; Vertex AI needs the function's name.`,
    );
  }
  partsOf(msg.content).forEach((p, j) => {
    if (p.type !== "text") throw errors.invalidParameter(`${field}.content[${j}]`, `'${field}.content[${j}]' must be a text part in a tool message.`);
  });
  const text = textOf(msg.content);
  let response: JsonObject = { content: text };
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === "object" && !Array.isArray(v)) response = v as JsonObject;
  } catch {
    /* not JSON: sent as text */
  }
  return { functionResponse: { name, response } };
}

/** Converts the conversation; a message that cannot be translated is a 400 naming it. */
export function convertMessages(messages: unknown): ConvertedMessages {
  if (!Array.isArray(messages) || messages.length === 0) throw errors.invalidParameter("messages", "'messages' must be a non-empty list.");
  const system: JsonObject[] = [];
  const contents: GeminiContent[] = [];
  const names = new Map<string, string>();
  const append = (role: GeminiRole, parts: JsonObject[]): void => {
    if (parts.length === 0) return;
    const prev = contents[contents.length - 1];
    if (prev && prev.role === role) prev.parts.push(...parts);
    else contents.push({ role, parts });
  };
  (messages as unknown[]).forEach((m, i) => {
    const field = `messages[${i}]`;
    if (!m || typeof m !== "object") throw errors.invalidParameter(field, `'${field}' must be an object.`);
    const msg = m as ChatMessage;
    switch (msg.role) {
      case "system":
      case "developer":
        system.push(...systemParts(msg, field));
        break;
      case "user":
        append("user", userParts(msg, field));
        break;
      case "assistant":
        for (const call of toolCallsOf(msg, field)) {
          names.set(call.id, call.name);
          names.set(decodeToolCallId(call.id).base, call.name);
        }
        append("model", modelParts(msg, field));
        break;
      case "tool":
        append("user", [toolResponse(msg, field, names)]);
        break;
      default:
        throw errors.invalidParameter(`${field}.role`, `'${field}.role' must be system, user, assistant or tool.`);
    }
  });
  if (contents.length === 0) {
    throw errors.invalidParameter("messages", "'messages' must hold at least one user, assistant or tool message with content.");
  }
  return { systemInstruction: system.length ? { parts: system } : undefined, contents };
}
