/**
 * The Anthropic Messages ingress end to end: the official `@anthropic-ai/sdk` as the
 * client of a running Tessera (real HTTP on loopback), against OpenAI-, Anthropic-,
 * Bedrock- and Vertex-backed endpoints (the conformance mocks in testing/), checking what
 * each upstream received through its fixture's neutral view. The Anthropic-backed one is
 * a pass-through; the others translate.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import type { MockServer } from "../../../../testing/mocks/mock-server.js";
import { BACKENDS, namedEvents, RIG_TOKEN as TOKEN, startIngressRig, type IngressRig } from "../../../../testing/ingress/rig.js";
import { ingressMatrix } from "../../../../testing/ingress/matrix.js";

type Obj = Record<string, unknown>;

let rig: IngressRig;
let openaiMock: MockServer;
let anthropicMock: MockServer;
let client: Anthropic;

before(async () => {
  rig = await startIngressRig();
  openaiMock = rig.get("via-openai").mock;
  anthropicMock = rig.get("via-anthropic").mock;
  client = new Anthropic({ baseURL: `${rig.url}/serving-endpoints/anthropic`, apiKey: TOKEN, maxRetries: 0 });
});

const matrix = ingressMatrix("anthropic");

after(async () => {
  matrix.check();
  await rig.close();
});

function lastBody(mock: MockServer): Obj {
  return mock.last().json as Obj;
}

/** The raw SSE events of a streamed call: event names and their data. */
async function rawEvents(body: Obj): Promise<Array<{ event: string; data: Obj }>> {
  const res = await fetch(`${rig.url}/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json", "anthropic-version": "2023-06-01" }, body: JSON.stringify({ ...body, stream: true }) });
  assert.equal(res.status, 200);
  return namedEvents(res);
}

for (const [label, endpoint] of BACKENDS) {
  describe(`Anthropic SDK → ${label} endpoint`, () => {
    const cell = (name: string, fn: () => Promise<void>) => matrix.it(label, name, fn);
    const mock = () => rig.get(endpoint).mock;
    const view = () => rig.get(endpoint).view();
    cell("simple (messages.create)", async () => {
      mock().reset();
      mock().enqueue({ text: "Hello there.", usage: { prompt: 12, completion: 4 } });
      const msg = await client.messages.create({ model: endpoint, max_tokens: 64, system: "Be brief.", messages: [{ role: "user", content: "Hi" }] });
      assert.equal(msg.type, "message");
      assert.equal(msg.role, "assistant");
      // Translated answers echo the endpoint's name; a pass-through answer is Anthropic's own, naming its model.
      assert.equal(msg.model, endpoint === "via-anthropic" ? "claude-sonnet-4-6" : endpoint);
      assert.ok(msg.id.startsWith("msg_"));
      assert.deepEqual(msg.content.map((b) => b.type), ["text"]);
      assert.equal(msg.content[0]?.type === "text" ? msg.content[0].text : "", "Hello there.");
      assert.equal(msg.stop_reason, "end_turn");
      assert.equal(msg.usage.input_tokens, 12);
      assert.equal(msg.usage.output_tokens, 4);
      const v = view();
      assert.equal(v.maxTokens(), 64);
      assert.equal(v.system(), "Be brief.");
      assert.deepEqual(v.turns(), [{ role: "user", text: "Hi" }]);
    });

    cell("stream (messages.stream)", async () => {
      mock().reset();
      mock().enqueue({ text: "One, two, three, four.", pieces: 4, usage: { prompt: 9, completion: 6 } });
      const deltas: string[] = [];
      const stream = client.messages.stream({ model: endpoint, max_tokens: 64, messages: [{ role: "user", content: "Count" }] });
      stream.on("text", (t) => deltas.push(t));
      const msg = await stream.finalMessage();
      assert.ok(deltas.length >= 2, `several text deltas (${deltas.length})`);
      assert.equal(deltas.join(""), "One, two, three, four.");
      assert.equal(msg.content[0]?.type === "text" ? msg.content[0].text : "", "One, two, three, four.");
      assert.equal(msg.stop_reason, "end_turn");
      assert.equal(msg.usage.output_tokens, 6);
      assert.equal(msg.usage.input_tokens, 9);
    });

    cell("event sequence, usage in stream", async () => {
      mock().reset();
      mock().enqueue({ text: "Hi.", usage: { prompt: 5, completion: 2 } });
      const events = await rawEvents({ model: endpoint, max_tokens: 32, messages: [{ role: "user", content: "Hi" }] });
      const names = events.map((e) => e.event);
      assert.equal(names[0], "message_start");
      assert.equal(names[1], "ping");
      assert.equal(names.at(-1), "message_stop");
      assert.equal(names.at(-2), "message_delta");
      assert.deepEqual([...new Set(names.slice(2, -2).filter((n) => n !== "ping"))], ["content_block_start", "content_block_delta", "content_block_stop"]);
      for (const e of events) assert.equal(e.data["type"], e.event, "data.type matches the event name");
      const md = events.at(-2)?.data as { delta: Obj; usage: Obj };
      assert.deepEqual(md.delta, { stop_reason: "end_turn", stop_sequence: null });
      assert.equal(md.usage["output_tokens"], 2);
      assert.equal(md.usage["input_tokens"], 5);
    });

    cell("forced tool call, tool result", async () => {
      mock().reset();
      mock().enqueue({ toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Paris" } }], usage: { prompt: 20, completion: 8 } });
      const tools: Anthropic.Tool[] = [{ name: "get_weather", description: "Weather of a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }];
      const msg = await client.messages.create({ model: endpoint, max_tokens: 128, tools, tool_choice: { type: "tool", name: "get_weather" }, messages: [{ role: "user", content: "Weather in Paris?" }] });
      assert.equal(msg.stop_reason, "tool_use");
      const use = msg.content.find((b) => b.type === "tool_use");
      assert.ok(use && use.type === "tool_use");
      assert.equal(use.name, "get_weather");
      assert.deepEqual(use.input, { city: "Paris" });
      assert.deepEqual(view().toolNames(), ["get_weather"]);

      mock().enqueue({ text: "It is sunny.", usage: { prompt: 30, completion: 4 } });
      const next = await client.messages.create({
        model: endpoint,
        max_tokens: 128,
        tools,
        messages: [
          { role: "user", content: "Weather in Paris?" },
          { role: "assistant", content: msg.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "sunny, 24°C" }, { type: "text", text: "Thanks" }] },
        ],
      });
      assert.equal(next.content[0]?.type === "text" ? next.content[0].text : "", "It is sunny.");
      const v = view();
      assert.deepEqual(v.toolResults().map((r) => r.text), ["sunny, 24°C"]);
      assert.deepEqual(v.historyToolCalls().map((c) => [c.name, c.arguments]), [["get_weather", { city: "Paris" }]]);
    });

    cell("streamed parallel tool calls", async () => {
      mock().reset();
      mock().enqueue({
        text: "Checking both.",
        toolCalls: [
          { id: "call_a", name: "get_weather", arguments: { city: "Paris" } },
          { id: "call_b", name: "get_weather", arguments: { city: "Rome" } },
        ],
        usage: { prompt: 20, completion: 12 },
      });
      const stream = client.messages.stream({ model: endpoint, max_tokens: 128, tools: [{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }], messages: [{ role: "user", content: "Paris and Rome?" }] });
      const msg = await stream.finalMessage();
      const uses = msg.content.filter((b) => b.type === "tool_use");
      assert.deepEqual(
        uses.map((u) => (u.type === "tool_use" ? [u.name, u.input] : [])),
        [
          ["get_weather", { city: "Paris" }],
          ["get_weather", { city: "Rome" }],
        ],
      );
      assert.equal(new Set(uses.map((u) => (u.type === "tool_use" ? u.id : ""))).size, 2, "distinct ids");
      assert.equal(msg.stop_reason, "tool_use");
      assert.equal(msg.content[0]?.type, "text");
    });

    cell("vision", async () => {
      mock().reset();
      const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
      await client.messages.create({ model: endpoint, max_tokens: 32, messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: png } }, { type: "text", text: "What is this?" }] }] });
      assert.deepEqual(view().images(), [{ mediaType: "image/png", data: png }]);
    });

    cell("countTokens", async () => {
      mock().reset();
      const r = await client.messages.countTokens({ model: endpoint, system: "Be brief.", messages: [{ role: "user", content: "How many tokens is this sentence, roughly?" }] });
      assert.ok(r.input_tokens > 5, `input_tokens ${r.input_tokens}`);
      assert.equal(rig.get(endpoint).calls(), 0);
    });

    cell("upstream error, mid-stream error", async () => {
      mock().reset();
      mock().enqueue({ error: { status: 503, message: "busy right now" } });
      await assert.rejects(client.messages.create({ model: endpoint, max_tokens: 16, messages: [{ role: "user", content: "Hi" }] }), (err: unknown) => {
        assert.ok(err instanceof Anthropic.APIError);
        assert.equal(err.status, 529);
        assert.equal((err.error as { error?: { type?: string } }).error?.type, "overloaded_error");
        return true;
      });
      mock().enqueue({ text: "Partial answer that breaks", midStreamError: { status: 500, message: "boom" } });
      const stream = client.messages.stream({ model: endpoint, max_tokens: 64, messages: [{ role: "user", content: "Hi" }] });
      await assert.rejects(stream.finalMessage(), (err: unknown) => err instanceof Error);
      mock().enqueue({ text: "Partial answer that breaks", midStreamError: { status: 500, message: "boom" } });
      const events = await rawEvents({ model: endpoint, max_tokens: 64, messages: [{ role: "user", content: "Hi" }] });
      const last = events.at(-1);
      assert.equal(last?.event, "error");
      assert.equal((last?.data as { type: string }).type, "error");
      assert.ok(!events.some((e) => e.event === "message_stop"), "no clean end after an error");
    });
  });
}

describe("Anthropic ingress → Anthropic endpoint: pass-through", () => {
  it("forwards the native body (model swapped) and the beta header; answers the native message", async () => {
    anthropicMock.reset();
    anthropicMock.enqueue({ text: "Read it.", usage: { prompt: 40, completion: 3, cached: 10, cacheWrite: 5 } });
    const body = {
      model: "via-anthropic",
      max_tokens: 64,
      // A document block and a container have no canonical form: only a pass-through can take them.
      messages: [{ role: "user", content: [{ type: "document", source: { type: "text", media_type: "text/plain", data: "Some text." } }, { type: "text", text: "Summarise" }] }],
      metadata: { user_id: "u-1" },
    };
    const res = await fetch(`${rig.url}/serving-endpoints/anthropic/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json", "anthropic-version": "2023-06-01", "anthropic-beta": "files-api-2025-04-14" }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-tessera-pass-through"), "true");
    const msg = (await res.json()) as { usage: Obj; content: Obj[] };
    // Anthropic's own counters, cache writes included (the canonical usage has no field for those).
    assert.equal(msg.usage["cache_creation_input_tokens"], 5);
    assert.equal(msg.usage["cache_read_input_tokens"], 10);
    assert.equal(msg.usage["service_tier"], "standard");
    const received = anthropicMock.last();
    assert.deepEqual(received.json, { ...body, model: "claude-sonnet-4-6" });
    assert.equal(received.headers["anthropic-beta"], "files-api-2025-04-14");
    assert.ok(received.headers["x-api-key"] && received.headers["x-api-key"] !== TOKEN, "the entity's key, never the caller's token");

    // The same request to an OpenAI-backed endpoint names what it cannot translate.
    const refused = await fetch(`${rig.url}/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json" }, body: JSON.stringify({ ...body, model: "via-openai" }) });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /messages\[0\]\.content\[0\]\.type.*document/);
  });

  it("streams the upstream's events unchanged", async () => {
    anthropicMock.reset();
    anthropicMock.enqueue({ text: "Streamed natively.", usage: { prompt: 8, completion: 3 } });
    const res = await fetch(`${rig.url}/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json" }, body: JSON.stringify({ model: "via-anthropic", max_tokens: 32, stream: true, messages: [{ role: "user", content: "Hi" }] }) });
    assert.equal(res.headers.get("x-tessera-pass-through"), "true");
    const events = await namedEvents(res);
    const start = events[0]?.data as { message: { model: string; usage: Obj } };
    assert.equal(start.message.model, "claude-sonnet-4-6");
    assert.equal(start.message.usage["service_tier"], "standard");
    assert.equal(events.at(-1)?.event, "message_stop");
    const sdk = await client.messages.stream({ model: "via-anthropic", max_tokens: 32, messages: [{ role: "user", content: "Hi" }] }).finalMessage();
    assert.equal(sdk.content[0]?.type === "text" ? sdk.content[0].text : "", "Hello from the mock.");
  });

  it("an endpoint with guardrails translates instead (they must read the content)", async () => {
    const b = rig.get("via-anthropic");
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const created = await fetch(`${rig.url}/api/2.0/serving-endpoints`, { method: "POST", headers, body: JSON.stringify({ name: "via-anthropic-guarded", config: { served_entities: [{ name: "entity", external_model: b.fx.externalModel(b.mock.url, "llm/v1/chat") }] } }) });
    assert.equal(created.status, 200, await created.text());
    const put = await fetch(`${rig.url}/api/2.0/serving-endpoints/via-anthropic-guarded/ai-gateway`, { method: "PUT", headers, body: JSON.stringify({ guardrails: { input: { pii: { behavior: "BLOCK" } } } }) });
    assert.equal(put.status, 200, await put.text());
    b.mock.reset();
    const res = await fetch(`${rig.url}/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json" }, body: JSON.stringify({ model: "via-anthropic-guarded", max_tokens: 32, messages: [{ role: "user", content: "Hi" }] }) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-tessera-pass-through"), null);
    assert.equal(((await res.json()) as { model: string }).model, "via-anthropic-guarded");
    const blocked = await fetch(`${rig.url}/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json" }, body: JSON.stringify({ model: "via-anthropic-guarded", max_tokens: 32, messages: [{ role: "user", content: "My email is jane.doe@example.com" }] }) });
    assert.equal(blocked.status, 400);
    assert.equal(((await blocked.json()) as { type: string }).type, "error");
  });

  it("a cut pass-through stream ends with an error event, never a clean end", async () => {
    anthropicMock.reset();
    anthropicMock.enqueue({ text: "This stream is cut short", truncate: true });
    const res = await fetch(`${rig.url}/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json" }, body: JSON.stringify({ model: "via-anthropic", max_tokens: 32, stream: true, messages: [{ role: "user", content: "Hi" }] }) });
    const events = await namedEvents(res);
    assert.equal(events.at(-1)?.event, "error");
    assert.equal((events.at(-1)?.data["error"] as Obj)["type"], "api_error");
  });
});

describe("Anthropic ingress: thinking, auth and refusals", () => {
  it("signed thinking round-trips through an Anthropic-backed endpoint, created and streamed", async () => {
    anthropicMock.reset();
    anthropicMock.enqueue({ reasoning: [{ text: "Let me think.", signature: "sig-abc" }], text: "42.", usage: { prompt: 10, completion: 20 } });
    const msg = await client.messages.create({ model: "via-anthropic", max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 }, messages: [{ role: "user", content: "Answer?" }] });
    assert.deepEqual(msg.content.map((b) => b.type), ["thinking", "text"]);
    const t = msg.content[0];
    assert.ok(t?.type === "thinking");
    assert.equal(t.thinking, "Let me think.");
    assert.equal(t.signature, "sig-abc");
    assert.deepEqual(lastBody(anthropicMock)["thinking"], { type: "enabled", budget_tokens: 1024 });

    anthropicMock.enqueue({ reasoning: [{ text: "Streaming thoughts.", signature: "sig-xyz" }], text: "Done.", usage: { prompt: 10, completion: 20 } });
    const streamed = await client.messages
      .stream({ model: "via-anthropic", max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 }, messages: [{ role: "user", content: "Answer?" }, { role: "assistant", content: msg.content }, { role: "user", content: "Again" }] })
      .finalMessage();
    const st = streamed.content[0];
    assert.ok(st?.type === "thinking");
    assert.equal(st.thinking, "Streaming thoughts.");
    assert.equal(st.signature, "sig-xyz");
    const history = (lastBody(anthropicMock)["messages"] as Obj[])[1] as { content: Obj[] };
    assert.deepEqual(history.content[0], { type: "thinking", thinking: "Let me think.", signature: "sig-abc" });
  });

  it("authenticates by Authorization: Bearer (authToken) as well as x-api-key; no token is a 401 in Anthropic's shape", async () => {
    openaiMock.reset();
    const bearer = new Anthropic({ baseURL: `${rig.url}/serving-endpoints/anthropic`, authToken: TOKEN, apiKey: null, maxRetries: 0 });
    const msg = await bearer.messages.create({ model: "via-openai", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] });
    assert.equal(msg.type, "message");
    const res = await fetch(`${rig.url}/serving-endpoints/anthropic/v1/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { type: string; error: { type: string } };
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "authentication_error");
    // x-api-key counts only on the Anthropic routes.
    const other = await fetch(`${rig.url}/api/2.0/serving-endpoints`, { headers: { "x-api-key": TOKEN } });
    assert.equal(other.status, 401);
  });

  it("answers bad input and unknown endpoints in Anthropic's shape, naming the field", async () => {
    await assert.rejects(client.messages.create({ model: "no-such-endpoint", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] }), (err: unknown) => err instanceof Anthropic.NotFoundError);
    const cases: Array<[Obj, RegExp]> = [
      [{ model: "via-openai", messages: [{ role: "user", content: "Hi" }] }, /max_tokens/],
      [{ model: "via-openai", max_tokens: 16, messages: [{ role: "user", content: [{ type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" } }] }] }, /messages\[0\]\.content\[0\]\.type.*document/],
      [{ model: "via-openai", max_tokens: 16, tools: [{ type: "web_search_20250305", name: "web_search" }], messages: [{ role: "user", content: "Hi" }] }, /tools\[0\]\.type.*web_search_20250305/],
      [{ model: "via-openai", max_tokens: 16, mcp_servers: [], messages: [{ role: "user", content: "Hi" }] }, /mcp_servers/],
      [{ model: "via-openai", max_tokens: 16, messages: [{ role: "user", content: [{ type: "text" }] }] }, /messages\[0\]\.content\[0\]\.text/],
    ];
    for (const [body, message] of cases) {
      const res = await fetch(`${rig.url}/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = (await res.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(err.type, "error");
      assert.equal(err.error.type, "invalid_request_error");
      assert.match(err.error.message, message);
    }
    // Unknown paths under the API's prefix answer in its shape too.
    const unknown = await fetch(`${rig.url}/serving-endpoints/anthropic/v1/nothing-here`, { method: "POST", headers: { "x-api-key": TOKEN } });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { type: string } }).error.type, "not_found_error");
    const bad = await fetch(`${rig.url}/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN, "content-type": "application/json" }, body: "{not json" });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { type: string }).type, "error");
  });
});
