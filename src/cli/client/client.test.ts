/**
 * Tests of the client commands against a fake gateway (node:http on 127.0.0.1, port 0)
 * that records each request and answers with canned Databricks-shaped JSON or SSE.
 */

import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIENT_COMMANDS, CLIENT_USAGE, runClientCommand } from "./index.js";

const TOKEN = "dapi-test-token-0123456789abcdef";
const SECRET_VALUE = "s3cr3t-value-XYZ-987";

interface Recorded {
  method: string;
  path: string;
  auth: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

const requests: Recorded[] = [];
let server: Server;
let host: string;
let tmp: string;

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

const chatEndpoint = {
  name: "chat",
  creator: "admin",
  creation_timestamp: T0,
  last_updated_timestamp: T0 + 60_000,
  state: { ready: "READY", config_update: "NOT_UPDATING" },
  task: "llm/v1/chat",
  config: {
    served_entities: [
      { name: "gpt", external_model: { provider: "openai", name: "gpt-4o-mini", task: "llm/v1/chat" } },
      { name: "claude", external_model: { provider: "anthropic", name: "claude-sonnet-4", task: "llm/v1/chat" } },
    ],
    traffic_config: { routes: [{ served_model_name: "gpt", traffic_percentage: 100 }] },
  },
};

const embedEndpoint = {
  name: "embed",
  creation_timestamp: T0,
  last_updated_timestamp: T0,
  state: { ready: "NOT_READY", config_update: "UPDATE_IN_PROGRESS" },
  task: "llm/v1/embeddings",
  config: {
    served_entities: [
      { name: "e", external_model: { provider: "cohere", name: "embed-english-v3.0", task: "llm/v1/embeddings" } },
    ],
  },
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, errorCode: string, message: string): void {
  sendJson(res, status, { error_code: errorCode, message });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes SSE pieces with pauses, so that the client sees them arrive separately. */
async function sendSse(res: ServerResponse, pieces: string[]): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const piece of pieces) {
    res.write(piece);
    await sleep(5);
  }
  res.end();
}

function chatChunk(content: string | null, finish: string | null, usage?: unknown): string {
  const chunk = {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  const input: AsyncIterable<unknown> = req;
  for await (const c of input) if (c instanceof Buffer) chunks.push(c);
  const raw = Buffer.concat(chunks).toString("utf8");
  const url = new URL(req.url ?? "/", "http://x");
  const body: unknown = raw === "" ? undefined : JSON.parse(raw);
  requests.push({
    method: req.method ?? "",
    path: `${url.pathname}${url.search}`,
    auth: req.headers.authorization,
    accept: req.headers.accept,
    contentType: req.headers["content-type"],
    body,
  });
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    return sendError(res, 401, "UNAUTHENTICATED", "Invalid access token.");
  }
  const b: Record<string, unknown> = typeof body === "object" && body !== null && !Array.isArray(body) ? { ...body } : {};
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case "GET /api/2.0/serving-endpoints":
      return sendJson(res, 200, { endpoints: [chatEndpoint, embedEndpoint] });
    case "GET /api/2.0/serving-endpoints/chat":
      return sendJson(res, 200, chatEndpoint);
    case "GET /api/2.0/serving-endpoints/missing":
      return sendError(res, 404, "RESOURCE_DOES_NOT_EXIST", "Endpoint with name 'missing' does not exist.");
    case "POST /api/2.0/serving-endpoints":
      return sendJson(res, 200, {
        ...b,
        creation_timestamp: T0,
        last_updated_timestamp: T0,
        state: { ready: "NOT_READY", config_update: "IN_PROGRESS" },
      });
    case "PUT /api/2.0/serving-endpoints/chat/config":
      return sendJson(res, 200, { ...chatEndpoint, pending_config: b });
    case "DELETE /api/2.0/serving-endpoints/chat":
      return sendJson(res, 200, {});
    case "POST /api/2.0/secrets/scopes/create":
      if (b["scope"] === "existing") {
        return sendError(res, 409, "RESOURCE_ALREADY_EXISTS", "Scope existing already exists.");
      }
      return sendJson(res, 200, {});
    case "POST /api/2.0/secrets/put":
      if (b["key"] === "echo") {
        // A misbehaving server that repeats the value in its error: the CLI must mask it.
        return sendError(res, 400, "INVALID_PARAMETER_VALUE", `Bad value '${String(b["string_value"])}'.`);
      }
      return sendJson(res, 200, {});
    case "GET /api/2.0/secrets/scopes/list":
      return sendJson(res, 200, {
        scopes: [
          { name: "openai", backend_type: "TESSERA" },
          { name: "anthropic", backend_type: "TESSERA" },
        ],
      });
    case "GET /api/2.0/secrets/list":
      return sendJson(res, 200, {
        secrets: [
          { key: "api_key", last_updated_timestamp: T0 },
          { key: "org", last_updated_timestamp: T0 + 1000 },
        ],
      });
    case "POST /api/2.0/secrets/delete":
    case "POST /api/2.0/secrets/scopes/delete":
      return sendJson(res, 200, {});
    case "POST /serving-endpoints/chat/invocations":
      if (b["stream"] === true) {
        const first = chatChunk("Hello", null);
        return sendSse(res, [
          ": keep-alive comment\n\n",
          // One event split mid-JSON across two writes.
          first.slice(0, 20),
          first.slice(20),
          chatChunk(", wor", null) + chatChunk("ld!", null),
          chatChunk(null, "stop"),
          `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })}\n\n`,
          "data: [DONE]\n\n",
        ]);
      }
      return sendJson(res, 200, {
        id: "chatcmpl-2",
        object: "chat.completion",
        created: 1,
        model: "gpt-4o-mini",
        choices: [{ index: 0, message: { role: "assistant", content: "Hi there" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      });
    case "POST /serving-endpoints/complete/invocations": {
      const chunk = (text: string, finish: string | null) =>
        `data: ${JSON.stringify({ id: "cmpl-1", object: "text_completion", created: 1, model: "m", choices: [{ index: 0, text, finish_reason: finish }] })}\n\n`;
      return sendSse(res, [chunk("Once upon", null), chunk(" a time", "length"), "data: [DONE]\n\n"]);
    }
    case "POST /serving-endpoints/tools/invocations": {
      const delta = (d: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: d, finish_reason: finish }] })}\n\n`;
      return sendSse(res, [
        delta({ tool_calls: [{ index: 0, id: "a", type: "function", function: { name: "get_weather", arguments: "" } }] }),
        delta({ tool_calls: [{ index: 1, id: "b", type: "function", function: { name: "get_time", arguments: '{"city"' } }] }),
        delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }),
        delta({ tool_calls: [{ index: 1, function: { arguments: ':"Lima"}' } }] }),
        delta({}, "tool_calls"),
        `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, prompt_tokens_details: { cached_tokens: 6 } } })}\n\n`,
        "data: [DONE]\n\n",
      ]);
    }
    case "POST /serving-endpoints/broken/invocations":
      return sendSse(res, [
        chatChunk("partial", null),
        `data: ${JSON.stringify({ error: { message: "upstream exploded", error_code: "INTERNAL_ERROR" } })}\n\n`,
        chatChunk("never printed", null),
        "data: [DONE]\n\n",
      ]);
    case "POST /serving-endpoints/cut/invocations":
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(chatChunk("half", null));
      await sleep(5);
      res.destroy();
      return;
    case "POST /serving-endpoints/failing/invocations":
      // What the gateway itself sends: the Databricks error body as the last event, no [DONE].
      return sendSse(res, [
        chatChunk("Some", null),
        `data: ${JSON.stringify({ error_code: "TEMPORARILY_UNAVAILABLE", message: "Upstream unavailable.", details: [{ request_id: "r1" }] })}\n\n`,
      ]);
    default:
      return sendError(res, 404, "RESOURCE_DOES_NOT_EXIST", `No route for ${route}.`);
  }
}

interface RunResult {
  code: number;
  out: string;
  err: string;
  outWrites: string[];
}

async function run(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; auth?: boolean } = {}): Promise<RunResult> {
  const outWrites: string[] = [];
  const errWrites: string[] = [];
  const args = opts.auth === false ? argv : [...argv, "--host", host, "--token", TOKEN];
  const stdin = opts.stdin;
  const code = await runClientCommand(args, {
    stdout: (s) => outWrites.push(s),
    stderr: (s) => errWrites.push(s),
    env: opts.env ?? {},
    ...(stdin !== undefined ? { stdin: async () => stdin } : {}),
  });
  const out = outWrites.join("");
  const err = errWrites.join("");
  // Whatever the command, neither the token nor the secret value is ever printed.
  for (const text of [out, err]) {
    assert.ok(!text.includes(TOKEN), `token leaked in output: ${text}`);
    assert.ok(!text.includes(SECRET_VALUE), `secret value leaked in output: ${text}`);
  }
  return { code, out, err, outWrites };
}

function last(): Recorded {
  const r = requests.at(-1);
  assert.ok(r, "no request was recorded");
  return r;
}

before(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  host = `http://127.0.0.1:${port}`;
  tmp = await mkdtemp(join(tmpdir(), "tessera-cli-"));
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
});

describe("endpoints", () => {
  test("list prints a table and sends the bearer token", async () => {
    const r = await run(["endpoints", "list"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(requests.length, 1);
    assert.deepEqual(
      { method: last().method, path: last().path, auth: last().auth },
      { method: "GET", path: "/api/2.0/serving-endpoints", auth: `Bearer ${TOKEN}` },
    );
    const lines = r.out.trimEnd().split("\n");
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? "", /^NAME\s+STATE\s+TASK\s+ENTITIES\s+UPDATED$/);
    assert.match(lines[1] ?? "", /^chat\s+READY\s+llm\/v1\/chat\s+openai\/gpt-4o-mini, anthropic\/claude-sonnet-4\s+2025-01-02T03:05:05Z$/);
    assert.match(lines[2] ?? "", /^embed\s+NOT_READY \(UPDATE_IN_PROGRESS\)\s+llm\/v1\/embeddings\s+cohere\/embed-english-v3\.0\s+2025-01-02T03:04:05Z$/);
    // Columns line up: every row has ENTITIES at the header's offset.
    const col = (lines[0] ?? "").indexOf("ENTITIES");
    assert.equal((lines[1] ?? "").indexOf("openai/"), col);
    assert.equal((lines[2] ?? "").indexOf("cohere/"), col);
  });

  test("list --json prints the raw reply", async () => {
    const r = await run(["endpoints", "list", "--json"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { endpoints: [chatEndpoint, embedEndpoint] });
  });

  test("get prints the endpoint as pretty JSON", async () => {
    const r = await run(["endpoints", "get", "chat"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(last().method, "GET");
    assert.equal(last().path, "/api/2.0/serving-endpoints/chat");
    assert.equal(r.out, `${JSON.stringify(chatEndpoint, null, 2)}\n`);
  });

  test("create -f posts the JSON file", async () => {
    const spec = { name: "new-ep", config: { served_entities: [{ name: "a", external_model: { provider: "openai", name: "gpt-4o", task: "llm/v1/chat" } }] }, tags: [{ key: "team", value: "ml" }] };
    const file = join(tmp, "endpoint.json");
    await writeFile(file, JSON.stringify(spec));
    const r = await run(["endpoints", "create", "-f", file]);
    assert.equal(r.code, 0, r.err);
    assert.equal(last().method, "POST");
    assert.equal(last().path, "/api/2.0/serving-endpoints");
    assert.equal(last().contentType, "application/json");
    assert.deepEqual(last().body, spec);
    const printed: unknown = JSON.parse(r.out);
    assert.equal((printed as { name?: unknown }).name, "new-ep");
  });

  test("create --file parses YAML files", async () => {
    const file = join(tmp, "endpoint.yaml");
    await writeFile(
      file,
      [
        "name: yaml-ep",
        "config:",
        "  served_entities:",
        "    - name: a",
        "      external_model:",
        "        provider: anthropic",
        "        name: claude-sonnet-4",
        "        task: llm/v1/chat",
        "        anthropic_config:",
        "          anthropic_api_key: '{{secrets/anthropic/api_key}}'",
        "",
      ].join("\n"),
    );
    const r = await run(["endpoints", "create", "--file", file]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(last().body, {
      name: "yaml-ep",
      config: {
        served_entities: [
          {
            name: "a",
            external_model: {
              provider: "anthropic",
              name: "claude-sonnet-4",
              task: "llm/v1/chat",
              anthropic_config: { anthropic_api_key: "{{secrets/anthropic/api_key}}" },
            },
          },
        ],
      },
    });
  });

  test("create -f - reads standard input", async () => {
    const r = await run(["endpoints", "create", "-f", "-"], { stdin: '{"name":"stdin-ep","config":{}}' });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(last().body, { name: "stdin-ep", config: {} });
  });

  test("create with an unreadable or invalid file fails before any request", async () => {
    const missing = await run(["endpoints", "create", "-f", join(tmp, "nope.json")]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^Error: cannot read .*nope\.json/);
    const bad = join(tmp, "bad.json");
    await writeFile(bad, "[1, 2]");
    const notObject = await run(["endpoints", "create", "-f", bad]);
    assert.equal(notObject.code, 1);
    assert.match(notObject.err, /must hold a JSON object/);
    assert.equal(requests.length, 0);
  });

  test("update-config puts the config file", async () => {
    const config = { served_entities: [{ name: "b", external_model: { provider: "openai", name: "gpt-4.1", task: "llm/v1/chat" } }] };
    const file = join(tmp, "config.json");
    await writeFile(file, JSON.stringify(config));
    const r = await run(["endpoints", "update-config", "chat", "-f", file]);
    assert.equal(r.code, 0, r.err);
    assert.equal(last().method, "PUT");
    assert.equal(last().path, "/api/2.0/serving-endpoints/chat/config");
    assert.deepEqual(last().body, config);
    assert.deepEqual((JSON.parse(r.out) as { pending_config?: unknown }).pending_config, config);
  });

  test("delete sends DELETE and confirms", async () => {
    const r = await run(["endpoints", "delete", "chat"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(last().method, "DELETE");
    assert.equal(last().path, "/api/2.0/serving-endpoints/chat");
    assert.equal(last().body, undefined);
    assert.equal(r.out, "Deleted endpoint chat\n");
  });

  test("names are URL-encoded in paths", async () => {
    const r = await run(["endpoints", "get", "a/b c"]);
    assert.equal(r.code, 1);
    assert.equal(last().path, "/api/2.0/serving-endpoints/a%2Fb%20c");
  });
});

describe("secrets", () => {
  test("create-scope", async () => {
    const r = await run(["secrets", "create-scope", "openai"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      { method: last().method, path: last().path, body: last().body },
      { method: "POST", path: "/api/2.0/secrets/scopes/create", body: { scope: "openai" } },
    );
    assert.equal(r.out, "Created scope openai\n");
  });

  test("put reads the value from stdin, creates the scope, never prints the value", async () => {
    const r = await run(["secrets", "put", "openai", "api_key"], { stdin: `${SECRET_VALUE}\n` });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      requests.map((q) => [q.method, q.path, q.body, q.auth]),
      [
        ["POST", "/api/2.0/secrets/scopes/create", { scope: "openai" }, `Bearer ${TOKEN}`],
        ["POST", "/api/2.0/secrets/put", { scope: "openai", key: "api_key", string_value: SECRET_VALUE }, `Bearer ${TOKEN}`],
      ],
    );
    assert.equal(r.out, "Stored secret api_key in scope openai\n");
  });

  test("put ignores RESOURCE_ALREADY_EXISTS for the scope", async () => {
    const r = await run(["secrets", "put", "existing", "k"], { stdin: SECRET_VALUE });
    assert.equal(r.code, 0, r.err);
    assert.equal(requests.length, 2);
    assert.deepEqual(last().body, { scope: "existing", key: "k", string_value: SECRET_VALUE });
  });

  test("put --value and --value-file", async () => {
    const inline = await run(["secrets", "put", "s", "k1", "--value", SECRET_VALUE]);
    assert.equal(inline.code, 0, inline.err);
    assert.deepEqual(last().body, { scope: "s", key: "k1", string_value: SECRET_VALUE });

    const file = join(tmp, "value.txt");
    await writeFile(file, `${SECRET_VALUE}\n`);
    const fromFile = await run(["secrets", "put", "s", "k2", "--value-file", file]);
    assert.equal(fromFile.code, 0, fromFile.err);
    assert.deepEqual(last().body, { scope: "s", key: "k2", string_value: SECRET_VALUE });

    const both = await run(["secrets", "put", "s", "k3", "--value", "x", "--value-file", file]);
    assert.equal(both.code, 2);
  });

  test("put masks the value if an error message repeats it", async () => {
    const r = await run(["secrets", "put", "s", "echo"], { stdin: SECRET_VALUE });
    assert.equal(r.code, 1);
    assert.equal(r.err, "Error: Bad value '***'. (INVALID_PARAMETER_VALUE, HTTP 400)\n");
  });

  test("put refuses an empty value", async () => {
    const r = await run(["secrets", "put", "s", "k"], { stdin: "\n" });
    assert.equal(r.code, 1);
    assert.match(r.err, /empty/);
    assert.equal(requests.length, 0);
  });

  test("list without a scope lists scopes", async () => {
    const r = await run(["secrets", "list"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(last().path, "/api/2.0/secrets/scopes/list");
    assert.deepEqual(r.out.trimEnd().split("\n"), ["SCOPE      BACKEND", "openai     TESSERA", "anthropic  TESSERA"]);
  });

  test("list <scope> lists keys", async () => {
    const r = await run(["secrets", "list", "my scope"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(last().method, "GET");
    assert.equal(last().path, "/api/2.0/secrets/list?scope=my+scope");
    assert.deepEqual(r.out.trimEnd().split("\n"), [
      "KEY      UPDATED",
      "api_key  2025-01-02T03:04:05Z",
      "org      2025-01-02T03:04:06Z",
    ]);
    const json = await run(["secrets", "list", "openai", "--json"]);
    assert.equal((JSON.parse(json.out) as { secrets: unknown[] }).secrets.length, 2);
  });

  test("delete and delete-scope", async () => {
    const del = await run(["secrets", "delete", "openai", "api_key"]);
    assert.equal(del.code, 0, del.err);
    assert.deepEqual([last().method, last().path, last().body], ["POST", "/api/2.0/secrets/delete", { scope: "openai", key: "api_key" }]);
    assert.equal(del.out, "Deleted secret api_key from scope openai\n");

    const scope = await run(["secrets", "delete-scope", "openai"]);
    assert.equal(scope.code, 0, scope.err);
    assert.deepEqual([last().method, last().path, last().body], ["POST", "/api/2.0/secrets/scopes/delete", { scope: "openai" }]);
    assert.equal(scope.out, "Deleted scope openai\n");
  });
});

describe("query", () => {
  const chatBody = { messages: [{ role: "user", content: "Hi" }], max_tokens: 10 };

  test("non-streaming prints the reply as pretty JSON", async () => {
    const r = await run(["query", "chat", "--json", JSON.stringify(chatBody)]);
    assert.equal(r.code, 0, r.err);
    assert.equal(last().method, "POST");
    assert.equal(last().path, "/serving-endpoints/chat/invocations");
    assert.deepEqual(last().body, chatBody);
    const reply = JSON.parse(r.out) as { choices: Array<{ message: { content: string } }> };
    assert.equal(reply.choices[0]?.message.content, "Hi there");
    assert.ok(r.out.includes('\n  "id": "chatcmpl-2"'), "pretty-printed");
  });

  test("--file supplies the body", async () => {
    const file = join(tmp, "req.json");
    await writeFile(file, JSON.stringify(chatBody));
    const r = await run(["query", "chat", "--file", file]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(last().body, chatBody);
  });

  test("--stream prints chat text as it arrives, then finish reason and usage on stderr", async () => {
    const r = await run(["query", "chat", "--json", JSON.stringify(chatBody), "--stream"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(last().body, { ...chatBody, stream: true });
    assert.equal(last().accept, "text/event-stream");
    assert.equal(r.out, "Hello, world!\n");
    assert.deepEqual(r.outWrites, ["Hello", ", wor", "ld!", "\n"]);
    assert.equal(r.err, "[finish_reason: stop; usage: prompt_tokens=5 completion_tokens=2 total_tokens=7]\n");
  });

  test("--stream prints streamed tool calls assembled by index, and cached tokens", async () => {
    const r = await run(["query", "tools", "--json", JSON.stringify(chatBody), "--stream"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'tool call [0]: get_weather({"city":"Paris"})\ntool call [1]: get_time({"city":"Lima"})\n');
    assert.equal(r.err, "[finish_reason: tool_calls; usage: prompt_tokens=9 completion_tokens=4 total_tokens=13 cached_tokens=6]\n");
  });

  test("--stream prints completions text", async () => {
    const r = await run(["query", "complete", "--json", '{"prompt":"Tell me a story"}', "--stream"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(last().body, { prompt: "Tell me a story", stream: true });
    assert.equal(r.out, "Once upon a time\n");
    assert.equal(r.err, "[finish_reason: length]\n");
  });

  test("an error event in the stream ends with exit code 1", async () => {
    const r = await run(["query", "broken", "--json", "{}", "--stream"]);
    assert.equal(r.code, 1);
    assert.equal(r.out, "partial\n");
    assert.equal(r.err, "Error: upstream exploded (INTERNAL_ERROR)\n");
  });

  test("a Databricks-shaped error as the last event ends with exit code 1", async () => {
    const r = await run(["query", "failing", "--json", "{}", "--stream"]);
    assert.equal(r.code, 1);
    assert.equal(r.out, "Some\n");
    assert.equal(r.err, "Error: Upstream unavailable. (TEMPORARILY_UNAVAILABLE)\n");
  });

  test("a stream cut off before [DONE] ends with exit code 1", async () => {
    const r = await run(["query", "cut", "--json", "{}", "--stream"]);
    assert.equal(r.code, 1);
    assert.equal(r.out, "half\n");
    assert.match(r.err, /^Error: (the connection to the gateway was lost|the stream ended before \[DONE\])/);
  });

  test("body is required, invalid JSON is reported", async () => {
    const none = await run(["query", "chat"]);
    assert.equal(none.code, 2);
    const bad = await run(["query", "chat", "--json", "{nope"]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^Error: --json is not valid JSON/);
    assert.equal(requests.length, 0);
  });
});

describe("errors, options and help", () => {
  test("a gateway error reply prints message, code and status, exit code 1", async () => {
    const r = await run(["endpoints", "get", "missing"]);
    assert.equal(r.code, 1);
    assert.equal(r.out, "");
    assert.equal(
      r.err,
      "Error: Endpoint with name 'missing' does not exist. (RESOURCE_DOES_NOT_EXIST, HTTP 404)\n",
    );
  });

  test("a wrong token is a 401 error", async () => {
    const r = await run(["endpoints", "list", "--host", host, "--token", "wrong-token-value"], { auth: false });
    assert.equal(r.code, 1);
    assert.equal(r.err, "Error: Invalid access token. (UNAUTHENTICATED, HTTP 401)\n");
    assert.ok(!r.err.includes("wrong-token-value"));
  });

  test("a missing token is a usage error, no request is sent", async () => {
    const r = await run(["endpoints", "list", "--host", host], { auth: false });
    assert.equal(r.code, 2);
    assert.match(r.err, /^Error: no API token: pass --token <token> or set TESSERA_TOKEN\n/);
    assert.equal(requests.length, 0);
  });

  test("TESSERA_HOST and TESSERA_TOKEN are read from the environment; the scheme is optional", async () => {
    const bare = host.replace("http://", "");
    const r = await run(["secrets", "list"], { auth: false, env: { TESSERA_HOST: bare, TESSERA_TOKEN: TOKEN } });
    assert.equal(r.code, 0, r.err);
    assert.equal(last().auth, `Bearer ${TOKEN}`);
    const flag = await run(["secrets", "list", "--host", `${bare}/`, "--token", TOKEN], { auth: false });
    assert.equal(flag.code, 0, flag.err);
    assert.equal(last().path, "/api/2.0/secrets/scopes/list");
  });

  test("an unreachable gateway is reported with the host and the reason", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = await run(["endpoints", "list", "--host", `127.0.0.1:${port}`, "--token", TOKEN], { auth: false });
    assert.equal(r.code, 1);
    assert.ok(
      r.err.startsWith(`Error: cannot reach the gateway at http://127.0.0.1:${port}: `),
      r.err,
    );
    assert.match(r.err, /ECONNREFUSED/);
  });

  test("--help prints usage with exit code 0; missing or unknown commands exit 2", async () => {
    const help = await run(["--help"], { auth: false });
    assert.equal(help.code, 0);
    assert.equal(help.out, CLIENT_USAGE);

    const groupHelp = await run(["endpoints", "--help"], { auth: false });
    assert.equal(groupHelp.code, 0);
    assert.match(groupHelp.out, /update-config/);

    const subHelp = await run(["secrets", "put", "--help"], { auth: false });
    assert.equal(subHelp.code, 0);
    assert.match(subHelp.out, /--value-file/);

    const none = await run([], { auth: false });
    assert.equal(none.code, 2);
    assert.equal(none.err.split("\n")[0], `Error: missing command (one of: ${CLIENT_COMMANDS.join(", ")})`);
    assert.ok(none.err.includes(CLIENT_USAGE));

    const unknown = await run(["bogus"], { auth: false });
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^Error: unknown command 'bogus'/);

    const noSub = await run(["secrets"], { auth: false });
    assert.equal(noSub.code, 2);
    assert.match(noSub.err, /^Error: missing secrets subcommand/);

    const badSub = await run(["endpoints", "frobnicate"]);
    assert.equal(badSub.code, 2);
    assert.match(badSub.err, /^Error: unknown endpoints subcommand 'frobnicate'/);

    const badOpt = await run(["endpoints", "list", "--nope"]);
    assert.equal(badOpt.code, 2);
    assert.match(badOpt.err, /^Error: Unknown option '--nope'\.\n/);

    for (const c of ["endpoints", "secrets", "query"]) assert.ok(CLIENT_COMMANDS.includes(c), c);
    assert.equal(requests.length, 0);
  });
});
