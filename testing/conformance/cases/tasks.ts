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
