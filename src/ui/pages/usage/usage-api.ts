/**
 * The usage API as the page reads it (docs/usage.md): the workspace route (admins) gives
 * the window's totals, and totals by endpoint, by requester and by time bucket; an
 * endpoint's route (CAN_VIEW) gives its totals and buckets, and who used it to those who
 * manage it. Both write the gateway's buffered records first, so a read
 * includes requests made just before it.
 */
import { api, query } from "../../api/client";

import type { EndpointUsage, EndpointUsageReport, Granularity, RequesterUsage, UsageBucket, UsageTotals, WorkspaceUsage } from "../../../usage/usage-types.js";

/** The API's own shapes (declared once, in src/usage/usage-types.ts). */
export type { EndpointUsage, Granularity, RequesterUsage, UsageBucket, UsageTotals } from "../../../usage/usage-types.js";

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

/** The workspace's usage when `endpoint` is undefined, else that endpoint's. */
export async function fetchUsage(endpoint: string | undefined, w: UsageWindow): Promise<UsageData> {
  const q = query({ start_time: w.start, end_time: w.end, granularity: w.granularity });
  if (endpoint === undefined) {
    const r = await api<WorkspaceUsage>("GET", `/api/2.0/serving-endpoints/usage${q}`);
    return { buckets: r.usage, totals: r.totals, byEndpoint: r.by_endpoint, byRequester: r.by_requester };
  }
  const r = await api<EndpointUsageReport>("GET", `/api/2.0/serving-endpoints/${encodeURIComponent(endpoint)}/usage${q}`);
  return { buckets: r.usage, totals: r.totals, ...(r.by_requester ? { byRequester: r.by_requester } : {}) };
}
