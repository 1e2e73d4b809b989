/**
 * A `MockReply` in Anthropic's wire format: the message JSON, the stream's SSE events,
 * and the error body. Token counts are converted to Anthropic's own: `input_tokens`
 * excludes cache reads and writes, which have counters of their own.
 */
import { DEFAULT_USAGE, finishOf, splitPieces, type MockError, type MockFinish, type MockReply } from "../scenario.js";

export type Json = Record<string, unknown>;

/** One SSE event: its name and JSON data. */
export interface WireEvent {
  event: string;
  data: Json;
}

const STOP_REASON: Record<MockFinish, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

/** The `stop_reason` a reply ends with: `rawFinish` as given, else the mapped finish. */
export function stopReasonOf(r: MockReply): string {
  return r.rawFinish ?? STOP_REASON[finishOf(r)];
}

/** Anthropic's usage object for a reply. */
export function usageOf(r: MockReply): Json {
  const u = r.usage ?? DEFAULT_USAGE;
  const cached = u.cached ?? 0;
  const write = u.cacheWrite ?? 0;
  return {
    input_tokens: u.prompt - cached - write,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: cached,
    output_tokens: u.completion,
    ...(u.reasoning !== undefined ? { output_tokens_details: { thinking_tokens: u.reasoning } } : {}),
    service_tier: "standard",
  };
}

/** The content blocks of a reply, in Anthropic's order: thinking, text, tool calls. */
export function contentOf(r: MockReply): Json[] {
  const blocks: Json[] = [];
  for (const t of r.reasoning ?? []) {
    blocks.push("redacted" in t ? { type: "redacted_thinking", data: t.redacted } : { type: "thinking", thinking: t.text, signature: t.signature });
  }
  if (r.text) blocks.push({ type: "text", text: r.text, citations: null });
  for (const c of r.toolCalls ?? []) blocks.push({ type: "tool_use", id: c.id, name: c.name, input: c.arguments });
  return blocks;
}

/** The non-streamed message for a reply. */
export function messageOf(r: MockReply, id: string, model: string): Json {
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: contentOf(r),
    stop_reason: stopReasonOf(r),
    stop_sequence: null,
    usage: usageOf(r),
  };
}

/** The error type Anthropic uses for a status, unless the test named one. */
export function errorTypeOf(e: MockError): string {
  if (e.type) return e.type;
  switch (e.status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    // Anthropic's "try again later" is 529 overloaded_error; a 503 says the same.
    case 503:
    case 529:
      return "overloaded_error";
    default:
      return "api_error";
  }
}

/** Anthropic's error body. */
export function errorBody(type: string, message: string, requestId: string): Json {
  return { type: "error", error: { type, message }, request_id: requestId };
}

/** The events of one block (start, deltas, stop); `contentAt` lists the positions of content-carrying events. */
function blockEvents(block: Json, index: number, pieces: number, out: WireEvent[], contentAt: number[]): void {
  const push = (data: Json, content = false): void => {
    if (content) contentAt.push(out.length);
    out.push({ event: String(data["type"]), data });
  };
  const delta = (d: Json): void => push({ type: "content_block_delta", index, delta: d }, true);
  switch (block["type"]) {
    case "thinking":
      push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
      for (const p of splitPieces(String(block["thinking"]), pieces)) delta({ type: "thinking_delta", thinking: p });
      delta({ type: "signature_delta", signature: block["signature"] });
      break;
    case "redacted_thinking":
      push({ type: "content_block_start", index, content_block: block }, true);
      break;
    case "text":
      push({ type: "content_block_start", index, content_block: { type: "text", text: "", citations: null } });
      for (const p of splitPieces(String(block["text"]), pieces)) delta({ type: "text_delta", text: p });
      break;
    case "tool_use":
      push({ type: "content_block_start", index, content_block: { type: "tool_use", id: block["id"], name: block["name"], input: {} } });
      // Like the API, every tool input opens with an empty piece.
      delta({ type: "input_json_delta", partial_json: "" });
      for (const p of splitPieces(JSON.stringify(block["input"]), pieces)) delta({ type: "input_json_delta", partial_json: p });
      break;
  }
  push({ type: "content_block_stop", index });
}

/**
 * The stream of a reply, and where to cut it for `midStreamError` / `truncate`: right
 * after the first event that carries content (or before `message_delta` when none does).
 */
export function streamOf(r: MockReply, id: string, model: string): { events: WireEvent[]; cutAfter: number } {
  const usage = usageOf(r);
  const events: WireEvent[] = [];
  const contentAt: number[] = [];
  // message_start reports the prompt counters and a first output count; message_delta the totals.
  const { output_tokens_details: _details, ...startUsage }: Json = { ...usage, output_tokens: Math.min(1, Number(usage["output_tokens"])) };
  events.push({
    event: "message_start",
    data: { type: "message_start", message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: startUsage } },
  });
  events.push({ event: "ping", data: { type: "ping" } });
  contentOf(r).forEach((b, i) => {
    blockEvents(b, i, r.pieces ?? 3, events, contentAt);
    if (i === 0) events.push({ event: "ping", data: { type: "ping" } });
  });
  const cutAfter = contentAt[0] ?? events.length - 1;
  events.push({ event: "message_delta", data: { type: "message_delta", delta: { stop_reason: stopReasonOf(r), stop_sequence: null }, usage } });
  events.push({ event: "message_stop", data: { type: "message_stop" } });
  return { events, cutAfter };
}

/** One SSE frame as Anthropic writes it. */
export function sseFrame(e: WireEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}
