// The `databricks-model-serving` provider (another Databricks-shaped serving endpoint),
// driven directly through its definition against the mock upstream's
// `/serving-endpoints/<name>/invocations` route.
// Run: node --import tsx --test src/providers/databricks-model-serving/databricks-model-serving.test.ts
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { ERROR_KINDS } from "../../gateway/errors.js";
import type { ChatRequest, JsonObject, Task } from "../../gateway/types.js";
import { MOCK_CONTENT, MOCK_MIDSTREAM_ERROR_MESSAGE, embedText, startMockOpenAI } from "../../../testing/mock-openai/index.js";
import type { MockOpenAI, RecordedRequest } from "../../../testing/mock-openai/index.js";
import type { ModelProvider } from "../provider.js";
import { getProvider } from "../registry.js";
import { databricksModelServingProvider as dbx } from "./index.js";
import { configOf, ctx, drain, fieldsOf, gatewayError, has, text } from "../../../testing/provider-test-helpers.js";

const TOKEN = "dapi-0123456789abcdef";
const MESSAGES = [{ role: "user", content: "Ping" }];

function chatReq(extra: JsonObject = {}): ChatRequest {
  return { messages: MESSAGES.map((m) => ({ ...m })), ...extra };
}

let mock: MockOpenAI;

function last(): RecordedRequest {
  const r = mock.requests.at(-1);
  assert.ok(r, "expected a request at the mock");
  return r;
}

function endpoint(name: string, task: Task = "llm/v1/chat", workspace = mock.url): ModelProvider {
  const config = configOf(dbx.parseConfig({ databricks_workspace_url: workspace }, has("databricks_api_token")));
  return dbx.create({ model: name, task, config, credentials: new Map([["databricks_api_token", TOKEN]]) });
}

before(async () => {
  mock = await startMockOpenAI();
});
after(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

describe("definition", () => {
  test("is registered under `databricks-model-serving`", () => {
    assert.equal(getProvider("databricks-model-serving"), dbx);
    assert.equal(dbx.configKey, "databricks_model_serving_config");
    assert.deepEqual([...dbx.tasks], ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"]);
    assert.deepEqual([...dbx.credentialFields], ["databricks_api_token"]);
  });
});

describe("parseConfig", () => {
  test("token and workspace URL are required", () => {
    assert.deepEqual(fieldsOf(dbx.parseConfig({}, has())), ["databricks_api_token", "databricks_workspace_url"]);
    assert.deepEqual(fieldsOf(dbx.parseConfig({ databricks_workspace_url: "https://w.cloud.databricks.com" }, has())), [
      "databricks_api_token",
    ]);
    assert.deepEqual(fieldsOf(dbx.parseConfig({}, has("databricks_api_token"))), ["databricks_workspace_url"]);
  });
  test("a bad URL is reported once", () => {
    for (const bad of ["w.cloud.databricks.com", "ftp://w", 3]) {
      assert.deepEqual(fieldsOf(dbx.parseConfig({ databricks_workspace_url: bad }, has("databricks_api_token"))), ["databricks_workspace_url"]);
    }
  });
  test("a good config", () => {
    assert.deepEqual(configOf(dbx.parseConfig({ databricks_workspace_url: "https://w.cloud.databricks.com/" }, has("databricks_api_token"))), {
      databricks_workspace_url: "https://w.cloud.databricks.com/",
    });
  });
});

describe("calls", () => {
  test("chat: invocations URL, bearer token, no model, gateway fields removed", async () => {
    const p = endpoint("my-endpoint");
    assert.ok(p.chat);
    const res = await p.chat(
      chatReq({ model: "client-model", temperature: 0, client_request_id: "c", usage_context: { x: 1 }, extra_params: { top_k: 2, temperature: 1 } }),
      ctx(),
    );
    const r = last();
    assert.equal(r.method, "POST");
    assert.equal(r.path, "/serving-endpoints/my-endpoint/invocations");
    assert.equal(r.query, "");
    assert.equal(r.headers["authorization"], `Bearer ${TOKEN}`);
    assert.deepEqual(r.body, { top_k: 2, temperature: 0, messages: MESSAGES });
    assert.equal(res.model, "my-endpoint");
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
  });

  test("a workspace URL with a trailing slash; an endpoint name needing encoding", async () => {
    const p = endpoint("team endpoint/v2", "llm/v1/chat", `${mock.url}/`);
    assert.ok(p.chat);
    await p.chat(chatReq(), ctx());
    assert.equal(last().path, "/serving-endpoints/team%20endpoint%2Fv2/invocations");
  });

  test("chatStream: stream true, no stream_options", async () => {
    const p = endpoint("my-endpoint");
    assert.ok(p.chatStream);
    const chunks = await drain(await p.chatStream(chatReq(), ctx()));
    assert.equal(last().headers["accept"], "text/event-stream");
    assert.deepEqual(last().body, { messages: MESSAGES, stream: true });
    assert.equal(text(chunks), MOCK_CONTENT);
    assert.ok(chunks.every((c) => c.usage === undefined));
  });

  test("a client's own stream_options pass through untouched", async () => {
    const p = endpoint("my-endpoint");
    assert.ok(p.chatStream);
    await drain(await p.chatStream(chatReq({ stream_options: { include_usage: true } }), ctx()));
    assert.deepEqual(last().body, { messages: MESSAGES, stream_options: { include_usage: true }, stream: true });
  });

  test("completions and embeddings go to the same invocations URL", async () => {
    const c = endpoint("cmpl-endpoint", "llm/v1/completions");
    assert.ok(c.complete && c.completeStream);
    const res = await c.complete({ prompt: "x", max_tokens: 1 }, ctx());
    assert.equal(last().path, "/serving-endpoints/cmpl-endpoint/invocations");
    assert.deepEqual(last().body, { prompt: "x", max_tokens: 1 });
    assert.equal(res.choices[0]?.text, "Hello");
    const chunks = await drain(await c.completeStream({ prompt: "x" }, ctx()));
    assert.deepEqual(last().body, { prompt: "x", stream: true });
    assert.equal(chunks.map((x) => x.choices[0]?.text ?? "").join(""), MOCK_CONTENT);

    const e = endpoint("emb-endpoint", "llm/v1/embeddings");
    assert.ok(e.embed);
    const out = await e.embed({ input: ["q"], extra_params: { dimensions: 3 } }, ctx());
    assert.equal(last().path, "/serving-endpoints/emb-endpoint/invocations");
    assert.deepEqual(last().body, { dimensions: 3, input: ["q"] });
    assert.equal(out.model, "emb-endpoint");
    assert.deepEqual(out.data[0]?.embedding, embedText("q", 3));
  });

  test("429 keeps status, Retry-After and message", async () => {
    const p = endpoint("error-429");
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(chatReq(), ctx()));
    assert.equal(err.status, 429);
    assert.equal(err.kind, ERROR_KINDS.RATE_LIMITED);
    assert.equal(err.retryAfter, "7");
    assert.equal(err.message, "Received error from databricks-model-serving (HTTP 429): Mock error 429");
  });

  test("404 and 500", async () => {
    const p404 = endpoint("error-404", "llm/v1/embeddings");
    assert.ok(p404.embed);
    const e404 = await gatewayError(p404.embed({ input: "x" }, ctx()));
    assert.equal(e404.status, 404);
    assert.equal(e404.kind, ERROR_KINDS.UPSTREAM_MODEL_NOT_FOUND);
    const p500 = endpoint("error-500");
    assert.ok(p500.chat);
    const e500 = await gatewayError(p500.chat(chatReq(), ctx()));
    assert.equal(e500.status, 500);
    assert.equal(e500.kind, ERROR_KINDS.UPSTREAM_ERROR);
  });

  test("midstream-error and truncated throw while iterating", async () => {
    const a = endpoint("midstream-error");
    assert.ok(a.chatStream);
    const e1 = await gatewayError(drain(await a.chatStream(chatReq(), ctx())));
    assert.equal(e1.message, `Received error from databricks-model-serving mid-stream: ${MOCK_MIDSTREAM_ERROR_MESSAGE}`);
    const b = endpoint("truncated", "llm/v1/completions");
    assert.ok(b.completeStream);
    const e2 = await gatewayError(drain(await b.completeStream({ prompt: "x" }, ctx())));
    assert.match(e2.message, /ended before it was complete/);
  });

  test("aborting mid-stream disconnects from the upstream", async () => {
    const ac = new AbortController();
    const p = endpoint("hang-stream");
    assert.ok(p.chatStream);
    const it = (await p.chatStream(chatReq(), ctx(ac.signal)))[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    const pending = it.next();
    ac.abort();
    await assert.rejects(pending);
    await mock.waitForDisconnects(1, 2000);
  });

  test("connection refused is a 503", async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const p = endpoint("e", "llm/v1/chat", `http://127.0.0.1:${port}`);
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(chatReq(), ctx()));
    assert.equal(err.status, 503);
  });

  test("an upstream echoing the token is scrubbed", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res
          .writeHead(403, { "content-type": "application/json" })
          .end(JSON.stringify({ error_code: "PERMISSION_DENIED", message: `Token ${String(req.headers["authorization"])} lacks access` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const p = endpoint("e", "llm/v1/chat", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      assert.ok(p.chat);
      const err = await gatewayError(p.chat(chatReq(), ctx()));
      assert.equal(err.status, 403);
      assert.equal(err.kind, ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED);
      assert.equal(err.openaiCode, "PERMISSION_DENIED");
      assert.equal(err.message, "Received error from databricks-model-serving (HTTP 403): Token Bearer [REDACTED] lacks access");
      assert.ok(!JSON.stringify(err.upstream).includes(TOKEN));
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
