/**
 * The shared store cases against both backends: memory, and the real Redis at
 * 127.0.0.1:6379 under a unique key prefix that is deleted afterwards.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { intervalMs } from "./gcra.js";
import { MemoryStore } from "./memory-store.js";
import { RedisStore } from "./redis-store.js";
import { dropPrefix, storeCases, TEST_REDIS_URL } from "./store.case.test.js";

describe("memory bucket store", () => {
  const store = new MemoryStore();
  after(() => store.close());
  storeCases(() => store);

  it("forgets buckets that are full again", async () => {
    let now = 1_000_000;
    const s = new MemoryStore({ now: () => now });
    await s.take([{ key: "a", interval: intervalMs(60), cost: 1, check: 1 }]);
    await s.take([{ key: "b", interval: intervalMs(6), cost: 1, check: 1 }]);
    assert.equal(s.size, 2);
    now += 1000;
    s.sweep();
    assert.equal(s.size, 1, "a (1 s per unit) is full again, b (10 s) is not");
    now += 10_000;
    s.sweep();
    assert.equal(s.size, 0);
    await s.close();
  });
});

describe("redis bucket store", () => {
  const prefix = `tessera-test:rl:${process.pid}:${Date.now()}:`;
  let redis: Redis;
  let store: RedisStore;
  before(async () => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    store = new RedisStore(redis, prefix);
  });
  after(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });
  storeCases(() => store);

  it("keys expire once their bucket is full again", async () => {
    await store.take([{ key: "ttl", interval: intervalMs(6), cost: 2, check: 2 }]);
    const ttl = await redis.pttl(`${prefix}ttl`);
    assert.ok(ttl > 20_000 && ttl <= 21_000, String(ttl));
  });

  it("reloads its script after Redis forgot it", async () => {
    await redis.script("FLUSH");
    assert.ok((await store.take([{ key: "flushed", interval: intervalMs(6), cost: 1, check: 1 }])).ok);
  });
});
