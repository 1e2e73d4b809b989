/**
 * The playground's request building, without a browser: parameters parsed from the form
 * (set fields only, errors per field), the transcript turned into OpenAI messages
 * (images as data-URL parts, failed replies and tool calls left out), stream always on.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sendPrompt, newConversation, updateReply } from "../../src/ui/pages/playground/conversation.js";
import { DEFAULT_PARAMS, type Conversation, type Params } from "../../src/ui/pages/playground/model.js";
import { buildMessages, buildRequest, parseParams, stopSequences } from "../../src/ui/pages/playground/request.js";

const params = (p: Partial<Params>): Params => ({ ...DEFAULT_PARAMS, temperature: "", ...p });
const PNG_URL = "data:image/png;base64,iVBORw0KGgo=";

describe("playground: parameters", () => {
  it("sends only the fields that are set", () => {
    assert.deepEqual(parseParams(params({})), { values: {}, errors: {} });
    assert.deepEqual(parseParams(DEFAULT_PARAMS).values, { temperature: 0.7 });
    assert.deepEqual(parseParams(params({ temperature: "0", maxTokens: " 256 ", topP: ".9", stop: "END\n\n###\n" })).values, {
      temperature: 0,
      max_tokens: 256,
      top_p: 0.9,
      stop: ["END", "###"],
    });
  });

  it("says what is wrong with each field", () => {
    const { values, errors } = parseParams(params({ temperature: "2.5", maxTokens: "12.5", topP: "abc", stop: "a\nb\nc\nd\ne", tools: "{" }));
    assert.deepEqual(values, {});
    assert.equal(errors.temperature, "Between 0 and 2.");
    assert.equal(errors.maxTokens, "Enter a whole number.");
    assert.equal(errors.topP, "Enter a number.");
    assert.equal(errors.stop, "At most 4 stop sequences.");
    assert.match(errors.tools ?? "", /^Not valid JSON/);
    assert.match(parseParams(params({ tools: '{"type": "function"}' })).errors.tools ?? "", /JSON array of tools/);
    assert.equal(parseParams(params({ maxTokens: "0" })).errors.maxTokens, "Between 1 and 1000000.");
    assert.equal(parseParams(params({ temperature: "1e" })).errors.temperature, "Enter a number.");
  });

  it("parses tools and keeps spaces in stop sequences", () => {
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];
    assert.deepEqual(parseParams(params({ tools: JSON.stringify(tools) })).values, { tools });
    assert.deepEqual(parseParams(params({ tools: "[]" })).values, {}, "an empty list is not sent");
    assert.deepEqual(stopSequences(" Human:\r\n   \nAI: "), [" Human:", "AI: "]);
  });
});

describe("playground: request", () => {
  function conversation(): { c: Conversation; col: string; reply: string } {
    const base = { ...newConversation("chat-a"), system: "Be brief.", params: params({ temperature: "0.3", maxTokens: "64" }) };
    const { conversation: c, replies } = sendPrompt(base, "Hi", [], 1);
    const r = replies[0];
    assert.ok(r);
    return { c, col: r.columnId, reply: r.replyId };
  }

  it("sends the system prompt, the transcript and the parameters, streamed", () => {
    const { c } = conversation();
    const col = c.columns[0];
    assert.ok(col);
    assert.deepEqual(buildRequest(c, col), {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      temperature: 0.3,
      max_tokens: 64,
      stream: true,
    });
  });

  it("replays finished replies' text, not failed replies nor tool calls", () => {
    const { c: c0, col, reply } = conversation();
    const c1 = updateReply(c0, col, reply, { status: "done", text: "Hello!", toolCalls: [{ id: "t", name: "f", arguments: "{}" }] });
    const { conversation: c2, replies } = sendPrompt(c1, "And?", [], 2);
    const c3 = updateReply(c2, col, replies[0]?.replyId ?? "", { status: "error", error: { status: 500, code: "X", message: "boom" } });
    const { conversation: c4 } = sendPrompt(c3, "Again", [], 3);
    const turns = c4.columns[0]?.turns ?? [];
    assert.deepEqual(buildMessages("", turns), [
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "And?" },
      { role: "user", content: "Again" },
    ]);
  });

  it("sends images as image_url parts with their data URLs, after the text", () => {
    const img = { name: "a.png", mediaType: "image/png", dataUrl: PNG_URL, bytes: 10 };
    const { conversation: c } = sendPrompt(newConversation("e"), "What is this?", [img, { ...img, name: "lost.png", dataUrl: "" }], 1);
    assert.deepEqual(buildMessages("", c.columns[0]?.turns ?? []), [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: PNG_URL } },
        ],
      },
    ]);
    const { conversation: only } = sendPrompt(newConversation("e"), "", [img], 1);
    assert.deepEqual(buildMessages("  ", only.columns[0]?.turns ?? []), [{ role: "user", content: [{ type: "image_url", image_url: { url: PNG_URL } }] }]);
  });
});
