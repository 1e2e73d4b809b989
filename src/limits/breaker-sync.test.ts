/**
 * Circuit breakers shared between two "replicas" (two routers, each with its own endpoint
 * objects, as two processes have): one case suite run through an in-process bus (the
 * contract alone) and through the real Redis at 127.0.0.1:6379 under a key prefix of its
 * own; then the local-only behaviour it improves on, and Redis being away.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { pino } from "pino";
import { remoteBreakerApplier, type BreakerSync, type BreakerTarget, type RemoteBreakerApplier } from "../gateway/breaker-sync.js";
import { GatewayError, kindForStatus } from "../gateway/errors.js";
import { buildRoutes, LiveEndpoints, type LiveEndpoint, type LiveEntity } from "../gateway/live-endpoints.js";
import type { CallContext } from "../providers/provider.js";
import { TrafficRouter } from "../gateway/router.js";
import { createRedisBreakerSync } from "./breaker-sync.js";
import { dropPrefix, TEST_REDIS_URL } from "./store.case.test.js";

const log = pino({ level: "silent" });
const BREAKER = { threshold: 3, windowMs: 10_000, cooldownMs: 400, maxCooldownMs: 4_000 };
const upstream = (status: number) => new GatewayError(kindForStatus(status), `HTTP ${status}`, { status });
const ctx = (): CallContext => ({ signal: new AbortController().signal, requestId: "r1" });

/** One replica: its own endpoint objects (a primary "bad" that may fail, then "good"), its router, and what it called. */
interface Replica {
  router: TrafficRouter;
  ep: LiveEndpoint;
  bad: LiveEntity;
  calls: string[];
  /** Whether "bad" fails (503) when called. */
  failing: { on: boolean };
  send(): Promise<string>;
}

function replica(sync: (BreakerSync & { attach(a: RemoteBreakerApplier): void }) | undefined): Replica {
  const entities: LiveEntity[] = ["bad", "good"].map((name) => ({ name, model: name, provider: {} }));
  const ep: LiveEndpoint = { id: "ep-1", name: "shared ep", task: "llm/v1/chat", entities, routes: buildRoutes(entities, [{ served_entity_name: "bad", traffic_percentage: 100 }]), refs: [] };
  const live = new LiveEndpoints();
  live.set(ep);
  const router = new TrafficRouter({ breaker: BREAKER, ...(sync ? { sync } : {}) });
  sync?.attach(remoteBreakerApplier(live, router));
  const calls: string[] = [];
  const failing = { on: true };
  const call = async (e: LiveEntity) => {
    calls.push(e.name);
    if (e.name === "bad" && failing.on) throw upstream(503);
    return e.name;
  };
  return { router, ep, bad: entities[0] as LiveEntity, calls, failing, send: async () => (await router.route(ep, true, call, ctx())).entity.name };
}

async function until(ok: () => boolean, ms = 2_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) assert.fail(`not within ${ms} ms`);
    await sleep(5);
  }
}

/** The contract without Redis: every sync of one bus hears the others (not itself), counts shared. */
function memoryBus() {
  const members: Array<{ id: number; apply?: RemoteBreakerApplier }> = [];
  const counts = new Map<string, { n: number; until: number }>();
  const key = (t: BreakerTarget) => `${t.endpoint}/${t.entity}`;
  return () => {
    const me: { id: number; apply?: RemoteBreakerApplier } = { id: members.length };
    members.push(me);
    const tell = (t: BreakerTarget, forMs?: number) => {
      for (const m of members) if (m !== me) queueMicrotask(() => m.apply?.(t, forMs === undefined ? { op: "close" } : { op: "open", forMs }));
    };
    const sync: BreakerSync & { attach(a: RemoteBreakerApplier): void; close(): Promise<void> } = {
      attach: (a) => {
        me.apply = a;
      },
      opened: (t, forMs) => {
        counts.delete(key(t));
        tell(t, forMs);
      },
      closed: (t, wasOpen) => {
        counts.delete(key(t));
        if (wasOpen) tell(t);
      },
      failed: async (t, windowMs) => {
        const c = counts.get(key(t));
        const now = Date.now();
        const next = c && c.until > now ? { n: c.n + 1, until: c.until } : { n: 1, until: now + windowMs };
        counts.set(key(t), next);
        return next.n;
      },
      close: async () => undefined,
    };
    return sync;
  };
}

/** A sync on `group`: syncs of one group hear each other, no other. */
type MakeSync = (group: number) => Promise<BreakerSync & { attach(a: RemoteBreakerApplier): void; close(): Promise<void> }>;

function sharedCases(name: string, setup: () => { make: MakeSync; cleanup(): Promise<void> }) {
  describe(`shared circuit breakers: ${name}`, () => {
    const { make, cleanup } = setup();
    const syncs: Array<{ close(): Promise<void> }> = [];
    let group = 0;
    const pair = async () => {
      group++;
      const a = await make(group);
      const b = await make(group);
      syncs.push(a, b);
      return [replica(a), replica(b)] as const;
    };
    after(async () => {
      await Promise.all(syncs.map((s) => s.close()));
      await cleanup();
    });

    it("a breaker opened by A's failures is open on B: B falls back without calling the failing entity", async () => {
      const [a, b] = await pair();
      for (let i = 0; i < BREAKER.threshold; i++) assert.equal(await a.send(), "good");
      assert.equal(a.router.breakerState(a.bad), "open");
      await until(() => b.router.breakerState(b.bad) === "open");
      assert.equal(await b.send(), "good");
      assert.deepEqual(b.calls, ["good"], "B never called bad");
    });

    it("failures spread over A and B add up to the threshold", async () => {
      const [a, b] = await pair();
      await a.send();
      await b.send();
      await a.send();
      // The third failure (A's) reaches the fleet's count of 3: A opens once its count comes back, then B.
      await until(() => a.router.breakerState(a.bad) === "open" && b.router.breakerState(b.bad) === "open");
    });

    it("the entity answering A's trial closes B's breaker too", async () => {
      const [a, b] = await pair();
      for (let i = 0; i < BREAKER.threshold; i++) await a.send();
      await until(() => b.router.breakerState(b.bad) === "open");
      await sleep(BREAKER.cooldownMs + 20);
      a.failing.on = false;
      assert.equal(await a.send(), "bad", "A's trial");
      assert.equal(a.router.breakerState(a.bad), "closed");
      await until(() => b.router.breakerState(b.bad) === "closed");
      b.failing.on = false;
      assert.equal(await b.send(), "bad");
    });
  });
}

sharedCases("in-process bus (the contract)", () => {
  const buses = new Map<number, ReturnType<typeof memoryBus>>();
  const busOf = (g: number) => buses.get(g) ?? buses.set(g, memoryBus()).get(g) ?? memoryBus();
  return { make: async (g) => busOf(g)(), cleanup: async () => undefined };
});

const prefix = `tessera-test:cb:${process.pid}:${Date.now()}:`;
sharedCases("Redis", () => ({
  make: (g) => createRedisBreakerSync({ redisUrl: TEST_REDIS_URL, log, prefix: `${prefix}${g}:` }),
  async cleanup() {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await dropPrefix(redis, prefix);
    await redis.quit();
  },
}));

describe("circuit breakers: Redis specifics, and without sharing", () => {
  const own = `tessera-test:cb2:${process.pid}:${Date.now()}:`;
  const made: Array<{ close(): Promise<void> }> = [];
  after(async () => {
    await Promise.all(made.map((s) => s.close()));
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await dropPrefix(redis, own);
    await redis.quit();
  });

  it("a replica started after the open reads it from Redis (key with TTL = the cool-down)", async () => {
    const first = await createRedisBreakerSync({ redisUrl: TEST_REDIS_URL, log, prefix: own });
    made.push(first);
    const a = replica(first);
    for (let i = 0; i < BREAKER.threshold; i++) await a.send();
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      let ttl = -2;
      const t0 = Date.now();
      while (ttl < 0 && Date.now() - t0 < 2_000) ttl = await redis.pttl(`${own}cb:open:shared%20ep/bad`);
      assert.ok(ttl > 0 && ttl <= BREAKER.cooldownMs, `ttl ${ttl}`);
    } finally {
      await redis.quit();
    }
    const late = await createRedisBreakerSync({ redisUrl: TEST_REDIS_URL, log, prefix: own });
    made.push(late);
    const c = replica(late);
    await until(() => c.router.breakerState(c.bad) === "open");
    assert.equal(await c.send(), "good");
    assert.deepEqual(c.calls, ["good"]);
  });

  it("after the cool-down one replica of three sends the half-open trial; the others fall back until its outcome is announced", async () => {
    const trialPrefix = `${own}trial:`;
    const syncs = await Promise.all([0, 1, 2].map(() => createRedisBreakerSync({ redisUrl: TEST_REDIS_URL, log, prefix: trialPrefix })));
    made.push(...syncs);
    const [a, b, c] = syncs.map((s) => replica(s)) as [Replica, Replica, Replica];
    const all = [a, b, c];
    const badCalls = () => all.reduce((n, r) => n + r.calls.filter((x) => x === "bad").length, 0);
    for (let i = 0; i < BREAKER.threshold; i++) await a.send();
    await until(() => all.every((r) => r.router.breakerState(r.bad) === "open"));
    const before = badCalls();
    // Cool-down over, upstream still failing: three requests on each replica at once.
    await sleep(BREAKER.cooldownMs + 30);
    const answers = await Promise.all(all.flatMap((r) => [r.send(), r.send(), r.send()]));
    assert.ok(answers.every((x) => x === "good"), "every request was served (by the fallback)");
    assert.equal(badCalls() - before, 1, "one trial for the fleet, not one per replica");
    // The failed trial reopened the breaker (longer) everywhere.
    await until(() => all.every((r) => r.router.breakerState(r.bad) === "open"));
    // Next cool-down (doubled on the replica that trialled, ≤ 2 × 400 ms): the upstream is back.
    for (const r of all) r.failing.on = false;
    await sleep(2 * BREAKER.cooldownMs + 50);
    const mid = badCalls();
    await Promise.all(all.flatMap((r) => [r.send(), r.send()]));
    assert.equal(badCalls() - mid, 1, "again one trial");
    await until(() => all.every((r) => r.router.breakerState(r.bad) === "closed"));
    await Promise.all(all.map((r) => r.send()));
    assert.equal(badCalls() - mid, 4, "closed everywhere: each replica calls bad again");
  });

  it("a trial lease that was never reported back expires: another replica may then trial", async () => {
    const p2 = `${own}lease:`;
    const s1 = await createRedisBreakerSync({ redisUrl: TEST_REDIS_URL, log, prefix: p2 });
    const s2 = await createRedisBreakerSync({ redisUrl: TEST_REDIS_URL, log, prefix: p2 });
    made.push(s1, s2);
    const t = { endpoint: "ep", entity: "e" };
    assert.deepEqual(await s1.claimTrial(t, 150), { granted: true });
    assert.deepEqual(await s2.claimTrial(t, 150), { granted: false, openForMs: 0 }, "held by s1");
    await sleep(200);
    assert.deepEqual(await s2.claimTrial(t, 150), { granted: true }, "s1's lease ran out");
    s2.releaseTrial(t);
    await sleep(30);
    assert.deepEqual(await s1.claimTrial(t, 150), { granted: true }, "s2 released its lease");
  });

  it("without sharing, each replica learns the failing upstream itself", async () => {
    const a = replica(undefined);
    const b = replica(undefined);
    for (let i = 0; i < BREAKER.threshold; i++) await a.send();
    assert.equal(a.router.breakerState(a.bad), "open");
    assert.equal(b.router.breakerState(b.bad), "closed");
    for (let i = 0; i < BREAKER.threshold; i++) await b.send();
    assert.deepEqual(b.calls.filter((c) => c === "bad").length, BREAKER.threshold, "B called bad threshold times");
  });

  it("Redis away: requests are served and each replica's breaker still opens on its own", async () => {
    const t0 = Date.now();
    const down = await createRedisBreakerSync({ redisUrl: "redis://127.0.0.1:1", log, prefix: own });
    made.push(down);
    assert.ok(Date.now() - t0 < 3_000, "start-up does not hang on it");
    const a = replica(down);
    const t1 = Date.now();
    for (let i = 0; i < BREAKER.threshold; i++) assert.equal(await a.send(), "good");
    assert.ok(Date.now() - t1 < 500, "requests do not wait on Redis");
    assert.equal(a.router.breakerState(a.bad), "open");
    assert.equal(await down.failed({ endpoint: "x", entity: "y" }, 1_000), undefined);
    assert.deepEqual(await down.claimTrial({ endpoint: "x", entity: "y" }, 1_000), { granted: true }, "no Redis: each replica trials on its own");
  });
});
