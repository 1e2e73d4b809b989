/** The Responses ingress's decoder and stream encoder, without a server. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChatChunk } from "../../../gateway/types.js";
import { parseBody } from "../parse.js";
import { responsesRequestSchema } from "./api.js";
import { toCanonical } from "./decode.js";
import { newBase } from "./encode.js";
import { responsesEvents } from "./stream.js";

const decode = (body: unknown) => toCanonical(parseBody(responsesRequestSchema, body), "openai-responses");

describe("Responses request → canonical", () => {
  it("merges a run of reasoning, message and function_call items into one assistant message", () => {
    const req = decode({
      model: "ep",
      instructions: "Sys",
      input: [
        { role: "user", content: [{ type: "input_text", text: "Hi" }] },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "hmm" }], encrypted_content: "tsg1:sig" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Let me call." }] },
        { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "done" },
      ],
      max_output_tokens: 50,
      text: { format: { type: "json_object" } },
    });
    assert.deepEqual(req.messages, [
      { role: "system", content: "Sys" },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", summary: [{ type: "summary_text", text: "hmm", signature: "sig" }] },
          { type: "text", text: "Let me call." },
        ],
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "done" },
    ]);
    assert.equal(req.max_tokens, 50);
    assert.deepEqual(req["response_format"], { type: "json_object" });
    assert.deepEqual(req.usage_context, { ingress: "openai-responses" });
  });

  it("refuses what a stateless gateway cannot do, by name", () => {
    assert.throws(() => decode({ model: "ep", input: "Hi", previous_response_id: "resp_1" }), /previous_response_id/);
    assert.throws(() => decode({ model: "ep", input: [{ type: "item_reference", id: "x" }] }), /input\[0\]\.type.*item_reference/);
    assert.throws(() => decode({ model: "ep", input: "Hi", tools: [{ type: "file_search" }] }), /tools\[0\]\.type.*file_search/);
  });
});

function chunk(delta: ChatChunk["choices"][number]["delta"], finish: string | null = null): ChatChunk {
  return { id: "c1", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] };
}

describe("canonical stream → Responses events", () => {
  it("numbers every event and closes each item before the next", async () => {
    async function* src(): AsyncGenerator<ChatChunk> {
      yield chunk({ content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "hmm" }] }] });
      yield chunk({ content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "", signature: "s" }] }] });
      yield chunk({ content: "Hi" });
      yield chunk({ tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] }, "tool_calls");
    }
    const req = parseBody(responsesRequestSchema, { model: "ep", input: "x" });
    const events = [];
    for await (const e of responsesEvents(src(), newBase(req), () => ({ code: "x", message: "x" }))) events.push(e);
    assert.deepEqual(events.map((e) => e["sequence_number"]), events.map((_, i) => i));
    assert.deepEqual(events.map((e) => e["type"]), [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const done = events.at(-1)?.["response"] as { output: Array<Record<string, unknown>> };
    assert.equal(done.output[0]?.["encrypted_content"], "tsg1:s");
    assert.deepEqual(done.output.map((o) => o["type"]), ["reasoning", "message", "function_call"]);
  });
});
