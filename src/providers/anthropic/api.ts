/**
 * The Anthropic Messages wire shapes the adapter reads, and small hand-written readers
 * for them. Hand-written rather than zod: stream events are read on the hot path, and a
 * reader that looks only at the fields the gateway uses costs next to nothing. Every
 * reader tolerates fields and block types it does not know (Anthropic adds them often):
 * an unknown block is kept as `{type}` and ignored downstream, never a crash.
 */

/** Usage as Anthropic reports it: `input_tokens` excludes both cache reads and cache writes. */
export interface AnthropicUsage {
  input_tokens?: number | undefined;
  output_tokens?: number | undefined;
  cache_creation_input_tokens?: number | undefined;
  cache_read_input_tokens?: number | undefined;
  /** Newer API versions: how many of `output_tokens` were spent thinking. */
  thinking_tokens?: number | undefined;
}

export type AnthropicBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "thinking"; thinking: string; signature: string | undefined }
  | { type: "redacted_thinking"; data: string }
  /** Server-tool results, citations-only blocks, anything newer: not translated. */
  | { type: "other"; wireType: string };

export interface AnthropicMessage {
  id: string | undefined;
  model: string | undefined;
  content: AnthropicBlock[];
  stopReason: string | undefined;
  usage: AnthropicUsage;
}

/** A JSON object as read from the wire. */
export type Obj = Record<string, unknown>;

/** Whether a value is a JSON object (not null, not a list). */
export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function str(o: Obj, k: string): string | undefined {
  const v = o[k];
  return typeof v === "string" ? v : undefined;
}

function num(o: Obj, k: string): number | undefined {
  const v = o[k];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The counters of a `usage` object (message, `message_start` or `message_delta`); absent or null counters stay undefined. */
export function readUsage(v: unknown): AnthropicUsage {
  if (!isObj(v)) return {};
  const details = v["output_tokens_details"];
  return {
    input_tokens: num(v, "input_tokens"),
    output_tokens: num(v, "output_tokens"),
    cache_creation_input_tokens: num(v, "cache_creation_input_tokens"),
    cache_read_input_tokens: num(v, "cache_read_input_tokens"),
    thinking_tokens: isObj(details) ? num(details, "thinking_tokens") : undefined,
  };
}

/** Cumulative counters: a later report replaces each counter it carries, never adds to it. */
export function mergeUsage(into: AnthropicUsage, later: AnthropicUsage): void {
  if (later.input_tokens !== undefined) into.input_tokens = later.input_tokens;
  if (later.output_tokens !== undefined) into.output_tokens = later.output_tokens;
  if (later.cache_creation_input_tokens !== undefined) into.cache_creation_input_tokens = later.cache_creation_input_tokens;
  if (later.cache_read_input_tokens !== undefined) into.cache_read_input_tokens = later.cache_read_input_tokens;
  if (later.thinking_tokens !== undefined) into.thinking_tokens = later.thinking_tokens;
}

/** One content block of a response (or of a `content_block_start` event). */
export function readBlock(v: unknown): AnthropicBlock {
  if (!isObj(v)) return { type: "other", wireType: "?" };
  const type = str(v, "type") ?? "?";
  switch (type) {
    case "text":
      return { type, text: str(v, "text") ?? "" };
    case "tool_use":
      return { type, id: str(v, "id") ?? "", name: str(v, "name") ?? "", input: v["input"] };
    case "thinking":
      return { type, thinking: str(v, "thinking") ?? "", signature: str(v, "signature") };
    case "redacted_thinking":
      return { type, data: str(v, "data") ?? "" };
    default:
      return { type: "other", wireType: type };
  }
}

/** A non-streamed reply; undefined when it is not a message at all. */
export function readMessage(v: Obj): AnthropicMessage | undefined {
  const content = v["content"];
  if (!Array.isArray(content)) return undefined;
  return {
    id: str(v, "id"),
    model: str(v, "model"),
    content: content.map(readBlock),
    stopReason: str(v, "stop_reason"),
    usage: readUsage(v["usage"]),
  };
}

/** The parts of a stream event the converter uses. */
export type StreamEvent =
  | { type: "message_start"; id: string | undefined; model: string | undefined; usage: AnthropicUsage }
  | { type: "content_block_start"; index: number; block: AnthropicBlock }
  | { type: "content_block_delta"; index: number; delta: Obj }
  | { type: "content_block_stop"; index: number }
  | { type: "message_delta"; stopReason: string | undefined; usage: AnthropicUsage }
  | { type: "message_stop" }
  | { type: "ping" }
  | { type: "error"; body: Obj }
  | { type: "unknown" };

/** Reads one event's parsed JSON; undefined when an event it knows lacks what it needs. */
export function readEvent(v: Obj): StreamEvent | undefined {
  const type = str(v, "type");
  switch (type) {
    case "message_start": {
      const m = v["message"];
      if (!isObj(m)) return undefined;
      return { type, id: str(m, "id"), model: str(m, "model"), usage: readUsage(m["usage"]) };
    }
    case "content_block_start": {
      const index = num(v, "index");
      return index === undefined ? undefined : { type, index, block: readBlock(v["content_block"]) };
    }
    case "content_block_delta": {
      const index = num(v, "index");
      const delta = v["delta"];
      return index === undefined || !isObj(delta) ? undefined : { type, index, delta };
    }
    case "content_block_stop": {
      const index = num(v, "index");
      return index === undefined ? undefined : { type, index };
    }
    case "message_delta": {
      const d = v["delta"];
      return { type, stopReason: isObj(d) ? str(d, "stop_reason") : undefined, usage: readUsage(v["usage"]) };
    }
    case "message_stop":
    case "ping":
      return { type };
    case "error":
      return { type, body: v };
    default:
      return { type: "unknown" };
  }
}
