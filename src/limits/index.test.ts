import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { pino } from "pino";
import type { Principal } from "../auth/principal.js";
import { GatewayError } from "../gateway/errors.js";
import type { LiveEndpoint } from "../gateway/live-endpoints.js";
import type { LimitRequest } from "../gateway/policies.js";
import { createRateLimiter } from "./index.js";
import type { RateLimitEntry } from "./rules.js";
import { dropPrefix, TEST_REDIS_URL } from "./store.case.test.js";

const silent = pino({ level: "silent" });
const admin: Principal = { id: "1", kind: "user", name: "admin", displayName: "admin", groups: ["admins"], admin: true };
const endpoint: LiveEndpoint = { id: "e1", name: "chat", task: "llm/v1/chat", entities: [], routes: [], refs: [] };

function req(limits: RateLimitEntry[], estimatedTokens = 0): LimitRequest {
  return { endpoint, caller: admin, limits, estimatedTokens };
}

async function admittedOf(results: Array<PromiseSettledResult<unknown>>): Promise<number> {
  for (const r of results) if (r.status === "rejected") assert.ok(r.reason instanceof GatewayError && r.reason.status === 429, String(r.reason));
  return results.filter((r) => r.status === "fulfilled").length;
}

describe("createRateLimiter", () => {
  const prefix = `tessera-test:rl-index:${process.pid}:${Date.now()}:`;
  let redis: Redis;
  before(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  after(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it("keeps limits in memory without a Redis URL", async () => {
    const l = await createRateLimiter({ redisUrl: undefined, log: silent });
    const limits: RateLimitEntry[] = [{ calls: 2, key: "user", renewal_period: "minute" }];
    await l.admit(req(limits));
    await l.admit(req(limits));
    await assert.rejects(l.admit(req(limits)), (e: unknown) => e instanceof GatewayError && e.status === 429);
    await l.close();
  });

  it("two limiters on one Redis share one limit exactly", async () => {
    const env = { TESSERA_REDIS_PREFIX: prefix };
    const a = await createRateLimiter({ redisUrl: TEST_REDIS_URL, log: silent, env });
    const b = await createRateLimiter({ redisUrl: TEST_REDIS_URL, log: silent, env });
    const limits: RateLimitEntry[] = [{ calls: 20, key: "endpoint", renewal_period: "minute" }];
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_x, i) => (i % 2 ? a : b).admit(req(limits))));
    assert.equal(await admittedOf(results), 20);
    assert.ok((await redis.keys(`${prefix}*`)).length > 0, "state lives under the prefix");
    await a.close();
    await b.close();
  });

  it("settles tokens in Redis, shared by both", async () => {
    const a = await createRateLimiter({ redisUrl: TEST_REDIS_URL, log: silent, prefix });
    const b = await createRateLimiter({ redisUrl: TEST_REDIS_URL, log: silent, prefix });
    const limits: RateLimitEntry[] = [{ tokens: 100, key: "user", renewal_period: "minute" }];
    const first = await a.admit(req(limits, 10));
    first.settle(100);
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(b.admit(req(limits, 10)), (e: unknown) => e instanceof GatewayError && e.status === 429);
    await a.close();
    await b.close();
  });

  it("starts at once and limits per process when Redis is unreachable; closes without hanging", async () => {
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (s: string) => lines.push(s) });
    const t0 = Date.now();
    const l = await createRateLimiter({ redisUrl: "redis://user:pw-never-logged@127.0.0.1:1", log });
    const limits: RateLimitEntry[] = [{ calls: 1, key: "endpoint", renewal_period: "minute" }];
    await l.admit(req(limits));
    await assert.rejects(l.admit(req(limits)), (e: unknown) => e instanceof GatewayError && e.status === 429);
    assert.ok(Date.now() - t0 < 1500, `${Date.now() - t0} ms`);
    await l.close();
    assert.ok(lines.some((s) => s.includes("unreachable")), lines.join(""));
    assert.ok(!lines.join("").includes("pw-never-logged"), "the URL's password is never logged");
  });

  it("does not wait on a Redis that stops answering: after a short timeout it limits on its own", async () => {
    // A fake Redis that answers the connection's set-up commands, then never answers again.
    const server: Server = createServer((sock) => {
      sock.on("data", (d: Buffer) => {
        const cmd = /^\*\d+\r\n\$\d+\r\n(\w+)/.exec(d.toString())?.[1]?.toLowerCase();
        if (cmd === "info") {
          const info = "# Server\r\nredis_version:7.0.0\r\nloading:0\r\n";
          sock.write(`$${info.length}\r\n${info}\r\n`);
        } else if (cmd === "client" || cmd === "select") sock.write("+OK\r\n");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const l = await createRateLimiter({ redisUrl: `redis://127.0.0.1:${port}`, log: silent, env: { TESSERA_REDIS_TIMEOUT_MS: "100" } });
    const limits: RateLimitEntry[] = [{ calls: 2, key: "endpoint", renewal_period: "minute" }];
    const t0 = Date.now();
    const results = await Promise.allSettled([l.admit(req(limits)), l.admit(req(limits)), l.admit(req(limits))]);
    assert.equal(await admittedOf(results), 2);
    assert.ok(Date.now() - t0 < 1000, `${Date.now() - t0} ms`);
    await l.close();
    server.close();
  });

  it("refuses a URL that is not redis:// or rediss://", async () => {
    await assert.rejects(createRateLimiter({ redisUrl: "http://127.0.0.1:6379", log: silent }), /redis:\/\//);
  });
});
