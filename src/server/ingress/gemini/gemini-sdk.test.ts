/**
 * The Gemini ingress end to end: the official `@google/genai` SDK (`generateContent`,
 * `generateContentStream`, `countTokens`) as the client of a running Tessera, against an
 * OpenAI-backed and an Anthropic-backed endpoint (the mocks in testing/).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FunctionCallingConfigMode, GoogleGenAI, Type } from "@google/genai";
import { BACKENDS, RIG_TOKEN as TOKEN, startIngressRig, type IngressRig } from "../../../../testing/ingress/rig.js";
import { ingressMatrix } from "../../../../testing/ingress/matrix.js";
import type { MockServer } from "../../../../testing/mocks/mock-server.js";

type Obj = Record<string, unknown>;
let rig: IngressRig;
let genai: GoogleGenAI;

before(async () => {
  rig = await startIngressRig();
  genai = new GoogleGenAI({ apiKey: TOKEN, httpOptions: { baseUrl: `${rig.url}/serving-endpoints/gemini` } });
});

const matrix = ingressMatrix("gemini");

after(async () => {
  matrix.check();
  await rig.close();
});

const lastBody = (mock: MockServer): Obj => mock.last().json as Obj;
const weather = { name: "get_weather", description: "Weather of a city", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ["city"] } };

for (const [label, endpoint] of BACKENDS) {
  describe(`@google/genai → ${label} endpoint`, () => {
    const cell = (name: string, fn: () => Promise<void>) => matrix.it(label, name, fn);
    const b = () => rig.get(endpoint);

    cell("simple (generateContent)", async () => {
      b().mock.reset();
      b().mock.enqueue({ text: "Hello there.", usage: { prompt: 12, completion: 4 } });
      const r = await genai.models.generateContent({ model: b().endpoint, contents: "Hi", config: { systemInstruction: "Be brief.", maxOutputTokens: 64 } });
      assert.equal(r.text, "Hello there.");
      assert.equal(r.candidates?.[0]?.finishReason, "STOP");
      assert.equal(r.usageMetadata?.promptTokenCount, 12);
      assert.equal(r.usageMetadata?.candidatesTokenCount, 4);
      const v = b().view();
      assert.equal(v.maxTokens(), 64);
      assert.equal(v.system(), "Be brief.");
    });

    cell("stream (generateContentStream), usage", async () => {
      b().mock.reset();
      b().mock.enqueue({ text: "One, two, three, four.", pieces: 4, usage: { prompt: 9, completion: 6 } });
      const texts: string[] = [];
      let last: Obj | undefined;
      for await (const chunk of await genai.models.generateContentStream({ model: b().endpoint, contents: "Count" })) {
        if (chunk.text) texts.push(chunk.text);
        last = chunk as unknown as Obj;
      }
      assert.ok(texts.length >= 2, `several chunks (${texts.length})`);
      assert.equal(texts.join(""), "One, two, three, four.");
      const l = last as { candidates: Array<{ finishReason: string }>; usageMetadata: { candidatesTokenCount: number } };
      assert.equal(l.candidates[0]?.finishReason, "STOP");
      assert.equal(l.usageMetadata.candidatesTokenCount, 6);
    });

    cell("parallel tool calls (streamed too), tool results", async () => {
      b().mock.reset();
      b().mock.enqueue({
        toolCalls: [
          { id: "call_a", name: "get_weather", arguments: { city: "Paris" } },
          { id: "call_b", name: "get_weather", arguments: { city: "Rome" } },
        ],
      });
      const config = { tools: [{ functionDeclarations: [weather] }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } };
      const r = await genai.models.generateContent({ model: b().endpoint, contents: "Paris and Rome?", config });
      assert.deepEqual(r.functionCalls?.map((c) => [c.name, c.args]), [
        ["get_weather", { city: "Paris" }],
        ["get_weather", { city: "Rome" }],
      ]);
      assert.deepEqual(b().view().toolNames(), ["get_weather"]);
      if (endpoint === "via-openai") assert.match(JSON.stringify(lastBody(b().mock)["tools"]), /"type":"object"/, "OpenAPI upper-case types lowered");

      b().mock.enqueue({ toolCalls: [{ id: "call_c", name: "get_weather", arguments: { city: "Oslo" } }] });
      const calls: Obj[] = [];
      for await (const chunk of await genai.models.generateContentStream({ model: b().endpoint, contents: "Oslo?", config })) for (const c of chunk.functionCalls ?? []) calls.push(c as Obj);
      assert.deepEqual(calls.map((c) => c["args"]), [{ city: "Oslo" }]);

      b().mock.enqueue({ text: "Sunny in both." });
      const next = await genai.models.generateContent({
        model: b().endpoint,
        config: { tools: [{ functionDeclarations: [weather] }] },
        contents: [
          { role: "user", parts: [{ text: "Paris and Rome?" }] },
          r.candidates?.[0]?.content ?? { role: "model", parts: [] },
          { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { weather: "sunny-paris" } } }, { functionResponse: { name: "get_weather", response: { weather: "sunny-rome" } } }] },
        ],
      });
      assert.equal(next.text, "Sunny in both.");
      const results = b().view().toolResults().map((t) => t.text).join(" ");
      assert.match(results, /sunny-paris/);
      assert.match(results, /sunny-rome/);
    });

    cell("countTokens", async () => {
      b().mock.reset();
      const r = await genai.models.countTokens({ model: b().endpoint, contents: "How many tokens is this sentence, roughly?" });
      assert.ok((r.totalTokens ?? 0) > 5);
      assert.equal(b().calls(), 0);
    });
  });
}

describe("Gemini ingress: thought signatures", () => {
  it("a Vertex endpoint's signed thoughts come back as thought parts and return to Gemini unchanged", async () => {
    const b = rig.get("via-vertex");
    b.mock.reset();
    b.mock.enqueue({ reasoning: [{ text: "Thinking it over.", signature: "c2lnLXZlcnRleA==" }], text: "42." });
    const r = await genai.models.generateContent({ model: "via-vertex", contents: "Answer?", config: { maxOutputTokens: 2048, thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } } });
    const parts = r.candidates?.[0]?.content?.parts ?? [];
    const thought = parts.find((p) => p.thought === true);
    assert.equal(thought?.text, "Thinking it over.");
    assert.equal(thought?.thoughtSignature, "c2lnLXZlcnRleA==");
    assert.equal(r.text, "42.");
    b.mock.enqueue({ text: "Still 42." });
    await genai.models.generateContent({ model: "via-vertex", contents: [{ role: "user", parts: [{ text: "Answer?" }] }, r.candidates?.[0]?.content ?? { role: "model", parts: [] }, { role: "user", parts: [{ text: "Sure?" }] }] });
    assert.deepEqual(b.view().reasoning().map((x) => x.signature), ["c2lnLXZlcnRleA=="]);
  });
});

describe("Gemini ingress: embeddings", () => {
  it("embedContent (batchEmbedContents on the wire) reaches an embeddings endpoint, one vector per content", async () => {
    const r = await genai.models.embedContent({ model: "embed-openai", contents: ["first text", "second text"], config: { outputDimensionality: 8 } });
    assert.equal(r.embeddings?.length, 2);
    assert.ok((r.embeddings?.[0]?.values?.length ?? 0) > 0);
    assert.notDeepEqual(r.embeddings?.[0]?.values, r.embeddings?.[1]?.values);
    const sent = rig.get("via-openai").mock.last().json as Obj;
    assert.deepEqual(sent["input"], ["first text", "second text"]);
    assert.equal(sent["dimensions"], 8);
    const one = await fetch(`${rig.url}/serving-endpoints/gemini/v1beta/models/embed-openai:embedContent`, { method: "POST", headers: { "x-goog-api-key": TOKEN, "content-type": "application/json" }, body: JSON.stringify({ content: { parts: [{ text: "single" }] } }) });
    assert.equal(one.status, 200);
    assert.ok(((await one.json()) as { embedding: { values: number[] } }).embedding.values.length > 0);
    await assert.rejects(genai.models.embedContent({ model: "embed-openai", contents: "x", config: { taskType: "RETRIEVAL_DOCUMENT" } }), /taskType/);
  });
});

describe("Gemini ingress: errors and refusals", () => {
  it("answers in Google's error shape, naming what cannot be translated", async () => {
    await assert.rejects(genai.models.generateContent({ model: "no-such-endpoint", contents: "Hi" }), (err: unknown) => {
      assert.equal((err as { status?: number }).status, 404);
      return true;
    });
    await assert.rejects(genai.models.generateContent({ model: "via-openai", contents: "Hi", config: { tools: [{ googleSearch: {} }] } }), (err: unknown) => {
      assert.equal((err as { status?: number }).status, 400);
      assert.match(String((err as Error).message), /tools\[0\]\.googleSearch/);
      return true;
    });
    const res = await fetch(`${rig.url}/serving-endpoints/gemini/v1beta/models/via-openai:generateContent`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { status: string } }).error.status, "UNAUTHENTICATED");
  });
});
