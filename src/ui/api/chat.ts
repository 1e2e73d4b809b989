/**
 * Chat and other queries from the browser, plain or streamed, with what the pages show
 * about each call: HTTP status, latency, time to first token, token usage and the
 * `served-model-name` header. A streamed answer is folded chunk by chunk into one
 * message (text, reasoning blocks, tool calls by index), and `onUpdate` sees each step.
 */
import { ApiError, authHeaders, handleUnauthorized, toApiError } from "./client";
import { sseChunks } from "./stream";
import { isObject } from "./json";
import type { JsonObject } from "./types";

export interface ToolCallView {
  id: string;
  name: string;
  arguments: string;
}

export interface AnswerView {
  text: string;
  reasoning: string;
  toolCalls: ToolCallView[];
  finishReason: string | null;
}

export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

export interface CallResult {
  status: number;
  latencyMs: number;
  /** Streams only: ms from sending to the first content. */
  ttftMs?: number;
  servedModel: string | null;
  usage?: Usage;
  /** The parsed response body (plain calls), or the folded answer as a chat.completion (streams). */
  body: unknown;
  answer: AnswerView;
}

export function emptyAnswer(): AnswerView {
  return { text: "", reasoning: "", toolCalls: [], finishReason: null };
}

/** Adds a message's or a delta's `content` (a string or a list of parts) to the answer. */
function addContent(a: AnswerView, content: unknown): boolean {
  if (typeof content === "string") {
    a.text += content;
    return content.length > 0;
  }
  if (!Array.isArray(content)) return false;
  let any = false;
  for (const part of content) {
    if (!isObject(part)) continue;
    if (part["type"] === "text" && typeof part["text"] === "string") {
      a.text += part["text"];
      any = true;
    } else if (part["type"] === "reasoning" && Array.isArray(part["summary"])) {
      for (const s of part["summary"]) {
        if (isObject(s) && typeof s["text"] === "string") {
          a.reasoning += s["text"];
          any = true;
        }
      }
    }
  }
  return any;
}

function addToolCalls(a: AnswerView, calls: unknown): boolean {
  if (!Array.isArray(calls)) return false;
  calls.forEach((c, i) => {
    if (!isObject(c)) return;
    const index = typeof c["index"] === "number" ? c["index"] : i;
    const fn = isObject(c["function"]) ? c["function"] : {};
    const slot = (a.toolCalls[index] ??= { id: "", name: "", arguments: "" });
    if (typeof c["id"] === "string") slot.id = c["id"];
    if (typeof fn["name"] === "string") slot.name += fn["name"];
    if (typeof fn["arguments"] === "string") slot.arguments += fn["arguments"];
  });
  return calls.length > 0;
}

/** Reads the first choice of a chat completion (or a completions response) into an AnswerView. */
export function answerOf(body: unknown): AnswerView {
  const a = emptyAnswer();
  const choice = isObject(body) && Array.isArray(body["choices"]) ? body["choices"][0] : undefined;
  if (!isObject(choice)) return a;
  if (isObject(choice["message"])) {
    const m = choice["message"];
    addContent(a, m["content"]);
    if (typeof m["reasoning_content"] === "string") a.reasoning += m["reasoning_content"];
    addToolCalls(a, m["tool_calls"]);
  } else if (typeof choice["text"] === "string") {
    a.text = choice["text"];
  }
  a.finishReason = typeof choice["finish_reason"] === "string" ? choice["finish_reason"] : null;
  return a;
}

/** Folds one stream chunk into the answer; true when it carried content (for time to first token). */
export function foldChunk(a: AnswerView, chunk: unknown): boolean {
  const choice = isObject(chunk) && Array.isArray(chunk["choices"]) ? chunk["choices"][0] : undefined;
  if (!isObject(choice)) return false;
  let content = false;
  if (isObject(choice["delta"])) {
    const d = choice["delta"];
    content = addContent(a, d["content"]) || content;
    if (typeof d["reasoning_content"] === "string" && d["reasoning_content"]) {
      a.reasoning += d["reasoning_content"];
      content = true;
    }
    content = addToolCalls(a, d["tool_calls"]) || content;
  } else if (typeof choice["text"] === "string") {
    a.text += choice["text"];
    content = choice["text"].length > 0;
  }
  if (typeof choice["finish_reason"] === "string") a.finishReason = choice["finish_reason"];
  return content;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Streams: called after every chunk with the answer so far. */
  onUpdate?: (answer: AnswerView, chunk: unknown) => void;
}

/**
 * POSTs `body` to `/serving-endpoints/{endpoint}/invocations` and returns what happened.
 * Streams when `body.stream` is true. Throws ApiError (with status and full body) on a
 * non-2xx answer or an error inside the stream.
 */
export async function invoke(endpoint: string, body: JsonObject, opts: QueryOptions = {}): Promise<CallResult> {
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(`/serving-endpoints/${encodeURIComponent(endpoint)}/invocations`, {
      method: "POST",
      headers: { ...authHeaders(), "content-type": "application/json" },
      body: JSON.stringify(body),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "NETWORK_ERROR", "Cannot reach the gateway. Is it running?", undefined, undefined);
  }
  const servedModel = res.headers.get("served-model-name");
  const isStream = (res.headers.get("content-type") ?? "").includes("text/event-stream");
  if (!res.ok) {
    handleUnauthorized(res.status);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      /* keep the text */
    }
    throw toApiError(res.status, parsed, `${res.status} ${res.statusText}`);
  }
  if (!isStream) {
    const parsed = (await res.json()) as unknown;
    const usage = isObject(parsed) && isObject(parsed["usage"]) ? (parsed["usage"] as Usage) : undefined;
    return { status: res.status, latencyMs: performance.now() - started, servedModel, body: parsed, answer: answerOf(parsed), ...(usage ? { usage } : {}) };
  }
  const answer = emptyAnswer();
  let ttftMs: number | undefined;
  let usage: Usage | undefined;
  let last: JsonObject = {};
  for await (const chunk of sseChunks(res)) {
    if (foldChunk(answer, chunk) && ttftMs === undefined) ttftMs = performance.now() - started;
    if (isObject(chunk)) {
      last = chunk;
      if (isObject(chunk["usage"])) usage = chunk["usage"] as Usage;
    }
    opts.onUpdate?.(answer, chunk);
  }
  const folded = {
    id: last["id"],
    object: "chat.completion",
    model: last["model"],
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: answer.text,
          ...(answer.toolCalls.length ? { tool_calls: answer.toolCalls.map((t) => ({ id: t.id, type: "function", function: { name: t.name, arguments: t.arguments } })) } : {}),
        },
        finish_reason: answer.finishReason,
      },
    ],
    ...(usage ? { usage } : {}),
  };
  return { status: res.status, latencyMs: performance.now() - started, servedModel, body: folded, answer, ...(ttftMs !== undefined ? { ttftMs } : {}), ...(usage ? { usage } : {}) };
}
