/**
 * The window math: a token bucket kept as one number per bucket, the "theoretical arrival
 * time" of the Generic Cell Rate Algorithm (GCRA). A limit of L per minute refills one
 * unit every `60000 / L` ms and holds at most L units; the state is the instant `tat` at
 * which the bucket will be full again (absent or in the past: full). Taking `cost` units
 * moves `tat` forward by `cost × interval`; a take is allowed while the bucket, after it,
 * would not be "emptier than empty": `max(tat, now) − now + cost × interval ≤ 60000`.
 *
 * Why not fixed windows: a fixed minute lets 2L through around a boundary. Why not a
 * sliding-window counter: it is an approximation with two counters per bucket. GCRA is
 * exact by its own definition, needs one number and one atomic read-modify-write, and
 * gives the exact time until enough budget is back (the Retry-After). Its bursts are at
 * most L; sustained use is at most L per minute.
 *
 * These functions are the reference the Redis Lua script (`redis-store.ts`) mirrors; the
 * shared store cases run both against the same expectations.
 */

export const PERIOD_MS = 60_000;

/** Float slack, so that exactly L takes of 1 fit in a limit of L despite rounding. */
export const EPSILON_MS = 0.001;

/** Milliseconds each unit of a `limit`-per-minute bucket takes to come back. */
export function intervalMs(limit: number): number {
  return PERIOD_MS / limit;
}

/**
 * How long (ms) until `check` units fit; ≤ 0 means they fit now.
 *
 * @example waitMs(undefined, now, intervalMs(3), 1) // -40000: a fresh bucket of 3 has room
 */
export function waitMs(tat: number | undefined, now: number, interval: number, check: number): number {
  const from = tat === undefined || tat < now ? now : tat;
  return from - now + check * interval - PERIOD_MS;
}

/** The state after taking `cost` units (the caller checked that they fit). */
export function taken(tat: number | undefined, now: number, interval: number, cost: number): number {
  const from = tat === undefined || tat < now ? now : tat;
  return from + cost * interval;
}

/**
 * The state after correcting a take by `delta` units (positive: more were used than
 * reserved; negative: fewer). Undefined: the bucket is full again (drop the state).
 * A refund never reaches back before `now`: budget that already refilled is not refilled twice.
 */
export function adjusted(tat: number | undefined, now: number, interval: number, delta: number): number | undefined {
  let next: number;
  if (delta >= 0) next = (tat === undefined || tat < now ? now : tat) + delta * interval;
  else next = (tat ?? now) + delta * interval;
  return next > now ? next : undefined;
}
