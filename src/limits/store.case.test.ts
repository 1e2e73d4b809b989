/**
 * One list of cases every bucket store must pass: run against the in-memory store and
 * against the real Redis (`stores.test.ts`), so the Lua script and `gcra.ts` cannot drift.
 * Cases run on the real clock (Redis uses its own), so waits are checked within a margin.
 * Run alone, this file registers no tests.
 */
import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { intervalMs } from "./gcra.js";
import type { BucketStore, Charge } from "./store.js";

export const TEST_REDIS_URL = "redis://127.0.0.1:6379";

/** Deletes every key under a prefix (test clean-up). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
}

let n = 0;
/** A bucket key no other case uses. */
function fresh(): string {
  return `case-${process.pid}-${Date.now()}-${n++}`;
}

function calls(key: string, limit: number): Charge {
  return { key, interval: intervalMs(limit), cost: 1, check: 1 };
}

function tokens(key: string, limit: number, cost: number): Charge {
  return { key, interval: intervalMs(limit), cost, check: Math.min(Math.max(cost, 1), limit) };
}

async function admitted(store: BucketStore, charges: Charge[], times: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < times; i++) if ((await store.take(charges)).ok) ok++;
  return ok;
}

export function storeCases(store: () => BucketStore): void {
  it("admits exactly the limit from a fresh bucket and says when the next unit is back", async () => {
    const k = fresh();
    assert.equal(await admitted(store(), [calls(k, 3)], 5), 3);
    const r = await store().take([calls(k, 3)]);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.index, 0);
      assert.ok(r.waitMs > 19_000 && r.waitMs <= 20_001, String(r.waitMs));
    }
  });

  it("admits exactly the limit under concurrency", async () => {
    const k = fresh();
    const results = await Promise.all(Array.from({ length: 50 }, () => store().take([calls(k, 20)])));
    assert.equal(results.filter((r) => r.ok).length, 20);
  });

  it("takes all charges or none, and names the charge that waits longest", async () => {
    const a = fresh();
    const b = fresh();
    assert.ok((await store().take([calls(a, 1), calls(b, 5)])).ok);
    const r = await store().take([calls(b, 5), calls(a, 1)]);
    assert.deepEqual(r.ok ? -1 : r.index, 1);
    if (!r.ok) assert.ok(r.waitMs > 59_000 && r.waitMs <= 60_001, String(r.waitMs));
    assert.equal(await admitted(store(), [calls(b, 5)], 10), 4, "b lost nothing to the refused take");
  });

  it("reports the longest wait when several charges are refused", async () => {
    const a = fresh();
    const b = fresh();
    await store().take([calls(a, 2), calls(b, 1)]);
    await store().take([calls(a, 2)]);
    const r = await store().take([calls(a, 2), calls(b, 1)]);
    assert.ok(!r.ok && r.index === 1 && r.waitMs > 59_000, JSON.stringify(r));
  });

  it("refills over time", async () => {
    const k = fresh();
    // 6000 per minute: one unit back every 10 ms.
    assert.ok((await store().take([tokens(k, 6000, 6000)])).ok);
    const r = await store().take([calls(k, 6000)]);
    assert.ok(!r.ok && r.waitMs <= 11, JSON.stringify(r));
    await sleep(40);
    assert.equal(await admitted(store(), [calls(k, 6000)], 2), 2);
  });

  it("lets a cost bigger than the limit through a full bucket, then holds the debt", async () => {
    const k = fresh();
    assert.ok((await store().take([tokens(k, 100, 300)])).ok);
    const r = await store().take([tokens(k, 100, 1)]);
    assert.ok(!r.ok && r.waitMs > 119_000 && r.waitMs <= 120_601, JSON.stringify(r));
  });

  it("a zero cost passes while the bucket is not in debt, and writes nothing", async () => {
    const k = fresh();
    assert.ok((await store().take([{ key: k, interval: intervalMs(10), cost: 0, check: 1 }])).ok);
    assert.equal(await admitted(store(), [tokens(k, 10, 1)], 12), 10);
  });

  it("refunds and charges corrections to a reservation", async () => {
    const k = fresh();
    const i = intervalMs(100);
    assert.ok((await store().take([tokens(k, 100, 100)])).ok);
    assert.equal((await store().take([tokens(k, 100, 50)])).ok, false);
    await store().adjust([{ key: k, interval: i, delta: -60 }]);
    assert.ok((await store().take([tokens(k, 100, 50)])).ok, "the refund made room");
    await store().adjust([{ key: k, interval: i, delta: 200 }]);
    const r = await store().take([tokens(k, 100, 1)]);
    // 40 + 50 + 200 used of 100: 191 units of 600 ms until one fits.
    assert.ok(!r.ok && r.waitMs > 114_000 && r.waitMs <= 114_601, JSON.stringify(r));
  });

  it("charges a correction to a bucket it had forgotten, and ignores a refund to one", async () => {
    const k = fresh();
    const i = intervalMs(10);
    await store().adjust([{ key: k, interval: i, delta: -5 }]);
    await store().adjust([{ key: fresh(), interval: i, delta: 0 }]);
    assert.equal(await admitted(store(), [tokens(k, 10, 1)], 12), 10, "a refund does not bank budget beyond the limit");
    const j = fresh();
    await store().adjust([{ key: j, interval: i, delta: 10 }]);
    assert.equal((await store().take([tokens(j, 10, 1)])).ok, false);
  });
}
