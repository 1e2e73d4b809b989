/**
 * Renders errors at the edge, in the shape of the route family:
 * - Databricks routes (`/api/2.0/…`, `…/invocations`): `{"error_code","message","details"}`;
 * - OpenAI-compatible routes (`/serving-endpoints/chat/completions`, `/v1/…`, …):
 *   `{"error":{"message","type","param","code"}}`, which OpenAI clients parse.
 * Unknown errors become a 500 with no internals in the body; the log gets the detail.
 */
import { ERROR_KINDS, errors, GatewayError } from "../gateway/errors.js";
import { isStoreUnavailable } from "../store/errors.js";
import type { JsonObject } from "../gateway/types.js";
import { anthropicError } from "./ingress/anthropic/errors.js";
import { geminiError } from "./ingress/gemini/errors.js";

/** `anthropic` and `gemini`: the native API routes (server/ingress/), which answer in their API's shape. */
export type RouteFamily = "databricks" | "openai" | "anthropic" | "gemini";

const OPENAI_PATHS = new Set(["/serving-endpoints/chat/completions", "/serving-endpoints/completions", "/serving-endpoints/embeddings", "/serving-endpoints/models"]);

/** The route family of a URL: everything under `/v1`, and the OpenAI paths under `/serving-endpoints`. */
export function familyOf(url: string): RouteFamily {
  const path = url.split("?", 1)[0] as string;
  if (path.startsWith("/serving-endpoints/anthropic/") || path === "/v1/messages" || path.startsWith("/v1/messages/")) return "anthropic";
  if (path.startsWith("/serving-endpoints/gemini/")) return "gemini";
  if (path === "/serving-endpoints/responses" || path === "/serving-endpoints/open-responses") return "openai";
  if (path === "/v1" || path.startsWith("/v1/")) return "openai";
  return OPENAI_PATHS.has(path.replace(/\/+$/, "")) ? "openai" : "databricks";
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Maps any thrown value to a GatewayError; `internal` is true when it was not one we meant to throw. */
export function toGatewayError(err: unknown, bodyLimit: number): { error: GatewayError; internal: boolean } {
  if (err instanceof GatewayError) return { error: err, internal: false };
  const e = (err ?? {}) as FastifyLikeError;
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { error: new GatewayError(ERROR_KINDS.PAYLOAD_TOO_LARGE, `Request body is larger than the limit of ${bodyLimit} bytes.`), internal: false };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { error: new GatewayError(ERROR_KINDS.UNSUPPORTED_MEDIA_TYPE, "Unsupported content type; send application/json."), internal: false };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { error: new GatewayError(ERROR_KINDS.MALFORMED_REQUEST, "The request body is empty; send a JSON object."), internal: false };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return { error: new GatewayError(ERROR_KINDS.MALFORMED_REQUEST, "The request body is not valid JSON."), internal: false };
  }
  if (err instanceof SyntaxError || (e.statusCode === 400 && /JSON|proto/i.test(e.message ?? ""))) {
    return { error: new GatewayError(ERROR_KINDS.MALFORMED_REQUEST, "The request body is not valid JSON."), internal: false };
  }
  if (isStoreUnavailable(err)) return { error: errors.storeUnavailable(), internal: false };
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return { error: new GatewayError(ERROR_KINDS.BAD_REQUEST, "Bad request.", { status: e.statusCode }), internal: false };
  }
  return { error: new GatewayError(ERROR_KINDS.INTERNAL, "Internal error."), internal: true };
}

/** The error body for a route family. */
export function errorBody(err: GatewayError, family: RouteFamily, requestId: string): JsonObject {
  if (family === "anthropic") return anthropicError(err, requestId).body;
  if (family === "gemini") return geminiError(err, requestId).body;
  if (family === "openai") {
    return {
      error: {
        message: err.message,
        type: err.kind.openaiType,
        param: err.param ?? null,
        code: err.openaiCode ?? err.kind.errorCode,
      },
    };
  }
  const details: JsonObject[] = [{ "@type": "type.googleapis.com/google.rpc.RequestInfo", request_id: requestId }];
  // The field an invalid-parameter error is about, in Google's BadRequest detail, so a
  // form (the web UI's) can show the message next to that field.
  if (err.param) details.push({ "@type": "type.googleapis.com/google.rpc.BadRequest", field_violations: [{ field: err.param, description: err.message }] });
  const body: JsonObject = { error_code: err.kind.errorCode, message: err.message, details };
  if (err.upstream?.body !== undefined) body["external_model_message"] = err.upstream.body;
  return body;
}
