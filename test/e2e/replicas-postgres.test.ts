/**
 * The scale-out acceptance test: three `tessera serve` processes on one PostgreSQL schema
 * (made for this run, dropped after) and one Redis key prefix, started at the same moment
 * (the start-up lock lets them take turns). A change made through one replica is served by
 * the others within 1 s (LISTEN/NOTIFY; the periodic re-sync is set to a minute here, so it
 * cannot be what carries it); a rate limit holds exactly across the three; usage rows of
 * all three land in the same tables and any replica's usage API shows their sum. A fourth
 * replica with another master key refuses to start and changes nothing.
 * (Needs the build: `npm test` builds first; alone, run `npx tsc -p tsconfig.build.json`.)
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import pg from "pg";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { createTestSchema, type TestSchema } from "../../testing/postgres-schema.js";
import { dropPrefix, TEST_REDIS_URL } from "../../src/limits/store.case.test.js";
import { runCli, startGateway, tempDir, type GatewayProcess } from "../helpers/gateway-process.js";
import { bearer, Client, type Reply } from "../helpers/http.js";

const ADMIN = "replicas-pg-admin-token-0123";
const KEY = randomBytes(32).toString("hex");
const UPSTREAM = "sk-upstream-plaintext-replicas";
const chat = { messages: [{ role: "user", content: "Hi" }] };

function endpointBody(name: string, mockUrl: string, aiGateway?: object) {
  return {
    name,
    config: {
      served_entities: [
        { external_model: { name: "mock-model", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${mockUrl}/v1`, bearer_token_auth: { token_plaintext: UPSTREAM } } } },
      ],
    },
    ...(aiGateway ? { ai_gateway: aiGateway } : {}),
  };
}

/** Calls `fn` every 10 ms until `ok(reply)`; the ms it took, or fails after `limitMs`. */
async function msUntil(fn: () => Promise<Reply>, ok: (r: Reply) => boolean, limitMs = 5_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const r = await fn();
    const ms = performance.now() - t0;
    if (ok(r)) return ms;
    if (ms > limitMs) assert.fail(`not within ${limitMs} ms: last answer ${r.status} ${r.text.slice(0, 200)}`);
    await sleep(10);
  }
}

describe("three replicas on one PostgreSQL and one Redis behave as one gateway", () => {
  const prefix = `tessera-test:replicas:${process.pid}:${Date.now()}:`;
  let mock: MockServer;
  let schema: TestSchema;
  let redis: Redis;
  let gws: GatewayProcess[] = [];
  let api: Client[] = [];
  const env = () => ({ TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_MASTER_KEY: KEY, TESSERA_REDIS_PREFIX: prefix, TESSERA_RESYNC_MS: "60000", TESSERA_IDENTITY_SYNC_MS: "60000" });

  before(async () => {
    mock = await startMockOpenAIWire();
    schema = await createTestSchema();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    const started = await Promise.allSettled([0, 1, 2].map(() => startGateway(["--data-dir", tempDir(), "--database-url", schema.url, "--redis-url", TEST_REDIS_URL], env(), 60_000)));
    gws = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    for (const s of started) if (s.status === "rejected") throw s.reason;
    api = gws.map((g) => new Client(g.url, bearer(ADMIN)));
  });
  after(async () => {
    await Promise.all(gws.map((g) => g.stop()));
    for (const g of gws) assert.ok(!g.output().includes(UPSTREAM) && !g.output().includes(KEY), "no secret in any log");
    if (redis) {
      await dropPrefix(redis, prefix).catch(() => undefined);
      await redis.quit();
    }
    await schema?.drop();
    await mock?.close();
  });

  it("serves on B and C, within 1 s, an endpoint created on A; an update made on C and a delete made on B reach the others as fast", async (t) => {
    const [a, b, c] = api as [Client, Client, Client];
    const made = await a.call("POST", "/api/2.0/serving-endpoints", endpointBody("shared-ep", mock.url));
    assert.equal(made.status, 200, made.text);
    const served = (r: Reply) => r.status === 200;
    const msB = await msUntil(() => b.call("POST", "/serving-endpoints/shared-ep/invocations", chat), served);
    const msC = await msUntil(() => c.call("POST", "/serving-endpoints/shared-ep/invocations", chat), served);
    assert.ok(msB < 1000 && msC < 1000, `B ${msB} ms, C ${msC} ms`);
    t.diagnostic(`create on A served by B after ${Math.round(msB)} ms, by C after ${Math.round(msC)} ms`);

    const upd = await c.call("PUT", "/api/2.0/serving-endpoints/shared-ep/ai-gateway", { rate_limits: [{ calls: 0, key: "endpoint", renewal_period: "minute" }] });
    assert.equal(upd.status, 200, upd.text);
    // A limit of 0 calls refuses everything: A refuses within 1 s.
    const msLimited = await msUntil(() => a.call("POST", "/serving-endpoints/shared-ep/invocations", chat), (r) => r.status === 429);
    assert.ok(msLimited < 1000, `A limited after ${msLimited} ms`);

    const del = await b.call("DELETE", "/api/2.0/serving-endpoints/shared-ep");
    assert.equal(del.status, 200, del.text);
    const gone = (r: Reply) => r.status === 404;
    const msA = await msUntil(() => a.call("POST", "/serving-endpoints/shared-ep/invocations", chat), gone);
    const msC2 = await msUntil(() => c.call("POST", "/serving-endpoints/shared-ep/invocations", chat), gone);
    assert.ok(msA < 1000 && msC2 < 1000, `A ${msA} ms, C ${msC2} ms`);
    t.diagnostic(`update on C refused by A after ${Math.round(msLimited)} ms; delete on B gone from A after ${Math.round(msA)} ms, from C after ${Math.round(msC2)} ms`);
  });

  it("refuses on A and C, within 1 s, a token revoked on B", async (t) => {
    const [a, b] = api as [Client, Client];
    assert.equal((await a.call("POST", "/api/2.0/serving-endpoints", endpointBody("token-ep", mock.url))).status, 200);
    const made = await a.call("POST", "/api/2.0/token/create", { comment: "revoke me" });
    assert.equal(made.status, 200, made.text);
    const { token_value, token_info } = made.json as { token_value: string; token_info: { token_id: string } };
    const as = api.map((x) => new Client(x.base, bearer(token_value)));
    // Every replica has the token cached before it is revoked.
    for (const x of as) await msUntil(() => x.call("POST", "/serving-endpoints/token-ep/invocations", chat), (r) => r.status === 200);
    const del = await b.call("POST", "/api/2.0/token/delete", { token_id: token_info.token_id });
    assert.equal(del.status, 200, del.text);
    const refused = (r: Reply) => r.status === 401;
    const [onA, , onC] = as as [Client, Client, Client];
    const msA = await msUntil(() => onA.call("POST", "/serving-endpoints/token-ep/invocations", chat), refused);
    const msC = await msUntil(() => onC.call("POST", "/serving-endpoints/token-ep/invocations", chat), refused);
    assert.ok(msA < 1000 && msC < 1000, `A ${msA} ms, C ${msC} ms`);
    t.diagnostic(`token revoked on B refused by A after ${Math.round(msA)} ms, by C after ${Math.round(msC)} ms`);
  });

  it("lets 30 of 90 concurrent requests spread over the three through a limit of 30 per minute (exactly 30 when the burst fits in 2 s)", async (t) => {
    const [a] = api as [Client];
    assert.equal((await a.call("POST", "/api/2.0/serving-endpoints", endpointBody("limited-ep", mock.url, { rate_limits: [{ calls: 30, key: "endpoint", renewal_period: "minute" }] }))).status, 200);
    for (const x of api) await msUntil(() => x.call("GET", "/api/2.0/serving-endpoints/limited-ep"), (r) => r.status === 200);
    // Every replica serves the endpoint (its row is there for GET at once; the live copy follows the notice).
    await sleep(300);
    const t0 = performance.now();
    const replies = await Promise.all(Array.from({ length: 90 }, (_, i) => (api[i % 3] as Client).call("POST", "/serving-endpoints/limited-ep/invocations", chat)));
    const burstMs = performance.now() - t0;
    const ok = replies.filter((r) => r.status === 200).length;
    const limited = replies.filter((r) => r.status === 429).length;
    assert.equal(ok + limited, 90, `statuses: ${[...new Set(replies.map((r) => r.status))].join(",")}`);
    // The budget is a rate (GCRA): 30 at once, then one more every 2 s. A burst that takes
    // longer than 2 s (a loaded machine) has earned one more call per 2 s — never more.
    const earned = Math.floor(burstMs / 2000);
    assert.ok(ok >= 30 && ok <= 30 + earned, `${ok} admitted in a burst of ${Math.round(burstMs)} ms (30 + at most ${earned})`);
    if (earned === 0) assert.equal(ok, 30);
    t.diagnostic(`${ok} of 90 admitted, burst took ${Math.round(burstMs)} ms`);
  });

  it("writes the usage rows of 300 requests spread over the three into the same tables: every replica's usage API shows 300", async () => {
    const [a] = api as [Client];
    assert.equal((await a.call("POST", "/api/2.0/serving-endpoints", endpointBody("usage-ep", mock.url, { usage_tracking_config: { enabled: true } }))).status, 200);
    for (const x of api) await msUntil(() => x.call("POST", "/serving-endpoints/usage-ep/invocations", chat), (r) => r.status === 200);
    const start = Date.now();
    const replies: Reply[] = [];
    for (let round = 0; round < 10; round++) {
      replies.push(...(await Promise.all(Array.from({ length: 30 }, (_, i) => (api[i % 3] as Client).call("POST", "/serving-endpoints/usage-ep/invocations", chat)))));
    }
    assert.equal(replies.filter((r) => r.status === 200).length, 300);
    const counts: number[] = [];
    for (const x of api) {
      // Each replica writes its rows within its flush interval (1 s); the query sums all three.
      let n = 0;
      const t0 = Date.now();
      while (Date.now() - t0 < 5_000) {
        const r = await x.call("GET", `/api/2.0/serving-endpoints/usage-ep/usage?start_time=${start}&granularity=minute`);
        assert.equal(r.status, 200, r.text);
        n = (r.json as { totals: { requests: number } }).totals.requests;
        if (n >= 300) break;
        await sleep(100);
      }
      counts.push(n);
    }
    assert.deepEqual(counts, [300, 300, 300]);
    const db = new pg.Client({ connectionString: schema.url });
    await db.connect();
    try {
      const rows = await db.query<{ n: string }>("select count(*) as n from usage_records where endpoint_name = 'usage-ep' and time >= $1", [start]);
      assert.equal(Number(rows.rows[0]?.n), 300);
    } finally {
      await db.end();
    }
  });

  it("refuses to start a replica with another master key (or none), with a clear message, changing nothing", async () => {
    const db = new pg.Client({ connectionString: schema.url });
    await db.connect();
    const snapshot = async () => JSON.stringify((await db.query("select key, value from meta order by key")).rows) + JSON.stringify((await db.query("select id, token_hash from tokens order by id")).rows);
    try {
      const before = await snapshot();
      const wrong = await runCli(["serve", "--port", "0", "--data-dir", tempDir(), "--database-url", schema.url], { ...env(), TESSERA_MASTER_KEY: randomBytes(32).toString("hex"), TESSERA_ADMIN_TOKEN: "another-admin-token-x" });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /master key does not match the one the store at postgres:\/\/\S+ was sealed with; nothing was changed/);
      const none = await runCli(["serve", "--port", "0", "--data-dir", tempDir(), "--database-url", schema.url], { ...env(), TESSERA_MASTER_KEY: "" });
      assert.equal(none.code, 1);
      assert.match(none.stderr, /No master key: the store at .* is sealed/);
      assert.equal(await snapshot(), before);
    } finally {
      await db.end();
    }
  });
});
