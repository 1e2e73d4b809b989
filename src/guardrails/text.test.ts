import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject } from "../gateway/types.js";
import { findPii } from "./pii.js";
import { maskPieces, requestSlots, responseSlots, slotText, streamSlots, writeMasks } from "./text.js";

describe("guardrail text slots", () => {
  it("reads every message's content, text parts and tool-call arguments of a chat request", () => {
    const body = {
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: [{ type: "text", text: "part one" }, { type: "image_url", image_url: { url: "http://x" } }, { type: "text", text: "part two" }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"to":"a@b.co"}' } }] },
        { role: "tool", tool_call_id: "c1", content: "tool result" },
      ],
    };
    const slots = requestSlots("llm/v1/chat", body);
    assert.deepEqual(
      slots.map((s) => [s.kind, s.role, s.message, slotText(s)]),
      [
        ["text", "system", 0, "sys"],
        ["text", "user", 1, "part one"],
        ["text", "user", 1, "part two"],
        ["tool_args", undefined, undefined, '{"to":"a@b.co"}'],
        ["text", "tool", 3, "tool result"],
      ],
    );
  });
  it("reads prompts and embedding inputs", () => {
    assert.deepEqual(requestSlots("llm/v1/completions", { prompt: ["a", "b"] }).map(slotText), ["a", "b"]);
    assert.deepEqual(requestSlots("llm/v1/completions", { prompt: "p" }).map(slotText), ["p"]);
    assert.deepEqual(requestSlots("llm/v1/embeddings", { input: [1, 2, 3] }), []);
    assert.deepEqual(requestSlots("llm/v1/embeddings", { input: ["x", "y"] }).map(slotText), ["x", "y"]);
  });
  it("reads a response's content, reasoning and tool calls", () => {
    const response = {
      choices: [
        { index: 0, message: { role: "assistant", content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "think" }] }, { type: "text", text: "answer" }] } },
        { index: 1, message: { role: "assistant", content: null, tool_calls: [{ function: { name: "f", arguments: "{}" } }] } },
      ],
    };
    assert.deepEqual(
      responseSlots(response).map((s) => [s.kind, slotText(s)]),
      [
        ["reasoning", "think"],
        ["text", "answer"],
        ["tool_args", "{}"],
      ],
    );
    assert.deepEqual(responseSlots({ choices: [{ index: 0, text: "done" }] }).map(slotText), ["done"]);
  });
  it("joins a stream's deltas per choice and per tool call", () => {
    const chunk = (choices: JsonObject[]) => ({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices });
    const chunks = [
      chunk([{ index: 0, delta: { role: "assistant", content: "" } }]),
      chunk([{ index: 0, delta: { content: "mail ja" } }, { index: 1, delta: { content: "other" } }]),
      chunk([{ index: 0, delta: { content: "ne@exam" } }]),
      chunk([{ index: 0, delta: { content: "ple.com ok" } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: "1}" } }] } }]),
    ];
    const slots = streamSlots(chunks);
    assert.deepEqual(
      slots.map((s) => [s.kind, slotText(s), s.pieces.length]),
      [
        ["text", "mail jane@example.com ok", 4],
        ["text", "other", 1],
        ["tool_args", '{"a":1}', 2],
      ],
    );
    const first = slots[0];
    assert.ok(first);
    const [masked] = [writeMasks(chunks, [{ slot: first, spans: findPii(slotText(first)) }])];
    const texts = masked.map((c) => (c.choices[0] as { delta: { content?: string } }).delta.content);
    assert.deepEqual(texts.slice(0, 4), ["", "mail [EMAIL]", "", " ok"]);
    assert.equal(masked[4], chunks[4], "chunks without changes are passed as they are");
    assert.equal((chunks[2]?.choices[0] as { delta: { content: string } }).delta.content, "ne@exam", "the original chunks are not modified");
  });
});

describe("maskPieces", () => {
  it("puts the placeholder where the value starts and drops the rest of it", () => {
    const pieces = ["call 202-5", "55-01", "43 now, mail a@b.co"];
    const spans = findPii(pieces.join(""));
    assert.deepEqual(maskPieces(pieces, spans), ["call [PHONE]", "", " now, mail [EMAIL]"]);
  });
  it("handles empty pieces and values that fill a piece exactly", () => {
    const pieces = ["", "a@b.co", "", " x"];
    assert.deepEqual(maskPieces(pieces, findPii(pieces.join(""))), ["", "[EMAIL]", "", " x"]);
  });
  it("writes masks into a copy of a request body", () => {
    const body = { messages: [{ role: "user", content: "mail a@b.co" }], temperature: 0 };
    const slots = requestSlots("llm/v1/chat", body);
    const [out] = writeMasks([body], slots.map((slot) => ({ slot, spans: findPii(slotText(slot)) })));
    assert.deepEqual(out, { messages: [{ role: "user", content: "mail [EMAIL]" }], temperature: 0 });
    assert.equal(body.messages[0]?.content, "mail a@b.co");
  });
});
