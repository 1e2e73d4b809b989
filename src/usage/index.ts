/**
 * Usage tracking, inference tables and metrics: one record per request, written in batches
 * off the hot path, drained on shutdown.
 *
 * `record` (called by the pipeline once per request) counts the request in the Prometheus
 * metrics and, when the endpoint tracks usage or logs payloads, queues it; the batch
 * writer turns queued requests into rows and writes them, one transaction per batch.
 *
 * @example
 *   const usage = createUsageService({ db, log });
 *   const gateway = new Gateway(live, { recorder: usage });
 *   // … on shutdown, after the server stopped taking requests:
 *   await usage.close();
 */
import type { Insertable } from "kysely";
import type { Logger } from "pino";
import type { Recorder, RequestRecord } from "../gateway/policies.js";
import { appendRows, type AppendBatch, type Db } from "../store/index.js";
import type { InferencePayloadTable, UsageRecordTable } from "../store/tables/usage.js";
import { BatchWriter } from "./batch-writer.js";
import { inferenceRows, type InferenceExportRow } from "./inference-export.js";
import { GatewayMetrics, METRICS_CONTENT_TYPE } from "./metrics.js";
import { endpointReport, workspaceUsage, type EndpointUsageReport, type UsageWindow, type WorkspaceUsage } from "./queries.js";
import { inferenceRow, usageRow } from "./rows.js";
import { SpillFile } from "./spill-file.js";
import { SpilledLine, type PendingRows } from "./spill-schema.js";
import { SpillingSink } from "./spilling-sink.js";

export type { InferenceExportRow } from "./inference-export.js";
export type { Granularity, UsageBucket, UsageTotals, UsageWindow, WorkspaceUsage } from "./queries.js";
export { GRANULARITIES } from "./queries.js";
export { METRICS_CONTENT_TYPE } from "./metrics.js";

export interface UsageOptions {
  db: Db;
  log: Logger;
  /** Where batches go (the store's `append`, off the event loop on SQLite); default: `appendRows` on `db`. */
  append?: (batches: readonly AppendBatch[]) => Promise<void>;
  /** Batch-writer tuning (tests). */
  batch?: { maxBatch?: number; intervalMs?: number; maxBuffered?: number };
  /**
   * The local spill file for records the store cannot take (a directory in the data dir,
   * and its bound in bytes); undefined keeps them in memory only.
   */
  spill?: { dir: string; maxBytes: number; replayMs?: number };
}

/** `TESSERA_USAGE_SPILL_MAX_BYTES`: the spill file's bound (default 256 MiB; 0 turns spilling off). */
export const DEFAULT_SPILL_MAX_BYTES = 256 * 1024 * 1024;

export interface UsageService extends Recorder {
  /** Writes everything recorded so far; called on graceful shutdown after the server stopped taking requests. */
  close(): Promise<void>;
  /** Writes what is buffered now (queries call it, so they see the requests made just before). */
  flush(): Promise<void>;
  /** Usage buckets of one endpoint. */
  /** Buckets and totals of one endpoint; `withRequesters` adds its usage per requester. */
  endpointUsage(endpoint: string, w: UsageWindow, withRequesters?: boolean): Promise<EndpointUsageReport>;
  /** Usage of every endpoint, grouped by endpoint, by requester and by time bucket. */
  workspaceUsage(w: UsageWindow): Promise<WorkspaceUsage>;
  /** The inference-table rows of an endpoint with start ≤ request_time < end, oldest first. */
  inferenceRows(endpoint: string, start: number, end: number): AsyncIterable<InferenceExportRow>;
  /** All metrics in the Prometheus text format. */
  metricsText(): Promise<string>;
  /** The metrics of one endpoint in the Prometheus text format. */
  endpointMetricsText(endpoint: string): Promise<string>;
  readonly metricsContentType: string;
}

/**
 * A record waiting to be written, already turned into its rows: holding the request and
 * response objects until the next flush would keep every payload alive across young-GC
 * cycles (promoted to the old generation), which costs more than building the rows now.
 */
type Pending = PendingRows;

const USAGE_COLUMNS: ReadonlyArray<keyof Insertable<UsageRecordTable> & string> = [
  "time",
  "endpoint_name",
  "endpoint_id",
  "served_entity",
  "requester",
  "requester_kind",
  "client_request_id",
  "request_id",
  "status_code",
  "error_code",
  "latency_ms",
  "input_tokens",
  "output_tokens",
  "cached_tokens",
  "reasoning_tokens",
  "estimated",
  "streamed",
  "rate_limited",
  "usage_context",
];

const INFERENCE_COLUMNS: ReadonlyArray<keyof Insertable<InferencePayloadTable> & string> = [
  "request_date",
  "databricks_request_id",
  "client_request_id",
  "request_time",
  "status_code",
  "execution_duration_ms",
  "request",
  "response",
  "served_entity_id",
  "logging_error_codes",
  "requester",
  "endpoint_name",
  "endpoint_id",
];

export function createUsageService(o: UsageOptions): UsageService {
  const { db, log } = o;
  const append = o.append ?? ((batches: readonly AppendBatch[]) => appendRows(db, batches));
  let failedRecord = false;
  const rowsOf = (rec: RequestRecord, usage: boolean, inference: boolean): Pending => {
    try {
      return { usage: usage ? usageRow(rec) : undefined, inference: inference ? inferenceRow(rec) : undefined };
    } catch (err) {
      // One record that cannot become a row must not fail the request or hold a batch back.
      metrics.dropped.inc();
      log.error({ err, requestId: rec.requestId }, "a usage record could not be converted; skipped");
      return { usage: undefined, inference: undefined };
    }
  };
  // The gauge reads the writer's backlog at scrape time, after both exist.
  const metrics = new GatewayMetrics(() => writer.buffered);
  const toStore = async (batch: Pending[]) => {
    const usageRows: Array<Insertable<UsageRecordTable>> = [];
    const inferenceRowsOut: Array<Insertable<InferencePayloadTable>> = [];
    for (const p of batch) {
      if (p.usage) usageRows.push(p.usage);
      if (p.inference) inferenceRowsOut.push(p.inference);
    }
    await append([
      { table: "usage_records", columns: USAGE_COLUMNS, rows: usageRows },
      { table: "inference_payloads", columns: INFERENCE_COLUMNS, rows: inferenceRowsOut },
    ]);
  };
  const spill = o.spill && o.spill.maxBytes > 0 ? new SpillFile<Pending>(o.spill.dir, o.spill.maxBytes, SpilledLine) : undefined;
  const sink = new SpillingSink<Pending>({ store: toStore, spill, log, ...(o.spill?.replayMs ? { replayMs: o.spill.replayMs } : {}) });
  /** Before a query: what is buffered, and what was spilled, reaches the store (as far as it answers). */
  const settle = async () => {
    await writer.flush(true);
    await sink.replay();
  };
  const writer: BatchWriter<Pending> = new BatchWriter<Pending>({
    ...o.batch,
    log,
    onDrop: (n) => metrics.dropped.inc(n),
    onWriteError: () => metrics.writeFailures.inc(),
    write: (batch) => sink.write(batch),
  });
  return {
    record(rec) {
      try {
        metrics.observe(rec);
        const ai = rec.endpoint.aiGateway;
        const usage = ai?.usage_tracking_config?.enabled === true;
        const inference = ai?.inference_table_config?.enabled === true;
        if (usage || inference) writer.push(rowsOf(rec, usage, inference));
      } catch (err) {
        // The hot path must not fail for bookkeeping; say so once.
        if (!failedRecord) log.error({ err }, "recording a request failed");
        failedRecord = true;
      }
    },
    async close() {
      await writer.close();
      await sink.close();
    },
    flush: settle,
    async endpointUsage(endpoint, w, withRequesters = false) {
      await settle();
      return endpointReport(db, endpoint, w, withRequesters);
    },
    async workspaceUsage(w) {
      await settle();
      return workspaceUsage(db, w);
    },
    async *inferenceRows(endpoint, start, end) {
      await settle();
      yield* inferenceRows(db, endpoint, start, end);
    },
    metricsText: () => metrics.text(),
    endpointMetricsText: (endpoint) => metrics.endpointText(endpoint),
    metricsContentType: METRICS_CONTENT_TYPE,
  };
}
