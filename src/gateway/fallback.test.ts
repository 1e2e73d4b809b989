import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ERROR_KINDS, errors, GatewayError, kindForStatus } from "./errors.js";
import { isRetryable, isRetryableOnSameEntity } from "./fallback.js";

const upstream = (status: number) => new GatewayError(kindForStatus(status), `HTTP ${status}`, { status });

describe("which failures are retried", () => {
  it("429, 5xx, connect errors and time-outs fall back; client errors and our bugs do not", () => {
    for (const s of [429, 500, 502, 503, 504, 529]) assert.ok(isRetryable(upstream(s)), String(s));
    assert.ok(isRetryable(errors.unavailable("Could not reach x: ECONNREFUSED.")));
    assert.ok(isRetryable(errors.timeout("Timed out.")));
    for (const s of [400, 401, 403, 404, 409, 413, 422]) assert.ok(!isRetryable(upstream(s)), String(s));
    assert.ok(!isRetryable(new TypeError("bug")));
    assert.ok(!isRetryable(new DOMException("aborted", "AbortError")));
  });
  it("the same entity is not asked again after a time-out, a 501 or our own internal error", () => {
    assert.ok(isRetryableOnSameEntity(upstream(429)));
    assert.ok(isRetryableOnSameEntity(upstream(503)));
    assert.ok(isRetryableOnSameEntity(upstream(500)));
    assert.ok(!isRetryableOnSameEntity(upstream(504)));
    assert.ok(!isRetryableOnSameEntity(upstream(501)));
    assert.ok(!isRetryableOnSameEntity(new GatewayError(ERROR_KINDS.INTERNAL, "key unusable")));
    assert.ok(!isRetryableOnSameEntity(upstream(400)));
  });
});
