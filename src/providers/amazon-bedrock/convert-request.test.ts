// Chat request → Converse body: messages, parameters, tools, JSON answers, caching, thinking.
// Run: node --import tsx --test src/providers/amazon-bedrock/convert-request.test.ts
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import type { ChatMessage, ChatRequest, JsonObject } from "../../gateway/types.js";
import { toConverse } from "./convert-request.js";

const PNG = "iVBORw0KGgo=";
const WEATHER = { type: "function", function: { name: "get_weather", description: "Weather now", parameters: { type: "object", properties: { city: { type: "string" } } } } };

const req = (messages: ChatMessage[], extra: JsonObject = {}): ChatRequest => ({ messages, ...extra });
const hi = (extra: JsonObject = {}) => req([{ role: "user", content: "Hi" }], extra);

function refused(fn: () => unknown, param: string): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof GatewayError, String(err));
    assert.equal(err.status, 400);
    assert.equal(err.param, param, err.message);
    return;
  }
  assert.fail(`expected a 400 naming ${param}`);
}

describe("messages", () => {
  test("system and developer messages become system blocks; user and assistant turns alternate", () => {
    const { body } = toConverse(
      req([
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use French." }] },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Salut" },
        { role: "user", content: [{ type: "text", text: "Again" }, { type: "text", text: " please" }] },
      ]),
      "anthropic",
    );
    assert.deepEqual(body, {
      system: [{ text: "Be brief." }, { text: "Use French." }],
      messages: [
        { role: "user", content: [{ text: "Hi" }] },
        { role: "assistant", content: [{ text: "Salut" }] },
        { role: "user", content: [{ text: "Again" }, { text: " please" }] },
      ],
    });
  });

  test("tool calls and results: toolUse in the assistant turn, several results and a user message merged into one user turn", () => {
    const { body } = toConverse(
      req(
        [
          { role: "user", content: "Weather in Paris and Rome?" },
          {
            role: "assistant",
            content: "",
            tool_calls: [
              { id: "t1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
              { id: "t2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: "tool", tool_call_id: "t1", content: "18C" },
          { role: "tool", tool_call_id: "t2", content: [{ type: "text", text: "21C" }] },
          { role: "user", content: "Thanks" },
        ],
        { tools: [WEATHER] },
      ),
      "amazon",
    );
    assert.deepEqual(body["messages"], [
      { role: "user", content: [{ text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { toolUse: { toolUseId: "t1", name: "get_weather", input: { city: "Paris" } } },
          { toolUse: { toolUseId: "t2", name: "get_weather", input: { city: "Rome" } } },
        ],
      },
      {
        role: "user",
        content: [
          { toolResult: { toolUseId: "t1", content: [{ text: "18C" }], status: "success" } },
          { toolResult: { toolUseId: "t2", content: [{ text: "21C" }], status: "success" } },
          { text: "Thanks" },
        ],
      },
    ]);
    assert.deepEqual(body["toolConfig"], { tools: [{ toolSpec: { name: "get_weather", description: "Weather now", inputSchema: { json: WEATHER.function.parameters } } }] });
  });

  test("tool result status only for families that take it", () => {
    const msgs: ChatMessage[] = [
      { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "" } }] },
      { role: "tool", tool_call_id: "t1", content: "ok" },
    ];
    const result = (family: "cohere" | "anthropic") => (toConverse(req(msgs), family).body["messages"] as Array<{ content: JsonObject[] }>)[1]?.content[0];
    assert.deepEqual(result("cohere"), { toolResult: { toolUseId: "t1", content: [{ text: "ok" }] } });
    assert.deepEqual(result("anthropic"), { toolResult: { toolUseId: "t1", content: [{ text: "ok" }], status: "success" } });
  });

  test("blank text is left out of assistant turns and tool results (Converse refuses it); an empty result says so", () => {
    const { body } = toConverse(
      req([
        { role: "user", content: "Q" },
        { role: "assistant", content: [{ type: "text", text: "  " }], tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "t1", content: "" },
      ]),
      "cohere",
    );
    const msgs = body["messages"] as Array<{ content: unknown[] }>;
    assert.deepEqual(msgs[1]?.content, [{ toolUse: { toolUseId: "t1", name: "f", input: {} } }]);
    assert.deepEqual(msgs[2]?.content, [{ toolResult: { toolUseId: "t1", content: [{ text: "(no output)" }] } }]);
  });

  test("reasoning sent back goes first in its assistant turn, signatures intact; encrypted as redactedContent", () => {
    const { body } = toConverse(
      req([
        { role: "user", content: "Q" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "A" },
            { type: "reasoning", summary: [{ type: "summary_text", text: "thought", signature: "sig==" }] },
            { type: "reasoning", summary: [{ type: "summary_encrypted_text", data: "b3BhcXVl" }] },
          ],
        },
        { role: "user", content: "Q2" },
      ]),
      "anthropic",
    );
    assert.deepEqual((body["messages"] as JsonObject[])[1], {
      role: "assistant",
      content: [{ reasoningContent: { reasoningText: { text: "thought", signature: "sig==" } } }, { reasoningContent: { redactedContent: "b3BhcXVl" } }, { text: "A" }],
    });
  });

  test("images as bytes with their format; links and other part types are refused by field", () => {
    const { body } = toConverse(
      req([{ role: "user", content: [{ type: "text", text: "What is it?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }]),
      "amazon",
    );
    assert.deepEqual((body["messages"] as Array<{ content: unknown[] }>)[0]?.content[1], { image: { format: "png", source: { bytes: PNG } } });
    refused(() => toConverse(req([{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }]), "amazon"), "messages[0].content[0].image_url.url");
    refused(() => toConverse(req([{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }]), "amazon"), "messages[0].content[0]");
    refused(() => toConverse(req([{ role: "system", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }]), "amazon"), "messages[0].content[0]");
    refused(() => toConverse(req([{ role: "function", content: "x" }]), "amazon"), "messages[0].role");
    refused(() => toConverse(req([{ role: "tool", content: "x" }]), "amazon"), "messages[0].tool_call_id");
    refused(() => toConverse(req([]), "amazon"), "messages");
  });
});

describe("cache_control", () => {
  const marked = (): ChatRequest =>
    req(
      [
        { role: "system", content: [{ type: "text", text: "Long system", cache_control: { type: "ephemeral" } }] },
        { role: "user", content: [{ type: "text", text: "Doc", cache_control: { type: "ephemeral", ttl: "1h" } }, { type: "text", text: "Q" }] },
        { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "get_weather", arguments: "{}" }, cache_control: { type: "ephemeral" } }] },
        { role: "tool", tool_call_id: "t1", content: "18C", cache_control: { type: "ephemeral" } },
      ],
      { tools: [{ ...WEATHER, cache_control: { type: "ephemeral" } }] },
    );

  test("anthropic: a cachePoint right after each marked block, tool spec, tool call and tool result", () => {
    const { body } = toConverse(marked(), "anthropic");
    assert.deepEqual(body["system"], [{ text: "Long system" }, { cachePoint: { type: "default" } }]);
    const msgs = body["messages"] as Array<{ content: unknown[] }>;
    assert.deepEqual(msgs[0]?.content, [{ text: "Doc" }, { cachePoint: { type: "default", ttl: "1h" } }, { text: "Q" }]);
    assert.deepEqual(msgs[1]?.content[1], { cachePoint: { type: "default" } });
    assert.deepEqual(msgs[2]?.content[1], { cachePoint: { type: "default" } });
    assert.deepEqual((body["toolConfig"] as { tools: unknown[] }).tools[1], { cachePoint: { type: "default" } });
  });

  test("other families: marks accepted and ignored", () => {
    const { body } = toConverse(marked(), "amazon");
    assert.ok(!JSON.stringify(body).includes("cachePoint"));
  });
});

describe("parameters", () => {
  test("inferenceConfig from max_tokens (or max_completion_tokens), temperature, top_p, stop", () => {
    assert.deepEqual(toConverse(hi({ max_tokens: 100, temperature: 0.2, top_p: 0.9, stop: "END" }), "amazon").body["inferenceConfig"], {
      maxTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ["END"],
    });
    assert.deepEqual(toConverse(hi({ max_completion_tokens: 7, stop: ["a", "b"], n: 1, stream: true, stream_options: { include_usage: true } }), "amazon").body["inferenceConfig"], {
      maxTokens: 7,
      stopSequences: ["a", "b"],
    });
    assert.equal(toConverse(hi(), "amazon").body["inferenceConfig"], undefined);
  });

  test("top_k where each family reads it", () => {
    const k = (family: "anthropic" | "amazon" | "cohere" | "ai21labs") => toConverse(hi({ top_k: 40 }), family).body["additionalModelRequestFields"];
    assert.deepEqual(k("anthropic"), { top_k: 40 });
    assert.deepEqual(k("amazon"), { inferenceConfig: { topK: 40 } });
    assert.deepEqual(k("cohere"), { k: 40 });
    assert.deepEqual(k("ai21labs"), { top_k: 40 });
  });

  test("thinking: Claude's additional field; refused by name for other families; budget checked", () => {
    const t = { thinking: { type: "enabled", budget_tokens: 2048 }, max_tokens: 4096 };
    assert.deepEqual(toConverse(hi(t), "anthropic").body["additionalModelRequestFields"], { thinking: { type: "enabled", budget_tokens: 2048 } });
    refused(() => toConverse(hi(t), "amazon"), "thinking");
    refused(() => toConverse(hi({ thinking: { type: "enabled", budget_tokens: 5000 }, max_tokens: 4096 }), "anthropic"), "thinking.budget_tokens");
    assert.equal(toConverse(hi({ thinking: { type: "disabled" } }), "amazon").body["additionalModelRequestFields"], undefined);
  });

  test("provider fields: Converse's own stay top level, the rest go to additionalModelRequestFields", () => {
    const { body } = toConverse(
      hi({
        guardrailConfig: { guardrailIdentifier: "g1", guardrailVersion: "1" },
        performanceConfig: { latency: "optimized" },
        extra_params: { anthropic_beta: ["x"], additionalModelRequestFields: { foo: 1 } },
        top_k: 5,
      }),
      "anthropic",
    );
    assert.deepEqual(body["guardrailConfig"], { guardrailIdentifier: "g1", guardrailVersion: "1" });
    assert.deepEqual(body["performanceConfig"], { latency: "optimized" });
    assert.deepEqual(body["additionalModelRequestFields"], { foo: 1, anthropic_beta: ["x"], top_k: 5 });
    refused(() => toConverse(hi({ inferenceConfig: { maxTokens: 1 } }), "anthropic"), "inferenceConfig");
    refused(() => toConverse(hi({ additionalModelRequestFields: [1] }), "anthropic"), "additionalModelRequestFields");
  });

  test("OpenAI parameters Bedrock cannot honour are refused by name", () => {
    refused(() => toConverse(hi({ n: 2 }), "amazon"), "n");
    for (const p of ["seed", "frequency_penalty", "presence_penalty", "logprobs", "user", "reasoning_effort"]) {
      refused(() => toConverse(hi({ [p]: p === "logprobs" ? true : p === "user" || p === "reasoning_effort" ? "x" : 1 }), "amazon"), p);
    }
    refused(() => toConverse(hi({ temperature: "hot" }), "amazon"), "temperature");
  });
});

describe("tools", () => {
  const choiceOf = (tool_choice: unknown) => (toConverse(hi({ tools: [WEATHER], tool_choice }), "amazon").body["toolConfig"] as JsonObject | undefined)?.["toolChoice"];

  test("tool_choice: auto, required → any, named → tool, none → no toolConfig at all", () => {
    assert.deepEqual(choiceOf("auto"), { auto: {} });
    assert.deepEqual(choiceOf("required"), { any: {} });
    assert.deepEqual(choiceOf({ type: "function", function: { name: "get_weather" } }), { tool: { name: "get_weather" } });
    assert.equal(choiceOf(undefined), undefined);
    assert.equal(toConverse(hi({ tools: [WEATHER], tool_choice: "none" }), "amazon").body["toolConfig"], undefined);
    refused(() => toConverse(hi({ tools: [WEATHER], tool_choice: { type: "function", function: { name: "other" } } }), "amazon"), "tool_choice");
    refused(() => toConverse(hi({ tool_choice: "required" }), "amazon"), "tool_choice");
  });

  test("history with tool blocks keeps a toolConfig: the tools (auto) under none, or specs made from history", () => {
    const history: ChatMessage[] = [
      { role: "user", content: "Q" },
      { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "lookup", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "t1", content: "r" },
    ];
    assert.deepEqual(toConverse(req(history, { tools: [WEATHER], tool_choice: "none" }), "amazon").body["toolConfig"], {
      tools: [{ toolSpec: { name: "get_weather", description: "Weather now", inputSchema: { json: WEATHER.function.parameters } } }],
    });
    assert.deepEqual(toConverse(req(history), "amazon").body["toolConfig"], { tools: [{ toolSpec: { name: "lookup", inputSchema: { json: { type: "object" } } } }] });
  });

  test("parallel_tool_calls: true or unset only", () => {
    toConverse(hi({ tools: [WEATHER], parallel_tool_calls: true }), "anthropic");
    refused(() => toConverse(hi({ tools: [WEATHER], parallel_tool_calls: false }), "anthropic"), "parallel_tool_calls");
  });
});

describe("response_format", () => {
  const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
  const rf = { type: "json_schema", json_schema: { name: "answer", schema } };

  test("json_schema: a forced json_response tool with the schema", () => {
    const call = toConverse(hi({ response_format: rf }), "amazon");
    assert.equal(call.jsonTool, true);
    assert.deepEqual(call.body["toolConfig"], {
      tools: [{ toolSpec: { name: "json_response", description: "Give the answer as JSON matching the 'answer' schema.", inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: "json_response" } },
    });
  });

  test("json_object: the same with an open object schema; text: nothing", () => {
    const call = toConverse(hi({ response_format: { type: "json_object" } }), "anthropic");
    assert.deepEqual((call.body["toolConfig"] as { tools: Array<{ toolSpec: JsonObject }> }).tools[0]?.toolSpec["inputSchema"], { json: { type: "object" } });
    const text = toConverse(hi({ response_format: { type: "text" } }), "anthropic");
    assert.equal(text.jsonTool, false);
    assert.equal(text.body["toolConfig"], undefined);
  });

  test("with the caller's tools: any of them or the JSON answer; a forced caller tool needs no JSON tool", () => {
    const auto = toConverse(hi({ response_format: rf, tools: [WEATHER] }), "amazon");
    const cfg = auto.body["toolConfig"] as { tools: Array<{ toolSpec: JsonObject }>; toolChoice: unknown };
    assert.deepEqual(
      cfg.tools.map((t) => t.toolSpec["name"]),
      ["get_weather", "json_response"],
    );
    assert.deepEqual(cfg.toolChoice, { any: {} });
    const forced = toConverse(hi({ response_format: rf, tools: [WEATHER], tool_choice: "required" }), "amazon");
    assert.equal(forced.jsonTool, false);
    assert.deepEqual((forced.body["toolConfig"] as JsonObject)["toolChoice"], { any: {} });
    const none = toConverse(hi({ response_format: rf, tools: [WEATHER], tool_choice: "none" }), "amazon");
    assert.deepEqual((none.body["toolConfig"] as JsonObject)["toolChoice"], { tool: { name: "json_response" } });
    refused(() => toConverse(hi({ response_format: rf, tools: [{ type: "function", function: { name: "json_response" } }] }), "amazon"), "tools");
  });

  test("with thinking: json_schema via outputConfig, json_object refused", () => {
    const t = { thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 2048 };
    const call = toConverse(hi({ ...t, response_format: rf }), "anthropic");
    assert.equal(call.jsonTool, false);
    assert.equal(call.body["toolConfig"], undefined);
    assert.deepEqual(call.body["outputConfig"], { textFormat: { type: "json_schema", structure: { jsonSchema: { schema: JSON.stringify(schema), name: "answer" } } } });
    refused(() => toConverse(hi({ ...t, response_format: { type: "json_object" } }), "anthropic"), "response_format");
  });
});

describe("computer use", () => {
  const COMPUTER = { type: "computer_20250124", name: "computer", display_width_px: 1024, display_height_px: 768 };

  test("Claude: client tools and their beta go into additionalModelRequestFields, function tools stay in toolConfig", () => {
    const { body } = toConverse(hi({ tools: [WEATHER, COMPUTER], extra_params: { anthropic_beta: ["interleaved-thinking-2025-05-14"] } }), "anthropic");
    assert.deepEqual(body["additionalModelRequestFields"], { anthropic_beta: ["interleaved-thinking-2025-05-14", "computer-use-2025-01-24"], tools: [COMPUTER] });
    const specs = ((body["toolConfig"] as JsonObject)["tools"] as JsonObject[]).map((t) => (t["toolSpec"] as JsonObject)["name"]);
    assert.deepEqual(specs, ["get_weather"]);
  });

  test("a history of computer-use calls alone makes no toolConfig spec that would clash with the tool", () => {
    const { body } = toConverse(
      req(
        [
          { role: "user", content: "Look" },
          { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "computer", arguments: '{"action":"screenshot"}' } }] },
          { role: "tool", tool_call_id: "t1", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
        ],
        { tools: [COMPUTER] },
      ),
      "anthropic",
    );
    assert.equal(body["toolConfig"], undefined);
    assert.deepEqual((body["additionalModelRequestFields"] as JsonObject)["tools"], [COMPUTER]);
  });

  test("other model families: a 400 naming the tool type", () => {
    refused(() => toConverse(hi({ tools: [COMPUTER] }), "amazon"), "tools[0].type");
  });
});
