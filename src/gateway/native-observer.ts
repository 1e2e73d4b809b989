/**
 * Watches a pass-through stream (a provider's own events, see providers/provider.ts
 * `NativeApi`) on its way to the client without changing it, and reports once how it
 * ended with the usage its events carried — what observeStream does for chunk streams.
 */
import type { NativeEvent, NativeEventStream } from "../providers/provider.js";
import type { Usage } from "./types.js";

export interface NativeEnd {
  outcome: "ok" | "error" | "aborted";
  error?: unknown;
  usage: Usage | undefined;
}

export function observeNative(events: NativeEventStream, onEnd: (end: NativeEnd) => void): AsyncIterable<NativeEvent> {
  let ended = false;
  const end = (outcome: NativeEnd["outcome"], error?: unknown) => {
    if (ended) return;
    ended = true;
    try {
      onEnd({ outcome, error, usage: events.usage() });
    } catch {
      /* a failing record never breaks the stream */
    }
  };
  async function* watched(): AsyncGenerator<NativeEvent, void, undefined> {
    let finished = false;
    try {
      for await (const e of events) yield e;
      finished = true;
      end("ok");
    } catch (err) {
      finished = true;
      end("error", err);
      throw err;
    } finally {
      // Left early: the client stopped reading.
      if (!finished) end("aborted");
    }
  }
  return watched();
}
