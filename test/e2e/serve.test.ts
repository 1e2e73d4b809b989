/**
 * End to end, as a user runs it: `tessera serve` as a child process with a temp data
 * dir, the mock OpenAI upstream, secrets and endpoints made through the REST API, and
 * queries through curl-style Basic auth, `invocations`, and the official OpenAI SDK.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { MOCK_CONTENT, startMockOpenAI, type MockOpenAI } from "../../testing/mock-openai/index.js";
import { basic, bearer, Client } from "../helpers/http.js";
import { startGateway, tempDir, type GatewayProcess } from "../helpers/gateway-process.js";

const ADMIN = "e2e-admin-token-0123456789";
const UPSTREAM_SECRET = "sk-upstream-secret-from-scope-42";
const PLAINTEXT_SECRET = "sk-plaintext-secret-in-config-77";

describe("tessera serve end to end", () => {
  let mock: MockOpenAI;
  let gw: GatewayProcess;
  let api: Client;
  let sdk: OpenAI;
  const dataDir = tempDir();

  before(async () => {
    mock = await startMockOpenAI();
    gw = await startGateway(["--data-dir", dataDir], { TESSERA_ADMIN_TOKEN: ADMIN });
    api = new Client(gw.url, bearer(ADMIN));
    sdk = new OpenAI({ baseURL: `${gw.url}/serving-endpoints`, apiKey: ADMIN, maxRetries: 0 });
    const mk = (name: string, external_model: object) => api.call("POST", "/api/2.0/serving-endpoints", { name, config: { served_entities: [{ external_model }] } });
    assert.equal((await api.call("POST", "/api/2.0/secrets/scopes/create", { scope: "upstream" })).status, 200);
    assert.equal((await api.call("POST", "/api/2.0/secrets/put", { scope: "upstream", key: "token", string_value: UPSTREAM_SECRET })).status, 200);
    const custom = await mk("custom-chat", {
      name: "mock-model",
      provider: "custom",
      task: "llm/v1/chat",
      custom_provider_config: { custom_provider_url: `${mock.url}/v1`, bearer_token_auth: { token: "{{secrets/upstream/token}}" } },
    });
    assert.equal(custom.status, 200, custom.text);
    const oa = { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: PLAINTEXT_SECRET };
    for (const [name, task] of [["openai-chat", "llm/v1/chat"], ["openai-embed", "llm/v1/embeddings"], ["openai-complete", "llm/v1/completions"]] as const) {
      const r = await mk(name, { name: "gpt-4o-mini", provider: "openai", task, openai_config: oa });
      assert.equal(r.status, 200, r.text);
    }
  });

  after(async () => {
    await gw?.stop();
    await mock?.close();
  });

  it("answers /health without auth", async () => {
    const r = await new Client(gw.url, undefined).call("GET", "/health");
    assert.equal(r.status, 200);
  });

  it("queries a custom endpoint through invocations with curl-style Basic auth", async () => {
    mock.reset();
    const r = await new Client(gw.url, basic(ADMIN)).call("POST", "/serving-endpoints/custom-chat/invocations", {
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 20,
      extra_params: { top_k: 5 },
    });
    assert.equal(r.status, 200, r.text);
    const body = r.json as { object: string; choices: Array<{ message: { content: string } }> };
    assert.equal(body.object, "chat.completion");
    assert.equal(body.choices[0]?.message.content, MOCK_CONTENT);
    assert.equal(r.headers.get("served-model-name"), "mock-model");
    const seen = mock.requests.at(-1);
    assert.equal(seen?.headers["authorization"], `Bearer ${UPSTREAM_SECRET}`);
    assert.deepEqual(seen?.body, { model: "mock-model", top_k: 5, messages: [{ role: "user", content: "Hi" }], max_tokens: 20 });
  });

  it("serves the custom endpoint to the OpenAI SDK, plain and streamed", async () => {
    mock.reset();
    const res = await sdk.chat.completions.create({ model: "custom-chat", messages: [{ role: "user", content: "Hi" }] });
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
    const stream = await sdk.chat.completions.create({ model: "custom-chat", messages: [{ role: "user", content: "Hi" }], stream: true });
    let text = "";
    let usage: unknown;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, MOCK_CONTENT);
    assert.equal(finish, "stop");
    assert.ok(usage, "usage is reported in the stream although the client did not ask");
    for (const req of mock.requests) assert.equal(req.headers["authorization"], `Bearer ${UPSTREAM_SECRET}`);
    const streamed = mock.requests.at(-1)?.body as { stream_options?: { include_usage?: boolean } };
    assert.equal(streamed.stream_options?.include_usage, true);
  });

  it("streams invocations as data: lines only, ending in [DONE]", async () => {
    const res = await fetch(`${gw.url}/serving-endpoints/openai-chat/invocations`, {
      method: "POST",
      headers: { authorization: bearer(ADMIN), "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "Hi" }], stream: true }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    assert.equal(res.headers.get("served-model-name"), "gpt-4o-mini");
    const lines = (await res.text()).split("\n").filter((l) => l !== "");
    assert.ok(lines.every((l) => l.startsWith("data: ")), "nothing but data: lines");
    assert.equal(lines.at(-1), "data: [DONE]");
    assert.ok(lines.some((l) => l.includes('"usage":{')));
  });

  it("serves an openai endpoint with a plaintext key kept encrypted and never shown", async () => {
    mock.reset();
    const res = await sdk.chat.completions.create({ model: "openai-chat", messages: [{ role: "user", content: "Hi" }] });
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
    assert.equal(mock.requests.at(-1)?.headers["authorization"], `Bearer ${PLAINTEXT_SECRET}`);
    const got = await api.call("GET", "/api/2.0/serving-endpoints/openai-chat");
    const em = (got.json as { config: { served_entities: Array<{ external_model: { openai_config: Record<string, unknown> } }> } }).config.served_entities[0]?.external_model;
    assert.equal(em?.openai_config["openai_api_key_plaintext"], "[REDACTED]");
  });

  it("serves embeddings and completions endpoints to the SDK", async () => {
    const emb = await sdk.embeddings.create({ model: "openai-embed", input: ["one", "two"] });
    assert.equal(emb.data.length, 2);
    assert.ok(emb.data[0]?.embedding.length);
    const comp = await sdk.completions.create({ model: "openai-complete", prompt: "Say" });
    assert.equal(comp.choices[0]?.text, MOCK_CONTENT);
    const stream = await sdk.completions.create({ model: "openai-complete", prompt: "Say", stream: true });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.text ?? "";
    assert.equal(text, MOCK_CONTENT);
    const models = await sdk.models.list();
    assert.deepEqual(
      models.data.map((m) => m.id),
      ["custom-chat", "openai-chat", "openai-complete", "openai-embed"],
    );
  });

  it("rejects a task the endpoint does not serve with a 400", async () => {
    await assert.rejects(sdk.embeddings.create({ model: "openai-chat", input: "x" }), (e: unknown) => e instanceof OpenAI.BadRequestError);
  });

  it("cancels the upstream request when the client disconnects mid-stream", async () => {
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "hang",
      config: { served_entities: [{ external_model: { name: "hang-stream", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: "sk-x-hang" } } }] },
    });
    assert.equal(r.status, 200, r.text);
    mock.reset();
    const ac = new AbortController();
    const stream = await sdk.chat.completions.create({ model: "hang", messages: [{ role: "user", content: "Hi" }], stream: true }, { signal: ac.signal });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    await mock.waitForDisconnects(1, 5000);
    assert.ok(mock.disconnects >= 1);
  });

  it("never returns or logs a secret value", () => {
    for (const text of [...api.seen, gw.output()]) {
      assert.ok(!text.includes(UPSTREAM_SECRET), "scope secret leaked");
      assert.ok(!text.includes(PLAINTEXT_SECRET), "plaintext credential leaked");
    }
  });
});
