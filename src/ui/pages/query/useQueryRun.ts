/**
 * One query at a time from the panel: sends with `invoke()`, keeps the streamed answer as
 * it grows (and when the first token came), and ends in a result, an error or a stop.
 * A new send, Stop, or leaving the page aborts the request in flight.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { invoke, type CallResult } from "../../api/chat";
import type { JsonObject } from "../../api/types";

export interface Run {
  state: "running" | "done" | "error" | "stopped";
  stream: boolean;
  /** When it was sent (performance.now()), for the elapsed time while running. */
  started: number;
  text: string;
  reasoning: string;
  chunks: number;
  ttftMs?: number;
  latencyMs?: number;
  result?: CallResult;
  error?: unknown;
}

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

export function useQueryRun(endpoint: string) {
  const [run, setRun] = useState<Run | null>(null);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const send = useCallback(
    async (body: JsonObject) => {
      controller.current?.abort();
      const ac = new AbortController();
      controller.current = ac;
      const stream = body["stream"] === true;
      const started = performance.now();
      let chunks = 0;
      let ttftMs: number | undefined;
      setRun({ state: "running", stream, started, text: "", reasoning: "", chunks: 0 });
      // Only this send may update the panel: an aborted one must not overwrite the next.
      // Checked now, not when React runs the updater (by then `finally` has cleared it).
      const update = (f: (r: Run) => Run) => {
        if (controller.current === ac) setRun((r) => (r ? f(r) : r));
      };
      try {
        const result = await invoke(endpoint, body, {
          signal: ac.signal,
          onUpdate: (answer) => {
            chunks += 1;
            if (ttftMs === undefined && (answer.text || answer.reasoning || answer.toolCalls.length)) ttftMs = performance.now() - started;
            const { text, reasoning } = answer;
            update((r) => ({ ...r, text, reasoning, chunks, ...(ttftMs !== undefined ? { ttftMs } : {}) }));
          },
        });
        update((r) => ({
          ...r,
          state: "done",
          text: result.answer.text,
          reasoning: result.answer.reasoning,
          chunks,
          latencyMs: result.latencyMs,
          result,
          ...(result.ttftMs !== undefined ? { ttftMs: result.ttftMs } : {}),
        }));
      } catch (error) {
        const latencyMs = performance.now() - started;
        update((r) => (isAbort(error) ? { ...r, state: "stopped", latencyMs } : { ...r, state: "error", latencyMs, error }));
      } finally {
        if (controller.current === ac) controller.current = null;
      }
    },
    [endpoint],
  );

  const stop = useCallback(() => controller.current?.abort(), []);

  return { run, send, stop };
}
