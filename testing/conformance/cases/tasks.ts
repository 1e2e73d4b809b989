/** Conformance cases: The other tasks: completions and embeddings. */
import assert from "node:assert/strict";
import { type ConformanceCase } from "./support.js";

export const completions: ConformanceCase = {
  name: "completions",
  needs: ["completions"],
  async run(c) {
    const model = c.endpoints.completions as string;
    c.mock.enqueue({ text: "a completed line", usage: { prompt: 4, completion: 3 } });
    const r = await c.openai.completions.create({ model, prompt: "Complete this:", max_tokens: 20 });
    assert.equal(r.object, "text_completion");
    assert.equal(r.choices[0]?.text, "a completed line");
    assert.equal(r.choices[0]?.finish_reason, "stop");
    assert.equal(r.usage?.total_tokens, 7);
    c.mock.enqueue({ text: "a completed line", pieces: 3 });
    let text = "";
    for await (const k of await c.openai.completions.create({ model, prompt: "Complete this:", stream: true })) text += k.choices[0]?.text ?? "";
    assert.equal(text, "a completed line");
  },
};

export const embeddings: ConformanceCase = {
  name: "embeddings",
  needs: ["embeddings"],
  async run(c) {
    const model = c.endpoints.embeddings as string;
    const r = await c.openai.embeddings.create({ model, input: ["first text", "second text"], encoding_format: "float" });
    assert.equal(r.object, "list");
    assert.deepEqual(r.data.map((d) => d.index), [0, 1]);
    for (const d of r.data) {
      assert.equal(d.object, "embedding");
      assert.ok(Array.isArray(d.embedding) && d.embedding.length > 0 && d.embedding.every((x) => typeof x === "number"));
    }
    assert.notDeepEqual(r.data[0]?.embedding, r.data[1]?.embedding);
    assert.ok((r.usage?.prompt_tokens ?? 0) > 0, "usage reported");
    const one = await c.openai.embeddings.create({ model, input: "just one", encoding_format: "float" });
    assert.equal(one.data.length, 1);
  },
};

/**
 * The official SDK's default call, `embeddings.create({model, input})`: it asks for
 * `encoding_format: "base64"` and decodes the float32 values itself, whatever provider
 * answers (the gateway encodes them; no provider ever sees "base64").
 */
export const embeddingsSdkDefault: ConformanceCase = {
  name: "embeddings (SDK default, base64)",
  needs: ["embeddings"],
  async run(c) {
    const model = c.endpoints.embeddings as string;
    const floats = await c.openai.embeddings.create({ model, input: ["first text", "second text"], encoding_format: "float" });
    const r = await c.openai.embeddings.create({ model, input: ["first text", "second text"] });
    const calls = c.calls();
    assert.ok(calls.length > 0 && calls.every((q) => !q.raw.toString("utf8").includes("base64")), "the provider was asked for floats");
    assert.equal(r.data.length, 2);
    for (const [i, d] of r.data.entries()) {
      assert.ok(Array.isArray(d.embedding), "the SDK decoded the base64 answer into numbers");
      assert.deepEqual(d.embedding, (floats.data[i]?.embedding ?? []).map((x) => Math.fround(x)), "the same vector, as float32");
    }
    // On the wire: a base64 string of little-endian float32s.
    const raw = await c.post("/serving-endpoints/embeddings", { model, input: "just one", encoding_format: "base64" });
    assert.equal(raw.status, 200, JSON.stringify(raw.json));
    const data = raw.json["data"] as Array<{ embedding: unknown }>;
    assert.equal(typeof data[0]?.embedding, "string");
    assert.equal(Buffer.from(String(data[0]?.embedding), "base64").length % 4, 0);
    const bad = await c.post("/serving-endpoints/embeddings", { model, input: "x", encoding_format: "int8" });
    assert.equal(bad.status, 400);
    assert.equal((bad.json["error"] as { param?: string }).param, "encoding_format");
  },
};
