/**
 * The acceptance test for shared limits: two `tessera serve` processes, each with its own
 * data dir and the same config file, keep their limits in the real Redis at 127.0.0.1:6379
 * under one unique key prefix. 40 concurrent requests split across both against one
 * `calls` limit of 20 per minute: 20 pass (within one of exact), the rest get 429.
 * A third process whose Redis is unreachable still serves and limits on its own.
 * (Needs the build: `npm test` builds first; alone, run `npx tsc -p tsconfig.build.json`.)
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { dropPrefix, TEST_REDIS_URL } from "../../src/limits/store.case.test.js";
import { startGateway, tempDir, type GatewayProcess } from "../helpers/gateway-process.js";
import { bearer, Client, type Reply } from "../helpers/http.js";

const ADMIN = "rate-limits-redis-admin-token-42";
const UPSTREAM = "sk-upstream-plaintext-redis-e2e";
const chat = { messages: [{ role: "user", content: "Hi" }] };

function configFile(mockUrl: string): string {
  const file = join(tempDir(), "tessera.yaml");
  const entity = `
        - external_model:
            name: mock-model
            provider: custom
            task: llm/v1/chat
            custom_provider_config:
              custom_provider_url: ${mockUrl}/v1
              bearer_token_auth: { token_plaintext: ${UPSTREAM} }`;
  writeFileSync(
    file,
    `endpoints:
  - name: shared
    config:
      served_entities:${entity}
    ai_gateway:
      rate_limits:
        - { calls: 20, key: endpoint, renewal_period: minute }
  - name: shared-tokens
    config:
      served_entities:${entity}
    ai_gateway:
      rate_limits:
        - { tokens: 100, key: user, renewal_period: minute }
`,
  );
  return file;
}

describe("two gateway processes share one rate limit in Redis", () => {
  const prefix = `tessera-test:e2e:${process.pid}:${Date.now()}:`;
  let mock: MockServer;
  let redis: Redis;
  let gws: GatewayProcess[] = [];
  let clients: Client[] = [];

  before(async () => {
    mock = await startMockOpenAIWire();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    const file = configFile(mock.url);
    const env = { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_REDIS_PREFIX: prefix };
    const started = await Promise.allSettled([0, 1].map(() => startGateway(["--data-dir", tempDir(), "--config", file, "--redis-url", TEST_REDIS_URL], env)));
    // Whatever started is stopped in `after`, even when the other failed to start.
    gws = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    for (const s of started) if (s.status === "rejected") throw s.reason;
    clients = gws.map((g) => new Client(g.url, bearer(ADMIN)));
  });
  after(async () => {
    await Promise.all(gws.map((g) => g.stop()));
    await dropPrefix(redis, prefix);
    await redis.quit();
    await mock?.close();
  });

  it("admits 20 of 40 concurrent calls against a limit of 20 per minute, within one of exact", async () => {
    mock.reset();
    const replies: Reply[] = await Promise.all(Array.from({ length: 40 }, (_x, i) => (clients[i % 2] as Client).call("POST", "/serving-endpoints/shared/invocations", chat)));
    const ok = replies.filter((r) => r.status === 200).length;
    const limited = replies.filter((r) => r.status === 429);
    assert.equal(ok + limited.length, 40, replies.filter((r) => r.status !== 200 && r.status !== 429).map((r) => r.text).join("\n"));
    assert.ok(Math.abs(ok - 20) <= 1, `${ok} admitted`);
    assert.equal(mock.requests.length, ok);
    for (const r of limited) {
      assert.equal((r.json as { error_code: string }).error_code, "REQUEST_LIMIT_EXCEEDED");
      assert.ok(Number(r.headers.get("retry-after")) >= 1);
    }
    // Both processes refused some, so neither kept a budget of its own.
    for (const c of clients) assert.equal((await c.call("POST", "/serving-endpoints/shared/invocations", chat)).status, 429);
    assert.ok((await redis.keys(`${prefix}*`)).length > 0, "the state is in Redis under the prefix");
  });

  it("charges tokens used through one process against the other's next request", async () => {
    mock.enqueue({ text: "big", usage: { prompt: 10, completion: 200 } });
    assert.equal((await (clients[0] as Client).call("POST", "/serving-endpoints/shared-tokens/invocations", chat)).status, 200);
    await new Promise((r) => setTimeout(r, 100));
    const r = await (clients[1] as Client).call("POST", "/serving-endpoints/shared-tokens/invocations", chat);
    assert.equal(r.status, 429, r.text);
    assert.match((r.json as { message: string }).message, /100 tokens per minute for user admin/);
  });

  it("a process whose Redis is unreachable still serves, limiting on its own, and never logs a credential", async () => {
    const file = configFile(mock.url);
    const gw = await startGateway(["--data-dir", tempDir(), "--config", file, "--redis-url", "redis://127.0.0.1:1"], { TESSERA_ADMIN_TOKEN: ADMIN });
    try {
      const c = new Client(gw.url, bearer(ADMIN));
      const replies = await Promise.all(Array.from({ length: 25 }, () => c.call("POST", "/serving-endpoints/shared/invocations", chat)));
      assert.equal(replies.filter((r) => r.status === 200).length, 20);
      assert.equal(replies.filter((r) => r.status === 429).length, 5);
      assert.match(gw.output(), /rate-limit Redis unreachable/);
    } finally {
      await gw.stop();
    }
    const logs = [gw.output(), ...gws.map((g) => g.output())].join("\n");
    for (const secret of [ADMIN, UPSTREAM]) assert.ok(!logs.includes(secret), "no token or upstream key in the logs");
    for (const c of clients) assert.ok(!c.seen.join("\n").includes(UPSTREAM));
  });
});
