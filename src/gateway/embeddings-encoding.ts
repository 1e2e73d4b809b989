/**
 * `encoding_format: "base64"` for every embeddings provider. The official OpenAI SDKs ask
 * for it by default (and decode it back to floats for the caller), but most providers
 * only return float vectors. So the gateway asks every provider for floats and encodes
 * them itself, as OpenAI does: each vector's values as float32, little-endian, base64.
 * Providers never see `encoding_format: "base64"`.
 *
 * @example
 *   await embedAs(req, (r) => provider.embed(r, ctx))
 *   // req.encoding_format === "base64" → data[i].embedding is a base64 string
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from "./types.js";

/** OpenAI's base64 encoding of a vector: its float32 values, little-endian. */
export function base64Vector(v: readonly number[]): string {
  const buf = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i] as number, i * 4);
  return buf.toString("base64");
}

/** Calls `embed` for floats; encodes the answer when the request asked for base64. */
export async function embedAs(req: EmbeddingsRequest, embed: (req: EmbeddingsRequest) => Promise<EmbeddingsResponse>): Promise<EmbeddingsResponse> {
  if (req["encoding_format"] !== "base64") return embed(req);
  const floats: EmbeddingsRequest = { ...req };
  delete floats["encoding_format"];
  const res = await embed(floats);
  return { ...res, data: res.data.map((d) => (Array.isArray(d.embedding) ? { ...d, embedding: base64Vector(d.embedding) } : d)) };
}
