// Chat request translation to Cohere's /v2/chat body (pure functions, no network).
// Run: node scripts/run-tests.mjs src/providers/cohere
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import type { ChatMessage, ChatRequest, JsonObject } from "../../gateway/types.js";
import { toCohereChatBody } from "./convert-request.js";

const PNG = "data:image/png;base64,iVBORw0KGgo=";
const user = (content: ChatMessage["content"] = "Hi"): ChatMessage => ({ role: "user", content });
const body = (extra: JsonObject = {}, messages: ChatMessage[] = [user()], stream = false): JsonObject =>
  toCohereChatBody({ messages, ...extra } as ChatRequest, "command-a", stream);

function refused(fn: () => unknown, param: string): GatewayError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof GatewayError, String(err));
    assert.equal(err.status, 400);
    assert.equal(err.param, param);
    return err;
  }
  assert.fail(`expected a 400 naming ${param}`);
}

describe("parameters", () => {
  test("mapped names, gateway fields dropped, Cohere fields passed through", () => {
    const b = body({
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop: "END",
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: 0.3,
      n: 1,
      stream_options: { include_usage: true },
      client_request_id: "r1",
      usage_context: { team: "a" },
      documents: [{ data: { text: "doc" } }],
      extra_params: { safety_mode: "STRICT", citation_options: { mode: "FAST" } },
    });
    assert.deepEqual(b, {
      model: "command-a",
      messages: [{ role: "user", content: "Hi" }],
      documents: [{ data: { text: "doc" } }],
      safety_mode: "STRICT",
      citation_options: { mode: "FAST" },
      max_tokens: 64,
      temperature: 0.2,
      p: 0.9,
      k: 40,
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: 0.3,
      stop_sequences: ["END"],
      stream: false,
    });
    assert.equal(body({ max_completion_tokens: 9 }, [user()], true)["max_tokens"], 9);
    assert.equal(body({}, [user()], true)["stream"], true);
  });

  test("what Cohere cannot honour is a 400 naming it", () => {
    refused(() => body({ n: 2 }), "n");
    refused(() => body({ parallel_tool_calls: false }), "parallel_tool_calls");
    refused(() => body({ logprobs: true }), "logprobs");
    refused(() => body({ logit_bias: { "1": 2 } }), "logit_bias");
    refused(() => body({ reasoning_effort: "high" }), "reasoning_effort");
    refused(() => body({ user: "u1" }), "user");
    refused(() => body({ temperature: "hot" }), "temperature");
    // Explicit defaults are fine.
    assert.equal(body({ parallel_tool_calls: true, logprobs: false })["parallel_tool_calls"], undefined);
  });

  test("response_format: json_object, json_schema as Cohere's json_schema, text omitted", () => {
    assert.deepEqual(body({ response_format: { type: "json_object" } })["response_format"], { type: "json_object" });
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    assert.deepEqual(body({ response_format: { type: "json_schema", json_schema: { name: "x", schema } } })["response_format"], {
      type: "json_object",
      json_schema: schema,
    });
    assert.equal(body({ response_format: { type: "text" } })["response_format"], undefined);
    refused(() => body({ response_format: { type: "xml" } }), "response_format.type");
  });

  test("thinking: budget → token_budget (checked against max_tokens); disabled is sent", () => {
    assert.deepEqual(body({ max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 1024 } })["thinking"], { type: "enabled", token_budget: 1024 });
    assert.deepEqual(body({ thinking: { type: "disabled" } })["thinking"], { type: "disabled" });
    refused(() => body({ max_tokens: 1000, thinking: { type: "enabled", budget_tokens: 1024 } }), "thinking.budget_tokens");
    refused(() => body({ thinking: { type: "enabled", budget_tokens: 1024 } }), "max_tokens");
  });
});

describe("tools", () => {
  const tools = [
    { type: "function", function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
    { type: "function", function: { name: "time", parameters: { type: "object" } }, cache_control: { type: "ephemeral" } },
  ];

  test("OpenAI tools keep their shape; cache marks are dropped", () => {
    assert.deepEqual(body({ tools })["tools"], [
      { type: "function", function: { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } }, description: "Weather" } },
      { type: "function", function: { name: "time", parameters: { type: "object" } } },
    ]);
    assert.equal(body({ tools })["tool_choice"], undefined);
  });

  test("tool_choice: auto omitted, required → REQUIRED, none → NONE, a named function → only that tool + REQUIRED", () => {
    assert.equal(body({ tools, tool_choice: "auto" })["tool_choice"], undefined);
    assert.equal(body({ tools, tool_choice: "required" })["tool_choice"], "REQUIRED");
    assert.equal(body({ tools, tool_choice: "none" })["tool_choice"], "NONE");
    const named = body({ tools, tool_choice: { type: "function", function: { name: "time" } } });
    assert.equal(named["tool_choice"], "REQUIRED");
    assert.deepEqual(
      (named["tools"] as JsonObject[]).map((t) => (t["function"] as JsonObject)["name"]),
      ["time"],
    );
    refused(() => body({ tools, tool_choice: { type: "function", function: { name: "nope" } } }), "tool_choice");
    refused(() => body({ tool_choice: "required" }), "tool_choice");
    assert.equal(body({ tool_choice: "none" })["tool_choice"], undefined);
    refused(() => body({ tools: [{ type: "retrieval" }] }), "tools[0]");
  });

  test("strict_tools only when every tool is strict, and never over the client's own", () => {
    const strict = tools.map((t) => ({ ...t, function: { ...t.function, strict: true } }));
    assert.equal(body({ tools: strict })["strict_tools"], true);
    assert.equal(body({ tools: [strict[0], tools[1]] })["strict_tools"], undefined);
    assert.equal(body({ tools: strict, strict_tools: false })["strict_tools"], false);
  });
});

describe("messages", () => {
  test("roles: developer → system; several systems stay in place; unknown roles are a 400", () => {
    const b = body({}, [
      { role: "system", content: "A" },
      { role: "developer", content: [{ type: "text", text: "B" }, { type: "text", text: "C", cache_control: { type: "ephemeral" } }] },
      user(),
    ]);
    assert.deepEqual(b["messages"], [
      { role: "system", content: "A" },
      { role: "system", content: "BC" },
      { role: "user", content: "Hi" },
    ]);
    refused(() => body({}, [{ role: "function", content: "x" }]), "messages[0].role");
    refused(() => body({}, [{ role: "system", content: [{ type: "image_url", image_url: { url: PNG } }] }]), "messages[0].content[0]");
  });

  test("user text and images (data URLs only, detail kept)", () => {
    const b = body({}, [
      user([
        { type: "text", text: "What is this?" },
        { type: "image_url", image_url: { url: PNG, detail: "low" } },
        { type: "image_url", image_url: { url: "data:image/jpg;base64,/9j/" } },
      ]),
    ]);
    assert.deepEqual(b["messages"], [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: PNG, detail: "low" } },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } },
        ],
      },
    ]);
    refused(() => body({}, [user([{ type: "image_url", image_url: { url: "https://x/y.png" } }])]), "messages[0].content[0].image_url.url");
    refused(() => body({}, [user([{ type: "input_audio", input_audio: {} }])]), "messages[0].content[0]");
  });

  test("assistant tool calls and tool results in history", () => {
    const b = body({}, [
      user(),
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city": "Paris"}' } },
          { id: "call_2", type: "function", function: { name: "time", arguments: "" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"temp":20}' },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "noon" }] },
      { role: "tool", tool_call_id: "call_3", content: [{ type: "document", document: { data: { a: 1 } } }] },
    ]);
    assert.deepEqual((b["messages"] as JsonObject[]).slice(1), [
      {
        role: "assistant",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
          { id: "call_2", type: "function", function: { name: "time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"temp":20}' },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "noon" }] },
      { role: "tool", tool_call_id: "call_3", content: [{ type: "document", document: { data: { a: 1 } } }] },
    ]);
    refused(() => body({}, [{ role: "tool", content: "x" }]), "messages[0].tool_call_id");
    refused(
      () => body({}, [{ role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{bad" } }] }]),
      "messages[0].tool_calls[0].function.arguments",
    );
  });

  test("reasoning in history → thinking items (signature not sent, encrypted items left out)", () => {
    const b = body({}, [
      user(),
      {
        role: "assistant",
        content: [
          { type: "reasoning", summary: [{ type: "summary_text", text: "I think", signature: "sig" }] },
          { type: "reasoning", summary: [{ type: "summary_encrypted_text", data: "opaque" }] },
          { type: "text", text: "Answer" },
        ],
      },
      user("more"),
    ]);
    assert.deepEqual((b["messages"] as JsonObject[])[1], {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "I think" },
        { type: "text", text: "Answer" },
      ],
    });
    assert.deepEqual(body({}, [{ role: "assistant", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }])["messages"], [
      { role: "assistant", content: "ab" },
    ]);
    assert.deepEqual(body({}, [{ role: "assistant", content: null }])["messages"], [{ role: "assistant", content: "" }]);
    refused(() => body({}, [{ role: "assistant", content: [{ type: "reasoning", summary: "x" }] }]), "messages[0].content[0].summary");
  });
});
