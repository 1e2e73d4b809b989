/** Conformance cases: Plain chat: one answer, a stream, a conversation, usage in a stream. */
import assert from "node:assert/strict";
import type { MockUsage } from "../../mocks/scenario.js";
import { body, streamBody, collect, streamedText, finishes, expectUsage, lastUsage, expectOpenAIShape, expectChunkShape, chatPath, type ConformanceCase } from "./support.js";

export const simple: ConformanceCase = {
  name: "simple chat",
  needs: [],
  async run(c) {
    const usage = { prompt: 12, completion: 5 };
    c.mock.enqueue({ text: "Hi there, friend.", usage });
    const r = await c.openai.chat.completions.create(
      body({ model: c.endpoints.chat, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Say hi" }], max_tokens: 50, temperature: 0.5 }),
    );
    expectOpenAIShape(r);
    assert.equal(r.choices.length, 1);
    assert.equal(r.choices[0]?.message.role, "assistant");
    assert.equal(r.choices[0]?.message.content, "Hi there, friend.");
    assert.equal(r.choices[0]?.finish_reason, "stop");
    expectUsage(r.usage, usage, false);
    const v = c.lastCall();
    assert.equal(v.system(), "Be brief.");
    assert.deepEqual(v.turns(), [{ role: "user", text: "Say hi" }]);
    assert.equal(v.maxTokens(), 50);
    assert.equal(v.temperature(), 0.5);
    assert.equal(v.streamed(), false);
  },
};

export const stream: ConformanceCase = {
  name: "stream",
  needs: [],
  async run(c) {
    const text = "One, two, three, four, five.";
    c.mock.enqueue({ text, pieces: 5, usage: { prompt: 9, completion: 8 } });
    const chunks = await collect(await c.openai.chat.completions.create(streamBody({ model: c.endpoints.chat, messages: [{ role: "user", content: "Count" }] })));
    assert.ok(chunks.length >= 4, `several chunks (${chunks.length})`);
    expectChunkShape(chunks);
    assert.equal(streamedText(chunks), text);
    assert.deepEqual(finishes(chunks), ["stop"]);
    assert.ok(new Set(chunks.map((k) => k.id)).size === 1, "one id for every chunk");
    assert.equal(c.lastCall().streamed(), true);
    const raw = await c.postStream(chatPath(), { model: c.endpoints.chat, messages: [{ role: "user", content: "Count" }], stream: true });
    assert.equal(raw.status, 200);
    assert.equal(raw.data[raw.data.length - 1], "[DONE]");
  },
};

export const multiTurn: ConformanceCase = {
  name: "multi-turn",
  needs: [],
  async run(c) {
    await c.openai.chat.completions.create(
      body({
        model: c.endpoints.chat,
        messages: [
          { role: "system", content: "You answer in French." },
          { role: "user", content: "Hello" },
          { role: "assistant", content: "Bonjour" },
          { role: "user", content: [{ type: "text", text: "How are you?" }] },
        ],
      }),
    );
    const v = c.lastCall();
    assert.equal(v.system(), "You answer in French.");
    assert.deepEqual(v.turns(), [
      { role: "user", text: "Hello" },
      { role: "assistant", text: "Bonjour" },
      { role: "user", text: "How are you?" },
    ]);
  },
};

export const streamUsage: ConformanceCase = {
  name: "usage in stream",
  needs: [],
  async run(c) {
    const cached = c.fx.capabilities.has("cached-usage");
    const usage: MockUsage = cached ? { prompt: 21, completion: 9, cached: 4 } : { prompt: 21, completion: 9 };
    c.mock.enqueue({ text: "Counting tokens.", usage });
    const chunks = await collect(await c.openai.chat.completions.create(streamBody({ model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }] })));
    expectUsage(lastUsage(chunks), usage, cached);
    c.mock.enqueue({ text: "Counting tokens.", usage });
    const asked = await collect(
      await c.openai.chat.completions.create(streamBody({ model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }], stream_options: { include_usage: true } })),
    );
    expectUsage(lastUsage(asked), usage, cached);
  },
};
