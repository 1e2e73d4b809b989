/**
 * Which failures another attempt may cure. Only the upstream's own trouble qualifies: a
 * 429 (that upstream is busy), a 5xx (it failed, or could not be reached: a refused
 * connection is a 503 UPSTREAM_UNAVAILABLE, a time-out a 504 UPSTREAM_TIMEOUT). A 4xx other
 * than 429 (400 bad request, 401/403 bad credentials, 404, 413 …) is about the request or
 * the entity's config; the same request would fail again, so it is returned as it is.
 * Anything that is not a GatewayError is a bug of ours, never retried.
 */
import { ERROR_KINDS, GatewayError } from "./errors.js";

/** May the request be tried on another served entity after this error? */
export function isRetryable(err: unknown): err is GatewayError {
  return err instanceof GatewayError && (err.status === 429 || err.status >= 500);
}

/**
 * May the SAME entity be tried once more? As `isRetryable`, but not after a time-out (the
 * attempt already took the whole upstream time budget; a second would double the wait) nor
 * after a 501 (the upstream does not implement it; asking again will not change that), nor
 * after an INTERNAL error raised on our side of the entity (e.g. a credential that cannot
 * be used) — other entities may still serve in those cases.
 */
export function isRetryableOnSameEntity(err: unknown): err is GatewayError {
  return isRetryable(err) && err.status !== 504 && err.status !== 501 && err.kind !== ERROR_KINDS.INTERNAL;
}
