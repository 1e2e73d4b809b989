/**
 * Token estimates for when a model reports none: `(chars+1)/4` of the text a request asks
 * the model to read (message contents, tool calls, a prompt, embedding inputs) or a
 * response holds, as usage records count it. The rate limiter's reservation uses the same
 * `estimateFromChars` on a different count: the JSON length of `messages` (gateway/pipeline.ts).
 */
import type { JsonObject } from "./types.js";

/** Tokens guessed from a text's length. */
export function estimateFromChars(chars: number): number {
  return Math.floor((chars + 1) / 4);
}

function str(v: unknown): number {
  return typeof v === "string" ? v.length : 0;
}

/** Characters of a message `content`: a string, or blocks with `text` (and reasoning `summary[].text`). */
function contentChars(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (typeof part !== "object" || part === null) continue;
    const p = part as JsonObject;
    n += str(p["text"]);
    const summary = p["summary"];
    if (Array.isArray(summary)) for (const s of summary) if (typeof s === "object" && s !== null) n += str((s as JsonObject)["text"]);
  }
  return n;
}

function toolCallChars(calls: unknown): number {
  if (!Array.isArray(calls)) return 0;
  let n = 0;
  for (const c of calls) {
    const fn = typeof c === "object" && c !== null ? (c as JsonObject)["function"] : undefined;
    if (typeof fn === "object" && fn !== null) n += str((fn as JsonObject)["name"]) + str((fn as JsonObject)["arguments"]);
  }
  return n;
}

function stringsChars(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (Array.isArray(v)) return v.reduce<number>((n, x) => n + (typeof x === "string" ? x.length : 0), 0);
  return 0;
}

/** The text a request asks the model to read: messages' contents, a prompt, or embedding inputs. */
export function requestChars(body: JsonObject): number {
  const messages = body["messages"];
  if (Array.isArray(messages)) {
    let n = 0;
    for (const m of messages) {
      if (typeof m !== "object" || m === null) continue;
      n += contentChars((m as JsonObject)["content"]) + toolCallChars((m as JsonObject)["tool_calls"]);
    }
    return n;
  }
  return stringsChars(body["prompt"]) + stringsChars(body["input"]);
}

/** The text a response holds: message contents and tool calls, or completion texts (embeddings: none). */
export function responseChars(response: JsonObject | undefined): number {
  const choices = response?.["choices"];
  if (!Array.isArray(choices)) return 0;
  let n = 0;
  for (const c of choices) {
    if (typeof c !== "object" || c === null) continue;
    const choice = c as JsonObject;
    n += str(choice["text"]);
    const message = choice["message"];
    if (typeof message === "object" && message !== null) {
      n += contentChars((message as JsonObject)["content"]) + toolCallChars((message as JsonObject)["tool_calls"]);
    }
  }
  return n;
}
