// Anthropic stream events → OpenAI chunks, at function level: the events are written
// here as Anthropic sends them (event name + JSON data).
// Run: node scripts/run-tests.mjs src/providers/anthropic/convert-stream
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import type { ChatChunk, ContentPart, JsonObject, ToolCall } from "../../gateway/types.js";
import type { SseMessage } from "../common/sse-events.js";
import { drain, gatewayError, text } from "../../../testing/provider-test-helpers.js";
import { anthropicChunks } from "./convert-stream.js";

type Ev = Record<string, unknown>;

const SECRET = "sk-ant-secret-value-123";

/** Events written as Anthropic's JSON (the event name is its `type`), or as a raw SSE message. */
async function* feed(events: Array<Ev | SseMessage>): AsyncGenerator<SseMessage> {
  for (const e of events) {
    const o = e as Ev;
    yield typeof o["data"] === "string" ? (e as SseMessage) : { event: String(o["type"]), data: JSON.stringify(o) };
  }
}

const run = (events: Array<Ev | SseMessage>): Promise<ChatChunk[]> => drain(anthropicChunks(feed(events), { model: "fallback-model", secrets: [SECRET] }));

const start = (usage: Ev = { input_tokens: 25, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 1 }): Ev => ({
  type: "message_start",
  message: { id: "msg_abc", type: "message", role: "assistant", model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null, usage },
});
const blockStart = (index: number, content_block: Ev): Ev => ({ type: "content_block_start", index, content_block });
const delta = (index: number, d: Ev): Ev => ({ type: "content_block_delta", index, delta: d });
const stop = (index: number): Ev => ({ type: "content_block_stop", index });
const msgDelta = (stop_reason: string | null, usage: Ev): Ev => ({ type: "message_delta", delta: { stop_reason, stop_sequence: null }, usage });
const PING: Ev = { type: "ping" };
const END: Ev = { type: "message_stop" };

function textBlock(index: number, pieces: string[]): Ev[] {
  return [blockStart(index, { type: "text", text: "" }), ...pieces.map((t) => delta(index, { type: "text_delta", text: t })), stop(index)];
}

function toolBlock(index: number, id: string, name: string, pieces: string[]): Ev[] {
  return [
    blockStart(index, { type: "tool_use", id, name, input: {} }),
    delta(index, { type: "input_json_delta", partial_json: "" }),
    ...pieces.map((p) => delta(index, { type: "input_json_delta", partial_json: p })),
    stop(index),
  ];
}

/** What an OpenAI client assembles from the chunks: tool calls by index. */
function assembleToolCalls(chunks: ChatChunk[]): Array<{ index: number; id: string; name: string; arguments: string }> {
  const calls = new Map<number, { index: number; id: string; name: string; arguments: string }>();
  for (const c of chunks) {
    for (const tc of (c.choices[0]?.delta.tool_calls ?? []) as Array<ToolCall & { index: number }>) {
      const cur = calls.get(tc.index) ?? { index: tc.index, id: "", name: "", arguments: "" };
      if (tc.id) cur.id = tc.id;
      if (tc.function?.name) cur.name = tc.function.name;
      cur.arguments += tc.function?.arguments ?? "";
      calls.set(tc.index, cur);
    }
  }
  return [...calls.values()].sort((a, b) => a.index - b.index);
}

const reasoningOf = (c: ChatChunk): JsonObject | undefined => {
  const content = c.choices[0]?.delta.content;
  return Array.isArray(content) ? ((content[0] as ContentPart)["summary"] as JsonObject[])[0] : undefined;
};

describe("anthropicChunks", () => {
  test("text: a role chunk, every piece, the finish, then the usage; pings anywhere are skipped", async () => {
    const chunks = await run([
      { event: undefined, data: JSON.stringify(PING) },
      PING,
      start(),
      PING,
      ...textBlock(0, ["Hel", "lo", " world"]),
      PING,
      msgDelta("end_turn", { output_tokens: 7 }),
      PING,
      END,
    ]);
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: "assistant", content: "" });
    assert.deepEqual(
      chunks.slice(1, 4).map((c) => c.choices[0]?.delta.content),
      ["Hel", "lo", " world"],
    );
    assert.equal(text(chunks), "Hello world");
    const finish = chunks.at(-2);
    assert.deepEqual(finish?.choices, [{ index: 0, delta: {}, finish_reason: "stop" }]);
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last?.usage, { prompt_tokens: 25, completion_tokens: 7, total_tokens: 32, prompt_tokens_details: { cached_tokens: 0 } });
    assert.equal(chunks.length, 6);
    for (const c of chunks) {
      assert.equal(c.id, "msg_abc");
      assert.equal(c.model, "claude-sonnet-4-6");
      assert.equal(c.object, "chat.completion.chunk");
      assert.equal(c.created, chunks[0]?.created);
    }
  });

  test("THREE parallel tool calls after text: indexes 0,1,2 (not block indexes), every argument piece, JSON arguments", async () => {
    const args = [{ city: "Paris", unit: "celsius" }, { city: "Oslo" }, { zone: "Europe/Oslo", nested: { list: [1, 2, 3] } }];
    const pieces = args.map((a) => {
      const s = JSON.stringify(a);
      return [s.slice(0, 5), s.slice(5, 11), s.slice(11)];
    });
    const chunks = await run([
      start(),
      ...textBlock(0, ["Let me check."]),
      ...toolBlock(1, "toolu_A", "get_weather", pieces[0] ?? []),
      PING,
      ...toolBlock(2, "toolu_B", "get_weather", pieces[1] ?? []),
      ...toolBlock(3, "toolu_C", "get_time", pieces[2] ?? []),
      msgDelta("tool_use", { output_tokens: 88 }),
      END,
    ]);
    const starts = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls ?? []).filter((t) => t.id));
    assert.deepEqual(starts, [
      { index: 0, id: "toolu_A", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 1, id: "toolu_B", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 2, id: "toolu_C", type: "function", function: { name: "get_time", arguments: "" } },
    ]);
    const argChunks = chunks.filter((c) => c.choices[0]?.delta.tool_calls?.some((t) => !t.id));
    assert.equal(argChunks.length, 9, "one chunk per non-empty argument piece");
    const calls = assembleToolCalls(chunks);
    assert.deepEqual(
      calls.map((c) => [c.index, c.id, c.name, JSON.parse(c.arguments)]),
      [
        [0, "toolu_A", "get_weather", args[0]],
        [1, "toolu_B", "get_weather", args[1]],
        [2, "toolu_C", "get_time", args[2]],
      ],
    );
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "tool_calls");
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, 88);
  });

  test("tool calls keep their index when their pieces interleave", async () => {
    const chunks = await run([
      start(),
      blockStart(0, { type: "tool_use", id: "t0", name: "a", input: {} }),
      blockStart(1, { type: "tool_use", id: "t1", name: "b", input: {} }),
      delta(1, { type: "input_json_delta", partial_json: '{"y":' }),
      delta(0, { type: "input_json_delta", partial_json: '{"x":' }),
      delta(0, { type: "input_json_delta", partial_json: "1}" }),
      delta(1, { type: "input_json_delta", partial_json: "2}" }),
      msgDelta("tool_use", { output_tokens: 3 }),
      END,
    ]);
    assert.deepEqual(
      assembleToolCalls(chunks).map((c) => [c.index, c.id, JSON.parse(c.arguments)]),
      [
        [0, "t0", { x: 1 }],
        [1, "t1", { y: 2 }],
      ],
    );
  });

  test("usage: message_start gives the prompt counters, message_delta's cumulative values replace them", async () => {
    const chunks = await run([
      start({ input_tokens: 10, cache_read_input_tokens: 60, cache_creation_input_tokens: 30, output_tokens: 1 }),
      ...textBlock(0, ["x"]),
      msgDelta("end_turn", { output_tokens: 9 }),
      END,
    ]);
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 100, completion_tokens: 9, total_tokens: 109, prompt_tokens_details: { cached_tokens: 60 } });
    const later = await run([
      start({ input_tokens: 10, output_tokens: 1 }),
      ...textBlock(0, ["x"]),
      msgDelta("end_turn", { input_tokens: 12, cache_read_input_tokens: 5, cache_creation_input_tokens: null, output_tokens: 9, output_tokens_details: { thinking_tokens: 4 } }),
      END,
    ]);
    assert.deepEqual(later.at(-1)?.usage, {
      prompt_tokens: 17,
      completion_tokens: 9,
      total_tokens: 26,
      prompt_tokens_details: { cached_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 4 },
    });
  });

  test("thinking: a reasoning delta per piece, then the signature; redacted thinking as an encrypted delta", async () => {
    const chunks = await run([
      start(),
      blockStart(0, { type: "thinking", thinking: "", signature: "" }),
      delta(0, { type: "thinking_delta", thinking: "Step one. " }),
      delta(0, { type: "thinking_delta", thinking: "Step two." }),
      delta(0, { type: "signature_delta", signature: "EqQBsig==" }),
      stop(0),
      blockStart(1, { type: "redacted_thinking", data: "ENC==" }),
      stop(1),
      ...textBlock(2, ["42"]),
      msgDelta("end_turn", { output_tokens: 30 }),
      END,
    ]);
    assert.deepEqual(chunks.map(reasoningOf).filter(Boolean), [
      { type: "summary_text", text: "Step one. " },
      { type: "summary_text", text: "Step two." },
      { type: "summary_text", text: "", signature: "EqQBsig==" },
      { type: "summary_encrypted_text", data: "ENC==" },
    ]);
    assert.deepEqual(chunks[1]?.choices[0]?.delta, { content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "Step one. " }] }] });
    assert.equal(chunks.filter((c) => typeof c.choices[0]?.delta.content === "string" && c.choices[0]?.delta.content !== "").length, 1);
  });

  test("stop reasons map; an unknown one is stop; a stream without message_delta finishes with stop", async () => {
    for (const [reason, want] of [
      ["max_tokens", "length"],
      ["refusal", "content_filter"],
      ["pause_turn", "stop"],
      ["something_new", "stop"],
    ] as const) {
      const chunks = await run([start(), ...textBlock(0, ["x"]), msgDelta(reason, { output_tokens: 1 }), END]);
      assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, want, reason);
    }
    const bare = await run([start(), ...textBlock(0, ["x"]), END]);
    assert.equal(bare.at(-2)?.choices[0]?.finish_reason, "stop");
  });

  test("events after message_stop are ignored", async () => {
    const chunks = await run([start(), ...textBlock(0, ["x"]), msgDelta("end_turn", { output_tokens: 1 }), END, ...textBlock(1, ["late"])]);
    assert.equal(text(chunks), "x");
    assert.deepEqual(chunks.at(-1)?.choices, []);
  });

  test("an error event is a GatewayError with the status of its type, after the content already sent", async () => {
    const cases: Array<[string, number]> = [
      ["overloaded_error", 503],
      ["rate_limit_error", 429],
      ["api_error", 500],
      ["invalid_request_error", 400],
    ];
    for (const [type, status] of cases) {
      const got: ChatChunk[] = [];
      const err = await gatewayError(
        (async () => {
          for await (const c of anthropicChunks(feed([start(), blockStart(0, { type: "text", text: "" }), delta(0, { type: "text_delta", text: "par" }), { type: "error", error: { type, message: `Trouble with ${SECRET}` } }]), { model: "m", secrets: [SECRET] })) got.push(c);
        })(),
      );
      assert.equal(err.status, status, type);
      assert.equal(err.openaiCode, type);
      assert.match(err.message, /^Received error from anthropic \(HTTP \d+\): Trouble with \[REDACTED\]$/);
      assert.equal(text(got), "par");
    }
  });

  test("an error event whose data is not JSON is still an error", async () => {
    const err = await gatewayError(run([start(), { event: "error", data: "upstream exploded" }]));
    assert.equal(err.status, 500);
    assert.match(err.message, /upstream exploded/);
  });

  test("a body that ends before message_stop is a truncated-stream error, never a clean end", async () => {
    for (const events of [[start(), blockStart(0, { type: "text", text: "" }), delta(0, { type: "text_delta", text: "par" })], [start(), ...textBlock(0, ["x"]), msgDelta("end_turn", { output_tokens: 1 })], []]) {
      const err = await gatewayError(run(events));
      assert.equal(err.status, 502);
      assert.equal(err.message, "Anthropic stream ended before it was complete.");
    }
  });

  test("data that is not an event is an upstream fault (502)", async () => {
    const err = await gatewayError(run([start(), { event: "content_block_delta", data: "{not json" }]));
    assert.ok(err instanceof GatewayError);
    assert.equal(err.status, 502);
  });

  test("a stream that does not open with message_start still gets a role chunk and the fallback model", async () => {
    const chunks = await run([...textBlock(0, ["x"]), msgDelta("end_turn", { output_tokens: 1 }), END]);
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: "assistant", content: "" });
    assert.equal(chunks[0]?.model, "fallback-model");
  });
});
