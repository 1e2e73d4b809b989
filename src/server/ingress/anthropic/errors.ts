/**
 * Gateway errors in Anthropic's shape, `{"type":"error","error":{"type","message"},
 * "request_id"}`, with Anthropic's status codes: the official SDKs map the status to an
 * exception class (`RateLimitError`, `OverloadedError`…) and retry 429, 5xx and 529.
 * An upstream that is unavailable or overloaded is Anthropic's 529 `overloaded_error`.
 */
import type { GatewayError } from "../../../gateway/errors.js";
import type { JsonObject } from "../../../gateway/types.js";

const TYPE_OF_STATUS: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  408: "timeout_error",
  409: "invalid_request_error",
  413: "request_too_large",
  415: "invalid_request_error",
  429: "rate_limit_error",
  431: "request_too_large",
  504: "timeout_error",
  529: "overloaded_error",
};

const OVERLOADED = new Set(["UPSTREAM_UNAVAILABLE", "SERVER_BUSY"]);

/** The status and body of an error answered on an Anthropic route. */
export function anthropicError(err: GatewayError, requestId: string): { status: number; body: JsonObject } {
  const status = OVERLOADED.has(err.kind.code) ? 529 : err.status;
  const type = TYPE_OF_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return { status, body: { type: "error", error: { type, message: err.message }, request_id: requestId } };
}
