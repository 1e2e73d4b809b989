/**
 * What a mock provider answers, said once in provider-neutral terms. Every mock in
 * `testing/mocks/` renders a `MockReply` in its own wire format (JSON or stream), so the
 * conformance suite can script the same answer for every provider and check that the
 * gateway turns each rendering back into the same OpenAI shape.
 *
 * Token counts are in OpenAI terms; each mock converts them to its provider's own
 * (e.g. Anthropic's `input_tokens` exclude cached tokens; Gemini's candidate tokens
 * exclude thoughts), so the gateway's reported usage must come out equal to `usage`.
 */

export interface MockToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type MockReasoning = { text: string; signature: string } | { redacted: string };

/** The finish reasons every provider can express; each mock maps them to its own value. */
export type MockFinish = "stop" | "length" | "tool_calls" | "content_filter";

export interface MockUsage {
  /** All prompt tokens, cached ones included. */
  prompt: number;
  /** All completion tokens, reasoning included. */
  completion: number;
  /** Prompt tokens read from cache. */
  cached?: number;
  /** Prompt tokens written to cache (Anthropic/Bedrock only). */
  cacheWrite?: number;
  /** Completion tokens spent reasoning. */
  reasoning?: number;
}

export interface MockError {
  status: number;
  message: string;
  /** Seconds, sent as `Retry-After` (or the provider's own way of saying it). */
  retryAfter?: string;
  /** The provider's own error type/code, when the test cares (e.g. Anthropic "overloaded_error"). */
  type?: string;
}

export interface MockReply {
  reasoning?: MockReasoning[];
  text?: string;
  toolCalls?: MockToolCall[];
  /** Default: "tool_calls" when there are tool calls, else "stop". */
  finish?: MockFinish;
  /** The provider's raw finish value, sent instead of the mapped one (to test unknown values). */
  rawFinish?: string;
  usage?: MockUsage;
  /** Answer with this HTTP error instead. */
  error?: MockError;
  /** Streams only: after the first content, send the provider's in-stream error event (or exception frame). */
  midStreamError?: MockError;
  /** Streams only: after the first content, end the body without the provider's final events. */
  truncate?: boolean;
  /** Streams only: how many pieces to cut the text (and each tool call's arguments) into. Default 3. */
  pieces?: number;
  /** Streams only, OpenAI-wire mock only: wait this long after each streamed piece (slow streams for UI tests). */
  pieceDelayMs?: number;
}

export const DEFAULT_USAGE: MockUsage = { prompt: 11, completion: 7 };
export const DEFAULT_TEXT = "Hello from the mock.";

/** The reply a mock gives when the test queued none. */
export function defaultReply(): MockReply {
  return { text: DEFAULT_TEXT, usage: DEFAULT_USAGE };
}

/** The finish reason a reply ends with, in the mock's neutral terms. */
export function finishOf(r: MockReply): MockFinish {
  return r.finish ?? (r.toolCalls?.length ? "tool_calls" : "stop");
}

/** Cuts a text into `n` pieces of near-equal length (fewer when the text is shorter); "" gives []. */
export function splitPieces(text: string, n = 3): string[] {
  if (!text) return [];
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** A reply queue: the test enqueues, the mock takes the next one per request. */
export class ReplyQueue {
  private readonly queue: MockReply[] = [];
  enqueue(...replies: MockReply[]): void {
    this.queue.push(...replies);
  }
  next(): MockReply {
    return this.queue.shift() ?? defaultReply();
  }
  clear(): void {
    this.queue.length = 0;
  }
}
