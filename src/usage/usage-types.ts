/**
 * The shapes the usage routes answer with (docs/usage.md). Types only, importing nothing,
 * so the web UI imports them too (type only) and the wire shape is declared once.
 */

export type Granularity = "minute" | "hour" | "day";

export interface UsageTotals {
  requests: number;
  errors: number;
  /** Rejected by the endpoint's own rate limits (also counted in errors). */
  rate_limited_requests: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  p50_latency_ms: number;
  p99_latency_ms: number;
  /** Requests whose tokens were estimated because the model reported none. */
  estimated_requests: number;
}

export type UsageBucket = { bucket_start_ms: number } & UsageTotals;
export type EndpointUsage = { endpoint: string } & UsageTotals;
export type RequesterUsage = { requester: string; requester_kind: string } & UsageTotals;

export interface WorkspaceUsage {
  /** The whole window at once: percentiles over all its requests, not over buckets. */
  totals: UsageTotals;
  by_endpoint: EndpointUsage[];
  by_requester: RequesterUsage[];
  usage: UsageBucket[];
}

/** One endpoint's usage: buckets, the window's totals, and (for its managers) who used it. */
export interface EndpointUsageReport {
  usage: UsageBucket[];
  totals: UsageTotals;
  by_requester?: RequesterUsage[];
}
