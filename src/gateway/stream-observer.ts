/**
 * Watches a stream of chunks on its way to the client without changing it: keeps the last
 * usage the model reported, optionally aggregates the chunks into one response (for
 * inference tables and usage estimates), and reports once how the stream ended. The
 * reader's `wireText` pass-through is kept, so watching costs no re-serialisation.
 */
import type { ChunkStream, WireTextSource } from "../providers/provider.js";
import type { AnyChunk, AnyResponse, ChatCompletion, Completion, ContentPart, Usage } from "./types.js";

export interface StreamEnd {
  /** "ok": ran to the end; "error": the upstream failed mid-stream; "aborted": the client stopped reading. */
  outcome: "ok" | "error" | "aborted";
  error?: unknown;
  usage: Usage | undefined;
  /** The chunks as one response (only when asked to aggregate). */
  response: AnyResponse | undefined;
}

type Choice = { index: number; text: string; finish: string | null; reasoning: ContentPart[]; tools: Map<number, { id?: string; type?: string; name: string; args: string }> };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

/**
 * Folds chunks into the response they amount to. The chunks come from upstreams, so each
 * field is read as `unknown` and anything missing or of the wrong type counts as absent
 * (TensorZero's safe default): a malformed chunk can cost the aggregate a piece, never
 * throw out of the stream. Hand-written rather than a schema: this runs on every chunk.
 */
class Aggregator {
  private first: AnyChunk | undefined;
  private readonly choices = new Map<number, Choice>();

  add(chunk: AnyChunk): void {
    this.first ??= chunk;
    const list: unknown = chunk.choices;
    if (!Array.isArray(list)) return;
    for (const c of list as unknown[]) {
      if (!isObject(c)) continue;
      const index = typeof c["index"] === "number" ? c["index"] : 0;
      let ch = this.choices.get(index);
      if (!ch) this.choices.set(index, (ch = { index, text: "", finish: null, reasoning: [], tools: new Map() }));
      if (typeof c["finish_reason"] === "string" && c["finish_reason"]) ch.finish = c["finish_reason"];
      if (typeof c["text"] === "string") ch.text += c["text"];
      const delta = c["delta"];
      if (!isObject(delta)) continue;
      const content = delta["content"];
      if (typeof content === "string") ch.text += content;
      else if (Array.isArray(content)) for (const part of content as unknown[]) if (isObject(part) && typeof part["type"] === "string") ch.reasoning.push(part as ContentPart);
      const calls = delta["tool_calls"];
      if (!Array.isArray(calls)) continue;
      for (const tc of calls as unknown[]) {
        if (!isObject(tc)) continue;
        const i = typeof tc["index"] === "number" ? tc["index"] : 0;
        const t = ch.tools.get(i) ?? { name: "", args: "" };
        if (typeof tc["id"] === "string" && tc["id"]) t.id = tc["id"];
        if (typeof tc["type"] === "string" && tc["type"]) t.type = tc["type"];
        const fn = tc["function"];
        if (isObject(fn)) {
          t.name += str(fn["name"]);
          t.args += str(fn["arguments"]);
        }
        ch.tools.set(i, t);
      }
    }
  }

  result(usage: Usage | undefined): AnyResponse | undefined {
    const f = this.first;
    if (!f) return undefined;
    const choices = [...this.choices.values()].sort((a, b) => a.index - b.index);
    if (f.object === "text_completion") {
      const r: Completion = { id: str(f.id), object: "text_completion", created: num(f.created), model: str(f.model), choices: choices.map((c) => ({ index: c.index, text: c.text, finish_reason: c.finish })) };
      if (usage) r.usage = usage;
      return r;
    }
    const r: ChatCompletion = {
      id: str(f.id),
      object: "chat.completion",
      created: num(f.created),
      model: str(f.model),
      choices: choices.map((c) => ({
        index: c.index,
        message: {
          role: "assistant",
          content: c.reasoning.length ? [...c.reasoning, { type: "text", text: c.text }] : c.text || (c.tools.size ? null : ""),
          ...(c.tools.size
            ? { tool_calls: [...c.tools.entries()].sort(([a], [b]) => a - b).map(([, t]) => ({ id: t.id, type: t.type ?? "function", function: { name: t.name, arguments: t.args } })) }
            : {}),
        },
        finish_reason: c.finish,
      })),
    };
    if (usage) r.usage = usage;
    return r;
  }
}

/**
 * A pass-through view of `chunks` that calls `onEnd` exactly once. It never throws a fault
 * of its own: whatever the chunks hold, they are handed on, the end is reported, and when
 * the source fails the source has already let go of its upstream; when `onEnd` itself
 * throws, that is swallowed here (a record lost is not the client's stream lost).
 */
export function observeStream(
  chunks: ChunkStream<AnyChunk>,
  aggregate: boolean,
  onEnd: (end: StreamEnd) => void,
): AsyncIterableIterator<AnyChunk> & WireTextSource {
  const inner = chunks[Symbol.asyncIterator]();
  const agg = aggregate ? new Aggregator() : undefined;
  let usage: Usage | undefined;
  let ended = false;
  const end = (outcome: StreamEnd["outcome"], error?: unknown) => {
    if (ended) return;
    ended = true;
    try {
      onEnd({ outcome, error, usage, response: agg?.result(usage) });
    } catch {
      /* see above: the stream goes on */
    }
  };
  const self: AsyncIterableIterator<AnyChunk> & WireTextSource = {
    [Symbol.asyncIterator]() {
      return self;
    },
    async next() {
      let r: IteratorResult<AnyChunk>;
      try {
        r = await inner.next();
      } catch (err) {
        end("error", err);
        throw err;
      }
      if (r.done) {
        end("ok");
        return r;
      }
      const chunk = r.value;
      const u: unknown = chunk.usage;
      if (typeof u === "object" && u !== null && !Array.isArray(u)) usage = u as Usage;
      agg?.add(chunk);
      return r;
    },
    async return(value?: unknown) {
      end("aborted");
      await inner.return?.(value);
      return { done: true, value: undefined };
    },
    wireText(chunk: unknown) {
      return chunks.wireText?.(chunk);
    },
  };
  return self;
}
