/**
 * The one error registry. Every error the gateway answers with is a `GatewayError`
 * made from an entry here, so that each has a stable code, an HTTP status, a
 * Databricks `error_code` and an OpenAI error `type`. `server/errors.ts` renders it
 * in the shape of the route family (Databricks or OpenAI). `docs/errors.md` lists the
 * registry; a test keeps the two in sync.
 *
 * @example
 *   throw errors.notFound(`Endpoint with name '${name}' does not exist.`);
 */

export interface ErrorKind {
  /** Stable Tessera code, documented in docs/errors.md. */
  readonly code: string;
  readonly status: number;
  /** Databricks `error_code`. */
  readonly errorCode: string;
  /** OpenAI error `type`. */
  readonly openaiType: string;
}

export const ERROR_KINDS = {
  MALFORMED_REQUEST: { code: "MALFORMED_REQUEST", status: 400, errorCode: "MALFORMED_REQUEST", openaiType: "invalid_request_error" },
  INVALID_PARAMETER: { code: "INVALID_PARAMETER", status: 400, errorCode: "INVALID_PARAMETER_VALUE", openaiType: "invalid_request_error" },
  BAD_REQUEST: { code: "BAD_REQUEST", status: 400, errorCode: "BAD_REQUEST", openaiType: "invalid_request_error" },
  JSON_TOO_COMPLEX: { code: "JSON_TOO_COMPLEX", status: 400, errorCode: "BAD_REQUEST", openaiType: "invalid_request_error" },
  INVALID_STATE: { code: "INVALID_STATE", status: 400, errorCode: "INVALID_STATE", openaiType: "invalid_request_error" },
  UNAUTHENTICATED: { code: "UNAUTHENTICATED", status: 401, errorCode: "UNAUTHENTICATED", openaiType: "authentication_error" },
  PERMISSION_DENIED: { code: "PERMISSION_DENIED", status: 403, errorCode: "PERMISSION_DENIED", openaiType: "permission_error" },
  NOT_FOUND: { code: "NOT_FOUND", status: 404, errorCode: "RESOURCE_DOES_NOT_EXIST", openaiType: "not_found_error" },
  METHOD_NOT_ALLOWED: { code: "METHOD_NOT_ALLOWED", status: 405, errorCode: "BAD_REQUEST", openaiType: "invalid_request_error" },
  REQUEST_TIMEOUT: { code: "REQUEST_TIMEOUT", status: 408, errorCode: "BAD_REQUEST", openaiType: "invalid_request_error" },
  ALREADY_EXISTS: { code: "ALREADY_EXISTS", status: 409, errorCode: "RESOURCE_ALREADY_EXISTS", openaiType: "invalid_request_error" },
  PAYLOAD_TOO_LARGE: { code: "PAYLOAD_TOO_LARGE", status: 413, errorCode: "BAD_REQUEST", openaiType: "invalid_request_error" },
  UNSUPPORTED_MEDIA_TYPE: { code: "UNSUPPORTED_MEDIA_TYPE", status: 415, errorCode: "BAD_REQUEST", openaiType: "invalid_request_error" },
  HEADERS_TOO_LARGE: { code: "HEADERS_TOO_LARGE", status: 431, errorCode: "BAD_REQUEST", openaiType: "invalid_request_error" },
  TOO_MANY_CONNECTIONS: { code: "TOO_MANY_CONNECTIONS", status: 429, errorCode: "REQUEST_LIMIT_EXCEEDED", openaiType: "rate_limit_error" },
  RATE_LIMITED: { code: "RATE_LIMITED", status: 429, errorCode: "REQUEST_LIMIT_EXCEEDED", openaiType: "rate_limit_error" },
  INTERNAL: { code: "INTERNAL", status: 500, errorCode: "INTERNAL_ERROR", openaiType: "api_error" },
  // Never answered (the client is gone): the code its usage record and metrics carry.
  CLIENT_CLOSED: { code: "CLIENT_CLOSED", status: 499, errorCode: "CANCELLED", openaiType: "api_error" },
  NOT_IMPLEMENTED: { code: "NOT_IMPLEMENTED", status: 501, errorCode: "NOT_IMPLEMENTED", openaiType: "api_error" },
  UPSTREAM_UNAVAILABLE: { code: "UPSTREAM_UNAVAILABLE", status: 503, errorCode: "TEMPORARILY_UNAVAILABLE", openaiType: "api_error" },
  SERVER_BUSY: { code: "SERVER_BUSY", status: 503, errorCode: "TEMPORARILY_UNAVAILABLE", openaiType: "api_error" },
  STORE_UNAVAILABLE: { code: "STORE_UNAVAILABLE", status: 503, errorCode: "TEMPORARILY_UNAVAILABLE", openaiType: "api_error" },
  UPSTREAM_TIMEOUT: { code: "UPSTREAM_TIMEOUT", status: 504, errorCode: "DEADLINE_EXCEEDED", openaiType: "api_error" },
  UPSTREAM_ERROR: { code: "UPSTREAM_ERROR", status: 502, errorCode: "INTERNAL_ERROR", openaiType: "api_error" },
  UPSTREAM_CREDENTIALS_REJECTED: { code: "UPSTREAM_CREDENTIALS_REJECTED", status: 400, errorCode: "UPSTREAM_CREDENTIALS_REJECTED", openaiType: "invalid_request_error" },
  UPSTREAM_MODEL_NOT_FOUND: { code: "UPSTREAM_MODEL_NOT_FOUND", status: 400, errorCode: "UPSTREAM_MODEL_NOT_FOUND", openaiType: "invalid_request_error" },
  UPSTREAM_BAD_RESPONSE: { code: "UPSTREAM_BAD_RESPONSE", status: 502, errorCode: "INTERNAL_ERROR", openaiType: "api_error" },
  UPSTREAM_TOO_LARGE: { code: "UPSTREAM_TOO_LARGE", status: 502, errorCode: "INTERNAL_ERROR", openaiType: "api_error" },
} as const satisfies Record<string, ErrorKind>;

export type ErrorKindName = keyof typeof ERROR_KINDS;

/** Details an upstream (provider) error keeps, so the client sees what the provider said. */
export interface UpstreamErrorDetail {
  provider: string;
  status: number;
  /** The provider's own error body, already scrubbed of credentials. */
  body?: unknown;
}

export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  /** The request field the error is about (OpenAI `param`). */
  readonly param: string | undefined;
  /** Seconds, echoed as `Retry-After`. */
  readonly retryAfter: string | undefined;
  readonly upstream: UpstreamErrorDetail | undefined;
  /** OpenAI `code` to report, when an upstream gave one. */
  readonly openaiCode: string | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    opts: { param?: string; retryAfter?: string; upstream?: UpstreamErrorDetail; status?: number; openaiCode?: string } = {},
  ) {
    super(message);
    this.name = "GatewayError";
    this.kind = kind;
    this.status = opts.status ?? kind.status;
    this.param = opts.param;
    this.retryAfter = opts.retryAfter;
    this.upstream = opts.upstream;
    this.openaiCode = opts.openaiCode;
  }
}

/**
 * Maps an upstream HTTP status to the kind whose Databricks code fits it; the status itself
 * is kept, except for an upstream 401/403 or 404, which the gateway answers with its own
 * kinds (`upstream-errors.ts`): a provider refusing the credentials configured for an entity
 * must never look like the caller's own bad token (401 UNAUTHENTICATED, which SDKs raise
 * as `Unauthenticated` / `AuthenticationError`), nor a missing model like a missing endpoint.
 */
export function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 400:
    case 422:
      return ERROR_KINDS.BAD_REQUEST;
    case 401:
    case 403:
      return ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED;
    case 404:
      return ERROR_KINDS.UPSTREAM_MODEL_NOT_FOUND;
    case 409:
      return ERROR_KINDS.ALREADY_EXISTS;
    case 413:
      return ERROR_KINDS.PAYLOAD_TOO_LARGE;
    case 429:
      return ERROR_KINDS.RATE_LIMITED;
    case 501:
      return ERROR_KINDS.NOT_IMPLEMENTED;
    case 503:
      return ERROR_KINDS.UPSTREAM_UNAVAILABLE;
    case 504:
      return ERROR_KINDS.UPSTREAM_TIMEOUT;
    default:
      if (status >= 500) return ERROR_KINDS.UPSTREAM_ERROR;
      return ERROR_KINDS.BAD_REQUEST;
  }
}

/** Constructors for the common cases, so call sites read as sentences. */
export const errors = {
  malformed: (message: string) => new GatewayError(ERROR_KINDS.MALFORMED_REQUEST, message),
  invalidParameter: (param: string, message: string) => new GatewayError(ERROR_KINDS.INVALID_PARAMETER, message, { param }),
  badRequest: (message: string, param?: string) => new GatewayError(ERROR_KINDS.BAD_REQUEST, message, param ? { param } : {}),
  invalidState: (message: string) => new GatewayError(ERROR_KINDS.INVALID_STATE, message),
  unauthenticated: (message: string) => new GatewayError(ERROR_KINDS.UNAUTHENTICATED, message),
  permissionDenied: (message: string) => new GatewayError(ERROR_KINDS.PERMISSION_DENIED, message),
  notFound: (message: string) => new GatewayError(ERROR_KINDS.NOT_FOUND, message),
  alreadyExists: (message: string) => new GatewayError(ERROR_KINDS.ALREADY_EXISTS, message),
  payloadTooLarge: (limit: number) =>
    new GatewayError(ERROR_KINDS.PAYLOAD_TOO_LARGE, `Request body is larger than the limit of ${limit} bytes.`),
  internal: (message = "Internal error.") => new GatewayError(ERROR_KINDS.INTERNAL, message),
  notImplemented: (message: string) => new GatewayError(ERROR_KINDS.NOT_IMPLEMENTED, message),
  unavailable: (message: string) => new GatewayError(ERROR_KINDS.UPSTREAM_UNAVAILABLE, message),
  storeUnavailable: () =>
    new GatewayError(ERROR_KINDS.STORE_UNAVAILABLE, "The gateway's database is unreachable right now; the change was not made. Retry shortly.", { retryAfter: "1" }),
  timeout: (message: string) => new GatewayError(ERROR_KINDS.UPSTREAM_TIMEOUT, message),
};
