/** Usage queries over rows put straight into a store: buckets, granularity, percentiles, grouping. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Insertable } from "kysely";
import { openSqlite, type Db } from "../store/index.js";
import type { UsageRecordTable } from "../store/tables/usage.js";
import { endpointUsage, workspaceUsage } from "./queries.js";

const H = 3_600_000;
const DAY0 = Date.UTC(2025, 2, 10);

function row(over: Partial<Insertable<UsageRecordTable>>): Insertable<UsageRecordTable> {
  return {
    time: DAY0,
    endpoint_name: "a",
    endpoint_id: "id-a",
    served_entity: "e",
    requester: "alice",
    requester_kind: "user",
    client_request_id: null,
    request_id: "r",
    status_code: 200,
    error_code: null,
    latency_ms: 10,
    input_tokens: 1,
    output_tokens: 2,
    cached_tokens: 0,
    reasoning_tokens: 0,
    estimated: 0,
    streamed: 0,
    rate_limited: 0,
    usage_context: null,
    ...over,
  };
}

describe("usage queries", () => {
  let db: Db;
  before(async () => {
    db = await openSqlite(mkdtempSync(join(tmpdir(), "tessera-q-")));
    const rows: Array<Insertable<UsageRecordTable>> = [];
    // Endpoint a, hour 0: latencies 1..100 ms (p50 = 50, p99 = 99), one in ten failed.
    for (let i = 1; i <= 100; i++) rows.push(row({ time: DAY0 + i * 1000, latency_ms: 101 - i, status_code: i % 10 === 0 ? 502 : 200, cached_tokens: 1, reasoning_tokens: 2 }));
    // Endpoint a, hour 2: two requests, estimated, one rejected by the rate limit.
    rows.push(row({ time: DAY0 + 2 * H + 5, latency_ms: 300, estimated: 1, requester: "bob" }));
    rows.push(row({ time: DAY0 + 2 * H + 6, latency_ms: 7, status_code: 429, rate_limited: 1, input_tokens: 0, output_tokens: 0, requester: "svc-1", requester_kind: "service_principal" }));
    // Endpoint b, the next day.
    rows.push(row({ time: DAY0 + 25 * H, endpoint_name: "b", endpoint_id: "id-b", latency_ms: 40, input_tokens: 100, output_tokens: 50 }));
    // Outside every window below.
    rows.push(row({ time: DAY0 - 1 }));
    for (let i = 0; i < rows.length; i += 50) await db.insertInto("usage_records").values(rows.slice(i, i + 50)).execute();
  });
  after(async () => {
    await db.destroy();
  });

  it("cuts one endpoint's requests into hourly buckets with totals and nearest-rank percentiles", async () => {
    const b = await endpointUsage(db, "a", { start: DAY0, end: DAY0 + 48 * H, granularity: "hour" });
    assert.deepEqual(b, [
      { bucket_start_ms: DAY0, requests: 100, errors: 10, rate_limited_requests: 0, input_tokens: 100, output_tokens: 200, cached_tokens: 100, reasoning_tokens: 200, p50_latency_ms: 50, p99_latency_ms: 99, estimated_requests: 0 },
      { bucket_start_ms: DAY0 + 2 * H, requests: 2, errors: 1, rate_limited_requests: 1, input_tokens: 1, output_tokens: 2, cached_tokens: 0, reasoning_tokens: 0, p50_latency_ms: 7, p99_latency_ms: 300, estimated_requests: 1 },
    ]);
  });

  it("changes bucket size with the granularity and respects the window's bounds", async () => {
    const day = await endpointUsage(db, "a", { start: DAY0, end: DAY0 + 48 * H, granularity: "day" });
    assert.equal(day.length, 1);
    assert.equal(day[0]?.requests, 102);
    assert.equal(day[0]?.p99_latency_ms, 100);
    const minute = await endpointUsage(db, "a", { start: DAY0, end: DAY0 + 60_000, granularity: "minute" });
    assert.deepEqual(minute.map((x) => [x.bucket_start_ms, x.requests]), [[DAY0, 59]], "end is exclusive: seconds 1..59");
    const none = await endpointUsage(db, "nope", { start: DAY0, end: DAY0 + H, granularity: "hour" });
    assert.deepEqual(none, []);
  });

  it("groups the workspace by endpoint, by requester and by bucket", async () => {
    const w = await workspaceUsage(db, { start: DAY0, end: DAY0 + 48 * H, granularity: "day" });
    assert.deepEqual(w.by_endpoint.map((e) => [e.endpoint, e.requests, e.input_tokens]), [["a", 102, 101], ["b", 1, 100]]);
    assert.deepEqual(w.by_requester.map((r) => [r.requester, r.requester_kind, r.requests]), [["alice", "user", 101], ["bob", "user", 1], ["svc-1", "service_principal", 1]]);
    assert.deepEqual(w.usage.map((u) => [u.bucket_start_ms, u.requests]), [[DAY0, 102], [DAY0 + 24 * H, 1]]);
  });
});
