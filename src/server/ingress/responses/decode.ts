/**
 * An OpenAI Responses request → the canonical chat request. `instructions` becomes the
 * system message; `input` items become messages in order — consecutive reasoning,
 * assistant message and `function_call` items merge into one assistant message (text,
 * reasoning blocks, tool calls), `function_call_output` items become `tool` messages.
 * Function tools, `tool_choice`, `text.format`, `reasoning.effort`, `max_output_tokens`
 * and the sampling fields map one to one.
 *
 * Stateless: `previous_response_id` and `conversation` are refused (nothing is stored),
 * `store` is answered as false. Built-in tools (web search, file search, code
 * interpreter, computer use, MCP…), file inputs and item references have no canonical
 * equivalent and are refused with a 400 that names them.
 */
import { errors } from "../../../gateway/errors.js";
import type { ChatMessage, ChatRequest, ContentPart, JsonObject, ToolCall } from "../../../gateway/types.js";
import { parseAt, unsupported } from "../parse.js";
import { ITEMS, PARTS, type Item, type ResponsesRequest } from "./api.js";
import { unsealed } from "./reasoning.js";

const UNSUPPORTED_FIELDS: Readonly<Record<string, string>> = {
  conversation: "stored conversations",
  background: "background responses",
  prompt: "stored prompt templates",
  top_logprobs: "log probabilities",
  max_tool_calls: "a built-in tool call limit",
};

type Path = Array<string | number>;

function fieldOf(path: Path): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

function partOf(raw: Item, at: Path, role: string): ContentPart {
  switch (raw.type) {
    case "input_text":
      return { type: "text", text: parseAt(PARTS.input_text, raw, at).text };
    case "output_text":
      return { type: "text", text: parseAt(PARTS.output_text, raw, at).text };
    case "input_image": {
      const p = parseAt(PARTS.input_image, raw, at);
      if (!p.image_url) throw unsupported(`${fieldOf(at)}.file_id`, "an image by file id");
      return { type: "image_url", image_url: p.detail ? { url: p.image_url, detail: p.detail } : { url: p.image_url } };
    }
    default:
      throw unsupported(`${fieldOf(at)}.type`, `a '${String(raw.type)}' part in a ${role} message`);
  }
}

function contentOf(c: string | Item[], at: Path, role: string): string | ContentPart[] {
  return typeof c === "string" ? c : c.map((p, j) => partOf(p, [...at, "content", j], role));
}

/** Builds the messages, merging each run of assistant-side items into one assistant message. */
class Conversation {
  readonly messages: ChatMessage[] = [];
  private assistant: ChatMessage | undefined;

  push(m: ChatMessage): void {
    this.assistant = undefined;
    this.messages.push(m);
  }

  /** The assistant message the current run adds to. */
  open(): ChatMessage {
    if (!this.assistant) {
      this.assistant = { role: "assistant", content: null };
      this.messages.push(this.assistant);
    }
    return this.assistant;
  }

  addParts(parts: ContentPart[]): void {
    const a = this.open();
    a.content = [...(Array.isArray(a.content) ? a.content : []), ...parts];
  }

  addCall(call: ToolCall): void {
    const a = this.open();
    a.tool_calls = [...(a.tool_calls ?? []), call];
  }
}

function addItem(conv: Conversation, raw: Item, i: number): void {
  const at: Path = ["input", i];
  const type = raw.type ?? "message";
  switch (type) {
    case "message": {
      const m = parseAt(ITEMS.message, raw, at);
      const content = contentOf(m.content, at, m.role);
      if (m.role === "assistant") conv.addParts(typeof content === "string" ? [{ type: "text", text: content }] : content);
      else conv.push({ role: m.role, content });
      return;
    }
    case "function_call": {
      const c = parseAt(ITEMS.function_call, raw, at);
      conv.addCall({ id: c.call_id, type: "function", function: { name: c.name, arguments: c.arguments } });
      return;
    }
    case "function_call_output": {
      const o = parseAt(ITEMS.function_call_output, raw, at);
      conv.push({ role: "tool", tool_call_id: o.call_id, content: contentOf(o.output, at, "tool") });
      return;
    }
    case "reasoning": {
      const r = parseAt(ITEMS.reasoning, raw, at);
      const texts = (r.summary ?? []).map((s) => s.text);
      if (texts.length === 0 && !r.encrypted_content) return; // an empty step says nothing
      conv.addParts([{ type: "reasoning", summary: unsealed(texts, r.encrypted_content) }]);
      return;
    }
    default:
      throw unsupported(`input[${i}].type`, `a '${type}' input item`);
  }
}

function toolOf(t: NonNullable<ResponsesRequest["tools"]>[number], i: number): JsonObject {
  if (t.type !== "function") throw unsupported(`tools[${i}].type`, `the built-in tool '${t.type}'`);
  if (!t.name) throw errors.invalidParameter(`tools[${i}].name`, `'tools[${i}].name' is required.`);
  const fn: JsonObject = { name: t.name, parameters: t.parameters ?? { type: "object", properties: {} } };
  if (t.description) fn["description"] = t.description;
  if (typeof t.strict === "boolean") fn["strict"] = t.strict;
  return { type: "function", function: fn };
}

function toolChoiceOf(tc: NonNullable<ResponsesRequest["tool_choice"]>): unknown {
  if (typeof tc === "string") return tc;
  if (tc.type === "function" && tc.name) return { type: "function", function: { name: tc.name } };
  throw unsupported("tool_choice.type", `tool choice '${tc.type}'`);
}

function formatOf(f: NonNullable<NonNullable<ResponsesRequest["text"]>["format"]>): JsonObject | undefined {
  switch (f.type) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      if (!f.schema) throw errors.invalidParameter("text.format.schema", "'text.format.schema' is required for a json_schema format.");
      return { type: "json_schema", json_schema: { name: f.name ?? "response", schema: f.schema, ...(typeof f.strict === "boolean" ? { strict: f.strict } : {}) } };
    default:
      throw unsupported("text.format.type", `output format '${f.type}'`);
  }
}

/**
 * The canonical chat request for a Responses body.
 *
 * @example
 *   toCanonical({ model: "ep", input: "Hi", max_output_tokens: 64 }, "openai-responses")
 *   // { model: "ep", messages: [{ role: "user", content: "Hi" }], max_tokens: 64, usage_context: { ingress: "openai-responses" } }
 */
export function toCanonical(req: ResponsesRequest, ingress: string): ChatRequest {
  if (req.previous_response_id) {
    throw errors.invalidParameter("previous_response_id", "'previous_response_id' is not supported: Tessera does not store responses. Send the whole conversation in 'input' (the output items of the last response, then the new input).");
  }
  for (const [k, what] of Object.entries(UNSUPPORTED_FIELDS)) if (req[k] !== undefined && req[k] !== null && req[k] !== false) throw unsupported(k, what);
  if (req.truncation && req.truncation !== "disabled") throw unsupported("truncation", `truncation '${req.truncation}'`);
  const conv = new Conversation();
  if (req.instructions) conv.push({ role: "system", content: req.instructions });
  if (typeof req.input === "string") conv.push({ role: "user", content: req.input });
  else req.input.forEach((item, i) => addItem(conv, item, i));
  if (conv.messages.length === 0) throw errors.invalidParameter("input", "'input' must hold at least one item.");
  const out: ChatRequest = { model: req.model, messages: conv.messages };
  if (req.max_output_tokens) out.max_tokens = req.max_output_tokens;
  if (typeof req.temperature === "number") out.temperature = req.temperature;
  if (typeof req.top_p === "number") out.top_p = req.top_p;
  if (req.tools?.length) out["tools"] = req.tools.map(toolOf);
  if (req.tool_choice !== undefined && (req.tools?.length || req.tool_choice === "required" || typeof req.tool_choice === "object")) out["tool_choice"] = toolChoiceOf(req.tool_choice);
  if (typeof req.parallel_tool_calls === "boolean" && req.tools?.length) out["parallel_tool_calls"] = req.parallel_tool_calls;
  const format = req.text?.format ? formatOf(req.text.format) : undefined;
  if (format) out["response_format"] = format;
  if (req.reasoning?.effort) out["reasoning_effort"] = req.reasoning.effort;
  if (req.user) out["user"] = req.user;
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  out.usage_context = { ingress };
  return out;
}
