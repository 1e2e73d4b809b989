/**
 * The usage API as the page reads it (docs/usage.md): the workspace route (admins) gives
 * the window's totals, and totals by endpoint, by requester and by time bucket; an
 * endpoint's route (CAN_VIEW) gives its totals and buckets, and who used it to those who
 * manage it. Both write the gateway's buffered records first, so a read
 * includes requests made just before it.
 */
import { api, query } from "../../api/client";

export type Granularity = "minute" | "hour" | "day";

export interface UsageTotals {
  requests: number;
  errors: number;
  rate_limited_requests: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  p50_latency_ms: number;
  p99_latency_ms: number;
  estimated_requests: number;
}

export type UsageBucket = { bucket_start_ms: number } & UsageTotals;
export type EndpointUsage = { endpoint: string } & UsageTotals;
export type RequesterUsage = { requester: string; requester_kind: string } & UsageTotals;

/** What the page shows: `byEndpoint` only for the whole workspace; `byRequester` for it and for an endpoint's managers. */
export interface UsageData {
  buckets: UsageBucket[];
  /** The whole window; its percentiles are over all its requests. */
  totals: UsageTotals;
  byEndpoint?: EndpointUsage[];
  byRequester?: RequesterUsage[];
}

export interface UsageWindow {
  start: number;
  /** Exclusive. */
  end: number;
  granularity: Granularity;
}

interface Report {
  usage?: UsageBucket[];
  totals: UsageTotals;
  by_requester?: RequesterUsage[];
}

/** The workspace's usage when `endpoint` is undefined, else that endpoint's. */
export async function fetchUsage(endpoint: string | undefined, w: UsageWindow): Promise<UsageData> {
  const q = query({ start_time: w.start, end_time: w.end, granularity: w.granularity });
  if (endpoint === undefined) {
    const r = await api<Report & { by_endpoint?: EndpointUsage[] }>("GET", `/api/2.0/serving-endpoints/usage${q}`);
    return { buckets: r.usage ?? [], totals: r.totals, byEndpoint: r.by_endpoint ?? [], byRequester: r.by_requester ?? [] };
  }
  const r = await api<Report>("GET", `/api/2.0/serving-endpoints/${encodeURIComponent(endpoint)}/usage${q}`);
  return { buckets: r.usage ?? [], totals: r.totals, ...(r.by_requester ? { byRequester: r.by_requester } : {}) };
}
