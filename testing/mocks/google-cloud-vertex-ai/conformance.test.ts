// The Vertex AI conformance fixture: its endpoint config drives the adapter against its
// mock, and its view reads the recorded Gemini requests back in neutral terms.
// Run: node --import tsx --test testing/mocks/google-cloud-vertex-ai/conformance.test.ts
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ChatRequest, JsonObject, Task } from "../../../src/gateway/types.js";
import { googleCloudVertexAiProvider as def } from "../../../src/providers/google-cloud-vertex-ai/index.js";
import type { ModelProvider } from "../../../src/providers/provider.js";
import { configOf, ctx, drain } from "../../provider-test-helpers.js";
import type { MockServer } from "../mock-server.js";
import { vertexFixtures } from "./conformance.js";

const fixture = vertexFixtures[0];
assert.ok(fixture);
let mock: MockServer;

/** What the gateway does with an external_model: plaintext credentials split off, the rest parsed. */
function providerFor(task: Task): Required<Omit<ModelProvider, "close">> {
  const em = fixture?.externalModel(mock.url, task) as JsonObject;
  const block = { ...(em["google_cloud_vertex_ai_config"] as JsonObject) };
  const key = String(block["private_key_plaintext"]);
  delete block["private_key_plaintext"];
  const config = configOf(def.parseConfig(block, (f) => f === "private_key"));
  const p = def.create({ model: String(em["name"]), task, config, credentials: new Map([["private_key", key]]) });
  assert.ok(p.chat && p.chatStream && p.complete && p.completeStream && p.embed);
  return p as Required<Omit<ModelProvider, "close">>;
}

const PNG = "iVBORw0KGgo=";

before(async () => {
  mock = (await fixture?.startMock()) as MockServer;
});
after(() => mock.close());

describe("vertexFixtures", () => {
  test("declares its capabilities (no per-block caching)", () => {
    assert.equal(fixture?.label, "google-cloud-vertex-ai");
    assert.deepEqual([...(fixture?.capabilities ?? [])].sort(), ["cached-usage", "completions", "embeddings", "json-schema", "parallel-tools", "reasoning", "signed-reasoning", "tools", "vision"]);
  });

  test("the view reads a full request back", async () => {
    mock.reset();
    const req: ChatRequest = {
      max_tokens: 64,
      temperature: 0.4,
      response_format: { type: "json_schema", json_schema: { name: "r", schema: { type: "object" } } },
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: [{ type: "text", text: "Look at this", cache_control: { type: "ephemeral" } }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
        {
          role: "assistant",
          content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "hmm", signature: "s1" }] }, { type: "text", text: "Checking." }],
          tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "result text" },
      ],
    };
    await drain((await providerFor("llm/v1/chat").chatStream(req, ctx())));
    const calls = mock.requests.filter((r) => fixture?.isModelCall?.(r) ?? true);
    assert.equal(calls.length, 1);
    assert.ok(mock.requests.some((r) => !(fixture?.isModelCall?.(r) ?? true)), "the token fetch is recorded and set apart");
    const v = fixture?.view(calls[0] as (typeof calls)[number]);
    assert.ok(v);
    assert.equal(v.system(), "Be terse.");
    assert.deepEqual(v.turns(), [
      { role: "user", text: "Look at this" },
      { role: "assistant", text: "Checking." },
      { role: "tool", text: "result text" },
    ]);
    assert.deepEqual(v.toolNames(), ["lookup"]);
    assert.deepEqual(v.historyToolCalls(), [{ id: "lookup", name: "lookup", arguments: { q: "x" } }]);
    assert.deepEqual(v.toolResults(), [{ id: "lookup", text: "result text" }]);
    assert.deepEqual(v.images(), [{ mediaType: "image/png", data: PNG }]);
    assert.deepEqual(v.jsonSchema(), { type: "object" });
    assert.deepEqual(v.reasoning(), [{ text: "hmm", signature: "s1" }]);
    assert.equal(v.cacheMarks(), 0);
    assert.equal(v.maxTokens(), 64);
    assert.equal(v.temperature(), 0.4);
    assert.equal(v.streamed(), true);
  });

  test("the embeddings endpoint works", async () => {
    const r = await providerFor("llm/v1/embeddings").embed({ input: "hello" }, ctx());
    assert.equal(r?.data.length, 1);
  });
});
