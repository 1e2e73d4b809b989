/**
 * The mock's InvokeModel answers for embeddings models: Titan Text Embeddings
 * (`{inputText, dimensions?}` → `{embedding, inputTextTokenCount}`) and Cohere Embed
 * (`{texts, input_type, embedding_types?}` → `{embeddings}`, by type when types were asked
 * for). Vectors are deterministic functions of the text (8 dimensions unless asked), and
 * every answer carries Bedrock's `x-amzn-bedrock-input-token-count` header.
 */
import { DEFAULT_USAGE, type MockReply } from "../scenario.js";

type Obj = Record<string, unknown>;

export const MOCK_EMBEDDING_DIMS = 8;

/** A unit vector derived from the text. */
export function mockEmbedding(text: string, dims = MOCK_EMBEDDING_DIMS): number[] {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const v: number[] = [];
  for (let d = 0; d < dims; d++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    v.push((h / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/** Tokens of a text: the scripted prompt count when the test gave one, else about 4 characters a token. */
function tokens(texts: readonly string[], r: MockReply): number {
  if (r.usage && r.usage !== DEFAULT_USAGE) return r.usage.prompt;
  return texts.reduce((n, t) => n + Math.max(1, Math.ceil(t.length / 4)), 0);
}

export type EmbedAnswer = { status: 200; body: Obj; tokens: number } | { status: 400; message: string };

export function titanAnswer(body: Obj, r: MockReply): EmbedAnswer {
  const text = body["inputText"];
  if (typeof text !== "string" || text === "") return { status: 400, message: "Malformed input request: #: required key [inputText] not found or empty, please reformat your input and try again." };
  const dims = body["dimensions"] ?? MOCK_EMBEDDING_DIMS;
  if (typeof dims !== "number" || !Number.isInteger(dims) || dims < 1) return { status: 400, message: "Malformed input request: #/dimensions: expected an integer." };
  const n = tokens([text], r);
  return { status: 200, body: { embedding: mockEmbedding(text, dims), inputTextTokenCount: n }, tokens: n };
}

export function cohereAnswer(body: Obj, r: MockReply): EmbedAnswer {
  const texts = body["texts"];
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === "string")) {
    return { status: 400, message: "Malformed input request: #/texts: expected a non-empty list of strings." };
  }
  if (typeof body["input_type"] !== "string") return { status: 400, message: "Malformed input request: #: required key [input_type] not found." };
  const dims = typeof body["output_dimension"] === "number" ? body["output_dimension"] : MOCK_EMBEDDING_DIMS;
  const vectors = (texts as string[]).map((t) => mockEmbedding(t, dims));
  const types = body["embedding_types"];
  const byType = Array.isArray(types) && types.length > 0;
  return {
    status: 200,
    body: {
      id: "emb-mock-0001",
      texts,
      embeddings: byType ? { float: vectors } : vectors,
      response_type: byType ? "embeddings_by_type" : "embeddings_floats",
    },
    tokens: tokens(texts as string[], r),
  };
}
