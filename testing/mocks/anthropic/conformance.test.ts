// The conformance fixture reads back, in neutral terms, what the adapter sent: one rich
// request goes through the `anthropic` adapter to the fixture's own mock and config.
// Run: node scripts/run-tests.mjs testing/mocks/anthropic/conformance
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ChatRequest, JsonObject } from "../../../src/gateway/types.js";
import { anthropicProvider } from "../../../src/providers/anthropic/index.js";
import type { ModelProvider } from "../../../src/providers/provider.js";
import { configOf, ctx, drain, has } from "../../provider-test-helpers.js";
import type { MockServer } from "../mock-server.js";
import { anthropicFixtures } from "./conformance.js";

const fixture = anthropicFixtures[0];
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const SCHEMA = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };
const EPHEMERAL = { type: "ephemeral" };

let mock: MockServer;

function providerFor(task: "llm/v1/chat" | "llm/v1/completions"): ModelProvider {
  assert.ok(fixture);
  const em = fixture.externalModel(mock.url, task);
  assert.equal(em["provider"], anthropicProvider.name);
  const { anthropic_api_key_plaintext: key, ...rest } = em[anthropicProvider.configKey] as JsonObject;
  const config = configOf(anthropicProvider.parseConfig(rest, has("anthropic_api_key")));
  return anthropicProvider.create({ model: String(em["name"]), task, config, credentials: new Map([["anthropic_api_key", String(key)]]) });
}

before(async () => {
  assert.ok(fixture);
  mock = await fixture.startMock();
});
after(() => mock.close());

const RICH: ChatRequest = {
  max_tokens: 3000,
  temperature: 1,
  thinking: { type: "enabled", budget_tokens: 1024 },
  response_format: { type: "json_schema", json_schema: { name: "r", schema: SCHEMA } },
  tools: [
    { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } },
    { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } }, cache_control: EPHEMERAL },
  ],
  messages: [
    { role: "system", content: "Rule one." },
    { role: "system", content: [{ type: "text", text: "Rule two.", cache_control: EPHEMERAL }] },
    { role: "user", content: [{ type: "text", text: "Look:" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` }, cache_control: EPHEMERAL }] },
    {
      role: "assistant",
      content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "Two calls.", signature: "sig-1" }] }, { type: "text", text: "Checking." }],
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
      ],
    },
    { role: "tool", tool_call_id: "call_1", content: "18C" },
    { role: "tool", tool_call_id: "call_2", content: "noon" },
    { role: "user", content: "Thanks" },
  ],
};

describe("anthropic fixture", () => {
  test("declares everything but embeddings", () => {
    assert.ok(fixture);
    assert.equal(fixture.label, "anthropic");
    assert.deepEqual([...fixture.capabilities].sort(), ["cached-usage", "caching", "completions", "computer-use", "json-schema", "parallel-tools", "reasoning", "signed-reasoning", "tools", "vision"]);
  });

  test("the view reads a rich request back as it was sent", async () => {
    const p = providerFor("llm/v1/chat");
    assert.ok(p.chat && fixture);
    await p.chat(RICH, ctx());
    const v = fixture.view(mock.last());
    assert.equal(v.system(), "Rule one.\nRule two.");
    assert.deepEqual(v.turns(), [
      { role: "user", text: "Look:" },
      { role: "assistant", text: "Checking." },
      { role: "tool", text: "18C" },
      { role: "tool", text: "noon" },
      { role: "user", text: "Thanks" },
    ]);
    assert.deepEqual(v.toolNames(), ["get_weather", "get_time"]);
    assert.deepEqual(v.historyToolCalls(), [
      { id: "call_1", name: "get_weather", arguments: { city: "Paris" } },
      { id: "call_2", name: "get_time", arguments: {} },
    ]);
    assert.deepEqual(v.toolResults(), [
      { id: "call_1", text: "18C" },
      { id: "call_2", text: "noon" },
    ]);
    assert.deepEqual(v.images(), [{ mediaType: "image/png", data: PNG }]);
    assert.deepEqual(v.jsonSchema(), SCHEMA);
    assert.deepEqual(v.reasoning(), [{ text: "Two calls.", signature: "sig-1" }]);
    assert.equal(v.cacheMarks(), 3);
    assert.equal(v.maxTokens(), 3000);
    assert.equal(v.temperature(), 1);
    assert.equal(v.streamed(), false);
  });

  test("a streamed completion is seen as streamed, with the default max_tokens", async () => {
    const p = providerFor("llm/v1/completions");
    assert.ok(p.completeStream && fixture);
    mock.enqueue({ text: "done", usage: { prompt: 9, completion: 2, cached: 4 } });
    const chunks = await drain(await p.completeStream({ prompt: "Go" }, ctx()));
    const v = fixture.view(mock.last());
    assert.equal(v.streamed(), true);
    assert.equal(v.maxTokens(), 4096);
    assert.equal(v.system(), undefined);
    assert.deepEqual(v.turns(), [{ role: "user", text: "Go" }]);
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, prompt_tokens_details: { cached_tokens: 4 } });
  });
});
