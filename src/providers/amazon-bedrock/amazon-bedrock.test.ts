// The `amazon-bedrock` provider driven through its definition against the Bedrock mock,
// which checks every request's SigV4 signature: chat, streams, errors, cancellation,
// completions and embeddings (Titan, Cohere).
// Run: node --import tsx --test src/providers/amazon-bedrock/amazon-bedrock.test.ts
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { ChatChunk, ChatRequest, JsonObject, Task } from "../../gateway/types.js";
import { MOCK_AWS, mockEmbedding, startMockBedrock } from "../../../testing/mocks/amazon-bedrock/index.js";
import type { MockServer } from "../../../testing/mocks/mock-server.js";
import { configOf, ctx, drain, gatewayError, has, text } from "../../../testing/provider-test-helpers.js";
import type { ModelProvider } from "../provider.js";
import { amazonBedrockProvider } from "./index.js";

const CLAUDE = "anthropic.claude-3-7-sonnet-20250219-v1:0";
let mock: MockServer;

function provider(o: { model?: string; task?: Task; family?: string; secret?: string; token?: string; url?: string } = {}): ModelProvider {
  const creds: Array<[string, string]> = [
    ["aws_access_key_id", MOCK_AWS.accessKeyId],
    ["aws_secret_access_key", o.secret ?? MOCK_AWS.secretAccessKey],
  ];
  if (o.token) creds.push(["aws_session_token", o.token]);
  const config = configOf(
    amazonBedrockProvider.parseConfig(
      { aws_region: MOCK_AWS.region, bedrock_provider: o.family ?? "anthropic", aws_endpoint_url: o.url ?? mock.url },
      has(...creds.map(([k]) => k)),
    ),
  );
  return amazonBedrockProvider.create({ model: o.model ?? CLAUDE, task: o.task ?? "llm/v1/chat", config, credentials: new Map(creds) });
}

const chatReq = (extra: JsonObject = {}): ChatRequest => ({ messages: [{ role: "user", content: "Hi" }], ...extra });

function chatOf(p: ModelProvider) {
  assert.ok(p.chat && p.chatStream);
  return { chat: p.chat.bind(p), chatStream: p.chatStream.bind(p) };
}

before(async () => {
  mock = await startMockBedrock();
});
after(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

describe("chat", () => {
  test("a signed Converse call: path, body, answer, usage with cache counters", async () => {
    mock.enqueue({ text: "Hello!", usage: { prompt: 50, completion: 5, cached: 30, cacheWrite: 10 } });
    const res = await chatOf(provider()).chat(chatReq({ max_tokens: 64, temperature: 0.5, client_request_id: "c1" }), ctx());
    const r = mock.last();
    assert.equal(r.path, "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse");
    assert.deepEqual(r.json, { messages: [{ role: "user", content: [{ text: "Hi" }] }], inferenceConfig: { maxTokens: 64, temperature: 0.5 } });
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(res.model, CLAUDE);
    assert.deepEqual(res.choices, [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }]);
    assert.deepEqual(res.usage, { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55, prompt_tokens_details: { cached_tokens: 30 } });
  });

  test("tool calls and reasoning come back in OpenAI / Databricks shape", async () => {
    mock.enqueue({
      reasoning: [{ text: "Need weather.", signature: "sig-7" }],
      toolCalls: [{ id: "tooluse_1", name: "get_weather", arguments: { city: "Paris" } }],
    });
    const res = await chatOf(provider()).chat(chatReq({ tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }] }), ctx());
    const msg = res.choices[0]?.message;
    assert.deepEqual(msg?.content, [{ type: "reasoning", summary: [{ type: "summary_text", text: "Need weather.", signature: "sig-7" }] }, { type: "text", text: "" }]);
    assert.deepEqual(msg?.tool_calls, [{ id: "tooluse_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }]);
    assert.equal(res.choices[0]?.finish_reason, "tool_calls");
  });

  test("temporary credentials: the session token is sent and signed", async () => {
    const tokened = await startMockBedrock({ sessionToken: "SESSION-TOKEN-1234" });
    try {
      const res = await chatOf(provider({ url: tokened.url, token: "SESSION-TOKEN-1234" })).chat(chatReq(), ctx());
      assert.equal(res.choices[0]?.finish_reason, "stop");
      assert.equal(tokened.last().headers["x-amz-security-token"], "SESSION-TOKEN-1234");
      assert.equal((await gatewayError(chatOf(provider({ url: tokened.url })).chat(chatReq(), ctx()))).status, 403);
    } finally {
      await tokened.close();
    }
  });
});

describe("errors", () => {
  test("HTTP errors keep their status and message; Retry-After is passed on; 424 model errors are 502", async () => {
    mock.enqueue({ error: { status: 429, message: "Too many tokens, please wait before trying again.", retryAfter: "3" } });
    const e = await gatewayError(chatOf(provider()).chat(chatReq(), ctx()));
    assert.equal(e.status, 429);
    assert.equal(e.retryAfter, "3");
    assert.equal(e.openaiCode, "ThrottlingException");
    assert.match(e.message, /Received error from amazon-bedrock \(HTTP 429\): Too many tokens/);
    for (const [status, want] of [
      [400, 400],
      [404, 404],
      [424, 502],
      [408, 504],
      [500, 500],
      [503, 503],
    ] as const) {
      mock.enqueue({ error: { status, message: `failure ${status}` } });
      const err = await gatewayError(chatOf(provider()).chat(chatReq(), ctx()));
      assert.equal(err.status, want, String(status));
      assert.equal(err.upstream?.status, status);
    }
  });

  test("a wrong secret key: the mock's 403, and no credential in the message", async () => {
    const e = await gatewayError(chatOf(provider({ secret: "wrong-secret-value-123" })).chat(chatReq(), ctx()));
    assert.equal(e.status, 403);
    assert.equal(e.openaiCode, "InvalidSignatureException");
    mock.enqueue({ error: { status: 400, message: `bad key ${MOCK_AWS.secretAccessKey} for ${MOCK_AWS.accessKeyId}` } });
    const leak = await gatewayError(chatOf(provider()).chat(chatReq(), ctx()));
    assert.ok(!leak.message.includes(MOCK_AWS.secretAccessKey) && !leak.message.includes(MOCK_AWS.accessKeyId), leak.message);
    assert.match(leak.message, /\[REDACTED\]/);
  });

  test("a request the adapter cannot translate never reaches Bedrock", async () => {
    const e = await gatewayError(chatOf(provider()).chat(chatReq({ seed: 1 }), ctx()));
    assert.equal(e.status, 400);
    assert.equal(e.param, "seed");
    assert.equal(mock.requests.length, 0);
  });
});

describe("chatStream", () => {
  test("chunks from the event stream: text pieces, tool calls, finish, usage last", async () => {
    mock.enqueue({
      text: "Checking the weather.",
      toolCalls: [
        { id: "tooluse_a", name: "get_weather", arguments: { city: "Paris" } },
        { id: "tooluse_b", name: "get_weather", arguments: { city: "Rome" } },
      ],
      usage: { prompt: 20, completion: 9 },
      pieces: 4,
    });
    const chunks = await drain(await chatOf(provider({ family: "amazon", model: "amazon.nova-pro-v1:0" })).chatStream(chatReq({ stream: true }), ctx()));
    assert.equal(mock.last().path, "/model/amazon.nova-pro-v1%3A0/converse-stream");
    assert.equal(mock.last().headers["accept"], "application/vnd.amazon.eventstream");
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: "assistant", content: "" });
    assert.equal(text(chunks), "Checking the weather.");
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(
      calls.filter((c) => c.id).map((c) => [(c as { index: number }).index, c.id]),
      [
        [0, "tooluse_a"],
        [1, "tooluse_b"],
      ],
    );
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "tool_calls");
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 });
  });

  test("an HTTP error before the stream is thrown by chatStream itself", async () => {
    mock.enqueue({ error: { status: 503, message: "Service unavailable." } });
    const e = await gatewayError(chatOf(provider()).chatStream(chatReq(), ctx()));
    assert.equal(e.status, 503);
  });

  test("an exception frame mid-stream fails the iteration with its status class", async () => {
    mock.enqueue({ text: "partial answer here", midStreamError: { status: 429, message: "Throttled mid-stream." } });
    const stream = await chatOf(provider()).chatStream(chatReq(), ctx());
    const seen: ChatChunk[] = [];
    const e = await gatewayError(
      (async () => {
        for await (const c of stream) seen.push(c);
      })(),
    );
    assert.equal(e.status, 429);
    assert.match(e.message, /Throttled mid-stream\./);
    assert.ok(text(seen).length > 0);
  });

  test("a truncated body is an error, never a clean end", async () => {
    mock.enqueue({ text: "cut off right here", truncate: true });
    const e = await gatewayError(drain(await chatOf(provider()).chatStream(chatReq(), ctx())));
    assert.equal(e.message, "Amazon Bedrock stream ended before it was complete.");
  });

  test("a client that leaves early releases the upstream request", async () => {
    mock.enqueue({ text: "x".repeat(3000), pieces: 300 });
    const before = mock.disconnects;
    const stream = await chatOf(provider()).chatStream(chatReq(), ctx());
    for await (const c of stream) {
      if (c.choices[0]?.delta.content) break;
    }
    for (let i = 0; i < 50 && mock.disconnects === before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(mock.disconnects, before + 1);
  });

  test("an aborted signal cancels the upstream call", async () => {
    mock.enqueue({ text: "y".repeat(3000), pieces: 300 });
    const ac = new AbortController();
    const before = mock.disconnects;
    const stream = await chatOf(provider()).chatStream(chatReq(), ctx(ac.signal));
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    await assert.rejects(async () => {
      for (;;) if ((await it.next()).done) break;
    });
    for (let i = 0; i < 50 && mock.disconnects === before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(mock.disconnects, before + 1);
  });
});

describe("completions", () => {
  test("the prompt is one user turn; the answer's text is the completion, streamed too", async () => {
    const p = provider({ task: "llm/v1/completions", family: "amazon", model: "amazon.nova-lite-v1:0" });
    assert.ok(p.complete && p.completeStream);
    mock.enqueue({ text: "Once upon a time.", usage: { prompt: 4, completion: 5 } });
    const c = await p.complete({ prompt: "Tell a story", max_tokens: 20 }, ctx());
    assert.deepEqual(mock.last().json, { messages: [{ role: "user", content: [{ text: "Tell a story" }] }], inferenceConfig: { maxTokens: 20 } });
    assert.equal(c.choices[0]?.text, "Once upon a time.");
    assert.deepEqual(c.usage, { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
    mock.enqueue({ text: "The end.", finish: "length" });
    const chunks = await drain(await p.completeStream({ prompt: "Finish it" }, ctx()));
    assert.equal(chunks.map((x) => x.choices[0]?.text ?? "").join(""), "The end.");
    assert.equal(chunks.flatMap((x) => x.choices).at(-1)?.finish_reason, "length");
    assert.ok(chunks.at(-1)?.usage);
  });
});

describe("embeddings", () => {
  test("Titan: one call per text, order kept, dimensions passed, tokens summed", async () => {
    const p = provider({ task: "llm/v1/embeddings", family: "amazon", model: "amazon.titan-embed-text-v2:0" });
    assert.ok(p.embed);
    const texts = ["alpha", "beta gamma", "delta", "epsilon zeta eta", "theta", "iota"];
    const res = await p.embed({ input: texts, dimensions: 4, normalize: true }, ctx());
    assert.equal(mock.requests.length, 6);
    assert.ok(mock.requests.every((r) => r.path === "/model/amazon.titan-embed-text-v2%3A0/invoke"));
    assert.deepEqual(
      mock.requests.map((r) => (r.json as JsonObject)["inputText"]).sort(),
      [...texts].sort(),
    );
    assert.deepEqual(mock.requests[0]?.json, { normalize: true, inputText: "alpha", dimensions: 4 });
    assert.deepEqual(
      res.data.map((d) => d.embedding),
      texts.map((t) => mockEmbedding(t, 4)),
    );
    assert.deepEqual(res.data.map((d) => d.index), [0, 1, 2, 3, 4, 5]);
    const tokens = texts.reduce((n, t) => n + Math.max(1, Math.ceil(t.length / 4)), 0);
    assert.deepEqual(res.usage, { prompt_tokens: tokens, total_tokens: tokens });
    assert.equal(res.model, "amazon.titan-embed-text-v2:0");
  });

  test("Titan: a failing call fails the whole request", async () => {
    const p = provider({ task: "llm/v1/embeddings", family: "amazon", model: "amazon.titan-embed-text-v2:0" });
    mock.enqueue({}, { error: { status: 429, message: "Slow down." } });
    const e = await gatewayError(p.embed?.({ input: ["a", "b", "c", "d", "e", "f", "g", "h"] }, ctx()) ?? Promise.resolve());
    assert.equal(e.status, 429);
  });

  test("Cohere: one call with all texts, input_type search_document unless given, usage from Bedrock's token header", async () => {
    const p = provider({ task: "llm/v1/embeddings", family: "cohere", model: "cohere.embed-english-v3" });
    assert.ok(p.embed);
    const res = await p.embed({ input: ["one", "two"] }, ctx());
    assert.deepEqual(mock.last().json, { input_type: "search_document", texts: ["one", "two"], embedding_types: ["float"] });
    assert.deepEqual(res.data.map((d) => d.embedding), [mockEmbedding("one"), mockEmbedding("two")]);
    assert.deepEqual(res.usage, { prompt_tokens: 2, total_tokens: 2 });
    await p.embed({ input: "q", extra_params: { input_type: "search_query", truncate: "END" }, dimensions: 16 }, ctx());
    assert.deepEqual(mock.last().json, { input_type: "search_query", truncate: "END", texts: ["q"], embedding_types: ["float"], output_dimension: 16 });
  });

  test("what Bedrock embeddings cannot do is refused by name", async () => {
    const p = provider({ task: "llm/v1/embeddings", family: "amazon", model: "amazon.titan-embed-text-v2:0" });
    assert.equal((await gatewayError(p.embed?.({ input: "a", encoding_format: "int8" }, ctx()) ?? Promise.resolve())).param, "encoding_format");
    assert.equal((await gatewayError(p.embed?.({ input: [1, 2, 3] }, ctx()) ?? Promise.resolve())).param, "input");
    assert.equal((await gatewayError(p.embed?.({ input: "a", dimensions: 0 }, ctx()) ?? Promise.resolve())).param, "dimensions");
    assert.equal((await gatewayError(p.embed?.({ input: "a", user: "u" }, ctx()) ?? Promise.resolve())).param, "user");
    await p.embed?.({ input: "a", encoding_format: "float" }, ctx());
  });

  test("encoding_format base64 never reaches the adapter (the gateway encodes it); if it did, it is refused by name", async () => {
    const p = provider({ task: "llm/v1/embeddings", family: "cohere", model: "cohere.embed-multilingual-v3" });
    assert.equal((await gatewayError(p.embed?.({ input: ["x"], encoding_format: "base64" }, ctx()) ?? Promise.resolve())).param, "encoding_format");
  });
});
