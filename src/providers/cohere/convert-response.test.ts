// Cohere chat answers and embed answers → canonical shapes (pure functions).
// Run: node scripts/run-tests.mjs src/providers/cohere
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import { fromCohereChat } from "./convert-response.js";
import { fromCohereEmbed } from "./embed.js";
import { mapFinishReason } from "./map-finish-reason.js";

function fails(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof GatewayError && e.status === 502 && pattern.test(e.message));
}

describe("chat answer", () => {
  test("usage.tokens wins over billed_units; billed_units fills what tokens lacks", () => {
    const r = fromCohereChat(
      {
        id: "x",
        finish_reason: "COMPLETE",
        message: { role: "assistant", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
        usage: { billed_units: { input_tokens: 5, output_tokens: 9 }, tokens: { input_tokens: 180 } },
      },
      "m",
      [],
    );
    assert.equal(r.choices[0]?.message.content, "ab");
    assert.deepEqual(r.usage, { prompt_tokens: 180, completion_tokens: 9, total_tokens: 189 });
  });

  test("missing usage is zero; a tool call without id gets one; unknown content items are skipped", () => {
    const r = fromCohereChat(
      { finish_reason: "TOOL_CALL", message: { content: [{ type: "citation-ish" }], tool_calls: [{ type: "function", function: { name: "f" } }] } },
      "m",
      [],
    );
    assert.match(r.id, /^chatcmpl-/);
    assert.equal(r.choices[0]?.message.content, null);
    assert.match(String(r.choices[0]?.message.tool_calls?.[0]?.id), /^call_/);
    assert.equal(r.choices[0]?.message.tool_calls?.[0]?.function?.arguments, "{}");
    assert.deepEqual(r.usage, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  test("no text and no tool calls is an empty string; a bare string content is read as text", () => {
    assert.equal(fromCohereChat({ message: {} }, "m", []).choices[0]?.message.content, "");
    assert.equal(fromCohereChat({ message: { content: "plain" } }, "m", []).choices[0]?.message.content, "plain");
  });

  test("a body without message, or a failed generation, is a 502", () => {
    fails(() => fromCohereChat({ id: "x" }, "m", []), /unexpected response/);
    fails(() => fromCohereChat({ finish_reason: "ERROR", message: {} }, "m", []), /generation failed/);
  });

  test("finish mapping", () => {
    const pairs: Array<[string | undefined, string]> = [
      ["COMPLETE", "stop"],
      ["STOP_SEQUENCE", "stop"],
      ["MAX_TOKENS", "length"],
      ["TIMEOUT", "length"],
      ["ERROR_LIMIT", "length"],
      ["TOOL_CALL", "tool_calls"],
      ["ERROR_TOXIC", "content_filter"],
      ["NEW_VALUE", "stop"],
      [undefined, "stop"],
    ];
    for (const [from, to] of pairs) assert.equal(mapFinishReason(from), to, String(from));
  });
});

describe("embed answer", () => {
  test("vectors in order; usage from tokens, else billed_units", () => {
    const r = fromCohereEmbed({ embeddings: { float: [[0.1], [0.2]] }, meta: { billed_units: { input_tokens: 3 } } }, "embed-v4.0", 2);
    assert.deepEqual(r, {
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.1] },
        { object: "embedding", index: 1, embedding: [0.2] },
      ],
      model: "embed-v4.0",
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    assert.equal(fromCohereEmbed({ embeddings: { float: [[1]] }, meta: { tokens: { input_tokens: 4 }, billed_units: { input_tokens: 3 } } }, "e", 1).usage?.prompt_tokens, 4);
  });

  test("a count mismatch or a missing float list is a 502", () => {
    fails(() => fromCohereEmbed({ embeddings: { float: [[1]] } }, "e", 2), /unexpected embeddings/);
    fails(() => fromCohereEmbed({ embeddings: { int8: [[1]] } }, "e", 1), /unexpected embeddings/);
  });
});
