/**
 * Usage queries: totals per time bucket, per endpoint and per requester over a window.
 * Everything, percentiles included, is computed in SQL (window functions, which SQLite
 * and PostgreSQL both have), so only one row per group leaves the store.
 *
 * Percentiles are nearest-rank over the latencies of the group's requests: p = the
 * latency at rank ceil(p/100 · n) in ascending order. All requests count, failed ones too.
 */
import { sql, type RawBuilder } from "kysely";
import type { Db } from "../store/index.js";
import type { EndpointUsageReport, RequesterUsage, UsageBucket, UsageTotals, WorkspaceUsage } from "./usage-types.js";
import type { Granularity } from "./usage-types.js";

export const GRANULARITIES: Readonly<Record<Granularity, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
export type { Granularity } from "./usage-types.js";

export interface UsageWindow {
  /** Inclusive, ms. */
  start: number;
  /** Exclusive, ms. */
  end: number;
  granularity: Granularity;
}

export type { EndpointUsage, EndpointUsageReport, RequesterUsage, UsageBucket, UsageTotals, WorkspaceUsage } from "./usage-types.js";

interface Row {
  k: string | number;
  kind: string | null;
  requests: number;
  errors: number | null;
  rate_limited: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_tokens: number | null;
  reasoning_tokens: number | null;
  p50: number | null;
  p99: number | null;
  estimated: number | null;
}

/** Aggregates the records of a window, grouped by `key`. */
async function aggregate(db: Db, key: RawBuilder<unknown>, w: UsageWindow, endpoint: string | undefined): Promise<Row[]> {
  const byEndpoint = endpoint === undefined ? sql`` : sql`AND endpoint_name = ${endpoint}`;
  const q = sql<Row>`
    WITH r AS (
      SELECT ${key} AS k, requester_kind, status_code, rate_limited, latency_ms, input_tokens, output_tokens,
             cached_tokens, reasoning_tokens, estimated,
             ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY latency_ms) AS rn,
             COUNT(*) OVER (PARTITION BY ${key}) AS n
      FROM usage_records
      WHERE time >= ${w.start} AND time < ${w.end} ${byEndpoint}
    )
    SELECT k,
      MAX(requester_kind) AS kind,
      COUNT(*) AS requests,
      SUM(CASE WHEN status_code >= 400 THEN 1 ELSE 0 END) AS errors,
      SUM(rate_limited) AS rate_limited,
      SUM(input_tokens) AS input_tokens,
      SUM(output_tokens) AS output_tokens,
      SUM(cached_tokens) AS cached_tokens,
      SUM(reasoning_tokens) AS reasoning_tokens,
      MIN(CASE WHEN rn >= (n * 50 + 99) / 100 THEN latency_ms END) AS p50,
      MIN(CASE WHEN rn >= (n * 99 + 99) / 100 THEN latency_ms END) AS p99,
      SUM(estimated) AS estimated
    FROM r
    GROUP BY k
    ORDER BY k`;
  return (await q.execute(db)).rows;
}

function totals(r: Row): UsageTotals {
  const n = (v: number | null) => Number(v ?? 0);
  return {
    requests: n(r.requests),
    errors: n(r.errors),
    rate_limited_requests: n(r.rate_limited),
    input_tokens: n(r.input_tokens),
    output_tokens: n(r.output_tokens),
    cached_tokens: n(r.cached_tokens),
    reasoning_tokens: n(r.reasoning_tokens),
    p50_latency_ms: n(r.p50),
    p99_latency_ms: n(r.p99),
    estimated_requests: n(r.estimated),
  };
}

/** `(time / size) * size`: buckets aligned to the Unix epoch (UTC days for `day`). */
function bucketKey(g: Granularity): RawBuilder<unknown> {
  const size = sql.lit(GRANULARITIES[g]);
  return sql`(time / ${size}) * ${size}`;
}

/** The window as a single group (zeros when it holds no request). */
async function windowTotals(db: Db, endpoint: string | undefined, w: UsageWindow): Promise<UsageTotals> {
  const [row] = await aggregate(db, sql`'window'`, w, endpoint);
  return totals(row ?? { k: "window", kind: null, requests: 0, errors: 0, rate_limited: 0, input_tokens: 0, output_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, p50: 0, p99: 0, estimated: 0 });
}

async function requesterUsage(db: Db, endpoint: string | undefined, w: UsageWindow): Promise<RequesterUsage[]> {
  const rows = await aggregate(db, sql.ref("requester"), w, endpoint);
  return rows.map((r) => ({ requester: String(r.k), requester_kind: r.kind ?? "user", ...totals(r) }));
}

/** An endpoint's buckets and totals; with `withRequesters`, its usage per requester too. */
export async function endpointReport(db: Db, endpoint: string, w: UsageWindow, withRequesters: boolean): Promise<EndpointUsageReport> {
  const report: EndpointUsageReport = { usage: await endpointUsage(db, endpoint, w), totals: await windowTotals(db, endpoint, w) };
  if (withRequesters) report.by_requester = await requesterUsage(db, endpoint, w);
  return report;
}

/** Buckets with at least one request, oldest first. */
export async function endpointUsage(db: Db, endpoint: string | undefined, w: UsageWindow): Promise<UsageBucket[]> {
  const rows = await aggregate(db, bucketKey(w.granularity), w, endpoint);
  return rows.map((r) => ({ bucket_start_ms: Number(r.k), ...totals(r) }));
}

export async function workspaceUsage(db: Db, w: UsageWindow): Promise<WorkspaceUsage> {
  const endpoints = await aggregate(db, sql.ref("endpoint_name"), w, undefined);
  return {
    totals: await windowTotals(db, undefined, w),
    by_endpoint: endpoints.map((r) => ({ endpoint: String(r.k), ...totals(r) })),
    by_requester: await requesterUsage(db, undefined, w),
    usage: await endpointUsage(db, undefined, w),
  };
}
