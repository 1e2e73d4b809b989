// The `openai` provider (openai / azure / azuread), driven directly through its definition
// against the mock upstream, a tiny Entra token endpoint and a tiny echoing server.
// Run: node --import tsx --test src/providers/openai/openai.test.ts
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { ERROR_KINDS } from "../../gateway/errors.js";
import type { ChatChunk, ChatRequest, Completion, CompletionRequest, EmbeddingsRequest, JsonObject, Task } from "../../gateway/types.js";
import { MOCK_CONTENT, MOCK_MIDSTREAM_ERROR_MESSAGE, MOCK_MODEL, embedText, startMockOpenAI } from "../../../testing/mock-openai/index.js";
import type { MockOpenAI, RecordedRequest } from "../../../testing/mock-openai/index.js";
import type { ModelProvider } from "../provider.js";
import { getProvider } from "../registry.js";
import { openaiProvider } from "./index.js";
import { configOf, ctx, drain, fieldsOf, gatewayError, has } from "../../../testing/provider-test-helpers.js";

// ---------------------------------------------------------------------------
// helpers

async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const KEY = "sk-openai-test-key-0001";
const CLIENT_SECRET = "entra-secret-ABC~999";
const MESSAGES = [{ role: "user", content: "Say hello" }];

function chatReq(extra: JsonObject = {}): ChatRequest {
  return { messages: MESSAGES.map((m) => ({ ...m })), ...extra };
}

let mock: MockOpenAI;

function last(): RecordedRequest {
  const r = mock.requests.at(-1);
  assert.ok(r, "expected a request at the mock");
  return r;
}

function text(chunks: readonly ChatChunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
}

before(async () => {
  mock = await startMockOpenAI();
});
after(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

// ---------------------------------------------------------------------------

describe("definition", () => {
  test("is registered under `openai` with its config key, tasks and credential fields", () => {
    assert.equal(getProvider("openai"), openaiProvider);
    assert.equal(openaiProvider.configKey, "openai_config");
    assert.deepEqual([...openaiProvider.tasks], ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"]);
    assert.deepEqual([...openaiProvider.credentialFields], ["openai_api_key", "microsoft_entra_client_secret"]);
  });
});

describe("parseConfig", () => {
  test("openai: defaults", () => {
    assert.deepEqual(configOf(openaiProvider.parseConfig({}, has("openai_api_key"))), {
      openai_api_type: "openai",
      openai_api_base: "https://api.openai.com/v1",
      microsoft_entra_authority_host: "https://login.microsoftonline.com",
    });
  });

  test("openai: base and organization kept", () => {
    const c = configOf(
      openaiProvider.parseConfig(
        { openai_api_type: "openai", openai_api_base: "http://h:1/v1/", openai_organization: "org-1" },
        has("openai_api_key"),
      ),
    );
    assert.equal(c.openai_api_base, "http://h:1/v1/");
    assert.equal(c.openai_organization, "org-1");
  });

  test("openai: the key is required", () => {
    const r = openaiProvider.parseConfig({}, has());
    assert.deepEqual(fieldsOf(r), ["openai_api_key"]);
    assert.ok("issues" in r && /openai_api_key_plaintext/.test(r.issues[0]?.message ?? ""));
  });

  test("a bad URL names the field", () => {
    for (const bad of ["not a url", "ftp://host/v1", 42, ""]) {
      assert.deepEqual(fieldsOf(openaiProvider.parseConfig({ openai_api_base: bad }, has("openai_api_key"))), ["openai_api_base"], String(bad));
    }
    assert.deepEqual(
      fieldsOf(openaiProvider.parseConfig({ microsoft_entra_authority_host: "nope" }, has("openai_api_key"))),
      ["microsoft_entra_authority_host"],
    );
  });

  test("an unknown openai_api_type is an issue", () => {
    const r = openaiProvider.parseConfig({ openai_api_type: "azure_ad" }, has("openai_api_key"));
    assert.deepEqual(fieldsOf(r), ["openai_api_type"]);
    assert.ok("issues" in r && /openai, azure, azuread/.test(r.issues[0]?.message ?? ""));
  });

  test("a non-string organization is an issue", () => {
    assert.deepEqual(fieldsOf(openaiProvider.parseConfig({ openai_organization: 7 }, has("openai_api_key"))), ["openai_organization"]);
  });

  test("azure: base, deployment, version and key are required", () => {
    assert.deepEqual(fieldsOf(openaiProvider.parseConfig({ openai_api_type: "azure" }, has())), [
      "openai_api_base",
      "openai_api_key",
      "openai_api_version",
      "openai_deployment_name",
    ]);
    const full = { openai_api_type: "azure", openai_api_base: "https://x.openai.azure.com", openai_deployment_name: "d", openai_api_version: "v" };
    for (const field of ["openai_api_base", "openai_deployment_name", "openai_api_version"]) {
      const raw: JsonObject = { ...full };
      delete raw[field];
      assert.deepEqual(fieldsOf(openaiProvider.parseConfig(raw, has("openai_api_key"))), [field]);
    }
    assert.deepEqual(fieldsOf(openaiProvider.parseConfig(full, has())), ["openai_api_key"]);
    assert.deepEqual(configOf(openaiProvider.parseConfig(full, has("openai_api_key"))), {
      openai_api_type: "azure",
      openai_api_base: "https://x.openai.azure.com",
      openai_deployment_name: "d",
      openai_api_version: "v",
      microsoft_entra_authority_host: "https://login.microsoftonline.com",
    });
  });

  test("azure: a bad base is reported once", () => {
    const r = openaiProvider.parseConfig(
      { openai_api_type: "azure", openai_api_base: "nope", openai_deployment_name: "d", openai_api_version: "v" },
      has("openai_api_key"),
    );
    assert.deepEqual(fieldsOf(r), ["openai_api_base"]);
  });

  test("azuread: tenant, client id and client secret are required; the key is not", () => {
    assert.deepEqual(fieldsOf(openaiProvider.parseConfig({ openai_api_type: "azuread" }, has())), [
      "microsoft_entra_client_id",
      "microsoft_entra_client_secret",
      "microsoft_entra_tenant_id",
      "openai_api_base",
      "openai_api_version",
      "openai_deployment_name",
    ]);
    const full = {
      openai_api_type: "azuread",
      openai_api_base: "https://x.openai.azure.com",
      openai_deployment_name: "d",
      openai_api_version: "v",
      microsoft_entra_tenant_id: "t",
      microsoft_entra_client_id: "c",
    };
    for (const field of ["microsoft_entra_tenant_id", "microsoft_entra_client_id"]) {
      const raw: JsonObject = { ...full };
      delete raw[field];
      assert.deepEqual(fieldsOf(openaiProvider.parseConfig(raw, has("microsoft_entra_client_secret"))), [field]);
    }
    assert.deepEqual(fieldsOf(openaiProvider.parseConfig(full, has("openai_api_key"))), ["microsoft_entra_client_secret"]);
    const c = configOf(openaiProvider.parseConfig(full, has("microsoft_entra_client_secret")));
    assert.equal(c.microsoft_entra_tenant_id, "t");
    assert.equal(c.microsoft_entra_client_id, "c");
    assert.equal(c.microsoft_entra_authority_host, "https://login.microsoftonline.com");
  });
});

// ---------------------------------------------------------------------------

function openai(model: string, task: Task = "llm/v1/chat", extra: JsonObject = {}, base = `${mock.url}/v1`): ModelProvider {
  const config = configOf(openaiProvider.parseConfig({ openai_api_base: base, ...extra }, has("openai_api_key")));
  return openaiProvider.create({ model, task, config, credentials: new Map([["openai_api_key", KEY]]) });
}

describe("openai_api_type: openai", () => {
  test("chat: URL, headers, exact body and the typed result", async () => {
    const p = openai("gpt-4o-mini", "llm/v1/chat", { openai_organization: "org-42" });
    assert.ok(p.chat);
    const res = await p.chat(
      chatReq({
        model: "ignored-by-the-gateway",
        temperature: 0.5,
        max_tokens: 50,
        client_request_id: "req-1",
        usage_context: { project: "x" },
        extra_params: { top_k: 3, temperature: 1.9, seed: 7 },
      }),
      ctx(),
    );
    const r = last();
    assert.equal(r.method, "POST");
    assert.equal(r.path, "/v1/chat/completions");
    assert.equal(r.query, "");
    assert.equal(r.headers["authorization"], `Bearer ${KEY}`);
    assert.equal(r.headers["openai-organization"], "org-42");
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(r.headers["accept"], "application/json");
    assert.equal(r.headers["api-key"], undefined);
    assert.deepEqual(r.body, { model: "gpt-4o-mini", top_k: 3, temperature: 0.5, seed: 7, messages: MESSAGES, max_tokens: 50 });
    assert.equal(res.object, "chat.completion");
    assert.equal(res.model, "gpt-4o-mini");
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
    assert.equal(res.choices[0]?.finish_reason, "stop");
    assert.equal(typeof res.usage?.total_tokens, "number");
  });

  test("no organization header unless configured; a trailing slash on the base", async () => {
    const p = openai("gpt-4o-mini", "llm/v1/chat", {}, `${mock.url}/v1/`);
    assert.ok(p.chat);
    await p.chat(chatReq(), ctx());
    assert.equal(last().path, "/v1/chat/completions");
    assert.equal(last().headers["openai-organization"], undefined);
  });

  test("chatStream: stream and include_usage added; chunks typed", async () => {
    const p = openai("gpt-4o-mini");
    assert.ok(p.chatStream);
    const chunks = await drain(await p.chatStream(chatReq({ stream: true, client_request_id: "x" }), ctx()));
    const r = last();
    assert.equal(r.path, "/v1/chat/completions");
    assert.equal(r.headers["accept"], "text/event-stream");
    assert.deepEqual(r.body, { model: "gpt-4o-mini", messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
    assert.equal(text(chunks), MOCK_CONTENT);
    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "gpt-4o-mini"));
    assert.equal(typeof chunks.at(-1)?.usage?.total_tokens, "number");
  });

  test("complete and completeStream", async () => {
    const p = openai("gpt-3.5-turbo-instruct", "llm/v1/completions");
    assert.ok(p.complete && p.completeStream);
    assert.equal(p.chat, undefined);
    const req: CompletionRequest = { prompt: "Say", max_tokens: 2, extra_params: { echo: false } };
    const res = await p.complete(req, ctx());
    assert.equal(last().path, "/v1/completions");
    assert.deepEqual(last().body, { model: "gpt-3.5-turbo-instruct", echo: false, prompt: "Say", max_tokens: 2 });
    assert.equal(res.object, "text_completion");
    assert.equal(res.choices[0]?.text, "Hello from");
    assert.equal(res.choices[0]?.finish_reason, "length");

    const chunks: Completion[] = await drain(await p.completeStream({ prompt: "Say" }, ctx()));
    assert.deepEqual(last().body, { model: "gpt-3.5-turbo-instruct", prompt: "Say", stream: true, stream_options: { include_usage: true } });
    assert.equal(chunks.map((c) => c.choices[0]?.text ?? "").join(""), MOCK_CONTENT);
  });

  test("embed", async () => {
    const p = openai("text-embedding-3-small", "llm/v1/embeddings");
    assert.ok(p.embed);
    const req: EmbeddingsRequest = { input: ["a", "b"], usage_context: { u: 1 }, extra_params: { dimensions: 4 } };
    const res = await p.embed(req, ctx());
    assert.equal(last().path, "/v1/embeddings");
    assert.deepEqual(last().body, { model: "text-embedding-3-small", dimensions: 4, input: ["a", "b"] });
    assert.equal(res.object, "list");
    assert.equal(res.model, "text-embedding-3-small");
    assert.equal(res.data.length, 2);
    assert.deepEqual(res.data[1]?.embedding, embedText("b", 4));
  });

  describe("errors", () => {
    test("429 keeps the status, Retry-After and the upstream message", async () => {
      const p = openai("error-429");
      assert.ok(p.chat);
      const err = await gatewayError(p.chat(chatReq(), ctx()));
      assert.equal(err.status, 429);
      assert.equal(err.kind, ERROR_KINDS.RATE_LIMITED);
      assert.equal(err.retryAfter, "7");
      assert.equal(err.openaiCode, "rate_limit_exceeded");
      assert.equal(err.message, "Received error from openai (HTTP 429): Mock error 429");
      assert.equal(err.upstream?.status, 429);
      assert.equal(err.upstream?.provider, "openai");
    });

    test("429 before the first byte of a stream rejects chatStream", async () => {
      const p = openai("error-429");
      assert.ok(p.chatStream);
      const err = await gatewayError(p.chatStream(chatReq(), ctx()));
      assert.equal(err.status, 429);
      assert.equal(err.retryAfter, "7");
    });

    test("404 model", async () => {
      const p = openai("error-404");
      assert.ok(p.chat);
      const err = await gatewayError(p.chat(chatReq(), ctx()));
      assert.equal(err.status, 404);
      assert.equal(err.kind, ERROR_KINDS.UPSTREAM_MODEL_NOT_FOUND);
      assert.equal(err.openaiCode, "model_not_found");
      assert.match(err.message, /The model `error-404` does not exist/);
    });

    test("500", async () => {
      const p = openai("error-500", "llm/v1/embeddings");
      assert.ok(p.embed);
      const err = await gatewayError(p.embed({ input: "x" }, ctx()));
      assert.equal(err.status, 500);
      assert.equal(err.kind, ERROR_KINDS.UPSTREAM_ERROR);
      assert.match(err.message, /Mock error 500/);
    });

    test("connection refused is a 503 without the key", async () => {
      const p = openai("gpt-4o-mini", "llm/v1/chat", {}, `${await closedPortUrl()}/v1`);
      assert.ok(p.chat);
      const err = await gatewayError(p.chat(chatReq(), ctx()));
      assert.equal(err.status, 503);
      assert.equal(err.kind, ERROR_KINDS.UPSTREAM_UNAVAILABLE);
      assert.ok(!err.message.includes(KEY));
    });

    test("midstream-error: iterating throws a GatewayError after the first chunks", async () => {
      const p = openai("midstream-error");
      assert.ok(p.chatStream);
      const stream = await p.chatStream(chatReq(), ctx());
      const got: ChatChunk[] = [];
      const err = await gatewayError(
        (async () => {
          for await (const c of stream) got.push(c);
        })(),
      );
      assert.equal(err.status, 502);
      assert.equal(err.message, `Received error from openai mid-stream: ${MOCK_MIDSTREAM_ERROR_MESSAGE}`);
      assert.equal(got.length, 3);
      assert.equal(text(got), "Hello from");
    });

    test("truncated: iterating throws", async () => {
      const p = openai("truncated", "llm/v1/completions");
      assert.ok(p.completeStream);
      const err = await gatewayError(drain(await p.completeStream({ prompt: "x" }, ctx())));
      assert.equal(err.status, 502);
      assert.match(err.message, /ended before it was complete/);
    });

    test("aborting the signal mid-stream disconnects from the upstream", async () => {
      const ac = new AbortController();
      const p = openai("hang-stream");
      assert.ok(p.chatStream);
      const it = (await p.chatStream(chatReq(), ctx(ac.signal)))[Symbol.asyncIterator]();
      const first = await it.next();
      assert.equal(first.done, false);
      const pending = it.next();
      ac.abort();
      await assert.rejects(pending);
      await mock.waitForDisconnects(1, 2000);
      assert.equal(mock.disconnects, 1);
    });

    test("a consumer that stops early releases the upstream connection", async () => {
      const p = openai("hang-stream");
      assert.ok(p.chatStream);
      for await (const c of await p.chatStream(chatReq(), ctx())) {
        assert.equal(c.object, "chat.completion.chunk");
        break;
      }
      await mock.waitForDisconnects(1, 2000);
    });

    test("aborting a hanging non-streaming call disconnects too", async () => {
      const ac = new AbortController();
      const p = openai("hang-stream");
      assert.ok(p.chat);
      const pending = p.chat(chatReq(), ctx(ac.signal));
      setTimeout(() => ac.abort(), 30);
      await assert.rejects(pending);
      await mock.waitForDisconnects(1, 2000);
    });
  });
});

// ---------------------------------------------------------------------------

const AZURE_VERSION = "2024-06-01";

function azure(deployment: string, task: Task = "llm/v1/chat", base = mock.url): ModelProvider {
  const config = configOf(
    openaiProvider.parseConfig(
      { openai_api_type: "azure", openai_api_base: base, openai_deployment_name: deployment, openai_api_version: AZURE_VERSION },
      has("openai_api_key"),
    ),
  );
  return openaiProvider.create({ model: "gpt-4o", task, config, credentials: new Map([["openai_api_key", KEY]]) });
}

describe("openai_api_type: azure", () => {
  test("chat: deployment URL, api-version, api-key header, no model in the body", async () => {
    const p = azure("my-dep");
    assert.ok(p.chat);
    const res = await p.chat(chatReq({ model: "client-model", extra_params: { logit_bias: {} }, client_request_id: "c" }), ctx());
    const r = last();
    assert.equal(r.path, "/openai/deployments/my-dep/chat/completions");
    assert.equal(r.query, `api-version=${AZURE_VERSION}`);
    assert.equal(r.headers["api-key"], KEY);
    assert.equal(r.headers["authorization"], undefined);
    assert.deepEqual(r.body, { logit_bias: {}, messages: MESSAGES });
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
    assert.equal(res.model, MOCK_MODEL);
  });

  test("chatStream adds include_usage", async () => {
    const p = azure("my-dep");
    assert.ok(p.chatStream);
    const chunks = await drain(await p.chatStream(chatReq(), ctx()));
    assert.deepEqual(last().body, { messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
    assert.equal(text(chunks), MOCK_CONTENT);
  });

  test("completions and embeddings; a base with a path and trailing slash; an encoded deployment", async () => {
    const c = azure("dep one", "llm/v1/completions", `${mock.url}/prefix/`);
    assert.ok(c.complete);
    await c.complete({ prompt: "p" }, ctx());
    assert.equal(last().path, "/prefix/openai/deployments/dep%20one/completions");
    assert.equal(last().query, `api-version=${AZURE_VERSION}`);
    assert.deepEqual(last().body, { prompt: "p" });

    const e = azure("emb", "llm/v1/embeddings");
    assert.ok(e.embed);
    const res = await e.embed({ input: "x" }, ctx());
    assert.equal(last().path, "/openai/deployments/emb/embeddings");
    assert.equal(res.data.length, 1);
  });

  test("an upstream 401 echoing the api-key is scrubbed", async () => {
    const server = createServer((req, res: ServerResponse) => {
      req.resume();
      req.on("end", () => {
        res
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { code: "401", message: `Access denied due to invalid subscription key ${String(req.headers["api-key"])}.` } }));
      });
    });
    const url = await listen(server);
    try {
      const p = azure("d", "llm/v1/chat", url);
      assert.ok(p.chat);
      const err = await gatewayError(p.chat(chatReq(), ctx()));
      assert.equal(err.status, 401);
      assert.equal(err.kind, ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED);
      assert.ok(!err.message.includes(KEY), err.message);
      assert.ok(!JSON.stringify(err.upstream).includes(KEY));
      assert.match(err.message, /invalid subscription key \[REDACTED\]/);
    } finally {
      await closeServer(server);
    }
  });
});

// ---------------------------------------------------------------------------

interface TokenHit {
  path: string;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

describe("openai_api_type: azuread", () => {
  const hits: TokenHit[] = [];
  let tokenStatus = 200;
  let issued = 0;
  let tokenUrl = "";
  const tokenServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      hits.push({ path: req.url ?? "", headers: req.headers, form });
      if (tokenStatus !== 200) {
        res
          .writeHead(tokenStatus, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: `bad secret ${form.get("client_secret") ?? ""}` } }));
        return;
      }
      issued++;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ token_type: "Bearer", expires_in: 3599, access_token: `entra-token-${issued}` }));
    });
  });

  before(async () => {
    tokenUrl = await listen(tokenServer);
  });
  after(async () => {
    await closeServer(tokenServer);
  });
  beforeEach(() => {
    hits.length = 0;
    tokenStatus = 200;
  });

  function azuread(task: Task = "llm/v1/chat", base = mock.url): ModelProvider {
    const config = configOf(
      openaiProvider.parseConfig(
        {
          openai_api_type: "azuread",
          openai_api_base: base,
          openai_deployment_name: "ad-dep",
          openai_api_version: AZURE_VERSION,
          microsoft_entra_tenant_id: "tenant-1",
          microsoft_entra_client_id: "client-1",
          microsoft_entra_authority_host: tokenUrl,
        },
        has("microsoft_entra_client_secret"),
      ),
    );
    return openaiProvider.create({
      model: "gpt-4o",
      task,
      config,
      credentials: new Map([["microsoft_entra_client_secret", CLIENT_SECRET]]),
    });
  }

  test("end to end: a bearer token from the token endpoint, fetched once and reused", async () => {
    const p = azuread();
    assert.ok(p.chat && p.chatStream);
    const res = await p.chat(chatReq(), ctx());
    assert.equal(res.choices[0]?.message.content, MOCK_CONTENT);
    assert.equal(hits.length, 1);
    const hit = hits[0];
    assert.ok(hit);
    assert.equal(hit.path, "/tenant-1/oauth2/v2.0/token");
    assert.deepEqual(Object.fromEntries(hit.form), {
      grant_type: "client_credentials",
      client_id: "client-1",
      client_secret: CLIENT_SECRET,
      scope: "https://cognitiveservices.azure.com/.default",
    });
    const r = last();
    assert.equal(r.path, "/openai/deployments/ad-dep/chat/completions");
    assert.equal(r.query, `api-version=${AZURE_VERSION}`);
    const token = `entra-token-${issued}`;
    assert.equal(r.headers["authorization"], `Bearer ${token}`);
    assert.equal(r.headers["api-key"], undefined);
    assert.deepEqual(r.body, { messages: MESSAGES });

    const chunks = await drain(await p.chatStream(chatReq(), ctx()));
    assert.equal(text(chunks), MOCK_CONTENT);
    assert.equal(last().headers["authorization"], `Bearer ${token}`);
    assert.deepEqual(last().body, { messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
    assert.equal(hits.length, 1, "the token is cached across calls");
  });

  test("concurrent first calls share one token fetch", async () => {
    const p = azuread("llm/v1/embeddings");
    assert.ok(p.embed);
    const embed = p.embed;
    await Promise.all([embed({ input: "a" }, ctx()), embed({ input: "b" }, ctx()), embed({ input: "c" }, ctx())]);
    assert.equal(hits.length, 1);
    assert.equal(mock.requests.length, 3);
    assert.equal(new Set(mock.requests.map((r) => r.headers["authorization"])).size, 1);
  });

  test("a token endpoint error fails the call without the client secret and without reaching the upstream", async () => {
    tokenStatus = 401;
    const p = azuread();
    assert.ok(p.chat);
    const err = await gatewayError(p.chat(chatReq(), ctx()));
    assert.match(err.message, /Microsoft Entra ID/);
    assert.ok(!err.message.includes(CLIENT_SECRET), err.message);
    assert.ok(!JSON.stringify(err.upstream).includes(CLIENT_SECRET));
    assert.equal(mock.requests.length, 0);
  });

  test(
    "an upstream error echoing the access token is scrubbed",
    async () => {
      const server = createServer((req, res: ServerResponse) => {
        req.resume();
        req.on("end", () => {
          res
            .writeHead(401, { "content-type": "application/json" })
            .end(JSON.stringify({ error: { message: `token rejected: ${String(req.headers["authorization"])}` } }));
        });
      });
      const url = await listen(server);
      try {
        const p = azuread("llm/v1/chat", url);
        assert.ok(p.chat);
        const err = await gatewayError(p.chat(chatReq(), ctx()));
        assert.ok(!/entra-token-\d+/.test(err.message), err.message);
      } finally {
        await closeServer(server);
      }
    },
  );
});
