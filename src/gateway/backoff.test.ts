import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay, parseRetryAfter, sleep } from "./backoff.js";

describe("Retry-After", () => {
  it("reads delay-seconds and HTTP dates; ignores what it cannot read", () => {
    assert.equal(parseRetryAfter("2"), 2000);
    assert.equal(parseRetryAfter(" 1.5 "), 1500);
    assert.equal(parseRetryAfter("0"), 0);
    const now = Date.parse("2025-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("Wed, 01 Jan 2025 00:00:03 GMT", now), 3000);
    assert.equal(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now), 0, "a date in the past is now");
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter(""), undefined);
    assert.equal(parseRetryAfter("soon"), undefined);
    assert.equal(parseRetryAfter("-3"), undefined);
  });
});

describe("backoff", () => {
  const opts = { baseMs: 200, maxMs: 1000 };
  it("grows exponentially with half of each step jittered, up to the cap", () => {
    assert.equal(backoffDelay(0, opts, () => 0), 100);
    assert.equal(backoffDelay(0, opts, () => 1), 200);
    assert.equal(backoffDelay(1, opts, () => 0), 200);
    assert.equal(backoffDelay(2, opts, () => 1), 800);
    assert.equal(backoffDelay(10, opts, () => 1), 1000);
    assert.equal(backoffDelay(10, opts, () => 0), 500);
  });
  it("sleeps, and wakes early when aborted", async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = sleep(10_000, ac.signal);
    setTimeout(() => ac.abort(), 10);
    await p;
    assert.ok(Date.now() - t0 < 1000);
    const t1 = Date.now();
    await sleep(20, new AbortController().signal);
    assert.ok(Date.now() - t1 >= 15);
    await sleep(10_000, ac.signal); // already aborted: at once
  });
});
