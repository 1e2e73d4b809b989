/**
 * The Gemini wire shapes the adapter reads, parsed by hand from `unknown`: a
 * `GenerateContentResponse` (whole, or one chunk of a stream) and a text-embedding
 * `predict` response. Parsing is lenient where Google adds fields over time (unknown part
 * kinds such as `executableCode` are skipped) and strict where the gateway needs a value.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { JsonObject } from "../../gateway/types.js";
import { PROVIDER_NAME } from "./errors.js";

/** One part of a candidate's content, reduced to the kinds the gateway translates. */
export type GeminiPart =
  | { kind: "text"; text: string; thought: boolean; signature: string | undefined }
  | { kind: "functionCall"; name: string; args: JsonObject; id: string | undefined; signature: string | undefined }
  /** A part the gateway does not translate that still carries a thought signature. */
  | { kind: "signature"; signature: string };

export interface GeminiCandidate {
  index: number;
  parts: GeminiPart[];
  finishReason: string | undefined;
}

export interface GeminiUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  thoughtsTokenCount: number | undefined;
  cachedContentTokenCount: number | undefined;
}

export interface GeminiResponse {
  candidates: GeminiCandidate[];
  usage: GeminiUsage | undefined;
  /** `promptFeedback.blockReason`: the prompt itself was blocked and there are no candidates. */
  blockReason: string | undefined;
  responseId: string | undefined;
  modelVersion: string | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const count = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined);

function unexpected(what: string): GatewayError {
  return new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received an unexpected response from ${PROVIDER_NAME}: ${what}.`);
}

function readPart(p: unknown): GeminiPart | undefined {
  if (!isObject(p)) return undefined;
  const signature = str(p["thoughtSignature"]) || undefined;
  const fc = p["functionCall"];
  if (isObject(fc)) {
    const name = str(fc["name"]);
    if (!name) throw unexpected("a functionCall without a name");
    const args = isObject(fc["args"]) ? (fc["args"] as JsonObject) : {};
    return { kind: "functionCall", name, args, id: str(fc["id"]) || undefined, signature };
  }
  const text = str(p["text"]);
  if (text !== undefined || p["thought"] === true) return { kind: "text", text: text ?? "", thought: p["thought"] === true, signature };
  return signature ? { kind: "signature", signature } : undefined;
}

function readCandidate(c: unknown, position: number): GeminiCandidate {
  if (!isObject(c)) throw unexpected("a candidate that is not an object");
  const content = c["content"];
  const rawParts = isObject(content) && Array.isArray(content["parts"]) ? (content["parts"] as unknown[]) : [];
  const parts: GeminiPart[] = [];
  for (const p of rawParts) {
    const part = readPart(p);
    if (part) parts.push(part);
  }
  // proto3 JSON leaves out a zero index, so the first candidate often has none.
  const index = typeof c["index"] === "number" && Number.isInteger(c["index"]) ? c["index"] : position;
  return { index, parts, finishReason: str(c["finishReason"]) };
}

function readUsage(u: unknown): GeminiUsage | undefined {
  if (!isObject(u)) return undefined;
  return {
    promptTokenCount: count(u["promptTokenCount"]) ?? 0,
    candidatesTokenCount: count(u["candidatesTokenCount"]) ?? 0,
    thoughtsTokenCount: count(u["thoughtsTokenCount"]),
    cachedContentTokenCount: count(u["cachedContentTokenCount"]),
  };
}

/** Reads a `GenerateContentResponse` (or one stream chunk). */
export function readGenerateContentResponse(o: Record<string, unknown>): GeminiResponse {
  const raw = o["candidates"];
  if (raw !== undefined && !Array.isArray(raw)) throw unexpected("candidates is not a list");
  const candidates = ((raw as unknown[] | undefined) ?? []).map(readCandidate);
  const feedback = o["promptFeedback"];
  return {
    candidates,
    usage: readUsage(o["usageMetadata"]),
    blockReason: isObject(feedback) ? str(feedback["blockReason"]) || undefined : undefined,
    responseId: str(o["responseId"]) || undefined,
    modelVersion: str(o["modelVersion"]) || undefined,
  };
}

export interface PredictEmbedding {
  values: number[];
  tokenCount: number;
}

/** Reads a text-embedding `predict` response: `{predictions:[{embeddings:{values, statistics:{token_count}}}]}`. */
export function readPredictResponse(o: Record<string, unknown>, expected: number): PredictEmbedding[] {
  const preds = o["predictions"];
  if (!Array.isArray(preds) || preds.length !== expected) throw unexpected(`expected ${expected} predictions`);
  return (preds as unknown[]).map((p) => {
    const emb = isObject(p) ? p["embeddings"] : undefined;
    const values = isObject(emb) ? emb["values"] : undefined;
    if (!Array.isArray(values) || !values.every((v) => typeof v === "number")) throw unexpected("a prediction without embedding values");
    const stats = isObject(emb) ? emb["statistics"] : undefined;
    return { values: values as number[], tokenCount: isObject(stats) ? (count(stats["token_count"]) ?? 0) : 0 };
  });
}
