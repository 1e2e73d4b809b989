/**
 * The playground's Export JSON document and reply texts, without a browser: endpoints,
 * parameters as sent, every message with its metrics and error, tool arguments parsed
 * when they are JSON, a file name that works on every OS.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addColumn, newConversation, sendPrompt, updateReply } from "../../src/ui/pages/playground/conversation.js";
import { EXPORT_FORMAT, exportFileName, toExport } from "../../src/ui/pages/playground/exportFormat.js";
import { columnLetter, prettyArguments, tokensText } from "../../src/ui/pages/playground/view.js";

describe("playground: export", () => {
  it("writes endpoints, parameters, messages and metrics per reply", () => {
    const img = { name: "a.png", mediaType: "image/png", dataUrl: "data:image/png;base64,AA==", bytes: 1 };
    const start = { ...addColumn(newConversation("alpha"), "beta"), system: "Be brief.", params: { temperature: "0.2", maxTokens: "", topP: "", stop: "END", tools: "" } };
    const { conversation, replies } = sendPrompt(start, "Hi", [img], Date.UTC(2026, 0, 2, 3, 4, 5));
    const [ra, rb] = replies;
    assert.ok(ra && rb);
    let c = updateReply(conversation, ra.columnId, ra.replyId, {
      status: "done",
      text: "Hello",
      reasoning: "Thinking.",
      finishReason: "tool_calls",
      toolCalls: [{ id: "t1", name: "f", arguments: '{"x":1}' }, { id: "t2", name: "g", arguments: '{"cut' }],
      metrics: { latencyMs: 812.6, ttftMs: 95.2, promptTokens: 11, completionTokens: 7, servedModel: "gpt-a" },
    });
    c = updateReply(c, rb.columnId, rb.replyId, { status: "error", error: { status: 429, code: "REQUEST_LIMIT_EXCEEDED", message: "Slow down" }, metrics: { latencyMs: 20 } });
    const doc = toExport(c, Date.UTC(2026, 0, 2, 3, 5, 0));
    assert.equal(doc.format, EXPORT_FORMAT);
    assert.equal(doc.exported_at, "2026-01-02T03:05:00.000Z");
    assert.equal(doc.system_prompt, "Be brief.");
    assert.deepEqual(doc.parameters, { temperature: 0.2, stop: ["END"] });
    assert.deepEqual(doc.columns.map((x) => x.endpoint), ["alpha", "beta"]);
    const [user, reply] = doc.columns[0]?.messages ?? [];
    assert.deepEqual(user, {
      role: "user",
      content: "Hi",
      images: [{ name: "a.png", media_type: "image/png", bytes: 1, data_url: "data:image/png;base64,AA==" }],
      created_at: "2026-01-02T03:04:05.000Z",
    });
    assert.deepEqual(reply, {
      role: "assistant",
      endpoint: "alpha",
      content: "Hello",
      reasoning: "Thinking.",
      tool_calls: [
        { id: "t1", name: "f", arguments: { x: 1 } },
        { id: "t2", name: "g", arguments: '{"cut' },
      ],
      finish_reason: "tool_calls",
      status: "done",
      metrics: { latency_ms: 813, ttft_ms: 95, prompt_tokens: 11, completion_tokens: 7, served_model: "gpt-a" },
      created_at: "2026-01-02T03:04:05.000Z",
    });
    const failed = doc.columns[1]?.messages[1];
    assert.deepEqual(failed?.error, { status: 429, code: "REQUEST_LIMIT_EXCEEDED", message: "Slow down" });
    assert.deepEqual(failed?.metrics, { latency_ms: 20, ttft_ms: null, prompt_tokens: null, completion_tokens: null, served_model: null });
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(doc)));
  });

  it("names the file with the time, without colons", () => {
    assert.equal(exportFileName(Date.UTC(2026, 4, 4, 10, 21, 33)), "playground-2026-05-04T10-21-33.json");
  });
});

describe("playground: reply texts", () => {
  it("pretty-prints tool arguments when they are JSON", () => {
    assert.equal(prettyArguments('{"city":"Paris"}'), '{\n  "city": "Paris"\n}');
    assert.equal(prettyArguments('{"city":"Pa'), '{"city":"Pa', "mid-stream: as sent");
    assert.equal(prettyArguments(""), "{}");
  });

  it("shows tokens in and out, and column letters", () => {
    assert.equal(tokensText({}), "—");
    assert.equal(tokensText({ promptTokens: 1200, completionTokens: 7 }), "1,200 in · 7 out");
    assert.equal(tokensText({ completionTokens: 7 }), "? in · 7 out");
    assert.deepEqual([0, 1, 2].map(columnLetter), ["A", "B", "C"]);
  });
});
