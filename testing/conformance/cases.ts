/**
 * The conformance cases every chat adapter runs, end to end: an OpenAI-shaped request into
 * the gateway, a scripted neutral answer out of the provider's mock, and checks on both
 * sides — what the client got (through the official OpenAI SDK where a client would use
 * it) and what reached the provider (through the fixture's view of the native request).
 * A case needs capabilities; a fixture that declares one absent skips the case.
 */
import assert from "node:assert/strict";
import type OpenAI from "openai";
import type { Capability } from "../mocks/conformance.js";
import type { MockFinish, MockReply, MockUsage } from "../mocks/scenario.js";
import type { CaseContext } from "./harness.js";

export interface ConformanceCase {
  name: string;
  needs: readonly Capability[];
  run(c: CaseContext): Promise<void>;
}

type Params = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type StreamParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;
type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

/** A request body with Databricks/provider fields the SDK's types do not know. */
const body = (o: Record<string, unknown>) => o as unknown as Params;
const streamBody = (o: Record<string, unknown>) => ({ ...o, stream: true }) as unknown as StreamParams;

const WEATHER_TOOL = {
  type: "function",
  function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
} as const;
const TIME_TOOL = {
  type: "function",
  function: { name: "get_time", description: "Local time for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
} as const;

const THREE_CALLS = [
  { id: "call_a1", name: "get_weather", arguments: { city: "Paris" } },
  { id: "call_b2", name: "get_time", arguments: { city: "Tokyo, Japan" } },
  { id: "call_c3", name: "get_weather", arguments: { city: "São Paulo", note: 'quote " and \\ slash' } },
];

// A 1×1 PNG and a 1×1 JPEG header-ish payload: the providers' mocks only pass bytes along.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const JPEG = "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=";

async function collect(stream: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

function streamedText(chunks: readonly Chunk[]): string {
  return chunks.map((c) => (typeof c.choices[0]?.delta.content === "string" ? c.choices[0].delta.content : "")).join("");
}

function finishes(chunks: readonly Chunk[]): string[] {
  return chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason).filter((f): f is NonNullable<typeof f> => f !== null && f !== undefined));
}

function expectUsage(got: OpenAI.CompletionUsage | null | undefined, u: MockUsage, checkCached: boolean): void {
  assert.ok(got, "usage is reported");
  assert.equal(got.prompt_tokens, u.prompt, "prompt_tokens");
  assert.equal(got.completion_tokens, u.completion, "completion_tokens");
  assert.equal(got.total_tokens, u.prompt + u.completion, "total_tokens");
  if (checkCached) assert.equal(got.prompt_tokens_details?.cached_tokens ?? 0, u.cached ?? 0, "cached_tokens");
}

function lastUsage(chunks: readonly Chunk[]): OpenAI.CompletionUsage | null | undefined {
  const withUsage = chunks.filter((c) => c.usage);
  return withUsage[withUsage.length - 1]?.usage;
}

async function rejects(p: Promise<unknown>): Promise<{ status?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { status?: number; message: string };
  }
  assert.fail("expected the call to fail");
}

/** The shape every chat answer has, whatever the provider: what the OpenAI SDK's users read. */
function expectOpenAIShape(r: OpenAI.Chat.Completions.ChatCompletion): void {
  assert.equal(typeof r.id, "string");
  assert.ok(r.id.length > 0);
  assert.equal(r.object, "chat.completion");
  assert.ok(Number.isInteger(r.created) && r.created > 1_600_000_000, "created in seconds");
  assert.equal(typeof r.model, "string");
  for (const [i, ch] of r.choices.entries()) {
    assert.equal(ch.index, i);
    assert.equal(ch.message.role, "assistant");
    assert.ok(ch.message.content === null || typeof ch.message.content === "string" || Array.isArray(ch.message.content));
    assert.ok(typeof ch.finish_reason === "string");
  }
  for (const k of ["prompt_tokens", "completion_tokens", "total_tokens"] as const) assert.ok(Number.isInteger(r.usage?.[k]), `usage.${k}`);
}

function expectChunkShape(chunks: readonly Chunk[]): void {
  for (const k of chunks) {
    assert.equal(k.object, "chat.completion.chunk");
    assert.equal(typeof k.id, "string");
    assert.ok(Number.isInteger(k.created));
    assert.equal(typeof k.model, "string");
    assert.ok(Array.isArray(k.choices));
  }
  assert.equal(chunks[0]?.choices[0]?.delta.role, "assistant", "the first chunk names the role");
}

function chatPath(): string {
  return "/serving-endpoints/chat/completions";
}

const simple: ConformanceCase = {
  name: "simple chat",
  needs: [],
  async run(c) {
    const usage = { prompt: 12, completion: 5 };
    c.mock.enqueue({ text: "Hi there, friend.", usage });
    const r = await c.openai.chat.completions.create(
      body({ model: c.endpoints.chat, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Say hi" }], max_tokens: 50, temperature: 0.5 }),
    );
    expectOpenAIShape(r);
    assert.equal(r.choices.length, 1);
    assert.equal(r.choices[0]?.message.role, "assistant");
    assert.equal(r.choices[0]?.message.content, "Hi there, friend.");
    assert.equal(r.choices[0]?.finish_reason, "stop");
    expectUsage(r.usage, usage, false);
    const v = c.lastCall();
    assert.equal(v.system(), "Be brief.");
    assert.deepEqual(v.turns(), [{ role: "user", text: "Say hi" }]);
    assert.equal(v.maxTokens(), 50);
    assert.equal(v.temperature(), 0.5);
    assert.equal(v.streamed(), false);
  },
};

const stream: ConformanceCase = {
  name: "stream",
  needs: [],
  async run(c) {
    const text = "One, two, three, four, five.";
    c.mock.enqueue({ text, pieces: 5, usage: { prompt: 9, completion: 8 } });
    const chunks = await collect(await c.openai.chat.completions.create(streamBody({ model: c.endpoints.chat, messages: [{ role: "user", content: "Count" }] })));
    assert.ok(chunks.length >= 4, `several chunks (${chunks.length})`);
    expectChunkShape(chunks);
    assert.equal(streamedText(chunks), text);
    assert.deepEqual(finishes(chunks), ["stop"]);
    assert.ok(new Set(chunks.map((k) => k.id)).size === 1, "one id for every chunk");
    assert.equal(c.lastCall().streamed(), true);
    const raw = await c.postStream(chatPath(), { model: c.endpoints.chat, messages: [{ role: "user", content: "Count" }], stream: true });
    assert.equal(raw.status, 200);
    assert.equal(raw.data[raw.data.length - 1], "[DONE]");
  },
};

const multiTurn: ConformanceCase = {
  name: "multi-turn",
  needs: [],
  async run(c) {
    await c.openai.chat.completions.create(
      body({
        model: c.endpoints.chat,
        messages: [
          { role: "system", content: "You answer in French." },
          { role: "user", content: "Hello" },
          { role: "assistant", content: "Bonjour" },
          { role: "user", content: [{ type: "text", text: "How are you?" }] },
        ],
      }),
    );
    const v = c.lastCall();
    assert.equal(v.system(), "You answer in French.");
    assert.deepEqual(v.turns(), [
      { role: "user", text: "Hello" },
      { role: "assistant", text: "Bonjour" },
      { role: "user", text: "How are you?" },
    ]);
  },
};

const toolsSingle: ConformanceCase = {
  name: "tools: single call",
  needs: ["tools"],
  async run(c) {
    c.mock.enqueue({ toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Paris" } }] });
    const r = await c.openai.chat.completions.create(
      body({ model: c.endpoints.chat, messages: [{ role: "user", content: "Weather in Paris?" }], tools: [WEATHER_TOOL], tool_choice: { type: "function", function: { name: "get_weather" } } }),
    );
    expectOpenAIShape(r);
    const ch = r.choices[0];
    assert.equal(ch?.finish_reason, "tool_calls");
    const calls = ch?.message.tool_calls ?? [];
    assert.equal(calls.length, 1);
    const call = calls[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    assert.equal(call.type, "function");
    assert.ok(call.id, "the call has an id");
    assert.equal(call.function.name, "get_weather");
    assert.deepEqual(JSON.parse(call.function.arguments), { city: "Paris" });
    assert.deepEqual(c.lastCall().toolNames(), ["get_weather"]);
  },
};

const toolsParallel: ConformanceCase = {
  name: "tools: parallel calls",
  needs: ["tools", "parallel-tools"],
  async run(c) {
    c.mock.enqueue({ toolCalls: THREE_CALLS });
    const r = await c.openai.chat.completions.create(
      body({ model: c.endpoints.chat, messages: [{ role: "user", content: "Three lookups" }], tools: [WEATHER_TOOL, TIME_TOOL], tool_choice: "auto" }),
    );
    const calls = (r.choices[0]?.message.tool_calls ?? []) as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    assert.deepEqual(
      calls.map((k) => [k.function.name, JSON.parse(k.function.arguments) as unknown]),
      THREE_CALLS.map((k) => [k.name, k.arguments]),
    );
    assert.equal(new Set(calls.map((k) => k.id)).size, 3, "distinct ids");
    assert.deepEqual(c.lastCall().toolNames(), ["get_weather", "get_time"]);
  },
};

const toolsStreamed: ConformanceCase = {
  name: "tools: streamed parallel calls",
  needs: ["tools", "parallel-tools"],
  async run(c) {
    c.mock.enqueue({ toolCalls: THREE_CALLS, pieces: 4, usage: { prompt: 30, completion: 40 } });
    const s = c.openai.chat.completions.stream(
      body({ model: c.endpoints.chat, messages: [{ role: "user", content: "Three lookups" }], tools: [WEATHER_TOOL, TIME_TOOL], tool_choice: "required" }) as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming,
    );
    const seen: Chunk[] = [];
    s.on("chunk", (k) => seen.push(k));
    const final = await s.finalChatCompletion();
    expectChunkShape(seen);
    const calls = (final.choices[0]?.message.tool_calls ?? []) as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    assert.equal(calls.length, 3, "three tool calls");
    assert.deepEqual(
      calls.map((k) => [k.function.name, JSON.parse(k.function.arguments) as unknown]),
      THREE_CALLS.map((k) => [k.name, k.arguments]),
    );
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
    // Every tool-call delta carries its index; each call starts (id + name) once, in order.
    const deltas = seen.flatMap((k) => k.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    assert.ok(deltas.every((d) => typeof d.index === "number"), "every delta has an index");
    assert.deepEqual(deltas.filter((d) => d.id).map((d) => d.index), [0, 1, 2]);
    assert.ok(deltas.length > 3, "arguments arrive in several pieces");
    expectUsage(lastUsage(seen), { prompt: 30, completion: 40 }, false);
  },
};

const toolResults: ConformanceCase = {
  name: "tool results in history",
  needs: ["tools"],
  async run(c) {
    c.mock.enqueue({ text: "Paris is sunny and Tokyo is 9pm." });
    const r = await c.openai.chat.completions.create(
      body({
        model: c.endpoints.chat,
        tools: [WEATHER_TOOL, TIME_TOOL],
        messages: [
          { role: "user", content: "Weather in Paris and time in Tokyo?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_h1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
              { id: "call_h2", type: "function", function: { name: "get_time", arguments: '{"city":"Tokyo"}' } },
            ],
          },
          { role: "tool", tool_call_id: "call_h1", content: "sunny" },
          { role: "tool", tool_call_id: "call_h2", content: [{ type: "text", text: "21:00" }] },
        ],
      }),
    );
    assert.equal(r.choices[0]?.message.content, "Paris is sunny and Tokyo is 9pm.");
    const v = c.lastCall();
    assert.deepEqual(
      v.historyToolCalls().map((k) => [k.name, k.arguments]),
      [
        ["get_weather", { city: "Paris" }],
        ["get_time", { city: "Tokyo" }],
      ],
    );
    assert.deepEqual(
      v.toolResults().map((k) => k.text),
      ["sunny", "21:00"],
    );
  },
};

const SCHEMA = { type: "object", properties: { answer: { type: "integer" } }, required: ["answer"], additionalProperties: false };

const jsonSchema: ConformanceCase = {
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

const vision: ConformanceCase = {
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

const reasoning: ConformanceCase = {
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

const caching: ConformanceCase = {
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

const streamUsage: ConformanceCase = {
  name: "usage in stream",
  needs: [],
  async run(c) {
    const cached = c.fx.capabilities.has("cached-usage");
    const usage: MockUsage = cached ? { prompt: 21, completion: 9, cached: 4 } : { prompt: 21, completion: 9 };
    c.mock.enqueue({ text: "Counting tokens.", usage });
    const chunks = await collect(await c.openai.chat.completions.create(streamBody({ model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }] })));
    expectUsage(lastUsage(chunks), usage, cached);
    c.mock.enqueue({ text: "Counting tokens.", usage });
    const asked = await collect(
      await c.openai.chat.completions.create(streamBody({ model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }], stream_options: { include_usage: true } })),
    );
    expectUsage(lastUsage(asked), usage, cached);
  },
};

const FINISH_CASES: Array<{ finish: MockFinish; reply: MockReply }> = [
  { finish: "stop", reply: { text: "Done." } },
  { finish: "length", reply: { text: "Cut sh", finish: "length" } },
  { finish: "tool_calls", reply: { toolCalls: [{ id: "call_f1", name: "get_weather", arguments: { city: "Rome" } }] } },
  { finish: "content_filter", reply: { text: "", finish: "content_filter" } },
];

const finishReasons: ConformanceCase = {
  name: "every finish reason",
  needs: ["tools"],
  async run(c) {
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }], tools: [WEATHER_TOOL] };
    for (const { finish, reply } of FINISH_CASES) {
      c.mock.enqueue(reply);
      const r = await c.openai.chat.completions.create(body(req));
      assert.equal(r.choices[0]?.finish_reason, finish, `non-stream ${finish}`);
      c.mock.enqueue(reply);
      const chunks = await collect(await c.openai.chat.completions.create(streamBody(req)));
      assert.deepEqual(finishes(chunks), [finish], `stream ${finish}`);
    }
    // A value the gateway has never heard of: still a clean answer with some finish reason.
    c.mock.enqueue({ text: "Odd.", rawFinish: "brand_new_reason" });
    const odd = await c.openai.chat.completions.create(body(req));
    assert.equal(typeof odd.choices[0]?.finish_reason, "string");
    c.mock.enqueue({ text: "Odd.", rawFinish: "brand_new_reason" });
    const oddChunks = await collect(await c.openai.chat.completions.create(streamBody(req)));
    assert.equal(finishes(oddChunks).length, 1);
  },
};

const upstreamErrors: ConformanceCase = {
  name: "upstream 4xx/429/5xx",
  needs: [],
  async run(c) {
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }] };
    for (const e of [
      { status: 400, message: "The request was malformed upstream." },
      { status: 429, message: "Slow down, please.", retryAfter: "7" },
      { status: 500, message: "The provider broke." },
      { status: 503, message: "The provider is overloaded." },
    ]) {
      c.mock.enqueue({ error: e });
      const r = await c.post(chatPath(), req);
      assert.equal(r.status, e.status, `status for upstream ${e.status}`);
      const err = r.json["error"] as Record<string, unknown> | undefined;
      assert.ok(err && typeof err["message"] === "string", "OpenAI error shape");
      assert.ok((err["message"] as string).includes(e.message), `message kept: ${String(err["message"])}`);
      if (e.retryAfter) assert.equal(r.headers.get("retry-after"), e.retryAfter);
      c.mock.enqueue({ error: e });
      const sdkErr = await rejects(c.openai.chat.completions.create(body(req)));
      assert.equal(sdkErr.status, e.status);
    }
    // The same when the request asked for a stream: an error before the first byte is an ordinary error response.
    c.mock.enqueue({ error: { status: 429, message: "Slow down, please.", retryAfter: "3" } });
    const s = await c.post(chatPath(), { ...req, stream: true });
    assert.equal(s.status, 429);
  },
};

const midStream: ConformanceCase = {
  name: "mid-stream error",
  needs: [],
  async run(c) {
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }] };
    const reply: MockReply = { text: "This answer will not finish.", pieces: 4, midStreamError: { status: 529, message: "Overloaded mid-stream.", type: "overloaded_error" } };
    c.mock.enqueue(reply);
    const raw = await c.postStream(chatPath(), { ...req, stream: true });
    assert.equal(raw.status, 200);
    assert.notEqual(raw.data[raw.data.length - 1], "[DONE]", "no [DONE] after an error");
    assert.ok("error" in (JSON.parse(raw.data[raw.data.length - 1] ?? "{}") as object), "the last event is an error");
    c.mock.enqueue(reply);
    const got: Chunk[] = [];
    await rejects(
      (async () => {
        for await (const k of await c.openai.chat.completions.create(streamBody(req))) got.push(k);
      })(),
    );
    assert.ok(streamedText(got).length > 0, "content before the error reached the client");
  },
};

const truncated: ConformanceCase = {
  name: "truncated stream",
  needs: [],
  async run(c) {
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }] };
    c.mock.enqueue({ text: "This answer is cut short.", pieces: 4, truncate: true });
    const raw = await c.postStream(chatPath(), { ...req, stream: true });
    assert.notEqual(raw.data[raw.data.length - 1], "[DONE]", "a cut stream does not end cleanly");
    assert.ok("error" in (JSON.parse(raw.data[raw.data.length - 1] ?? "{}") as object));
    c.mock.enqueue({ text: "This answer is cut short.", pieces: 4, truncate: true });
    await rejects(
      (async () => {
        for await (const _ of await c.openai.chat.completions.create(streamBody(req))) void _;
      })(),
    );
  },
};

const completions: ConformanceCase = {
  name: "completions",
  needs: ["completions"],
  async run(c) {
    const model = c.endpoints.completions as string;
    c.mock.enqueue({ text: "a completed line", usage: { prompt: 4, completion: 3 } });
    const r = await c.openai.completions.create({ model, prompt: "Complete this:", max_tokens: 20 });
    assert.equal(r.object, "text_completion");
    assert.equal(r.choices[0]?.text, "a completed line");
    assert.equal(r.choices[0]?.finish_reason, "stop");
    assert.equal(r.usage?.total_tokens, 7);
    c.mock.enqueue({ text: "a completed line", pieces: 3 });
    let text = "";
    for await (const k of await c.openai.completions.create({ model, prompt: "Complete this:", stream: true })) text += k.choices[0]?.text ?? "";
    assert.equal(text, "a completed line");
  },
};

const embeddings: ConformanceCase = {
  name: "embeddings",
  needs: ["embeddings"],
  async run(c) {
    const model = c.endpoints.embeddings as string;
    const r = await c.openai.embeddings.create({ model, input: ["first text", "second text"], encoding_format: "float" });
    assert.equal(r.object, "list");
    assert.deepEqual(r.data.map((d) => d.index), [0, 1]);
    for (const d of r.data) {
      assert.equal(d.object, "embedding");
      assert.ok(Array.isArray(d.embedding) && d.embedding.length > 0 && d.embedding.every((x) => typeof x === "number"));
    }
    assert.notDeepEqual(r.data[0]?.embedding, r.data[1]?.embedding);
    assert.ok((r.usage?.prompt_tokens ?? 0) > 0, "usage reported");
    const one = await c.openai.embeddings.create({ model, input: "just one", encoding_format: "float" });
    assert.equal(one.data.length, 1);
  },
};

export const CASES: readonly ConformanceCase[] = [
  simple,
  stream,
  multiTurn,
  toolsSingle,
  toolsParallel,
  toolsStreamed,
  toolResults,
  jsonSchema,
  vision,
  reasoning,
  caching,
  streamUsage,
  finishReasons,
  upstreamErrors,
  midStream,
  truncated,
  completions,
  embeddings,
];
