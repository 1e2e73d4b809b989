// Cohere stream conversion against hand-written SSE bodies (edge cases the mock does not
// produce): tool-call indexes, arguments in the start event, unknown events, [DONE],
// failures, truncation, malformed data.
// Run: node scripts/run-tests.mjs src/providers/cohere
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ERROR_KINDS } from "../../gateway/errors.js";
import type { ChatChunk } from "../../gateway/types.js";
import { startMockServer, type MockServer } from "../../../testing/mocks/mock-server.js";
import { ctx, drain, gatewayError, text } from "../../../testing/provider-test-helpers.js";
import { createCohereProvider } from "./provider.js";

const KEY = "co-stream-test-key";
let body = "";
let server: MockServer;

before(async () => {
  server = await startMockServer(({ res }) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(body);
  });
});
after(() => server.close());

const ev = (type: string, data: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const start = ev("message-start", { id: "co-1", delta: { message: { role: "assistant" } } });
const end = (finish = "COMPLETE", usage: Record<string, unknown> = { tokens: { input_tokens: 3, output_tokens: 2 } }) =>
  ev("message-end", { delta: { finish_reason: finish, usage } });
const textDelta = (t: string, index = 0) => ev("content-delta", { index, delta: { message: { content: { text: t } } } });

async function stream(sse: string): Promise<ChatChunk[]> {
  body = sse;
  const p = createCohereProvider({ model: "command-a", task: "llm/v1/chat", base: server.url, apiKey: KEY });
  assert.ok(p.chatStream);
  return drain(await p.chatStream({ messages: [{ role: "user", content: "x" }] }, ctx()));
}

describe("stream conversion", () => {
  test("text: a role chunk with Cohere's id, every piece, finish, usage", async () => {
    const chunks = await stream(
      start + ev("content-start", { index: 0, delta: { message: { content: { type: "text", text: "" } } } }) + textDelta("Hel") + textDelta("lo") + ev("content-end", { index: 0 }) + end() + "data: [DONE]\n\n",
    );
    assert.ok(chunks.every((c) => c.id === "co-1" && c.model === "command-a"));
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: "assistant", content: "" });
    assert.equal(text(chunks), "Hello");
    assert.deepEqual(chunks.at(-2)?.choices, [{ index: 0, delta: {}, finish_reason: "stop" }]);
    assert.deepEqual(chunks.at(-1)?.choices, []);
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  test("tool calls: OpenAI indexes in start order whatever Cohere's index; arguments in the start event kept", async () => {
    const chunks = await stream(
      start +
        ev("tool-plan-delta", { delta: { message: { tool_plan: "I will" } } }) +
        ev("tool-call-start", { index: 5, delta: { message: { tool_calls: { id: "a", type: "function", function: { name: "f", arguments: '{"x"' } } } } }) +
        ev("tool-call-start", { index: 2, delta: { message: { tool_calls: { type: "function", function: { name: "g", arguments: "" } } } } }) +
        ev("tool-call-delta", { index: 5, delta: { message: { tool_calls: { function: { arguments: ":1}" } } } } }) +
        ev("tool-call-delta", { index: 2, delta: { message: { tool_calls: { function: { arguments: "{}" } } } } }) +
        ev("tool-call-end", { index: 5 }) +
        ev("citation-start", { index: 0, delta: {} }) +
        ev("some-new-event", {}) +
        end("TOOL_CALL", { billed_units: { input_tokens: 4, output_tokens: 6 }, cached_tokens: 1 }),
    );
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(calls[0], { index: 0, id: "a", type: "function", function: { name: "f", arguments: "" } });
    assert.deepEqual(calls[1], { index: 0, function: { arguments: '{"x"' } });
    assert.equal(calls[2]?.index, 1);
    assert.match(String(calls[2]?.id), /^call_/);
    assert.deepEqual(calls.slice(3), [
      { index: 0, function: { arguments: ":1}" } },
      { index: 1, function: { arguments: "{}" } },
    ]);
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "tool_calls");
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10, prompt_tokens_details: { cached_tokens: 1 } });
  });

  test("thinking pieces become reasoning deltas", async () => {
    const chunks = await stream(
      start +
        ev("content-start", { index: 0, delta: { message: { content: { type: "thinking", thinking: "" } } } }) +
        ev("content-delta", { index: 0, delta: { message: { content: { thinking: "hm" } } } }) +
        ev("content-end", { index: 0 }) +
        textDelta("ok", 1) +
        end(),
    );
    assert.deepEqual(chunks[1]?.choices[0]?.delta.content, [{ type: "reasoning", summary: [{ type: "summary_text", text: "hm" }] }]);
    assert.equal(chunks[2]?.choices[0]?.delta.content, "ok");
  });

  test("unknown and TIMEOUT finishes; a stream without message-start still starts with the role chunk", async () => {
    let chunks = await stream(textDelta("a") + end("BRAND_NEW"));
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: "assistant", content: "" });
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "stop");
    chunks = await stream(start + textDelta("a") + end("TIMEOUT"));
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "length");
  });

  test("a failed generation (delta.error / finish ERROR) is an upstream error, never a clean end", async () => {
    const p = createCohereProvider({ model: "m", task: "llm/v1/chat", base: server.url, apiKey: KEY });
    const run = async (sse: string) => {
      body = sse;
      const s = await p.chatStream!({ messages: [{ role: "user", content: "x" }] }, ctx());
      const seen: ChatChunk[] = [];
      const err = await gatewayError(
        (async () => {
          for await (const c of s) seen.push(c);
        })(),
      );
      return { err, seen };
    };
    let r = await run(start + textDelta("par") + ev("message-end", { delta: { finish_reason: "ERROR", error: `model crashed, key ${KEY}` } }));
    assert.equal(text(r.seen), "par");
    assert.equal(r.err.kind, ERROR_KINDS.UPSTREAM_ERROR);
    assert.equal(r.err.status, 502);
    assert.match(r.err.message, /model crashed/);
    assert.ok(!r.err.message.includes(KEY), "the key is scrubbed");
    r = await run(start + end("ERROR"));
    assert.match(r.err.message, /generation failed/);
  });

  test("truncated body, malformed data and stray tool-call deltas are errors", async () => {
    const fails = async (sse: string, pattern: RegExp) => {
      body = sse;
      const p = createCohereProvider({ model: "m", task: "llm/v1/chat", base: server.url, apiKey: KEY });
      const e = await gatewayError(drain(await p.chatStream!({ messages: [{ role: "user", content: "x" }] }, ctx())));
      assert.equal(e.status, 502);
      assert.match(e.message, pattern);
    };
    await fails(start + textDelta("a"), /ended before it was complete/);
    await fails(start + textDelta("a") + "data: [DONE]\n\n", /ended before it was complete/);
    // An event without its closing blank line is incomplete.
    await fails(start + textDelta("a") + `event: message-end\ndata: {"type":"message-end","delta":{}}`, /ended before it was complete/);
    await fails(start + "event: content-delta\ndata: {not json\n\n", /unexpected stream event/);
    await fails(start + ev("tool-call-delta", { index: 3, delta: { message: { tool_calls: { function: { arguments: "{}" } } } } }) + end(), /never started/);
  });
});
