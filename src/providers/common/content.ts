/**
 * Reading the parts of an OpenAI/Databricks chat message that every native provider
 * translates: text, images as data URLs, reasoning blocks sent back from an earlier turn,
 * `cache_control` marks, and tool calls with their JSON arguments. Each reader checks
 * what it reads and answers bad input with a 400 that names the field.
 */
import { errors } from "../../gateway/errors.js";
import type { ChatMessage, ContentPart, JsonObject, ToolCall } from "../../gateway/types.js";

/** The image media types every native provider accepts. */
export const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

export interface InlineImage {
  mediaType: ImageMediaType;
  /** Base64, as it was in the data URL. */
  data: string;
}

const DATA_URL = /^data:([a-z0-9.+/-]+);base64,/i;

/**
 * The image of an `image_url` part. Only `data:` URLs are accepted (as for Databricks-hosted
 * models): fetching a remote URL would make the gateway a proxy for arbitrary addresses.
 */
export function imageOf(part: ContentPart, field: string): InlineImage {
  const iu = part["image_url"];
  const url = typeof iu === "string" ? iu : iu && typeof iu === "object" ? (iu as JsonObject)["url"] : undefined;
  if (typeof url !== "string") throw errors.invalidParameter(`${field}.image_url.url`, `'${field}.image_url.url' must be a string.`);
  const m = DATA_URL.exec(url);
  if (!m) {
    throw errors.invalidParameter(
      `${field}.image_url.url`,
      `'${field}.image_url.url' must be a base64 data URL (data:image/png;base64,…); image links are not fetched.`,
    );
  }
  const mediaType = (m[1] as string).toLowerCase();
  const normalized = mediaType === "image/jpg" ? "image/jpeg" : mediaType;
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(normalized)) {
    throw errors.invalidParameter(`${field}.image_url.url`, `Image type '${mediaType}' is not supported; use JPEG, PNG, GIF or WebP.`);
  }
  return { mediaType: normalized as ImageMediaType, data: url.slice(m[0].length) };
}

/** The `cache_control` mark on a part, tool call or tool, if any. */
export function cacheControlOf(o: JsonObject | undefined): JsonObject | undefined {
  const cc = o?.["cache_control"];
  return cc && typeof cc === "object" && !Array.isArray(cc) ? (cc as JsonObject) : undefined;
}

/** The text of a message's content: a string, or its text parts joined. */
export function textOf(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let out = "";
  for (const p of content) if (p.type === "text" && typeof p["text"] === "string") out += p["text"];
  return out;
}

/** The content as a list of parts (a string becomes one text part). */
export function partsOf(content: ChatMessage["content"]): ContentPart[] {
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  return Array.isArray(content) ? content : [];
}

/** One reasoning step sent back in history: visible thinking with its signature, or an encrypted one. */
export type ReasoningItem = { kind: "thinking"; text: string; signature: string | undefined } | { kind: "encrypted"; data: string };

/** The items of a `{"type":"reasoning","summary":[…]}` block. */
export function reasoningItemsOf(part: ContentPart, field: string): ReasoningItem[] {
  const summary = part["summary"];
  if (!Array.isArray(summary)) throw errors.invalidParameter(`${field}.summary`, `'${field}.summary' must be a list.`);
  return summary.map((s: unknown, i): ReasoningItem => {
    const item = (s && typeof s === "object" ? s : {}) as JsonObject;
    if (item["type"] === "summary_encrypted_text" && typeof item["data"] === "string") return { kind: "encrypted", data: item["data"] };
    if (item["type"] === "summary_text" && typeof item["text"] === "string") {
      const sig = item["signature"];
      return { kind: "thinking", text: item["text"], signature: typeof sig === "string" ? sig : undefined };
    }
    throw errors.invalidParameter(`${field}.summary[${i}]`, `'${field}.summary[${i}]' must be a summary_text or summary_encrypted_text item.`);
  });
}

/** A finished reasoning step of an answer, for building the Databricks content blocks. */
export type ReasoningOut = { text: string; signature?: string } | { encrypted: string };

/**
 * An assistant message's content in the Databricks shape: the plain string when there was
 * no reasoning, else `[{type:"reasoning",summary:[…]}…, {type:"text",text}]`.
 */
export function assistantContent(reasoning: readonly ReasoningOut[], text: string): string | ContentPart[] {
  if (reasoning.length === 0) return text;
  const parts: ContentPart[] = reasoning.map((r) => ({ type: "reasoning", summary: [reasoningSummary(r)] }));
  parts.push({ type: "text", text });
  return parts;
}

/** One summary item of a reasoning block. */
export function reasoningSummary(r: ReasoningOut): JsonObject {
  if ("encrypted" in r) return { type: "summary_encrypted_text", data: r.encrypted };
  return r.signature !== undefined ? { type: "summary_text", text: r.text, signature: r.signature } : { type: "summary_text", text: r.text };
}

/** A stream delta carrying reasoning: `delta.content` as a list holding one reasoning block. */
export function reasoningDelta(item: ReasoningOut): ContentPart[] {
  return [{ type: "reasoning", summary: [reasoningSummary(item)] }];
}

/** A tool call of an assistant message in history, its arguments parsed. */
export interface HistoryToolCall {
  id: string;
  name: string;
  arguments: JsonObject;
  cacheControl: JsonObject | undefined;
}

/** The tool calls of an assistant message, arguments parsed as JSON objects. */
export function toolCallsOf(msg: ChatMessage, field: string): HistoryToolCall[] {
  const calls = msg.tool_calls;
  if (calls === undefined || calls === null) return [];
  if (!Array.isArray(calls)) throw errors.invalidParameter(`${field}.tool_calls`, `'${field}.tool_calls' must be a list.`);
  return calls.map((c: ToolCall, i) => {
    const f = `${field}.tool_calls[${i}]`;
    const name = c.function?.name;
    if (typeof c.id !== "string" || !c.id) throw errors.invalidParameter(`${f}.id`, `'${f}.id' is required.`);
    if (typeof name !== "string" || !name) throw errors.invalidParameter(`${f}.function.name`, `'${f}.function.name' is required.`);
    return { id: c.id, name, arguments: parseArguments(c.function?.arguments, `${f}.function.arguments`), cacheControl: cacheControlOf(c) };
  });
}

/** Tool-call arguments: a JSON object encoded as a string ("" means no arguments). */
export function parseArguments(args: unknown, field: string): JsonObject {
  if (args === undefined || args === null || args === "") return {};
  if (typeof args === "object" && !Array.isArray(args)) return args as JsonObject;
  if (typeof args === "string") {
    try {
      const v: unknown = JSON.parse(args);
      if (v && typeof v === "object" && !Array.isArray(v)) return v as JsonObject;
    } catch {
      /* reported below */
    }
  }
  throw errors.invalidParameter(field, `'${field}' must be a JSON object encoded as a string.`);
}

/** A function tool definition, checked. */
export interface FunctionTool {
  name: string;
  description: string | undefined;
  parameters: JsonObject;
  strict: boolean | undefined;
  cacheControl: JsonObject | undefined;
}

/** The `tools` of a request, each a `{type:"function", function:{name, description, parameters}}`. */
export function functionToolsOf(tools: unknown): FunctionTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw errors.invalidParameter("tools", "'tools' must be a list.");
  return tools.map((t: unknown, i) => {
    const tool = (t && typeof t === "object" ? t : {}) as JsonObject;
    const fn = tool["function"];
    if (tool["type"] !== "function" || !fn || typeof fn !== "object") {
      throw errors.invalidParameter(`tools[${i}]`, `'tools[${i}]' must be a function tool ({"type":"function","function":{…}}).`);
    }
    const f = fn as JsonObject;
    if (typeof f["name"] !== "string" || !f["name"]) throw errors.invalidParameter(`tools[${i}].function.name`, `'tools[${i}].function.name' is required.`);
    const params = f["parameters"];
    return {
      name: f["name"],
      description: typeof f["description"] === "string" ? f["description"] : undefined,
      parameters: params && typeof params === "object" ? (params as JsonObject) : { type: "object", properties: {} },
      strict: typeof f["strict"] === "boolean" ? f["strict"] : undefined,
      cacheControl: cacheControlOf(tool) ?? cacheControlOf(f),
    };
  });
}

/** `tool_choice` read into one of four cases. */
export type ToolChoice = { type: "auto" } | { type: "none" } | { type: "required" } | { type: "function"; name: string };

export function toolChoiceOf(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "auto" || value === "none" || value === "required") return { type: value };
  if (value && typeof value === "object") {
    const fn = (value as JsonObject)["function"];
    const name = fn && typeof fn === "object" ? (fn as JsonObject)["name"] : undefined;
    if (typeof name === "string" && name) return { type: "function", name };
  }
  throw errors.invalidParameter("tool_choice", `'tool_choice' must be "auto", "none", "required" or {"type":"function","function":{"name":…}}.`);
}

/** `response_format` read into one of three cases. */
export type ResponseFormat = { type: "text" } | { type: "json_object" } | { type: "json_schema"; name: string; schema: JsonObject; strict: boolean | undefined };

export function responseFormatOf(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const rf = (value && typeof value === "object" ? value : {}) as JsonObject;
  if (rf["type"] === "text") return { type: "text" };
  if (rf["type"] === "json_object") return { type: "json_object" };
  if (rf["type"] === "json_schema") {
    const js = rf["json_schema"];
    const o = (js && typeof js === "object" ? js : {}) as JsonObject;
    const schema = o["schema"];
    if (!schema || typeof schema !== "object") {
      throw errors.invalidParameter("response_format.json_schema.schema", "'response_format.json_schema.schema' must be a JSON schema object.");
    }
    return {
      type: "json_schema",
      name: typeof o["name"] === "string" ? o["name"] : "response",
      schema: schema as JsonObject,
      strict: typeof o["strict"] === "boolean" ? o["strict"] : undefined,
    };
  }
  throw errors.invalidParameter("response_format.type", `'response_format.type' must be "text", "json_object" or "json_schema".`);
}
