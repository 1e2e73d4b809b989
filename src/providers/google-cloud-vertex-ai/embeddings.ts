/**
 * OpenAI embeddings ↔ Vertex AI text-embedding `predict`:
 * `{instances:[{content, task_type?, title?}], parameters:{outputDimensionality?, …}}` →
 * `{predictions:[{embeddings:{values, statistics:{token_count}}}]}`.
 *
 * `dimensions` becomes `outputDimensionality`. Fields without an OpenAI name go where
 * Vertex reads them: `task_type` and `title` on every instance, anything else (e.g.
 * `autoTruncate`) into `parameters`. Only text input is taken (token-id arrays are refused),
 * and only float vectors are returned: `encoding_format: "base64"` is made by the gateway for
 * every provider (gateway/embeddings-encoding.ts) and never reaches this adapter.
 */
import { errors } from "../../gateway/errors.js";
import type { EmbeddingsRequest, EmbeddingsResponse, JsonObject } from "../../gateway/types.js";
import { prepareParams } from "../common/params.js";
import type { PredictEmbedding } from "./api.js";
import { PROVIDER_NAME } from "./errors.js";

export const VERTEX_EMBED_MAPPED: ReadonlySet<string> = new Set(["input", "dimensions", "encoding_format"]);

/** Instance fields of a text-embedding request (everything else is a parameter). */
const INSTANCE_FIELDS = new Set(["task_type", "title"]);

function inputsOf(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === "string")) return input as string[];
  throw errors.invalidParameter("input", "'input' must be a string or a non-empty list of strings: Vertex AI embeds text, not token ids.");
}

/** The `predict` body and how many embeddings it asks for. */
export function convertEmbeddingsRequest(req: EmbeddingsRequest): { body: JsonObject; count: number } {
  const { params, extra } = prepareParams(req, PROVIDER_NAME, VERTEX_EMBED_MAPPED);
  const format = params["encoding_format"];
  if (format !== undefined && format !== null && format !== "float") {
    throw errors.invalidParameter("encoding_format", "'encoding_format' must be \"float\": Vertex AI returns float vectors.");
  }
  const texts = inputsOf(params["input"]);
  const instanceExtra: JsonObject = {};
  const parameters: JsonObject = {};
  for (const [k, v] of Object.entries(extra)) {
    if (INSTANCE_FIELDS.has(k)) instanceExtra[k] = v;
    else parameters[k] = v;
  }
  const dims = params["dimensions"];
  if (dims !== undefined && dims !== null) {
    if (typeof dims !== "number" || !Number.isInteger(dims) || dims < 1) throw errors.invalidParameter("dimensions", "'dimensions' must be a positive integer.");
    parameters["outputDimensionality"] = dims;
  }
  const body: JsonObject = { instances: texts.map((content) => ({ content, ...instanceExtra })) };
  if (Object.keys(parameters).length) body["parameters"] = parameters;
  return { body, count: texts.length };
}

/** The OpenAI embeddings response; usage counts the tokens Vertex reports per input. */
export function convertEmbeddingsResponse(preds: PredictEmbedding[], model: string): EmbeddingsResponse {
  const tokens = preds.reduce((sum, p) => sum + p.tokenCount, 0);
  return {
    object: "list",
    data: preds.map((p, index) => ({ object: "embedding", index, embedding: p.values })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
