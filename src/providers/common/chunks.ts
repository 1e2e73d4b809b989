/**
 * Building OpenAI-shaped results from a native provider's answer: ids, chat chunks that
 * all share one id/created/model, usage, and tool-call indexes in a stream.
 */
import { randomBytes } from "node:crypto";
import type { ChatChunk, ChatMessage, Usage } from "../../gateway/types.js";

/** A short random id with a prefix, e.g. `chatcmpl-3f9a…`, `call_…`. */
export function newId(prefix: string): string {
  return prefix + randomBytes(12).toString("hex");
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Chunks of one streamed answer: the same id, created and model on every one. */
export class ChunkFactory {
  readonly created = nowSeconds();
  constructor(
    readonly id: string,
    readonly model: string,
  ) {}

  delta(delta: Partial<ChatMessage>, finishReason: string | null = null, index = 0): ChatChunk {
    return { id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [{ index, delta, finish_reason: finishReason }] };
  }

  /** The last chunk of a stream: no choices, the usage of the whole call. */
  usage(usage: Usage): ChatChunk {
    return { id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [], usage };
  }
}

/** Token counts in OpenAI terms. `prompt` includes cached tokens; `completion` includes reasoning tokens. */
export interface TokenCounts {
  prompt: number;
  completion: number;
  /** Prompt tokens read from the provider's cache. */
  cached?: number | undefined;
  /** Completion tokens spent on reasoning. */
  reasoning?: number | undefined;
}

/** OpenAI usage, with the details objects only when the provider reported them. */
export function usageOf(t: TokenCounts): Usage {
  const u: Usage = { prompt_tokens: t.prompt, completion_tokens: t.completion, total_tokens: t.prompt + t.completion };
  if (t.cached !== undefined) u.prompt_tokens_details = { cached_tokens: t.cached };
  if (t.reasoning !== undefined) u.completion_tokens_details = { reasoning_tokens: t.reasoning };
  return u;
}

/**
 * Gives each tool call of a streamed answer its OpenAI `index`: 0, 1, 2… in the order the
 * calls start, whatever key the provider uses for them (a content-block index, an id).
 */
export class ToolCallIndexes<K> {
  private readonly byKey = new Map<K, number>();

  /** A new call: its index. */
  start(key: K): number {
    const i = this.byKey.size;
    this.byKey.set(key, i);
    return i;
  }

  /** The index of a started call, or undefined when the key never started a call. */
  of(key: K): number | undefined {
    return this.byKey.get(key);
  }

  get count(): number {
    return this.byKey.size;
  }
}
