/**
 * The shape of one spilled line: a request's usage row and/or inference row, exactly the
 * columns the writer inserts. Parsed back on replay — a file on disk is input like any other.
 */
import type { Insertable } from "kysely";
import { z } from "zod";
import type { InferencePayloadTable, UsageRecordTable } from "../store/tables/usage.js";

const int = z.number().int();

export const SpilledUsageRow = z.object({
  time: z.number(),
  endpoint_name: z.string(),
  endpoint_id: z.string(),
  served_entity: z.string().nullable(),
  requester: z.string(),
  requester_kind: z.string(),
  client_request_id: z.string().nullable(),
  request_id: z.string(),
  status_code: int,
  error_code: z.string().nullable(),
  latency_ms: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cached_tokens: z.number(),
  reasoning_tokens: z.number(),
  estimated: int,
  streamed: int,
  rate_limited: int,
  usage_context: z.string().nullable(),
});

export const SpilledInferenceRow = z.object({
  request_date: z.string(),
  databricks_request_id: z.string(),
  client_request_id: z.string().nullable(),
  request_time: z.number(),
  status_code: int,
  execution_duration_ms: z.number(),
  request: z.string().nullable(),
  response: z.string().nullable(),
  served_entity_id: z.string().nullable(),
  logging_error_codes: z.string(),
  requester: z.string(),
  endpoint_name: z.string(),
  endpoint_id: z.string(),
});

/** A record waiting to be written: its rows, already built. */
export interface PendingRows {
  usage: Insertable<UsageRecordTable> | undefined;
  inference: Insertable<InferencePayloadTable> | undefined;
}

/** One spilled line: the JSON of a `PendingRows` (an absent row is left out). */
export const SpilledLine: z.ZodType<PendingRows> = z
  .object({ usage: SpilledUsageRow.optional(), inference: SpilledInferenceRow.optional() })
  .transform((l): PendingRows => ({ usage: l.usage, inference: l.inference }));
