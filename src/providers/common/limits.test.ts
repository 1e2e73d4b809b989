import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { configureUpstreamLimits, DEFAULT_UPSTREAM_LIMITS, EventSizeGuard, readBounded, totalDeadline, upstreamDefaults } from "./limits.js";

describe("upstream limits", () => {
  it("reads TESSERA_UPSTREAM_* into the process-wide defaults; a bad value names its variable", () => {
    try {
      const l = configureUpstreamLimits({ TESSERA_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: "60000", TESSERA_UPSTREAM_MAX_EVENT_BYTES: "1024" });
      assert.equal(l.firstByteMs, 60_000);
      assert.equal(l.maxEventBytes, 1024);
      assert.equal(l.totalMs, DEFAULT_UPSTREAM_LIMITS.totalMs);
      assert.equal(upstreamDefaults().firstByteMs, 60_000);
      assert.throws(() => configureUpstreamLimits({ TESSERA_UPSTREAM_IDLE_TIMEOUT_MS: "soon" }), /TESSERA_UPSTREAM_IDLE_TIMEOUT_MS must be a positive integer/);
      assert.throws(() => configureUpstreamLimits({ TESSERA_UPSTREAM_TOTAL_TIMEOUT_MS: "0" }), /TESSERA_UPSTREAM_TOTAL_TIMEOUT_MS/);
    } finally {
      configureUpstreamLimits({});
    }
    assert.deepEqual(upstreamDefaults(), DEFAULT_UPSTREAM_LIMITS);
  });

  it("an event guard passes events under the bound and trips on bytes without an event past it", () => {
    const g = new EventSizeGuard(10);
    g.add(8);
    g.event();
    g.add(8);
    assert.equal(g.over(), false);
    g.add(3);
    assert.equal(g.over(), true);
  });

  it("a body is read up to its bound: a declared length over it is refused unread, a longer body is cut", async () => {
    assert.equal((await readBounded(Readable.from([Buffer.from("ab"), Buffer.from("cd")]), {}, 4, "p")).toString(), "abcd");
    const declared = Readable.from([Buffer.from("x")]);
    await assert.rejects(readBounded(declared, { "content-length": "5" }, 4, "p"), (e: unknown) => e instanceof GatewayError && e.kind === ERROR_KINDS.UPSTREAM_TOO_LARGE);
    assert.ok(declared.destroyed);
    const long = Readable.from([Buffer.from("abc"), Buffer.from("def")]);
    await assert.rejects(readBounded(long, {}, 4, "p"), /larger than the limit of 4 bytes/);
    assert.ok(long.destroyed);
  });

  it("the total deadline aborts with a 504 GatewayError; the caller's abort passes through; clear() stops it", async () => {
    const d = totalDeadline(new AbortController().signal, 20, "p");
    await new Promise((r) => setTimeout(r, 40));
    assert.ok(d.signal.reason instanceof GatewayError && d.signal.reason.kind === ERROR_KINDS.UPSTREAM_TIMEOUT);
    const outer = new AbortController();
    const d2 = totalDeadline(outer.signal, 1000, "p");
    outer.abort(new Error("client gone"));
    assert.equal((d2.signal.reason as Error).message, "client gone");
    d2.clear();
    const d3 = totalDeadline(new AbortController().signal, 20, "p");
    d3.clear();
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(d3.signal.aborted, false);
  });
});
