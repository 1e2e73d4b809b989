import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CallContext } from "../providers/provider.js";
import { errors, GatewayError, kindForStatus } from "./errors.js";
import { buildRoutes, type LiveEndpoint, type LiveEntity } from "./live-endpoints.js";
import { TrafficRouter, type RouterEvent, type RouterOptions } from "./router.js";

const entity = (name: string): LiveEntity => ({ name, model: name, provider: {} });
const upstream = (status: number, retryAfter?: string) =>
  new GatewayError(kindForStatus(status), `HTTP ${status}`, { status, ...(retryAfter ? { retryAfter } : {}) });

/** An endpoint of entities a, b, c (in that order) with the given traffic split. */
function endpoint(split: Record<string, number>, names = ["a", "b", "c"]): LiveEndpoint {
  const entities = names.map(entity);
  const routes = buildRoutes(entities, Object.entries(split).map(([served_entity_name, traffic_percentage]) => ({ served_entity_name, traffic_percentage })));
  return { id: "ep-1", name: "ep", task: "llm/v1/chat", entities, routes, refs: [] };
}

/** A call whose outcome per entity is scripted (an Error is thrown, anything else returned); records the order tried. */
function scripted(script: Record<string, Array<unknown>>) {
  const tried: string[] = [];
  const call = async (e: LiveEntity) => {
    tried.push(e.name);
    const next = script[e.name]?.shift();
    if (next instanceof Error) throw next;
    return `answer from ${e.name}`;
  };
  return { tried, call };
}

function ctx(): CallContext & { ac: AbortController } {
  const ac = new AbortController();
  return { ac, signal: ac.signal, requestId: "r1" };
}

/** A router with a manual clock and a sleep that only records. */
function router(opts: RouterOptions = {}) {
  const clock = { t: 1_000_000 };
  const slept: number[] = [];
  const events: RouterEvent[] = [];
  const r = new TrafficRouter({
    now: () => clock.t,
    random: () => 0,
    sleep: async (ms) => {
      slept.push(ms);
    },
    onEvent: (e) => events.push(e),
    ...opts,
  });
  return { r, clock, slept, events };
}

describe("router without fallback", () => {
  it("makes one attempt on the traffic split's pick and returns its error", async () => {
    const { r } = router();
    const ep = endpoint({ a: 100, b: 0 });
    const ok = scripted({});
    assert.deepEqual(await r.route(ep, false, ok.call, ctx()), { entity: ep.entities[0], value: "answer from a" });
    const bad = scripted({ a: [upstream(503)] });
    await assert.rejects(r.route(ep, false, bad.call, ctx()), (e: GatewayError) => e.status === 503);
    assert.deepEqual(bad.tried, ["a"]);
  });

  it("follows the split", async () => {
    const ep = endpoint({ a: 30, c: 70 });
    const r = new TrafficRouter({ random: () => 0.5 });
    assert.equal((await r.route(ep, false, scripted({}).call, ctx())).entity.name, "c");
  });
});

describe("router with fallback", () => {
  it("tries the pick first, then the others in list order, 0% entities included", async () => {
    const { r, events } = router({ random: () => 0.9 });
    const ep = endpoint({ a: 50, c: 50 }); // random 0.9 picks c
    const s = scripted({ c: [upstream(503)], a: [upstream(429)] });
    const res = await r.route(ep, true, s.call, ctx());
    assert.deepEqual(s.tried, ["c", "a", "b"]);
    assert.equal(res.entity.name, "b");
    assert.equal(res.value, "answer from b");
    assert.deepEqual(events.map((e) => e.type), ["fallback", "fallback"]);
  });

  it("falls back on 429, 5xx, connect errors and time-outs, at once", async () => {
    for (const err of [upstream(429, "30"), upstream(500), upstream(502), upstream(503), errors.unavailable("Could not reach x: ECONNREFUSED."), errors.timeout("Timed out.")]) {
      const { r, slept } = router();
      const s = scripted({ a: [err] });
      const res = await r.route(endpoint({ a: 100 }), true, s.call, ctx());
      assert.equal(res.entity.name, "b", err.message);
      assert.deepEqual(slept, [], "a different upstream: no wait");
    }
  });

  it("does not fall back on client errors or on our own bugs", async () => {
    for (const err of [upstream(400), upstream(401), upstream(403), upstream(404), upstream(413), new TypeError("bug")]) {
      const { r } = router();
      const s = scripted({ a: [err] });
      await assert.rejects(r.route(endpoint({ a: 100 }), true, s.call, ctx()), (e) => e === err);
      assert.deepEqual(s.tried, ["a"]);
    }
  });

  it("returns the last error when every entity fails", async () => {
    const { r } = router();
    const last = upstream(502);
    const s = scripted({ a: [upstream(503)], b: [upstream(429)], c: [last] });
    await assert.rejects(r.route(endpoint({ a: 100 }), true, s.call, ctx()), (e) => e === last);
    assert.deepEqual(s.tried, ["a", "b", "c"]);
  });

  it("stops at a non-retryable error from a fallback", async () => {
    const { r } = router();
    const bad = upstream(400);
    const s = scripted({ a: [upstream(503)], b: [bad] });
    await assert.rejects(r.route(endpoint({ a: 100 }), true, s.call, ctx()), (e) => e === bad);
    assert.deepEqual(s.tried, ["a", "b"]);
  });

  it("never tries again once the client is gone", async () => {
    const { r } = router();
    const c = ctx();
    const err = upstream(503);
    const s = {
      tried: [] as string[],
      call: async (e: LiveEntity) => {
        s.tried.push(e.name);
        c.ac.abort();
        throw err;
      },
    };
    await assert.rejects(r.route(endpoint({ a: 100 }), true, s.call, c), (e) => e === err);
    assert.deepEqual(s.tried, ["a"]);
  });
});

describe("retrying the only entity", () => {
  const single = () => endpoint({ a: 100 }, ["a"]);

  it("retries once after a jittered backoff", async () => {
    const { r, slept, events } = router();
    const s = scripted({ a: [upstream(503)] });
    const res = await r.route(single(), true, s.call, ctx());
    assert.equal(res.value, "answer from a");
    assert.deepEqual(s.tried, ["a", "a"]);
    assert.deepEqual(slept, [125], "250 ms base, half jittered, random 0");
    assert.deepEqual(events.map((e) => e.type), ["retry"]);
  });

  it("only once: the second error is returned", async () => {
    const { r } = router();
    const second = upstream(502);
    const s = scripted({ a: [upstream(503), second] });
    await assert.rejects(r.route(single(), true, s.call, ctx()), (e) => e === second);
    assert.deepEqual(s.tried, ["a", "a"]);
  });

  it("waits out a short Retry-After; a long one is returned to the client at once", async () => {
    const short = router();
    await short.r.route(single(), true, scripted({ a: [upstream(429, "1")] }).call, ctx());
    assert.deepEqual(short.slept, [1000]);
    const long = router();
    const err = upstream(429, "30");
    const s = scripted({ a: [err] });
    await assert.rejects(long.r.route(single(), true, s.call, ctx()), (e) => e === err);
    assert.deepEqual(s.tried, ["a"]);
    assert.deepEqual(long.slept, []);
  });

  it("does not retry after a time-out, a 501, or a client error", async () => {
    for (const err of [errors.timeout("Timed out."), upstream(501), upstream(400)]) {
      const { r } = router();
      const s = scripted({ a: [err] });
      await assert.rejects(r.route(single(), true, s.call, ctx()), (e) => e === err);
      assert.deepEqual(s.tried, ["a"]);
    }
  });

  it("gives up when the client goes away during the wait", async () => {
    const c = ctx();
    const { r } = router({
      sleep: async () => {
        c.ac.abort();
      },
    });
    const s = scripted({ a: [upstream(503)] });
    await assert.rejects(r.route(single(), true, s.call, c), (e) => e instanceof DOMException && e.name === "AbortError");
    assert.deepEqual(s.tried, ["a"]);
  });

  it("is off when disabled, and never happens without fallback", async () => {
    const { r } = router({ retry: { sameEntity: false } });
    const s = scripted({ a: [upstream(503)] });
    await assert.rejects(r.route(single(), true, s.call, ctx()));
    assert.deepEqual(s.tried, ["a"]);
    const plain = router();
    const p = scripted({ a: [upstream(503)] });
    await assert.rejects(plain.r.route(single(), false, p.call, ctx()));
    assert.deepEqual(p.tried, ["a"]);
  });

  it("does not retry a multi-entity endpoint's entity: the others are its retries", async () => {
    const { r } = router();
    const s = scripted({ a: [upstream(503)], b: [upstream(503)] });
    await assert.rejects(r.route(endpoint({ a: 100 }, ["a", "b"]), true, s.call, ctx()));
    assert.deepEqual(s.tried, ["a", "b"]);
  });
});

describe("circuit breakers in the router", () => {
  const breaker = { threshold: 2, windowMs: 10_000, cooldownMs: 1_000, maxCooldownMs: 8_000 };

  it("skips an open entity until its cool-down passed, then sends one trial", async () => {
    const { r, clock, events } = router({ breaker });
    const ep = endpoint({ a: 100 });
    const [a] = ep.entities as [LiveEntity];
    const fail = scripted({ a: [upstream(503), upstream(503)] });
    await r.route(ep, true, fail.call, ctx());
    await r.route(ep, true, fail.call, ctx());
    assert.deepEqual(fail.tried, ["a", "b", "a", "b"]);
    assert.equal(r.breakerState(a), "open");
    assert.ok(events.some((e) => e.type === "breaker-open" && e.entity === a));

    const skip = scripted({});
    assert.equal((await r.route(ep, true, skip.call, ctx())).entity.name, "b");
    assert.deepEqual(skip.tried, ["b"], "a is not even tried");
    assert.ok(events.some((e) => e.type === "skipped" && e.entity === a));

    clock.t += 1_000;
    assert.equal(r.breakerState(a), "half-open");
    const trial = scripted({});
    assert.equal((await r.route(ep, true, trial.call, ctx())).entity.name, "a");
    assert.equal(r.breakerState(a), "closed");
  });

  it("a failed trial opens again for longer", async () => {
    const { r, clock } = router({ breaker });
    const ep = endpoint({ a: 100 });
    const [a] = ep.entities as [LiveEntity];
    await r.route(ep, true, scripted({ a: [upstream(503), upstream(503)] }).call, ctx());
    await r.route(ep, true, scripted({ a: [upstream(503)] }).call, ctx());
    clock.t += 1_000;
    const s = scripted({ a: [upstream(503)] });
    await r.route(ep, true, s.call, ctx());
    assert.deepEqual(s.tried, ["a", "b"], "the trial failed, b answered");
    assert.equal(r.breakerState(a), "open");
    clock.t += 1_999;
    assert.equal(r.breakerState(a), "open", "2 s this time");
    clock.t += 1;
    assert.equal(r.breakerState(a), "half-open");
  });

  it("only one trial at a time: concurrent requests skip the half-open entity", async () => {
    const { r, clock } = router({ breaker });
    const ep = endpoint({ a: 100 });
    for (let i = 0; i < 2; i++) await r.route(ep, true, scripted({ a: [upstream(503)] }).call, ctx());
    clock.t += 1_000;
    let release: () => void = () => {};
    const gate = new Promise<void>((res) => (release = res));
    const tried: string[] = [];
    const slowCall = async (e: LiveEntity) => {
      tried.push(e.name);
      if (e.name === "a") await gate;
      return e.name;
    };
    const first = r.route(ep, true, slowCall, ctx());
    const second = await r.route(ep, true, slowCall, ctx());
    assert.equal(second.entity.name, "b");
    release();
    assert.equal((await first).entity.name, "a");
    assert.deepEqual(tried, ["a", "b"], "a (the trial), then b for the second request");
  });

  it("when every entity is open, tries the traffic split's pick anyway", async () => {
    const { r } = router({ breaker });
    const ep = endpoint({ b: 100 });
    for (let i = 0; i < 2; i++) await assert.rejects(r.route(ep, true, scripted({ a: [upstream(503)], b: [upstream(503)], c: [upstream(503)] }).call, ctx()));
    for (const e of ep.entities) assert.equal(r.breakerState(e), "open");
    const last = upstream(502);
    const f = scripted({ b: [last] });
    await assert.rejects(r.route(ep, true, f.call, ctx()), (e) => e === last);
    assert.deepEqual(f.tried, ["b"], "forced once, not retried: it is still open");
    const s = scripted({});
    const res = await r.route(ep, true, s.call, ctx());
    assert.deepEqual(s.tried, ["b"]);
    assert.equal(res.entity.name, "b");
    assert.equal(r.breakerState(res.entity), "closed", "it answered: closed");
  });

  it("a client error means the upstream is up; an aborted attempt tells nothing", async () => {
    const { r, clock } = router({ breaker });
    const ep = endpoint({ a: 100 });
    const [a] = ep.entities as [LiveEntity];
    await r.route(ep, true, scripted({ a: [upstream(503)] }).call, ctx());
    await assert.rejects(r.route(ep, true, scripted({ a: [upstream(400)] }).call, ctx()));
    await r.route(ep, true, scripted({ a: [upstream(503)] }).call, ctx());
    assert.equal(r.breakerState(a), "closed", "the 400 broke the streak");
    await r.route(ep, true, scripted({ a: [upstream(503)] }).call, ctx());
    assert.equal(r.breakerState(a), "open");
    clock.t += 1_000;
    const c = ctx();
    const gone = new DOMException("aborted", "AbortError");
    const abortingTrial = async () => {
      c.ac.abort();
      throw gone;
    };
    await assert.rejects(r.route(ep, true, abortingTrial, c), (e) => e === gone);
    const next = scripted({});
    assert.equal((await r.route(ep, true, next.call, ctx())).entity.name, "a", "the slot was freed: the next request is the trial");
    assert.equal(r.breakerState(a), "closed");
  });

  it("tracks failures without fallback too, but never skips then", async () => {
    const { r } = router({ breaker });
    const ep = endpoint({ a: 100 });
    const [a] = ep.entities as [LiveEntity];
    for (let i = 0; i < 2; i++) await assert.rejects(r.route(ep, false, scripted({ a: [upstream(503)] }).call, ctx()));
    assert.equal(r.breakerState(a), "open");
    const s = scripted({});
    assert.equal((await r.route(ep, false, s.call, ctx())).entity.name, "a", "without fallback the pick is always tried");
    assert.equal(r.breakerState(a), "closed");
  });
});
