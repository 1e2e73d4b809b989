import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import type { Principal } from "../auth/principal.js";
import { ERROR_KINDS, GatewayError } from "../gateway/errors.js";
import type { LiveEndpoint } from "../gateway/live-endpoints.js";
import type { LimitRequest } from "../gateway/policies.js";
import { Limiter } from "./limiter.js";
import { MemoryStore } from "./memory-store.js";
import type { RateLimitEntry } from "./rules.js";
import type { BucketStore } from "./store.js";

const silent = pino({ level: "silent" });
const alice: Principal = { id: "2", kind: "user", name: "alice", displayName: "Alice", groups: ["team"], admin: false };
const app: Principal = { id: "3", kind: "service_principal", name: "app-1", displayName: "App", groups: [], admin: false };
const m = "minute" as const;

function ep(name = "chat"): LiveEndpoint {
  return { id: "e1", name, task: "llm/v1/chat", entities: [], routes: [], refs: [] };
}

function req(limits: RateLimitEntry[], caller: Principal = alice, estimatedTokens = 0, endpoint = ep()): LimitRequest {
  return { endpoint, caller, limits, estimatedTokens };
}

/** Resolves to the 429 the promise rejects with. */
async function refused(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return err;
  }
  assert.fail("admitted, expected a 429");
}

describe("rate limiter", () => {
  it("refuses the call over the limit with a 429 that names the limit, the caller and when to retry", async () => {
    const l = new Limiter(new MemoryStore(), silent);
    const limits: RateLimitEntry[] = [{ calls: 5, key: "user", renewal_period: m }];
    for (let i = 0; i < 5; i++) await l.admit(req(limits));
    const err = await refused(l.admit(req(limits)));
    assert.equal(err.kind, ERROR_KINDS.RATE_LIMITED);
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, "12");
    assert.equal(err.message, "Rate limit of 5 calls per minute for user alice on endpoint chat exceeded. Retry in 12 s.");
    await l.admit(req(limits, { ...alice, name: "bob" }));
  });

  it("words the message for each kind of budget", async () => {
    const l = new Limiter(new MemoryStore(), silent);
    const cases: Array<[RateLimitEntry, Principal, string]> = [
      [{ calls: 1, key: "endpoint", renewal_period: m }, alice, "Rate limit of 1 call per minute on endpoint chat exceeded."],
      [{ calls: 1, key: "service_principal", renewal_period: m }, app, "Rate limit of 1 call per minute for service principal app-1 on endpoint chat exceeded."],
      [{ tokens: 1, key: "user_group", renewal_period: m }, alice, "Rate limit of 1 token per minute for group team on endpoint chat exceeded."],
    ];
    for (const [entry, caller, message] of cases) {
      const e = ep(`ep-${entry.key}`);
      await l.admit(req([entry], caller, 1, e));
      const err = await refused(l.admit(req([entry], caller, 1, e)));
      assert.equal(err.message.replace(/ Retry in \d+ s\.$/, "").replace(`ep-${entry.key}`, "chat"), message);
    }
  });

  it("a limit of 0 refuses everyone", async () => {
    const l = new Limiter(new MemoryStore(), silent);
    const err = await refused(l.admit(req([{ calls: 0, key: "endpoint", renewal_period: m }])));
    assert.equal(err.retryAfter, "60");
  });

  it("admits nothing and charges nothing when one of several limits is exhausted", async () => {
    const l = new Limiter(new MemoryStore(), silent);
    const limits: RateLimitEntry[] = [
      { calls: 10, key: "endpoint", renewal_period: m },
      { calls: 1, key: "user", principal: "alice", renewal_period: m },
    ];
    await l.admit(req(limits));
    for (let i = 0; i < 5; i++) await refused(l.admit(req(limits)));
    for (let i = 0; i < 9; i++) await l.admit(req(limits, { ...alice, name: "bob" }));
    await refused(l.admit(req(limits, { ...alice, name: "carol" })));
  });

  it("reserves estimated tokens so a concurrent burst cannot overshoot", async () => {
    const l = new Limiter(new MemoryStore(), silent);
    const limits: RateLimitEntry[] = [{ tokens: 100, key: "endpoint", renewal_period: m }];
    const all = await Promise.allSettled(Array.from({ length: 10 }, () => l.admit(req(limits, alice, 30))));
    assert.equal(all.filter((r) => r.status === "fulfilled").length, 3);
  });

  it("corrects the reservation by the real use: a refund makes room, an overrun is owed", async () => {
    const l = new Limiter(new MemoryStore(), silent);
    const limits: RateLimitEntry[] = [{ tokens: 100, key: "user", renewal_period: m }];
    const a = await l.admit(req(limits, alice, 40));
    const b = await l.admit(req(limits, alice, 40));
    await refused(l.admit(req(limits, alice, 40)));
    a.settle(10);
    a.settle(0);
    await new Promise((r) => setImmediate(r));
    const c = await l.admit(req(limits, alice, 40));
    b.settle(0);
    c.settle(300);
    await new Promise((r) => setImmediate(r));
    const err = await refused(l.admit(req(limits, alice, 1)));
    // 40 + 40 − 30 + 40 − 40 + 260 = 310 used of 100: 211 tokens of 0.6 s until one fits.
    assert.equal(err.retryAfter, "127");
  });

  it("a request failing before the model answered releases its reservation with settle(0)", async () => {
    const l = new Limiter(new MemoryStore(), silent);
    const limits: RateLimitEntry[] = [{ tokens: 50, key: "endpoint", renewal_period: m }];
    for (let i = 0; i < 20; i++) {
      const a = await l.admit(req(limits, alice, 50));
      a.settle(0);
      await new Promise((r) => setImmediate(r));
    }
  });

  it("counts calls even when the request fails (settle does not give a call back)", async () => {
    const l = new Limiter(new MemoryStore(), silent);
    const limits: RateLimitEntry[] = [{ calls: 2, key: "endpoint", renewal_period: m }];
    (await l.admit(req(limits))).settle(0);
    (await l.admit(req(limits))).settle(0);
    await refused(l.admit(req(limits)));
  });

  it("falls back to its own memory when the shared store fails, and warns", async () => {
    const broken: BucketStore = {
      take: () => Promise.reject(new Error("Connection is closed.")),
      adjust: () => Promise.reject(new Error("Connection is closed.")),
      close: async () => {},
    };
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (s: string) => lines.push(s) });
    const l = new Limiter(broken, log, new MemoryStore());
    const limits: RateLimitEntry[] = [{ calls: 2, tokens: 1000, key: "endpoint", renewal_period: m }];
    (await l.admit(req(limits, alice, 5))).settle(7);
    await l.admit(req(limits));
    await refused(l.admit(req(limits)));
    assert.equal(lines.length, 1, "one warning, not one per request");
    assert.match(lines[0] ?? "", /rate-limit store unavailable/);
    await assert.rejects(new Limiter(broken, silent).admit(req(limits)), /Connection is closed/);
  });
});
