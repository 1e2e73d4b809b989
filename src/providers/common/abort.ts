/**
 * Hearing of a call's abort: through the context's `onAbort` when it offers one, else a
 * listener on the signal (`CallContext.onAbort` in provider.ts says why). Returns the way
 * to stop listening.
 */
import type { CallContext } from "../provider.js";

export function watchAbort(signal: AbortSignal, onAbort: CallContext["onAbort"], fn: () => void): () => void {
  if (onAbort) return onAbort(fn);
  signal.addEventListener("abort", fn, { once: true });
  return () => signal.removeEventListener("abort", fn);
}
