/**
 * Gateway errors in Google's shape, `{"error":{"code","message","status"}}`, which the
 * `@google/genai` SDK raises as an `ApiError` with that status.
 */
import type { GatewayError } from "../../../gateway/errors.js";
import type { JsonObject } from "../../../gateway/types.js";

const STATUS: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export function geminiError(err: GatewayError, _requestId: string): { status: number; body: JsonObject } {
  const status = err.status;
  return { status, body: { error: { code: status, message: err.message, status: STATUS[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION") } } };
}
