/**
 * The requests Claude Code sends, replayed against an OpenAI-backed endpoint through the
 * Anthropic ingress: the start-up quota probe, a token count, and one tool-using turn
 * (streamed, with tools, thinking, cache marks and Claude Code's headers and betas), then
 * the turn that sends the tool's result back. Claude Code uses the SDK's beta client,
 * hence `?beta=true` on every path.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { namedEvents, RIG_TOKEN as TOKEN, startIngressRig, type IngressRig } from "../../../../testing/ingress/rig.js";

type Obj = Record<string, unknown>;
let rig: IngressRig;

before(async () => {
  rig = await startIngressRig();
});
after(() => rig.close());

const HEADERS = {
  authorization: `Bearer ${TOKEN}`,
  "content-type": "application/json",
  accept: "application/json",
  "anthropic-version": "2023-06-01",
  "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14",
  "anthropic-dangerous-direct-browser-access": "true",
  "user-agent": "claude-cli/2.0.14 (external, cli)",
  "x-app": "cli",
  "x-stainless-lang": "js",
  "x-stainless-package-version": "0.60.0",
  "x-stainless-retry-count": "0",
  "x-stainless-timeout": "600",
};

const SYSTEM = [
  { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: "ephemeral" } },
  { type: "text", text: "You are an interactive CLI tool that helps users with software engineering tasks.", cache_control: { type: "ephemeral" } },
];

const TOOLS = [
  {
    name: "Bash",
    description: "Executes a given bash command.",
    input_schema: { type: "object", properties: { command: { type: "string" }, description: { type: "string" } }, required: ["command"], additionalProperties: false, $schema: "http://json-schema.org/draft-07/schema#" },
  },
  {
    name: "Read",
    description: "Reads a file from the local filesystem.",
    input_schema: { type: "object", properties: { file_path: { type: "string" } }, required: ["file_path"], additionalProperties: false, $schema: "http://json-schema.org/draft-07/schema#" },
  },
];

const METADATA = { user_id: "user_0123abcd_account__session_4567-89ab" };

async function post(path: string, body: Obj, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${rig.url}/serving-endpoints/anthropic${path}`, { method: "POST", headers: { ...HEADERS, ...extra }, body: JSON.stringify(body) });
}

describe("Claude Code's request sequence through an OpenAI-backed endpoint", () => {
  it("start-up: the quota probe and a token count", async () => {
    rig.get("via-openai").mock.reset();
    rig.get("via-openai").mock.enqueue({ text: "ok", finish: "length", usage: { prompt: 8, completion: 1 } });
    const probe = await post("/v1/messages?beta=true", { model: "via-openai", max_tokens: 1, messages: [{ role: "user", content: "quota" }], metadata: METADATA });
    assert.equal(probe.status, 200);
    const m = (await probe.json()) as Obj;
    assert.equal(m["stop_reason"], "max_tokens");
    assert.equal(rig.get("via-openai").mock.last().json && (rig.get("via-openai").mock.last().json as Obj)["user"], METADATA.user_id);

    const count = await post("/v1/messages/count_tokens?beta=true", { model: "via-openai", messages: [{ role: "user", content: "foo" }], tools: TOOLS }, { "anthropic-beta": "claude-code-20250219,token-counting-2024-11-01" });
    assert.equal(count.status, 200);
    assert.ok(((await count.json()) as { input_tokens: number }).input_tokens > 0);
  });

  it("one tool-using turn, streamed with thinking, then the tool result back", async () => {
    rig.get("via-openai").mock.reset();
    rig.get("via-openai").mock.enqueue({ text: "Let me look.", toolCalls: [{ id: "call_ls1", name: "Bash", arguments: { command: "ls", description: "List files" } }], usage: { prompt: 900, completion: 40, cached: 600 } });
    const first = { role: "user", content: [{ type: "text", text: "What files are here?", cache_control: { type: "ephemeral" } }] };
    const turn = {
      model: "via-openai",
      max_tokens: 32000,
      temperature: 1,
      stream: true,
      system: SYSTEM,
      tools: TOOLS,
      metadata: METADATA,
      thinking: { type: "enabled", budget_tokens: 31999 },
      messages: [first],
    };
    const res = await post("/v1/messages?beta=true", turn, { accept: "text/event-stream" });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    const events = await namedEvents(res);
    const names = events.map((e) => e.event);
    assert.deepEqual(names.slice(0, 2), ["message_start", "ping"]);
    assert.deepEqual(names.slice(-2), ["message_delta", "message_stop"]);
    const starts = events.filter((e) => e.event === "content_block_start").map((e) => e.data["content_block"] as Obj);
    assert.deepEqual(starts.map((b) => b["type"]), ["text", "tool_use"]);
    assert.equal(starts[1]?.["name"], "Bash");
    const json = events
      .filter((e) => e.event === "content_block_delta" && (e.data["delta"] as Obj)["type"] === "input_json_delta")
      .map((e) => (e.data["delta"] as Obj)["partial_json"])
      .join("");
    assert.deepEqual(JSON.parse(json), { command: "ls", description: "List files" });
    const delta = events.at(-2)?.data as { delta: Obj; usage: Obj };
    assert.equal(delta.delta["stop_reason"], "tool_use");
    assert.deepEqual(delta.usage, { input_tokens: 300, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 600 });
    const sent = rig.get("via-openai").mock.last().json as Obj;
    assert.deepEqual(sent["thinking"], { type: "enabled", budget_tokens: 31999 });
    assert.equal((sent["tools"] as unknown[]).length, 2);
    assert.equal(sent["stream"], true);

    rig.get("via-openai").mock.enqueue({ text: "There are two files: a.txt and b.txt.", usage: { prompt: 950, completion: 12 } });
    const back = {
      ...turn,
      messages: [
        first,
        { role: "assistant", content: [{ type: "text", text: "Let me look." }, { type: "tool_use", id: starts[1]?.["id"], name: "Bash", input: { command: "ls", description: "List files" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: starts[1]?.["id"], content: "a.txt\nb.txt", is_error: false, cache_control: { type: "ephemeral" } }] },
      ],
    };
    const res2 = await post("/v1/messages?beta=true", back, { accept: "text/event-stream" });
    const text = (await namedEvents(res2))
      .filter((e) => e.event === "content_block_delta")
      .map((e) => (e.data["delta"] as Obj)["text"])
      .join("");
    assert.equal(text, "There are two files: a.txt and b.txt.");
    const messages = (rig.get("via-openai").mock.last().json as { messages: Obj[] }).messages;
    assert.deepEqual(messages.map((m) => m["role"]), ["system", "user", "assistant", "tool"]);
    assert.equal(messages[3]?.["tool_call_id"], "call_ls1");
    assert.equal(messages[3]?.["content"], "a.txt\nb.txt");
  });
});
