/**
 * Canonical chat chunks → the Responses API's typed stream events, each numbered
 * (`sequence_number` 0, 1, 2…):
 *
 *   response.created, response.in_progress,
 *   per output item: response.output_item.added, then
 *     message:        content_part.added, output_text.delta…, output_text.done, content_part.done
 *     reasoning:      reasoning_summary_part.added, reasoning_summary_text.delta…, …text.done, …part.done
 *     function_call:  function_call_arguments.delta…, function_call_arguments.done
 *   response.output_item.done,
 *   response.completed (or response.incomplete; response.failed when the stream fails)
 *
 * One item is open at a time; content of another kind closes it, as OpenAI emits them.
 * A failure of the canonical stream becomes `response.failed` with the error in the
 * response, the last event. Hand-written: this runs for every chunk of every stream.
 */
import type { ChatChunk, JsonObject, Usage } from "../../../gateway/types.js";
import type { SseFraming } from "../../sse.js";
import { functionCallItem, itemId, messageItem, reasoningItem, responseObject, statusOf, usageOut, type ResponseBase } from "./encode.js";
import { sealOf } from "./reasoning.js";

/** Named-event SSE as OpenAI streams responses: `event: <type>` and `data: <json>`, no `[DONE]`. */
export const responsesFraming: SseFraming = {
  frame(chunk) {
    return `event: ${String((chunk as JsonObject)["type"])}\ndata: ${JSON.stringify(chunk)}\n\n`;
  },
  // A failure is already told by the stream's own last event, response.failed (below).
  error: () => "",
  end: "",
};

type Open =
  | { kind: "message"; index: number; id: string; text: string }
  | { kind: "reasoning"; index: number; id: string; text: string; seal: string | undefined; started: boolean }
  | { kind: "call"; index: number; id: string; callId: string; name: string; args: string; key: number };

class Emitter {
  private seq = 0;
  readonly output: JsonObject[] = [];
  open: Open | undefined;
  readonly out: JsonObject[] = [];

  emit(type: string, fields: JsonObject): void {
    this.out.push({ type, sequence_number: this.seq++, ...fields });
  }

  drain(): JsonObject[] {
    return this.out.splice(0, this.out.length);
  }

  private add(item: JsonObject): number {
    const index = this.output.length;
    this.output.push(item);
    this.emit("response.output_item.added", { output_index: index, item });
    return index;
  }

  text(t: string): void {
    if (!t) return;
    let o = this.open;
    if (o?.kind !== "message") {
      this.close();
      const id = itemId("msg");
      const index = this.add({ type: "message", id, status: "in_progress", role: "assistant", content: [] });
      this.emit("response.content_part.added", { item_id: id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } });
      o = this.open = { kind: "message", index, id, text: "" };
    }
    o.text += t;
    this.emit("response.output_text.delta", { item_id: o.id, output_index: o.index, content_index: 0, delta: t, logprobs: [] });
  }

  reasoning(item: JsonObject): void {
    const seal = sealOf(item);
    const t = typeof item["text"] === "string" ? item["text"] : "";
    let o = this.open;
    // A step that is sealed has ended; reasoning after it is a new item.
    if (o?.kind !== "reasoning" || o.seal !== undefined) {
      this.close();
      const id = itemId("rs");
      o = this.open = { kind: "reasoning", index: this.add({ type: "reasoning", id, summary: [] }), id, text: "", seal: undefined, started: false };
    }
    if (t) {
      if (!o.started) {
        o.started = true;
        this.emit("response.reasoning_summary_part.added", { item_id: o.id, output_index: o.index, summary_index: 0, part: { type: "summary_text", text: "" } });
      }
      o.text += t;
      this.emit("response.reasoning_summary_text.delta", { item_id: o.id, output_index: o.index, summary_index: 0, delta: t });
    }
    if (seal !== undefined) o.seal = seal;
  }

  call(key: number, id: string | undefined, name: string | undefined, args: string | undefined): void {
    let o = this.open;
    if (o?.kind !== "call" || o.key !== key) {
      this.close();
      const itemIdValue = itemId("fc");
      const callId = id ?? itemId("call");
      const index = this.add(functionCallItem(itemIdValue, callId, name ?? "", "", "in_progress"));
      o = this.open = { kind: "call", index, id: itemIdValue, callId, name: name ?? "", args: "", key };
    }
    if (args) {
      o.args += args;
      this.emit("response.function_call_arguments.delta", { item_id: o.id, output_index: o.index, delta: args });
    }
  }

  close(): void {
    const o = this.open;
    if (!o) return;
    this.open = undefined;
    let item: JsonObject;
    switch (o.kind) {
      case "message": {
        const part = { type: "output_text", text: o.text, annotations: [], logprobs: [] };
        this.emit("response.output_text.done", { item_id: o.id, output_index: o.index, content_index: 0, text: o.text, logprobs: [] });
        this.emit("response.content_part.done", { item_id: o.id, output_index: o.index, content_index: 0, part });
        item = messageItem(o.id, o.text, "completed");
        break;
      }
      case "reasoning":
        if (o.started) {
          this.emit("response.reasoning_summary_text.done", { item_id: o.id, output_index: o.index, summary_index: 0, text: o.text });
          this.emit("response.reasoning_summary_part.done", { item_id: o.id, output_index: o.index, summary_index: 0, part: { type: "summary_text", text: o.text } });
        }
        item = reasoningItem(o.id, o.started ? o.text : undefined, o.seal);
        break;
      case "call":
        this.emit("response.function_call_arguments.done", { item_id: o.id, output_index: o.index, name: o.name, arguments: o.args });
        item = functionCallItem(o.id, o.callId, o.name, o.args, "completed");
        break;
    }
    this.output[o.index] = item;
    this.emit("response.output_item.done", { output_index: o.index, item });
  }
}

function chunkInto(e: Emitter, chunk: ChatChunk): string | null {
  let finish: string | null = null;
  for (const choice of chunk.choices) {
    if (choice.index !== 0) continue;
    const c = choice.delta.content;
    if (typeof c === "string") e.text(c);
    else if (Array.isArray(c)) {
      for (const part of c) {
        if (part.type === "text" && typeof part["text"] === "string") e.text(part["text"]);
        else if (part.type === "reasoning" && Array.isArray(part["summary"])) for (const s of part["summary"] as JsonObject[]) e.reasoning(s);
      }
    }
    for (const call of choice.delta.tool_calls ?? []) {
      const fn = call.function;
      e.call(typeof call["index"] === "number" ? call["index"] : 0, call.id, fn?.name, fn?.arguments);
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  return finish;
}

/**
 * The Responses events of a canonical stream; `fail` words a failure for `response.failed`.
 *
 * @example
 *   for await (const ev of responsesEvents(chunks, newBase(req), fail)) … // ev.type === "response.created", …
 */
export async function* responsesEvents(chunks: AsyncIterable<ChatChunk>, base: ResponseBase, fail: (err: unknown) => { code: string; message: string }): AsyncGenerator<JsonObject, void, undefined> {
  const e = new Emitter();
  const snapshot = (status: string, extra: { usage?: JsonObject | null; finish?: string | null; error?: JsonObject | null } = {}) =>
    responseObject(base, { status, output: [...e.output], usage: extra.usage ?? null, finish: extra.finish ?? null, error: extra.error ?? null });
  e.emit("response.created", { response: snapshot("in_progress") });
  e.emit("response.in_progress", { response: snapshot("in_progress") });
  yield* e.drain();
  let finish: string | null = null;
  let usage: Usage | undefined;
  try {
    for await (const chunk of chunks) {
      if (chunk.usage) usage = chunk.usage;
      finish = chunkInto(e, chunk) ?? finish;
      yield* e.drain();
    }
  } catch (err) {
    e.close();
    e.emit("response.failed", { response: snapshot("failed", { error: fail(err) }) });
    yield* e.drain();
    // Thrown on, so the pipeline's record and the edge's log see the failure; the edge
    // writes nothing more for it (responsesFraming.error is empty).
    throw err;
  }
  e.close();
  const status = statusOf(finish);
  e.emit(status === "completed" ? "response.completed" : "response.incomplete", { response: snapshot(status, { usage: usageOut(usage), finish }) });
  yield* e.drain();
}
