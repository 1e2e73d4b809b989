/**
 * Cohere's v2 chat stream → canonical chat chunks.
 *
 * Cohere sends SSE events whose JSON carries its `type` (the `event:` name repeats it):
 * `message-start` (the id) → per content block `content-start` / `content-delta`
 * (`delta.message.content.text`, or `.thinking` for reasoning) / `content-end` →
 * `tool-plan-delta` → per tool call `tool-call-start` (id, name) / `tool-call-delta`
 * (argument pieces) / `tool-call-end` → `message-end` (`finish_reason`, `usage`, and
 * `error` when the generation failed). Some deployments add `data: [DONE]`.
 *
 * A stream is complete only with its `message-end`: a body that ends before it is
 * truncated and raises an error, and so does a `message-end` that reports a failure —
 * a failed stream never ends cleanly. Citations, debug events and the tool plan have no
 * OpenAI form and are skipped. Tool calls get OpenAI indexes 0, 1, 2… in the order they
 * start, whatever `index` Cohere gives them.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { ChatChunk } from "../../gateway/types.js";
import { ChunkFactory, newId, parseEventJson, reasoningDelta, sseMessages, ToolCallIndexes, type UpstreamResponse } from "../common/index.js";
import { deltaMessage, numOf, objOf, readToolCall, readUsage, strOf, type Obj } from "./api.js";
import { cohereUsage } from "./convert-response.js";
import { generationFailed, PROVIDER } from "./errors.js";
import { isFailedFinish, mapFinishReason } from "./map-finish-reason.js";

export interface CohereStreamOptions {
  model: string;
  signal: AbortSignal;
  secrets: readonly string[];
}

function unexpected(what: string): GatewayError {
  return new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received an unexpected stream event from ${PROVIDER}: ${what}.`);
}

/** The chunks of one streamed answer, read from the upstream body as it arrives. */
export async function* cohereChunks(res: UpstreamResponse, o: CohereStreamOptions): AsyncGenerator<ChatChunk, void, undefined> {
  let factory: ChunkFactory | undefined;
  const calls = new ToolCallIndexes<number>();
  let ended = false;
  // The first chunk waits for `message-start`, whose id names the whole answer.
  const start = function* (id?: string): Generator<ChatChunk, ChunkFactory> {
    if (!factory) {
      factory = new ChunkFactory(id ?? newId("chatcmpl-"), o.model);
      yield factory.delta({ role: "assistant", content: "" });
    }
    return factory;
  };
  for await (const msg of sseMessages(res, PROVIDER, o.signal)) {
    if (ended || msg.data.trim() === "[DONE]") continue;
    const event = parseEventJson(msg.data);
    if (!event) throw unexpected("not a JSON object");
    const type = strOf(event["type"]) ?? msg.event;
    if (type === "message-start") {
      yield* start(strOf(event["id"]) || undefined);
      continue;
    }
    const f = yield* start();
    switch (type) {
      case "content-start":
      case "content-delta": {
        const c = objOf(deltaMessage(event)["content"]) ?? {};
        const thinking = strOf(c["thinking"]);
        const text = strOf(c["text"]);
        if (thinking) yield f.delta({ content: reasoningDelta({ text: thinking }) });
        if (text) yield f.delta({ content: text });
        break;
      }
      case "tool-call-start": {
        const key = numOf(event["index"]) ?? calls.count;
        const call = readToolCall(deltaMessage(event)["tool_calls"]);
        const index = calls.start(key);
        yield f.delta({ tool_calls: [{ index, id: call.id ?? newId("call_"), type: "function", function: { name: call.name, arguments: "" } }] });
        if (call.arguments) yield f.delta({ tool_calls: [{ index, function: { arguments: call.arguments } }] });
        break;
      }
      case "tool-call-delta": {
        const key = numOf(event["index"]);
        const index = key === undefined ? undefined : calls.of(key);
        if (index === undefined) throw unexpected("tool-call arguments for a call that never started");
        const piece = readToolCall(deltaMessage(event)["tool_calls"]).arguments;
        if (piece) yield f.delta({ tool_calls: [{ index, function: { arguments: piece } }] });
        break;
      }
      case "message-end": {
        const delta: Obj = objOf(event["delta"]) ?? {};
        const finish = strOf(delta["finish_reason"]);
        const error = strOf(delta["error"]);
        if (error || isFailedFinish(finish)) throw generationFailed(error, o.secrets);
        yield f.delta({}, mapFinishReason(finish));
        yield f.usage(cohereUsage(readUsage(delta["usage"])));
        // Read on to the end of the body (at most a `[DONE]`) so the connection is reused.
        ended = true;
        break;
      }
      default:
        // content-end, tool-plan-delta, tool-call-end, citation-start/-end, debug, and
        // event types added later: nothing a client of the OpenAI format can use.
        break;
    }
  }
  if (!ended) throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Cohere stream ended before it was complete.");
}
