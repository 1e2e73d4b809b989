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
}

/** The tiles' figures: the window's totals as the API computed them (exact percentiles). */
export function summarize(totals: UsageTotals): Summary {
  const { p50_latency_ms, p99_latency_ms, ...counts } = totals;
  return { ...counts, p50: totals.requests ? p50_latency_ms : undefined, p99: totals.requests ? p99_latency_ms : undefined };
}
