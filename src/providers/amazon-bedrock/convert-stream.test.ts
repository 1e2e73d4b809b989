// ConverseStream frames → chat chunks, and the frame reader under awkward network reads.
// Frames are made with the Bedrock mock's encoder (itself proven by the AWS SDK).
// Run: node --import tsx --test src/providers/amazon-bedrock/convert-stream.test.ts
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import type { ChatChunk } from "../../gateway/types.js";
import { converseStreamFrames, eventFrame, exceptionFrame } from "../../../testing/mocks/amazon-bedrock/render.js";
import type { MockReply } from "../../../testing/mocks/scenario.js";
import { ChunkFactory } from "../common/index.js";
import { ConverseStreamConverter, converseChunks } from "./convert-stream.js";
import { decodeFrame, FrameBuffer, type EventMessage } from "./event-stream.js";

const factory = () => new ChunkFactory("chatcmpl-test", "m");

async function* messages(frames: Uint8Array[]): AsyncGenerator<EventMessage> {
  for (const f of frames) yield decodeFrame(f);
}

async function run(frames: Uint8Array[], jsonTool = false): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of converseChunks(messages(frames), factory(), jsonTool)) out.push(c);
  return out;
}

async function failure(frames: Uint8Array[]): Promise<{ err: GatewayError; chunks: ChatChunk[] }> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const c of converseChunks(messages(frames), factory(), false)) chunks.push(c);
  } catch (err) {
    assert.ok(err instanceof GatewayError, String(err));
    return { err, chunks };
  }
  assert.fail("expected the stream to fail");
}

const deltas = (chunks: ChatChunk[]) => chunks.filter((c) => c.choices.length).map((c) => c.choices[0]?.delta);

describe("converseChunks", () => {
  test("reasoning, text, two tool calls: every piece forwarded, indexes 0 and 1, finish then usage", async () => {
    const reply: MockReply = {
      reasoning: [{ text: "Thinking hard", signature: "sig-1" }],
      text: "Let me check.",
      toolCalls: [
        { id: "tooluse_a", name: "get_weather", arguments: { city: "Paris" } },
        { id: "tooluse_b", name: "get_time", arguments: { zone: "CET" } },
      ],
      usage: { prompt: 30, completion: 12, cached: 10, cacheWrite: 5 },
    };
    const chunks = await run(converseStreamFrames(reply));
    assert.ok(chunks.every((c) => c.id === "chatcmpl-test" && c.object === "chat.completion.chunk"));
    const d = deltas(chunks);
    assert.deepEqual(d[0], { role: "assistant", content: "" });
    assert.deepEqual(d.slice(1, 5), [
      { content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "Think" }] }] },
      { content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "ing h" }] }] },
      { content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "ard" }] }] },
      { content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "", signature: "sig-1" }] }] },
    ]);
    assert.equal(d.map((x) => (typeof x?.content === "string" ? x.content : "")).join(""), "Let me check.");
    const calls = d.flatMap((x) => x?.tool_calls ?? []);
    assert.deepEqual(calls.filter((c) => c.id), [
      { index: 0, id: "tooluse_a", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 1, id: "tooluse_b", type: "function", function: { name: "get_time", arguments: "" } },
    ]);
    const args = (i: number) => calls.filter((c) => (c as { index: number }).index === i && !c.id).map((c) => c.function?.arguments).join("");
    assert.equal(args(0), '{"city":"Paris"}');
    assert.equal(args(1), '{"zone":"CET"}');
    const finish = chunks.at(-2);
    assert.deepEqual(finish?.choices, [{ index: 0, delta: {}, finish_reason: "tool_calls" }]);
    assert.deepEqual(chunks.at(-1)?.choices, []);
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, prompt_tokens_details: { cached_tokens: 10 } });
  });

  test("interleaved tool deltas keep their own index", async () => {
    const start = (i: number, id: string) => eventFrame("contentBlockStart", { contentBlockIndex: i, start: { toolUse: { toolUseId: id, name: "f" } } });
    const piece = (i: number, input: string) => eventFrame("contentBlockDelta", { contentBlockIndex: i, delta: { toolUse: { input } } });
    const chunks = await run([
      eventFrame("messageStart", { role: "assistant" }),
      start(3, "x"),
      piece(3, '{"a"'),
      start(5, "y"),
      piece(5, '{"b":2}'),
      piece(3, ":1}"),
      eventFrame("messageStop", { stopReason: "tool_use" }),
      eventFrame("metadata", { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } }),
    ]);
    const pieces = deltas(chunks).flatMap((x) => x?.tool_calls ?? []).filter((c) => !c.id);
    assert.deepEqual(
      pieces.map((c) => [(c as { index: number }).index, c.function?.arguments]),
      [
        [0, '{"a"'],
        [1, '{"b":2}'],
        [0, ":1}"],
      ],
    );
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });

  test("the forced json_response call streams as text and finishes with stop", async () => {
    const reply: MockReply = { toolCalls: [{ id: "t", name: "json_response", arguments: { answer: "yes" } }] };
    const chunks = await run(converseStreamFrames(reply), true);
    const d = deltas(chunks);
    assert.ok(d.every((x) => !x?.tool_calls));
    assert.equal(d.map((x) => (typeof x?.content === "string" ? x.content : "")).join(""), '{"answer":"yes"}');
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "stop");
  });

  test("redacted reasoning is an encrypted reasoning delta; unknown stop reasons are stop", async () => {
    const chunks = await run(converseStreamFrames({ reasoning: [{ redacted: "b3BhcXVl" }], text: "ok", rawFinish: "brand_new_reason" }));
    assert.deepEqual(deltas(chunks)[1], { content: [{ type: "reasoning", summary: [{ type: "summary_encrypted_text", data: "b3BhcXVl" }] }] });
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "stop");
  });

  test("exception frames are thrown with the status class of their HTTP twin, after the content before them", async () => {
    const cases: Array<[number, string | undefined, number]> = [
      [429, undefined, 429],
      [424, undefined, 502],
      [400, undefined, 400],
      [503, undefined, 503],
      [500, undefined, 500],
      [500, "SomethingNewException", 500],
    ];
    for (const [status, type, want] of cases) {
      const { err, chunks } = await failure(converseStreamFrames({ text: "abc def ghi", midStreamError: { status, message: "It broke.", ...(type ? { type } : {}) } }));
      assert.equal(err.status, want, `${status} ${type}`);
      assert.match(err.message, /It broke\./);
      assert.equal(err.upstream?.provider, "amazon-bedrock");
      assert.equal(deltas(chunks)[1]?.content, "abc ");
    }
  });

  test("an error frame (:message-type error) is a server error", async () => {
    const c = new ConverseStreamConverter(factory(), false);
    const frame = decodeFrame(eventFrame("messageStart", { role: "assistant" }));
    const errorFrame: EventMessage = {
      headers: { ":message-type": { type: "string", value: "error" }, ":error-code": { type: "string", value: "InternalFailure" }, ":error-message": { type: "string", value: "boom" } },
      body: new Uint8Array(),
    };
    c.onEvent(frame);
    assert.throws(() => c.onEvent(errorFrame), (e) => e instanceof GatewayError && e.status === 500 && /boom/.test(e.message));
  });

  test("truncated: no messageStop, or messageStop without the usage metadata", async () => {
    const cut = await failure(converseStreamFrames({ text: "abc def ghi", truncate: true }));
    assert.equal(cut.err.message, "Amazon Bedrock stream ended before it was complete.");
    assert.equal(cut.err.status, 502);
    const noUsage = converseStreamFrames({ text: "hi" }).slice(0, -1);
    const r = await failure(noUsage);
    assert.equal(r.err.message, "Amazon Bedrock stream ended before it was complete.");
    assert.equal(r.chunks.at(-1)?.choices[0]?.finish_reason, "stop");
  });

  test("a tool input for a block that never started, or a payload that is not JSON, is an upstream fault", async () => {
    const orphan = await failure([eventFrame("contentBlockDelta", { contentBlockIndex: 2, delta: { toolUse: { input: "{}" } } })]);
    assert.equal(orphan.err.status, 502);
    const c = new ConverseStreamConverter(factory(), false);
    const bad: EventMessage = {
      headers: { ":message-type": { type: "string", value: "event" }, ":event-type": { type: "string", value: "contentBlockDelta" } },
      body: new TextEncoder().encode("{nope"),
    };
    assert.throws(() => c.onEvent(bad), (e) => e instanceof GatewayError && e.status === 502);
  });
});

describe("FrameBuffer", () => {
  const frames = converseStreamFrames({ text: "Hello there, world", usage: { prompt: 3, completion: 2 } });
  const all = Buffer.concat(frames);

  test("a frame split over many reads, and many frames in one read, decode the same", () => {
    const oneByte = new FrameBuffer();
    const got: Uint8Array[] = [];
    for (let i = 0; i < all.length; i++) got.push(...oneByte.push(all.subarray(i, i + 1)));
    assert.equal(got.length, frames.length);
    assert.equal(oneByte.leftover, 0);
    const whole = new FrameBuffer().push(all);
    assert.deepEqual(whole.map((f) => Buffer.from(f)), frames.map((f) => Buffer.from(f)));
    const partial = new FrameBuffer();
    assert.equal(partial.push(all.subarray(0, (frames[0]?.length ?? 0) + 5)).length, 1);
    assert.equal(partial.leftover, 5);
  });

  test("a corrupt length or checksum is an upstream fault", () => {
    const bad = Buffer.from(all);
    bad.writeUInt32BE(3, 0);
    assert.throws(() => new FrameBuffer().push(bad), (e) => e instanceof GatewayError && e.status === 502);
    const crc = Buffer.from(frames[0] ?? []);
    crc[crc.length - 1] = (crc[crc.length - 1] ?? 0) ^ 0xff;
    assert.throws(() => decodeFrame(crc), (e) => e instanceof GatewayError && e.status === 502);
  });

  test("exception frames decode with their headers", () => {
    const m = decodeFrame(exceptionFrame({ status: 429, message: "slow" }));
    assert.deepEqual(m.headers[":exception-type"], { type: "string", value: "throttlingException" });
  });
});
