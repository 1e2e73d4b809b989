/**
 * Reading Anthropic's error replies: `{"type":"error","error":{"type","message"}}`, over
 * HTTP or as an `event: error` inside a stream that already answered 200.
 */
import type { ErrorReader, UpstreamErrorReply } from "../common/http.js";
import { isObj } from "./api.js";

/** The `error.type` of an Anthropic error body. */
export function errorTypeOf(body: unknown): string | undefined {
  const err = isObj(body) ? body["error"] : undefined;
  const type = isObj(err) ? err["type"] : undefined;
  return typeof type === "string" ? type : undefined;
}

/**
 * Anthropic's HTTP status for each error type, for errors that arrive inside a stream
 * (which carry no status of their own). `overloaded_error` is 503 rather than Anthropic's
 * own 529, which no HTTP client outside Anthropic's SDKs knows as "retry later".
 */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 503,
  timeout_error: 504,
};

/** The status for an in-stream error; an unknown type is a provider fault (500). */
export function statusOfErrorType(type: string | undefined): number {
  return (type && Object.hasOwn(STATUS_OF_TYPE, type) ? STATUS_OF_TYPE[type] : undefined) ?? 500;
}

/**
 * 529 ("overloaded") becomes 503 so retry logic and clients treat it as the temporary
 * unavailability it is; the error type becomes the OpenAI `code` (e.g. "rate_limit_error").
 * The message and `retry-after` are read the common way.
 */
export const anthropicErrors: ErrorReader = {
  status: (reply: UpstreamErrorReply) => (reply.status === 529 ? 503 : undefined),
  code: (reply: UpstreamErrorReply) => errorTypeOf(reply.body),
};
