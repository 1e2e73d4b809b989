/**
 * Fallbacks through the running gateway (startRuntime in process): an endpoint whose first
 * served entity fails (scripted 503/429/400, or a closed port) and whose second, at 0%
 * traffic, is the fallback; the `served-model-name` header names the entity that answered.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";

const ADMIN = "fallbacks-admin-token-5150";
const UPSTREAM_TOKEN = "fallbacks-upstream-token-6160";
const CHAT = { messages: [{ role: "user", content: "Hi" }] };

/** A loopback port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("fallbacks end to end", () => {
  let rt: Runtime;
  let primary: MockServer;
  let backup: MockServer;
  let api: Client;
  let deadUrl: string;
  let n = 0;

  const entity = (name: string, url: string) => ({
    name,
    external_model: { name: `${name}-model`, provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${url}/v1`, bearer_token_auth: { token_plaintext: UPSTREAM_TOKEN } } },
  });

  /** A fresh endpoint (fresh breakers): `primary` at 100%, `backup` at 0%. */
  async function endpoint(opts: { fallback?: boolean; primaryUrl?: string; single?: boolean } = {}): Promise<string> {
    const name = `fb-${++n}`;
    const served = opts.single ? [entity("primary", opts.primaryUrl ?? primary.url)] : [entity("primary", opts.primaryUrl ?? primary.url), entity("backup", backup.url)];
    const routes = opts.single
      ? [{ served_entity_name: "primary", traffic_percentage: 100 }]
      : [{ served_entity_name: "primary", traffic_percentage: 100 }, { served_entity_name: "backup", traffic_percentage: 0 }];
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name,
      config: { served_entities: served, traffic_config: { routes } },
      ...(opts.fallback === false ? {} : { ai_gateway: { fallback_config: { enabled: true } } }),
    });
    assert.equal(r.status, 200, r.text);
    return name;
  }

  const query = (name: string, body: object = CHAT) => api.call("POST", `/serving-endpoints/${name}/invocations`, body);

  before(async () => {
    [primary, backup] = await Promise.all([startMockOpenAIWire(), startMockOpenAIWire()]);
    deadUrl = `http://127.0.0.1:${await closedPort()}`;
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
  });
  after(async () => {
    await rt?.close();
    await Promise.all([primary?.close(), backup?.close()]);
    for (const seen of api?.seen ?? []) assert.ok(!seen.includes(UPSTREAM_TOKEN) && !seen.includes(ADMIN), "no credential in any response");
  });
  beforeEach(() => {
    primary.reset();
    backup.reset();
  });

  it("a 503 from the first entity falls back to the 0% entity, and the header names it", async () => {
    const name = await endpoint();
    primary.enqueue({ error: { status: 503, message: "primary overloaded" } });
    backup.enqueue({ text: "from the backup" });
    const r = await query(name);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("served-model-name"), "backup");
    assert.match(r.text, /from the backup/);
    assert.equal(primary.requests.length, 1);
    assert.equal(backup.requests.length, 1);
    assert.equal((backup.last().json as { model: string }).model, "backup-model");
  });

  it("without a failure the traffic split's pick answers, and the 0% entity gets nothing", async () => {
    const name = await endpoint();
    const r = await query(name);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("served-model-name"), "primary");
    assert.equal(backup.requests.length, 0);
  });

  it("a 429 with Retry-After falls back at once (another upstream need not wait)", async () => {
    const name = await endpoint();
    primary.enqueue({ error: { status: 429, message: "slow down", retryAfter: "30" } });
    const t0 = Date.now();
    const r = await query(name);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("served-model-name"), "backup");
    assert.ok(Date.now() - t0 < 5_000);
  });

  it("a refused connection falls back", async () => {
    const name = await endpoint({ primaryUrl: deadUrl });
    const r = await query(name);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("served-model-name"), "backup");
  });

  it("a 400 from the first entity is returned as it is: the same request would fail again", async () => {
    const name = await endpoint();
    primary.enqueue({ error: { status: 400, message: "bad prompt" } });
    const r = await query(name);
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /bad prompt/);
    assert.equal(backup.requests.length, 0);
  });

  it("with fallback disabled the error is returned", async () => {
    const name = await endpoint({ fallback: false });
    primary.enqueue({ error: { status: 503, message: "primary overloaded" } });
    const r = await query(name);
    assert.equal(r.status, 503, r.text);
    assert.equal(backup.requests.length, 0);
    assert.equal(primary.requests.length, 1, "no retry either");
  });

  it("all entities failing: the last error is returned with its status and Retry-After", async () => {
    const name = await endpoint();
    primary.enqueue({ error: { status: 503, message: "primary overloaded" } });
    backup.enqueue({ error: { status: 429, message: "backup busy", retryAfter: "7" } });
    const r = await query(name);
    assert.equal(r.status, 429, r.text);
    assert.equal(r.headers.get("retry-after"), "7");
    assert.match(r.text, /backup busy/);
  });

  it("a stream that fails to open falls back; the header names the entity that streamed", async () => {
    const name = await endpoint();
    primary.enqueue({ error: { status: 502, message: "bad gateway" } });
    backup.enqueue({ text: "streamed by the backup" });
    const sdk = new OpenAI({ baseURL: `${rt.url}/serving-endpoints`, apiKey: ADMIN, maxRetries: 0 });
    const { data: stream, response } = await sdk.chat.completions.create({ model: name, messages: [{ role: "user", content: "Hi" }], stream: true }).withResponse();
    assert.equal(response.headers.get("served-model-name"), "backup");
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    assert.equal(text, "streamed by the backup");
    assert.equal(primary.requests.length, 1);
  });

  it("a stream that fails after its first bytes is not retried: the client already has part of it", async () => {
    const name = await endpoint();
    primary.enqueue({ text: "partial answer here", midStreamError: { status: 503, message: "broke mid-stream" } });
    const r = await query(name, { ...CHAT, stream: true });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("served-model-name"), "primary");
    assert.match(r.text, /broke mid-stream/);
    assert.equal(backup.requests.length, 0);
  });

  it("a single-entity endpoint is retried once after a short backoff", async () => {
    const name = await endpoint({ single: true });
    primary.enqueue({ error: { status: 503, message: "blip" } });
    const r = await query(name);
    assert.equal(r.status, 200, r.text);
    assert.equal(primary.requests.length, 2);
    primary.enqueue({ error: { status: 503, message: "blip" } }, { error: { status: 503, message: "still down" } });
    const again = await query(name);
    assert.equal(again.status, 503);
    assert.match(again.text, /still down/);
    assert.equal(primary.requests.length, 4, "only once");
  });

  it("after five failures in a row the breaker skips the failing entity", async () => {
    const name = await endpoint();
    for (let i = 0; i < 5; i++) primary.enqueue({ error: { status: 503, message: `down ${i}` } });
    for (let i = 0; i < 5; i++) assert.equal((await query(name)).headers.get("served-model-name"), "backup");
    assert.equal(primary.requests.length, 5);
    const r = await query(name);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("served-model-name"), "backup");
    assert.equal(primary.requests.length, 5, "the open entity was not asked");
  });
});
