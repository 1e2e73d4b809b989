/**
 * Reads an endpoint's inference table in pages (keyset on request_time, id), so an export
 * of any size holds one page in memory and no read transaction stays open between pages.
 */
import type { Selectable } from "kysely";
import type { Db } from "../store/index.js";
import type { InferencePayloadTable } from "../store/tables/usage.js";

/** One exported row: the reference's payload-table columns, plus the endpoint. */
export interface InferenceExportRow {
  request_date: string;
  databricks_request_id: string;
  client_request_id: string | null;
  /** ms since the epoch. */
  request_time: number;
  status_code: number;
  execution_duration_ms: number;
  /** The request as JSON text, as in the reference's STRING column; null when not logged. */
  request: string | null;
  /** The response as JSON text (a stream aggregated into one); null on error or when not logged. */
  response: string | null;
  served_entity_id: string | null;
  logging_error_codes: string[];
  requester: string;
  endpoint: string;
}

const PAGE = 200;

function codes(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

function toExport(r: Selectable<InferencePayloadTable>): InferenceExportRow {
  return {
    request_date: r.request_date,
    databricks_request_id: r.databricks_request_id,
    client_request_id: r.client_request_id,
    request_time: Number(r.request_time),
    status_code: r.status_code,
    execution_duration_ms: r.execution_duration_ms,
    request: r.request,
    response: r.response,
    served_entity_id: r.served_entity_id,
    logging_error_codes: codes(r.logging_error_codes),
    requester: r.requester,
    endpoint: r.endpoint_name,
  };
}

/** The rows of `endpoint` with start ≤ request_time < end, oldest first. */
export async function* inferenceRows(db: Db, endpoint: string, start: number, end: number): AsyncGenerator<InferenceExportRow> {
  let after: { time: number; id: number } | undefined;
  for (;;) {
    let q = db
      .selectFrom("inference_payloads")
      .selectAll()
      .where("endpoint_name", "=", endpoint)
      .where("request_time", ">=", start)
      .where("request_time", "<", end);
    if (after) {
      const a = after;
      q = q.where((eb) => eb.or([eb("request_time", ">", a.time), eb.and([eb("request_time", "=", a.time), eb("id", ">", a.id)])]));
    }
    const rows = await q.orderBy("request_time").orderBy("id").limit(PAGE).execute();
    for (const r of rows) yield toExport(r);
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) return;
    after = { time: Number(last.request_time), id: last.id };
  }
}
