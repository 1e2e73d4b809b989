/**
 * Canonical chat chunks → the Anthropic Messages event sequence, the mirror of
 * providers/anthropic/convert-stream.ts:
 *
 *   message_start, ping,
 *   (content_block_start, content_block_delta…, content_block_stop)… ,
 *   message_delta (stop_reason, cumulative usage), message_stop
 *
 * A block is opened when content of a new kind starts (text, thinking, a tool call) and
 * closed when the next one opens, so blocks never overlap and their `index` counts every
 * block, as Anthropic's does. Reasoning arrives as reasoning content blocks: visible
 * thinking → a `thinking` block (`thinking_delta`, then `signature_delta`), encrypted
 * reasoning → a whole `redacted_thinking` block. The canonical stream reports usage only
 * at its end, so `message_start` carries the gateway's estimate of the prompt and
 * `message_delta` the counts (the SDKs overwrite `input_tokens` with it). A failure of the
 * canonical stream is thrown on; the edge writes it as an `event: error`.
 *
 * Hand-written rather than schema-driven: this runs for every chunk of every stream.
 */
import type { ChatChunk, JsonObject, Usage } from "../../../gateway/types.js";
import type { SseFraming } from "../../sse.js";
import { messageIdOf, stopReasonOf, usageToAnthropic } from "./encode.js";

export interface StreamStart {
  /** The model to echo (the endpoint name the client sent). */
  model: string;
  /** Prompt tokens as estimated before the call, for `message_start`. */
  inputEstimate: number;
}

/** Named-event SSE, as Anthropic streams: `event: <type>` then `data: <json>`; no end marker. */
export const anthropicFraming: SseFraming = {
  frame(chunk) {
    const type = (chunk as JsonObject)["type"];
    return `event: ${String(type)}\ndata: ${JSON.stringify(chunk)}\n\n`;
  },
  error: (body) => `event: error\ndata: ${JSON.stringify(body)}\n\n`,
  end: "",
};

type Kind = "text" | "thinking" | "tool";

/** The state of one stream's blocks: which is open, and the block index of each tool call. */
class Blocks {
  private next = 0;
  open: { kind: Kind; index: number; signed: boolean } | undefined;
  readonly tools = new Map<number, number>();

  /** Closes the open block (if any) and opens one; the events that does. */
  start(kind: Kind, block: JsonObject, out: JsonObject[]): number {
    this.close(out);
    const index = this.next++;
    this.open = { kind, index, signed: false };
    out.push({ type: "content_block_start", index, content_block: block });
    return index;
  }

  close(out: JsonObject[]): void {
    if (!this.open) return;
    out.push({ type: "content_block_stop", index: this.open.index });
    this.open = undefined;
  }

  /** A block that opens and closes at once (redacted thinking). */
  whole(block: JsonObject, out: JsonObject[]): void {
    const index = this.start("thinking", block, out);
    out.push({ type: "content_block_stop", index });
    this.open = undefined;
  }
}

function delta(index: number, d: JsonObject): JsonObject {
  return { type: "content_block_delta", index, delta: d };
}

function text(b: Blocks, t: string, out: JsonObject[]): void {
  if (!t) return;
  const index = b.open?.kind === "text" ? b.open.index : b.start("text", { type: "text", text: "" }, out);
  out.push(delta(index, { type: "text_delta", text: t }));
}

function reasoning(b: Blocks, item: JsonObject, out: JsonObject[]): void {
  if (item["type"] === "summary_encrypted_text" && typeof item["data"] === "string") {
    b.whole({ type: "redacted_thinking", data: item["data"] }, out);
    return;
  }
  const t = typeof item["text"] === "string" ? item["text"] : "";
  const sig = typeof item["signature"] === "string" ? item["signature"] : undefined;
  // A new thinking block when none is open, or the open one is already signed (it ended).
  const fresh = () => b.start("thinking", { type: "thinking", thinking: "", signature: "" }, out);
  if (t) {
    const index = b.open?.kind === "thinking" && !b.open.signed ? b.open.index : fresh();
    out.push(delta(index, { type: "thinking_delta", thinking: t }));
  }
  if (sig !== undefined) {
    const index = b.open?.kind === "thinking" && !b.open.signed ? b.open.index : fresh();
    out.push(delta(index, { type: "signature_delta", signature: sig }));
    if (b.open) b.open.signed = true;
  }
}

function content(b: Blocks, c: unknown, out: JsonObject[]): void {
  if (typeof c === "string") return text(b, c, out);
  if (!Array.isArray(c)) return;
  for (const part of c as JsonObject[]) {
    if (part["type"] === "text" && typeof part["text"] === "string") text(b, part["text"], out);
    else if (part["type"] === "reasoning" && Array.isArray(part["summary"])) for (const s of part["summary"] as JsonObject[]) reasoning(b, s, out);
  }
}

function toolCalls(b: Blocks, calls: unknown, out: JsonObject[]): void {
  if (!Array.isArray(calls)) return;
  for (const call of calls as JsonObject[]) {
    const i = typeof call["index"] === "number" ? call["index"] : 0;
    const fn = (call["function"] ?? {}) as JsonObject;
    let index = b.tools.get(i);
    if (index === undefined) {
      index = b.start("tool", { type: "tool_use", id: typeof call["id"] === "string" ? call["id"] : `toolu_${i}`, name: typeof fn["name"] === "string" ? fn["name"] : "", input: {} }, out);
      b.tools.set(i, index);
    }
    const args = fn["arguments"];
    if (typeof args === "string" && args) out.push(delta(index, { type: "input_json_delta", partial_json: args }));
  }
}

function messageStart(id: string, o: StreamStart): JsonObject {
  return {
    type: "message_start",
    message: {
      id: messageIdOf(id),
      type: "message",
      role: "assistant",
      model: o.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: o.inputEstimate, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  };
}

/**
 * The Anthropic events of a canonical stream.
 *
 * @example
 *   for await (const ev of anthropicEvents(chunks, { model: "my-endpoint", inputEstimate: 12 })) … // ev.type === "message_start", …
 */
export async function* anthropicEvents(chunks: AsyncIterable<ChatChunk>, o: StreamStart): AsyncGenerator<JsonObject, void, undefined> {
  const b = new Blocks();
  let started = false;
  let finish: string | null = null;
  let usage: Usage | undefined;
  for await (const chunk of chunks) {
    const out: JsonObject[] = [];
    if (!started) {
      started = true;
      out.push(messageStart(chunk.id, o), { type: "ping" });
    }
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const d = choice.delta;
      content(b, d.content, out);
      toolCalls(b, d.tool_calls, out);
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    yield* out;
  }
  const out: JsonObject[] = [];
  if (!started) out.push(messageStart(`gen_${Date.now()}`, o), { type: "ping" });
  b.close(out);
  out.push({ type: "message_delta", delta: { stop_reason: stopReasonOf(finish), stop_sequence: null }, usage: usageToAnthropic(usage) });
  out.push({ type: "message_stop" });
  yield* out;
}
