/**
 * A `MockReply` in Vertex AI's Gemini wire format: the whole `GenerateContentResponse`,
 * the chunks of `streamGenerateContent`, Google's error body, and a text-embedding
 * `predict` answer.
 *
 * - reasoning → parts `{text, thought:true, thoughtSignature}` (a redacted step, which
 *   Gemini does not have, becomes a thought part with only a signature);
 * - tool calls → `functionCall:{name, args}` parts, without ids (Vertex v1 has none), whole
 *   in one stream chunk (Gemini does not split arguments);
 * - finish → STOP / MAX_TOKENS / STOP / SAFETY, or `rawFinish` verbatim;
 * - usage → promptTokenCount = prompt, candidatesTokenCount = completion − reasoning,
 *   thoughtsTokenCount = reasoning, cachedContentTokenCount = cached;
 * - the first candidate has no `index` (proto3 JSON leaves zeros out), the others do.
 */
import { DEFAULT_USAGE, finishOf, splitPieces, type MockError, type MockReply } from "../scenario.js";

type Json = Record<string, unknown>;

const FINISH = { stop: "STOP", length: "MAX_TOKENS", tool_calls: "STOP", content_filter: "SAFETY" } as const;

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export const RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo";

/** Options of one rendering. */
export interface RenderOptions {
  /** How many candidates the request asked for (`generationConfig.candidateCount`). */
  candidates: number;
  modelVersion: string;
  /** Put this thought signature on the first function call (as thinking Gemini models do). */
  functionCallSignature?: string | undefined;
  /** Give function calls these ids (v1beta1 style); default none. */
  functionCallIds?: boolean | undefined;
}

/** Google's error body: `{"error":{code, message, status, details}}`, RetryInfo when retryAfter is set. */
export function errorBody(e: MockError): Json {
  const details: Json[] = [];
  if (e.retryAfter) details.push({ "@type": RETRY_INFO_TYPE, retryDelay: `${e.retryAfter}s` });
  const error: Json = { code: e.status, message: e.message, status: e.type ?? STATUS_NAMES[e.status] ?? "UNKNOWN" };
  if (details.length) error["details"] = details;
  return { error };
}

export function usageMetadata(r: MockReply): Json {
  const u = r.usage ?? DEFAULT_USAGE;
  const reasoning = u.reasoning ?? 0;
  const out: Json = {
    promptTokenCount: u.prompt,
    candidatesTokenCount: u.completion - reasoning,
    totalTokenCount: u.prompt + u.completion,
    trafficType: "ON_DEMAND",
  };
  if (u.reasoning !== undefined) out["thoughtsTokenCount"] = u.reasoning;
  if (u.cached !== undefined) out["cachedContentTokenCount"] = u.cached;
  return out;
}

function finishReason(r: MockReply): string {
  return r.rawFinish ?? FINISH[finishOf(r)];
}

function reasoningParts(r: MockReply, pieces: number): Json[][] {
  return (r.reasoning ?? []).map((step) => {
    if ("redacted" in step) return [{ thought: true, thoughtSignature: step.redacted }];
    const texts = splitPieces(step.text, pieces);
    if (texts.length === 0) return [{ thought: true, thoughtSignature: step.signature }];
    return texts.map((t, i) => (i === texts.length - 1 ? { text: t, thought: true, thoughtSignature: step.signature } : { text: t, thought: true }));
  });
}

function callParts(r: MockReply, o: RenderOptions): Json[] {
  return (r.toolCalls ?? []).map((c, i) => {
    const fc: Json = { name: c.name, args: c.arguments };
    if (o.functionCallIds) fc["id"] = c.id;
    const part: Json = { functionCall: fc };
    if (i === 0 && o.functionCallSignature) part["thoughtSignature"] = o.functionCallSignature;
    return part;
  });
}

function candidate(i: number, parts: Json[], finish?: string): Json {
  const c: Json = { content: { role: "model", parts } };
  if (finish !== undefined) c["finishReason"] = finish;
  if (i > 0) c["index"] = i;
  return c;
}

function envelope(candidates: Json[], usage: Json, o: RenderOptions): Json {
  return { candidates, usageMetadata: usage, modelVersion: o.modelVersion, createTime: new Date().toISOString(), responseId: "mockresp" + Date.now().toString(36) };
}

/** The whole answer of `generateContent`. */
export function renderResponse(r: MockReply, o: RenderOptions): Json {
  const parts = [...reasoningParts(r, 1).flat(), ...(r.text ? [{ text: r.text }] : []), ...callParts(r, o)];
  const cands = Array.from({ length: o.candidates }, (_, i) => candidate(i, parts, finishReason(r)));
  return envelope(cands, usageMetadata(r), o);
}

/** One chunk of a stream: the same parts for every candidate. */
function chunk(parts: Json[], o: RenderOptions, usage: Json, finish?: string): Json {
  return envelope(Array.from({ length: o.candidates }, (_, i) => candidate(i, parts, finish)), usage, o);
}

/**
 * The chunks of `streamGenerateContent`, in order, and how many of them hold content
 * (the last one is the finish chunk). Intermediate chunks carry a partial usageMetadata,
 * as Vertex does; the finish chunk carries the whole one.
 */
export function renderStream(r: MockReply, o: RenderOptions): Json[] {
  const pieces = r.pieces ?? 3;
  const partial = { promptTokenCount: (r.usage ?? DEFAULT_USAGE).prompt, trafficType: "ON_DEMAND" };
  const steps: Json[][] = [];
  for (const step of reasoningParts(r, pieces)) for (const p of step) steps.push([p]);
  for (const t of splitPieces(r.text ?? "", pieces)) steps.push([{ text: t }]);
  for (const p of callParts(r, o)) steps.push([p]);
  const chunks = steps.map((parts) => chunk(parts, o, partial));
  chunks.push(chunk([{ text: "" }], o, usageMetadata(r), finishReason(r)));
  return chunks;
}

/** A deterministic embedding of a text. */
export function embeddingOf(text: string, dims: number): number[] {
  let h = 0;
  for (const ch of text) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 1_000_003;
  return Array.from({ length: dims }, (_, k) => Math.round((((h + k * 7919) % 1000) / 1000) * 1e6) / 1e6);
}

/** The token count the mock reports for an embedded text: its words. */
export function embedTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export const DEFAULT_EMBED_DIMS = 8;

/** A text-embedding `predict` answer for the given instances. */
export function renderPredict(instances: Array<{ content: string }>, dims: number): Json {
  return {
    predictions: instances.map((i) => ({
      embeddings: { values: embeddingOf(i.content, dims), statistics: { token_count: embedTokens(i.content), truncated: false } },
    })),
    metadata: { billableCharacterCount: instances.reduce((n, i) => n + i.content.length, 0) },
  };
}
