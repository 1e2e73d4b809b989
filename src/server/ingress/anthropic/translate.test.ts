/** The Anthropic ingress's decoder and stream encoder, without a server. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChatChunk } from "../../../gateway/types.js";
import { parseBody, Untranslatable } from "../parse.js";
import { messagesRequestSchema } from "./api.js";
import { toCanonical } from "./decode.js";
import { anthropicEvents } from "./stream.js";

function decode(body: unknown) {
  const u = new Untranslatable();
  return { req: toCanonical(parseBody(messagesRequestSchema, body), "anthropic-messages", u), u };
}

describe("Anthropic request → canonical", () => {
  it("keeps system blocks and cache marks, puts tool results first, says which ingress", () => {
    const { req, u } = decode({
      model: "ep",
      max_tokens: 100,
      system: [{ type: "text", text: "Sys", cache_control: { type: "ephemeral" } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      tools: [{ name: "f", input_schema: { type: "object" } }],
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "s1" }, { type: "redacted_thinking", data: "enc" }, { type: "tool_use", id: "t1", name: "f", input: { a: 1 } }] },
        { role: "user", content: [{ type: "text", text: "and" }, { type: "tool_result", tool_use_id: "t1", content: "r", is_error: true }] },
      ],
      stop_sequences: ["END"],
      metadata: { user_id: "u1" },
      cache_control: { type: "ephemeral" },
    });
    assert.equal(u.first, undefined);
    assert.deepEqual(req.messages[0], { role: "system", content: [{ type: "text", text: "Sys", cache_control: { type: "ephemeral" } }] });
    assert.deepEqual(req.messages[2], {
      role: "assistant",
      content: [
        { type: "reasoning", summary: [{ type: "summary_text", text: "hmm", signature: "s1" }] },
        { type: "reasoning", summary: [{ type: "summary_encrypted_text", data: "enc" }] },
      ],
      tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
    });
    assert.deepEqual(req.messages[3], { role: "tool", tool_call_id: "t1", content: "r", is_error: true });
    assert.deepEqual(req.messages[4], { role: "user", content: [{ type: "text", text: "and" }], cache_control: { type: "ephemeral" } });
    assert.equal(req["tool_choice"], "required");
    assert.equal(req["parallel_tool_calls"], false);
    assert.deepEqual(req.stop, ["END"]);
    assert.equal(req["user"], "u1");
    assert.deepEqual(req.usage_context, { ingress: "anthropic-messages" });
  });

  it("notes what it cannot carry instead of dropping it silently", () => {
    const { u } = decode({ model: "ep", max_tokens: 10, container: "c1", messages: [{ role: "user", content: "Hi" }] });
    assert.match(String(u.first?.message), /'container'/);
    assert.throws(() => decode({ model: "ep", max_tokens: 10, messages: [{ role: "user", content: [{ type: "image", source: { type: "file" } }] }] }), /messages\[0\]\.content\[0\]\.source/);
  });
});

function chunk(delta: ChatChunk["choices"][number]["delta"], finish: string | null = null): ChatChunk {
  return { id: "c1", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] };
}

async function* from(chunks: ChatChunk[]): AsyncGenerator<ChatChunk> {
  yield* chunks;
}

describe("canonical stream → Anthropic events", () => {
  it("opens one block per kind, signs thinking, numbers tool blocks after text, ends with cumulative usage", async () => {
    const chunks = [
      chunk({ role: "assistant", content: "" }),
      chunk({ content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "think" }] }] }),
      chunk({ content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "", signature: "sig" }] }] }),
      chunk({ content: "Hi" }),
      chunk({ tool_calls: [{ index: 0, id: "t1", type: "function", function: { name: "f", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
      chunk({}, "tool_calls"),
      { id: "c1", object: "chat.completion.chunk" as const, created: 0, model: "m", choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 } } },
    ];
    const events = [];
    for await (const e of anthropicEvents(from(chunks), { model: "ep", inputEstimate: 9 })) events.push(e);
    const compact = events.map((e) => {
      const d = e["delta"] as Record<string, unknown> | undefined;
      const b = e["content_block"] as Record<string, unknown> | undefined;
      return [e["type"], e["index"] ?? "", d?.["type"] ?? b?.["type"] ?? ""].join(":");
    });
    assert.deepEqual(compact, [
      "message_start::",
      "ping::",
      "content_block_start:0:thinking",
      "content_block_delta:0:thinking_delta",
      "content_block_delta:0:signature_delta",
      "content_block_stop:0:",
      "content_block_start:1:text",
      "content_block_delta:1:text_delta",
      "content_block_stop:1:",
      "content_block_start:2:tool_use",
      "content_block_delta:2:input_json_delta",
      "content_block_delta:2:input_json_delta",
      "content_block_stop:2:",
      "message_delta::",
      "message_stop::",
    ]);
    assert.deepEqual(events.at(-2), { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { input_tokens: 6, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 4 } });
    assert.equal((events[0]?.["message"] as { usage: { input_tokens: number } }).usage.input_tokens, 9);
  });
});
