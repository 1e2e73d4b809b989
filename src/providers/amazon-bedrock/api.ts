/**
 * Readers for the Bedrock wire shapes the adapter consumes: Converse content blocks, token
 * usage, stream event payloads and the embedding bodies. Each reader checks what it reads
 * and ignores what it does not know (Bedrock adds fields and block kinds over time).
 */
import type { TokenCounts } from "../common/index.js";

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** One content block of an answer, in the terms the adapter needs. */
export type AnswerBlock =
  | { kind: "text"; text: string }
  | { kind: "toolUse"; id: string; name: string; input: unknown }
  | { kind: "reasoning"; text: string; signature: string | undefined }
  | { kind: "redacted"; data: string }
  | { kind: "other" };

/** Reads a Converse `ContentBlock` (a union: exactly one member is set). */
export function answerBlockOf(v: unknown): AnswerBlock {
  const b = obj(v) ?? {};
  const text = str(b["text"]);
  if (text !== undefined) return { kind: "text", text };
  const tu = obj(b["toolUse"]);
  if (tu) return { kind: "toolUse", id: str(tu["toolUseId"]) ?? "", name: str(tu["name"]) ?? "", input: tu["input"] ?? {} };
  const rc = obj(b["reasoningContent"]);
  if (rc) {
    const rt = obj(rc["reasoningText"]);
    if (rt) return { kind: "reasoning", text: str(rt["text"]) ?? "", signature: str(rt["signature"]) };
    const redacted = str(rc["redactedContent"]);
    if (redacted !== undefined) return { kind: "redacted", data: redacted };
  }
  return { kind: "other" };
}

/**
 * Converse `TokenUsage` in OpenAI terms. Bedrock's `inputTokens` leave out the prompt
 * tokens read from or written to the cache, so all three add up to the prompt; cached
 * tokens are reported only when Bedrock reports cache data at all.
 */
export function usageCounts(v: unknown): TokenCounts | undefined {
  const u = obj(v);
  if (!u) return undefined;
  const input = num(u["inputTokens"]);
  const output = num(u["outputTokens"]);
  if (input === undefined || output === undefined) return undefined;
  const read = num(u["cacheReadInputTokens"]);
  const write = num(u["cacheWriteInputTokens"]);
  const counts: TokenCounts = { prompt: input + (read ?? 0) + (write ?? 0), completion: output };
  if (read !== undefined || write !== undefined) counts.cached = read ?? 0;
  return counts;
}

/** A `contentBlockDelta` event's delta. */
export type StreamDelta =
  | { kind: "text"; text: string }
  | { kind: "toolInput"; input: string }
  | { kind: "reasoningText"; text: string }
  | { kind: "signature"; signature: string }
  | { kind: "redacted"; data: string }
  | { kind: "other" };

export function streamDeltaOf(v: unknown): StreamDelta {
  const d = obj(v) ?? {};
  const text = str(d["text"]);
  if (text !== undefined) return { kind: "text", text };
  const tu = obj(d["toolUse"]);
  if (tu) return { kind: "toolInput", input: str(tu["input"]) ?? "" };
  const rc = obj(d["reasoningContent"]);
  if (rc) {
    const t = str(rc["text"]);
    if (t !== undefined) return { kind: "reasoningText", text: t };
    const sig = str(rc["signature"]);
    if (sig !== undefined) return { kind: "signature", signature: sig };
    const redacted = str(rc["redactedContent"]);
    if (redacted !== undefined) return { kind: "redacted", data: redacted };
  }
  return { kind: "other" };
}

/** A `contentBlockStart` event's tool use, if it starts one. */
export function toolStartOf(v: unknown): { id: string; name: string } | undefined {
  const tu = obj(obj(v)?.["toolUse"]);
  if (!tu) return undefined;
  return { id: str(tu["toolUseId"]) ?? "", name: str(tu["name"]) ?? "" };
}

/** A float vector, checked. */
export function vectorOf(v: unknown): number[] | undefined {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) return undefined;
  return v as number[];
}
