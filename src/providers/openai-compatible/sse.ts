/**
 * Reads an OpenAI-style SSE body (`data: {json}` … `data: [DONE]`) into typed chunks,
 * parsed once with eventsource-parser. An `{"error": …}` event, or a body that ends
 * before `[DONE]` and before any choice finished, is an error — never a clean end.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { UpstreamResponse } from "./http.js";
import { scrub, upstreamMessage } from "./http.js";

export interface SseOptions {
  provider: string;
  secrets: readonly string[];
  signal: AbortSignal;
}

/** Yields the `data:` payloads of an SSE body as strings. */
async function* sseData(res: UpstreamResponse): AsyncGenerator<string> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => pending.push(e) });
  const decoder = new TextDecoder();
  for await (const buf of res.body) {
    parser.feed(decoder.decode(buf as Buffer, { stream: true }));
    for (let i = 0; i < pending.length; i++) yield (pending[i] as EventSourceMessage).data;
    pending.length = 0;
  }
}

function hasFinish(chunk: unknown): boolean {
  const choices = (chunk as { choices?: unknown }).choices;
  if (!Array.isArray(choices)) return false;
  return choices.some((c) => c && typeof c === "object" && (c as { finish_reason?: unknown }).finish_reason != null);
}

/**
 * Turns the upstream body into chunks. Stops cleanly at `[DONE]`; throws a GatewayError on
 * an upstream error event or a truncated stream. The upstream body is released whatever way
 * the consumer stops.
 */
export async function* openaiChunks<T>(res: UpstreamResponse, opts: SseOptions): AsyncGenerator<T> {
  let done = false;
  let finished = false;
  try {
    for await (const data of sseData(res)) {
      if (data === "[DONE]") {
        done = true;
        break;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received malformed stream data from ${opts.provider}.`);
      }
      if (!chunk || typeof chunk !== "object") continue;
      if ("error" in chunk && (chunk as { error: unknown }).error) {
        const msg = scrub(upstreamMessage(chunk) ?? "stream error", opts.secrets);
        throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received error from ${opts.provider} mid-stream: ${msg}`, {
          upstream: { provider: opts.provider, status: 200, body: chunk },
        });
      }
      if (!finished && hasFinish(chunk)) finished = true;
      yield chunk as T;
    }
    if (!done && !finished && !opts.signal.aborted) {
      throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `The stream from ${opts.provider} ended before it was complete.`);
    }
  } catch (err) {
    if (err instanceof GatewayError || opts.signal.aborted) throw err;
    throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `The stream from ${opts.provider} failed: ${err instanceof Error ? err.message : "unknown error"}.`);
  } finally {
    if (!res.body.destroyed) res.body.destroy();
  }
}
