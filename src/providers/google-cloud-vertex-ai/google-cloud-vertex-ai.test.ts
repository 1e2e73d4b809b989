// The `google-cloud-vertex-ai` provider driven through its definition against the mock
// Vertex AI (which signs in callers with its own /token and checks Gemini's request rules).
// Run: node --import tsx --test src/providers/google-cloud-vertex-ai/google-cloud-vertex-ai.test.ts
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { ChatMessage, ChatRequest, JsonObject, Task } from "../../gateway/types.js";
import { configOf, ctx, drain, gatewayError, has, text } from "../../../testing/provider-test-helpers.js";
import { embeddingOf, startMockVertex, type MockVertex } from "../../../testing/mocks/google-cloud-vertex-ai/index.js";
import type { ModelProvider } from "../provider.js";
import { googleCloudVertexAiProvider as def } from "./index.js";

const MODEL = "gemini-2.5-flash";
let mock: MockVertex;

type VertexProvider = Required<Omit<ModelProvider, "close">>;

function provider(m: MockVertex = mock, task: Task = "llm/v1/chat", model = MODEL): VertexProvider {
  const config = configOf(def.parseConfig({ project_id: "tessera-test", region: "us-central1", vertex_api_base: m.url }, has("private_key")));
  const p = def.create({ model, task, config, credentials: new Map([["private_key", JSON.stringify(m.serviceAccountKey())]]) });
  assert.ok(p.chat && p.chatStream && p.complete && p.completeStream && p.embed);
  return p as VertexProvider;
}

const chatReq = (over: JsonObject = {}): ChatRequest => ({ messages: [{ role: "user", content: "Say hello" }], ...over }) as ChatRequest;
const modelCall = () => {
  const calls = mock.modelCalls();
  const r = calls[calls.length - 1];
  assert.ok(r, "expected a model call");
  return r;
};
const sentBody = () => modelCall().json as JsonObject;

before(async () => {
  mock = await startMockVertex();
});
after(() => mock.close());
beforeEach(() => mock.reset());

describe("chat", () => {
  test("generateContent with a bearer token from the service account; text and usage back", async () => {
    mock.enqueue({ text: "Hello!", usage: { prompt: 9, completion: 3, cached: 2 } });
    const p = provider();
    const c = await p.chat(chatReq({ max_tokens: 20, messages: [{ role: "system", content: "Be terse." }, { role: "user", content: "Say hello" }] }), ctx());
    assert.deepEqual(c?.choices, [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }]);
    assert.deepEqual(c?.usage, { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, prompt_tokens_details: { cached_tokens: 2 } });
    const req = modelCall();
    assert.equal(req.path, `/v1/projects/tessera-test/locations/us-central1/publishers/google/models/${MODEL}:generateContent`);
    assert.equal(req.headers["authorization"], `Bearer ${mock.issuedTokens[0]}`);
    assert.deepEqual(sentBody(), {
      contents: [{ role: "user", parts: [{ text: "Say hello" }] }],
      systemInstruction: { parts: [{ text: "Be terse." }] },
      generationConfig: { maxOutputTokens: 20 },
    });
  });

  test("the access token is fetched once and reused", async () => {
    const p = provider();
    await p.chat(chatReq(), ctx());
    await p.chat(chatReq(), ctx());
    await drain((await p.chatStream(chatReq(), ctx())));
    assert.equal(mock.requests.filter((r) => r.path === "/token").length, 1);
  });

  test("a 401 from Vertex drops the token; the next call signs in again", async () => {
    const p = provider();
    await p.chat(chatReq(), ctx());
    const old = mock.issuedTokens.at(-1) ?? "";
    mock.revokeTokens();
    const err = await gatewayError(p.chat(chatReq(), ctx()));
    assert.equal(err.status, 401);
    assert.ok(!err.message.includes(old));
    const c = await p.chat(chatReq(), ctx());
    assert.equal(c?.choices[0]?.message.content, "Hello from the mock.");
    assert.equal(mock.requests.filter((r) => r.path === "/token").length, 2);
    assert.notEqual(mock.issuedTokens.at(-1), old);
  });

  test("n > 1: one choice per candidate", async () => {
    mock.enqueue({ text: "twice" });
    const c = await provider().chat(chatReq({ n: 2 }), ctx());
    assert.deepEqual(
      c?.choices.map((ch) => [ch.index, ch.message.content]),
      [
        [0, "twice"],
        [1, "twice"],
      ],
    );
    assert.equal((sentBody()["generationConfig"] as JsonObject)["candidateCount"], 2);
  });

  test("an error keeps its status and message; RetryInfo becomes retryAfter", async () => {
    mock.enqueue({ error: { status: 429, message: "Quota exceeded.", retryAfter: "30" } });
    const err = await gatewayError(provider().chat(chatReq(), ctx()));
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, "30");
    assert.match(err.message, /Quota exceeded\./);
  });

  test("reasoning comes back as content blocks and goes back to Gemini with its signature", async () => {
    mock.enqueue({ reasoning: [{ text: "Six times seven.", signature: "c2lnLTQy" }], text: "42", usage: { prompt: 5, completion: 25, reasoning: 20 } });
    const p = provider();
    const c = await p.chat(chatReq({ max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 2048 } }), ctx());
    assert.deepEqual((sentBody()["generationConfig"] as JsonObject)["thinkingConfig"], { thinkingBudget: 2048, includeThoughts: true });
    const answer = c?.choices[0]?.message as ChatMessage;
    assert.deepEqual(answer.content, [
      { type: "reasoning", summary: [{ type: "summary_text", text: "Six times seven.", signature: "c2lnLTQy" }] },
      { type: "text", text: "42" },
    ]);
    assert.deepEqual(c?.usage?.completion_tokens_details, { reasoning_tokens: 20 });
    await p.chat(chatReq({ messages: [{ role: "user", content: "6*7?" }, answer, { role: "user", content: "Sure?" }] }), ctx());
    assert.deepEqual((sentBody()["contents"] as JsonObject[])[1], {
      role: "model",
      parts: [{ text: "Six times seven.", thought: true, thoughtSignature: "c2lnLTQy" }, { text: "42" }],
    });
  });
});

describe("tool calls round trip (the mock requires the function-call signature back, as Gemini 3 does)", () => {
  let signing: MockVertex;
  before(async () => {
    signing = await startMockVertex({ functionCallSignatures: true });
  });
  after(() => signing.close());

  const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
  const reply = { toolCalls: [{ id: "x", name: "get_weather", arguments: { city: "Paris" } }, { id: "y", name: "get_weather", arguments: { city: "Rome" } }] };

  async function roundTrip(stream: boolean): Promise<void> {
    signing.enqueue(reply, { text: "Sunny in both." });
    const p = provider(signing);
    const first = chatReq({ tools, messages: [{ role: "user", content: "Weather in Paris and Rome?" }] });
    let assistant: ChatMessage;
    if (stream) {
      const chunks = await drain((await p.chatStream(first, ctx())));
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      for (const ch of chunks) {
        for (const tc of ch.choices[0]?.delta.tool_calls ?? []) {
          const i = Number(tc["index"]);
          const cur = calls.get(i) ?? { id: "", name: "", arguments: "" };
          if (tc.id) cur.id = tc.id;
          if (tc.function?.name) cur.name = tc.function.name;
          cur.arguments += tc.function?.arguments ?? "";
          calls.set(i, cur);
        }
      }
      assert.equal(chunks.find((ch) => ch.choices[0]?.finish_reason)?.choices[0]?.finish_reason, "tool_calls");
      assistant = { role: "assistant", content: null, tool_calls: [...calls.values()].map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) };
    } else {
      const c = await p.chat(first, ctx());
      assert.equal(c?.choices[0]?.finish_reason, "tool_calls");
      assistant = c?.choices[0]?.message as ChatMessage;
    }
    const calls = assistant.tool_calls ?? [];
    assert.deepEqual(
      calls.map((t) => [t.function?.name, t.function?.arguments]),
      [
        ["get_weather", '{"city":"Paris"}'],
        ["get_weather", '{"city":"Rome"}'],
      ],
    );
    const followUp = chatReq({
      tools,
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        assistant,
        { role: "tool", tool_call_id: calls[0]?.id, content: '{"sky":"sunny"}' },
        { role: "tool", tool_call_id: calls[1]?.id, content: "sunny" },
      ],
    });
    const c2 = await p.chat(followUp, ctx());
    assert.equal(c2?.choices[0]?.message.content, "Sunny in both.");
    const contents = (signing.modelCalls().at(-1)?.json as JsonObject)["contents"] as JsonObject[];
    assert.deepEqual(contents[2], {
      role: "user",
      parts: [
        { functionResponse: { name: "get_weather", response: { sky: "sunny" } } },
        { functionResponse: { name: "get_weather", response: { content: "sunny" } } },
      ],
    });
  }

  test("non-streamed", () => roundTrip(false));
  test("streamed", () => roundTrip(true));

  test("without the signature (ids rewritten by a client) Gemini's 400 comes through", async () => {
    const p = provider(signing);
    const err = await gatewayError(
      p.chat(
        chatReq({
          tools,
          messages: [
            { role: "user", content: "q" },
            { role: "assistant", content: null, tool_calls: [{ id: "call_plain", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
            { role: "tool", tool_call_id: "call_plain", content: "x" },
          ],
        }),
        ctx(),
      ),
    );
    assert.equal(err.status, 400);
    assert.match(err.message, /thought_signature/);
  });
});

describe("chatStream", () => {
  test("every piece, finish and usage; alt=sse", async () => {
    mock.enqueue({ text: "Hello from the stream.", pieces: 4, usage: { prompt: 6, completion: 5 } });
    const chunks = await drain((await provider().chatStream(chatReq({ stream: true }), ctx())));
    assert.equal(text(chunks), "Hello from the stream.");
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: "assistant", content: "" });
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "stop");
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 6, completion_tokens: 5, total_tokens: 11, prompt_tokens_details: { cached_tokens: 0 } });
    assert.ok(modelCall().path.endsWith(":streamGenerateContent"));
    assert.equal(modelCall().query.get("alt"), "sse");
  });

  test("an error before the stream is thrown from chatStream itself", async () => {
    mock.enqueue({ error: { status: 503, message: "Overloaded." } });
    const err = await gatewayError(provider().chatStream(chatReq(), ctx()));
    assert.equal(err.status, 503);
  });

  test("a mid-stream error chunk is thrown with its status after the first content", async () => {
    mock.enqueue({ text: "partial answer", midStreamError: { status: 429, message: "Too many requests.", retryAfter: "5" } });
    const stream = await provider().chatStream(chatReq(), ctx());
    const seen: string[] = [];
    const err = await gatewayError(
      (async () => {
        for await (const c of stream) seen.push(String(c.choices[0]?.delta.content ?? ""));
      })(),
    );
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, "5");
    assert.ok(seen.join("").length > 0);
  });

  test("a truncated stream is an error, never a clean end", async () => {
    mock.enqueue({ text: "a long answer that is cut", truncate: true });
    const err = await gatewayError(drain((await provider().chatStream(chatReq(), ctx()))));
    assert.match(err.message, /stream ended before it was complete/);
  });

  async function waitForDisconnects(n: number): Promise<void> {
    for (let i = 0; i < 200 && mock.disconnects < n; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(mock.disconnects, n);
  }

  test("a consumer that stops early releases the upstream request", async () => {
    mock.settings.streamDelayMs = 20;
    try {
      mock.enqueue({ text: "x".repeat(100), pieces: 50 });
      const before = mock.disconnects;
      for await (const _ of (await provider().chatStream(chatReq(), ctx()))) break;
      await waitForDisconnects(before + 1);
    } finally {
      mock.settings.streamDelayMs = 0;
    }
  });

  test("aborting the signal mid-stream cancels the upstream request", async () => {
    mock.settings.streamDelayMs = 20;
    try {
      mock.enqueue({ text: "x".repeat(100), pieces: 50 });
      const before = mock.disconnects;
      const ac = new AbortController();
      const it = ((await provider().chatStream(chatReq(), ctx(ac.signal))))[Symbol.asyncIterator]();
      assert.equal((await it.next()).done, false);
      const pending = it.next();
      ac.abort();
      await assert.rejects(async () => {
        for (let r = await pending; !r.done; r = await it.next());
      });
      await waitForDisconnects(before + 1);
    } finally {
      mock.settings.streamDelayMs = 0;
    }
  });
});

describe("completions and embeddings", () => {
  test("completions go through chat", async () => {
    mock.enqueue({ text: "completed" }, { text: "streamed", pieces: 2 });
    const p = provider(mock, "llm/v1/completions");
    const c = await p.complete({ prompt: "Once upon", max_tokens: 5 }, ctx());
    assert.equal(c?.choices[0]?.text, "completed");
    assert.deepEqual(sentBody()["contents"], [{ role: "user", parts: [{ text: "Once upon" }] }]);
    const chunks = await drain((await p.completeStream({ prompt: "Once upon" }, ctx())));
    assert.equal(chunks.map((ch) => ch.choices[0]?.text ?? "").join(""), "streamed");
    assert.ok(chunks.at(-1)?.usage);
  });

  test("embeddings use :predict; dimensions and task_type are passed; usage is the token counts' sum", async () => {
    const p = provider(mock, "llm/v1/embeddings", "text-embedding-005");
    const r = await p.embed({ input: ["hello world", "a b c"], dimensions: 4, task_type: "RETRIEVAL_DOCUMENT" }, ctx());
    assert.deepEqual(sentBody(), {
      instances: [
        { content: "hello world", task_type: "RETRIEVAL_DOCUMENT" },
        { content: "a b c", task_type: "RETRIEVAL_DOCUMENT" },
      ],
      parameters: { outputDimensionality: 4 },
    });
    assert.ok(modelCall().path.endsWith("/models/text-embedding-005:predict"));
    assert.deepEqual(r?.data, [
      { object: "embedding", index: 0, embedding: embeddingOf("hello world", 4) },
      { object: "embedding", index: 1, embedding: embeddingOf("a b c", 4) },
    ]);
    assert.deepEqual(r?.usage, { prompt_tokens: 5, total_tokens: 5 });
  });

  test("token-id input and base64 encoding are refused by name", async () => {
    const p = provider(mock, "llm/v1/embeddings", "text-embedding-005");
    assert.equal((await gatewayError(p.embed({ input: [1, 2, 3] }, ctx()))).param, "input");
    assert.equal((await gatewayError(p.embed({ input: "x", encoding_format: "base64" }, ctx()))).param, "encoding_format");
  });
});
