import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "./errors.js";
import { parseTimeArg } from "./time-arg.js";

const NOW = Date.UTC(2025, 5, 1, 12);

describe("time options", () => {
  it("reads now, durations ago, epoch ms and ISO 8601", () => {
    assert.equal(parseTimeArg("now", "--start", "", NOW), NOW);
    assert.equal(parseTimeArg("90m", "--start", "", NOW), NOW - 90 * 60_000);
    assert.equal(parseTimeArg("2d", "--start", "", NOW), NOW - 2 * 86_400_000);
    assert.equal(parseTimeArg("1717243200000", "--start", "", NOW), 1717243200000);
    assert.equal(parseTimeArg("2025-01-31", "--start", "", NOW), Date.UTC(2025, 0, 31));
    assert.equal(parseTimeArg("2025-01-31T12:00:00+02:00", "--start", "", NOW), Date.UTC(2025, 0, 31, 10));
  });

  it("rejects anything else as a usage error naming the option", () => {
    assert.throws(() => parseTimeArg("yesterday", "--since", "", NOW), (e: unknown) => e instanceof UsageError && e.message.startsWith("--since 'yesterday'"));
    assert.throws(() => parseTimeArg("12", "--start", "", NOW), UsageError);
  });
});
