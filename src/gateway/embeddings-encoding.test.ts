import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { base64Vector, embedAs } from "./embeddings-encoding.js";
import type { EmbeddingsRequest, EmbeddingsResponse } from "./types.js";

const answer = (vectors: number[][]): EmbeddingsResponse => ({
  object: "list",
  model: "m",
  data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
  usage: { prompt_tokens: 2, total_tokens: 2 },
});

function decode(b64: string): number[] {
  const buf = Buffer.from(b64, "base64");
  return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
}

describe("embeddings encoding", () => {
  it("base64 is float32 little-endian, as OpenAI encodes it", () => {
    assert.equal(base64Vector([1, -2.5]), Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0]).toString("base64"));
    assert.deepEqual(decode(base64Vector([0.1, 0.2, -0.3])), [0.1, 0.2, -0.3].map(Math.fround));
  });

  it("asks the provider for floats and encodes its answer when the client wants base64", async () => {
    let sent: EmbeddingsRequest | undefined;
    const res = await embedAs({ input: ["a", "b"], encoding_format: "base64", dimensions: 2 }, async (req) => {
      sent = req;
      return answer([[0.5, 1], [2, 4]]);
    });
    assert.deepEqual(sent, { input: ["a", "b"], dimensions: 2 }, "no encoding_format upstream");
    assert.deepEqual(res.data.map((d) => decode(d.embedding as string)), [[0.5, 1], [2, 4]]);
    assert.deepEqual(res.usage, { prompt_tokens: 2, total_tokens: 2 });
  });

  it("leaves float requests (and requests without a format) untouched", async () => {
    for (const req of [{ input: "a", encoding_format: "float" }, { input: "a" }] as EmbeddingsRequest[]) {
      const res = await embedAs(req, async (r) => {
        assert.equal(r, req);
        return answer([[1, 2]]);
      });
      assert.deepEqual(res.data[0]?.embedding, [1, 2]);
    }
  });
});
