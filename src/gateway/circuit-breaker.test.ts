import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Breakers, CircuitBreaker } from "./circuit-breaker.js";
import type { LiveEntity } from "./live-endpoints.js";

const OPTS = { threshold: 3, windowMs: 10_000, cooldownMs: 1_000, maxCooldownMs: 4_000 };

function openAt(b: CircuitBreaker, now: number): void {
  for (let i = 0; i < OPTS.threshold; i++) b.failed(now);
  assert.equal(b.stateAt(now), "open");
}

describe("circuit breaker", () => {
  it("opens after N failures in a row within the window; a success in between resets the count", () => {
    const b = new CircuitBreaker(OPTS);
    b.failed(0);
    b.failed(1);
    b.succeeded();
    b.failed(2);
    b.failed(3);
    assert.equal(b.stateAt(3), "closed");
    b.failed(4);
    assert.equal(b.stateAt(4), "open");
    assert.equal(b.tryAcquire(5), false);
  });

  it("does not count failures spread wider than the window", () => {
    const b = new CircuitBreaker(OPTS);
    b.failed(0);
    b.failed(5_000);
    b.failed(10_001); // the streak starts again here
    b.failed(10_002);
    assert.equal(b.stateAt(10_002), "closed");
    b.failed(10_003);
    assert.equal(b.stateAt(10_003), "open");
  });

  it("after the cool-down lets one trial through; its success closes", () => {
    const b = new CircuitBreaker(OPTS);
    openAt(b, 0);
    assert.equal(b.tryAcquire(999), false);
    assert.equal(b.stateAt(1_000), "half-open");
    assert.equal(b.tryAcquire(1_000), true, "the trial");
    assert.equal(b.tryAcquire(1_001), false, "only one trial at a time");
    b.succeeded();
    assert.equal(b.stateAt(1_002), "closed");
    assert.equal(b.tryAcquire(1_002), true);
  });

  it("a failed trial opens again for twice as long, up to the cap; success resets the growth", () => {
    const b = new CircuitBreaker(OPTS);
    openAt(b, 0);
    assert.ok(b.tryAcquire(1_000));
    b.failed(1_000);
    assert.equal(b.stateAt(1_000), "open");
    assert.equal(b.tryAcquire(2_999), false);
    assert.ok(b.tryAcquire(3_000), "2 s cool-down");
    b.failed(3_000);
    assert.equal(b.tryAcquire(6_999), false);
    assert.ok(b.tryAcquire(7_000), "4 s");
    b.failed(7_000);
    assert.equal(b.tryAcquire(10_999), false);
    assert.ok(b.tryAcquire(11_000), "capped at 4 s");
    b.succeeded();
    openAt(b, 20_000);
    assert.ok(b.tryAcquire(21_000), "back to 1 s after a close");
  });

  it("honours a Retry-After longer than the cool-down, within the cap", () => {
    const b = new CircuitBreaker(OPTS);
    b.failed(0);
    b.failed(0);
    b.failed(0, 3_000);
    assert.equal(b.tryAcquire(2_999), false);
    assert.ok(b.tryAcquire(3_000));
    const c = new CircuitBreaker(OPTS);
    for (let i = 0; i < 3; i++) c.failed(0, 60_000);
    assert.ok(c.tryAcquire(4_000), "capped at maxCooldownMs");
  });

  it("a released trial (client gone) frees the slot; a lost trial expires after a cool-down", () => {
    const b = new CircuitBreaker(OPTS);
    openAt(b, 0);
    assert.ok(b.tryAcquire(1_000));
    b.released();
    assert.ok(b.tryAcquire(1_001), "the next request is the trial");
    assert.equal(b.tryAcquire(1_500), false);
    assert.ok(b.tryAcquire(2_001), "the trial never reported back");
  });

  it("failures while open (requests forced through) do not extend the cool-down", () => {
    const b = new CircuitBreaker(OPTS);
    openAt(b, 0);
    b.failed(500);
    assert.ok(b.tryAcquire(1_000));
  });

  it("keeps one breaker per entity object, made on demand", () => {
    const breakers = new Breakers(OPTS);
    const a: LiveEntity = { name: "a", model: "m", provider: {} };
    const a2: LiveEntity = { name: "a", model: "m", provider: {} };
    assert.equal(breakers.peek(a), undefined);
    assert.equal(breakers.stateOf(a, 0), "closed");
    assert.equal(breakers.of(a), breakers.of(a));
    for (let i = 0; i < 3; i++) breakers.of(a).failed(0);
    assert.equal(breakers.stateOf(a, 0), "open");
    assert.equal(breakers.stateOf(a2, 0), "closed", "a rebuilt entity starts afresh");
  });
});
