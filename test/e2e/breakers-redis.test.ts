/**
 * Circuit breakers shared through Redis, end to end: two `tessera serve` replicas on one
 * PostgreSQL schema and one Redis key prefix (both made for this run). An endpoint whose
 * primary entity always answers 503, with fallback to a healthy backup. Replica A sees the
 * failures and opens the primary's breaker; replica B, which never saw the primary fail,
 * then sends every request straight to the backup — the failing upstream gets no call from
 * it. (Needs the build: `npm run build`.)
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { createTestSchema, type TestSchema } from "../../testing/postgres-schema.js";
import { dropPrefix, TEST_REDIS_URL } from "../../src/limits/store.case.test.js";
import { startGateway, tempDir, type GatewayProcess } from "../helpers/gateway-process.js";
import { bearer, Client } from "../helpers/http.js";

const ADMIN = "breakers-redis-admin-token-77";
const KEY = randomBytes(32).toString("hex");
const chat = { messages: [{ role: "user", content: "Hi" }] };

describe("a breaker opened on one replica is open on the other (Redis)", () => {
  const prefix = `tessera-test:breakers:${process.pid}:${Date.now()}:`;
  let backup: MockServer;
  let failing: Server;
  let failingUrl = "";
  let hits = 0;
  let schema: TestSchema;
  let gws: GatewayProcess[] = [];

  before(async () => {
    backup = await startMockOpenAIWire();
    failing = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "down", type: "server_error" } }));
    });
    await new Promise<void>((r) => failing.listen(0, "127.0.0.1", r));
    failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
    schema = await createTestSchema();
    const env = { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_MASTER_KEY: KEY, TESSERA_REDIS_PREFIX: prefix };
    const started = await Promise.allSettled([0, 1].map(() => startGateway(["--data-dir", tempDir(), "--database-url", schema.url, "--redis-url", TEST_REDIS_URL], env, 60_000)));
    gws = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    for (const s of started) if (s.status === "rejected") throw s.reason;
  });
  after(async () => {
    await Promise.all(gws.map((g) => g.stop()));
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await dropPrefix(redis, prefix).catch(() => undefined);
    await redis.quit();
    await schema?.drop();
    await backup?.close();
    await new Promise<void>((r) => failing?.close(() => r()));
  });

  it("B falls back at once, without calling the upstream A found failing", async (t) => {
    const [a, b] = gws.map((g) => new Client(g.url, bearer(ADMIN))) as [Client, Client];
    const entity = (name: string, url: string) => ({
      name,
      external_model: { name: `${name}-model`, provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${url}/v1`, bearer_token_auth: { token_plaintext: "sk-breakers" } } },
    });
    const made = await a.call("POST", "/api/2.0/serving-endpoints", {
      name: "cb-ep",
      config: {
        served_entities: [entity("primary", failingUrl), entity("backup", backup.url)],
        traffic_config: { routes: [{ served_entity_name: "primary", traffic_percentage: 100 }, { served_entity_name: "backup", traffic_percentage: 0 }] },
      },
      ai_gateway: { fallback_config: { enabled: true } },
    });
    assert.equal(made.status, 200, made.text);
    // B serves the endpoint (pushed through LISTEN/NOTIFY) before the failures start.
    const t0 = Date.now();
    while ((await b.call("GET", "/api/2.0/serving-endpoints/cb-ep")).status !== 200 && Date.now() - t0 < 5_000) await sleep(20);
    await sleep(300);

    // A: the default breaker opens after 5 retryable failures in a row; each request still gets the backup's answer.
    let n = 0;
    while (n < 20) {
      const r = await a.call("POST", "/serving-endpoints/cb-ep/invocations", chat);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get("served-model-name"), "backup");
      n++;
      const before = hits;
      const probe = await a.call("POST", "/serving-endpoints/cb-ep/invocations", chat);
      assert.equal(probe.status, 200, probe.text);
      n++;
      if (hits === before) break; // A skipped the primary: its breaker is open
    }
    const seenByA = hits;
    assert.ok(seenByA >= 5 && seenByA <= 7, `A opened after ${seenByA} upstream failures`);

    // B never saw a failure: it hears of A's open through Redis and skips the primary.
    await sleep(200);
    const replies = await Promise.all(Array.from({ length: 20 }, () => b.call("POST", "/serving-endpoints/cb-ep/invocations", chat)));
    for (const r of replies) {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get("served-model-name"), "backup");
    }
    assert.equal(hits, seenByA, "B sent nothing to the failing upstream");
    t.diagnostic(`A: ${n} requests, ${seenByA} reached the failing upstream before its breaker opened; B: 20 requests, 0 reached it`);
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const ttl = await redis.pttl(`${prefix}cb:open:cb-ep/primary`);
      assert.ok(ttl > 0 && ttl <= 30_000, `the open is stored with the cool-down as its TTL (${ttl} ms left)`);
    } finally {
      await redis.quit();
    }
  });
});
