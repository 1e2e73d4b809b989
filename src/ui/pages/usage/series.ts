/**
 * From the API's buckets to what the page draws: a gap-free time series (the API returns
 * only buckets with requests, and a chart of those alone would join distant points as if
 * they were neighbours) and the totals of the whole range.
 */
import { bucketCount, GRANULARITY_MS, MAX_BUCKETS } from "./range";
import type { UsageBucket, UsageTotals, UsageWindow } from "./usage-api";

export interface Point {
  t: number;
  ok: number;
  errors: number;
  requests: number;
  input: number;
  output: number;
  /** null where the bucket had no request: a latency of 0 would be a lie. */
  p50: number | null;
  p99: number | null;
}

function point(t: number, b: UsageBucket | undefined): Point {
  if (!b) return { t, ok: 0, errors: 0, requests: 0, input: 0, output: 0, p50: null, p99: null };
  return {
    t,
    ok: b.requests - b.errors,
    errors: b.errors,
    requests: b.requests,
    input: b.input_tokens,
    output: b.output_tokens,
    p50: b.p50_latency_ms,
    p99: b.p99_latency_ms,
  };
}

/** One point per bucket of the window, empty buckets as zero requests. */
export function series(buckets: UsageBucket[], w: UsageWindow): Point[] {
  const size = GRANULARITY_MS[w.granularity];
  if (bucketCount(w, w.granularity) > MAX_BUCKETS) return buckets.map((b) => point(b.bucket_start_ms, b));
  const byStart = new Map(buckets.map((b) => [b.bucket_start_ms, b]));
  const out: Point[] = [];
  for (let t = Math.floor(w.start / size) * size; t < w.end; t += size) out.push(point(t, byStart.get(t)));
  return out;
}

export interface Summary extends Omit<UsageTotals, "p50_latency_ms" | "p99_latency_ms"> {
  p50: number | undefined;
  p99: number | undefined;
  /**
   * True when p50/p99 come from one group of requests and are exact; otherwise p50 is the
   * request-weighted median of the buckets' medians and p99 the highest bucket p99 (an
   * upper bound of the true p99: no bucket has more than 1% of its requests above it).
   */
  exactLatency: boolean;
}

/**
 * Totals of the range. Counts add up; percentiles do not, so they are exact only when the
 * caller has one group holding every request (`whole`, e.g. the only endpoint).
 */
export function summarize(buckets: UsageBucket[], whole?: UsageTotals): Summary {
  const s: Summary = {
    requests: 0,
    errors: 0,
    rate_limited_requests: 0,
    input_tokens: 0,
    output_tokens: 0,
    cached_tokens: 0,
    reasoning_tokens: 0,
    estimated_requests: 0,
    p50: undefined,
    p99: undefined,
    exactLatency: false,
  };
  for (const b of buckets) {
    s.requests += b.requests;
    s.errors += b.errors;
    s.rate_limited_requests += b.rate_limited_requests;
    s.input_tokens += b.input_tokens;
    s.output_tokens += b.output_tokens;
    s.cached_tokens += b.cached_tokens;
    s.reasoning_tokens += b.reasoning_tokens;
    s.estimated_requests += b.estimated_requests;
  }
  const one = whole ?? (buckets.length === 1 ? buckets[0] : undefined);
  if (one) return { ...s, p50: one.p50_latency_ms, p99: one.p99_latency_ms, exactLatency: true };
  if (s.requests === 0) return s;
  const sorted = [...buckets].sort((a, b) => a.p50_latency_ms - b.p50_latency_ms);
  let seen = 0;
  for (const b of sorted) {
    seen += b.requests;
    if (seen * 2 >= s.requests) {
      s.p50 = b.p50_latency_ms;
      break;
    }
  }
  s.p99 = Math.max(...buckets.map((b) => b.p99_latency_ms));
  return s;
}
