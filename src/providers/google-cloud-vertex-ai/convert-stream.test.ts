// Vertex AI stream chunks → OpenAI chat chunks (function level, from scripted SSE messages).
// Run: node --import tsx --test src/providers/google-cloud-vertex-ai/convert-stream.test.ts
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ChatChunk } from "../../gateway/types.js";
import { ChunkFactory } from "../common/chunks.js";
import type { SseMessage } from "../common/sse-events.js";
import { drain, gatewayError } from "../../../testing/provider-test-helpers.js";
import { convertStream } from "./convert-stream.js";
import { decodeToolCallId } from "./tool-call-id.js";

async function* messages(...chunks: unknown[]): AsyncGenerator<SseMessage> {
  for (const c of chunks) yield { event: undefined, data: typeof c === "string" ? c : JSON.stringify(c) };
}

const run = (n: number, ...chunks: unknown[]): Promise<ChatChunk[]> => drain(convertStream(messages(...chunks), new ChunkFactory("chatcmpl-x", "gemini"), n));

const cand = (parts: unknown[], extra: Record<string, unknown> = {}) => ({ content: { role: "model", parts }, ...extra });
const deltas = (chunks: ChatChunk[], index = 0) => chunks.flatMap((c) => c.choices.filter((ch) => ch.index === index).map((ch) => ({ delta: ch.delta, finish: ch.finish_reason })));

describe("convertStream", () => {
  test("role first, every text piece forwarded, finish, then usage", async () => {
    const chunks = await run(
      1,
      { candidates: [cand([{ text: "Hel" }])], usageMetadata: { promptTokenCount: 4, trafficType: "ON_DEMAND" } },
      { candidates: [cand([{ text: "lo" }])] },
      { candidates: [cand([{ text: "" }], { finishReason: "STOP" })], usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 } },
    );
    assert.deepEqual(deltas(chunks), [
      { delta: { role: "assistant", content: "" }, finish: null },
      { delta: { content: "Hel" }, finish: null },
      { delta: { content: "lo" }, finish: null },
      { delta: {}, finish: "stop" },
    ]);
    const last = chunks[chunks.length - 1];
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last?.usage, { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6, prompt_tokens_details: { cached_tokens: 0 } });
    assert.ok(chunks.every((c) => c.id === "chatcmpl-x"));
  });

  test("thought pieces are reasoning deltas; a signature follows as its own delta", async () => {
    const chunks = await run(
      1,
      { candidates: [cand([{ text: "Let me ", thought: true }])] },
      { candidates: [cand([{ text: "think.", thought: true, thoughtSignature: "c2ln" }])] },
      { candidates: [cand([{ text: "42" }], { finishReason: "STOP" })], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, thoughtsTokenCount: 9 } },
    );
    assert.deepEqual(
      deltas(chunks).slice(1, 5).map((d) => d.delta.content),
      [
        [{ type: "reasoning", summary: [{ type: "summary_text", text: "Let me " }] }],
        [{ type: "reasoning", summary: [{ type: "summary_text", text: "think." }] }],
        [{ type: "reasoning", summary: [{ type: "summary_text", text: "", signature: "c2ln" }] }],
        "42",
      ],
    );
    assert.deepEqual(chunks.at(-1)?.usage?.completion_tokens_details, { reasoning_tokens: 9 });
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, 10);
  });

  test("each function call: a start with its id and name, then its whole arguments; indexes 0, 1", async () => {
    const chunks = await run(
      1,
      { candidates: [cand([{ functionCall: { name: "a", args: { x: 1 } }, thoughtSignature: "fcsig" }])] },
      { candidates: [cand([{ functionCall: { name: "b", args: {} } }], { finishReason: "STOP" })] },
    );
    const calls = deltas(chunks).flatMap((d) => d.delta.tool_calls ?? []);
    assert.equal(calls.length, 4);
    assert.deepEqual(
      calls.map((c) => [c["index"], c.function?.name, c.function?.arguments]),
      [
        [0, "a", ""],
        [0, undefined, '{"x":1}'],
        [1, "b", ""],
        [1, undefined, "{}"],
      ],
    );
    assert.equal(decodeToolCallId(String(calls[0]?.id)).signature, "fcsig");
    assert.equal(deltas(chunks).at(-1)?.finish, "tool_calls");
  });

  test("several candidates stream as choices by index and each finishes", async () => {
    const chunks = await run(
      2,
      { candidates: [cand([{ text: "a1" }]), cand([{ text: "b1" }], { index: 1 })] },
      { candidates: [cand([], { finishReason: "STOP" }), cand([{ text: "b2" }], { index: 1, finishReason: "MAX_TOKENS" })] },
    );
    assert.deepEqual(
      deltas(chunks, 0).map((d) => [d.delta.content, d.finish]),
      [
        ["", null],
        ["a1", null],
        [undefined, "stop"],
      ],
    );
    assert.deepEqual(
      deltas(chunks, 1).map((d) => [d.delta.content, d.finish]),
      [
        ["", null],
        ["b1", null],
        ["b2", null],
        [undefined, "length"],
      ],
    );
  });

  test("a stream where one of several candidates never finishes is truncated", async () => {
    const err = await gatewayError(run(2, { candidates: [cand([{ text: "a" }], { finishReason: "STOP" }), cand([{ text: "b" }], { index: 1 })] }));
    assert.equal(err.status, 502);
    assert.match(err.message, /stream ended before it was complete/);
  });

  test("a body that ends before any finishReason is truncated", async () => {
    const err = await gatewayError(run(1, { candidates: [cand([{ text: "partial" }])] }));
    assert.match(err.message, /Vertex AI stream ended before it was complete\./);
  });

  test("a blocked prompt finishes with content_filter", async () => {
    const chunks = await run(1, { promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 5 } });
    assert.deepEqual(deltas(chunks).at(-1), { delta: {}, finish: "content_filter" });
    assert.equal(chunks.at(-1)?.usage?.prompt_tokens, 5);
  });

  test("an error chunk is thrown with its status, object or list form", async () => {
    const e1 = await gatewayError(run(1, { candidates: [cand([{ text: "a" }])] }, { error: { code: 429, message: "Slow down", status: "RESOURCE_EXHAUSTED", details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "4s" }] } }));
    assert.equal(e1.status, 429);
    assert.equal(e1.retryAfter, "4");
    assert.match(e1.message, /Slow down/);
    const e2 = await gatewayError(run(1, [{ error: { code: 503, message: "Unavailable", status: "UNAVAILABLE" } }]));
    assert.equal(e2.status, 503);
  });

  test("a chunk that is not JSON is an upstream fault", async () => {
    const err = await gatewayError(run(1, "not json"));
    assert.equal(err.status, 502);
  });
});
