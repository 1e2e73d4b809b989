// Anthropic message → OpenAI chat completion; stop reasons; usage; the error reader.
// Run: node scripts/run-tests.mjs src/providers/anthropic/convert-response
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import { upstreamError } from "../common/http.js";
import { toChatCompletion, usageFromAnthropic } from "./convert-response.js";
import { anthropicErrors, statusOfErrorType } from "./errors.js";
import { mapFinishReason } from "./map-finish-reason.js";

const usage = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

describe("toChatCompletion", () => {
  test("text: id and model from the reply, finish, usage with cached_tokens 0", () => {
    const c = toChatCompletion({ id: "msg_1", type: "message", role: "assistant", model: "claude-x-1", content: [{ type: "text", text: "Hello" }, { type: "text", text: " there" }], stop_reason: "end_turn", usage }, "fallback");
    assert.equal(c.id, "msg_1");
    assert.equal(c.object, "chat.completion");
    assert.equal(c.model, "claude-x-1");
    assert.equal(typeof c.created, "number");
    assert.deepEqual(c.choices, [{ index: 0, message: { role: "assistant", content: "Hello there" }, finish_reason: "stop" }]);
    assert.deepEqual(c.usage, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test("tool calls only: content null, arguments as JSON strings, finish tool_calls", () => {
    const c = toChatCompletion(
      {
        model: "m",
        content: [
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
        ],
        stop_reason: "tool_use",
        usage,
      },
      "m",
    );
    const msg = c.choices[0]?.message;
    assert.equal(msg?.content, null);
    assert.deepEqual(msg?.tool_calls, [
      { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "toolu_2", type: "function", function: { name: "get_time", arguments: "{}" } },
    ]);
    assert.equal(c.choices[0]?.finish_reason, "tool_calls");
    assert.match(c.id, /^chatcmpl-/);
  });

  test("thinking and redacted thinking: content becomes the reasoning list, then the text; thinking tokens reported", () => {
    const c = toChatCompletion(
      {
        model: "m",
        content: [
          { type: "thinking", thinking: "Let me see.", signature: "sig-1" },
          { type: "redacted_thinking", data: "ENC==" },
          { type: "text", text: "42" },
          { type: "server_tool_use", id: "srv", name: "web_search", input: {} },
        ],
        stop_reason: "end_turn",
        usage: { ...usage, output_tokens_details: { thinking_tokens: 3 } },
      },
      "m",
    );
    assert.deepEqual(c.choices[0]?.message.content, [
      { type: "reasoning", summary: [{ type: "summary_text", text: "Let me see.", signature: "sig-1" }] },
      { type: "reasoning", summary: [{ type: "summary_encrypted_text", data: "ENC==" }] },
      { type: "text", text: "42" },
    ]);
    assert.equal(c.choices[0]?.message.tool_calls, undefined);
    assert.deepEqual(c.usage?.completion_tokens_details, { reasoning_tokens: 3 });
  });

  test("an empty answer has content \"\"; a body that is not a message is a 502", () => {
    assert.equal(toChatCompletion({ content: [], stop_reason: "max_tokens", usage }, "m").choices[0]?.message.content, "");
    assert.throws(
      () => toChatCompletion({ type: "something" }, "m"),
      (e: unknown) => e instanceof GatewayError && e.status === 502,
    );
  });
});

describe("usage", () => {
  test("prompt = input + cache reads + cache writes; cached = cache reads; completion = output", () => {
    assert.deepEqual(usageFromAnthropic({ input_tokens: 10, cache_read_input_tokens: 60, cache_creation_input_tokens: 30, output_tokens: 9 }), {
      prompt_tokens: 100,
      completion_tokens: 9,
      total_tokens: 109,
      prompt_tokens_details: { cached_tokens: 60 },
    });
    assert.deepEqual(usageFromAnthropic({}), { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0 } });
  });
});

describe("mapFinishReason", () => {
  test("every Anthropic stop reason; unknown and absent ones are stop", () => {
    const table: Array<[string | null | undefined, string]> = [
      ["end_turn", "stop"],
      ["stop_sequence", "stop"],
      ["pause_turn", "stop"],
      ["max_tokens", "length"],
      ["model_context_window_exceeded", "length"],
      ["tool_use", "tool_calls"],
      ["refusal", "content_filter"],
      ["brand_new_reason", "stop"],
      ["toString", "stop"],
      [null, "stop"],
      [undefined, "stop"],
    ];
    for (const [given, want] of table) assert.equal(mapFinishReason(given), want, String(given));
  });
});

describe("errors", () => {
  test("in-stream error types → the status Anthropic uses for them (overloaded → 503)", () => {
    const table: Array<[string | undefined, number]> = [
      ["overloaded_error", 503],
      ["rate_limit_error", 429],
      ["api_error", 500],
      ["invalid_request_error", 400],
      ["authentication_error", 401],
      ["permission_error", 403],
      ["not_found_error", 404],
      ["request_too_large", 413],
      ["timeout_error", 504],
      ["something_new", 500],
      [undefined, 500],
    ];
    for (const [type, status] of table) assert.equal(statusOfErrorType(type), status, String(type));
  });

  test("529 is a 503; the message, retry-after and error type (as the code) are kept", () => {
    const body = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    const e = upstreamError("anthropic", { status: 529, body, headers: { "retry-after": "3" } }, anthropicErrors);
    assert.equal(e.status, 503);
    assert.equal(e.retryAfter, "3");
    assert.equal(e.openaiCode, "overloaded_error");
    assert.equal(e.message, "Received error from anthropic (HTTP 529): Overloaded");
    const bad = upstreamError("anthropic", { status: 400, body: { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } }, headers: {} }, anthropicErrors);
    assert.equal(bad.status, 400);
    assert.match(bad.message, /max_tokens: Field required/);
  });
});
