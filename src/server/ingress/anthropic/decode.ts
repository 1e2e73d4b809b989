/**
 * An Anthropic Messages request → the canonical chat request (OpenAI's shape, Databricks
 * flavour). The mirror of providers/anthropic/convert-request.ts and convert-messages.ts:
 *
 * - `system` (string or text blocks) → one system message; `cache_control` marks stay on
 *   their parts, where every adapter that knows caching looks for them.
 * - a user turn's `tool_result` blocks → `tool` messages (before the rest of the turn, as
 *   Anthropic orders them); its text and images → a user message (images as data URLs).
 * - an assistant turn's `thinking` / `redacted_thinking` blocks → reasoning content blocks
 *   (signature kept), `tool_use` → `tool_calls` with the input as a JSON string.
 * - `tools` → function tools; Anthropic's versioned client tools (computer, text editor,
 *   bash) stay as they are, the canonical form carries them; `tool_choice` auto/any/tool/
 *   none → auto/required/function/none, `disable_parallel_tool_use` → `parallel_tool_calls`.
 * - `thinking`, `stop_sequences`, `metadata.user_id`, `output_config.format` → `thinking`,
 *   `stop`, `user`, `response_format`.
 *
 * What has no canonical equivalent (documents, server tools, MCP servers, containers…) is
 * noted in an `Untranslatable` and left out of the canonical request: an Anthropic
 * endpoint takes the request as it came (pass-through), any other answers a 400 naming
 * the first such field — never a silent drop.
 */
import { errors } from "../../../gateway/errors.js";
import type { ChatMessage, ChatRequest, ContentPart, JsonObject, ToolCall } from "../../../gateway/types.js";
import { parseAt, Untranslatable } from "../parse.js";
import { BLOCKS, type AnthropicMessage, type AnthropicTool, type CountTokensRequest, type ImageBlock, type MessagesRequest, type TextBlock } from "./api.js";

/** Top-level fields of the Messages API with no canonical counterpart. */
const UNSUPPORTED_FIELDS: Readonly<Record<string, string>> = {
  mcp_servers: "MCP connector",
  container: "code-execution container",
  context_management: "context management",
  inference_geo: "inference geography",
  diagnostics: "diagnostics",
  user_profile_id: "user profiles",
  workspace_id: "workspaces",
};

/** Versioned tool types that are Anthropic's server tools (run by Anthropic, not the client). */
const SERVER_TOOL = /^(web_search|web_fetch|code_execution|memory|tool_search_tool_[a-z]+|mcp_toolset)_\d{8}$/;

function withCache<T extends JsonObject>(part: T, cc: unknown): T {
  if (cc && typeof cc === "object") (part as JsonObject)["cache_control"] = cc;
  return part;
}

function textPart(b: TextBlock): ContentPart {
  return withCache({ type: "text", text: b.text }, b.cache_control);
}

function imagePart(b: ImageBlock): ContentPart {
  const url = b.source.type === "base64" ? `data:${b.source.media_type};base64,${b.source.data}` : b.source.url;
  return withCache({ type: "image_url", image_url: { url } }, b.cache_control);
}

/** The system prompt as a system message, or undefined. */
function systemMessage(system: MessagesRequest["system"]): ChatMessage | undefined {
  if (system === undefined || system === "" || (Array.isArray(system) && system.length === 0)) return undefined;
  return { role: "system", content: typeof system === "string" ? system : system.map(textPart) };
}

function toolResultMessage(raw: unknown, at: Array<string | number>): ChatMessage {
  const b = parseAt(BLOCKS.tool_result, raw, at);
  const c = b.content;
  let content: ChatMessage["content"];
  if (c === undefined) content = "";
  else if (typeof c === "string") content = c;
  else content = c.map((x) => (x.type === "text" ? textPart(x) : imagePart(x)));
  const msg: ChatMessage = { role: "tool", tool_call_id: b.tool_use_id, content };
  if (b.is_error === true) msg["is_error"] = true;
  return withCache(msg, b.cache_control);
}

function userMessages(m: AnthropicMessage, at: Array<string | number>, u: Untranslatable): ChatMessage[] {
  if (typeof m.content === "string") return [{ role: "user", content: m.content }];
  const results: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  m.content.forEach((raw, j) => {
    const f = [...at, "content", j];
    switch (raw.type) {
      case "text":
        parts.push(textPart(parseAt(BLOCKS.text, raw, f)));
        break;
      case "image":
        parts.push(imagePart(parseAt(BLOCKS.image, raw, f)));
        break;
      case "tool_result":
        results.push(toolResultMessage(raw, f));
        break;
      default:
        u.note(`${fieldOf(f)}.type`, `a '${raw.type}' block in a user turn`);
    }
  });
  // A turn left empty by what was noted still holds its place in the conversation.
  return parts.length || results.length === 0 ? [...results, { role: "user", content: parts }] : results;
}

function assistantMessage(m: AnthropicMessage, at: Array<string | number>, u: Untranslatable): ChatMessage {
  if (typeof m.content === "string") return { role: "assistant", content: m.content };
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  m.content.forEach((raw, j) => {
    const f = [...at, "content", j];
    switch (raw.type) {
      case "text":
        parts.push(textPart(parseAt(BLOCKS.text, raw, f)));
        break;
      case "thinking": {
        const b = parseAt(BLOCKS.thinking, raw, f);
        // An empty signature is what a translated answer carries when the upstream signed nothing.
        const item: JsonObject = { type: "summary_text", text: b.thinking };
        if (b.signature) item["signature"] = b.signature;
        parts.push({ type: "reasoning", summary: [item] });
        break;
      }
      case "redacted_thinking":
        parts.push({ type: "reasoning", summary: [{ type: "summary_encrypted_text", data: parseAt(BLOCKS.redacted_thinking, raw, f).data }] });
        break;
      case "tool_use": {
        const b = parseAt(BLOCKS.tool_use, raw, f);
        calls.push(withCache({ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }, b.cache_control));
        break;
      }
      default:
        u.note(`${fieldOf(f)}.type`, `a '${raw.type}' block in an assistant turn`);
    }
  });
  const msg: ChatMessage = { role: "assistant", content: parts.length ? parts : null };
  if (calls.length) msg.tool_calls = calls;
  return msg;
}

function fieldOf(path: ReadonlyArray<string | number>): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

function toolOf(t: AnthropicTool, i: number, u: Untranslatable): JsonObject | undefined {
  const type = t.type ?? "custom";
  if (type !== "custom") {
    if (SERVER_TOOL.test(type)) {
      u.note(`tools[${i}].type`, `Anthropic's server tool '${type}'`);
      return undefined;
    }
    // Client tools (computer use, text editor, bash): the canonical form carries them as they are.
    return { ...t };
  }
  const fn: JsonObject = { name: t.name, parameters: t.input_schema ?? { type: "object", properties: {} } };
  if (t.description !== undefined) fn["description"] = t.description;
  return withCache({ type: "function", function: fn }, t.cache_control);
}

function toolChoiceOf(tc: NonNullable<MessagesRequest["tool_choice"]>): { tool_choice: unknown; parallel_tool_calls?: boolean } {
  const parallel = tc.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  switch (tc.type) {
    case "auto":
      return { tool_choice: "auto", ...parallel };
    case "any":
      return { tool_choice: "required", ...parallel };
    case "none":
      return { tool_choice: "none" };
    case "tool":
      if (!tc.name) throw errors.invalidParameter("tool_choice.name", "'tool_choice.name' is required when 'tool_choice.type' is \"tool\".");
      return { tool_choice: { type: "function", function: { name: tc.name } }, ...parallel };
  }
}

/**
 * `enabled` → the canonical budget. `adaptive` and `between_tools` let the model decide
 * whether (and when) to think; a canonical request without `thinking` is one such
 * decision, the model not thinking, so they map to none rather than to a refusal that
 * would stop coding agents which always send them. Anything else is refused by name.
 */
function thinkingOf(t: NonNullable<MessagesRequest["thinking"]>, u: Untranslatable): JsonObject | undefined {
  if (t.type === "disabled" || t.type === "adaptive" || t.type === "between_tools") return undefined;
  if (t.type === "enabled") return { type: "enabled", budget_tokens: t.budget_tokens };
  u.note("thinking.type", `thinking of type '${t.type}'`);
  return undefined;
}

const EFFORTS = new Set(["low", "medium", "high"]);

/** `output_config`: `format` → `response_format`, `effort` → `reasoning_effort` (the levels both know). */
function outputConfigOf(oc: NonNullable<MessagesRequest["output_config"]>, into: JsonObject, u: Untranslatable): void {
  for (const k of Object.keys(oc)) if (k !== "format" && k !== "effort") u.note(`output_config.${k}`, "an output setting");
  const effort = oc["effort"];
  if (effort !== undefined && effort !== null) {
    if (typeof effort === "string" && EFFORTS.has(effort)) into["reasoning_effort"] = effort;
    else u.note("output_config.effort", `effort '${String(effort)}'`);
  }
  const f = oc.format;
  if (!f) return;
  if (f.type !== "json_schema" || !f.schema) throw errors.invalidParameter("output_config.format", "'output_config.format' must be {\"type\":\"json_schema\",\"schema\":{…}}.");
  into["response_format"] = { type: "json_schema", json_schema: { name: "response", schema: f.schema, strict: true } };
}

/** A top-level `cache_control` caches the prompt up to its last block: the canonical mark for that is one on the last message. */
function markLastMessage(messages: ChatMessage[], cc: unknown): void {
  const last = messages[messages.length - 1];
  if (last && cc && typeof cc === "object" && last["cache_control"] === undefined) last["cache_control"] = cc;
}

/** The canonical messages of a Messages API conversation (system first). */
export function canonicalMessages(req: Pick<MessagesRequest, "system" | "messages">, u: Untranslatable): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = systemMessage(req.system);
  if (system) out.push(system);
  req.messages.forEach((m, i) => {
    const at = ["messages", i];
    if (m.role === "user") out.push(...userMessages(m, at, u));
    else out.push(assistantMessage(m, at, u));
  });
  return out;
}

/** The tool fields of a request (tools, tool_choice, parallel_tool_calls), canonical. */
function toolFields(req: Pick<MessagesRequest, "tools" | "tool_choice">, into: JsonObject, u: Untranslatable): void {
  const tools = (req.tools ?? []).map((t, i) => toolOf(t, i, u)).filter((t): t is JsonObject => t !== undefined);
  if (tools.length) into["tools"] = tools;
  // Without tools, "auto" and "none" say nothing (and some upstreams refuse a tool_choice alone).
  const tc = req.tool_choice;
  if (tc && (tools.length || (tc.type !== "auto" && tc.type !== "none"))) Object.assign(into, toolChoiceOf(tc));
}

/**
 * The canonical chat request for a Messages API body; `ingress` goes into `usage_context`
 * so usage records say which API the call came in through. What it cannot carry is noted
 * in `u` and left out.
 *
 * @example
 *   toCanonical({ model: "claude", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }, "anthropic-messages", new Untranslatable())
 *   // { model: "claude", max_tokens: 64, messages: [{ role: "user", content: "Hi" }], usage_context: { ingress: "anthropic-messages" } }
 */
export function toCanonical(req: MessagesRequest, ingress: string, u: Untranslatable): ChatRequest {
  for (const [k, what] of Object.entries(UNSUPPORTED_FIELDS)) if (req[k] !== undefined) u.note(k, what);
  if (req.service_tier !== undefined && req.service_tier !== "auto") u.note("service_tier", `service tier '${req.service_tier}'`);
  if (req["speed"] !== undefined && req["speed"] !== null && req["speed"] !== "standard") u.note("speed", `speed '${String(req["speed"])}'`);
  const out: ChatRequest = { model: req.model, messages: canonicalMessages(req, u), max_tokens: req.max_tokens };
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.top_p = req.top_p;
  if (req.top_k !== undefined) out["top_k"] = req.top_k;
  if (req.stop_sequences?.length) out.stop = req.stop_sequences;
  toolFields(req, out, u);
  const thinking = req.thinking ? thinkingOf(req.thinking, u) : undefined;
  if (thinking) out["thinking"] = thinking;
  if (req.output_config) outputConfigOf(req.output_config, out, u);
  markLastMessage(out.messages, req["cache_control"]);
  const user = req.metadata?.user_id;
  if (typeof user === "string" && user) out["user"] = user;
  if (req.stream === true) {
    out.stream = true;
    // Anthropic streams always end with usage; so must the canonical stream this one is made from.
    out.stream_options = { include_usage: true };
  }
  out.usage_context = { ingress };
  return out;
}

/** The canonical request a `count_tokens` body stands for (what the model would be asked to read). */
export function countTokensCanonical(req: CountTokensRequest, u: Untranslatable): ChatRequest {
  const out: ChatRequest = { model: req.model, messages: canonicalMessages(req, u) };
  toolFields(req, out, u);
  return out;
}
