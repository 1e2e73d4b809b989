/** What the conformance cases share: request builders, stream readers, shape and usage checks, fixtures' inputs. */
import assert from "node:assert/strict";
import type OpenAI from "openai";
import type { Capability } from "../../mocks/conformance.js";
import type { MockUsage } from "../../mocks/scenario.js";
import type { CaseContext } from "../harness.js";

export interface ConformanceCase {
  name: string;
  needs: readonly Capability[];
  run(c: CaseContext): Promise<void>;
}

export type Params = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
export type StreamParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;
export type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

/** A request body with Databricks/provider fields the SDK's types do not know. */
export const body = (o: Record<string, unknown>) => o as unknown as Params;
export const streamBody = (o: Record<string, unknown>) => ({ ...o, stream: true }) as unknown as StreamParams;

export const WEATHER_TOOL = {
  type: "function",
  function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
} as const;
export const TIME_TOOL = {
  type: "function",
  function: { name: "get_time", description: "Local time for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
} as const;

export const THREE_CALLS = [
  { id: "call_a1", name: "get_weather", arguments: { city: "Paris" } },
  { id: "call_b2", name: "get_time", arguments: { city: "Tokyo, Japan" } },
  { id: "call_c3", name: "get_weather", arguments: { city: "São Paulo", note: 'quote " and \\ slash' } },
];

// A 1×1 PNG and a 1×1 JPEG header-ish payload: the providers' mocks only pass bytes along.
export const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
export const JPEG = "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=";

export async function collect(stream: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

export function streamedText(chunks: readonly Chunk[]): string {
  return chunks.map((c) => (typeof c.choices[0]?.delta.content === "string" ? c.choices[0].delta.content : "")).join("");
}

export function finishes(chunks: readonly Chunk[]): string[] {
  return chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason).filter((f): f is NonNullable<typeof f> => f !== null && f !== undefined));
}

export function expectUsage(got: OpenAI.CompletionUsage | null | undefined, u: MockUsage, checkCached: boolean): void {
  assert.ok(got, "usage is reported");
  assert.equal(got.prompt_tokens, u.prompt, "prompt_tokens");
  assert.equal(got.completion_tokens, u.completion, "completion_tokens");
  assert.equal(got.total_tokens, u.prompt + u.completion, "total_tokens");
  if (checkCached) assert.equal(got.prompt_tokens_details?.cached_tokens ?? 0, u.cached ?? 0, "cached_tokens");
}

export function lastUsage(chunks: readonly Chunk[]): OpenAI.CompletionUsage | null | undefined {
  const withUsage = chunks.filter((c) => c.usage);
  return withUsage[withUsage.length - 1]?.usage;
}

export async function rejects(p: Promise<unknown>): Promise<{ status?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { status?: number; message: string };
  }
  assert.fail("expected the call to fail");
}

/** The shape every chat answer has, whatever the provider: what the OpenAI SDK's users read. */
export function expectOpenAIShape(r: OpenAI.Chat.Completions.ChatCompletion): void {
  assert.equal(typeof r.id, "string");
  assert.ok(r.id.length > 0);
  assert.equal(r.object, "chat.completion");
  assert.ok(Number.isInteger(r.created) && r.created > 1_600_000_000, "created in seconds");
  assert.equal(typeof r.model, "string");
  for (const [i, ch] of r.choices.entries()) {
    assert.equal(ch.index, i);
    assert.equal(ch.message.role, "assistant");
    assert.ok(ch.message.content === null || typeof ch.message.content === "string" || Array.isArray(ch.message.content));
    assert.ok(typeof ch.finish_reason === "string");
  }
  for (const k of ["prompt_tokens", "completion_tokens", "total_tokens"] as const) assert.ok(Number.isInteger(r.usage?.[k]), `usage.${k}`);
}

export function expectChunkShape(chunks: readonly Chunk[]): void {
  for (const k of chunks) {
    assert.equal(k.object, "chat.completion.chunk");
    assert.equal(typeof k.id, "string");
    assert.ok(Number.isInteger(k.created));
    assert.equal(typeof k.model, "string");
    assert.ok(Array.isArray(k.choices));
  }
  assert.equal(chunks[0]?.choices[0]?.delta.role, "assistant", "the first chunk names the role");
}

export function chatPath(): string {
  return "/serving-endpoints/chat/completions";
}

