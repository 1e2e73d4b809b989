/**
 * PostgreSQL made unreachable mid-load (every connection to it cut through a proxy, new
 * ones refused): the gateway keeps serving its endpoints from memory, control-plane writes
 * answer 503 TEMPORARILY_UNAVAILABLE, `/ready` says not ready while `/health` stays ok,
 * and once the database is back the usage rows equal the 200 responses the clients saw —
 * with no restart.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from "../../testing/postgres-schema.js";
import { startTcpProxy, type TcpProxy } from "../../testing/tcp-proxy.js";
import { tempDir } from "../helpers/gateway-process.js";
import { bearer, Client } from "../helpers/http.js";

const ADMIN = "store-outage-admin-token-01";
const chat = { messages: [{ role: "user", content: "Hi" }] };

describe("PostgreSQL unreachable mid-load", () => {
  let mock: MockServer;
  let schema: TestSchema;
  let proxy: TcpProxy;
  let rt: Runtime;
  let api: Client;

  before(async () => {
    mock = await startMockOpenAIWire();
    schema = await createTestSchema();
    const port = new URL(TEST_DATABASE_URL).port || "5432";
    proxy = await startTcpProxy(Number(port));
    const url = schema.url.replace(`:${port}/`, `:${proxy.port}/`);
    rt = await startRuntime({
      port: 0,
      dataDir: tempDir(),
      databaseUrl: url,
      env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_MASTER_KEY: randomBytes(32).toString("hex"), TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" },
    });
    api = new Client(rt.url, bearer(ADMIN));
  });
  after(async () => {
    await rt?.close();
    await proxy?.close();
    await schema?.drop();
    await mock?.close();
  });

  it("keeps serving, answers writes 503, and writes every usage row once the database is back", async (t) => {
    const made = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "outage-ep",
      config: { served_entities: [{ external_model: { name: "m", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${mock.url}/v1`, bearer_token_auth: { token_plaintext: "sk-outage" } } } }] },
      ai_gateway: { usage_tracking_config: { enabled: true } },
    });
    assert.equal(made.status, 200, made.text);
    const start = Date.now();
    let ok = 0;
    const other: number[] = [];
    let okWhileDown = 0;
    let down = false;
    let running = true;
    const worker = async () => {
      while (running) {
        const r = await api.call("POST", "/serving-endpoints/outage-ep/invocations", chat);
        if (r.status === 200) {
          ok++;
          if (down) okWhileDown++;
        } else other.push(r.status);
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    try {
      await sleep(500);
      proxy.down();
      down = true;
      await sleep(300);
      const write = await api.call("POST", "/api/2.0/serving-endpoints", {
        name: "during-outage",
        config: { served_entities: [{ external_model: { name: "m", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${mock.url}/v1` } } }] },
      });
      assert.equal(write.status, 503, write.text);
      assert.equal((write.json as { error_code: string }).error_code, "TEMPORARILY_UNAVAILABLE");
      assert.equal(write.headers.get("retry-after"), "1");
      const ready = await api.call("GET", "/ready");
      assert.equal(ready.status, 503, ready.text);
      assert.equal((await api.call("GET", "/health")).status, 200);
      await sleep(1_500);
      down = false;
      proxy.up();
      await sleep(500);
    } finally {
      running = false;
      await load;
    }
    assert.deepEqual(other, [], "every request was served");
    assert.ok(okWhileDown > 0, "requests were served while the database was down");
    let n = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 20_000) {
      const r = await api.call("GET", `/api/2.0/serving-endpoints/outage-ep/usage?start_time=${start}&granularity=minute`);
      if (r.status === 200) {
        n = (r.json as { totals: { requests: number } }).totals.requests;
        if (n >= ok) break;
      }
      await sleep(200);
    }
    assert.equal(n, ok, "one usage row per 200 response");
    assert.equal((await api.call("GET", "/ready")).status, 200);
    t.diagnostic(`${ok} responses (${okWhileDown} while the database was down); ${n} usage rows; caught up ${Date.now() - t0} ms after the first query`);
  });
});
