import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import { parseRange, parseWindow } from "./usage-params.js";

const NOW = 1_750_000_000_000;

function paramOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.status, 400);
    return err.param;
  }
  assert.fail("expected a 400");
}

describe("usage query parameters", () => {
  it("defaults to the last 24 hours by hour", () => {
    assert.deepEqual(parseWindow({}, NOW), { start: NOW + 1 - 86_400_000, end: NOW + 1, granularity: "hour" });
    assert.deepEqual(parseWindow({ start_time: "1000", end_time: "5000", granularity: "minute" }, NOW), { start: 1000, end: 5000, granularity: "minute" });
    assert.deepEqual(parseRange({}, NOW, Infinity), { start: 0, end: NOW + 1 });
  });

  it("names the bad parameter", () => {
    assert.equal(paramOf(() => parseWindow({ start_time: "yesterday" }, NOW)), "start_time");
    assert.equal(paramOf(() => parseWindow({ end_time: "-5" }, NOW)), "end_time");
    assert.equal(paramOf(() => parseWindow({ start_time: "5000", end_time: "5000" }, NOW)), "end_time");
    assert.equal(paramOf(() => parseWindow({ granularity: "week" }, NOW)), "granularity");
    assert.equal(paramOf(() => parseWindow({ granularity: ["hour", "day"] }, NOW)), "granularity");
    assert.equal(paramOf(() => parseWindow({ start_time: "0", granularity: "minute" }, NOW)), "granularity", "too many buckets");
  });
});
