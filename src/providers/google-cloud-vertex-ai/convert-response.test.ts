// Vertex AI GenerateContentResponse → OpenAI chat completion, finish reasons, and Google's
// error bodies (function level).
// Run: node --import tsx --test src/providers/google-cloud-vertex-ai/convert-response.test.ts
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { upstreamError } from "../common/http.js";
import { readGenerateContentResponse } from "./api.js";
import { convertResponse } from "./convert-response.js";
import { vertexErrors, retryDelaySeconds } from "./errors.js";
import { mapFinishReason } from "./map-finish-reason.js";
import { decodeToolCallId } from "./tool-call-id.js";

const convert = (o: Record<string, unknown>, n = 1) => convertResponse(readGenerateContentResponse(o), "gemini-2.5-flash", n);

describe("convertResponse", () => {
  test("text with usage; cached reported as 0 when absent", () => {
    const c = convert({
      candidates: [{ content: { role: "model", parts: [{ text: "Hel" }, { text: "lo" }] }, finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 },
    });
    assert.equal(c.object, "chat.completion");
    assert.equal(c.model, "gemini-2.5-flash");
    assert.deepEqual(c.choices, [{ index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }]);
    assert.deepEqual(c.usage, { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test("thoughts count as completion and reasoning tokens; cached tokens are reported", () => {
    const c = convert({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Thinking…", thought: true, thoughtSignature: "c2ln" },
              { text: "42", thoughtSignature: "dHh0" },
            ],
          },
          finishReason: "STOP",
        },
      ],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 5, thoughtsTokenCount: 30, cachedContentTokenCount: 64 },
    });
    assert.deepEqual(c.choices[0]?.message.content, [
      { type: "reasoning", summary: [{ type: "summary_text", text: "Thinking…", signature: "c2ln" }] },
      { type: "reasoning", summary: [{ type: "summary_text", text: "", signature: "dHh0" }] },
      { type: "text", text: "42" },
    ]);
    assert.deepEqual(c.usage, {
      prompt_tokens: 100,
      completion_tokens: 35,
      total_tokens: 135,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
  });

  test("function calls: tool_calls with generated ids (the signature carried in the id), content null, finish tool_calls", () => {
    const c = convert({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "ZmMtc2ln" },
              { functionCall: { name: "get_time", args: {} } },
            ],
          },
          finishReason: "STOP",
        },
      ],
    });
    const choice = c.choices[0];
    assert.equal(choice?.finish_reason, "tool_calls");
    assert.equal(choice?.message.content, null);
    const calls = choice?.message.tool_calls ?? [];
    assert.deepEqual(
      calls.map((t) => [t.function?.name, t.function?.arguments]),
      [
        ["get_weather", '{"city":"Paris"}'],
        ["get_time", "{}"],
      ],
    );
    const first = decodeToolCallId(calls[0]?.id ?? "");
    assert.match(first.base, /^call_[0-9a-f]{24}$/);
    assert.equal(first.signature, "ZmMtc2ln");
    assert.match(calls[1]?.id ?? "", /^call_[0-9a-f]{24}$/);
    assert.notEqual(first.base, calls[1]?.id);
  });

  test("a function call id Gemini gives is kept", () => {
    const c = convert({ candidates: [{ content: { parts: [{ functionCall: { id: "gem-1", name: "f", args: {} } }] }, finishReason: "STOP" }] });
    assert.equal(c.choices[0]?.message.tool_calls?.[0]?.id, "gem-1");
  });

  test("several candidates are choices by index (the first has no index on the wire)", () => {
    const c = convert(
      {
        candidates: [
          { content: { parts: [{ text: "a" }] }, finishReason: "STOP" },
          { content: { parts: [{ text: "b" }] }, finishReason: "MAX_TOKENS", index: 1 },
        ],
      },
      2,
    );
    assert.deepEqual(
      c.choices.map((ch) => [ch.index, ch.message.content, ch.finish_reason]),
      [
        [0, "a", "stop"],
        [1, "b", "length"],
      ],
    );
  });

  test("a blocked prompt is content_filter with empty content, one choice per candidate asked for", () => {
    const c = convert({ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 } }, 2);
    assert.deepEqual(
      c.choices.map((ch) => [ch.index, ch.message.content, ch.finish_reason]),
      [
        [0, "", "content_filter"],
        [1, "", "content_filter"],
      ],
    );
    assert.equal(c.usage?.prompt_tokens, 8);
  });

  test("a candidate with a functionCall lacking a name is an upstream fault", () => {
    assert.throws(
      () => convert({ candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] }),
      (e: unknown) => e instanceof GatewayError && e.status === 502,
    );
  });
});

describe("mapFinishReason", () => {
  test("Gemini's values in OpenAI terms; unknown → stop", () => {
    const cases: Array<[string | undefined, boolean, string]> = [
      ["STOP", false, "stop"],
      ["STOP", true, "tool_calls"],
      ["MAX_TOKENS", true, "length"],
      ["SAFETY", false, "content_filter"],
      ["RECITATION", false, "content_filter"],
      ["BLOCKLIST", false, "content_filter"],
      ["PROHIBITED_CONTENT", false, "content_filter"],
      ["SPII", false, "content_filter"],
      ["IMAGE_SAFETY", false, "content_filter"],
      ["MALFORMED_FUNCTION_CALL", false, "stop"],
      ["OTHER", false, "stop"],
      ["SOMETHING_NEW", false, "stop"],
      [undefined, false, "stop"],
    ];
    for (const [raw, calls, want] of cases) assert.equal(mapFinishReason(raw, calls), want, String(raw));
  });
});

describe("Vertex error replies", () => {
  const body = {
    error: {
      code: 429,
      message: "Resource exhausted. Please try again later.",
      status: "RESOURCE_EXHAUSTED",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "30s" }],
    },
  };

  test("status and message kept, Retry-After from RetryInfo, code from status", () => {
    const e = upstreamError("Vertex AI", { status: 429, body, headers: {} }, vertexErrors);
    assert.equal(e.status, 429);
    assert.equal(e.kind, ERROR_KINDS.RATE_LIMITED);
    assert.equal(e.retryAfter, "30");
    assert.equal(e.openaiCode, "RESOURCE_EXHAUSTED");
    assert.match(e.message, /Resource exhausted\. Please try again later\./);
  });

  test("the list form of the stream endpoint is read the same; a Retry-After header is the fallback", () => {
    const e = upstreamError("Vertex AI", { status: 503, body: [{ error: { code: 503, message: "Overloaded", status: "UNAVAILABLE" } }], headers: { "retry-after": "7" } }, vertexErrors);
    assert.equal(e.status, 503);
    assert.equal(e.retryAfter, "7");
    assert.match(e.message, /Overloaded/);
  });

  test("retry delays are whole seconds rounded up", () => {
    assert.equal(retryDelaySeconds("30s"), "30");
    assert.equal(retryDelaySeconds("1.2s"), "2");
    assert.equal(retryDelaySeconds("soon"), undefined);
  });
});
