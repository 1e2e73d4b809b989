// OpenAI chat requests → Vertex AI generateContent bodies (function level).
// Run: node --import tsx --test src/providers/google-cloud-vertex-ai/convert-request.test.ts
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import type { ChatMessage, ChatRequest, JsonObject } from "../../gateway/types.js";
import { convertChatRequest } from "./convert-request.js";
import { encodeToolCallId } from "./tool-call-id.js";

const PNG = "iVBORw0KGgo=";

function body(req: Partial<ChatRequest> & JsonObject): JsonObject {
  return convertChatRequest({ messages: [{ role: "user", content: "hi" }], ...req } as ChatRequest).body;
}

function refused(req: Partial<ChatRequest> & JsonObject): GatewayError {
  try {
    body(req);
  } catch (err) {
    assert.ok(err instanceof GatewayError, String(err));
    assert.equal(err.status, 400);
    return err;
  }
  assert.fail("expected a 400");
}

describe("messages → contents", () => {
  test("system messages (several, anywhere) become systemInstruction parts; roles are user/model only", () => {
    const b = body({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "developer", content: [{ type: "text", text: "Use French." }] },
        { role: "user", content: "Bye" },
      ],
    });
    assert.deepEqual(b["systemInstruction"], { parts: [{ text: "Be brief." }, { text: "Use French." }] });
    assert.deepEqual(b["contents"], [
      { role: "user", parts: [{ text: "Hi" }] },
      { role: "model", parts: [{ text: "Hello!" }] },
      { role: "user", parts: [{ text: "Bye" }] },
    ]);
  });

  test("consecutive same-role turns are merged; empty text is left out", () => {
    const b = body({
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: [{ type: "text", text: "" }, { type: "text", text: "b", cache_control: { type: "ephemeral" } }] },
        { role: "assistant", content: "" },
        { role: "user", content: "c" },
      ],
    });
    assert.deepEqual(b["contents"], [{ role: "user", parts: [{ text: "a" }, { text: "b" }, { text: "c" }] }]);
  });

  test("images become inlineData; an http image URL is a 400", () => {
    const b = body({ messages: [{ role: "user", content: [{ type: "text", text: "what?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }] });
    assert.deepEqual((b["contents"] as JsonObject[])[0], { role: "user", parts: [{ text: "what?" }, { inlineData: { mimeType: "image/png", data: PNG } }] });
    const err = refused({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }] });
    assert.equal(err.param, "messages[0].content[0].image_url.url");
  });

  test("tool calls → functionCall parts; tool results → one user turn of functionResponses named after their calls", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"temp":21}' },
      { role: "tool", tool_call_id: "call_2", content: "sunny" },
      { role: "user", content: "Thanks" },
    ];
    const b = body({ messages });
    assert.deepEqual(b["contents"], [
      { role: "user", parts: [{ text: "Weather in Paris and Rome?" }] },
      {
        role: "model",
        parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }, { functionCall: { name: "get_weather", args: { city: "Rome" } } }],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { temp: 21 } } },
          { functionResponse: { name: "get_weather", response: { content: "sunny" } } },
          { text: "Thanks" },
        ],
      },
    ]);
  });

  test("a JSON array or scalar tool result is sent as text", () => {
    const b = body({
      messages: [
        { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c", content: "[1,2]" },
      ],
    });
    assert.deepEqual((b["contents"] as JsonObject[])[1], { role: "user", parts: [{ functionResponse: { name: "f", response: { content: "[1,2]" } } }] });
  });

  test("a tool result whose call is unknown is a 400 naming tool_call_id (unless it names the function)", () => {
    const err = refused({ messages: [{ role: "tool", tool_call_id: "nope", content: "x" }] });
    assert.equal(err.param, "messages[0].tool_call_id");
    const b = body({ messages: [{ role: "user", content: "q" }, { role: "tool", tool_call_id: "nope", name: "lookup", content: "x" }] });
    assert.deepEqual((b["contents"] as JsonObject[])[0]?.["parts"], [{ text: "q" }, { functionResponse: { name: "lookup", response: { content: "x" } } }]);
  });

  test("reasoning sent back becomes thought parts with signatures; a function call's signature comes out of its id", () => {
    const id = encodeToolCallId("call_abc", "fc-sig==");
    const b = body({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: [
            { type: "reasoning", summary: [{ type: "summary_text", text: "thinking…", signature: "th-sig" }] },
            { type: "text", text: "Let me look." },
          ],
          tool_calls: [{ id, type: "function", function: { name: "lookup", arguments: '{"q":1}' } }],
        },
        { role: "tool", tool_call_id: id, content: "found" },
      ],
    });
    assert.deepEqual((b["contents"] as JsonObject[])[1], {
      role: "model",
      parts: [
        { text: "thinking…", thought: true, thoughtSignature: "th-sig" },
        { text: "Let me look." },
        { functionCall: { name: "lookup", args: { q: 1 } }, thoughtSignature: "fc-sig==" },
      ],
    });
    assert.deepEqual((b["contents"] as JsonObject[])[2], { role: "user", parts: [{ functionResponse: { name: "lookup", response: { content: "found" } } }] });
  });

  test("a signature-only reasoning step goes back on the next part; encrypted reasoning from other providers is left out", () => {
    const b = body({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: [
            { type: "reasoning", summary: [{ type: "summary_text", text: "", signature: "text-sig" }] },
            { type: "reasoning", summary: [{ type: "summary_encrypted_text", data: "opaque" }] },
            { type: "text", text: "Answer." },
          ],
        },
        { role: "user", content: "more" },
      ],
    });
    assert.deepEqual((b["contents"] as JsonObject[])[1], { role: "model", parts: [{ text: "Answer.", thoughtSignature: "text-sig" }] });
  });

  test("unknown roles and part types are a 400 naming them", () => {
    assert.equal(refused({ messages: [{ role: "function", content: "x" }] }).param, "messages[0].role");
    assert.equal(refused({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] }).param, "messages[0].content[0]");
    assert.equal(refused({ messages: [{ role: "system", content: "only system" }] }).param, "messages");
  });
});

describe("parameters → generationConfig", () => {
  test("sampling, limits, stop, n, seed and penalties", () => {
    const b = body({ max_tokens: 100, temperature: 0.3, top_p: 0.9, top_k: 40, stop: "END", n: 2, seed: 7, presence_penalty: 0.1, frequency_penalty: 0.2 });
    assert.deepEqual(b["generationConfig"], {
      maxOutputTokens: 100,
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      stopSequences: ["END"],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    });
    assert.equal(convertChatRequest({ messages: [{ role: "user", content: "x" }], n: 3 }).candidates, 3);
    assert.deepEqual(body({ max_completion_tokens: 9 })["generationConfig"], { maxOutputTokens: 9 });
  });

  test("json_object and json_schema (the schema sent whole as responseJsonSchema)", () => {
    assert.deepEqual(body({ response_format: { type: "json_object" } })["generationConfig"], { responseMimeType: "application/json" });
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };
    assert.deepEqual(body({ response_format: { type: "json_schema", json_schema: { name: "x", schema, strict: true } } })["generationConfig"], {
      responseMimeType: "application/json",
      responseJsonSchema: schema,
    });
  });

  test("thinking → thinkingConfig with thoughts included; budget must be below max_tokens", () => {
    assert.deepEqual(body({ max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 1024 } })["generationConfig"], {
      maxOutputTokens: 2000,
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    assert.equal(refused({ max_tokens: 1000, thinking: { type: "enabled", budget_tokens: 1024 } }).param, "thinking.budget_tokens");
  });

  test("parameters Gemini cannot honour are refused by name", () => {
    for (const [name, value] of [
      ["reasoning_effort", "high"],
      ["parallel_tool_calls", false],
      ["logprobs", true],
      ["user", "u1"],
      ["logit_bias", { "1": 2 }],
    ] as const) {
      assert.equal(refused({ [name]: value }).param, name);
    }
    assert.equal(refused({ n: 0 }).param, "n");
    assert.equal(refused({ top_k: 1.5 }).param, "top_k");
  });

  test("parallel_tool_calls: true and stream_options are accepted", () => {
    assert.ok(body({ parallel_tool_calls: true, stream_options: { include_usage: true } }));
  });

  test("provider fields go top-level; generationConfig / toolConfig given that way are merged", () => {
    const b = body({
      temperature: 0.5,
      safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }],
      extra_params: { labels: { team: "a" }, generationConfig: { responseModalities: ["TEXT"], temperature: 1 }, toolConfig: { retrievalConfig: { languageCode: "en" } } },
    });
    assert.deepEqual(b["safetySettings"], [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }]);
    assert.deepEqual(b["labels"], { team: "a" });
    assert.deepEqual(b["generationConfig"], { responseModalities: ["TEXT"], temperature: 0.5 });
    assert.deepEqual(b["toolConfig"], { retrievalConfig: { languageCode: "en" } });
  });
});

describe("tools", () => {
  const tools = [
    {
      type: "function",
      function: { name: "get_weather", description: "Weather now", parameters: { type: "object", properties: { city: { type: "string" } }, additionalProperties: false }, strict: true },
      cache_control: { type: "ephemeral" },
    },
    { type: "function", function: { name: "get_time" } },
  ];

  test("function declarations carry the JSON schema whole as parametersJsonSchema", () => {
    assert.deepEqual(body({ tools })["tools"], [
      {
        functionDeclarations: [
          { name: "get_weather", description: "Weather now", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, additionalProperties: false } },
          { name: "get_time", parametersJsonSchema: { type: "object", properties: {} } },
        ],
      },
    ]);
  });

  test("tool_choice: auto → AUTO, none → NONE, required → ANY, a named function → ANY limited to it", () => {
    const fcc = (choice: unknown) => (body({ tools, tool_choice: choice })["toolConfig"] as JsonObject)["functionCallingConfig"];
    assert.deepEqual(fcc("auto"), { mode: "AUTO" });
    assert.deepEqual(fcc("none"), { mode: "NONE" });
    assert.deepEqual(fcc("required"), { mode: "ANY" });
    assert.deepEqual(fcc({ type: "function", function: { name: "get_time" } }), { mode: "ANY", allowedFunctionNames: ["get_time"] });
    assert.equal(body({ tool_choice: "none" })["toolConfig"], undefined);
    assert.equal(refused({ tool_choice: "required" }).param, "tool_choice");
  });
});
