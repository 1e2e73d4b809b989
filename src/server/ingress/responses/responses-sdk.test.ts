/**
 * The OpenAI Responses ingress end to end: the official `openai` SDK (`responses.create`,
 * `responses.stream`) as the client of a running Tessera, against an OpenAI-backed and an
 * Anthropic-backed endpoint (the mocks in testing/).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { BACKENDS, namedEvents, RIG_TOKEN as TOKEN, startIngressRig, type IngressRig } from "../../../../testing/ingress/rig.js";
import { ingressMatrix } from "../../../../testing/ingress/matrix.js";
import type { MockServer } from "../../../../testing/mocks/mock-server.js";

type Obj = Record<string, unknown>;
let rig: IngressRig;
let client: OpenAI;

before(async () => {
  rig = await startIngressRig();
  client = new OpenAI({ baseURL: `${rig.url}/serving-endpoints`, apiKey: TOKEN, maxRetries: 0 });
});

const matrix = ingressMatrix("responses");

after(async () => {
  matrix.check();
  await rig.close();
});

const lastBody = (mock: MockServer): Obj => mock.last().json as Obj;
const weather = { type: "function" as const, name: "get_weather", description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false }, strict: true };

for (const [label, endpoint] of BACKENDS) {
  describe(`openai SDK responses → ${label} endpoint`, () => {
    const cell = (name: string, fn: () => Promise<void>) => matrix.it(label, name, fn);
    const b = () => rig.get(endpoint);

    cell("simple (responses.create)", async () => {
      b().mock.reset();
      b().mock.enqueue({ text: "Hello there.", usage: { prompt: 12, completion: 4 } });
      const r = await client.responses.create({ model: b().endpoint, instructions: "Be brief.", input: "Hi", max_output_tokens: 64 });
      assert.equal(r.object, "response");
      assert.equal(r.status, "completed");
      assert.equal(r.output_text, "Hello there.");
      assert.equal(r.usage?.input_tokens, 12);
      assert.equal(r.usage?.output_tokens, 4);
      assert.equal(r.usage?.total_tokens, 16);
      const v = b().view();
      assert.equal(v.maxTokens(), 64);
      assert.equal(v.system(), "Be brief.");
    });

    cell("stream (responses.stream), sequence numbers", async () => {
      b().mock.reset();
      b().mock.enqueue({ text: "One, two, three, four.", pieces: 4, usage: { prompt: 9, completion: 6 } });
      const stream = client.responses.stream({ model: b().endpoint, input: [{ role: "user", content: "Count" }] });
      const types: string[] = [];
      const seqs: number[] = [];
      const deltas: string[] = [];
      for await (const ev of stream) {
        types.push(ev.type);
        seqs.push(ev.sequence_number);
        if (ev.type === "response.output_text.delta") deltas.push(ev.delta);
      }
      const final = await stream.finalResponse();
      assert.equal(final.output_text, "One, two, three, four.");
      assert.equal(final.usage?.output_tokens, 6);
      assert.ok(deltas.length >= 2);
      assert.deepEqual(seqs, seqs.map((_, i) => i));
      assert.deepEqual(types.slice(0, 4), ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]);
      assert.deepEqual(types.slice(-4), ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"]);
    });

    cell("forced tool call, tool result", async () => {
      b().mock.reset();
      b().mock.enqueue({ toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Paris" } }], usage: { prompt: 20, completion: 8 } });
      const r = await client.responses.create({ model: b().endpoint, input: "Weather in Paris?", tools: [weather], tool_choice: "required" });
      const call = r.output.find((o) => o.type === "function_call");
      assert.ok(call && call.type === "function_call");
      assert.equal(call.name, "get_weather");
      assert.deepEqual(JSON.parse(call.arguments), { city: "Paris" });
      b().mock.enqueue({ text: "Sunny.", usage: { prompt: 30, completion: 2 } });
      const next = await client.responses.create({
        model: b().endpoint,
        tools: [weather],
        input: [{ role: "user", content: "Weather in Paris?" }, ...(r.output as OpenAI.Responses.ResponseInputItem[]), { type: "function_call_output", call_id: call.call_id, output: "sunny, 24°C" }],
      });
      assert.equal(next.output_text, "Sunny.");
      const v = b().view();
      assert.deepEqual(v.toolResults().map((t) => t.text), ["sunny, 24°C"]);
      assert.deepEqual(v.historyToolCalls().map((c) => [c.name, c.arguments]), [["get_weather", { city: "Paris" }]]);
    });

    cell("streamed parallel tool calls", async () => {
      b().mock.reset();
      b().mock.enqueue({
        toolCalls: [
          { id: "call_a", name: "get_weather", arguments: { city: "Paris" } },
          { id: "call_b", name: "get_weather", arguments: { city: "Rome" } },
        ],
        usage: { prompt: 20, completion: 12 },
      });
      const stream = client.responses.stream({ model: b().endpoint, input: "Paris and Rome?", tools: [weather] });
      const final = await stream.finalResponse();
      const calls = final.output.filter((o) => o.type === "function_call");
      assert.deepEqual(
        calls.map((c) => (c.type === "function_call" ? [c.name, JSON.parse(c.arguments)] : [])),
        [
          ["get_weather", { city: "Paris" }],
          ["get_weather", { city: "Rome" }],
        ],
      );
      // Gemini has no call ids of its own: the Vertex adapter makes them; they only need to differ.
      assert.equal(new Set(calls.map((c) => (c.type === "function_call" ? c.call_id : ""))).size, 2);
    });

    cell("JSON schema", async () => {
      b().mock.reset();
      b().mock.enqueue({ text: '{"answer":"yes"}' });
      const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
      const r = await client.responses.create({ model: b().endpoint, input: "Yes or no?", text: { format: { type: "json_schema", name: "answer", schema, strict: true } } });
      assert.deepEqual(JSON.parse(r.output_text), { answer: "yes" });
      assert.deepEqual(b().view().jsonSchema(), schema);
    });

    cell("length stop", async () => {
      b().mock.reset();
      b().mock.enqueue({ text: "Cut", finish: "length" });
      const r = await client.responses.create({ model: b().endpoint, input: "Long story", max_output_tokens: 16 });
      assert.equal(r.status, "incomplete");
      assert.equal(r.incomplete_details?.reason, "max_output_tokens");
    });

    cell("mid-stream error", async () => {
      b().mock.reset();
      b().mock.enqueue({ text: "Partial answer that breaks", midStreamError: { status: 500, message: "boom" } });
      const res = await fetch(`${rig.url}/v1/responses`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ model: b().endpoint, input: "Hi", stream: true }) });
      const events = await namedEvents(res);
      const last = events.at(-1);
      assert.equal(last?.event, "response.failed");
      const response = last?.data["response"] as { status: string; error: { message: string } };
      assert.equal(response.status, "failed");
      assert.ok(response.error.message.length > 0);
    });
  });
}

describe("Responses ingress: reasoning, refusals, open-responses", () => {
  it("signed reasoning from an Anthropic-backed endpoint round-trips through encrypted_content", async () => {
    const mock = rig.get("via-anthropic").mock;
    mock.reset();
    mock.enqueue({ reasoning: [{ text: "Let me think.", signature: "sig-abc" }], text: "42." });
    const r = await client.responses.create({ model: "via-anthropic", input: "Answer?", max_output_tokens: 2048 });
    const reasoning = r.output.find((o) => o.type === "reasoning");
    assert.ok(reasoning && reasoning.type === "reasoning");
    assert.equal(reasoning.summary[0]?.text, "Let me think.");
    assert.ok(reasoning.encrypted_content);
    // reasoning.effort has no Anthropic equivalent: a 400 naming it, not a silent drop.
    await assert.rejects(client.responses.create({ model: "via-anthropic", input: "Answer?", reasoning: { effort: "low" } }), /reasoning_effort/);
    mock.enqueue({ text: "Again 42." });
    await client.responses.create({ model: "via-anthropic", input: [{ role: "user", content: "Answer?" }, ...(r.output as OpenAI.Responses.ResponseInputItem[]), { role: "user", content: "Again" }], max_output_tokens: 2048 });
    const history = (lastBody(mock)["messages"] as Obj[])[1] as { content: Obj[] };
    assert.deepEqual(history.content[0], { type: "thinking", thinking: "Let me think.", signature: "sig-abc" });
  });

  it("refuses previous_response_id and built-in tools with a 400 naming them (OpenAI's error shape)", async () => {
    await assert.rejects(client.responses.create({ model: "via-openai", input: "Hi", previous_response_id: "resp_123" }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.match(err.message, /previous_response_id/);
      return true;
    });
    await assert.rejects(client.responses.create({ model: "via-openai", input: "Hi", tools: [{ type: "web_search_preview" }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.match(err.message, /tools\[0\]\.type.*web_search_preview/);
      return true;
    });
    await assert.rejects(client.responses.create({ model: "no-such-endpoint", input: "Hi" }), (err: unknown) => err instanceof OpenAI.NotFoundError);
    const noAuth = await fetch(`${rig.url}/serving-endpoints/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(noAuth.status, 401);
    assert.equal(((await noAuth.json()) as { error: { type: string } }).error.type, "authentication_error");
  });

  it("serves the same handler at /serving-endpoints/open-responses", async () => {
    rig.get("via-openai").mock.reset();
    rig.get("via-openai").mock.enqueue({ text: "Open." });
    const res = await fetch(`${rig.url}/serving-endpoints/open-responses`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ model: "via-openai", input: "Hi" }) });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { output: Array<{ content: Array<{ text: string }> }> }).output[0]?.content[0]?.text, "Open.");
  });
});
