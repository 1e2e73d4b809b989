/**
 * OpenAI/Databricks chat messages → Cohere v2 `messages`.
 *
 * Cohere v2 has the same four roles (`system`, `user`, `assistant`, `tool`); OpenAI's
 * `developer` is a system message. What changes is the inside of a message:
 * - user content: text parts, and images as `{type:"image_url", image_url:{url, detail?}}`
 *   (data URLs only, checked by `imageOf`);
 * - assistant: `tool_calls` keep the OpenAI shape (arguments re-encoded from the parsed
 *   object, so malformed JSON is a 400 here, not at Cohere); reasoning blocks sent back
 *   become `{type:"thinking", thinking}` items. Cohere's thinking has no signature, so a
 *   signature is not sent; an encrypted reasoning item (another provider's redacted
 *   thinking) has no Cohere form and is left out — dropping the model's earlier reasoning
 *   costs context, not correctness;
 * - tool: `{tool_call_id, content}`, content a string or text/document parts.
 * `cache_control` marks are accepted and dropped: Cohere caches prompts on its own and
 * takes no cache hints.
 */
import { errors } from "../../gateway/errors.js";
import type { ChatMessage, ContentPart, JsonObject } from "../../gateway/types.js";
import { imageOf, partsOf, reasoningItemsOf, toolCallsOf } from "../common/index.js";

type CohereMessage = JsonObject;

/** Converts the whole conversation; a shape with no Cohere form is a 400 naming it. */
export function toCohereMessages(messages: readonly ChatMessage[]): CohereMessage[] {
  return messages.map((m, i) => toCohereMessage(m, `messages[${i}]`));
}

function toCohereMessage(m: ChatMessage, field: string): CohereMessage {
  switch (m.role) {
    case "system":
    case "developer":
      return { role: "system", content: textOnly(m.content, field) };
    case "user":
      return { role: "user", content: userContent(m.content, field) };
    case "assistant":
      return assistantMessage(m, field);
    case "tool":
      return toolMessage(m, field);
    default:
      throw errors.invalidParameter(`${field}.role`, `'${field}.role' must be system, user, assistant or tool; Cohere has no '${String(m.role)}' role.`);
  }
}

function badPart(field: string, allowed: string): never {
  throw errors.invalidParameter(field, `'${field}' cannot be sent to Cohere here: only ${allowed} parts are accepted.`);
}

function textOf(part: ContentPart, field: string): string {
  const t = part["text"];
  if (typeof t !== "string") throw errors.invalidParameter(`${field}.text`, `'${field}.text' must be a string.`);
  return t;
}

/** System content is text only: the parts' text joined. */
function textOnly(content: ChatMessage["content"], field: string): string {
  if (typeof content === "string") return content;
  return partsOf(content)
    .map((p, j) => (p.type === "text" ? textOf(p, `${field}.content[${j}]`) : badPart(`${field}.content[${j}]`, "text")))
    .join("");
}

function userContent(content: ChatMessage["content"], field: string): string | JsonObject[] {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  return content.map((p, j): JsonObject => {
    const f = `${field}.content[${j}]`;
    if (p.type === "text") return { type: "text", text: textOf(p, f) };
    if (p.type === "image_url") {
      const img = imageOf(p, f);
      const iu = p["image_url"];
      const detail = iu && typeof iu === "object" ? (iu as JsonObject)["detail"] : undefined;
      const imageUrl: JsonObject = { url: `data:${img.mediaType};base64,${img.data}` };
      if (detail === "auto" || detail === "low" || detail === "high") imageUrl["detail"] = detail;
      return { type: "image_url", image_url: imageUrl };
    }
    return badPart(f, "text and image_url");
  });
}

function assistantMessage(m: ChatMessage, field: string): CohereMessage {
  const out: CohereMessage = { role: "assistant" };
  const items: JsonObject[] = [];
  partsOf(m.content).forEach((p, j) => {
    const f = `${field}.content[${j}]`;
    if (p.type === "text") items.push({ type: "text", text: textOf(p, f) });
    else if (p.type === "reasoning") {
      for (const r of reasoningItemsOf(p, f)) if (r.kind === "thinking") items.push({ type: "thinking", thinking: r.text });
    } else badPart(f, "text and reasoning");
  });
  // A plain answer keeps Cohere's simplest form, a string; thinking needs the list.
  if (items.length) out["content"] = items.every((x) => x["type"] === "text") ? items.map((x) => x["text"]).join("") : items;
  const calls = toolCallsOf(m, field);
  if (calls.length) {
    out["tool_calls"] = calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
  }
  // Cohere refuses an assistant turn with neither content nor tool calls.
  if (out["content"] === undefined && !calls.length) out["content"] = "";
  return out;
}

function toolMessage(m: ChatMessage, field: string): CohereMessage {
  const id = m.tool_call_id;
  if (typeof id !== "string" || !id) throw errors.invalidParameter(`${field}.tool_call_id`, `'${field}.tool_call_id' is required.`);
  let content: string | JsonObject[];
  if (typeof m.content === "string" || m.content === null || m.content === undefined) content = m.content ?? "";
  else {
    content = partsOf(m.content).map((p, j): JsonObject => {
      const f = `${field}.content[${j}]`;
      if (p.type === "text") return { type: "text", text: textOf(p, f) };
      // Cohere's own document parts (for citations) pass through as the client wrote them.
      if (p.type === "document" && p["document"] && typeof p["document"] === "object") return { type: "document", document: p["document"] };
      return badPart(f, "text and document");
    });
  }
  return { role: "tool", tool_call_id: id, content };
}
