import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adjusted, EPSILON_MS, intervalMs, PERIOD_MS, taken, waitMs } from "./gcra.js";

const NOW = 1_700_000_000_000;

/** Takes `cost` (checking `check`) from a bucket of `limit` at time `now`; undefined when refused. */
function take(tat: number | undefined, now: number, limit: number, cost = 1, check = cost): number | undefined {
  const i = intervalMs(limit);
  return waitMs(tat, now, i, check) > EPSILON_MS ? undefined : taken(tat, now, i, cost);
}

describe("GCRA window math", () => {
  it("lets exactly L of 1 through a fresh bucket, for awkward L too", () => {
    for (const limit of [1, 3, 7, 20, 49, 1000]) {
      let tat: number | undefined;
      let passed = 0;
      for (let i = 0; i < limit + 5; i++) {
        const next = take(tat, NOW, limit);
        if (next !== undefined) {
          tat = next;
          passed++;
        }
      }
      assert.equal(passed, limit, `limit ${limit}`);
    }
  });

  it("refills one unit per interval and says how long to wait", () => {
    let tat: number | undefined;
    for (let i = 0; i < 3; i++) tat = take(tat, NOW, 3);
    assert.equal(waitMs(tat, NOW, intervalMs(3), 1), 20_000);
    assert.equal(take(tat, NOW + 19_999, 3), undefined);
    const after = take(tat, NOW + 20_000, 3);
    assert.ok(after !== undefined);
    assert.equal(take(after, NOW + 20_000, 3), undefined, "one unit came back, not two");
  });

  it("never holds more than L: a long idle time does not bank budget", () => {
    let tat: number | undefined = take(undefined, NOW, 3);
    let passed = 0;
    const later = NOW + 10 * PERIOD_MS;
    for (let i = 0; i < 10; i++) {
      const next = take(tat, later, 3);
      if (next !== undefined) {
        tat = next;
        passed++;
      }
    }
    assert.equal(passed, 3);
  });

  it("bursts at most L at once, then L per minute: no 2L burst at a window boundary", () => {
    // Fire as fast as allowed, one attempt per 100 ms, for ten minutes.
    let tat: number | undefined;
    const times: number[] = [];
    for (let t = NOW; t < NOW + 10 * PERIOD_MS; t += 100) {
      const next = take(tat, t, 6);
      if (next !== undefined) {
        tat = next;
        times.push(t);
      }
    }
    // A burst of 6, then one every 10 s.
    assert.equal(times.length, 6 + 59);
    for (let i = 0; i < times.length; i++) {
      const inMinute = times.filter((x) => x >= (times[i] as number) && x < (times[i] as number) + PERIOD_MS).length;
      assert.ok(inMinute <= 2 * 6 - 1, `${inMinute} in the minute from ${i}`);
      const inTenSeconds = times.filter((x) => x >= (times[i] as number) && x < (times[i] as number) + 10_000).length;
      assert.ok(inTenSeconds <= 6 + 1, `${inTenSeconds} in the 10 s from ${i}`);
    }
  });

  it("checks a clamped amount but charges the whole cost (a request larger than the limit runs into debt)", () => {
    const tat = take(undefined, NOW, 100, 300, 100);
    assert.ok(tat !== undefined, "a full bucket takes it");
    assert.equal(tat, NOW + 3 * PERIOD_MS);
    assert.equal(take(tat, NOW + PERIOD_MS, 100, 1), undefined, "still in debt after a minute");
    assert.ok(take(tat, NOW + 2 * PERIOD_MS + intervalMs(100), 100, 1) !== undefined);
  });

  it("corrects a reservation up and down", () => {
    const i = intervalMs(100);
    const tat = taken(undefined, NOW, i, 40);
    assert.equal(adjusted(tat, NOW, i, 10), NOW + 50 * i);
    assert.equal(adjusted(tat, NOW, i, -15), NOW + 25 * i);
    assert.equal(adjusted(tat, NOW, i, -40), undefined, "all refunded: full again");
    assert.equal(adjusted(tat, NOW + PERIOD_MS, i, -40), undefined, "a refund after the refill changes nothing");
    assert.equal(adjusted(undefined, NOW, i, 5), NOW + 5 * i, "a charge on a full bucket starts from now");
    assert.equal(adjusted(undefined, NOW, i, -5), undefined);
    assert.equal(adjusted(NOW - 1000, NOW, i, 5), NOW + 5 * i, "a stale state counts from now");
  });
});
