// The Bedrock fixtures: their endpoint configs parse, and the view reads back what the
// adapter sent (system, turns, tools, results, images, schema, reasoning, cache marks).
// Run: node --import tsx --test testing/mocks/amazon-bedrock/conformance.test.ts
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { amazonBedrockProvider } from "../../../src/providers/amazon-bedrock/index.js";
import type { ChatRequest, JsonObject } from "../../../src/gateway/types.js";
import { ctx } from "../../provider-test-helpers.js";
import type { MockServer } from "../mock-server.js";
import { amazonBedrockFixtures } from "./index.js";

const PNG = "iVBORw0KGgo=";
const [anthropic, amazon] = amazonBedrockFixtures;
let mock: MockServer;

function chatProvider(fx: typeof anthropic) {
  assert.ok(fx);
  const em = fx.externalModel(mock.url, "llm/v1/chat") as { name: string; amazon_bedrock_config: JsonObject };
  const { aws_access_key_id_plaintext: id, aws_secret_access_key_plaintext: secret, ...rest } = em.amazon_bedrock_config;
  const parsed = amazonBedrockProvider.parseConfig(rest, () => true);
  assert.ok("config" in parsed);
  const p = amazonBedrockProvider.create({
    model: em.name,
    task: "llm/v1/chat",
    config: parsed.config,
    credentials: new Map([
      ["aws_access_key_id", String(id)],
      ["aws_secret_access_key", String(secret)],
    ]),
  });
  assert.ok(p.chat);
  return p.chat.bind(p);
}

before(async () => {
  assert.ok(anthropic);
  mock = await anthropic.startMock();
});
after(async () => {
  await mock.close();
});

describe("amazonBedrockFixtures", () => {
  test("labels and capabilities", () => {
    assert.deepEqual(
      amazonBedrockFixtures.map((f) => f.label),
      ["amazon-bedrock/anthropic", "amazon-bedrock/amazon"],
    );
    assert.ok(anthropic?.capabilities.has("caching") && !anthropic.capabilities.has("embeddings"));
    assert.ok(amazon?.capabilities.has("embeddings") && !amazon.capabilities.has("reasoning"));
    assert.equal((amazon?.externalModel("http://x", "llm/v1/embeddings") as JsonObject)["name"], "amazon.titan-embed-text-v2:0");
  });

  test("the view reads a Converse request back in neutral terms", async () => {
    const req: ChatRequest = {
      messages: [
        { role: "system", content: [{ type: "text", text: "Be exact.", cache_control: { type: "ephemeral" } }] },
        { role: "user", content: [{ type: "text", text: "Look:" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", summary: [{ type: "summary_text", text: "hmm", signature: "sig" }] },
            { type: "text", text: "Checking." },
          ],
          tool_calls: [{ id: "t1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }],
        },
        { role: "tool", tool_call_id: "t1", content: "found" },
        { role: "user", content: "And?" },
      ],
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } }, cache_control: { type: "ephemeral" } }],
      response_format: { type: "json_schema", json_schema: { name: "r", schema: { type: "object", properties: { a: { type: "string" } } } } },
      max_tokens: 300,
      temperature: 0.1,
    };
    await chatProvider(anthropic)(req, ctx());
    const v = anthropic?.view(mock.last());
    assert.ok(v);
    assert.equal(v.system(), "Be exact.");
    assert.deepEqual(v.turns(), [
      { role: "user", text: "Look:" },
      { role: "assistant", text: "Checking." },
      { role: "tool", text: "found" },
      { role: "user", text: "And?" },
    ]);
    assert.deepEqual(v.toolNames(), ["lookup"]);
    assert.deepEqual(v.historyToolCalls(), [{ id: "t1", name: "lookup", arguments: { q: "x" } }]);
    assert.deepEqual(v.toolResults(), [{ id: "t1", text: "found" }]);
    assert.deepEqual(v.images(), [{ mediaType: "image/png", data: PNG }]);
    assert.deepEqual(v.jsonSchema(), { type: "object", properties: { a: { type: "string" } } });
    assert.deepEqual(v.reasoning(), [{ text: "hmm", signature: "sig" }]);
    assert.equal(v.cacheMarks(), 2);
    assert.equal(v.maxTokens(), 300);
    assert.equal(v.temperature(), 0.1);
    assert.equal(v.streamed(), false);
  });
});
