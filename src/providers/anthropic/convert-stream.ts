/**
 * Anthropic stream events → OpenAI chat chunks.
 *
 * Anthropic streams content blocks, each addressed by its position in the message
 * (`index`), which counts text and thinking blocks too; OpenAI numbers tool calls 0, 1, 2…
 * So each `tool_use` block gets its own OpenAI index when it starts (ToolCallIndexes keyed
 * by the block index), and every `input_json_delta` of that block carries it.
 *
 * Usage arrives twice: `message_start` has the prompt counters, `message_delta` the
 * final output count (and, from newer API versions, the prompt counters again). Both are
 * cumulative totals, so later values replace earlier ones. The finish and usage chunks go
 * out at `message_stop`, the event that says the message is complete; a body that ends
 * without it was cut off, and is reported as an error rather than ended cleanly.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { ChatChunk } from "../../gateway/types.js";
import { ChunkFactory, newId, ToolCallIndexes } from "../common/chunks.js";
import { reasoningDelta } from "../common/content.js";
import { scrub, upstreamError } from "../common/http.js";
import { parseEventJson, type SseMessage } from "../common/sse-events.js";
import { readEvent, mergeUsage, type AnthropicBlock, type AnthropicUsage, type Obj } from "./api.js";
import { usageFromAnthropic } from "./convert-response.js";
import { anthropicErrors, errorTypeOf, statusOfErrorType } from "./errors.js";
import { mapFinishReason } from "./map-finish-reason.js";

export interface StreamOptions {
  /** The model to report when the stream names none. */
  model: string;
  /** Credential values, scrubbed from an in-stream error before it reaches the client. */
  secrets: readonly string[];
}

const unexpected = (): GatewayError => new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Received an unexpected stream event from Anthropic.");

/**
 * The error an `event: error` carries, with the status its error type stands for.
 * Only error text is scrubbed of credentials: the model's own output is never rewritten.
 */
function streamError(data: string, secrets: readonly string[]): GatewayError {
  const text = scrub(data, secrets);
  const body: unknown = parseEventJson(text) ?? text;
  return upstreamError("anthropic", { status: statusOfErrorType(errorTypeOf(body)), body, headers: {} }, anthropicErrors);
}

/** The chunks that start a content block, if it has anything to say yet. */
function blockStart(f: ChunkFactory, index: number, block: AnthropicBlock, tools: ToolCallIndexes<number>): ChatChunk[] {
  switch (block.type) {
    case "text":
      return block.text ? [f.delta({ content: block.text })] : [];
    case "tool_use": {
      const i = tools.start(index);
      return [f.delta({ tool_calls: [{ index: i, id: block.id || newId("call_"), type: "function", function: { name: block.name, arguments: "" } }] })];
    }
    case "thinking": {
      const out: ChatChunk[] = [];
      if (block.thinking) out.push(f.delta({ content: reasoningDelta({ text: block.thinking }) }));
      if (block.signature) out.push(f.delta({ content: reasoningDelta({ text: "", signature: block.signature }) }));
      return out;
    }
    case "redacted_thinking":
      return [f.delta({ content: reasoningDelta({ encrypted: block.data }) })];
    case "other":
      return [];
  }
}

/** The chunk for one `content_block_delta`, or undefined when it adds nothing. */
function blockDelta(f: ChunkFactory, index: number, delta: Obj, tools: ToolCallIndexes<number>): ChatChunk | undefined {
  switch (delta["type"]) {
    case "text_delta": {
      const text = delta["text"];
      return typeof text === "string" && text ? f.delta({ content: text }) : undefined;
    }
    case "input_json_delta": {
      const piece = delta["partial_json"];
      const i = tools.of(index);
      // Anthropic opens every tool input with an empty piece; it adds nothing. Input of a
      // block that did not start as a tool call (a server tool) is not ours to forward.
      if (typeof piece !== "string" || piece === "" || i === undefined) return undefined;
      return f.delta({ tool_calls: [{ index: i, function: { arguments: piece } }] });
    }
    case "thinking_delta": {
      const text = delta["thinking"];
      return typeof text === "string" && text ? f.delta({ content: reasoningDelta({ text }) }) : undefined;
    }
    case "signature_delta": {
      const signature = delta["signature"];
      return typeof signature === "string" ? f.delta({ content: reasoningDelta({ text: "", signature }) }) : undefined;
    }
    default:
      // citations_delta and newer kinds have no OpenAI counterpart.
      return undefined;
  }
}

/**
 * The chat chunks of an Anthropic stream: a role chunk, content/reasoning/tool-call
 * deltas, a finish chunk, then a usage chunk (no choices). Throws a `GatewayError` on an
 * `event: error` or when the stream ends before `message_stop`.
 *
 * @example
 *   for await (const chunk of anthropicChunks(sseMessages(res, "anthropic", signal), { model, secrets })) …
 */
export async function* anthropicChunks(events: AsyncIterable<SseMessage>, opts: StreamOptions): AsyncGenerator<ChatChunk, void, undefined> {
  let f: ChunkFactory | undefined;
  const tools = new ToolCallIndexes<number>();
  const usage: AnthropicUsage = {};
  let stopReason: string | undefined;
  let complete = false;
  for await (const m of events) {
    // After message_stop the rest of the body is read (not cut), so the connection can
    // go back to the pool; nothing in it matters any more.
    if (complete || m.event === "ping") continue;
    if (m.event === "error") throw streamError(m.data, opts.secrets);
    const json = parseEventJson(m.data);
    const ev = json ? readEvent(json) : undefined;
    if (!ev) throw unexpected();
    if (ev.type === "error") throw streamError(m.data, opts.secrets);
    // Events that say nothing to the client (and must not open the stream before message_start names it).
    if (ev.type === "ping" || ev.type === "unknown" || ev.type === "content_block_stop") continue;
    if (!f) {
      f = ev.type === "message_start" ? new ChunkFactory(ev.id ?? newId("chatcmpl-"), ev.model ?? opts.model) : new ChunkFactory(newId("chatcmpl-"), opts.model);
      yield f.delta({ role: "assistant", content: "" });
    }
    switch (ev.type) {
      case "message_start":
        mergeUsage(usage, ev.usage);
        break;
      case "content_block_start":
        yield* blockStart(f, ev.index, ev.block, tools);
        break;
      case "content_block_delta": {
        const chunk = blockDelta(f, ev.index, ev.delta, tools);
        if (chunk) yield chunk;
        break;
      }
      case "message_delta":
        stopReason = ev.stopReason ?? stopReason;
        mergeUsage(usage, ev.usage);
        break;
      case "message_stop":
        complete = true;
        yield f.delta({}, mapFinishReason(stopReason));
        yield f.usage(usageFromAnthropic(usage));
        break;
    }
  }
  if (!complete) throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Anthropic stream ended before it was complete.");
}
