/**
 * `tessera store copy`: a SQLite install (an endpoint with a sealed plaintext credential, a
 * secret, a token, usage rows) copied into a fresh PostgreSQL schema; the counts agree; a
 * second copy into the now non-empty target is refused unless `--force`; and a gateway on
 * PostgreSQL with the same master key serves the endpoint (its credential decrypts) and
 * keeps counting usage after the copied rows.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { createTestSchema, type TestSchema } from "../../testing/postgres-schema.js";
import { runCli, tempDir } from "../helpers/gateway-process.js";
import { bearer, Client } from "../helpers/http.js";

const ADMIN = "store-copy-admin-token-0123";
const UPSTREAM = "sk-store-copy-plaintext";
const chat = { messages: [{ role: "user", content: "Hi" }] };
const env = { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" };

describe("tessera store copy", () => {
  let mock: MockServer;
  let schema: TestSchema;
  const dir = tempDir();
  let rt: Runtime | undefined;

  before(async () => {
    mock = await startMockOpenAIWire();
    schema = await createTestSchema();
    const local = await startRuntime({ port: 0, dataDir: dir, env });
    try {
      const api = new Client(local.url, bearer(ADMIN));
      assert.equal((await api.call("POST", "/api/2.0/secrets/scopes/create", { scope: "s" })).status, 200);
      assert.equal((await api.call("POST", "/api/2.0/secrets/put", { scope: "s", key: "k", string_value: "v" })).status, 200);
      const made = await api.call("POST", "/api/2.0/serving-endpoints", {
        name: "copied",
        config: { served_entities: [{ external_model: { name: "m", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${mock.url}/v1`, bearer_token_auth: { token_plaintext: UPSTREAM } } } }] },
        ai_gateway: { usage_tracking_config: { enabled: true } },
      });
      assert.equal(made.status, 200, made.text);
      for (let i = 0; i < 3; i++) assert.equal((await api.call("POST", "/serving-endpoints/copied/invocations", chat)).status, 200);
    } finally {
      await local.close();
    }
  });
  after(async () => {
    await rt?.close();
    await schema?.drop();
    await mock?.close();
  });

  it("copies every table, refuses a non-empty target without --force, and the copy serves on PostgreSQL", async () => {
    const first = await runCli(["store", "copy", "--from", dir, "--to", schema.url]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /usage_records\s+3\b/);
    assert.match(first.stdout, /endpoints\s+1\b/);
    const again = await runCli(["store", "copy", "--from", dir, "--to", schema.url]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds data; nothing was copied/);
    const forced = await runCli(["store", "copy", "--from", dir, "--to", schema.url, "--force"]);
    assert.equal(forced.code, 0, forced.stderr);

    const key = readFileSync(join(dir, "master.key"), "utf8").trim();
    rt = await startRuntime({ port: 0, dataDir: tempDir(), databaseUrl: schema.url, env: { ...env, TESSERA_MASTER_KEY: key } });
    const api = new Client(rt.url, bearer(ADMIN));
    mock.reset();
    assert.equal((await api.call("POST", "/serving-endpoints/copied/invocations", chat)).status, 200);
    assert.equal(mock.last().headers.authorization, `Bearer ${UPSTREAM}`, "the sealed credential decrypts with the same key");
    const usage = await api.call("GET", "/api/2.0/serving-endpoints/copied/usage?start_time=0&granularity=day");
    assert.equal((usage.json as { totals: { requests: number } }).totals.requests, 4);
    const scopes = await api.call("GET", "/api/2.0/secrets/scopes/list");
    assert.deepEqual((scopes.json as { scopes: Array<{ name: string }> }).scopes.map((s) => s.name), ["s"]);
  });
});
