/**
 * Watches a stream of chunks on its way to the client without changing it: keeps the last
 * usage the model reported, optionally aggregates the chunks into one response (for
 * inference tables and usage estimates), and reports once how the stream ended. The
 * reader's `wireText` pass-through is kept, so watching costs no re-serialisation.
 */
import type { WireTextSource } from "../server/sse.js";
import type { AnyChunk, AnyResponse, ChatChunk, ChatCompletion, Completion, ContentPart, Usage } from "./types.js";

export interface StreamEnd {
  /** "ok": ran to the end; "error": the upstream failed mid-stream; "aborted": the client stopped reading. */
  outcome: "ok" | "error" | "aborted";
  error?: unknown;
  usage: Usage | undefined;
  /** The chunks as one response (only when asked to aggregate). */
  response: AnyResponse | undefined;
}

type Choice = { index: number; text: string; finish: string | null; reasoning: ContentPart[]; tools: Map<number, { id?: string; type?: string; name: string; args: string }> };

/** Folds chunks into the response they amount to. */
class Aggregator {
  private first: AnyChunk | undefined;
  private readonly choices = new Map<number, Choice>();

  add(chunk: AnyChunk): void {
    this.first ??= chunk;
    for (const c of chunk.choices) {
      let ch = this.choices.get(c.index);
      if (!ch) this.choices.set(c.index, (ch = { index: c.index, text: "", finish: null, reasoning: [], tools: new Map() }));
      if (c.finish_reason) ch.finish = c.finish_reason;
      if ("text" in c && typeof c.text === "string") ch.text += c.text;
      const delta = (c as ChatChunk["choices"][number]).delta;
      if (!delta) continue;
      if (typeof delta.content === "string") ch.text += delta.content;
      else if (Array.isArray(delta.content)) ch.reasoning.push(...delta.content);
      for (const tc of delta.tool_calls ?? []) {
        const i = typeof tc["index"] === "number" ? tc["index"] : 0;
        const t = ch.tools.get(i) ?? { name: "", args: "" };
        if (tc.id) t.id = tc.id;
        if (tc.type) t.type = tc.type;
        t.name += tc.function?.name ?? "";
        t.args += tc.function?.arguments ?? "";
        ch.tools.set(i, t);
      }
    }
  }

  result(usage: Usage | undefined): AnyResponse | undefined {
    const f = this.first;
    if (!f) return undefined;
    const choices = [...this.choices.values()].sort((a, b) => a.index - b.index);
    if (f.object === "text_completion") {
      const r: Completion = { id: f.id, object: "text_completion", created: f.created, model: f.model, choices: choices.map((c) => ({ index: c.index, text: c.text, finish_reason: c.finish })) };
      if (usage) r.usage = usage;
      return r;
    }
    const r: ChatCompletion = {
      id: f.id,
      object: "chat.completion",
      created: f.created,
      model: f.model,
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

/** A pass-through view of `chunks` that calls `onEnd` exactly once. */
export function observeStream(
  chunks: AsyncIterable<AnyChunk> & Partial<WireTextSource>,
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
    onEnd({ outcome, error, usage, response: agg?.result(usage) });
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
      if (chunk.usage) usage = chunk.usage;
      agg?.add(chunk);
      return r;
    },
    async return(value?: unknown) {
      end("aborted");
      await inner.return?.(value);
      return { done: true, value: undefined };
    },
    wireText(chunk: unknown) {
      return typeof chunks.wireText === "function" ? chunks.wireText(chunk) : undefined;
    },
  };
  return self;
}
