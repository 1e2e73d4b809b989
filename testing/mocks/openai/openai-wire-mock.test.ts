/** The OpenAI-wire mock, proven by the official openai SDK as its client. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import type { MockServer } from "../mock-server.js";
import { startMockOpenAIWire } from "./server.js";

describe("OpenAI-wire mock with the openai SDK as its client", () => {
  let mock: MockServer;
  let client: OpenAI;
  before(async () => {
    mock = await startMockOpenAIWire();
    client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
  });
  after(() => mock.close());

  it("answers a plain chat with the scripted text and usage", async () => {
    mock.enqueue({ text: "Scripted.", usage: { prompt: 3, completion: 2, cached: 1 } });
    const r = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
    assert.equal(r.choices[0]?.message.content, "Scripted.");
    assert.equal(r.usage?.total_tokens, 5);
    assert.equal(r.usage?.prompt_tokens_details?.cached_tokens, 1);
    assert.deepEqual((mock.last().json as { messages: unknown }).messages, [{ role: "user", content: "hi" }]);
  });

  it("streams parallel tool calls the SDK assembles by index", async () => {
    mock.enqueue({
      toolCalls: [
        { id: "c1", name: "a", arguments: { x: 1 } },
        { id: "c2", name: "b", arguments: { y: "two" } },
      ],
      pieces: 3,
    });
    const s = client.chat.completions.stream({ model: "m", messages: [{ role: "user", content: "go" }], stream_options: { include_usage: true } });
    const final = await s.finalChatCompletion();
    const calls = (final.choices[0]?.message.tool_calls ?? []) as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    assert.deepEqual(calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments) as unknown]), [
      ["c1", "a", { x: 1 }],
      ["c2", "b", { y: "two" }],
    ]);
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
  });

  it("answers errors in OpenAI's shape, Retry-After kept", async () => {
    mock.enqueue({ error: { status: 429, message: "Too many.", retryAfter: "5" } });
    await assert.rejects(client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 429);
      assert.match(err.message, /Too many\./);
      assert.equal(err.headers?.get("retry-after"), "5");
      return true;
    });
  });

  it("fails a stream with an error event after content; the SDK throws", async () => {
    mock.enqueue({ text: "partial answer", midStreamError: { status: 500, message: "Broke mid-way." } });
    let text = "";
    await assert.rejects(async () => {
      for await (const c of await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true })) {
        text += c.choices[0]?.delta.content ?? "";
      }
    }, /Broke mid-way/);
    assert.ok(text.length > 0);
  });

  it("speaks the Databricks flavour on invocations: reasoning blocks and usage", async () => {
    const dbx = new OpenAI({ baseURL: `${mock.url}/serving-endpoints/x`, apiKey: "dapi", maxRetries: 0, fetch: (url, init) => fetch(String(url).replace(/\/chat\/completions$/, "/invocations"), init) });
    mock.enqueue({ reasoning: [{ text: "Think.", signature: "s1" }], text: "Answer." });
    const r = await dbx.chat.completions.create({ model: "m", messages: [{ role: "user", content: "q" }] });
    assert.deepEqual(r.choices[0]?.message.content as unknown, [
      { type: "reasoning", summary: [{ type: "summary_text", text: "Think.", signature: "s1" }] },
      { type: "text", text: "Answer." },
    ]);
  });

  it("embeds deterministically", async () => {
    const r = await client.embeddings.create({ model: "e", input: ["a", "b"] });
    assert.equal(r.data.length, 2);
    assert.notDeepEqual(r.data[0]?.embedding, r.data[1]?.embedding);
  });
});
