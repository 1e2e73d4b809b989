// The shared OpenAI-shaped base: body shaping, URL joining, config reading, error mapping
// and the SSE reader, driven through createOpenAICompatibleProvider against tiny node:http
// servers that misbehave in ways the mock upstream does not.
// Run: node --import tsx --test src/providers/openai-compatible/openai-compatible.test.ts
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { ChatChunk, ChatRequest, JsonObject, Task } from "../../gateway/types.js";
import type { ModelProvider } from "../provider.js";
import {
  ConfigReader,
  createOpenAICompatibleProvider,
  joinUrl,
  OPERATION_PATHS,
  scrub,
  upstreamBody,
} from "./index.js";
import type { Operation } from "./index.js";
import { ctx, drain, gatewayError } from "../../../testing/provider-test-helpers.js";

// ---------------------------------------------------------------------------
// helpers

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

interface Tiny {
  url: string;
  seen: Seen[];
  setHandler(h: Handler): void;
  close(): Promise<void>;
}

async function startTiny(): Promise<Tiny> {
  const seen: Seen[] = [];
  let handler: Handler = (_req, _body, res) => {
    res.writeHead(500).end();
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    setHandler(h) {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A URL nobody listens on. */
async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const SECRET = "sk-very-secret-key-123";
const CHAT: ChatRequest = { messages: [{ role: "user", content: "hi" }] };

function provider(base: string, task: Task = "llm/v1/chat", secrets: readonly string[] = [SECRET]): ModelProvider {
  return createOpenAICompatibleProvider({
    provider: "tiny",
    task,
    bodyModel: "m",
    includeUsage: true,
    secrets,
    target: (op) => ({ url: joinUrl(base, OPERATION_PATHS[op]), headers: { authorization: `Bearer ${SECRET}` } }),
  });
}

function sse(res: ServerResponse, events: readonly string[], end = true): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const e of events) res.write(e);
  if (end) res.end();
}

const chunk = (content: string, finish: string | null = null): string =>
  `data: ${JSON.stringify({
    id: "c1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta: finish ? {} : { content }, finish_reason: finish }],
  })}\n\n`;

// ---------------------------------------------------------------------------

describe("upstreamBody", () => {
  test("sets the model, drops gateway-only fields and merges extra_params", () => {
    const req: JsonObject = {
      model: "client-said-this",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      client_request_id: "abc",
      usage_context: { team: "x" },
      extra_params: { top_k: 5, temperature: 1.5 },
    };
    const before = structuredClone(req);
    assert.deepEqual(upstreamBody(req, "gpt-x", false, true), {
      model: "gpt-x",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2, // the explicit top-level field wins over extra_params
      top_k: 5,
    });
    assert.deepEqual(req, before, "the request is not mutated");
  });

  test("an undefined model removes the client's model", () => {
    assert.deepEqual(upstreamBody({ model: "x", input: "a" }, undefined, false, true), { input: "a" });
  });

  test("non-object extra_params are ignored", () => {
    assert.deepEqual(upstreamBody({ input: "a", extra_params: [1, 2] }, "m", false, true), { model: "m", input: "a" });
    assert.deepEqual(upstreamBody({ input: "a", extra_params: "x" }, "m", false, true), { model: "m", input: "a" });
  });

  test("streaming sets stream and stream_options.include_usage, keeping other stream_options", () => {
    assert.deepEqual(upstreamBody({ prompt: "p", stream_options: { foo: 1, include_usage: false } }, "m", true, true), {
      model: "m",
      prompt: "p",
      stream: true,
      stream_options: { foo: 1, include_usage: true },
    });
  });

  test("streaming without includeUsage adds no stream_options", () => {
    assert.deepEqual(upstreamBody({ prompt: "p" }, undefined, true, false), { prompt: "p", stream: true });
  });

  test("non-streaming forces stream false only when the client sent one", () => {
    assert.deepEqual(upstreamBody({ prompt: "p", stream: true }, "m", false, true), { model: "m", prompt: "p", stream: false });
    assert.deepEqual(upstreamBody({ prompt: "p" }, "m", false, true), { model: "m", prompt: "p" });
    assert.deepEqual(upstreamBody({ prompt: "p", extra_params: { stream: true } }, "m", false, true), {
      model: "m",
      prompt: "p",
      stream: false,
    });
  });

  test(
    "extra_params cannot override the configured model",
    () => {
      assert.deepEqual(upstreamBody({ input: "a", extra_params: { model: "other" } }, "configured", false, true), {
        model: "configured",
        input: "a",
      });
      assert.deepEqual(upstreamBody({ input: "a", extra_params: { model: "other" } }, undefined, false, true), { input: "a" });
    },
  );
});

describe("joinUrl", () => {
  test("joins with and without trailing / leading slashes", () => {
    assert.equal(joinUrl("http://h/v1", "chat/completions"), "http://h/v1/chat/completions");
    assert.equal(joinUrl("http://h/v1/", "chat/completions"), "http://h/v1/chat/completions");
    assert.equal(joinUrl("http://h/v1///", "/embeddings"), "http://h/v1/embeddings");
    assert.equal(joinUrl("http://h", "completions"), "http://h/completions");
  });

  test("operation paths", () => {
    assert.deepEqual(OPERATION_PATHS, { chat: "chat/completions", completions: "completions", embeddings: "embeddings" });
  });
});

describe("scrub", () => {
  test("replaces every occurrence of every secret", () => {
    assert.equal(scrub(`a ${SECRET} b ${SECRET} c other`, [SECRET, "other"]), "a [REDACTED] b [REDACTED] c [REDACTED]");
  });
  test("leaves secrets shorter than four characters alone", () => {
    assert.equal(scrub("abc abcd", ["abc"]), "abc abcd");
    assert.equal(scrub("abc abcd", ["abcd"]), "abc [REDACTED]");
  });
});

describe("ConfigReader", () => {
  test("string, required, url, oneOf, requireCredential", () => {
    const r = new ConfigReader({ s: "x", empty: " ", num: 3, u: "https://a/b", badUrl: "ftp://a", notUrl: "nope", kind: "b", badKind: "z" });
    assert.equal(r.string("s"), "x");
    assert.equal(r.string("absent"), undefined);
    assert.equal(r.string("empty"), undefined);
    assert.equal(r.string("num"), undefined);
    assert.equal(r.required("missing"), undefined);
    assert.equal(r.url("u"), "https://a/b");
    assert.equal(r.url("badUrl"), undefined);
    assert.equal(r.url("notUrl"), undefined);
    assert.equal(r.oneOf("kind", ["a", "b"] as const, "a"), "b");
    assert.equal(r.oneOf("badKind", ["a", "b"] as const, "a"), "a");
    assert.equal(r.oneOf("absentKind", ["a", "b"] as const, "a"), "a");
    r.requireCredential("key", () => false);
    r.requireCredential("given", () => true);
    assert.deepEqual(
      r.issues.map((i) => i.field),
      ["empty", "num", "missing", "badUrl", "notUrl", "badKind", "key"],
    );
    assert.match(r.issues.find((i) => i.field === "key")?.message ?? "", /key_plaintext/);
    assert.deepEqual(r.result({ a: 1 }), { issues: r.issues });
  });

  test("required reports an invalid value once", () => {
    const r = new ConfigReader({ f: 7 });
    r.required("f");
    assert.equal(r.issues.length, 1);
    assert.deepEqual(new ConfigReader({}).result({ a: 1 }), { config: { a: 1 } });
  });
});

describe("createOpenAICompatibleProvider", () => {
  test("offers only the operations of its task", () => {
    const ops = (t: Task): string[] => Object.keys(provider("http://x", t)).sort();
    assert.deepEqual(ops("llm/v1/chat"), ["chat", "chatStream"]);
    assert.deepEqual(ops("llm/v1/completions"), ["complete", "completeStream"]);
    assert.deepEqual(ops("llm/v1/embeddings"), ["embed"]);
  });

  let tiny: Tiny;
  before(async () => {
    tiny = await startTiny();
  });
  after(async () => {
    await tiny.close();
  });
  beforeEach(() => {
    tiny.seen.length = 0;
  });

  test("target gets the operation and the call's signal; its headers override the defaults", async () => {
    const calls: { op: Operation; signal: AbortSignal }[] = [];
    const p = createOpenAICompatibleProvider({
      provider: "tiny",
      task: "llm/v1/embeddings",
      bodyModel: "m",
      includeUsage: false,
      secrets: [],
      target: async (op, signal) => {
        calls.push({ op, signal });
        return { url: `${tiny.url}/x/embeddings`, headers: { accept: "application/x-custom", "x-extra": "1" } };
      },
    });
    tiny.setHandler((_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [], model: "m" }));
    });
    const signal = new AbortController().signal;
    assert.ok(p.embed);
    const out = await p.embed({ input: "a" }, ctx(signal));
    assert.deepEqual(out, { object: "list", data: [], model: "m" });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.op, "embeddings");
    assert.equal(calls[0]?.signal, signal);
    const seen = tiny.seen[0];
    assert.ok(seen);
    assert.equal(seen.method, "POST");
    assert.equal(seen.url, "/x/embeddings");
    assert.equal(seen.headers["content-type"], "application/json");
    assert.equal(seen.headers["accept"], "application/x-custom");
    assert.equal(seen.headers["x-extra"], "1");
    assert.deepEqual(JSON.parse(seen.body), { model: "m", input: "a" });
  });

  test("a 2xx body that is not JSON is a 502", async () => {
    tiny.setHandler((_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/plain" }).end("<html>oops</html>");
    });
    const p = provider(tiny.url);
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(CHAT, ctx()));
    assert.equal(err.status, 502);
    assert.equal(err.kind, ERROR_KINDS.UPSTREAM_ERROR);
    assert.match(err.message, /not JSON/);
  });

  test("a 2xx JSON answer is handed on as sent: the gateway checks its shape against the task (gateway/response-shape.ts)", async () => {
    tiny.setHandler((_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end("42");
    });
    const p = provider(tiny.url);
    assert.ok(p.chat);
    assert.equal(await p.chat(CHAT, ctx()), 42);
  });

  test("an upstream error echoing the credential is scrubbed from message and body", async () => {
    tiny.setHandler((req, _body, res) => {
      const auth = String(req.headers["authorization"] ?? "");
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: `Incorrect API key provided: ${auth}`, code: "invalid_api_key" } }));
    });
    const p = provider(tiny.url);
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(CHAT, ctx()));
    assert.equal(err.status, 401);
    assert.equal(err.kind, ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED);
    assert.equal(err.openaiCode, "invalid_api_key");
    assert.equal(err.message, "Received error from tiny (HTTP 401): Incorrect API key provided: Bearer [REDACTED]");
    assert.ok(!err.message.includes(SECRET));
    assert.ok(!JSON.stringify(err.upstream).includes(SECRET));
    assert.equal(err.upstream?.provider, "tiny");
    assert.equal(err.upstream?.status, 401);
    assert.equal(err.retryAfter, undefined);
  });

  test("a plain-text error body is kept as the message", async () => {
    tiny.setHandler((_req, _body, res) => {
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "3" }).end(`overloaded ${SECRET}`);
    });
    const p = provider(tiny.url);
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(CHAT, ctx()));
    assert.equal(err.status, 503);
    assert.equal(err.kind, ERROR_KINDS.UPSTREAM_UNAVAILABLE);
    assert.equal(err.retryAfter, "3");
    assert.equal(err.message, "Received error from tiny (HTTP 503): overloaded [REDACTED]");
    assert.equal(err.upstream?.body, "overloaded [REDACTED]");
  });

  test("an empty error body says the HTTP status", async () => {
    tiny.setHandler((_req, _body, res) => {
      res.writeHead(418).end();
    });
    const p = provider(tiny.url);
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(CHAT, ctx()));
    assert.equal(err.status, 418);
    assert.equal(err.message, "Received error from tiny (HTTP 418): HTTP 418");
  });

  test("connection refused is a 503", async () => {
    const p = provider(await closedPortUrl());
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(CHAT, ctx()));
    assert.equal(err.status, 503);
    assert.equal(err.kind, ERROR_KINDS.UPSTREAM_UNAVAILABLE);
    assert.match(err.message, /Could not reach tiny: ECONNREFUSED/);
  });

  test("an abort before the response is rethrown as the abort, not a GatewayError", async () => {
    tiny.setHandler(() => {
      /* never answer */
    });
    const ac = new AbortController();
    const p = provider(tiny.url);
    assert.ok(p.chat);
    const pending = p.chat(CHAT, ctx(ac.signal));
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(pending, (err: unknown) => !(err instanceof GatewayError));
  });

  describe("streams", () => {
    test("a stream split across writes, ending with [DONE]", async () => {
      tiny.setHandler((_req, _body, res) => {
        const all = chunk("Hel") + chunk("lo") + chunk("", "stop") + "data: [DONE]\n\n";
        res.writeHead(200, { "content-type": "text/event-stream" });
        // one byte-aligned split in the middle of an event
        res.write(all.slice(0, 37));
        setTimeout(() => res.end(all.slice(37)), 10);
      });
      const p = provider(tiny.url);
      assert.ok(p.chatStream);
      const chunks = await drain<ChatChunk>(await p.chatStream(CHAT, ctx()));
      assert.equal(chunks.length, 3);
      assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), "Hello");
      // The last one: under load, the aborted request of the test before can reach the server after this test began.
      const seen = tiny.seen.at(-1);
      assert.ok(seen);
      assert.equal(seen.headers["accept"], "text/event-stream");
      assert.deepEqual(JSON.parse(seen.body), {
        model: "m",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
        stream_options: { include_usage: true },
      });
    });

    test("a stream that ends after a finish_reason but without [DONE] ends cleanly", async () => {
      tiny.setHandler((_req, _body, res) => sse(res, [chunk("a"), chunk("", "stop")]));
      const p = provider(tiny.url);
      assert.ok(p.chatStream);
      assert.equal((await drain(await p.chatStream(CHAT, ctx()))).length, 2);
    });

    test("a stream that ends with neither is truncated", async () => {
      tiny.setHandler((_req, _body, res) => sse(res, [chunk("a")]));
      const p = provider(tiny.url);
      assert.ok(p.chatStream);
      const err = await gatewayError(drain(await p.chatStream(CHAT, ctx())));
      assert.equal(err.status, 502);
      assert.match(err.message, /ended before it was complete/);
    });

    test("malformed data is a 502", async () => {
      tiny.setHandler((_req, _body, res) => sse(res, [chunk("a"), "data: {not json\n\n"]));
      const p = provider(tiny.url);
      assert.ok(p.chatStream);
      const err = await gatewayError(drain(await p.chatStream(CHAT, ctx())));
      assert.equal(err.status, 502);
      assert.match(err.message, /malformed stream data/);
    });

    test("a mid-stream error echoing the credential is scrubbed from the message", async () => {
      tiny.setHandler((_req, _body, res) =>
        sse(res, [chunk("a"), `data: ${JSON.stringify({ error: { message: `key ${SECRET} revoked` } })}\n\n`]),
      );
      const p = provider(tiny.url);
      assert.ok(p.chatStream);
      const err = await gatewayError(drain(await p.chatStream(CHAT, ctx())));
      assert.equal(err.status, 502);
      assert.equal(err.message, "Received error from tiny mid-stream: key [REDACTED] revoked");
    });

    test(
      "a mid-stream error echoing the credential is scrubbed from upstream.body",
      async () => {
        tiny.setHandler((_req, _body, res) =>
          sse(res, [chunk("a"), `data: ${JSON.stringify({ error: { message: `key ${SECRET} revoked` } })}\n\n`]),
        );
        const p = provider(tiny.url);
        assert.ok(p.chatStream);
        const err = await gatewayError(drain(await p.chatStream(CHAT, ctx())));
        assert.ok(!JSON.stringify(err.upstream).includes(SECRET));
      },
    );

    test("an error before the first byte rejects the stream call itself", async () => {
      tiny.setHandler((_req, _body, res) => {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "2" }).end(JSON.stringify({ error: { message: "slow down" } }));
      });
      const p = provider(tiny.url);
      assert.ok(p.chatStream);
      const err = await gatewayError(p.chatStream(CHAT, ctx()));
      assert.equal(err.status, 429);
      assert.equal(err.retryAfter, "2");
    });

    test("a connection reset mid-stream is a GatewayError", async () => {
      tiny.setHandler((req, _body, res) => {
        sse(res, [chunk("a")], false);
        setTimeout(() => req.socket.destroy(), 20);
      });
      const p = provider(tiny.url);
      assert.ok(p.chatStream);
      const err = await gatewayError(drain(await p.chatStream(CHAT, ctx())));
      assert.equal(err.status, 502);
    });
  });
});
