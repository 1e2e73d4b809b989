/**
 * The usage API as the page reads it (docs/usage.md): the workspace route (admins) gives
 * totals by endpoint, by requester and by time bucket; an endpoint's route (CAN_VIEW)
 * gives its buckets only. Both write the gateway's buffered records first, so a read
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

/** What the page shows: `byEndpoint` / `byRequester` only for the whole workspace. */
export interface UsageData {
  buckets: UsageBucket[];
  byEndpoint?: EndpointUsage[];
  byRequester?: RequesterUsage[];
}

export interface UsageWindow {
  start: number;
  /** Exclusive. */
  end: number;
  granularity: Granularity;
}

/** The workspace's usage when `endpoint` is undefined, else that endpoint's. */
export async function fetchUsage(endpoint: string | undefined, w: UsageWindow): Promise<UsageData> {
  const q = query({ start_time: w.start, end_time: w.end, granularity: w.granularity });
  if (endpoint === undefined) {
    const r = await api<{ usage?: UsageBucket[]; by_endpoint?: EndpointUsage[]; by_requester?: RequesterUsage[] }>("GET", `/api/2.0/serving-endpoints/usage${q}`);
    return { buckets: r.usage ?? [], byEndpoint: r.by_endpoint ?? [], byRequester: r.by_requester ?? [] };
  }
  const r = await api<{ usage?: UsageBucket[] }>("GET", `/api/2.0/serving-endpoints/${encodeURIComponent(endpoint)}/usage${q}`);
  return { buckets: r.usage ?? [] };
}
