/**
 * Where the text a guardrail checks lives in a request, a response or a stream of chunks,
 * and how to write masked text back without touching the original objects.
 *
 * A *slot* is one run of text as a reader sees it: a message's content, one text part,
 * one tool call's arguments, or — in a stream — every delta of a choice's content joined.
 * A slot is made of *pieces*, each the string at one path in one root object (the body,
 * the response, or one chunk); checks run on the joined text, so a value split across
 * chunks is still found, and masks are written back piece by piece.
 */
import type { JsonObject, Task } from "../gateway/types.js";
import { applySpans, placeholder, type PiiSpan } from "./pii.js";

export type Path = ReadonlyArray<string | number>;

export interface Piece {
  /** Index of the root object (0 for a body or a response; the chunk's index in a stream). */
  root: number;
  path: Path;
  text: string;
}

/**
 * `text`: what the model was told or said (keywords, PII, judges); `reasoning`: a reasoning
 * summary (keywords, PII); `tool_args`: a tool call's JSON arguments (PII only).
 */
export type SlotKind = "text" | "reasoning" | "tool_args";

export interface Slot {
  kind: SlotKind;
  /** The message's role and index, for chat request slots. */
  role?: string;
  message?: number;
  pieces: Piece[];
}

export function slotText(s: Slot): string {
  return s.pieces.length === 1 ? (s.pieces[0] as Piece).text : s.pieces.map((p) => p.text).join("");
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Slots of a message `content` (a string or a list of parts) at `path`. */
function contentSlots(content: unknown, path: Path, base: { role?: string; message?: number }, out: Slot[]): void {
  if (typeof content === "string") {
    out.push({ kind: "text", ...base, pieces: [{ root: 0, path, text: content }] });
    return;
  }
  if (!Array.isArray(content)) return;
  content.forEach((part, i) => {
    if (!isObject(part)) return;
    if (part["type"] === "text" && typeof part["text"] === "string") {
      out.push({ kind: "text", ...base, pieces: [{ root: 0, path: [...path, i, "text"], text: part["text"] }] });
    } else if (part["type"] === "reasoning" && Array.isArray(part["summary"])) {
      part["summary"].forEach((s, j) => {
        if (isObject(s) && typeof s["text"] === "string") out.push({ kind: "reasoning", ...base, pieces: [{ root: 0, path: [...path, i, "summary", j, "text"], text: s["text"] }] });
      });
    }
  });
}

function toolCallSlots(calls: unknown, path: Path, out: Slot[]): void {
  if (!Array.isArray(calls)) return;
  calls.forEach((c, i) => {
    const fn = isObject(c) ? c["function"] : undefined;
    if (isObject(fn) && typeof fn["arguments"] === "string") out.push({ kind: "tool_args", pieces: [{ root: 0, path: [...path, i, "function", "arguments"], text: fn["arguments"] }] });
  });
}

function stringsAt(value: unknown, path: Path, out: Slot[]): void {
  if (typeof value === "string") out.push({ kind: "text", pieces: [{ root: 0, path, text: value }] });
  else if (Array.isArray(value)) value.forEach((v, i) => typeof v === "string" && out.push({ kind: "text", pieces: [{ root: 0, path: [...path, i], text: v }] }));
}

/**
 * The text of a request: every message's content (all roles: whatever is in the
 * conversation reaches the model) and tool-call arguments for chat, `prompt` for
 * completions, the string `input`s for embeddings.
 */
export function requestSlots(task: Task, body: JsonObject): Slot[] {
  const out: Slot[] = [];
  if (task === "llm/v1/chat") {
    const messages = body["messages"];
    if (!Array.isArray(messages)) return out;
    messages.forEach((m, i) => {
      if (!isObject(m)) return;
      const role = typeof m["role"] === "string" ? m["role"] : "user";
      contentSlots(m["content"], ["messages", i, "content"], { role, message: i }, out);
      toolCallSlots(m["tool_calls"], ["messages", i, "tool_calls"], out);
    });
  } else if (task === "llm/v1/completions") stringsAt(body["prompt"], ["prompt"], out);
  else stringsAt(body["input"], ["input"], out);
  return out;
}

/** The text of a response: each choice's message content and tool-call arguments, or completion text. */
export function responseSlots(response: JsonObject): Slot[] {
  const out: Slot[] = [];
  const choices = response["choices"];
  if (!Array.isArray(choices)) return out;
  choices.forEach((c, i) => {
    if (!isObject(c)) return;
    if (typeof c["text"] === "string") out.push({ kind: "text", pieces: [{ root: 0, path: ["choices", i, "text"], text: c["text"] }] });
    const msg = c["message"];
    if (!isObject(msg)) return;
    contentSlots(msg["content"], ["choices", i, "message", "content"], {}, out);
    toolCallSlots(msg["tool_calls"], ["choices", i, "message", "tool_calls"], out);
  });
  return out;
}

/**
 * The text of a stream: per choice, the content deltas (or completion texts) joined, the
 * reasoning deltas joined, and each tool call's argument deltas joined.
 */
export function streamSlots(chunks: readonly JsonObject[]): Slot[] {
  const slots = new Map<string, Slot>();
  const add = (key: string, kind: SlotKind, piece: Piece) => {
    let s = slots.get(key);
    if (!s) slots.set(key, (s = { kind, pieces: [] }));
    s.pieces.push(piece);
  };
  chunks.forEach((chunk, root) => {
    const choices = chunk["choices"];
    if (!Array.isArray(choices)) return;
    choices.forEach((c, j) => {
      if (!isObject(c)) return;
      const index = typeof c["index"] === "number" ? c["index"] : j;
      if (typeof c["text"] === "string") add(`text:${index}`, "text", { root, path: ["choices", j, "text"], text: c["text"] });
      const delta = c["delta"];
      if (!isObject(delta)) return;
      const content = delta["content"];
      if (typeof content === "string") add(`text:${index}`, "text", { root, path: ["choices", j, "delta", "content"], text: content });
      else if (Array.isArray(content)) {
        content.forEach((part, p) => {
          if (!isObject(part)) return;
          if (part["type"] === "text" && typeof part["text"] === "string") add(`text:${index}`, "text", { root, path: ["choices", j, "delta", "content", p, "text"], text: part["text"] });
          else if (part["type"] === "reasoning" && Array.isArray(part["summary"])) {
            part["summary"].forEach((s, q) => {
              if (isObject(s) && typeof s["text"] === "string") add(`reasoning:${index}`, "reasoning", { root, path: ["choices", j, "delta", "content", p, "summary", q, "text"], text: s["text"] });
            });
          }
        });
      }
      const calls = delta["tool_calls"];
      if (Array.isArray(calls)) {
        calls.forEach((tc, k) => {
          const fn = isObject(tc) ? tc["function"] : undefined;
          const tcIndex = isObject(tc) && typeof tc["index"] === "number" ? tc["index"] : k;
          if (isObject(fn) && typeof fn["arguments"] === "string") add(`tool:${index}:${tcIndex}`, "tool_args", { root, path: ["choices", j, "delta", "tool_calls", k, "function", "arguments"], text: fn["arguments"] });
        });
      }
    });
  });
  return [...slots.values()];
}

/**
 * Spreads masks found on a slot's joined text back over its pieces: a placeholder goes
 * into the piece where the value starts, and the value's characters are dropped from every
 * piece they were in. So a value split over three chunks becomes `[EMAIL]` in the first
 * and nothing of it in the other two.
 */
export function maskPieces(pieces: readonly string[], spans: readonly PiiSpan[]): string[] {
  if (pieces.length === 1) return [applySpans(pieces[0] as string, spans)];
  const out: string[] = [];
  let start = 0;
  for (const text of pieces) {
    const end = start + text.length;
    let s = "";
    let at = start;
    for (const span of spans) {
      if (span.end <= start || span.start >= end) continue;
      if (span.start > at) s += text.slice(at - start, span.start - start);
      if (span.start >= start) s += placeholder(span.type);
      at = Math.min(end, span.end);
    }
    s += text.slice(at - start);
    out.push(s);
    start = end;
  }
  return out;
}

function setAt(root: JsonObject, path: Path, value: string): void {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) node = (node as Record<string | number, unknown>)[path[i] as string | number];
  (node as Record<string | number, unknown>)[path[path.length - 1] as string | number] = value;
}

/**
 * Copies of the roots with the masked slots' pieces rewritten; roots nothing changed in
 * are returned as they are (the same object), the originals are never modified.
 */
export function writeMasks<T extends JsonObject>(roots: readonly T[], masked: ReadonlyArray<{ slot: Slot; spans: readonly PiiSpan[] }>): T[] {
  const out = [...roots];
  const copied = new Set<number>();
  for (const { slot, spans } of masked) {
    const texts = maskPieces(
      slot.pieces.map((p) => p.text),
      spans,
    );
    slot.pieces.forEach((p, i) => {
      const text = texts[i] as string;
      if (text === p.text) return;
      if (!copied.has(p.root)) {
        out[p.root] = structuredClone(out[p.root] as T);
        copied.add(p.root);
      }
      setAt(out[p.root] as T, p.path, text);
    });
  }
  return out;
}
