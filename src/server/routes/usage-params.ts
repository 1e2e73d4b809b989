/**
 * Query parameters of the usage and inference-table routes: `start_time` and `end_time` in
 * ms since the epoch, `granularity` minute|hour|day. A bad value is a 400 naming the
 * parameter.
 */
import { errors } from "../../gateway/errors.js";
import { GRANULARITIES, type Granularity, type UsageWindow } from "../../usage/index.js";

export const DEFAULT_WINDOW_MS = 24 * 3_600_000;
/** A query may cut its window into at most this many buckets. */
export const MAX_BUCKETS = 100_000;

type Query = Record<string, unknown>;

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw errors.invalidParameter(name, `${name} must be given once.`);
  return v;
}

function ms(q: Query, name: string): number | undefined {
  const v = one(q, name);
  if (v === undefined || v === "") return undefined;
  if (!/^\d{1,16}$/.test(v)) throw errors.invalidParameter(name, `${name} must be a time in milliseconds since the epoch, e.g. ${Date.now()}.`);
  return Number(v);
}

/**
 * The time range (end exclusive): by default up to now, from `defaultSpan` ms before the
 * end (24 hours), or from the beginning when `defaultSpan` is Infinity.
 */
export function parseRange(query: unknown, now = Date.now(), defaultSpan = DEFAULT_WINDOW_MS): { start: number; end: number } {
  const q = (typeof query === "object" && query !== null ? query : {}) as Query;
  const end = ms(q, "end_time") ?? now + 1;
  const start = ms(q, "start_time") ?? Math.max(0, end - defaultSpan);
  if (end <= start) throw errors.invalidParameter("end_time", "end_time must be after start_time.");
  return { start, end };
}

/** The range and the bucket size (default `hour`). */
export function parseWindow(query: unknown, now = Date.now()): UsageWindow {
  const q = (typeof query === "object" && query !== null ? query : {}) as Query;
  const g = one(q, "granularity") ?? "hour";
  if (!Object.hasOwn(GRANULARITIES, g)) throw errors.invalidParameter("granularity", "granularity must be one of minute, hour, day.");
  const granularity = g as Granularity;
  const { start, end } = parseRange(q, now);
  if ((end - start) / GRANULARITIES[granularity] > MAX_BUCKETS) {
    throw errors.invalidParameter("granularity", `The range from start_time to end_time holds more than ${MAX_BUCKETS} ${granularity} buckets; use a coarser granularity.`);
  }
  return { start, end, granularity };
}
