// The `cohere` provider through its definition, against the Cohere mock: config, chat,
// streams, tool calls, reasoning, usage, errors, completions, embeddings, cancellation.
// Run: node scripts/run-tests.mjs src/providers/cohere
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ERROR_KINDS } from "../../gateway/errors.js";
import type { ChatRequest, EmbeddingsRequest, JsonObject, Task } from "../../gateway/types.js";
import { startMockCohere } from "../../../testing/mocks/cohere/index.js";
import type { MockServer } from "../../../testing/mocks/mock-server.js";
import { configOf, ctx, drain, fieldsOf, gatewayError, has, text } from "../../../testing/provider-test-helpers.js";
import type { ModelProvider } from "../provider.js";
import { cohereUrl } from "./config.js";
import { cohereProvider } from "./index.js";

const KEY = "co-secret-key-31337";
let mock: MockServer;

before(async () => {
  mock = await startMockCohere({ apiKey: KEY });
});
after(() => mock.close());
beforeEach(() => mock.reset());

function cohere(task: Task = "llm/v1/chat", base = mock.url, key = KEY): ModelProvider {
  const config = configOf(cohereProvider.parseConfig({ cohere_api_base: base }, has("cohere_api_key")));
  return cohereProvider.create({ model: "command-a-03-2025", task, config, credentials: new Map([["cohere_api_key", key]]) });
}

const chatReq = (extra: JsonObject = {}): ChatRequest => ({ messages: [{ role: "user", content: "Hi" }], ...extra });
const sent = (): JsonObject => mock.last().json as JsonObject;

describe("definition and config", () => {
  test("names, tasks, credential field", () => {
    assert.equal(cohereProvider.name, "cohere");
    assert.equal(cohereProvider.configKey, "cohere_config");
    assert.deepEqual([...cohereProvider.tasks], ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"]);
    assert.deepEqual([...cohereProvider.credentialFields], ["cohere_api_key"]);
  });

  test("the key is required; the base defaults to api.cohere.com and must be an http(s) URL", () => {
    assert.deepEqual(fieldsOf(cohereProvider.parseConfig({}, has())), ["cohere_api_key"]);
    assert.deepEqual(configOf(cohereProvider.parseConfig({}, has("cohere_api_key"))), { cohere_api_base: "https://api.cohere.com" });
    assert.deepEqual(fieldsOf(cohereProvider.parseConfig({ cohere_api_base: "ftp://x" }, has("cohere_api_key"))), ["cohere_api_base"]);
    assert.deepEqual(fieldsOf(cohereProvider.parseConfig({ cohere_api_base: 3 }, has())), ["cohere_api_base", "cohere_api_key"]);
  });

  test("URLs with or without a trailing slash or a version segment", () => {
    assert.equal(cohereUrl("https://api.cohere.com", "chat"), "https://api.cohere.com/v2/chat");
    assert.equal(cohereUrl("https://api.cohere.com/", "embed"), "https://api.cohere.com/v2/embed");
    assert.equal(cohereUrl("https://api.cohere.ai/v1", "chat"), "https://api.cohere.ai/v2/chat");
    assert.equal(cohereUrl("https://proxy.example/cohere/v2/", "chat"), "https://proxy.example/cohere/v2/chat");
  });

  test("operations follow the task", () => {
    assert.deepEqual(Object.keys(cohere("llm/v1/chat")).sort(), ["chat", "chatStream"]);
    assert.deepEqual(Object.keys(cohere("llm/v1/completions")).sort(), ["complete", "completeStream"]);
    assert.deepEqual(Object.keys(cohere("llm/v1/embeddings")), ["embed"]);
  });
});

describe("chat", () => {
  test("request: URL, bearer key, headers, body; answer: canonical completion with usage", async () => {
    mock.enqueue({ text: "Hello!", usage: { prompt: 20, completion: 5, cached: 8 } });
    const r = await cohere("llm/v1/chat", `${mock.url}/`).chat!(chatReq({ max_tokens: 30, temperature: 0.5 }), ctx());
    const req = mock.last();
    assert.equal(req.path, "/v2/chat");
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.equal(req.headers.accept, "application/json");
    assert.equal(req.headers["content-type"], "application/json");
    assert.deepEqual(sent(), { model: "command-a-03-2025", messages: [{ role: "user", content: "Hi" }], max_tokens: 30, temperature: 0.5, stream: false });
    assert.equal(r.id, "mock-cohere-id");
    assert.equal(r.object, "chat.completion");
    assert.equal(r.model, "command-a-03-2025");
    assert.deepEqual(r.choices, [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }]);
    assert.deepEqual(r.usage, { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25, prompt_tokens_details: { cached_tokens: 8 } });
  });

  test("tool calls only: content null, ids and arguments kept, tool_plan not shown", async () => {
    mock.enqueue({
      toolCalls: [
        { id: "call_a", name: "weather", arguments: { city: "Paris" } },
        { id: "call_b", name: "time", arguments: {} },
      ],
    });
    const r = await cohere().chat!(chatReq({ tools: [{ type: "function", function: { name: "weather" } }, { type: "function", function: { name: "time" } }] }), ctx());
    const m = r.choices[0]?.message;
    assert.equal(m?.content, null);
    assert.deepEqual(m?.tool_calls, [
      { id: "call_a", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
      { id: "call_b", type: "function", function: { name: "time", arguments: "{}" } },
    ]);
    assert.equal(r.choices[0]?.finish_reason, "tool_calls");
    assert.equal(r.usage?.prompt_tokens_details, undefined, "no cached counter when Cohere reports none");
  });

  test("thinking → reasoning blocks before the text", async () => {
    mock.enqueue({ reasoning: [{ text: "Step one.", signature: "ignored" }], text: "Done." });
    const r = await cohere().chat!(chatReq({ max_tokens: 4000, thinking: { type: "enabled", budget_tokens: 2000 } }), ctx());
    assert.deepEqual(sent()["thinking"], { type: "enabled", token_budget: 2000 });
    assert.deepEqual(r.choices[0]?.message.content, [
      { type: "reasoning", summary: [{ type: "summary_text", text: "Step one." }] },
      { type: "text", text: "Done." },
    ]);
  });

  test("finish reasons: length, content_filter (ERROR_TOXIC), unknown → stop; ERROR is a 502", async () => {
    mock.enqueue({ text: "a", finish: "length" }, { text: "b", finish: "content_filter" }, { text: "c", rawFinish: "WHATEVER" }, { text: "d", rawFinish: "ERROR" });
    const p = cohere();
    const finishes = [];
    for (let i = 0; i < 3; i++) finishes.push((await p.chat!(chatReq(), ctx())).choices[0]?.finish_reason);
    assert.deepEqual(finishes, ["length", "content_filter", "stop"]);
    const e = await gatewayError(p.chat!(chatReq(), ctx()));
    assert.equal(e.status, 502);
    assert.match(e.message, /generation failed/);
  });

  test("a request Cohere cannot take is refused before any call", async () => {
    const e = await gatewayError(cohere().chat!(chatReq({ n: 3 }), ctx()));
    assert.equal(e.param, "n");
    assert.equal(mock.requests.length, 0);
  });
});

describe("errors", () => {
  test("status, message and Retry-After kept; the key never shows", async () => {
    mock.enqueue({ error: { status: 429, message: "Trial key rate limit", retryAfter: "12" } });
    const e = await gatewayError(cohere().chat!(chatReq(), ctx()));
    assert.equal(e.status, 429);
    assert.equal(e.kind, ERROR_KINDS.RATE_LIMITED);
    assert.equal(e.retryAfter, "12");
    assert.match(e.message, /cohere \(HTTP 429\): Trial key rate limit/);
    for (const status of [400, 402, 404, 422, 499, 500, 503]) {
      mock.enqueue({ error: { status, message: `failure ${status} for ${KEY}` } });
      const x = await gatewayError(cohere().chat!(chatReq(), ctx()));
      assert.equal(x.status, status);
      assert.ok(!x.message.includes(KEY) && !JSON.stringify(x.upstream).includes(KEY), "credential scrubbed");
    }
  });

  test("a refused key is a 401; a stream's HTTP error is thrown by chatStream itself", async () => {
    const e = await gatewayError(cohere("llm/v1/chat", mock.url, "co-wrong-key-0000").chat!(chatReq(), ctx()));
    assert.equal(e.status, 401);
    assert.match(e.message, /invalid api token/);
    mock.enqueue({ error: { status: 503, message: "overloaded" } });
    const s = await gatewayError(cohere().chatStream!(chatReq(), ctx()));
    assert.equal(s.status, 503);
  });

  test("Cohere's 498 (invalid token) is a 401", async () => {
    mock.enqueue({ error: { status: 498, message: "invalid token" } });
    const e = await gatewayError(cohere().chat!(chatReq(), ctx()));
    assert.equal(e.status, 401);
    assert.equal(e.upstream?.status, 498);
  });
});

describe("chatStream", () => {
  test("text pieces, finish and usage chunk; stream:true and the SSE accept header sent", async () => {
    mock.enqueue({ text: "One two three four.", pieces: 4, usage: { prompt: 7, completion: 4, cached: 2 } });
    const chunks = await drain(await cohere().chatStream!(chatReq(), ctx()));
    assert.equal(sent()["stream"], true);
    assert.equal(mock.last().headers.accept, "text/event-stream");
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: "assistant", content: "" });
    assert.equal(text(chunks), "One two three four.");
    assert.equal(chunks.filter((c) => typeof c.choices[0]?.delta.content === "string" && c.choices[0]?.delta.content !== "").length, 4);
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "stop");
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11, prompt_tokens_details: { cached_tokens: 2 } });
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1);
  });

  test("reasoning, text and two tool calls with their own indexes and every argument piece", async () => {
    mock.enqueue({
      reasoning: [{ text: "thinking hard", signature: "s" }],
      text: "Calling.",
      toolCalls: [
        { id: "c1", name: "a", arguments: { q: "first" } },
        { id: "c2", name: "b", arguments: { q: "second" } },
      ],
      pieces: 3,
    });
    const chunks = await drain(await cohere().chatStream!(chatReq(), ctx()));
    const reasoning = chunks
      .map((c) => c.choices[0]?.delta.content)
      .filter(Array.isArray)
      .map((parts) => ((parts[0]?.["summary"] as JsonObject[])[0]?.["text"] as string) ?? "")
      .join("");
    assert.equal(reasoning, "thinking hard");
    assert.equal(text(chunks.filter((c) => typeof c.choices[0]?.delta.content === "string")), "Calling.");
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    const args = (i: number) => calls.filter((c) => c.index === i).map((c) => c.function?.arguments ?? "");
    assert.deepEqual(
      calls.filter((c) => c.id).map((c) => [c.index, c.id, c.function?.name]),
      [
        [0, "c1", "a"],
        [1, "c2", "b"],
      ],
    );
    assert.equal(args(0).length, 4, "the start plus three pieces");
    assert.deepEqual(JSON.parse(args(0).join("")), { q: "first" });
    assert.deepEqual(JSON.parse(args(1).join("")), { q: "second" });
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "tool_calls");
  });

  test("a mid-stream failure and a truncated stream raise after the content already sent", async () => {
    for (const reply of [{ midStreamError: { status: 500, message: "generation crashed" } }, { truncate: true }]) {
      mock.enqueue({ text: "abcdefghi", ...reply });
      const s = await cohere().chatStream!(chatReq(), ctx());
      const seen: string[] = [];
      const e = await gatewayError(
        (async () => {
          for await (const c of s) seen.push(String(c.choices[0]?.delta.content ?? ""));
        })(),
      );
      assert.equal(seen.join(""), "abc");
      assert.equal(e.status, 502);
      assert.match(e.message, "truncate" in reply ? /ended before it was complete/ : /generation crashed/);
    }
  });

  test("a client that leaves aborts the upstream", async () => {
    mock.enqueue({ text: "x".repeat(60), pieces: 30 });
    const ac = new AbortController();
    const s = await cohere().chatStream!(chatReq(), ctx(ac.signal));
    for await (const c of s) {
      if (c.choices[0]?.delta.content === "xx") break;
    }
    ac.abort();
    for (let i = 0; i < 50 && mock.disconnects === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(mock.disconnects, 1);
  });
});

describe("completions", () => {
  test("the prompt becomes one user message; the answer's text the completion (also streamed)", async () => {
    mock.enqueue({ text: "Paris.", usage: { prompt: 4, completion: 2 } }, { text: "Rome.", pieces: 2 });
    const p = cohere("llm/v1/completions");
    const r = await p.complete!({ prompt: "Capital of France?", max_tokens: 10 }, ctx());
    assert.deepEqual(sent()["messages"], [{ role: "user", content: "Capital of France?" }]);
    assert.equal(r.object, "text_completion");
    assert.equal(r.choices[0]?.text, "Paris.");
    assert.deepEqual(r.usage, { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });
    const chunks = await drain(await p.completeStream!({ prompt: "Capital of Italy?" }, ctx()));
    assert.equal(chunks.map((c) => c.choices[0]?.text ?? "").join(""), "Rome.");
    assert.equal(chunks.at(-1)?.usage?.total_tokens, 18);
  });
});

describe("embeddings", () => {
  test("texts, default input_type, float vectors, dimensions, usage", async () => {
    mock.enqueue({ usage: { prompt: 5, completion: 0 } });
    const r = await cohere("llm/v1/embeddings").embed!({ input: ["alpha", "beta"], dimensions: 16, encoding_format: "float" }, ctx());
    assert.equal(mock.last().path, "/v2/embed");
    assert.deepEqual(sent(), { model: "command-a-03-2025", texts: ["alpha", "beta"], input_type: "search_document", embedding_types: ["float"], output_dimension: 16 });
    assert.equal(r.object, "list");
    assert.deepEqual(
      r.data.map((d) => [d.object, d.index, (d.embedding as number[]).length]),
      [
        ["embedding", 0, 16],
        ["embedding", 1, 16],
      ],
    );
    assert.deepEqual(r.usage, { prompt_tokens: 5, total_tokens: 5 });
  });

  test("input_type and Cohere fields from the request or extra_params; what cannot be honoured is a 400", async () => {
    const p = cohere("llm/v1/embeddings");
    await p.embed!({ input: "q", extra_params: { input_type: "search_query", truncate: "END" } }, ctx());
    assert.deepEqual(sent(), { model: "command-a-03-2025", texts: ["q"], input_type: "search_query", truncate: "END", embedding_types: ["float"] });
    for (const [req, param] of [
      [{ input: [1, 2, 3] }, "input"],
      [{ input: [[1, 2]] }, "input"],
      [{ input: "x", encoding_format: "base64" }, "encoding_format"],
      [{ input: "x", embedding_types: ["int8"] }, "embedding_types"],
      [{ input: "x", dimensions: 0 }, "dimensions"],
      [{ input: "x", user: "u" }, "user"],
    ] as const) {
      const e = await gatewayError(p.embed!(req as unknown as EmbeddingsRequest, ctx()));
      assert.equal(e.param, param);
    }
  });
});
