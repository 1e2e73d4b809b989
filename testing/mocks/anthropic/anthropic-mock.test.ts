// Proves the Anthropic mock speaks the real wire format: the official `@anthropic-ai/sdk`
// is its client (plain, streamed, tool use, thinking, errors, mid-stream error).
// Run: node scripts/run-tests.mjs testing/mocks/anthropic
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import type { MockServer } from "../mock-server.js";
import { startMockAnthropic } from "./index.js";

const KEY = "sk-ant-mock-test-key";
const MODEL = "claude-sonnet-4-6";
const HELLO: Anthropic.MessageParam[] = [{ role: "user", content: "Hello" }];

let mock: MockServer;
let client: Anthropic;

before(async () => {
  mock = await startMockAnthropic({ apiKey: KEY });
  client = new Anthropic({ baseURL: mock.url, apiKey: KEY, maxRetries: 0 });
});
after(() => mock.close());
beforeEach(() => mock.reset());

function body(): Record<string, unknown> {
  return mock.last().json as Record<string, unknown>;
}

/** The APIError a promise rejects with. */
async function apiError(p: Promise<unknown>): Promise<APIError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof Anthropic.APIError, `expected an APIError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

const TOOLS = [
  { id: "toolu_01", name: "get_weather", arguments: { city: "Paris", unit: "celsius" } },
  { id: "toolu_02", name: "get_weather", arguments: { city: "Oslo" } },
  { id: "toolu_03", name: "get_time", arguments: { zone: "Europe/Oslo", nested: { list: [1, 2, 3] } } },
];

describe("messages.create", () => {
  test("plain: text, stop reason and Anthropic's own usage counters", async () => {
    mock.enqueue({ text: "Hi there, friend.", usage: { prompt: 100, completion: 9, cached: 60, cacheWrite: 30 } });
    const msg = await client.messages.create({ model: MODEL, max_tokens: 64, messages: HELLO });
    assert.equal(msg.type, "message");
    assert.equal(msg.role, "assistant");
    assert.equal(msg.model, MODEL);
    assert.deepEqual(
      msg.content.map((b) => (b.type === "text" ? b.text : b.type)),
      ["Hi there, friend."],
    );
    assert.equal(msg.stop_reason, "end_turn");
    assert.equal(msg.usage.input_tokens, 10);
    assert.equal(msg.usage.cache_read_input_tokens, 60);
    assert.equal(msg.usage.cache_creation_input_tokens, 30);
    assert.equal(msg.usage.output_tokens, 9);
    const r = mock.last();
    assert.equal(r.path, "/v1/messages");
    // This SDK generation authenticates with Bearer and a newer API version; the mock takes both.
    assert.equal(r.headers["authorization"], `Bearer ${KEY}`);
    assert.ok(r.headers["anthropic-version"]);
    assert.equal(body()["max_tokens"], 64);
  });

  test("finish values map to Anthropic's stop reasons; rawFinish is sent verbatim", async () => {
    for (const [finish, expected] of [
      ["length", "max_tokens"],
      ["content_filter", "refusal"],
      ["stop", "end_turn"],
    ] as const) {
      mock.enqueue({ text: "x", finish });
      const msg = await client.messages.create({ model: MODEL, max_tokens: 8, messages: HELLO });
      assert.equal(msg.stop_reason, expected);
    }
    mock.enqueue({ text: "x", rawFinish: "pause_turn" });
    assert.equal((await client.messages.create({ model: MODEL, max_tokens: 8, messages: HELLO })).stop_reason, "pause_turn");
  });

  test("tool use: tool_use blocks with parsed input, stop reason tool_use", async () => {
    mock.enqueue({ toolCalls: TOOLS });
    const msg = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: "user", content: "Weather?" }],
      tools: [{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
    });
    assert.equal(msg.stop_reason, "tool_use");
    const uses = msg.content.filter((b) => b.type === "tool_use");
    assert.deepEqual(
      uses.map((b) => [b.id, b.name, b.input]),
      TOOLS.map((t) => [t.id, t.name, t.arguments]),
    );
  });

  test("thinking and redacted thinking come first, with their signature", async () => {
    mock.enqueue({ reasoning: [{ text: "Let me think.", signature: "sig-abc" }, { redacted: "ENCRYPTED==" }], text: "42" });
    const msg = await client.messages.create({ model: MODEL, max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 2048 }, messages: HELLO });
    assert.deepEqual(msg.content[0], { type: "thinking", thinking: "Let me think.", signature: "sig-abc" });
    assert.deepEqual(msg.content[1], { type: "redacted_thinking", data: "ENCRYPTED==" });
    assert.equal(msg.content[2]?.type, "text");
  });

  test("a full history round trip (tool results, thinking sent back) is accepted", async () => {
    const msg = await client.messages.create({
      model: MODEL,
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 1024 },
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      messages: [
        { role: "user", content: "Weather in Paris and Oslo?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Two calls.", signature: "sig-1" },
            { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_02", name: "get_weather", input: { city: "Oslo" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_01", content: "18C" },
            { type: "tool_result", tool_use_id: "toolu_02", content: [{ type: "text", text: "9C" }] },
            { type: "text", text: "Thanks" },
          ],
        },
      ],
    });
    assert.equal(msg.stop_reason, "end_turn");
  });
});

describe("computer use (beta)", () => {
  const computer = { type: "computer_20250124", name: "computer", display_width_px: 1024, display_height_px: 768, display_number: 1 } as const;

  test("beta.messages.create with betas: the SDK's anthropic-beta header and tools are accepted, the screenshot result too", async () => {
    mock.enqueue({ toolCalls: [{ id: "toolu_cu", name: "computer", arguments: { action: "screenshot" } }] }, { text: "Done." });
    const first = await client.beta.messages.create({ model: MODEL, max_tokens: 256, betas: ["computer-use-2025-01-24"], messages: HELLO, tools: [computer] });
    assert.equal(mock.last().headers["anthropic-beta"], "computer-use-2025-01-24");
    const use = first.content.find((b) => b.type === "tool_use");
    assert.deepEqual(use && "input" in use ? use.input : undefined, { action: "screenshot" });
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    const second = await client.beta.messages.create({
      model: MODEL,
      max_tokens: 256,
      betas: ["computer-use-2025-01-24"],
      tools: [computer],
      messages: [
        ...HELLO,
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_cu", name: "computer", input: { action: "screenshot" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_cu", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: png } }] }] },
      ],
    });
    assert.equal(second.stop_reason, "end_turn");
  });

  test("without the beta, or with the wrong name, the mock refuses as the API does", async () => {
    const noBeta = await apiError(client.beta.messages.create({ model: MODEL, max_tokens: 256, messages: HELLO, tools: [computer] }));
    assert.equal(noBeta.status, 400);
    assert.match(noBeta.message, /requires the beta 'computer-use-2025-01-24'/);
    const badName = await apiError(client.beta.messages.create({ model: MODEL, max_tokens: 256, betas: ["computer-use-2025-01-24"], messages: HELLO, tools: [{ ...computer, name: "screen" } as unknown as typeof computer] }));
    assert.match(badName.message, /tools\.0\.name/);
  });
});

describe("streaming", () => {
  test("messages.stream: text events and the final message with cumulative usage", async () => {
    mock.enqueue({ text: "Streaming is fun.", pieces: 4, usage: { prompt: 50, completion: 12, cached: 20 } });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: HELLO });
    const pieces: string[] = [];
    stream.on("text", (t) => pieces.push(t));
    const msg = await stream.finalMessage();
    assert.equal(pieces.length, 4);
    assert.equal(pieces.join(""), "Streaming is fun.");
    assert.equal(msg.stop_reason, "end_turn");
    assert.equal(msg.usage.input_tokens, 30);
    assert.equal(msg.usage.cache_read_input_tokens, 20);
    assert.equal(msg.usage.output_tokens, 12);
    assert.equal(body()["stream"], true);
  });

  test("create({stream:true}): the event sequence; ping events are skipped by the SDK", async () => {
    mock.enqueue({ text: "abc", pieces: 3 });
    const events: string[] = [];
    for await (const ev of await client.messages.create({ model: MODEL, max_tokens: 64, messages: HELLO, stream: true })) events.push(ev.type);
    assert.deepEqual(events, [
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const raw = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, max_tokens: 8, messages: HELLO, stream: true }),
    });
    assert.match(await raw.text(), /event: ping\ndata: \{"type":"ping"\}/);
  });

  test("three parallel tool calls streamed: the SDK parses every input from its pieces", async () => {
    mock.enqueue({ text: "Checking.", toolCalls: TOOLS, pieces: 5 });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 256, messages: HELLO, tools: [{ name: "get_weather", input_schema: { type: "object" } }] });
    const jsonPieces: string[] = [];
    stream.on("inputJson", (p) => jsonPieces.push(p));
    const msg = await stream.finalMessage();
    assert.equal(msg.stop_reason, "tool_use");
    assert.deepEqual(
      msg.content.filter((b) => b.type === "tool_use").map((b) => [b.id, b.name, b.input]),
      TOOLS.map((t) => [t.id, t.name, t.arguments]),
    );
    assert.ok(jsonPieces.length >= 3 * 5, "the arguments arrive in pieces");
  });

  test("thinking streamed: thinking deltas, then the signature; redacted thinking arrives whole", async () => {
    mock.enqueue({ reasoning: [{ text: "Step one. Step two.", signature: "sig-xyz" }, { redacted: "REDACTED==" }], text: "Done." });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 1024 }, messages: HELLO });
    const thinking: string[] = [];
    const signatures: string[] = [];
    stream.on("thinking", (d) => thinking.push(d));
    stream.on("signature", (s) => signatures.push(s));
    const msg = await stream.finalMessage();
    assert.equal(thinking.join(""), "Step one. Step two.");
    assert.deepEqual(signatures, ["sig-xyz"]);
    assert.deepEqual(msg.content[0], { type: "thinking", thinking: "Step one. Step two.", signature: "sig-xyz" });
    assert.deepEqual(msg.content[1], { type: "redacted_thinking", data: "REDACTED==" });
    assert.equal(msg.content[2]?.type === "text" && msg.content[2].text, "Done.");
  });

  test("a mid-stream error event: the SDK throws the error with its type", async () => {
    mock.enqueue({ text: "partial answer", midStreamError: { status: 529, message: "Overloaded", type: "overloaded_error" } });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: HELLO });
    const err = await apiError(stream.finalMessage());
    assert.equal(err.type, "overloaded_error");
    assert.match(err.message, /Overloaded/);
  });

  test("truncate: the body ends after the first content, without message_delta/message_stop", async () => {
    mock.enqueue({ text: "one two three", truncate: true });
    const events: string[] = [];
    for await (const ev of await client.messages.create({ model: MODEL, max_tokens: 64, messages: HELLO, stream: true })) events.push(ev.type);
    assert.deepEqual(events, ["message_start", "content_block_start", "content_block_delta"]);
  });
});

describe("errors", () => {
  test("429 with retry-after: RateLimitError with Anthropic's message", async () => {
    mock.enqueue({ error: { status: 429, message: "Number of request tokens has exceeded your rate limit.", retryAfter: "17" } });
    const err = await apiError(client.messages.create({ model: MODEL, max_tokens: 8, messages: HELLO }));
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.status, 429);
    assert.equal(err.type, "rate_limit_error");
    assert.equal(err.headers?.get("retry-after"), "17");
    assert.match(err.message, /^429 .*exceeded your rate limit/);
  });

  test("529 overloaded_error: OverloadedError", async () => {
    mock.enqueue({ error: { status: 529, message: "Overloaded" } });
    const err = await apiError(client.messages.create({ model: MODEL, max_tokens: 8, messages: HELLO }));
    assert.ok(err instanceof Anthropic.OverloadedError);
    assert.equal(err.status, 529);
    assert.equal(err.type, "overloaded_error");
  });

  test("a wrong key is a 401 authentication_error", async () => {
    const other = new Anthropic({ baseURL: mock.url, apiKey: "sk-ant-wrong", maxRetries: 0 });
    const err = await apiError(other.messages.create({ model: MODEL, max_tokens: 8, messages: HELLO }));
    assert.ok(err instanceof Anthropic.AuthenticationError);
    assert.equal(err.type, "authentication_error");
  });

  test("the mock refuses what the API refuses, as a 400 invalid_request_error naming the field", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ model: MODEL, messages: HELLO }, /max_tokens: Field required/],
      [{ model: MODEL, max_tokens: 8, messages: [...HELLO, { role: "user", content: "again" }] }, /messages\.1: roles must alternate/],
      [{ model: MODEL, max_tokens: 8, messages: [{ role: "system", content: "x" }] }, /messages\.0\.role/],
      [{ model: MODEL, max_tokens: 8, messages: HELLO, n: 2 }, /n: Extra inputs are not permitted/],
      [
        {
          model: MODEL,
          max_tokens: 8,
          messages: [HELLO[0], { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] }, { role: "user", content: "no result" }],
        },
        /messages\.2: `tool_use` ids were found without `tool_result`/,
      ],
      [{ model: MODEL, max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 }, temperature: 0.5, messages: HELLO }, /temperature/],
    ];
    for (const [params, message] of cases) {
      const err = await apiError(client.messages.create(params as Anthropic.MessageCreateParamsNonStreaming));
      assert.ok(err instanceof Anthropic.BadRequestError, String(message));
      assert.equal(err.type, "invalid_request_error");
      assert.match(err.message, message);
    }
  });

  test("the x-api-key header works as well as Bearer, and anthropic-version is required", async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${mock.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ model: MODEL, max_tokens: 8, messages: HELLO }) });
    assert.equal((await post({ "x-api-key": KEY, "anthropic-version": "2023-06-01" })).status, 200);
    const noVersion = await post({ "x-api-key": KEY });
    assert.equal(noVersion.status, 400);
    assert.deepEqual(((await noVersion.json()) as { error: unknown }).error, { type: "invalid_request_error", message: "anthropic-version: header is required" });
    assert.equal((await post({ "anthropic-version": "2023-06-01" })).status, 401);
  });
});
