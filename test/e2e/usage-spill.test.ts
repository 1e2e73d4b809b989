/**
 * Nothing acknowledged is lost when the store is down and the gateway is then killed:
 * `tessera serve` on PostgreSQL through a proxy the test cuts; requests keep being served
 * while the database is unreachable (their usage rows go to the spill file in the data
 * dir); the load stops, the process is killed with SIGKILL while the database is still
 * down, and a new process on the same data dir, with the database back, replays the file:
 * every 200 response has its usage row exactly once. (Needs the build: `npm run build`.)
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from "../../testing/postgres-schema.js";
import { startTcpProxy, type TcpProxy } from "../../testing/tcp-proxy.js";
import { startGateway, tempDir, type GatewayProcess } from "../helpers/gateway-process.js";
import { bearer, Client } from "../helpers/http.js";

const ADMIN = "usage-spill-admin-token-42";
const KEY = randomBytes(32).toString("hex");
const chat = { messages: [{ role: "user", content: "Hi" }] };

describe("usage rows survive a store outage followed by kill -9", () => {
  let mock: MockServer;
  let schema: TestSchema;
  let proxy: TcpProxy;
  let url = "";
  const dataDir = tempDir();
  const gws: GatewayProcess[] = [];
  const env = { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_MASTER_KEY: KEY };

  before(async () => {
    mock = await startMockOpenAIWire();
    schema = await createTestSchema();
    const port = new URL(TEST_DATABASE_URL).port || "5432";
    proxy = await startTcpProxy(Number(port));
    url = schema.url.replace(`:${port}/`, `:${proxy.port}/`);
  });
  after(async () => {
    await Promise.all(gws.map((g) => g.stop()));
    await proxy?.close();
    await schema?.drop();
    await mock?.close();
  });

  it("every acknowledged request has its usage row exactly once after the restart", async (t) => {
    const first = await startGateway(["--data-dir", dataDir, "--database-url", url], env, 60_000);
    gws.push(first);
    const api = new Client(first.url, bearer(ADMIN));
    const made = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "spill-ep",
      config: { served_entities: [{ external_model: { name: "m", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${mock.url}/v1`, bearer_token_auth: { token_plaintext: "sk-spill" } } } }] },
      ai_gateway: { usage_tracking_config: { enabled: true } },
    });
    assert.equal(made.status, 200, made.text);
    const start = Date.now();
    let ok = 0;
    let okWhileDown = 0;
    let down = false;
    let running = true;
    const other: number[] = [];
    const worker = async () => {
      while (running) {
        const r = await api.call("POST", "/serving-endpoints/spill-ep/invocations", chat);
        if (r.status === 200) {
          ok++;
          if (down) okWhileDown++;
        } else other.push(r.status);
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, worker));
    const warm = Date.now();
    while (ok < 20 && Date.now() - warm < 10_000) await sleep(20);
    proxy.down();
    down = true;
    await sleep(1_500);
    running = false;
    await load;
    // Every answered request was recorded before its answer; one flush interval (50 ms) puts it in the file.
    await sleep(300);
    const spillDir = join(dataDir, "usage-spill");
    const spilled = existsSync(spillDir) ? readdirSync(spillDir) : [];
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    assert.deepEqual(other, [], "every request was served");
    assert.ok(okWhileDown > 0, "requests were served while the database was down");
    assert.ok(spilled.length > 0, "the spill file was written");

    proxy.up();
    const second = await startGateway(["--data-dir", dataDir, "--database-url", url], env, 60_000);
    gws.push(second);
    const db = new pg.Client({ connectionString: schema.url });
    await db.connect();
    try {
      let rows = 0;
      let distinct = 0;
      const t0 = Date.now();
      while (Date.now() - t0 < 15_000) {
        const r = await db.query<{ n: string; d: string }>("select count(*) as n, count(distinct request_id) as d from usage_records where endpoint_name = 'spill-ep' and time >= $1", [start]);
        rows = Number(r.rows[0]?.n);
        distinct = Number(r.rows[0]?.d);
        if (rows >= ok) break;
        await sleep(100);
      }
      const caughtUpMs = Date.now() - t0;
      assert.equal(rows, ok, "one usage row per 200 response");
      assert.equal(distinct, rows, "no request counted twice");
      await sleep(200);
      assert.deepEqual(readdirSync(spillDir), [], "the spill file was replayed and removed");
      assert.match(second.output(), /spilled usage records written to the store/);
      t.diagnostic(`${ok} responses (${okWhileDown} while the database was down), killed with ${spilled.join(",")} spilled; ${rows} rows after the restart, ${caughtUpMs} ms after it was listening`);
    } finally {
      await db.end();
    }
  });
});
