/**
 * OpenAI embeddings ↔ Cohere's `POST /v2/embed`.
 *
 * Request: `input` (a string or a list of strings; token arrays have no Cohere form) →
 * `texts`; `dimensions` → `output_dimension`; `max_tokens` kept (Cohere's per-input
 * limit). Cohere needs an `input_type`: `search_document` unless the request gives its own
 * (`input_type: "search_query"`, also via `extra_params`). The gateway asks for float
 * vectors (`embedding_types: ["float"]`), so `encoding_format` other than `float` is a 400
 * here; `"base64"` is made by the gateway for every provider (gateway/embeddings-encoding.ts)
 * and never reaches this adapter.
 * Other Cohere fields (`truncate`, `priority`, …) pass through.
 *
 * Answer: `embeddings.float[i]` → `data[i].embedding`; usage from `meta.tokens`, else
 * `meta.billed_units`.
 */
import { ERROR_KINDS, errors, GatewayError } from "../../gateway/errors.js";
import type { EmbeddingsRequest, EmbeddingsResponse, JsonObject } from "../../gateway/types.js";
import { prepareParams } from "../common/index.js";
import { listOf, objOf, readUsage, type Obj } from "./api.js";
import { PROVIDER } from "./errors.js";

const EMBED_MAPPED: ReadonlySet<string> = new Set(["input", "encoding_format", "dimensions", "max_tokens"]);

export const DEFAULT_INPUT_TYPE = "search_document";

function textsOf(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === "string")) return input as string[];
  throw errors.invalidParameter("input", "'input' must be a string or a list of strings: Cohere embeds text, not token arrays.");
}

function positiveInt(params: JsonObject, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw errors.invalidParameter(name, `'${name}' must be a positive integer.`);
  return v;
}

/** Builds the `/v2/embed` body; a 400 for what Cohere cannot honour. */
export function toCohereEmbedBody(req: EmbeddingsRequest, model: string): JsonObject {
  const { params, extra } = prepareParams(req, "Cohere", EMBED_MAPPED);
  const format = params["encoding_format"];
  if (format !== undefined && format !== null && format !== "float") {
    throw errors.invalidParameter("encoding_format", `'encoding_format' must be "float" for Cohere.`);
  }
  const types = extra["embedding_types"];
  if (types !== undefined && !(Array.isArray(types) && types.length === 1 && types[0] === "float")) {
    throw errors.invalidParameter("embedding_types", `'embedding_types' must be ["float"]: the gateway returns float vectors.`);
  }
  const body: JsonObject = { model, texts: textsOf(params["input"]), input_type: DEFAULT_INPUT_TYPE, ...extra, embedding_types: ["float"] };
  const dims = positiveInt(params, "dimensions");
  if (dims !== undefined) body["output_dimension"] = dims;
  const maxTokens = positiveInt(params, "max_tokens");
  if (maxTokens !== undefined) body["max_tokens"] = maxTokens;
  return body;
}

/** Converts an `/v2/embed` answer; one float vector per text is required, anything else is a 502. */
export function fromCohereEmbed(body: Obj, model: string, count: number): EmbeddingsResponse {
  const vectors = listOf(objOf(body["embeddings"])?.["float"]);
  const ok = vectors.length === count && vectors.every((v) => Array.isArray(v) && v.every((x) => typeof x === "number"));
  if (!ok) throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received an unexpected embeddings response from ${PROVIDER}.`);
  const prompt = readUsage(body["meta"]).input;
  return {
    object: "list",
    data: vectors.map((v, index) => ({ object: "embedding", index, embedding: v as number[] })),
    model,
    usage: { prompt_tokens: prompt, total_tokens: prompt },
  };
}
