// OpenAI chat request → Anthropic Messages body. Every body that converts is also run
// through the mock's request checks, so what is built here is what the API accepts.
// Run: node scripts/run-tests.mjs src/providers/anthropic/convert-request
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import type { ChatMessage, ChatRequest, JsonObject } from "../../gateway/types.js";
import { validateRequest } from "../../../testing/mocks/anthropic/validate.js";
import { DEFAULT_MAX_TOKENS, toAnthropicCall, toAnthropicRequest } from "./convert-request.js";

const MODEL = "claude-sonnet-4-6";
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const EPHEMERAL = { type: "ephemeral" };

function convert(req: Partial<ChatRequest>, stream = false): JsonObject {
  const body = toAnthropicRequest({ messages: [{ role: "user", content: "Hi" }], ...req } as ChatRequest, MODEL, stream);
  assert.equal(validateRequest(body), undefined, "the mock (and so the API) accepts the body");
  return body;
}

/** The 400 a conversion fails with: its `param`. */
function refused(req: Partial<ChatRequest>): string | undefined {
  try {
    toAnthropicRequest({ messages: [{ role: "user", content: "Hi" }], ...req } as ChatRequest, MODEL, false);
  } catch (err) {
    assert.ok(err instanceof GatewayError, String(err));
    assert.equal(err.status, 400);
    return err.param;
  }
  assert.fail("expected a 400");
}

const weatherCall = (id: string, city: string, extra: JsonObject = {}) => ({
  id,
  type: "function",
  function: { name: "get_weather", arguments: JSON.stringify({ city }) },
  ...extra,
});

describe("basics", () => {
  test("a minimal request: model, default max_tokens, one user turn of text blocks", () => {
    assert.deepEqual(convert({}), { model: MODEL, max_tokens: DEFAULT_MAX_TOKENS, messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
    assert.equal(DEFAULT_MAX_TOKENS, 4096);
  });

  test("max_tokens, or max_completion_tokens; stream:true only when streaming", () => {
    assert.equal(convert({ max_tokens: 300 })["max_tokens"], 300);
    assert.equal(convert({ max_completion_tokens: 200 })["max_tokens"], 200);
    assert.equal(convert({ stream: true }, true)["stream"], true);
    assert.equal(convert({ stream: true }, false)["stream"], undefined);
    assert.equal(convert({ stream_options: { include_usage: true } }, true)["stream_options"], undefined);
  });

  test("sampling: temperature, top_p, top_k; stop becomes stop_sequences", () => {
    const b = convert({ temperature: 0.3, top_p: 0.9, top_k: 40, stop: "END" });
    assert.equal(b["temperature"], 0.3);
    assert.equal(b["top_p"], 0.9);
    assert.equal(b["top_k"], 40);
    assert.deepEqual(b["stop_sequences"], ["END"]);
    assert.deepEqual(convert({ stop: ["a", "b"] })["stop_sequences"], ["a", "b"]);
    assert.equal(refused({ temperature: 1.5 }), "temperature");
    assert.equal(refused({ top_k: 2.5 }), "top_k");
  });

  test("user → metadata.user_id, merged with a passed-through metadata; other unknown fields pass through", () => {
    const b = convert({ user: "u-1", extra_params: { metadata: { user_id: "ignored" }, context_management: { edits: [] } } });
    assert.deepEqual(b["metadata"], { user_id: "u-1" });
    assert.deepEqual(b["context_management"], { edits: [] });
    assert.deepEqual(convert({ metadata: { user_id: "m" } })["metadata"], { user_id: "m" });
    assert.equal(refused({ user: 5 as unknown as string }), "user");
  });

  test("n must be 1; OpenAI parameters Anthropic cannot honour are refused by name", () => {
    assert.equal(convert({ n: 1 })["n"], undefined);
    assert.equal(refused({ n: 2 }), "n");
    for (const p of ["frequency_penalty", "presence_penalty", "seed", "logprobs", "logit_bias", "reasoning_effort", "service_tier"]) {
      assert.equal(refused({ [p]: p === "logprobs" ? true : p === "reasoning_effort" || p === "service_tier" ? "low" : 1 }), p);
    }
  });
});

describe("messages", () => {
  test("system and developer messages become system text blocks, in order, marks kept", () => {
    const b = convert({
      messages: [
        { role: "system", content: "You are terse." },
        { role: "developer", content: [{ type: "text", text: "Part A" }, { type: "text", text: "Part B", cache_control: EPHEMERAL }] },
        { role: "system", content: "Cache me.", cache_control: { type: "ephemeral", ttl: "1h" } },
        { role: "user", content: "Hi" },
      ],
    });
    assert.deepEqual(b["system"], [
      { type: "text", text: "You are terse." },
      { type: "text", text: "Part A" },
      { type: "text", text: "Part B", cache_control: EPHEMERAL },
      { type: "text", text: "Cache me.", cache_control: { type: "ephemeral", ttl: "1h" } },
    ]);
    assert.deepEqual(b["messages"], [{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
  });

  test("tool calls and parallel tool results: tool messages and the next user text make one user turn, results first", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "Weather in Paris and Oslo?" },
      { role: "assistant", content: "Checking.", tool_calls: [weatherCall("call_1", "Paris"), weatherCall("call_2", "Oslo", { cache_control: EPHEMERAL })] },
      { role: "tool", tool_call_id: "call_1", content: "18C", cache_control: EPHEMERAL },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "9" }, { type: "text", text: "C", cache_control: EPHEMERAL }] },
      { role: "user", content: "And tomorrow?" },
    ];
    assert.deepEqual(convert({ messages })["messages"], [
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Oslo?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "get_weather", input: { city: "Oslo" }, cache_control: EPHEMERAL },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "18C", cache_control: EPHEMERAL },
          { type: "tool_result", tool_use_id: "call_2", content: "9C", cache_control: EPHEMERAL },
          { type: "text", text: "And tomorrow?" },
        ],
      },
    ]);
  });

  test("an assistant message with tool calls and empty or null content has only tool_use blocks", () => {
    for (const content of ["", null]) {
      const b = convert({
        messages: [
          { role: "user", content: "Go" },
          { role: "assistant", content, tool_calls: [weatherCall("c1", "Rome")] },
          { role: "tool", tool_call_id: "c1", content: "20C" },
        ],
      });
      const turns = b["messages"] as Array<{ content: JsonObject[] }>;
      assert.deepEqual(turns[1]?.content, [{ type: "tool_use", id: "c1", name: "get_weather", input: { city: "Rome" } }]);
    }
  });

  test("reasoning in history becomes thinking / redacted_thinking before the text and tool calls, signatures unchanged", () => {
    const b = convert({
      messages: [
        { role: "user", content: "Think." },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Answer." },
            { type: "reasoning", summary: [{ type: "summary_text", text: "Hmm.", signature: "EqQBCkYIBxgCKkA+/sig==" }] },
            { type: "reasoning", summary: [{ type: "summary_encrypted_text", data: "ENC==" }] },
            { type: "reasoning", summary: [{ type: "summary_text", text: "unsigned, from another provider" }] },
          ],
          tool_calls: [weatherCall("c1", "Rome")],
        },
        { role: "tool", tool_call_id: "c1", content: "20C" },
      ],
      thinking: { type: "enabled", budget_tokens: 1024 },
      max_tokens: 2048,
    });
    const turns = b["messages"] as Array<{ content: JsonObject[] }>;
    assert.deepEqual(turns[1]?.content, [
      { type: "thinking", thinking: "Hmm.", signature: "EqQBCkYIBxgCKkA+/sig==" },
      { type: "redacted_thinking", data: "ENC==" },
      { type: "text", text: "Answer." },
      { type: "tool_use", id: "c1", name: "get_weather", input: { city: "Rome" } },
    ]);
  });

  test("images become base64 image blocks, marks kept; text parts keep their marks; a message mark goes on its last block", () => {
    const b = convert({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?", cache_control: EPHEMERAL },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` }, cache_control: EPHEMERAL },
          ],
        },
        { role: "assistant", content: "A pixel." },
        { role: "user", content: "Sure?", cache_control: EPHEMERAL },
      ],
    });
    assert.deepEqual(b["messages"], [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?", cache_control: EPHEMERAL },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG }, cache_control: EPHEMERAL },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "A pixel." }] },
      { role: "user", content: [{ type: "text", text: "Sure?", cache_control: EPHEMERAL }] },
    ]);
  });

  test("consecutive assistant messages merge into one turn", () => {
    const b = convert({ messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "One." }, { role: "assistant", content: "Two." }, { role: "user", content: "Ok" }] });
    const turns = b["messages"] as Array<{ role: string; content: JsonObject[] }>;
    assert.deepEqual(
      turns.map((t) => t.role),
      ["user", "assistant", "user"],
    );
    assert.equal(turns[1]?.content.length, 2);
  });

  test("what cannot be translated is a 400 naming the field", () => {
    const cases: Array<[ChatMessage[], string]> = [
      [[{ role: "function", content: "x" }], "messages[0].role"],
      [[{ role: "user", content: "" }], "messages[0].content"],
      [[{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }], "messages[0].content[0]"],
      [[{ role: "user", content: [{ type: "text", text: "x" }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }] }], "messages[0].content[1].image_url.url"],
      [[{ role: "user", content: "x" }, { role: "tool", content: "r" }], "messages[1].tool_call_id"],
      [[{ role: "user", content: "x" }, { role: "tool", tool_call_id: "c", content: [{ type: "input_audio", input_audio: {} }] }], "messages[1].content[0]"],
      [[{ role: "user", content: "x" }, { role: "assistant", content: "y", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{not json" } }] }], "messages[1].tool_calls[0].function.arguments"],
      [[{ role: "system", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }], "messages[0].content[0]"],
      [[{ role: "system", content: "only a system prompt" }], "messages"],
    ];
    for (const [messages, param] of cases) assert.equal(refused({ messages }), param, param);
    assert.equal(refused({ messages: [] }), "messages");
  });
});

describe("tools", () => {
  const tools = [
    { type: "function", function: { name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: true } },
    { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } }, cache_control: EPHEMERAL },
  ];

  test("function tools → name, description, input_schema (strict and cache marks kept)", () => {
    assert.deepEqual(convert({ tools })["tools"], [
      { name: "get_weather", description: "Weather by city", input_schema: { type: "object", properties: { city: { type: "string" } } }, strict: true },
      { name: "get_time", input_schema: { type: "object", properties: {} }, cache_control: EPHEMERAL },
    ]);
  });

  test("tool_choice: auto → auto, required → any, none → none, named → tool", () => {
    assert.equal(convert({ tools })["tool_choice"], undefined);
    assert.deepEqual(convert({ tools, tool_choice: "auto" })["tool_choice"], { type: "auto" });
    assert.deepEqual(convert({ tools, tool_choice: "required" })["tool_choice"], { type: "any" });
    assert.deepEqual(convert({ tools, tool_choice: "none" })["tool_choice"], { type: "none" });
    assert.deepEqual(convert({ tools, tool_choice: { type: "function", function: { name: "get_time" } } })["tool_choice"], { type: "tool", name: "get_time" });
  });

  test("parallel_tool_calls:false → disable_parallel_tool_use inside tool_choice (auto when none was given)", () => {
    assert.deepEqual(convert({ tools, parallel_tool_calls: false })["tool_choice"], { type: "auto", disable_parallel_tool_use: true });
    assert.deepEqual(convert({ tools, parallel_tool_calls: false, tool_choice: "required" })["tool_choice"], { type: "any", disable_parallel_tool_use: true });
    assert.deepEqual(convert({ tools, parallel_tool_calls: false, tool_choice: { type: "function", function: { name: "get_weather" } } })["tool_choice"], {
      type: "tool",
      name: "get_weather",
      disable_parallel_tool_use: true,
    });
    assert.deepEqual(convert({ tools, parallel_tool_calls: false, tool_choice: "none" })["tool_choice"], { type: "none" });
    assert.equal(convert({ tools, parallel_tool_calls: true })["tool_choice"], undefined);
  });

  test("without tools: auto/none and parallel_tool_calls mean nothing; a forced call is a 400", () => {
    const b = convert({ tool_choice: "none", parallel_tool_calls: false });
    assert.equal(b["tool_choice"], undefined);
    assert.equal(b["tools"], undefined);
    assert.equal(refused({ tool_choice: "required" }), "tool_choice");
    assert.equal(refused({ tools, tool_choice: { type: "function", function: { name: "nope" } } }), "tool_choice");
    assert.equal(refused({ tools: [{ type: "web_search" }] }), "tools[0]");
  });
});

describe("computer use", () => {
  const computer = { type: "computer_20250124", name: "computer", display_width_px: 1280, display_height_px: 800, display_number: 1 };
  const weather = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } };
  const call = (req: Partial<ChatRequest>) => {
    const c = toAnthropicCall({ messages: [{ role: "user", content: "Hi" }], ...req } as ChatRequest, MODEL, false);
    assert.equal(validateRequest(c.body, c.betas), undefined, "the mock (and so the API) accepts the body with its betas");
    return c;
  };

  test("client tools go as Anthropic defines them beside function tools, with the beta each version needs", () => {
    const c = call({ tools: [computer, weather, { type: "text_editor_20250728", name: "str_replace_based_edit_tool", max_characters: 5000 }, { type: "bash_20250124", name: "bash" }] });
    assert.deepEqual(c.body["tools"], [
      { name: "get_weather", input_schema: { type: "object", properties: {} } },
      computer,
      { type: "text_editor_20250728", name: "str_replace_based_edit_tool", max_characters: 5000 },
      { type: "bash_20250124", name: "bash" },
    ]);
    assert.deepEqual(c.betas, ["computer-use-2025-01-24"]);
    assert.deepEqual(call({ tools: [{ ...computer, type: "computer_20241022" }, { type: "bash_20241022", name: "bash" }] }).betas, ["computer-use-2024-10-22"]);
    assert.deepEqual(call({ tools: [{ ...computer, type: "computer_20251124" }] }).betas, ["computer-use-2025-11-24"]);
    assert.deepEqual(call({ tools: [{ type: "bash_20250124", name: "bash" }] }).betas, [], "generally available tools need no beta");
    assert.deepEqual(call({ tools: [weather] }).betas, []);
    assert.deepEqual(call({ tools: [computer], tool_choice: { type: "function", function: { name: "computer" } } }).body["tool_choice"], { type: "tool", name: "computer" });
  });

  test("a malformed client tool is a 400 naming the field", () => {
    assert.equal(refused({ tools: [{ ...computer, name: "screen" }] }), "tools[0].name");
    assert.equal(refused({ tools: [{ type: "computer_20250124", name: "computer", display_height_px: 800 }] }), "tools[0].display_width_px");
    assert.equal(refused({ tools: [{ ...computer, display_number: -1 }] }), "tools[0].display_number");
    assert.equal(refused({ tools: [{ type: "computer_20990101", name: "computer" }] }), "tools[0].type");
    assert.equal(refused({ tools: [computer, computer] }), "tools[1]");
  });

  test("a screenshot in a tool result becomes an image block inside the tool_result; is_error is kept", () => {
    const b = convert({
      tools: [weather],
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: null, tool_calls: [{ id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"action":"screenshot"}' } }] },
        { role: "tool", tool_call_id: "toolu_1", is_error: true, content: [{ type: "text", text: "done" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] } as ChatMessage,
      ],
    });
    const turn = (b["messages"] as JsonObject[])[2] as JsonObject;
    assert.deepEqual(turn["content"], [
      {
        type: "tool_result",
        tool_use_id: "toolu_1",
        is_error: true,
        content: [
          { type: "text", text: "done" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
        ],
      },
    ]);
  });
});

describe("response_format", () => {
  const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };

  test("json_schema → output_config.format, merged with a passed-through output_config", () => {
    assert.deepEqual(convert({ response_format: { type: "json_schema", json_schema: { name: "a", schema, strict: true } } })["output_config"], {
      format: { type: "json_schema", schema },
    });
    assert.deepEqual(convert({ response_format: { type: "json_schema", json_schema: { name: "a", schema } }, extra_params: { output_config: { effort: "low" } } })["output_config"], {
      effort: "low",
      format: { type: "json_schema", schema },
    });
  });

  test("text is the default; json_object (no schema) is a 400", () => {
    assert.equal(convert({ response_format: { type: "text" } })["output_config"], undefined);
    assert.equal(refused({ response_format: { type: "json_object" } }), "response_format");
  });
});

describe("thinking", () => {
  test("thinking → {type:enabled, budget_tokens}; without max_tokens the default 4096 is the limit", () => {
    assert.deepEqual(convert({ max_tokens: 8000, thinking: { type: "enabled", budget_tokens: 4000 } })["thinking"], { type: "enabled", budget_tokens: 4000 });
    assert.equal(convert({ thinking: { type: "enabled", budget_tokens: 2000 } })["max_tokens"], 4096);
    assert.equal(refused({ thinking: { type: "enabled", budget_tokens: 5000 } }), "thinking.budget_tokens");
    assert.equal(convert({ thinking: { type: "disabled" } })["thinking"], undefined);
  });

  test("while thinking: temperature other than 1, top_k, top_p below 0.95 and forced tool calls are refused", () => {
    const thinking = { type: "enabled", budget_tokens: 1024 };
    const tools = [{ type: "function", function: { name: "f", parameters: { type: "object" } } }];
    assert.equal(convert({ thinking, temperature: 1, top_p: 0.97 })["temperature"], 1);
    assert.equal(refused({ thinking, temperature: 0.2 }), "temperature");
    assert.equal(refused({ thinking, top_k: 5 }), "top_k");
    assert.equal(refused({ thinking, top_p: 0.5 }), "top_p");
    assert.equal(refused({ thinking, tools, tool_choice: "required" }), "tool_choice");
    assert.deepEqual(convert({ thinking, tools, tool_choice: "auto" })["tool_choice"], { type: "auto" });
  });
});
