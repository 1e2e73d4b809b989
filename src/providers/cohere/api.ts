/**
 * The parts of Cohere's v2 wire format the adapter reads, with readers that check them.
 * Cohere answers in snake_case (`finish_reason`, `tool_calls`, `billed_units`); a field
 * that is missing or of the wrong type reads as absent, and the converters decide whether
 * that is a fault (e.g. a chat reply without `message`) or a safe default.
 */

export type Obj = Record<string, unknown>;

/** The value as a plain object, or undefined. */
export function objOf(v: unknown): Obj | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The value as a list (anything else reads as empty). */
export function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function strOf(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function numOf(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** One tool call of an answer: `{id, type:"function", function:{name, arguments}}`. */
export interface CohereToolCall {
  id: string | undefined;
  name: string;
  /** The arguments as the JSON text Cohere sent. */
  arguments: string;
}

export function readToolCall(v: unknown): CohereToolCall {
  const o = objOf(v) ?? {};
  const fn = objOf(o["function"]) ?? {};
  return { id: strOf(o["id"]) || undefined, name: strOf(fn["name"]) ?? "", arguments: strOf(fn["arguments"]) ?? "" };
}

/** Cohere's token counters: `usage` of a chat answer, `meta` of an embed answer. */
export interface CohereUsage {
  input: number;
  output: number;
  /** Prompt tokens served from Cohere's cache, when reported. */
  cached: number | undefined;
}

/**
 * Reads `{billed_units:{input_tokens, output_tokens}, tokens:{…}, cached_tokens}`.
 * `tokens` counts everything the model read and wrote (the prompt template included);
 * `billed_units` only what is invoiced. The gateway reports model tokens, so `tokens`
 * wins wherever it has a value and `billed_units` fills the gaps.
 */
export function readUsage(v: unknown): CohereUsage {
  const u = objOf(v) ?? {};
  const tokens = objOf(u["tokens"]) ?? {};
  const billed = objOf(u["billed_units"]) ?? {};
  return {
    input: numOf(tokens["input_tokens"]) ?? numOf(billed["input_tokens"]) ?? 0,
    output: numOf(tokens["output_tokens"]) ?? numOf(billed["output_tokens"]) ?? 0,
    cached: numOf(u["cached_tokens"]),
  };
}

/** One item of an answer's `message.content`. Unknown item types read as `other`. */
export type CohereContentItem = { type: "text"; text: string } | { type: "thinking"; thinking: string } | { type: "other" };

export function readContentItem(v: unknown): CohereContentItem {
  const o = objOf(v) ?? {};
  if (o["type"] === "text") return { type: "text", text: strOf(o["text"]) ?? "" };
  if (o["type"] === "thinking") return { type: "thinking", thinking: strOf(o["thinking"]) ?? "" };
  return { type: "other" };
}

/** A non-streamed chat answer (`POST /v2/chat`). */
export interface CohereChatResponse {
  id: string | undefined;
  finishReason: string | undefined;
  content: CohereContentItem[];
  toolCalls: CohereToolCall[];
  usage: CohereUsage;
}

/** Reads a chat answer; undefined when it has no `message` object (not a chat answer at all). */
export function readChatResponse(body: Obj): CohereChatResponse | undefined {
  const message = objOf(body["message"]);
  if (!message) return undefined;
  const content = message["content"];
  return {
    id: strOf(body["id"]) || undefined,
    finishReason: strOf(body["finish_reason"]),
    // The API documents a list; a bare string is read as one text item rather than lost.
    content: typeof content === "string" ? [{ type: "text", text: content }] : listOf(content).map(readContentItem),
    toolCalls: listOf(message["tool_calls"]).map(readToolCall),
    usage: readUsage(body["usage"]),
  };
}

/** The `delta.message` of a stream event, where most of them carry their payload. */
export function deltaMessage(event: Obj): Obj {
  return objOf(objOf(event["delta"])?.["message"]) ?? {};
}
