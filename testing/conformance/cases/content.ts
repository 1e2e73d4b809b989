/** Conformance cases: Structured output, images, reasoning and prompt caching. */
import assert from "node:assert/strict";
import type { MockReply } from "../../mocks/scenario.js";
import { body, streamBody, WEATHER_TOOL, PNG, JPEG, collect, streamedText, finishes, expectUsage, chatPath, type Chunk, type ConformanceCase } from "./support.js";

const SCHEMA = { type: "object", properties: { answer: { type: "integer" } }, required: ["answer"], additionalProperties: false };

export const jsonSchema: ConformanceCase = {
  name: "json schema",
  needs: ["json-schema"],
  async run(c) {
    c.mock.enqueue({ text: '{"answer":42}' });
    const r = await c.openai.chat.completions.create(
      body({ model: c.endpoints.chat, messages: [{ role: "user", content: "The answer?" }], response_format: { type: "json_schema", json_schema: { name: "answer", schema: SCHEMA, strict: true } } }),
    );
    assert.deepEqual(JSON.parse(r.choices[0]?.message.content ?? ""), { answer: 42 });
    assert.equal(r.choices[0]?.finish_reason, "stop");
    assert.deepEqual(c.lastCall().jsonSchema(), SCHEMA);
    c.mock.enqueue({ text: '{"answer":7}', pieces: 4 });
    const chunks = await collect(
      await c.openai.chat.completions.create(streamBody({ model: c.endpoints.chat, messages: [{ role: "user", content: "Answer?" }], response_format: { type: "json_schema", json_schema: { name: "answer", schema: SCHEMA } } })),
    );
    assert.deepEqual(JSON.parse(streamedText(chunks)), { answer: 7 });
    assert.deepEqual(finishes(chunks), ["stop"]);
  },
};

export const vision: ConformanceCase = {
  name: "vision",
  needs: ["vision"],
  async run(c) {
    await c.openai.chat.completions.create(
      body({
        model: c.endpoints.chat,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Compare these." },
              { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
              { type: "image_url", image_url: { url: `data:image/jpeg;base64,${JPEG}` } },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(c.lastCall().images(), [
      { mediaType: "image/png", data: PNG },
      { mediaType: "image/jpeg", data: JPEG },
    ]);
  },
};

const THINKING = { type: "enabled", budget_tokens: 1024 };

export const reasoning: ConformanceCase = {
  name: "reasoning",
  needs: ["reasoning"],
  async run(c) {
    // Providers without signatures (Cohere) return the reasoning text alone.
    const signed = c.fx.capabilities.has("signed-reasoning");
    const sig = signed ? { signature: "sig-abc123" } : {};
    const reply: MockReply = { reasoning: [{ text: "The sky scatters blue light.", signature: "sig-abc123" }], text: "Rayleigh scattering.", usage: { prompt: 20, completion: 50 } };
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Why is the sky blue?" }], max_tokens: 2048, thinking: THINKING };
    // Through the OpenAI SDK, read as the seed reads it.
    c.mock.enqueue(reply);
    const r = await c.openai.chat.completions.create(body(req));
    const content = r.choices[0]?.message.content as unknown as Array<Record<string, unknown>>;
    assert.ok(Array.isArray(content), "content is a list of blocks");
    assert.deepEqual(content, [
      { type: "reasoning", summary: [{ type: "summary_text", text: "The sky scatters blue light.", ...sig }] },
      { type: "text", text: "Rayleigh scattering." },
    ]);
    // The same on the invocations route.
    c.mock.enqueue(reply);
    const inv = await c.post(`/serving-endpoints/${c.endpoints.chat}/invocations`, req);
    assert.equal(inv.status, 200);
    const choices = inv.json["choices"] as Array<{ message: { content: unknown } }>;
    assert.deepEqual(choices[0]?.message.content, content);
    // Streamed: reasoning as content lists (signature in the last), the answer as strings.
    c.mock.enqueue({ ...reply, pieces: 3 });
    const s = await c.postStream(chatPath(), { ...req, stream: true });
    const deltas = s.data.filter((d) => d !== "[DONE]").map((d) => (JSON.parse(d) as Chunk).choices[0]?.delta.content as unknown);
    const lists = deltas.filter((d): d is Array<Record<string, unknown>> => Array.isArray(d));
    const items = lists.flatMap((l) => l.flatMap((b) => b["summary"] as Array<Record<string, unknown>>));
    assert.equal(items.map((i) => i["text"] ?? "").join(""), "The sky scatters blue light.");
    if (signed) assert.equal(items[items.length - 1]?.["signature"], "sig-abc123");
    assert.ok(lists.every((l) => l.every((b) => b["type"] === "reasoning")));
    assert.equal(deltas.filter((d) => typeof d === "string").join(""), "Rayleigh scattering.");
    // Sent back in a later turn: the reasoning (and its signature) reaches the provider intact.
    await c.openai.chat.completions.create(
      body({ ...req, messages: [...req.messages, { role: "assistant", content }, { role: "user", content: "Simpler please." }] }),
    );
    assert.deepEqual(
      c.lastCall().reasoning().map((x) => (signed ? x : { text: x.text })),
      [{ text: "The sky scatters blue light.", ...sig }],
    );
    // budget_tokens must be below max_tokens.
    const bad = await c.post(chatPath(), { ...req, max_tokens: 1000 });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /budget_tokens/);
  },
};

export const caching: ConformanceCase = {
  name: "prompt caching",
  needs: ["caching", "tools", "vision"],
  async run(c) {
    const cc = { type: "ephemeral" };
    // Two requests, as providers allow at most four cache breakpoints per request.
    c.mock.enqueue({ text: "Cached.", usage: { prompt: 100, completion: 10, cached: 60, cacheWrite: 20 } });
    const r = await c.openai.chat.completions.create(
      body({
        model: c.endpoints.chat,
        tools: [{ ...WEATHER_TOOL, cache_control: cc }],
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Long shared context.", cache_control: cc },
              { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` }, cache_control: cc },
            ],
          },
        ],
      }),
    );
    assert.equal(c.lastCall().cacheMarks(), 3, "marks on the tool definition, the text part and the image part");
    expectUsage(r.usage, { prompt: 100, completion: 10, cached: 60 }, true);
    await c.openai.chat.completions.create(
      body({
        model: c.endpoints.chat,
        tools: [WEATHER_TOOL],
        messages: [
          { role: "user", content: "Weather in Oslo?" },
          { role: "assistant", content: "Checking.", tool_calls: [{ id: "call_c1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' }, cache_control: cc }] },
          { role: "tool", tool_call_id: "call_c1", content: [{ type: "text", text: "snow", cache_control: cc }] },
        ],
      }),
    );
    assert.equal(c.lastCall().cacheMarks(), 2, "marks on the assistant's tool call and on the tool result");
  },
};
