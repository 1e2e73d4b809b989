/**
 * How Bedrock says something went wrong: over HTTP, an error status with the exception's
 * name in `x-amzn-errortype` (`ThrottlingException:http://internal.amazon.com/coral/…`)
 * and `{"message"}` (some services spell it `Message`) in the body; inside a stream, an
 * exception frame (`:message-type: exception`, `:exception-type: throttlingException`)
 * whose payload is the same `{"message"}`.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { upstreamError, type ErrorReader, type UpstreamErrorReply } from "../common/index.js";

export const PROVIDER = "amazon-bedrock";

function header(reply: UpstreamErrorReply, name: string): string | undefined {
  const v = reply.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The exception's short name, e.g. `ThrottlingException`. */
export function errorTypeOf(reply: UpstreamErrorReply): string | undefined {
  const raw = header(reply, "x-amzn-errortype");
  if (raw) return raw.split(":")[0];
  const body = reply.body;
  if (body && typeof body === "object") {
    const t = (body as Record<string, unknown>)["__type"];
    if (typeof t === "string") return t.split("#").pop()?.split(":")[0];
  }
  return undefined;
}

/**
 * Bedrock's reading of its own errors. Two statuses are changed for the client:
 * a model failure (`ModelErrorException` / `ModelStreamErrorException`, HTTP 424) is the
 * upstream's fault, so it becomes a 502 that retries and fallbacks treat as a server
 * error; a model timeout (`ModelTimeoutException`, 408) becomes a 504.
 */
export const bedrockErrors: ErrorReader = {
  status(reply) {
    if (reply.status === 424) return 502;
    if (reply.status === 408) return 504;
    return undefined;
  },
  message(reply) {
    const body = reply.body;
    if (body && typeof body === "object") {
      const o = body as Record<string, unknown>;
      for (const k of ["message", "Message"]) {
        const m = o[k];
        if (typeof m === "string" && m) return m;
      }
    }
    return undefined;
  },
  code: errorTypeOf,
};

/** The HTTP status Bedrock gives each exception that can arrive inside a stream. */
const EXCEPTION_STATUS: Record<string, number> = {
  throttlingException: 429,
  validationException: 400,
  modelStreamErrorException: 424,
  internalServerException: 500,
  serviceUnavailableException: 503,
  modelTimeoutException: 408,
};

/** The GatewayError for an exception frame; an unknown exception is a server error. */
export function streamException(exceptionType: string, payload: unknown): GatewayError {
  const status = EXCEPTION_STATUS[exceptionType] ?? 500;
  const name = exceptionType.charAt(0).toUpperCase() + exceptionType.slice(1);
  return upstreamError(PROVIDER, { status, body: payload, headers: { "x-amzn-errortype": name } }, bedrockErrors);
}

/** The GatewayError for an `:message-type: error` frame (`:error-code`, `:error-message` headers). */
export function streamErrorFrame(code: string, message: string): GatewayError {
  return upstreamError(PROVIDER, { status: 500, body: { message: message || code }, headers: { "x-amzn-errortype": code } }, bedrockErrors);
}

/** A stream that stopped before its final events (`messageStop` and `metadata`). */
export function truncated(): GatewayError {
  return new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Amazon Bedrock stream ended before it was complete.");
}
