/**
 * The one place chunks become bytes: `data: <json>\n\n` per chunk and `data: [DONE]\n\n`
 * at the end — nothing else on the wire (MLflow's client rejects `event:` lines and
 * comments). An error after the headers went out is sent as a last `data:` line holding the
 * error, without `[DONE]`, so no client mistakes it for a clean end.
 *
 * Writes are coalesced per turn of the event loop: the lines of all the chunks the stream
 * hands out without waiting (typically every chunk of one upstream read) go out in one
 * `write` at the end of that turn — never later, and never held back for more input. The
 * headers go out with the first write, or at the end of the turn if no chunk is ready by
 * then; so a stream the upstream sent in one piece costs one write.
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import type { GatewayError } from "../gateway/errors.js";
import type { JsonObject } from "../gateway/types.js";
import type { ChunkStream } from "../providers/provider.js";

const DONE = "data: [DONE]\n\n";
/** Pending text this long is written at once, so a source that never waits cannot pile up memory. */
const FLUSH_AT = 64 * 1024;

export interface SseWriteOptions {
  res: ServerResponse;
  headers: Record<string, string>;
  /** Sent as each chunk's wire text when the stream offers it (`WireTextSource` in providers/provider.ts), else serialised. */
  chunks: ChunkStream<unknown>;
  signal: AbortSignal;
  /** Renders a mid-stream error as the body of the last `data:` line. */
  renderError: (err: unknown) => { body: JsonObject; error: GatewayError | undefined };
  /** How chunks become SSE frames; default: `data:` lines ending in `data: [DONE]` (Chat Completions). */
  framing?: SseFraming;
}

/**
 * The SSE dialect of a route family. Chat Completions sends `data:` lines and `[DONE]`;
 * the native ingress formats (server/ingress/) send named events (`event: message_start`)
 * and no end marker.
 */
export interface SseFraming {
  /** The whole frame of one chunk, blank line included. */
  frame(chunk: unknown): string;
  /** The frame of a mid-stream error body. */
  error(body: JsonObject): string;
  /** Written after the last chunk of a clean end ("" for none). */
  end: string;
}

/** Writes the stream; resolves when it has ended, one way or another. */
export async function writeSse(o: SseWriteOptions): Promise<{ ok: boolean; error?: unknown }> {
  const res = o.res;
  const chunks = o.chunks;
  const framing = o.framing;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
    ...o.headers,
  });
  // The headers go out by the end of this turn, with the first chunks if they are ready by then.
  const headersNow = setImmediate(() => {
    if (!res.destroyed) res.flushHeaders();
  });
  /** SSE text not written yet. */
  let pending = "";
  let flushQueued = false;
  const flush = (): void => {
    flushQueued = false;
    if (pending === "" || res.destroyed) return;
    clearImmediate(headersNow); // they go with this write
    const text = pending;
    pending = "";
    res.write(text); // back-pressure: the loop below waits on `writableNeedDrain`
  };
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) break;
      pending += framing ? framing.frame(chunk) : `data: ${chunks.wireText?.(chunk) ?? JSON.stringify(chunk)}\n\n`;
      if (pending.length >= FLUSH_AT) {
        flush();
      } else if (!flushQueued) {
        flushQueued = true;
        // Runs once the promise jobs of this turn (the rest of this read's chunks) are done.
        process.nextTick(flush);
      }
      if (res.writableNeedDrain) await once(res, "drain", { signal: o.signal });
    }
    if (!res.destroyed) res.end(pending + (framing ? framing.end : DONE));
    return { ok: true };
  } catch (err) {
    if (o.signal.aborted || res.destroyed) {
      res.destroy();
      return { ok: false, error: err };
    }
    const body = o.renderError(err).body;
    res.end(pending + (framing ? framing.error(body) : `data: ${JSON.stringify(body)}\n\n`));
    return { ok: false, error: err };
  } finally {
    pending = "";
    clearImmediate(headersNow);
  }
}
