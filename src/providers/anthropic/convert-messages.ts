/**
 * OpenAI chat messages → Anthropic `system` + `messages`.
 *
 * Anthropic has no system role in the conversation and no tool role: system (and
 * `developer`) messages become the top-level `system` text blocks, in order; `tool`
 * messages become `tool_result` blocks of a user turn. Consecutive user/tool messages
 * (and consecutive assistant messages) merge into one turn, so the turns always
 * alternate, and within a user turn the tool results come first, as Anthropic requires.
 *
 * Reasoning sent back in history becomes `thinking` blocks (signature unchanged) or
 * `redacted_thinking` blocks, placed before the text and tool calls of their turn, which
 * is where Anthropic emitted them and where it checks for them. A reasoning step without
 * a signature (e.g. from another provider) cannot be verified by Anthropic and is left
 * out; Anthropic drops earlier turns' thinking from the context anyway.
 *
 * `cache_control` marks stay where they were: on text parts, images, tool calls, and on
 * a message as a whole (then on its last block, the one Anthropic caches up to).
 */
import { errors } from "../../gateway/errors.js";
import type { ChatMessage, ContentPart, JsonObject } from "../../gateway/types.js";
import { cacheControlOf, imageOf, partsOf, reasoningItemsOf, textOf, toolCallsOf } from "../common/content.js";

export interface AnthropicTurn {
  role: "user" | "assistant";
  content: JsonObject[];
}

export interface AnthropicPrompt {
  system: JsonObject[] | undefined;
  messages: AnthropicTurn[];
}

function textBlock(text: string, cc: JsonObject | undefined): JsonObject {
  return cc ? { type: "text", text, cache_control: cc } : { type: "text", text };
}

/** A message-level mark goes on the message's last block (thinking blocks cannot carry one). */
function markLast(blocks: JsonObject[], cc: JsonObject | undefined): void {
  const last = blocks[blocks.length - 1];
  if (!cc || !last || last["cache_control"] !== undefined) return;
  if (last["type"] === "thinking" || last["type"] === "redacted_thinking") return;
  last["cache_control"] = cc;
}

function unsupportedPart(part: ContentPart, field: string, where: string): never {
  throw errors.invalidParameter(field, `'${field}' has type '${String(part.type)}', which Anthropic does not accept in ${where}.`);
}

function textPartBlock(part: ContentPart, field: string): JsonObject | undefined {
  const text = part["text"];
  if (typeof text !== "string") throw errors.invalidParameter(`${field}.text`, `'${field}.text' must be a string.`);
  // Anthropic refuses empty text blocks; an empty part says nothing, so it is left out.
  return text === "" ? undefined : textBlock(text, cacheControlOf(part));
}

function contentParts(msg: ChatMessage, field: string): ContentPart[] {
  const c = msg.content;
  if (c !== undefined && c !== null && typeof c !== "string" && !Array.isArray(c)) {
    throw errors.invalidParameter(`${field}.content`, `'${field}.content' must be a string or a list of content parts.`);
  }
  return partsOf(c);
}

function systemBlocks(msg: ChatMessage, field: string): JsonObject[] {
  const blocks: JsonObject[] = [];
  contentParts(msg, field).forEach((part, j) => {
    const f = `${field}.content[${j}]`;
    if (part.type !== "text") unsupportedPart(part, f, "system messages");
    const b = textPartBlock(part, f);
    if (b) blocks.push(b);
  });
  markLast(blocks, cacheControlOf(msg));
  return blocks;
}

function userBlocks(msg: ChatMessage, field: string): JsonObject[] {
  const blocks: JsonObject[] = [];
  contentParts(msg, field).forEach((part, j) => {
    const f = `${field}.content[${j}]`;
    if (part.type === "text") {
      const b = textPartBlock(part, f);
      if (b) blocks.push(b);
    } else if (part.type === "image_url") {
      blocks.push(imageBlock(part, f));
    } else {
      unsupportedPart(part, f, "user messages");
    }
  });
  markLast(blocks, cacheControlOf(msg));
  return blocks;
}

function imageBlock(part: ContentPart, field: string, marked = true): JsonObject {
  const img = imageOf(part, field);
  const cc = marked ? cacheControlOf(part) : undefined;
  return { type: "image", source: { type: "base64", media_type: img.mediaType, data: img.data }, ...(cc ? { cache_control: cc } : {}) };
}

/**
 * A `tool` message → a `tool_result` block. Text-only content is joined into the result's
 * one text; content with images (a computer-use screenshot) becomes a list of text and
 * image blocks, which Anthropic takes inside a tool result.
 */
function toolResultBlock(msg: ChatMessage, field: string): JsonObject {
  const id = msg.tool_call_id;
  if (typeof id !== "string" || !id) throw errors.invalidParameter(`${field}.tool_call_id`, `'${field}.tool_call_id' is required.`);
  const parts = contentParts(msg, field);
  // A mark on the message or on any of its parts marks the whole result: the result
  // block is where the mark can live.
  let cc = cacheControlOf(msg);
  let images = false;
  parts.forEach((part, j) => {
    if (part.type === "image_url") images = true;
    else if (part.type !== "text" || typeof part["text"] !== "string") unsupportedPart(part, `${field}.content[${j}]`, "tool messages");
    cc = cc ?? cacheControlOf(part);
  });
  let content: string | JsonObject[];
  if (!images) content = typeof msg.content === "string" ? msg.content : textOf(parts);
  else {
    content = [];
    parts.forEach((part, j) => {
      const f = `${field}.content[${j}]`;
      if (part.type === "image_url") (content as JsonObject[]).push(imageBlock(part, f, false));
      else if (part["text"] !== "") (content as JsonObject[]).push({ type: "text", text: part["text"] as string });
    });
  }
  const block: JsonObject = { type: "tool_result", tool_use_id: id, content, ...(cc ? { cache_control: cc } : {}) };
  if (msg["is_error"] === true) block["is_error"] = true;
  return block;
}

function assistantBlocks(msg: ChatMessage, field: string): JsonObject[] {
  const thinking: JsonObject[] = [];
  const rest: JsonObject[] = [];
  contentParts(msg, field).forEach((part, j) => {
    const f = `${field}.content[${j}]`;
    if (part.type === "text") {
      const b = textPartBlock(part, f);
      if (b) rest.push(b);
    } else if (part.type === "reasoning") {
      for (const item of reasoningItemsOf(part, f)) {
        if (item.kind === "encrypted") thinking.push({ type: "redacted_thinking", data: item.data });
        else if (item.signature !== undefined) thinking.push({ type: "thinking", thinking: item.text, signature: item.signature });
      }
    } else {
      unsupportedPart(part, f, "assistant messages");
    }
  });
  for (const call of toolCallsOf(msg, field)) {
    rest.push({ type: "tool_use", id: call.id, name: call.name, input: call.arguments, ...(call.cacheControl ? { cache_control: call.cacheControl } : {}) });
  }
  markLast(rest, cacheControlOf(msg));
  return [...thinking, ...rest];
}

/** Tool results first within a user turn (stable otherwise): Anthropic refuses text before them. */
function toolResultsFirst(blocks: JsonObject[]): JsonObject[] {
  const results = blocks.filter((b) => b["type"] === "tool_result");
  return results.length === 0 || results.length === blocks.length ? blocks : [...results, ...blocks.filter((b) => b["type"] !== "tool_result")];
}

/**
 * The Anthropic prompt for a request's `messages`; a 400 naming the field for anything
 * that cannot be translated.
 *
 * @example
 *   convertMessages([{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }])
 *   // { system: [{type:"text",text:"Be brief."}], messages: [{role:"user",content:[{type:"text",text:"Hi"}]}] }
 */
export function convertMessages(messages: unknown): AnthropicPrompt {
  if (!Array.isArray(messages) || messages.length === 0) throw errors.invalidParameter("messages", "'messages' must be a non-empty list.");
  const system: JsonObject[] = [];
  const turns: AnthropicTurn[] = [];
  messages.forEach((m: unknown, i) => {
    const field = `messages[${i}]`;
    if (!m || typeof m !== "object" || Array.isArray(m)) throw errors.invalidParameter(field, `'${field}' must be an object.`);
    const msg = m as ChatMessage;
    let role: AnthropicTurn["role"];
    let blocks: JsonObject[];
    switch (msg.role) {
      case "system":
      case "developer":
        system.push(...systemBlocks(msg, field));
        return;
      case "user":
        role = "user";
        blocks = userBlocks(msg, field);
        break;
      case "tool":
        role = "user";
        blocks = [toolResultBlock(msg, field)];
        break;
      case "assistant":
        role = "assistant";
        blocks = assistantBlocks(msg, field);
        break;
      default:
        throw errors.invalidParameter(`${field}.role`, `'${field}.role' must be "system", "developer", "user", "assistant" or "tool".`);
    }
    if (blocks.length === 0) throw errors.invalidParameter(`${field}.content`, `'${field}.content' must not be empty.`);
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  });
  if (turns.length === 0) throw errors.invalidParameter("messages", "'messages' must contain a user message besides system messages.");
  for (const t of turns) if (t.role === "user") t.content = toolResultsFirst(t.content);
  return { system: system.length ? system : undefined, messages: turns };
}
