// Proves the Cohere mock speaks Cohere's v2 wire format: the official SDK (`cohere-ai`,
// CohereClientV2) is its client — chat, streams (text, thinking, tool calls), embed,
// error replies, and the two scripted stream failures.
// Run: node scripts/run-tests.mjs testing/mocks/cohere
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { Cohere, CohereClientV2, CohereError } from "cohere-ai";
import type { MockServer } from "../mock-server.js";
import { startMockCohere } from "./server.js";

const KEY = "co-sdk-proof-key-777";
let mock: MockServer;
let client: CohereClientV2;
const NO_RETRY = { maxRetries: 0 };

before(async () => {
  mock = await startMockCohere({ apiKey: KEY });
  client = new CohereClientV2({ token: KEY, environment: mock.url, maxRetries: 0 });
});
after(() => mock.close());
beforeEach(() => mock.reset());

async function events(stream: AsyncIterable<Cohere.V2ChatStreamResponse>): Promise<Cohere.V2ChatStreamResponse[]> {
  const out: Cohere.V2ChatStreamResponse[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

function textOf(evs: Cohere.V2ChatStreamResponse[]): string {
  return evs.map((e) => (e.type === "content-delta" ? (e.delta?.message?.content?.text ?? "") : "")).join("");
}

describe("chat", () => {
  test("a plain answer, with the request the SDK sent recorded", async () => {
    mock.enqueue({ text: "Hello there.", usage: { prompt: 12, completion: 4, cached: 3 } });
    const r = await client.chat(
      { model: "command-a-03-2025", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], maxTokens: 50, p: 0.5 },
      NO_RETRY,
    );
    assert.equal(r.id, "mock-cohere-id");
    assert.equal(r.finishReason, "COMPLETE");
    assert.deepEqual(r.message.content, [{ type: "text", text: "Hello there." }]);
    assert.deepEqual(r.usage?.tokens, { inputTokens: 12, outputTokens: 4 });
    assert.deepEqual(r.usage?.billedUnits, { inputTokens: 12, outputTokens: 4 });
    assert.equal(r.usage?.cachedTokens, 3);
    const sent = mock.last();
    assert.equal(sent.path, "/v2/chat");
    assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(sent.json, {
      model: "command-a-03-2025",
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }],
      max_tokens: 50,
      p: 0.5,
      stream: false,
    });
  });

  test("tool calls with a tool plan; tool results and images from the SDK are accepted", async () => {
    mock.enqueue({ toolCalls: [{ id: "call_1", name: "weather", arguments: { city: "Paris" } }] });
    const r = await client.chat(
      {
        model: "command-a-vision",
        messages: [
          { role: "user", content: [{ type: "text", text: "Look" }, { type: "image_url", imageUrl: { url: "data:image/png;base64,iVBOR" } }] },
          { role: "assistant", toolCalls: [{ id: "call_0", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } }], toolPlan: "check" },
          { role: "tool", toolCallId: "call_0", content: [{ type: "document", document: { data: { temp: 20 } } }] },
        ],
        tools: [{ type: "function", function: { name: "weather", parameters: { type: "object" } } }],
        toolChoice: "REQUIRED",
      },
      NO_RETRY,
    );
    assert.equal(r.finishReason, "TOOL_CALL");
    assert.equal(r.message.toolPlan, "I will call weather.");
    assert.deepEqual(r.message.toolCalls, [{ id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }]);
    const body = mock.last().json as Record<string, unknown>;
    const messages = body["messages"] as Array<Record<string, unknown>>;
    assert.deepEqual(messages[0]?.["content"], [{ type: "text", text: "Look" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR" } }]);
    assert.equal(messages[2]?.["tool_call_id"], "call_0");
    assert.equal(body["tool_choice"], "REQUIRED");
  });

  test("thinking items, and each scripted finish as Cohere's value", async () => {
    mock.enqueue(
      { reasoning: [{ text: "Let me think.", signature: "sig" }], text: "42" },
      { text: "cut", finish: "length" },
      { text: "x", finish: "content_filter" },
      { text: "y", rawFinish: "SOMETHING_NEW" },
    );
    const r = await client.chat({ model: "command-a-reasoning", messages: [{ role: "user", content: "?" }], thinking: { type: "enabled", tokenBudget: 100 } }, NO_RETRY);
    assert.deepEqual(r.message.content, [{ type: "thinking", thinking: "Let me think." }, { type: "text", text: "42" }]);
    assert.deepEqual((mock.last().json as Record<string, unknown>)["thinking"], { type: "enabled", token_budget: 100 });
    const finishes = [];
    for (let i = 0; i < 3; i++) finishes.push((await client.chat({ model: "m", messages: [{ role: "user", content: "?" }] }, NO_RETRY)).finishReason);
    assert.deepEqual(finishes, ["MAX_TOKENS", "ERROR_TOXIC", "SOMETHING_NEW"]);
  });
});

describe("chatStream", () => {
  test("text in pieces, then message-end with finish and usage", async () => {
    mock.enqueue({ text: "Streaming works fine.", pieces: 3, usage: { prompt: 9, completion: 5 } });
    const evs = await events(await client.chatStream({ model: "m", messages: [{ role: "user", content: "go" }] }, NO_RETRY));
    assert.deepEqual(
      evs.map((e) => e.type),
      ["message-start", "content-start", "content-delta", "content-delta", "content-delta", "content-end", "message-end"],
    );
    assert.equal(textOf(evs), "Streaming works fine.");
    const start = evs[0] as Cohere.V2ChatStreamResponse.MessageStart;
    assert.equal(start.id, "mock-cohere-id");
    const end = evs.at(-1) as Cohere.V2ChatStreamResponse.MessageEnd;
    assert.equal(end.delta?.finishReason, "COMPLETE");
    assert.deepEqual(end.delta?.usage?.tokens, { inputTokens: 9, outputTokens: 5 });
    assert.equal((mock.last().json as Record<string, unknown>)["stream"], true);
  });

  test("thinking and text blocks, then tool-plan and two tool calls with argument pieces", async () => {
    mock.enqueue({
      reasoning: [{ text: "hmm", signature: "s" }],
      text: "ok",
      toolCalls: [
        { id: "c1", name: "a", arguments: { x: 1 } },
        { id: "c2", name: "b", arguments: { y: "two" } },
      ],
      pieces: 2,
    });
    const evs = await events(await client.chatStream({ model: "m", messages: [{ role: "user", content: "go" }] }, NO_RETRY));
    const thinking = evs.map((e) => (e.type === "content-delta" ? (e.delta?.message?.content?.thinking ?? "") : "")).join("");
    assert.equal(thinking, "hmm");
    assert.equal(textOf(evs), "ok");
    assert.ok(evs.some((e) => e.type === "tool-plan-delta"));
    const starts = evs.filter((e): e is Cohere.V2ChatStreamResponse.ToolCallStart => e.type === "tool-call-start");
    assert.deepEqual(
      starts.map((s) => [s.index, s.delta?.message?.toolCalls?.id, s.delta?.message?.toolCalls?.function?.name]),
      [
        [0, "c1", "a"],
        [1, "c2", "b"],
      ],
    );
    const args = (i: number) =>
      evs
        .filter((e): e is Cohere.V2ChatStreamResponse.ToolCallDelta => e.type === "tool-call-delta" && e.index === i)
        .map((e) => e.delta?.message?.toolCalls?.function?.arguments ?? "");
    assert.equal(args(0).length, 2);
    assert.deepEqual(JSON.parse(args(0).join("")), { x: 1 });
    assert.deepEqual(JSON.parse(args(1).join("")), { y: "two" });
    assert.equal((evs.at(-1) as Cohere.V2ChatStreamResponse.MessageEnd).delta?.finishReason, "TOOL_CALL");
  });

  test("a mid-stream failure is a message-end with finish ERROR and delta.error: the SDK yields it, it does not throw", async () => {
    mock.enqueue({ text: "partial answer here", midStreamError: { status: 500, message: "internal generation failure" } });
    const evs = await events(await client.chatStream({ model: "m", messages: [{ role: "user", content: "go" }] }, NO_RETRY));
    const end = evs.at(-1) as Cohere.V2ChatStreamResponse.MessageEnd;
    assert.equal(end.type, "message-end");
    assert.equal(end.delta?.finishReason, "ERROR");
    assert.equal(end.delta?.error, "internal generation failure");
    assert.equal(textOf(evs), "partial");
  });

  test("a truncated stream simply stops: the SDK ends without a message-end", async () => {
    mock.enqueue({ text: "partial answer here", truncate: true });
    const evs = await events(await client.chatStream({ model: "m", messages: [{ role: "user", content: "go" }] }, NO_RETRY));
    assert.ok(!evs.some((e) => e.type === "message-end"));
    assert.equal(textOf(evs), "partial");
  });
});

describe("embed", () => {
  test("float embeddings with billed units", async () => {
    mock.enqueue({ usage: { prompt: 6, completion: 0 } });
    const r = await client.embed(
      { model: "embed-v4.0", texts: ["one", "two"], inputType: "search_document", embeddingTypes: ["float"], outputDimension: 4 },
      NO_RETRY,
    );
    assert.equal(r.embeddings.float?.length, 2);
    assert.equal(r.embeddings.float?.[0]?.length, 4);
    assert.equal(r.meta?.billedUnits?.inputTokens, 6);
    assert.deepEqual(r.texts, ["one", "two"]);
    assert.equal(mock.last().path, "/v2/embed");
  });
});

describe("errors", () => {
  async function sdkError(p: Promise<unknown>): Promise<CohereError> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof CohereError, `expected a CohereError, got ${String(err)}`);
      return err;
    }
    assert.fail("expected a rejection");
  }

  test("scripted statuses become the SDK's error classes, status and body kept", async () => {
    mock.enqueue(
      { error: { status: 429, message: "You are using a Trial key, which is limited.", retryAfter: "7" } },
      { error: { status: 400, message: "invalid request: bad thing" } },
      { error: { status: 503, message: "overloaded" } },
      { error: { status: 402, message: "payment required" } },
    );
    const chat = () => client.chat({ model: "m", messages: [{ role: "user", content: "x" }] }, NO_RETRY);
    const e429 = await sdkError(chat());
    assert.ok(e429 instanceof Cohere.TooManyRequestsError);
    assert.equal(e429.statusCode, 429);
    assert.deepEqual(e429.body, { id: "mock-error-id", message: "You are using a Trial key, which is limited." });
    assert.equal(e429.rawResponse?.headers.get("retry-after"), "7");
    const e400 = await sdkError(chat());
    assert.ok(e400 instanceof Cohere.BadRequestError);
    assert.match(e400.message, /invalid request: bad thing/);
    assert.ok((await sdkError(chat())) instanceof Cohere.ServiceUnavailableError);
    const e402 = await sdkError(chat());
    assert.equal(e402.statusCode, 402);
  });

  test("a wrong key is a 401; a stream's HTTP error is thrown before any event", async () => {
    const bad = new CohereClientV2({ token: "wrong-key", environment: mock.url, maxRetries: 0 });
    const e = await sdkError(bad.chat({ model: "m", messages: [{ role: "user", content: "x" }] }, NO_RETRY));
    assert.ok(e instanceof Cohere.UnauthorizedError);
    assert.deepEqual(e.body, { id: "mock-error-id", message: "invalid api token" });
    mock.enqueue({ error: { status: 500, message: "boom" } });
    const s = await sdkError(client.chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }, NO_RETRY));
    assert.ok(s instanceof Cohere.InternalServerError);
  });
});
