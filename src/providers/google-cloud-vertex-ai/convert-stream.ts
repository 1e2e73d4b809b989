/**
 * Vertex AI's `streamGenerateContent?alt=sse` → OpenAI chat chunks.
 *
 * Each SSE message is `data: <GenerateContentResponse>` (no event names, no `[DONE]`); the
 * parts in it are deltas. Text and thought pieces are forwarded as they come; a function
 * call arrives whole in one chunk, so its start and its complete arguments follow each
 * other. Each candidate is a choice with its index; the answer is complete once every
 * candidate has a `finishReason` (or the prompt was blocked): a body that ends before is
 * truncated and reported as an error. Usage is the last `usageMetadata` seen. An error
 * inside the stream arrives as `data: {"error":{…}}` and is thrown with its status.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { ChatChunk } from "../../gateway/types.js";
import { reasoningDelta } from "../common/content.js";
import { ChunkFactory, ToolCallIndexes } from "../common/chunks.js";
import { upstreamError } from "../common/http.js";
import type { SseMessage } from "../common/sse-events.js";
import { readGenerateContentResponse, type GeminiCandidate, type GeminiUsage } from "./api.js";
import { toolCallIdOf, usageFrom } from "./convert-response.js";
import { googleErrorOf, PROVIDER_NAME, streamErrorStatus, vertexErrors } from "./errors.js";
import { mapFinishReason } from "./map-finish-reason.js";

interface ChoiceState {
  calls: ToolCallIndexes<number>;
  finished: boolean;
}

function parseChunk(data: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received a stream chunk from ${PROVIDER_NAME} that is not JSON.`);
  }
  const err = googleErrorOf(value);
  if (err) throw upstreamError(PROVIDER_NAME, { status: streamErrorStatus(err), body: value, headers: {} }, vertexErrors);
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received an unexpected stream chunk from ${PROVIDER_NAME}.`);
  }
  return value as Record<string, unknown>;
}

function* candidateChunks(c: GeminiCandidate, state: ChoiceState, factory: ChunkFactory): Generator<ChatChunk> {
  const i = c.index;
  for (const p of c.parts) {
    if (p.kind === "functionCall") {
      const at = state.calls.start(state.calls.count);
      const id = toolCallIdOf(p.id, p.signature);
      yield factory.delta({ tool_calls: [{ index: at, id, type: "function", function: { name: p.name, arguments: "" } }] }, null, i);
      yield factory.delta({ tool_calls: [{ index: at, function: { arguments: JSON.stringify(p.args) } }] }, null, i);
      continue;
    }
    if (p.kind === "text" && p.text) {
      yield factory.delta({ content: p.thought ? reasoningDelta({ text: p.text }) : p.text }, null, i);
    }
    if (p.signature) yield factory.delta({ content: reasoningDelta({ text: "", signature: p.signature }) }, null, i);
  }
  if (c.finishReason !== undefined && !state.finished) {
    state.finished = true;
    yield factory.delta({}, mapFinishReason(c.finishReason, state.calls.count > 0), i);
  }
}

/** The chat chunks of one streamed answer with `candidates` choices. */
export async function* convertStream(messages: AsyncIterable<SseMessage>, factory: ChunkFactory, candidates: number): AsyncGenerator<ChatChunk, void, undefined> {
  const states = new Map<number, ChoiceState>();
  const stateOf = (i: number): ChoiceState => {
    let s = states.get(i);
    if (!s) {
      s = { calls: new ToolCallIndexes<number>(), finished: false };
      states.set(i, s);
    }
    return s;
  };
  for (let i = 0; i < candidates; i++) {
    stateOf(i);
    yield factory.delta({ role: "assistant", content: "" }, null, i);
  }
  let usage: GeminiUsage | undefined;
  let blocked = false;
  for await (const m of messages) {
    if (!m.data.trim()) continue;
    const r = readGenerateContentResponse(parseChunk(m.data));
    if (r.usage) usage = r.usage;
    if (r.blockReason) blocked = true;
    for (const c of r.candidates) yield* candidateChunks(c, stateOf(c.index), factory);
  }
  for (const [i, s] of states) {
    if (s.finished) continue;
    if (!blocked) throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `${PROVIDER_NAME} stream ended before it was complete.`);
    yield factory.delta({}, "content_filter", i);
  }
  yield factory.usage(usageFrom(usage));
}
