/**
 * Tables of usage tracking and inference tables. Timestamps are Unix milliseconds; flags
 * are 0/1 integers; JSON columns hold text.
 */
import type { Generated } from "kysely";

/** One row per request to an endpoint with `usage_tracking_config.enabled`. */
export interface UsageRecordTable {
  id: Generated<number>;
  /** When the request arrived (ms); buckets are cut on this. */
  time: number;
  endpoint_name: string;
  endpoint_id: string;
  /** The served entity that answered (after fallbacks); null when none did. */
  served_entity: string | null;
  /** The principal's name (`userName` or `applicationId`). */
  requester: string;
  /** "user" | "service_principal". */
  requester_kind: string;
  client_request_id: string | null;
  /** The gateway's request id (`x-request-id` on streams, `request_id` in error bodies). */
  request_id: string;
  status_code: number;
  error_code: string | null;
  latency_ms: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  /** 1 when the model reported no usage and the tokens were estimated as (chars+1)/4. */
  estimated: number;
  streamed: number;
  /** 1 when the gateway's own rate limit rejected the request. */
  rate_limited: number;
  /** JSON: the request's `usage_context`, or null. */
  usage_context: string | null;
}

/** One row per request to an endpoint with `inference_table_config.enabled`: the reference's payload table columns. */
export interface InferencePayloadTable {
  id: Generated<number>;
  /** YYYY-MM-DD (UTC) of request_time. */
  request_date: string;
  databricks_request_id: string;
  client_request_id: string | null;
  request_time: number;
  status_code: number;
  execution_duration_ms: number;
  /** JSON of the request as the model got it; null when over the size limit or absent. */
  request: string | null;
  /** JSON of the response (a stream aggregated into one); null on error or when over the limit. */
  response: string | null;
  /** The served entity's name. */
  served_entity_id: string | null;
  /** JSON array of codes, e.g. ["MAX_RESPONSE_SIZE_EXCEEDED"]. */
  logging_error_codes: string;
  requester: string;
  endpoint_name: string;
  endpoint_id: string;
}

export interface UsageTables {
  usage_records: UsageRecordTable;
  inference_payloads: InferencePayloadTable;
}
