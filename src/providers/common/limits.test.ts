import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { configureUpstreamLimits, DEFAULT_UPSTREAM_LIMITS, EventSizeGuard, armTotalDeadline, headersDeadline, readBounded, upstreamDefaults } from "./limits.js";

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

  it("the total deadline cuts the first-byte wait to the total, then destroys the body with a 504 GatewayError; a closed body clears it", async () => {
    assert.equal(headersDeadline({ ...DEFAULT_UPSTREAM_LIMITS, firstByteMs: 300, totalMs: 100 }), 100);
    assert.equal(headersDeadline({ ...DEFAULT_UPSTREAM_LIMITS, firstByteMs: 50, totalMs: 100 }), 50);
    const endless = new Readable({ read() {} });
    const failed = new Promise<unknown>((resolve) => endless.once("error", resolve));
    armTotalDeadline(endless, 20, 600, "p");
    // The deadline's timer is unref'd (it never holds the process open): a ref'd one keeps the test alive meanwhile.
    const keep = setTimeout(() => {}, 1000);
    const reason = await failed;
    clearTimeout(keep);
    assert.ok(reason instanceof GatewayError && reason.kind === ERROR_KINDS.UPSTREAM_TIMEOUT && /within 600 ms/.test(reason.message));
    const done = new Readable({ read() {} });
    armTotalDeadline(done, 20, 20, "p");
    done.destroy();
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(done.errored, null);
  });

  it("a body that closes before its end is an upstream failure, not a hang", async () => {
    const cut = new Readable({ read() {} });
    const read = readBounded(cut, {}, 1000, "p");
    cut.push(Buffer.from("{"));
    cut.destroy();
    await assert.rejects(read, (e: unknown) => e instanceof GatewayError && e.kind === ERROR_KINDS.UPSTREAM_UNAVAILABLE);
  });
});
