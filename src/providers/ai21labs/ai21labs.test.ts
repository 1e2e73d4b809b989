// The `ai21labs` provider (AI21 Studio's OpenAI-compatible chat API), driven directly
// through its definition against the mock upstream.
// Run: node --import tsx --test src/providers/ai21labs/ai21labs.test.ts
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { ERROR_KINDS } from "../../gateway/errors.js";
import type { ChatRequest, JsonObject } from "../../gateway/types.js";
import { MOCK_CONTENT, MOCK_MIDSTREAM_ERROR_MESSAGE, startMockOpenAI } from "../../../testing/mock-openai/index.js";
import type { MockOpenAI, RecordedRequest } from "../../../testing/mock-openai/index.js";
import type { ModelProvider } from "../provider.js";
import { getProvider } from "../registry.js";
import { ai21labsProvider } from "./index.js";
import { configOf, ctx, drain, fieldsOf, gatewayError, has, text } from "../../../testing/provider-test-helpers.js";

const KEY = "ai21-secret-key-4242";
const MESSAGES = [{ role: "user", content: "Tell me" }];

function chatReq(extra: JsonObject = {}): ChatRequest {
  return { messages: MESSAGES.map((m) => ({ ...m })), ...extra };
}

let mock: MockOpenAI;

function last(): RecordedRequest {
  const r = mock.requests.at(-1);
  assert.ok(r, "expected a request at the mock");
  return r;
}

function ai21(model: string, base = `${mock.url}/studio/v1`): ModelProvider {
  const config = configOf(ai21labsProvider.parseConfig({ ai21labs_api_base: base }, has("ai21labs_api_key")));
  return ai21labsProvider.create({ model, task: "llm/v1/chat", config, credentials: new Map([["ai21labs_api_key", KEY]]) });
}

before(async () => {
  mock = await startMockOpenAI();
});
after(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

describe("definition", () => {
  test("is registered under `ai21labs`, chat only", () => {
    assert.equal(getProvider("ai21labs"), ai21labsProvider);
    assert.equal(ai21labsProvider.configKey, "ai21labs_config");
    assert.deepEqual([...ai21labsProvider.tasks], ["llm/v1/chat"]);
    assert.deepEqual([...ai21labsProvider.credentialFields], ["ai21labs_api_key"]);
  });
});

describe("parseConfig", () => {
  test("the key is required", () => {
    assert.deepEqual(fieldsOf(ai21labsProvider.parseConfig({}, has())), ["ai21labs_api_key"]);
  });
  test("the base defaults to AI21 Studio", () => {
    assert.deepEqual(configOf(ai21labsProvider.parseConfig({}, has("ai21labs_api_key"))), {
      ai21labs_api_base: "https://api.ai21.com/studio/v1",
    });
  });
  test("a bad base URL names the field", () => {
    for (const bad of ["nope", "ws://h/v1", 1]) {
      assert.deepEqual(fieldsOf(ai21labsProvider.parseConfig({ ai21labs_api_base: bad }, has("ai21labs_api_key"))), ["ai21labs_api_base"]);
    }
    assert.deepEqual(fieldsOf(ai21labsProvider.parseConfig({ ai21labs_api_base: "nope" }, has())), ["ai21labs_api_base", "ai21labs_api_key"]);
  });
});

describe("calls", () => {
  test("chat: URL, bearer key, exact body, typed result", async () => {
    const p = ai21("jamba-1.5-large");
    assert.deepEqual(Object.keys(p).sort(), ["chat", "chatStream"]);
    assert.ok(p.chat);
    const res = await p.chat(
      chatReq({ max_tokens: 100, client_request_id: "id", usage_context: { a: "b" }, extra_params: { documents: [], max_tokens: 5 } }),
      ctx(),
    );
    const r = last();
    assert.equal(r.path, "/studio/v1/chat/completions");
    assert.equal(r.query, "");
    assert.equal(r.headers["authorization"], `Bearer ${KEY}`);
    assert.deepEqual(r.body, { model: "jamba-1.5-large", documents: [], max_tokens: 100, messages: MESSAGES });
    assert.equal(res.object, "chat.completion");
    assert.equal(res.model, "jamba-1.5-large");
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
  });

  test("a base with a trailing slash", async () => {
    const p = ai21("jamba", `${mock.url}/studio/v1/`);
    assert.ok(p.chat);
    await p.chat(chatReq(), ctx());
    assert.equal(last().path, "/studio/v1/chat/completions");
  });

  test("chatStream adds stream and include_usage", async () => {
    const p = ai21("jamba");
    assert.ok(p.chatStream);
    const chunks = await drain(await p.chatStream(chatReq(), ctx()));
    assert.deepEqual(last().body, { model: "jamba", messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
    assert.equal(text(chunks), MOCK_CONTENT);
    assert.equal(typeof chunks.at(-1)?.usage?.total_tokens, "number");
  });

  test("429 keeps status, Retry-After and message", async () => {
    const p = ai21("error-429");
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(chatReq(), ctx()));
    assert.equal(err.status, 429);
    assert.equal(err.kind, ERROR_KINDS.RATE_LIMITED);
    assert.equal(err.retryAfter, "7");
    assert.equal(err.message, "Received error from ai21labs (HTTP 429): Mock error 429");
  });

  test("404 and 500", async () => {
    const p404 = ai21("error-404");
    assert.ok(p404.chat);
    const e404 = await gatewayError(p404.chat(chatReq(), ctx()));
    assert.equal(e404.status, 404);
    assert.match(e404.message, /error-404/);
    const p500 = ai21("error-500");
    assert.ok(p500.chatStream);
    const e500 = await gatewayError(p500.chatStream(chatReq(), ctx()));
    assert.equal(e500.status, 500);
  });

  test("midstream-error and truncated throw while iterating", async () => {
    const a = ai21("midstream-error");
    assert.ok(a.chatStream);
    const e1 = await gatewayError(drain(await a.chatStream(chatReq(), ctx())));
    assert.equal(e1.message, `Received error from ai21labs mid-stream: ${MOCK_MIDSTREAM_ERROR_MESSAGE}`);
    const b = ai21("truncated");
    assert.ok(b.chatStream);
    const e2 = await gatewayError(drain(await b.chatStream(chatReq(), ctx())));
    assert.match(e2.message, /ended before it was complete/);
  });

  test("aborting mid-stream disconnects from the upstream", async () => {
    const ac = new AbortController();
    const p = ai21("hang-stream");
    assert.ok(p.chatStream);
    const it = (await p.chatStream(chatReq(), ctx(ac.signal)))[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    const pending = it.next();
    ac.abort();
    await assert.rejects(pending);
    await mock.waitForDisconnects(1, 2000);
  });

  test("connection refused is a 503", async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const p = ai21("jamba", `http://127.0.0.1:${port}/studio/v1`);
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(chatReq(), ctx()));
    assert.equal(err.status, 503);
    assert.equal(err.kind, ERROR_KINDS.UPSTREAM_UNAVAILABLE);
  });

  test("an upstream echoing the key is scrubbed", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ detail: `Invalid token: ${String(req.headers["authorization"])}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const p = ai21("jamba", `http://127.0.0.1:${(server.address() as AddressInfo).port}/studio/v1`);
      assert.ok(p.chat);
      const err = await gatewayError(p.chat(chatReq(), ctx()));
      assert.equal(err.status, 401);
      assert.equal(err.message, "Received error from ai21labs (HTTP 401): Invalid token: Bearer [REDACTED]");
      assert.ok(!JSON.stringify(err.upstream).includes(KEY));
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
