/**
 * Waiting before a retry: `Retry-After` parsing, jittered exponential backoff, and an
 * abortable sleep. The router uses these only for a retry of the SAME served entity (a
 * fallback to another entity goes at once: it is a different upstream).
 */

/**
 * `Retry-After` in milliseconds: delay-seconds (`"7"`, `"1.5"`) or an HTTP-date; undefined
 * when absent or unreadable. A date in the past is 0.
 *
 * @example parseRetryAfter("2") // 2000
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // An HTTP-date names its weekday and month; this keeps Date.parse from reading "-3" as a year.
  const at = /[a-z]/i.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface BackoffOptions {
  /** The delay of the first retry before jitter. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

/**
 * "Equal jitter" exponential backoff: half the exponential step fixed, half random, so that
 * clients that failed together do not retry together, yet every retry waits a little.
 *
 * @example backoffDelay(0, { baseMs: 200, maxMs: 2000 }, () => 0.5) // 150
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const step = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks `signal.aborted`). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
