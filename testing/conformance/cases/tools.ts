/** Conformance cases: Function calling: one call, parallel calls, streamed calls, results in history. */
import assert from "node:assert/strict";
import type OpenAI from "openai";
import { body, WEATHER_TOOL, TIME_TOOL, THREE_CALLS, expectUsage, lastUsage, expectOpenAIShape, expectChunkShape, type Chunk, type ConformanceCase } from "./support.js";

export const toolsSingle: ConformanceCase = {
  name: "tools: single call",
  needs: ["tools"],
  async run(c) {
    c.mock.enqueue({ toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Paris" } }] });
    const r = await c.openai.chat.completions.create(
      body({ model: c.endpoints.chat, messages: [{ role: "user", content: "Weather in Paris?" }], tools: [WEATHER_TOOL], tool_choice: { type: "function", function: { name: "get_weather" } } }),
    );
    expectOpenAIShape(r);
    const ch = r.choices[0];
    assert.equal(ch?.finish_reason, "tool_calls");
    const calls = ch?.message.tool_calls ?? [];
    assert.equal(calls.length, 1);
    const call = calls[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    assert.equal(call.type, "function");
    assert.ok(call.id, "the call has an id");
    assert.equal(call.function.name, "get_weather");
    assert.deepEqual(JSON.parse(call.function.arguments), { city: "Paris" });
    assert.deepEqual(c.lastCall().toolNames(), ["get_weather"]);
  },
};

export const toolsParallel: ConformanceCase = {
  name: "tools: parallel calls",
  needs: ["tools", "parallel-tools"],
  async run(c) {
    c.mock.enqueue({ toolCalls: THREE_CALLS });
    const r = await c.openai.chat.completions.create(
      body({ model: c.endpoints.chat, messages: [{ role: "user", content: "Three lookups" }], tools: [WEATHER_TOOL, TIME_TOOL], tool_choice: "auto" }),
    );
    const calls = (r.choices[0]?.message.tool_calls ?? []) as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    assert.deepEqual(
      calls.map((k) => [k.function.name, JSON.parse(k.function.arguments) as unknown]),
      THREE_CALLS.map((k) => [k.name, k.arguments]),
    );
    assert.equal(new Set(calls.map((k) => k.id)).size, 3, "distinct ids");
    assert.deepEqual(c.lastCall().toolNames(), ["get_weather", "get_time"]);
  },
};

export const toolsStreamed: ConformanceCase = {
  name: "tools: streamed parallel calls",
  needs: ["tools", "parallel-tools"],
  async run(c) {
    c.mock.enqueue({ toolCalls: THREE_CALLS, pieces: 4, usage: { prompt: 30, completion: 40 } });
    const s = c.openai.chat.completions.stream(
      body({ model: c.endpoints.chat, messages: [{ role: "user", content: "Three lookups" }], tools: [WEATHER_TOOL, TIME_TOOL], tool_choice: "required" }) as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming,
    );
    const seen: Chunk[] = [];
    s.on("chunk", (k) => seen.push(k));
    const final = await s.finalChatCompletion();
    expectChunkShape(seen);
    const calls = (final.choices[0]?.message.tool_calls ?? []) as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    assert.equal(calls.length, 3, "three tool calls");
    assert.deepEqual(
      calls.map((k) => [k.function.name, JSON.parse(k.function.arguments) as unknown]),
      THREE_CALLS.map((k) => [k.name, k.arguments]),
    );
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
    // Every tool-call delta carries its index; each call starts (id + name) once, in order.
    const deltas = seen.flatMap((k) => k.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    assert.ok(deltas.every((d) => typeof d.index === "number"), "every delta has an index");
    assert.deepEqual(deltas.filter((d) => d.id).map((d) => d.index), [0, 1, 2]);
    assert.ok(deltas.length > 3, "arguments arrive in several pieces");
    expectUsage(lastUsage(seen), { prompt: 30, completion: 40 }, false);
  },
};

export const toolResults: ConformanceCase = {
  name: "tool results in history",
  needs: ["tools"],
  async run(c) {
    c.mock.enqueue({ text: "Paris is sunny and Tokyo is 9pm." });
    const r = await c.openai.chat.completions.create(
      body({
        model: c.endpoints.chat,
        tools: [WEATHER_TOOL, TIME_TOOL],
        messages: [
          { role: "user", content: "Weather in Paris and time in Tokyo?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_h1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
              { id: "call_h2", type: "function", function: { name: "get_time", arguments: '{"city":"Tokyo"}' } },
            ],
          },
          { role: "tool", tool_call_id: "call_h1", content: "sunny" },
          { role: "tool", tool_call_id: "call_h2", content: [{ type: "text", text: "21:00" }] },
        ],
      }),
    );
    assert.equal(r.choices[0]?.message.content, "Paris is sunny and Tokyo is 9pm.");
    const v = c.lastCall();
    assert.deepEqual(
      v.historyToolCalls().map((k) => [k.name, k.arguments]),
      [
        ["get_weather", { city: "Paris" }],
        ["get_time", { city: "Tokyo" }],
      ],
    );
    assert.deepEqual(
      v.toolResults().map((k) => k.text),
      ["sunny", "21:00"],
    );
  },
};
