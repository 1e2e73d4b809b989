/**
 * The Query panel's pure helpers, run by Node without a browser: example requests per
 * task, the body parser's messages (line and column), and the code snippets — Python
 * literals (True/None, escaping), shell quoting, keyword arguments, no token anywhere.
 * When python3 and bash are installed, the snippets are also parsed/run by them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { canStream, exampleRequest, formatBody, lineColumn, parseBody, taskOf, withStream } from "../../src/ui/pages/query/examples.js";
import { curlSnippet, mlflowSnippet, openAiPythonSnippet, openAiTypeScriptSnippet, shellQuote, toJs, toPython, type SnippetInput } from "../../src/ui/pages/query/snippets.js";

const HOST = "http://127.0.0.1:8080";
const tricky = { messages: [{ role: "user", content: "It's \"quoted\", a $HOME, a `tick`, a \\ and\na new line — ünïcode" }], stream: false, stop: null, logprobs: true, temperature: 0.5 };

function has(cmd: string): boolean {
  return spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;
}
const python = has("python3");
const bash = has("bash");

function runPython(code: string): string {
  const r = spawnSync("python3", ["-c", code], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe("query panel: examples and the request body", () => {
  it("reads the task from the endpoint or its first served entity, chat by default", () => {
    assert.equal(taskOf({ task: "llm/v1/embeddings" }), "llm/v1/embeddings");
    assert.equal(taskOf({ config: { served_entities: [{ external_model: { task: "llm/v1/completions" } }] } }), "llm/v1/completions");
    assert.equal(taskOf({ task: "something/else" }), "llm/v1/chat");
    assert.equal(canStream("llm/v1/embeddings"), false);
    assert.equal(canStream("llm/v1/chat"), true);
  });

  it("gives an example per task: messages (system + user) and max_tokens, a prompt, an input", () => {
    const chat = exampleRequest("llm/v1/chat") as { messages: Array<{ role: string }>; max_tokens: number };
    assert.deepEqual(chat.messages.map((m) => m.role), ["system", "user"]);
    assert.ok(chat.max_tokens > 0);
    assert.equal(typeof exampleRequest("llm/v1/completions")["prompt"], "string");
    assert.ok(exampleRequest("llm/v1/embeddings")["input"]);
    assert.deepEqual(parseBody(formatBody(exampleRequest("llm/v1/chat"))), { ok: true, body: exampleRequest("llm/v1/chat") });
  });

  it("says where the JSON breaks, by line and column", () => {
    const text = '{\n  "a": 1,\n  "b" 2\n}';
    const r = parseBody(text);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.line, 3);
    assert.equal(r.column, 7);
    assert.match(r.message, /^Invalid JSON at line 3, column 7: /);
    assert.doesNotMatch(r.message, /position/);
    const cut = parseBody('{\n  "a": ');
    assert.ok(!cut.ok && cut.line === 2, JSON.stringify(cut));
    assert.match((parseBody("") as { message: string }).message, /empty/);
    assert.match((parseBody("[1]") as { message: string }).message, /must be a JSON object/);
    assert.deepEqual(lineColumn("ab\ncd", 4), { line: 2, column: 2 });
  });

  it("sets and removes stream as the switch does", () => {
    assert.deepEqual(withStream({ a: 1 }, true), { a: 1, stream: true });
    assert.deepEqual(withStream({ a: 1, stream: true }, false), { a: 1 });
  });
});

describe("query panel: snippets", () => {
  const chat: SnippetInput = { host: HOST, endpoint: "my-chat", task: "llm/v1/chat", body: tricky };

  it("writes Python literals: True/False/None, escaped strings, nested dicts", () => {
    assert.equal(toPython({ a: true, b: false, c: null, d: [1, 2.5, "x"] }), '{"a": True, "b": False, "c": None, "d": [1, 2.5, "x"]}');
    assert.equal(toPython("it's \"q\"\n"), '"it\'s \\"q\\"\\n"');
    assert.equal(toJs({ a: 1, "b-c": null, d: [] }), '{ a: 1, "b-c": null, d: [] }');
    const long = toPython({ messages: [{ role: "user", content: "x".repeat(100) }] });
    assert.ok(long.includes("\n"), "a long literal is broken over lines");
    if (python) {
      const back = runPython(`import json, sys\nprint(json.dumps(${toPython(tricky)}, ensure_ascii=False))`);
      assert.deepEqual(JSON.parse(back), tricky);
    }
  });

  it("curl: the invocations URL, the token from $DATABRICKS_TOKEN, the body single-quoted", () => {
    const s = curlSnippet(chat);
    assert.ok(s.includes(`'${HOST}/serving-endpoints/my-chat/invocations'`));
    assert.ok(s.includes('-H "Authorization: Bearer $DATABRICKS_TOKEN"'));
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.ok(!s.includes("-N"), "no -N without stream");
    assert.ok(curlSnippet({ ...chat, body: { ...tricky, stream: true } }).includes("curl -N"));
    if (bash) {
      // Run it with a curl that prints its arguments: the -d argument must be the body exactly.
      const r = spawnSync("bash", ["-c", `curl() { printf '%s\\0' "$@"; }\nDATABRICKS_TOKEN=t\n${s}`], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const args = r.stdout.split("\0");
      assert.deepEqual(JSON.parse(args[args.indexOf("-d") + 1] ?? ""), tricky);
      assert.ok(args.includes("Authorization: Bearer t"));
    }
  });

  it("OpenAI Python: base_url on /serving-endpoints, the endpoint as model, body params as keyword args", () => {
    const s = openAiPythonSnippet({ ...chat, body: { ...tricky, top_k: 5, model: "ignored" } });
    assert.ok(s.includes('base_url=f"{host}/serving-endpoints"'));
    assert.ok(s.includes('api_key=os.environ["DATABRICKS_TOKEN"]'));
    assert.ok(s.includes("client.chat.completions.create("));
    assert.ok(s.includes('model="my-chat"'));
    assert.ok(s.includes("stream=False") && s.includes("stop=None") && s.includes("logprobs=True"));
    assert.ok(s.includes('extra_body={"top_k": 5}'), "a parameter the SDK does not know goes in extra_body");
    assert.ok(!s.includes("ignored"));
    assert.ok(openAiPythonSnippet({ ...chat, task: "llm/v1/completions", body: { prompt: "p" } }).includes("client.completions.create("));
    assert.ok(openAiPythonSnippet({ ...chat, task: "llm/v1/embeddings", body: { input: "p" } }).includes("client.embeddings.create("));
    const streamed = openAiPythonSnippet({ ...chat, body: { messages: [], stream: true } });
    assert.ok(streamed.includes("for chunk in stream:"));
    if (python) {
      for (const code of [s, streamed]) runPython(`import ast\nast.parse(${JSON.stringify(code)})`);
    }
  });

  it("OpenAI TypeScript: baseURL and apiKey from the environment, params in the create call", () => {
    const s = openAiTypeScriptSnippet({ ...chat, body: { ...tricky, top_k: 5 } });
    assert.ok(s.includes(`baseURL: "${HOST}/serving-endpoints"`));
    assert.ok(s.includes("apiKey: process.env.DATABRICKS_TOKEN"));
    assert.ok(s.includes("client.chat.completions.create({"));
    assert.ok(s.includes('model: "my-chat"') && s.includes("stop: null") && s.includes("...{ top_k: 5 }"));
    assert.ok(openAiTypeScriptSnippet({ ...chat, task: "llm/v1/embeddings", body: { input: "p" } }).includes("client.embeddings.create({"));
  });

  it("MLflow: get_deploy_client('databricks').predict(endpoint, inputs), predict_stream when streaming", () => {
    const s = mlflowSnippet(chat);
    assert.ok(s.includes("from mlflow.deployments import get_deploy_client"));
    assert.ok(s.includes('client = get_deploy_client("databricks")'));
    assert.ok(s.includes('endpoint="my-chat"'));
    assert.ok(s.includes('"stream": False') && s.includes('"stop": None'));
    const streamed = mlflowSnippet({ ...chat, body: { prompt: "p", stream: true } });
    assert.ok(streamed.includes("client.predict_stream(") && !streamed.includes('"stream"'));
    if (python) for (const code of [s, streamed]) runPython(`import ast\nast.parse(${JSON.stringify(code)})`);
  });
});
