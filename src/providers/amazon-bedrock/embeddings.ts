/**
 * `llm/v1/embeddings` through InvokeModel, in each family's own body:
 *
 * - `amazon` (Titan Text Embeddings): `{inputText, dimensions?}` → `{embedding, inputTextTokenCount}`,
 *   one text per call, so a list input makes one call per text (at most 4 at a time, order
 *   kept; the first failure cancels the rest). OpenAI `dimensions` is Titan's `dimensions`.
 * - `cohere` (Embed v3/v4): `{texts, input_type, embedding_types:["float"]}` → `{embeddings}`,
 *   either `{float:[…]}` or a plain list. `input_type` defaults to `search_document` (the
 *   side that is stored; pass `input_type: "search_query"` for queries); OpenAI
 *   `dimensions` is Cohere's `output_dimension` (Embed v4).
 *
 * Other provider fields (`normalize`, `truncate`, …) go into the body unchanged. Bedrock
 * returns floats; `encoding_format: "base64"` (what the OpenAI SDK asks for by default) is
 * made by the gateway for every provider (gateway/embeddings-encoding.ts), so it never
 * reaches this adapter.
 */
import { errors, ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { EmbeddingsRequest, EmbeddingsResponse, JsonObject } from "../../gateway/types.js";
import type { CallContext } from "../provider.js";
import { prepareParams, readJson, type UpstreamResponse } from "../common/index.js";
import { list, num, obj, vectorOf } from "./api.js";
import type { BedrockClient } from "./client.js";
import type { BedrockFamily } from "./config.js";
import { DISPLAY_NAME } from "./convert-request.js";

export const EMBED_MAPPED: ReadonlySet<string> = new Set(["input", "dimensions", "encoding_format"]);

/** Titan takes one text per call; this many calls run at once for a list. */
export const TITAN_CONCURRENCY = 4;

/** The families with an embeddings model on Bedrock that this adapter speaks. */
export function embedsWith(family: BedrockFamily): boolean {
  return family === "amazon" || family === "cohere";
}

function textsOf(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === "string")) return input as string[];
  throw errors.invalidParameter("input", "'input' must be a string or a non-empty list of strings: Amazon Bedrock embeds text, not token ids.");
}

function dimensionsOf(params: JsonObject): number | undefined {
  const d = params["dimensions"];
  if (d === undefined || d === null) return undefined;
  if (typeof d !== "number" || !Number.isInteger(d) || d < 1) throw errors.invalidParameter("dimensions", "'dimensions' must be a positive integer.");
  return d;
}

function unexpected(): GatewayError {
  return new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Received an unexpected embeddings response from Amazon Bedrock.");
}

/** Bedrock reports the tokens of every InvokeModel call in this header. */
function headerTokens(res: UpstreamResponse): number | undefined {
  const h = res.headers["x-amzn-bedrock-input-token-count"];
  const n = Number(Array.isArray(h) ? h[0] : h);
  return h !== undefined && Number.isFinite(n) ? n : undefined;
}

function response(vectors: number[][], model: string, tokens: number | undefined): EmbeddingsResponse {
  const data = vectors.map((v, index) => ({ object: "embedding" as const, index, embedding: v }));
  const out: EmbeddingsResponse = { object: "list", data, model };
  if (tokens !== undefined) out.usage = { prompt_tokens: tokens, total_tokens: tokens };
  return out;
}

interface EmbedCall {
  client: BedrockClient;
  model: string;
  texts: string[];
  dims: number | undefined;
  extra: JsonObject;
  ctx: CallContext;
}

async function titan({ client, model, texts, dims, extra, ctx }: EmbedCall): Promise<EmbeddingsResponse> {
  const vectors: number[][] = new Array<number[]>(texts.length);
  const counts: Array<number | undefined> = new Array<number | undefined>(texts.length);
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  let next = 0;
  const worker = async () => {
    while (next < texts.length) {
      const i = next++;
      const body: JsonObject = { ...extra, inputText: texts[i] };
      if (dims !== undefined) body["dimensions"] = dims;
      const res = await client.send(model, "invoke", body, signal, ctx.upstream);
      const tokens = headerTokens(res);
      const json = await readJson(res, "amazon-bedrock");
      const vec = vectorOf(json["embedding"]);
      if (!vec) throw unexpected();
      vectors[i] = vec;
      counts[i] = num(json["inputTextTokenCount"]) ?? tokens;
    }
  };
  // The first failure is the cause; the others are usually the cancellation it caused.
  let failure: { err: unknown } | undefined;
  const workers = Array.from({ length: Math.min(TITAN_CONCURRENCY, texts.length) }, () =>
    worker().catch((err: unknown) => {
      failure ??= { err };
      stop.abort();
    }),
  );
  await Promise.all(workers);
  if (failure) throw failure.err;
  const tokens = counts.every((c) => c !== undefined) ? counts.reduce<number>((a, c) => a + (c ?? 0), 0) : undefined;
  return response(vectors, model, tokens);
}

async function cohere({ client, model, texts, dims, extra, ctx }: EmbedCall): Promise<EmbeddingsResponse> {
  const body: JsonObject = { input_type: "search_document", ...extra, texts, embedding_types: ["float"] };
  if (dims !== undefined) body["output_dimension"] = dims;
  const res = await client.send(model, "invoke", body, ctx.signal, ctx.upstream);
  const tokens = headerTokens(res);
  const json = await readJson(res, "amazon-bedrock");
  const raw = json["embeddings"];
  const rows = Array.isArray(raw) ? raw : list(obj(raw)?.["float"]);
  const vectors = rows.map(vectorOf);
  if (vectors.length !== texts.length || vectors.some((v) => v === undefined)) throw unexpected();
  return response(vectors as number[][], model, tokens);
}

/**
 * @example
 *   await embed(client, "amazon.titan-embed-text-v2:0", "amazon", { input: ["a", "b"], dimensions: 256 }, ctx)
 *   // → { object: "list", data: [{ index: 0, embedding: [...] }, { index: 1, … }], usage: { prompt_tokens: … } }
 */
export async function embed(client: BedrockClient, model: string, family: BedrockFamily, req: EmbeddingsRequest, ctx: CallContext): Promise<EmbeddingsResponse> {
  const { params, extra } = prepareParams(req, DISPLAY_NAME, EMBED_MAPPED);
  const format = params["encoding_format"];
  if (format !== undefined && format !== null && format !== "float") {
    throw errors.invalidParameter("encoding_format", "'encoding_format' must be \"float\": Amazon Bedrock returns float vectors (the gateway encodes base64 itself).");
  }
  const call: EmbedCall = { client, model, texts: textsOf(params["input"]), dims: dimensionsOf(params), extra, ctx };
  if (family === "amazon") return titan(call);
  if (family === "cohere") return cohere(call);
  throw errors.badRequest(`Embeddings are not available for bedrock_provider ${family} on Amazon Bedrock.`);
}
