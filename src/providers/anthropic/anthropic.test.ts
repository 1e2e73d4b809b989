// The `anthropic` provider driven through its definition against the Anthropic mock,
// and, for the streamed tool-call acceptance check, with the official OpenAI SDK as the
// client of a minimal edge (the gateway's own SSE writer) in front of the adapter.
// Run: node scripts/run-tests.mjs src/providers/anthropic/anthropic
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import OpenAI from "openai";
import { GatewayError } from "../../gateway/errors.js";
import type { ChatChunk, ChatRequest, JsonObject } from "../../gateway/types.js";
import { writeSse } from "../../server/sse.js";
import type { MockServer } from "../../../testing/mocks/mock-server.js";
import { startMockAnthropic } from "../../../testing/mocks/anthropic/index.js";
import { configOf, ctx, drain, fieldsOf, gatewayError, has, text } from "../../../testing/provider-test-helpers.js";
import type { ModelProvider } from "../provider.js";
import { messagesUrl } from "./config.js";
import { anthropicProvider } from "./index.js";

const KEY = "sk-ant-adapter-test-key-77";
const MODEL = "claude-sonnet-4-6";
const HI: ChatRequest = { messages: [{ role: "user", content: "Hi" }] };

let mock: MockServer;

function provider(base = mock.url, task: "llm/v1/chat" | "llm/v1/completions" = "llm/v1/chat", key = KEY): ModelProvider {
  const config = configOf(anthropicProvider.parseConfig({ anthropic_api_base: base }, has("anthropic_api_key")));
  return anthropicProvider.create({ model: MODEL, task, config, credentials: new Map([["anthropic_api_key", key]]) });
}

function chatOf(p: ModelProvider) {
  assert.ok(p.chat && p.chatStream);
  return { chat: p.chat.bind(p), chatStream: p.chatStream.bind(p) };
}

const body = (): JsonObject => mock.last().json as JsonObject;

const TOOLS = [
  { id: "toolu_01", name: "get_weather", arguments: { city: "Paris", unit: "celsius" } },
  { id: "toolu_02", name: "get_weather", arguments: { city: "Oslo" } },
  { id: "toolu_03", name: "get_time", arguments: { zone: "Europe/Oslo", nested: { list: [1, 2, 3] } } },
];
const USAGE = { prompt: 120, completion: 45, cached: 70, cacheWrite: 20 };
const EXPECTED_USAGE = { prompt_tokens: 120, completion_tokens: 45, total_tokens: 165, prompt_tokens_details: { cached_tokens: 70 } };

before(async () => {
  mock = await startMockAnthropic({ apiKey: KEY });
});
after(() => mock.close());
beforeEach(() => mock.reset());

describe("definition and config", () => {
  test("provider anthropic, block anthropic_config, chat and completions, one credential", () => {
    assert.equal(anthropicProvider.name, "anthropic");
    assert.equal(anthropicProvider.configKey, "anthropic_config");
    assert.deepEqual([...anthropicProvider.tasks], ["llm/v1/chat", "llm/v1/completions"]);
    assert.deepEqual([...anthropicProvider.credentialFields], ["anthropic_api_key"]);
  });

  test("the key is required; the base defaults to api.anthropic.com and must be an http(s) URL", () => {
    assert.deepEqual(fieldsOf(anthropicProvider.parseConfig({}, has())), ["anthropic_api_key"]);
    assert.deepEqual(configOf(anthropicProvider.parseConfig({}, has("anthropic_api_key"))), { anthropic_api_base: "https://api.anthropic.com" });
    for (const bad of ["nope", "ftp://x", 3]) assert.deepEqual(fieldsOf(anthropicProvider.parseConfig({ anthropic_api_base: bad }, has("anthropic_api_key"))), ["anthropic_api_base"]);
  });

  test("the base may be given with or without /v1", () => {
    assert.equal(messagesUrl("https://api.anthropic.com"), "https://api.anthropic.com/v1/messages");
    assert.equal(messagesUrl("https://api.anthropic.com/"), "https://api.anthropic.com/v1/messages");
    assert.equal(messagesUrl("https://proxy.example/anthropic/v1"), "https://proxy.example/anthropic/v1/messages");
    assert.equal(messagesUrl("https://proxy.example/anthropic/v1/"), "https://proxy.example/anthropic/v1/messages");
  });
});

describe("chat", () => {
  test("POST /v1/messages with x-api-key and anthropic-version 2023-06-01; the answer and usage", async () => {
    mock.enqueue({ text: "Hello!", usage: USAGE });
    const res = await chatOf(provider()).chat({ ...HI, max_tokens: 50, client_request_id: "r1", usage_context: { a: 1 } }, ctx());
    const r = mock.last();
    assert.equal(r.path, "/v1/messages");
    assert.equal(r.headers["x-api-key"], KEY);
    assert.equal(r.headers["anthropic-version"], "2023-06-01");
    assert.match(String(r.headers["content-type"]), /application\/json/);
    assert.deepEqual(body(), { model: MODEL, max_tokens: 50, messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
    assert.equal(res.choices[0]?.message.content, "Hello!");
    assert.equal(res.choices[0]?.finish_reason, "stop");
    assert.deepEqual(res.usage, EXPECTED_USAGE);
    assert.match(res.id, /^msg_mock/);
  });

  test("a base with /v1 reaches the same path", async () => {
    await chatOf(provider(`${mock.url}/v1/`)).chat(HI, ctx());
    assert.equal(mock.last().path, "/v1/messages");
  });

  test("tool calls, reasoning and a raw stop reason come back in OpenAI terms", async () => {
    mock.enqueue({ toolCalls: TOOLS, reasoning: [{ text: "Three lookups.", signature: "sig-9" }], rawFinish: "model_context_window_exceeded" });
    const res = await chatOf(provider()).chat({ ...HI, max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 1024 } }, ctx());
    const msg = res.choices[0]?.message;
    assert.deepEqual(msg?.content, [
      { type: "reasoning", summary: [{ type: "summary_text", text: "Three lookups.", signature: "sig-9" }] },
      { type: "text", text: "" },
    ]);
    assert.deepEqual(
      msg?.tool_calls?.map((t) => [t.id, t.function?.name, JSON.parse(t.function?.arguments ?? "")]),
      TOOLS.map((t) => [t.id, t.name, t.arguments]),
    );
    assert.equal(res.choices[0]?.finish_reason, "length");
    assert.deepEqual(body()["thinking"], { type: "enabled", budget_tokens: 1024 });
  });

  test("a request that cannot be translated is a 400 and never reaches Anthropic", async () => {
    const err = await gatewayError(chatOf(provider()).chat({ ...HI, response_format: { type: "json_object" } }, ctx()));
    assert.equal(err.status, 400);
    assert.equal(err.param, "response_format");
    assert.equal(mock.requests.length, 0);
  });
});

describe("errors", () => {
  test("429 keeps its status, message and retry-after", async () => {
    mock.enqueue({ error: { status: 429, message: "Rate limited, slow down.", retryAfter: "17" } });
    const err = await gatewayError(chatOf(provider()).chat(HI, ctx()));
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, "17");
    assert.equal(err.openaiCode, "rate_limit_error");
    assert.equal(err.message, "Received error from anthropic (HTTP 429): Rate limited, slow down.");
    assert.deepEqual(err.upstream?.body, { type: "error", error: { type: "rate_limit_error", message: "Rate limited, slow down." }, request_id: (err.upstream?.body as JsonObject)["request_id"] });
  });

  test("529 overloaded is a 503; streamed calls throw it before any chunk", async () => {
    mock.enqueue({ error: { status: 529, message: "Overloaded" } }, { error: { status: 529, message: "Overloaded" } });
    const err = await gatewayError(chatOf(provider()).chat(HI, ctx()));
    assert.equal(err.status, 503);
    assert.equal(err.upstream?.status, 529);
    const streamErr = await gatewayError(chatOf(provider()).chatStream(HI, ctx()));
    assert.equal(streamErr.status, 503);
  });

  test("a wrong key is a 401 and the key never appears in the message", async () => {
    const wrong = "sk-ant-wrong-key-000";
    const err = await gatewayError(chatOf(provider(mock.url, "llm/v1/chat", wrong)).chat(HI, ctx()));
    assert.equal(err.status, 401);
    mock.enqueue({ error: { status: 400, message: `bad key ${KEY} given` } });
    const echoed = await gatewayError(chatOf(provider()).chat(HI, ctx()));
    assert.ok(!echoed.message.includes(KEY));
    assert.match(echoed.message, /\[REDACTED\]/);
  });
});

describe("chatStream", () => {
  test("text in pieces, finish, and usage equal to the mock's", async () => {
    mock.enqueue({ text: "Streaming works fine.", pieces: 4, usage: USAGE });
    const chunks = await drain(await chatOf(provider()).chatStream({ ...HI, stream: true }, ctx()));
    assert.equal(body()["stream"], true);
    assert.equal(mock.last().headers["accept"], "text/event-stream");
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: "assistant", content: "" });
    assert.equal(chunks.filter((c) => typeof c.choices[0]?.delta.content === "string" && c.choices[0].delta.content !== "").length, 4);
    assert.equal(text(chunks), "Streaming works fine.");
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "stop");
    assert.deepEqual(chunks.at(-1)?.usage, EXPECTED_USAGE);
  });

  test("THREE parallel tool calls streamed: indexes 0,1,2, arguments that parse, usage equal to the mock's", async () => {
    mock.enqueue({ text: "Looking up.", toolCalls: TOOLS, pieces: 4, usage: USAGE });
    const chunks = await drain(await chatOf(provider()).chatStream(HI, ctx()));
    const calls = new Map<number, { id: string; name: string; args: string }>();
    for (const c of chunks) {
      for (const t of (c.choices[0]?.delta.tool_calls ?? []) as Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>) {
        const cur = calls.get(t.index) ?? { id: "", name: "", args: "" };
        calls.set(t.index, { id: t.id ?? cur.id, name: t.function?.name || cur.name, args: cur.args + (t.function?.arguments ?? "") });
      }
    }
    assert.deepEqual(
      [...calls.entries()].map(([i, c]) => [i, c.id, c.name, JSON.parse(c.args)]),
      TOOLS.map((t, i) => [i, t.id, t.name, t.arguments]),
    );
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "tool_calls");
    assert.deepEqual(chunks.at(-1)?.usage, EXPECTED_USAGE);
  });

  test("reasoning streams as reasoning deltas with the signature; redacted as encrypted", async () => {
    mock.enqueue({ reasoning: [{ text: "abcdef", signature: "sig-s" }, { redacted: "RED==" }], text: "ok" });
    const chunks = await drain(await chatOf(provider()).chatStream({ ...HI, max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 } }, ctx()));
    const summaries = chunks.flatMap((c) => {
      const content = c.choices[0]?.delta.content;
      return Array.isArray(content) ? (content[0]?.["summary"] as JsonObject[]) : [];
    });
    assert.equal(summaries.filter((s) => s["type"] === "summary_text" && !("signature" in s)).map((s) => s["text"]).join(""), "abcdef");
    assert.deepEqual(summaries.at(-2), { type: "summary_text", text: "", signature: "sig-s" });
    assert.deepEqual(summaries.at(-1), { type: "summary_encrypted_text", data: "RED==" });
    assert.equal(text(chunks.filter((c) => typeof c.choices[0]?.delta.content === "string")), "ok");
  });

  test("a mid-stream overloaded error throws a 503 after the first content", async () => {
    mock.enqueue({ text: "partial answer here", midStreamError: { status: 529, message: "Overloaded", type: "overloaded_error" } });
    const got: ChatChunk[] = [];
    const err = await gatewayError(
      (async () => {
        for await (const c of await chatOf(provider()).chatStream(HI, ctx())) got.push(c);
      })(),
    );
    assert.equal(err.status, 503);
    assert.match(err.message, /Overloaded/);
    assert.ok(text(got).length > 0);
  });

  test("an error event's status follows its type: rate limit 429, overloaded 503, api_error 500", async () => {
    for (const [e, status] of [
      [{ status: 429, message: "Slow down", type: "rate_limit_error" }, 429],
      [{ status: 503, message: "Busy" }, 503],
      [{ status: 500, message: "Broken" }, 500],
    ] as const) {
      mock.enqueue({ text: "abc", midStreamError: e });
      const err = await gatewayError(drain(await chatOf(provider()).chatStream(HI, ctx())));
      assert.equal(err.status, status);
      assert.match(err.message, new RegExp(e.message));
    }
  });

  test("a truncated body is an error, never a clean end", async () => {
    mock.enqueue({ text: "one two three", truncate: true });
    const err = await gatewayError(drain(await chatOf(provider()).chatStream(HI, ctx())));
    assert.equal(err.status, 502);
    assert.equal(err.message, "Anthropic stream ended before it was complete.");
  });

  test("leaving the stream early cancels the upstream request", async () => {
    mock.enqueue({ text: "x".repeat(4000), pieces: 4000 });
    const before = mock.disconnects;
    const stream = await chatOf(provider()).chatStream(HI, ctx());
    for await (const _ of stream) break;
    for (let i = 0; i < 100 && mock.disconnects === before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(mock.disconnects, before + 1);
  });
});

describe("completions", () => {
  test("complete and completeStream run on the chat adapter", async () => {
    const p = provider(mock.url, "llm/v1/completions");
    assert.deepEqual(Object.keys(p).sort(), ["complete", "completeStream"]);
    assert.ok(p.complete && p.completeStream);
    mock.enqueue({ text: "Once upon a time", usage: { prompt: 5, completion: 4 } });
    const c = await p.complete({ prompt: "Tell a story", max_tokens: 20 }, ctx());
    assert.equal(c.choices[0]?.text, "Once upon a time");
    assert.deepEqual(body()["messages"], [{ role: "user", content: [{ type: "text", text: "Tell a story" }] }]);
    assert.equal(c.usage?.prompt_tokens, 5);
    mock.enqueue({ text: "abc", usage: { prompt: 5, completion: 4 } });
    const chunks = await drain(await p.completeStream({ prompt: "x" }, ctx()));
    assert.equal(chunks.map((ch) => ch.choices[0]?.text ?? "").join(""), "abc");
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, 4);
  });
});

describe("through the OpenAI SDK", () => {
  let edge: Server;
  let client: OpenAI;

  async function readBody(req: IncomingMessage): Promise<ChatRequest> {
    let s = "";
    for await (const c of req) s += String(c);
    return JSON.parse(s) as ChatRequest;
  }

  before(async () => {
    // The smallest edge: the adapter's chunks written by the gateway's own SSE writer.
    edge = createServer((req, res) => {
      void (async () => {
        const ac = new AbortController();
        res.on("close", () => ac.abort());
        const chunks = await chatOf(provider()).chatStream(await readBody(req), ctx(ac.signal));
        await writeSse({
          res,
          headers: {},
          chunks,
          signal: ac.signal,
          renderError: (err) => ({ body: { error: { message: String(err) } }, error: err instanceof GatewayError ? err : undefined }),
        });
      })();
    });
    await new Promise<void>((r) => edge.listen(0, "127.0.0.1", r));
    client = new OpenAI({ baseURL: `http://127.0.0.1:${(edge.address() as AddressInfo).port}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  after(() => new Promise<void>((r) => edge.close(() => r())));

  test("three streamed parallel tool calls arrive correctly indexed with JSON arguments; usage equals the mock's", async () => {
    mock.enqueue({ text: "Looking up.", toolCalls: TOOLS, pieces: 3, usage: USAGE });
    const stream = client.chat.completions.stream({
      model: "ignored",
      messages: [{ role: "user", content: "Weather in Paris and Oslo, and the time in Oslo?" }],
      tools: [
        { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
        { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } } },
      ],
      stream_options: { include_usage: true },
    });
    let usage: unknown;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    const final = await stream.finalChatCompletion();
    const msg = final.choices[0]?.message;
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
    assert.equal(msg?.content, "Looking up.");
    assert.equal(msg?.tool_calls?.length, 3);
    assert.deepEqual(
      msg?.tool_calls?.map((t) => (t.type === "function" ? [t.id, t.function.name, JSON.parse(t.function.arguments)] : [])),
      TOOLS.map((t) => [t.id, t.name, t.arguments]),
    );
    assert.deepEqual(usage, EXPECTED_USAGE);
  });
});
