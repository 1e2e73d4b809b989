/**
 * Server-sent events from a streaming query, read with `eventsource-parser` over fetch's
 * body stream: each `data:` line parsed as JSON, `[DONE]` ends it, an `error` object in
 * a chunk is raised as the gateway sent it.
 */
import { createParser } from "eventsource-parser";
import { ApiError, toApiError } from "./client";

/** Yields each JSON chunk of an SSE response body until `[DONE]` or the end of the body. */
export async function* sseChunks(res: Response): AsyncGenerator<unknown> {
  if (!res.body) return;
  const queue: string[] = [];
  const parser = createParser({ onEvent: (e) => queue.push(e.data) });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(value);
    while (queue.length) {
      const data = queue.shift() as string;
      if (data === "[DONE]") return;
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new ApiError(res.status, "BAD_STREAM", `The stream sent a line that is not JSON: ${data.slice(0, 200)}`, undefined, data);
      }
      if (typeof chunk === "object" && chunk !== null && "error" in chunk) throw toApiError(500, chunk, "The stream ended with an error.");
      yield chunk;
    }
  }
  throw new ApiError(res.status, "STREAM_TRUNCATED", "The stream ended before [DONE]: the answer may be incomplete.", undefined, undefined);
}
