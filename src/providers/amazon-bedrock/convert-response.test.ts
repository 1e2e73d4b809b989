// Converse answer → OpenAI chat completion; stop reasons; usage with cache counters.
// Run: node --import tsx --test src/providers/amazon-bedrock/convert-response.test.ts
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import { fromConverse } from "./convert-response.js";
import { mapFinishReason } from "./map-finish-reason.js";

const usage = { inputTokens: 10, outputTokens: 4, totalTokens: 14 };
const answer = (content: unknown[], stopReason = "end_turn", u: unknown = usage) => ({ output: { message: { role: "assistant", content } }, stopReason, usage: u, metrics: { latencyMs: 1 } });

describe("fromConverse", () => {
  test("text answer", () => {
    const c = fromConverse(answer([{ text: "Hello" }, { text: " there" }]), "amazon.nova-pro-v1:0", false);
    assert.match(c.id, /^chatcmpl-/);
    assert.equal(c.object, "chat.completion");
    assert.equal(c.model, "amazon.nova-pro-v1:0");
    assert.deepEqual(c.choices, [{ index: 0, message: { role: "assistant", content: "Hello there" }, finish_reason: "stop" }]);
    assert.deepEqual(c.usage, { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });
  });

  test("tool uses: content null, arguments as JSON strings, ids kept", () => {
    const c = fromConverse(
      answer(
        [
          { toolUse: { toolUseId: "tooluse_1", name: "a", input: { x: 1 } } },
          { toolUse: { toolUseId: "", name: "b", input: {} } },
        ],
        "tool_use",
      ),
      "m",
      false,
    );
    const msg = c.choices[0]?.message;
    assert.equal(msg?.content, null);
    assert.equal(c.choices[0]?.finish_reason, "tool_calls");
    assert.deepEqual(msg?.tool_calls?.[0], { id: "tooluse_1", type: "function", function: { name: "a", arguments: '{"x":1}' } });
    assert.match(msg?.tool_calls?.[1]?.id ?? "", /^call_/);
  });

  test("reasoning with signature and redacted reasoning come back as Databricks content", () => {
    const c = fromConverse(
      answer([{ reasoningContent: { reasoningText: { text: "hmm", signature: "s1" } } }, { reasoningContent: { redactedContent: "b3BhcXVl" } }, { text: "42" }]),
      "m",
      false,
    );
    assert.deepEqual(c.choices[0]?.message.content, [
      { type: "reasoning", summary: [{ type: "summary_text", text: "hmm", signature: "s1" }] },
      { type: "reasoning", summary: [{ type: "summary_encrypted_text", data: "b3BhcXVl" }] },
      { type: "text", text: "42" },
    ]);
  });

  test("the forced json_response call is the answer's text, finishing with stop", () => {
    const c = fromConverse(answer([{ toolUse: { toolUseId: "t", name: "json_response", input: { answer: "yes" } } }], "tool_use"), "m", true);
    assert.deepEqual(c.choices[0]?.message, { role: "assistant", content: '{"answer":"yes"}' });
    assert.equal(c.choices[0]?.finish_reason, "stop");
    // Not forced by the gateway: an ordinary tool call.
    assert.equal(fromConverse(answer([{ toolUse: { toolUseId: "t", name: "json_response", input: {} } }], "tool_use"), "m", false).choices[0]?.finish_reason, "tool_calls");
    // Cut by max tokens: stays length.
    assert.equal(fromConverse(answer([{ toolUse: { toolUseId: "t", name: "json_response", input: {} } }], "max_tokens"), "m", true).choices[0]?.finish_reason, "length");
  });

  test("usage: prompt counts cache reads and writes, cached = reads", () => {
    const c = fromConverse(answer([{ text: "x" }], "end_turn", { inputTokens: 5, outputTokens: 2, totalTokens: 67, cacheReadInputTokens: 40, cacheWriteInputTokens: 20 }), "m", false);
    assert.deepEqual(c.usage, { prompt_tokens: 65, completion_tokens: 2, total_tokens: 67, prompt_tokens_details: { cached_tokens: 40 } });
  });

  test("unknown blocks are skipped; a body without message or usage is an upstream fault", () => {
    assert.equal(fromConverse(answer([{ citationsContent: {} }, { text: "ok" }]), "m", false).choices[0]?.message.content, "ok");
    assert.throws(() => fromConverse({ output: {}, usage }, "m", false), (e) => e instanceof GatewayError && e.status === 502);
    assert.throws(() => fromConverse(answer([], "end_turn", null), "m", false), (e) => e instanceof GatewayError && e.status === 502);
  });
});

describe("mapFinishReason", () => {
  test("every documented stop reason, unknown → stop", () => {
    const cases: Array<[string | undefined, string]> = [
      ["end_turn", "stop"],
      ["stop_sequence", "stop"],
      ["max_tokens", "length"],
      ["model_context_window_exceeded", "length"],
      ["tool_use", "tool_calls"],
      ["content_filtered", "content_filter"],
      ["guardrail_intervened", "content_filter"],
      ["malformed_tool_use", "stop"],
      ["something_new", "stop"],
      ["__proto__", "stop"],
      [undefined, "stop"],
    ];
    for (const [raw, want] of cases) assert.equal(mapFinishReason(raw), want, String(raw));
  });
});
