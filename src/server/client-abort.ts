/**
 * The cancellation of one client request's upstream work: its signal aborts when the
 * response closes before it was written in full (the client went away), and `onAbort`
 * tells listeners of that same moment without adding a listener to the signal
 * (`CallContext.onAbort` in providers/provider.ts says why).
 */
import type { ServerResponse } from "node:http";
import type { CallContext } from "../providers/provider.js";

const NOTHING = (): void => {};

export function clientAbort(res: ServerResponse): Required<Pick<CallContext, "signal" | "onAbort">> {
  const ac = new AbortController();
  let listeners: (() => void)[] | undefined;
  res.once("close", () => {
    if (res.writableFinished) return;
    // The signal aborts first (its own listeners run), then the onAbort listeners, in order.
    ac.abort();
    const fns = listeners;
    listeners = undefined;
    if (fns) for (const fn of fns) fn();
  });
  const onAbort = (fn: () => void): (() => void) => {
    if (ac.signal.aborted) {
      queueMicrotask(fn);
      return NOTHING;
    }
    (listeners ??= []).push(fn);
    return () => {
      if (!listeners) return;
      const i = listeners.indexOf(fn);
      if (i >= 0) listeners.splice(i, 1);
    };
  };
  return { signal: ac.signal, onAbort };
}
