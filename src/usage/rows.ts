/**
 * Turns a finished request into the rows the store keeps: a usage record (tokens, latency,
 * who) and an inference-table row (the payloads). Called by `record()` (usage/index.ts) on
 * the request's own path — for a plain answer before the reply is sent, for a stream when
 * it ends — so serialising payloads and counting characters for estimates (the costly
 * part) is paid per request there; only the batched write to the store is deferred.
 */
import type { Insertable } from "kysely";
import type { RequestRecord } from "../gateway/policies.js";
import type { InferencePayloadTable, UsageRecordTable } from "../store/tables/usage.js";
import { estimateFromChars, requestChars, requestImageTokens, responseChars } from "../gateway/estimate.js";

/** Payloads larger than this (bytes of JSON) are not logged to inference tables, only flagged. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export const REQUEST_TOO_LARGE = "MAX_REQUEST_SIZE_EXCEEDED";
export const RESPONSE_TOO_LARGE = "MAX_RESPONSE_SIZE_EXCEEDED";
export const NOT_SERIALIZABLE = "PAYLOAD_NOT_SERIALIZABLE";


export interface TokenCounts {
  input: number;
  output: number;
  cached: number;
  reasoning: number;
  estimated: boolean;
}

/**
 * The tokens of a request: what the model reported, else an estimate from the text. A
 * request that failed with nothing answered used no tokens we know of: zero, not estimated.
 */
export function tokensOf(rec: RequestRecord): TokenCounts {
  const u = rec.usage;
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const reasoning = u?.completion_tokens_details?.reasoning_tokens ?? 0;
  if (!u && !rec.response && rec.status !== 200) return { input: 0, output: 0, cached: 0, reasoning: 0, estimated: false };
  let estimated = false;
  let input = u?.prompt_tokens;
  if (typeof input !== "number") {
    input = estimateFromChars(requestChars(rec.request)) + requestImageTokens(rec.request);
    estimated = true;
  }
  let output = u?.completion_tokens;
  if (typeof output !== "number") {
    if (rec.task === "llm/v1/embeddings") output = 0;
    else {
      output = estimateFromChars(responseChars(rec.response));
      estimated = true;
    }
  }
  return { input, output, cached: typeof cached === "number" ? cached : 0, reasoning: typeof reasoning === "number" ? reasoning : 0, estimated };
}

export function usageRow(rec: RequestRecord): Insertable<UsageRecordTable> {
  const t = tokensOf(rec);
  const ctx = rec.request["usage_context"];
  return {
    time: rec.startedAt,
    endpoint_name: rec.endpoint.name,
    endpoint_id: rec.endpoint.id,
    served_entity: rec.entity?.name ?? null,
    requester: rec.caller.name,
    requester_kind: rec.caller.kind,
    client_request_id: rec.clientRequestId ?? null,
    request_id: rec.requestId,
    status_code: rec.status,
    error_code: rec.errorCode ?? null,
    latency_ms: Math.max(0, Math.round(rec.latencyMs)),
    input_tokens: t.input,
    output_tokens: t.output,
    cached_tokens: t.cached,
    reasoning_tokens: t.reasoning,
    estimated: t.estimated ? 1 : 0,
    streamed: rec.streamed ? 1 : 0,
    rate_limited: rec.rateLimited ? 1 : 0,
    usage_context: typeof ctx === "object" && ctx !== null ? safeJson(ctx) : null,
  };
}

function safeJson(v: unknown): string | null {
  try {
    return JSON.stringify(v) ?? null;
  } catch {
    return null;
  }
}

/** JSON of a payload, or null with a logging error code when it is too large (or cannot be serialised). */
function payload(v: unknown, tooLarge: string, codes: string[]): string | null {
  if (v === undefined) return null;
  const text = safeJson(v);
  if (text === null) {
    codes.push(NOT_SERIALIZABLE);
    return null;
  }
  // A UTF-8 byte is at most 3 per UTF-16 unit; the exact count is needed only near the limit.
  const big = text.length > MAX_PAYLOAD_BYTES || (text.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(text, "utf8") > MAX_PAYLOAD_BYTES);
  if (big) {
    codes.push(tooLarge);
    return null;
  }
  return text;
}

export function inferenceRow(rec: RequestRecord): Insertable<InferencePayloadTable> {
  const codes: string[] = [];
  const request = payload(rec.request, REQUEST_TOO_LARGE, codes);
  const response = payload(rec.response, RESPONSE_TOO_LARGE, codes);
  return {
    request_date: new Date(rec.startedAt).toISOString().slice(0, 10),
    databricks_request_id: rec.requestId,
    client_request_id: rec.clientRequestId ?? null,
    request_time: rec.startedAt,
    status_code: rec.status,
    execution_duration_ms: Math.max(0, Math.round(rec.latencyMs)),
    request,
    response,
    served_entity_id: rec.entity?.name ?? null,
    logging_error_codes: JSON.stringify(codes),
    requester: rec.caller.name,
    endpoint_name: rec.endpoint.name,
    endpoint_id: rec.endpoint.id,
  };
}
