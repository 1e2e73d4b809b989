/**
 * Conformance case: Anthropic's computer-use tools. Where the provider has them (Claude on
 * Anthropic and on Bedrock) they reach the model beside a function tool with the beta
 * they need, the model's `tool_use` comes back as an OpenAI tool call whose arguments are
 * the action, and the screenshot sent back as the tool result reaches the model as an
 * image. Elsewhere the request is a 400 naming the tool type.
 */
import assert from "node:assert/strict";
import type OpenAI from "openai";
import { body, PNG, WEATHER_TOOL, type ConformanceCase } from "./support.js";

const COMPUTER = { type: "computer_20250124", name: "computer", display_width_px: 1024, display_height_px: 768, display_number: 1 };
const BASH = { type: "bash_20250124", name: "bash" };

export const computerUse: ConformanceCase = {
  name: "computer use (Anthropic client tools)",
  needs: ["tools"],
  async run(c) {
    const tools = [WEATHER_TOOL, COMPUTER, BASH];
    const ask = { role: "user", content: "Open the settings window." };
    if (!c.fx.capabilities.has("computer-use")) {
      const r = await c.post("/serving-endpoints/chat/completions", { model: c.endpoints.chat, messages: [ask], tools });
      assert.equal(r.status, 400, JSON.stringify(r.json));
      assert.match(JSON.stringify(r.json), /computer_20250124/, "the error names the tool type");
      assert.equal(c.calls().length, 0, "nothing reached the provider");
      return;
    }
    c.mock.enqueue({ toolCalls: [{ id: "toolu_cu1", name: "computer", arguments: { action: "screenshot" } }] });
    const r = await c.openai.chat.completions.create(body({ model: c.endpoints.chat, messages: [ask], tools }));
    assert.equal(r.choices[0]?.finish_reason, "tool_calls");
    const call = r.choices[0]?.message.tool_calls?.[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    assert.equal(call.function.name, "computer");
    assert.deepEqual(JSON.parse(call.function.arguments), { action: "screenshot" });
    const sent = c.lastCall().clientTools?.();
    assert.ok(sent, "the fixture reads client tools");
    assert.deepEqual(sent.tools, [
      { type: "computer_20250124", name: "computer" },
      { type: "bash_20250124", name: "bash" },
    ]);
    assert.deepEqual(sent.betas, ["computer-use-2025-01-24"]);
    assert.deepEqual(c.lastCall().toolNames().filter((n) => n === "get_weather"), ["get_weather"], "the function tool is still sent");

    // The screenshot goes back as the tool result.
    c.mock.enqueue({ text: "The settings window is open." });
    const r2 = await c.openai.chat.completions.create(
      body({
        model: c.endpoints.chat,
        tools,
        messages: [
          ask,
          { role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: { name: "computer", arguments: call.function.arguments } }] },
          { role: "tool", tool_call_id: call.id, content: [{ type: "text", text: "screenshot taken" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
        ],
      }),
    );
    assert.equal(r2.choices[0]?.message.content, "The settings window is open.");
    const v = c.lastCall();
    assert.deepEqual(v.toolResults().map((t) => [t.id, t.text]), [[call.id, "screenshot taken"]]);
    assert.deepEqual(v.images(), [{ mediaType: "image/png", data: PNG }], "the screenshot reached the model");
    assert.deepEqual(v.historyToolCalls().map((k) => [k.name, k.arguments]), [["computer", { action: "screenshot" }]]);
  },
};
