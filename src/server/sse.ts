/**
 * The one place chunks become bytes: `data: <json>\n\n` per chunk and `data: [DONE]\n\n`
 * at the end — nothing else on the wire (MLflow's client rejects `event:` lines and
 * comments). An error after the headers went out is sent as a last `data:` line holding the
 * error, without `[DONE]`, so no client mistakes it for a clean end.
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import type { GatewayError } from "../gateway/errors.js";
import type { JsonObject } from "../gateway/types.js";

const DONE = "data: [DONE]\n\n";

export interface SseWriteOptions {
  res: ServerResponse;
  headers: Record<string, string>;
  chunks: AsyncIterable<unknown>;
  signal: AbortSignal;
  /** Renders a mid-stream error as the body of the last `data:` line. */
  renderError: (err: unknown) => { body: JsonObject; error: GatewayError | undefined };
}

/** Writes the stream; resolves when it has ended, one way or another. */
export async function writeSse(o: SseWriteOptions): Promise<{ ok: boolean; error?: unknown }> {
  const res = o.res;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
    ...o.headers,
  });
  res.flushHeaders();
  try {
    for await (const chunk of o.chunks) {
      if (res.destroyed) break;
      if (!res.write(`data: ${JSON.stringify(chunk)}\n\n`)) await once(res, "drain", { signal: o.signal });
    }
    if (!res.destroyed) res.end(DONE);
    return { ok: true };
  } catch (err) {
    if (o.signal.aborted || res.destroyed) {
      res.destroy();
      return { ok: false, error: err };
    }
    res.end(`data: ${JSON.stringify(o.renderError(err).body)}\n\n`);
    return { ok: false, error: err };
  }
}
