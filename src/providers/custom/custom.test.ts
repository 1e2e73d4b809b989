// The `custom` provider (any OpenAI-compatible server), driven directly through its
// definition against the mock upstream.
// Run: node --import tsx --test src/providers/custom/custom.test.ts
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { ERROR_KINDS } from "../../gateway/errors.js";
import type { ChatRequest, JsonObject, Task } from "../../gateway/types.js";
import { MOCK_CONTENT, MOCK_MIDSTREAM_ERROR_MESSAGE, embedText, startMockOpenAI } from "../../../testing/mock-openai/index.js";
import type { MockOpenAI, RecordedRequest } from "../../../testing/mock-openai/index.js";
import type { ModelProvider } from "../provider.js";
import { getProvider } from "../registry.js";
import { customProvider } from "./index.js";
import { configOf, ctx, drain, fieldsOf, gatewayError, has, text } from "../../../testing/provider-test-helpers.js";

const TOKEN = "custom-bearer-token-777";
const API_KEY = "custom-api-key-value-888";
const MESSAGES = [{ role: "user", content: "hi there" }];

function chatReq(extra: JsonObject = {}): ChatRequest {
  return { messages: MESSAGES.map((m) => ({ ...m })), ...extra };
}

let mock: MockOpenAI;

function last(): RecordedRequest {
  const r = mock.requests.at(-1);
  assert.ok(r, "expected a request at the mock");
  return r;
}

type Auth = { kind: "none" } | { kind: "bearer" } | { kind: "api_key"; header: string };

function custom(model: string, opts: { task?: Task; url?: string; auth?: Auth } = {}): ModelProvider {
  const auth = opts.auth ?? { kind: "bearer" };
  const raw: JsonObject = { custom_provider_url: opts.url ?? `${mock.url}/v1` };
  const creds = new Map<string, string>();
  if (auth.kind === "bearer") {
    raw["bearer_token_auth"] = {};
    creds.set("bearer_token_auth.token", TOKEN);
  } else if (auth.kind === "api_key") {
    raw["api_key_auth"] = { key: auth.header };
    creds.set("api_key_auth.value", API_KEY);
  }
  const config = configOf(customProvider.parseConfig(raw, (f) => creds.has(f)));
  return customProvider.create({ model, task: opts.task ?? "llm/v1/chat", config, credentials: creds });
}

before(async () => {
  mock = await startMockOpenAI();
});
after(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

describe("definition", () => {
  test("is registered under `custom`", () => {
    assert.equal(getProvider("custom"), customProvider);
    assert.equal(customProvider.configKey, "custom_provider_config");
    assert.deepEqual([...customProvider.tasks], ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"]);
    assert.deepEqual([...customProvider.credentialFields], ["bearer_token_auth.token", "api_key_auth.value"]);
  });
});

describe("parseConfig", () => {
  test("the URL is required and must be http(s); reported once", () => {
    assert.deepEqual(fieldsOf(customProvider.parseConfig({}, has())), ["custom_provider_url"]);
    assert.deepEqual(fieldsOf(customProvider.parseConfig({ custom_provider_url: "" }, has())), ["custom_provider_url"]);
    assert.deepEqual(fieldsOf(customProvider.parseConfig({ custom_provider_url: "nope" }, has())), ["custom_provider_url"]);
    assert.deepEqual(fieldsOf(customProvider.parseConfig({ custom_provider_url: "file:///etc" }, has())), ["custom_provider_url"]);
  });

  test("no auth at all is allowed", () => {
    assert.deepEqual(configOf(customProvider.parseConfig({ custom_provider_url: "http://vllm:8000/v1" }, has())), {
      custom_provider_url: "http://vllm:8000/v1",
    });
  });

  test("bearer_token_auth needs its token", () => {
    assert.deepEqual(
      fieldsOf(customProvider.parseConfig({ custom_provider_url: "http://h/v1", bearer_token_auth: {} }, has())),
      ["bearer_token_auth.token"],
    );
    assert.deepEqual(
      configOf(customProvider.parseConfig({ custom_provider_url: "http://h/v1", bearer_token_auth: {} }, has("bearer_token_auth.token"))),
      { custom_provider_url: "http://h/v1" },
    );
  });

  test("api_key_auth: the key must be a header name and the value is required", () => {
    const url = "http://h/v1";
    assert.deepEqual(
      configOf(customProvider.parseConfig({ custom_provider_url: url, api_key_auth: { key: "X-Api-Key" } }, has("api_key_auth.value"))),
      { custom_provider_url: url, api_key_header: "X-Api-Key" },
    );
    for (const key of ["Bad Header", "x:y", "", "x\ny", 5, null, undefined]) {
      const block: JsonObject = key === undefined ? {} : { key };
      assert.deepEqual(
        fieldsOf(customProvider.parseConfig({ custom_provider_url: url, api_key_auth: block }, has("api_key_auth.value"))),
        ["api_key_auth.key"],
        `key ${JSON.stringify(key)}`,
      );
    }
    assert.deepEqual(
      fieldsOf(customProvider.parseConfig({ custom_provider_url: url, api_key_auth: { key: "X-Api-Key" } }, has())),
      ["api_key_auth.value"],
    );
    assert.deepEqual(fieldsOf(customProvider.parseConfig({ custom_provider_url: url, api_key_auth: "x" }, has())), [
      "api_key_auth.key",
      "api_key_auth.value",
    ]);
  });

  test("bearer and api_key both given is an issue", () => {
    const r = customProvider.parseConfig(
      { custom_provider_url: "http://h/v1", bearer_token_auth: {}, api_key_auth: { key: "X-Api-Key" } },
      has("bearer_token_auth.token", "api_key_auth.value"),
    );
    assert.deepEqual(fieldsOf(r), ["bearer_token_auth"]);
    assert.ok("issues" in r && /not both/.test(r.issues[0]?.message ?? ""));
  });
});

describe("calls", () => {
  test("chat with bearer auth: URL, headers, exact body, typed result", async () => {
    const p = custom("meta-llama/Llama-3-8B");
    assert.ok(p.chat);
    const res = await p.chat(
      chatReq({ model: "x", top_p: 0.9, client_request_id: "r", usage_context: { a: 1 }, extra_params: { repetition_penalty: 1.1, top_p: 0.1 } }),
      ctx(),
    );
    const r = last();
    assert.equal(r.path, "/v1/chat/completions");
    assert.equal(r.query, "");
    assert.equal(r.headers["authorization"], `Bearer ${TOKEN}`);
    assert.equal(r.headers["content-type"], "application/json");
    assert.deepEqual(r.body, { model: "meta-llama/Llama-3-8B", repetition_penalty: 1.1, top_p: 0.9, messages: MESSAGES });
    assert.equal(res.model, "meta-llama/Llama-3-8B");
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
  });

  test("api_key_auth sends the value under the configured header name, and no Authorization", async () => {
    const p = custom("m", { auth: { kind: "api_key", header: "X-Goog-Api-Key" } });
    assert.ok(p.chat);
    await p.chat(chatReq(), ctx());
    assert.equal(last().headers["x-goog-api-key"], API_KEY);
    assert.equal(last().headers["authorization"], undefined);
  });

  test("no auth sends no credential header", async () => {
    const p = custom("m", { auth: { kind: "none" } });
    assert.ok(p.chat);
    await p.chat(chatReq(), ctx());
    assert.equal(last().headers["authorization"], undefined);
  });

  test("base URL with and without a trailing slash, with and without /v1", async () => {
    for (const [base, path] of [
      [`${mock.url}/v1`, "/v1/chat/completions"],
      [`${mock.url}/v1/`, "/v1/chat/completions"],
      [`${mock.url}/`, "/chat/completions"],
      [mock.url, "/chat/completions"],
      [`${mock.url}/openai/v1//`, "/openai/v1/chat/completions"],
    ] as const) {
      const p = custom("m", { url: base });
      assert.ok(p.chat);
      await p.chat(chatReq(), ctx());
      assert.equal(last().path, path, base);
    }
  });

  test("chatStream adds stream and include_usage", async () => {
    const p = custom("m");
    assert.ok(p.chatStream);
    const chunks = await drain(await p.chatStream(chatReq({ stream_options: { include_usage: false } }), ctx()));
    assert.equal(last().headers["accept"], "text/event-stream");
    assert.deepEqual(last().body, { model: "m", messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
    assert.equal(text(chunks), MOCK_CONTENT);
    assert.equal(typeof chunks.at(-1)?.usage?.prompt_tokens, "number");
  });

  test("completions and embeddings", async () => {
    const c = custom("m", { task: "llm/v1/completions" });
    assert.ok(c.complete && c.completeStream);
    const res = await c.complete({ prompt: ["a"], stream: true }, ctx());
    assert.equal(last().path, "/v1/completions");
    assert.deepEqual(last().body, { model: "m", prompt: ["a"], stream: false });
    assert.equal(res.choices[0]?.text, MOCK_CONTENT);
    const chunks = await drain(await c.completeStream({ prompt: "a" }, ctx()));
    assert.equal(chunks.map((x) => x.choices[0]?.text ?? "").join(""), MOCK_CONTENT);

    const e = custom("emb", { task: "llm/v1/embeddings" });
    assert.ok(e.embed);
    const out = await e.embed({ input: "hello" }, ctx());
    assert.equal(last().path, "/v1/embeddings");
    assert.deepEqual(last().body, { model: "emb", input: "hello" });
    assert.deepEqual(out.data[0]?.embedding, embedText("hello"));
  });

  test("429 / 404 / 500", async () => {
    const p429 = custom("error-429");
    assert.ok(p429.chat);
    const e429 = await gatewayError(p429.chat(chatReq(), ctx()));
    assert.equal(e429.status, 429);
    assert.equal(e429.retryAfter, "7");
    assert.equal(e429.message, "Received error from custom (HTTP 429): Mock error 429");

    const p404 = custom("error-404", { task: "llm/v1/embeddings" });
    assert.ok(p404.embed);
    const e404 = await gatewayError(p404.embed({ input: "x" }, ctx()));
    assert.equal(e404.status, 404);
    assert.equal(e404.kind, ERROR_KINDS.UPSTREAM_MODEL_NOT_FOUND);

    const p500 = custom("error-500", { task: "llm/v1/completions" });
    assert.ok(p500.completeStream);
    const e500 = await gatewayError(p500.completeStream({ prompt: "x" }, ctx()));
    assert.equal(e500.status, 500);
  });

  test("midstream-error and truncated throw while iterating", async () => {
    const a = custom("midstream-error");
    assert.ok(a.chatStream);
    const e1 = await gatewayError(drain(await a.chatStream(chatReq(), ctx())));
    assert.equal(e1.message, `Received error from custom mid-stream: ${MOCK_MIDSTREAM_ERROR_MESSAGE}`);
    const b = custom("truncated");
    assert.ok(b.chatStream);
    const e2 = await gatewayError(drain(await b.chatStream(chatReq(), ctx())));
    assert.equal(e2.status, 502);
  });

  test("aborting mid-stream disconnects from the upstream", async () => {
    const ac = new AbortController();
    const p = custom("hang-stream");
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
    const p = custom("m", { url: `http://127.0.0.1:${port}/v1` });
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(chatReq(), ctx()));
    assert.equal(err.status, 503);
  });

  test("an upstream echoing the api key header is scrubbed", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ detail: `bad key ${String(req.headers["x-my-key"])} for ${String(req.headers["x-my-key"])}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const p = custom("m", { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, auth: { kind: "api_key", header: "X-My-Key" } });
      assert.ok(p.chat);
      const err = await gatewayError(p.chat(chatReq(), ctx()));
      assert.equal(err.status, 401);
      assert.equal(err.message, "Received error from custom (HTTP 401): bad key [REDACTED] for [REDACTED]");
      assert.ok(!JSON.stringify(err.upstream).includes(API_KEY));
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
