// Proves the mock faithful by driving it with the official `openai` SDK (v6).
// Run: node --import tsx --test testing/mock-openai/mock-openai.test.ts
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import OpenAI, { AzureOpenAI } from "openai";
import {
  MOCK_CONTENT,
  MOCK_MIDSTREAM_ERROR_MESSAGE,
  MOCK_MODEL,
  embedText,
  startMockOpenAI,
} from "./index.js";
import type { MockOpenAI, RecordedRequest } from "./index.js";

const MESSAGES: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "What is the weather?" }];
const TOOLS: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: "function",
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
    },
  },
  { type: "function", function: { name: "other_tool", parameters: { type: "object", properties: {} } } },
];

let mock: MockOpenAI;
let client: OpenAI;

function lastRequest(): RecordedRequest {
  const r = mock.requests.at(-1);
  assert.ok(r, "expected a recorded request");
  return r;
}

function bodyOf(r: RecordedRequest): Record<string, unknown> {
  assert.ok(typeof r.body === "object" && r.body !== null && !Array.isArray(r.body), "expected a JSON object body");
  return r.body as Record<string, unknown>;
}

function norm(v: readonly number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

before(async () => {
  mock = await startMockOpenAI();
  client = new OpenAI({ baseURL: mock.url + "/v1", apiKey: "sk-test", maxRetries: 0 });
});

after(async () => {
  await mock.close();
});

beforeEach(() => mock.reset());

describe("chat completions", () => {
  test("non-streaming", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: MESSAGES });
    assert.match(res.id, /^chatcmpl-mock/);
    assert.equal(res.object, "chat.completion");
    assert.equal(res.model, "gpt-4o-mini");
    assert.ok(Number.isInteger(res.created) && Math.abs(res.created - Date.now() / 1000) < 5);
    assert.equal(res.choices.length, 1);
    assert.deepEqual(res.choices[0], {
      index: 0,
      message: { role: "assistant", content: MOCK_CONTENT, refusal: null },
      logprobs: null,
      finish_reason: "stop",
    });
    const usage = res.usage;
    assert.ok(usage);
    assert.ok(usage.prompt_tokens > 0);
    assert.ok(usage.completion_tokens > 0);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal(usage.prompt_tokens_details?.cached_tokens, 0);
    assert.equal(usage.completion_tokens_details?.reasoning_tokens, 0);
    assert.match(res._request_id ?? "", /^req_mock/);

    // What the SDK sent, as recorded.
    const r = lastRequest();
    assert.equal(r.method, "POST");
    assert.equal(r.path, "/v1/chat/completions");
    assert.equal(r.query, "");
    assert.equal(r.headers["authorization"], "Bearer sk-test");
    assert.equal(r.headers["content-type"], "application/json");
    assert.match(r.headers["user-agent"] ?? "", /OpenAI\/JS/);
    assert.deepEqual(r.body, { model: "gpt-4o-mini", messages: MESSAGES });
  });

  test("model defaults to mock-model when absent", async () => {
    const res = await fetch(mock.url + "/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: MESSAGES }),
    });
    assert.equal(res.status, 200);
    const json = (await res.json()) as { model: string };
    assert.equal(json.model, MOCK_MODEL);
  });

  test("streaming: deltas reassemble to the non-stream content", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o", messages: MESSAGES, stream: true });
    const deltas: string[] = [];
    const finishes: (string | null)[] = [];
    let first = true;
    for await (const chunk of stream) {
      assert.equal(chunk.object, "chat.completion.chunk");
      assert.equal(chunk.model, "gpt-4o");
      const choice = chunk.choices[0];
      assert.ok(choice);
      if (first) {
        assert.deepEqual(choice.delta, { role: "assistant", content: "" });
        first = false;
      }
      if (typeof choice.delta.content === "string" && choice.delta.content !== "") deltas.push(choice.delta.content);
      finishes.push(choice.finish_reason);
      assert.equal("usage" in chunk, false, "no usage key without include_usage");
    }
    assert.ok(deltas.length >= 3, "content arrives as several word deltas");
    assert.equal(deltas.join(""), MOCK_CONTENT);
    assert.equal(finishes.at(-1), "stop");
    assert.ok(finishes.slice(0, -1).every((f) => f === null));
    assert.equal(bodyOf(lastRequest())["stream"], true);
  });

  test("streaming with include_usage: usage chunk last, usage:null before", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    assert.ok(last);
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage);
    assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + last.usage.completion_tokens);
    for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null);
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "stop");
  });

  test("n: 2 gives two choices (plain and streamed)", async () => {
    const res = await client.chat.completions.create({ model: "m", messages: MESSAGES, n: 2 });
    assert.deepEqual(
      res.choices.map((c) => [c.index, c.message.content, c.finish_reason]),
      [
        [0, MOCK_CONTENT, "stop"],
        [1, MOCK_CONTENT, "stop"],
      ],
    );
    const stream = await client.chat.completions.create({ model: "m", messages: MESSAGES, n: 2, stream: true });
    const text = ["", ""];
    for await (const chunk of stream) {
      for (const c of chunk.choices) text[c.index] += c.delta.content ?? "";
    }
    assert.deepEqual(text, [MOCK_CONTENT, MOCK_CONTENT]);
  });

  test("max_tokens below the reply length truncates with finish_reason length", async () => {
    const res = await client.chat.completions.create({ model: "m", messages: MESSAGES, max_completion_tokens: 2 });
    assert.equal(res.choices[0]?.message.content, "Hello from");
    assert.equal(res.choices[0]?.finish_reason, "length");
  });

  test("tools: two tool calls, non-streaming", async () => {
    const res = await client.chat.completions.create({ model: "m", messages: MESSAGES, tools: TOOLS });
    const choice = res.choices[0];
    assert.ok(choice);
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.content, null);
    const calls = choice.message.tool_calls ?? [];
    assert.equal(calls.length, 2);
    const parsed = calls.map((c) => {
      assert.equal(c.type, "function");
      assert.ok(c.type === "function");
      assert.match(c.id, /^call_/);
      return [c.function.name, JSON.parse(c.function.arguments) as unknown];
    });
    assert.deepEqual(parsed, [
      ["get_weather", { location: "Paris" }],
      ["get_weather", { location: "London" }],
    ]);
    assert.notEqual(calls[0]?.id, calls[1]?.id);
    assert.deepEqual(bodyOf(lastRequest())["tools"], TOOLS);
  });

  test("tools with tool_choice none answer in text", async () => {
    const res = await client.chat.completions.create({ model: "m", messages: MESSAGES, tools: TOOLS, tool_choice: "none" });
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
    assert.equal(res.choices[0]?.finish_reason, "stop");
  });

  test("tools: streamed tool calls reassemble by index", async () => {
    const stream = await client.chat.completions.create({ model: "m", messages: MESSAGES, tools: TOOLS, stream: true });
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.finish_reason) finish = choice.finish_reason;
      for (const tc of choice.delta.tool_calls ?? []) {
        const cur = calls.get(tc.index);
        if (!cur) {
          // First delta of a call: index, id, type, name, empty arguments.
          assert.ok(tc.id);
          assert.equal(tc.type, "function");
          assert.equal(tc.function?.arguments, "");
          calls.set(tc.index, { id: tc.id, name: tc.function?.name ?? "", args: "" });
        } else {
          // Later deltas: only index and argument fragments.
          assert.deepEqual(Object.keys(tc).sort(), ["function", "index"]);
          cur.args += tc.function?.arguments ?? "";
        }
      }
    }
    assert.equal(finish, "tool_calls");
    assert.equal(calls.size, 2);
    assert.deepEqual(
      [...calls.entries()].map(([i, c]) => [i, c.name, JSON.parse(c.args) as unknown]),
      [
        [0, "get_weather", { location: "Paris" }],
        [1, "get_weather", { location: "London" }],
      ],
    );
  });

  test("the SDK's stream helper accumulates tool calls too", async () => {
    const runner = client.chat.completions.stream({ model: "m", messages: MESSAGES, tools: TOOLS });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    assert.deepEqual(
      calls.map((c) => (c.type === "function" ? JSON.parse(c.function.arguments) : null) as unknown),
      [{ location: "Paris" }, { location: "London" }],
    );
  });
});

describe("completions", () => {
  test("plain", async () => {
    const res = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say hello" });
    assert.match(res.id, /^cmpl-mock/);
    assert.equal(res.object, "text_completion");
    assert.equal(res.model, "gpt-3.5-turbo-instruct");
    assert.deepEqual(res.choices, [{ text: MOCK_CONTENT, index: 0, logprobs: null, finish_reason: "stop" }]);
    assert.ok(res.usage);
    assert.equal(res.usage.total_tokens, res.usage.prompt_tokens + res.usage.completion_tokens);
    assert.equal(lastRequest().path, "/v1/completions");
  });

  test("streaming with include_usage", async () => {
    const stream = await client.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: "Say hello",
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.equal(chunk.object, "text_completion");
      for (const c of chunk.choices) {
        text += c.text;
        if (c.finish_reason) finish = c.finish_reason;
      }
      usage = chunk.usage;
    }
    assert.ok(chunks >= 4);
    assert.equal(text, MOCK_CONTENT);
    assert.equal(finish, "stop");
    assert.ok(usage && usage.completion_tokens > 0);
  });
});

describe("embeddings", () => {
  test("string input: SDK asks for base64 and decodes it", async () => {
    const res = await client.embeddings.create({ model: "text-embedding-3-small", input: "hello world" });
    assert.equal(bodyOf(lastRequest())["encoding_format"], "base64", "SDK v6 defaults to base64");
    assert.equal(res.object, "list");
    assert.equal(res.model, "text-embedding-3-small");
    assert.equal(res.data.length, 1);
    const e = res.data[0];
    assert.ok(e);
    assert.equal(e.object, "embedding");
    assert.equal(e.index, 0);
    assert.equal(e.embedding.length, 8);
    assert.ok(e.embedding.every((x) => typeof x === "number" && Number.isFinite(x)));
    assert.ok(Math.abs(norm(e.embedding) - 1) < 1e-5);
    assert.deepEqual(e.embedding, embedText("hello world"));
    assert.ok(res.usage.prompt_tokens > 0);
    assert.equal(res.usage.total_tokens, res.usage.prompt_tokens);
  });

  test("array input: one deterministic vector per string", async () => {
    const res = await client.embeddings.create({ model: "e", input: ["alpha", "beta", "alpha"] });
    assert.deepEqual(
      res.data.map((d) => d.index),
      [0, 1, 2],
    );
    const [a, b, c] = res.data.map((d) => d.embedding);
    assert.ok(a && b && c);
    assert.deepEqual(a, c);
    assert.notDeepEqual(a, b);
    for (const v of [a, b]) assert.ok(Math.abs(norm(v) - 1) < 1e-5);
  });

  test("encoding_format float returns the same numbers; dimensions honoured", async () => {
    const res = await client.embeddings.create({ model: "e", input: "hello world", encoding_format: "float" });
    assert.deepEqual(res.data[0]?.embedding, embedText("hello world"));
    const wide = await client.embeddings.create({ model: "e", input: "x", dimensions: 32 });
    assert.equal(wide.data[0]?.embedding.length, 32);
  });
});

describe("models and routing", () => {
  test("models.list", async () => {
    const page = await client.models.list();
    assert.deepEqual(
      page.data.map((m) => [m.id, m.object, m.owned_by]),
      [[MOCK_MODEL, "model", "mock"]],
    );
    const r = lastRequest();
    assert.equal(r.method, "GET");
    assert.equal(r.path, "/v1/models");
    assert.equal(r.body, undefined);
  });

  test("routes are matched by suffix under any prefix", async () => {
    for (const prefix of ["", "/studio/v1", "/some/gateway/openai/v1"]) {
      const c = new OpenAI({ baseURL: mock.url + prefix, apiKey: "k", maxRetries: 0 });
      const res = await c.chat.completions.create({ model: "m", messages: MESSAGES });
      assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
      assert.equal(lastRequest().path, `${prefix}/chat/completions`);
    }
  });

  test("AzureOpenAI client: deployment path, api-version query, api-key header", async () => {
    const azure = new AzureOpenAI({
      endpoint: mock.url,
      apiKey: "k",
      apiVersion: "2024-10-21",
      deployment: "dep1",
      maxRetries: 0,
    });
    const res = await azure.chat.completions.create({ model: "gpt-4o", messages: MESSAGES });
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
    const r = lastRequest();
    assert.equal(r.path, "/openai/deployments/dep1/chat/completions");
    assert.match(r.query, /(^|&)api-version=2024-10-21(&|$)/);
    assert.equal(r.headers["api-key"], "k");
    assert.equal(r.headers["authorization"], undefined);

    const emb = await azure.embeddings.create({ model: "e", input: "hi" });
    assert.equal(emb.data[0]?.embedding.length, 8);
    assert.equal(lastRequest().path, "/openai/deployments/dep1/embeddings");
  });

  test("Databricks invocations dispatch on the body shape; model = endpoint name", async () => {
    const post = async (body: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(mock.url + "/serving-endpoints/my-endpoint/invocations", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer dapi-x" },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 200);
      return (await res.json()) as Record<string, unknown>;
    };
    const chat = await post({ messages: MESSAGES });
    assert.equal(chat["object"], "chat.completion");
    assert.equal(chat["model"], "my-endpoint");
    const cmpl = await post({ prompt: "hi" });
    assert.equal(cmpl["object"], "text_completion");
    const emb = await post({ input: ["a", "b"] });
    assert.equal(emb["object"], "list");
    assert.equal((emb["data"] as unknown[]).length, 2);
    assert.equal(lastRequest().headers["authorization"], "Bearer dapi-x");

    // Streaming works on invocations too.
    const res = await fetch(mock.url + "/serving-endpoints/my-endpoint/invocations", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: MESSAGES, stream: true }),
    });
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    const text = await res.text();
    assert.ok(text.endsWith("data: [DONE]\n\n"));
  });

  test("unknown path → 404 OpenAI error body; invalid JSON → 400", async () => {
    const nf = await fetch(mock.url + "/v1/nope", { method: "POST", body: "{}" });
    assert.equal(nf.status, 404);
    const nfBody = (await nf.json()) as { error: { message: string; type: string; param: unknown; code: unknown } };
    assert.equal(nfBody.error.type, "invalid_request_error");
    assert.match(nfBody.error.message, /Invalid URL \(POST \/v1\/nope\)/);

    const bad = await fetch(mock.url + "/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(bad.status, 400);
    const badBody = (await bad.json()) as { error: { message: string; type: string } };
    assert.equal(badBody.error.type, "invalid_request_error");
    assert.match(badBody.error.message, /could not parse the JSON body/);
    assert.equal(lastRequest().body, "{not json", "invalid JSON is recorded as raw text");
  });

  test("record: false keeps no requests", async () => {
    const quiet = await startMockOpenAI({ record: false });
    try {
      const c = new OpenAI({ baseURL: quiet.url + "/v1", apiKey: "k", maxRetries: 0 });
      await c.chat.completions.create({ model: "m", messages: MESSAGES });
      assert.equal(quiet.requests.length, 0);
    } finally {
      await quiet.close();
    }
  });
});

describe("behaviour switches", () => {
  test("error-429 → RateLimitError with retry-after", async () => {
    await assert.rejects(client.chat.completions.create({ model: "error-429", messages: MESSAGES }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.status, 429);
      assert.equal(err.message, "429 Mock error 429");
      assert.equal(err.code, "rate_limit_exceeded");
      assert.equal(err.headers?.get("retry-after"), "7");
      return true;
    });
  });

  test("error-404 → NotFoundError model_not_found", async () => {
    await assert.rejects(client.chat.completions.create({ model: "error-404", messages: MESSAGES }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.equal(err.status, 404);
      assert.equal(err.code, "model_not_found");
      assert.equal(err.message, "404 The model `error-404` does not exist");
      return true;
    });
  });

  test("error-400 / error-500 / error-503 map to the SDK's error classes", async () => {
    await assert.rejects(client.completions.create({ model: "error-400", prompt: "x" }), OpenAI.BadRequestError);
    await assert.rejects(client.embeddings.create({ model: "error-500", input: "x" }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.InternalServerError);
      assert.equal(err.status, 500);
      assert.equal(err.type, "server_error");
      return true;
    });
    // Header overrides the model; a streaming request fails before any chunk.
    await assert.rejects(
      client.chat.completions.create(
        { model: "gpt-4o", messages: MESSAGES, stream: true },
        { headers: { "x-mock-behavior": "error-503" } },
      ),
      (err: unknown) => err instanceof OpenAI.InternalServerError && err.status === 503,
    );
    // Also on GET /models, where only the header can choose.
    await assert.rejects(client.models.list({ headers: { "x-mock-behavior": "error-401" } }), OpenAI.AuthenticationError);
  });

  test("slow-<ms> delays the response and the gaps between stream chunks", async () => {
    let t0 = performance.now();
    await client.chat.completions.create({ model: "slow-60", messages: MESSAGES });
    assert.ok(performance.now() - t0 >= 55);

    t0 = performance.now();
    const stream = await client.chat.completions.create({ model: "slow-15", messages: MESSAGES, stream: true });
    const tHeaders = performance.now() - t0;
    assert.ok(tHeaders >= 12);
    let chunks = 0;
    let text = "";
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
    }
    const total = performance.now() - t0;
    assert.equal(text, MOCK_CONTENT);
    // 6 chunks + [DONE] → 6 gaps after the headers wait.
    assert.equal(chunks, 6);
    assert.ok(total >= 15 + 6 * 15 - 10, `total ${total}`);
  });

  test("midstream-error: the SDK throws an APIError from the iteration", async () => {
    // openai v6 core/streaming: a data line whose JSON has an `error` key makes the
    // iterator throw `new APIError(undefined, data.error, undefined, headers)`:
    // no status, message taken from error.message, a plain APIError (no subclass).
    const stream = await client.chat.completions.create({ model: "midstream-error", messages: MESSAGES, stream: true });
    let text = "";
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      })(),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError);
        assert.equal(err.constructor, OpenAI.APIError);
        assert.equal(err.status, undefined);
        assert.equal(err.message, MOCK_MIDSTREAM_ERROR_MESSAGE);
        assert.equal(err.type, "server_error");
        return true;
      },
    );
    assert.equal(text, "Hello from");
  });

  test("truncated: stream ends without finish_reason or [DONE]; the SDK iteration just stops", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: MESSAGES,
      stream: true,
    }, { headers: { "x-mock-behavior": "truncated" } });
    let text = "";
    const finishes: (string | null)[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finishes.push(chunk.choices[0]?.finish_reason ?? null);
    }
    assert.equal(text, "Hello from");
    assert.ok(finishes.every((f) => f === null));

    const raw = await fetch(mock.url + "/v1/completions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-mock-behavior": "truncated" },
      body: JSON.stringify({ model: "m", prompt: "x", stream: true }),
    });
    const body = await raw.text();
    assert.equal(body.split("\n\n").filter(Boolean).length, 2);
    assert.ok(!body.includes("[DONE]"));
  });

  test("hang-stream: aborting the SDK call is counted as a disconnect", async () => {
    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "hang-stream", messages: MESSAGES, stream: true },
      { signal: ac.signal },
    );
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      assert.deepEqual(chunk.choices[0]?.delta, { role: "assistant", content: "" });
      ac.abort(); // the SDK swallows the abort and ends the iteration
    }
    assert.equal(chunks, 1);
    await mock.waitForDisconnects(1, 2000);
    assert.equal(mock.disconnects, 1);

    // Completed requests are not disconnects.
    await client.chat.completions.create({ model: "m", messages: MESSAGES });
    assert.equal(mock.disconnects, 1);
    mock.reset();
    assert.equal(mock.disconnects, 0);
    assert.equal(mock.requests.length, 0);
  });
});

describe("CLI", () => {
  test("main.ts prints its URL, serves, and exits cleanly on SIGTERM", async () => {
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", main, "--port", "0", "--no-record"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let out = "";
      child.stdout.setEncoding("utf8");
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (s: string) => {
          out += s;
          const m = /^mock-openai listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      });
      const c = new OpenAI({ baseURL: url + "/v1", apiKey: "k", maxRetries: 0 });
      const res = await c.chat.completions.create({ model: "m", messages: MESSAGES });
      assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.equal(signal, null);
      assert.equal(code, 0);
      assert.equal(out.trim().split("\n").length, 1, "exactly one stdout line");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
