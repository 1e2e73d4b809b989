/**
 * Token estimates for when a model reports none, and for reserving against a token limit
 * before it does: `(chars+1)/4` of the text a request asks the model to read (message
 * contents, tool calls, a prompt, embedding inputs) or a response holds, plus, for each
 * image, width × height / 750 of the size it is sent at (images/limits.ts: 200×200 ≈ 54,
 * 1000×1000 ≈ 1334, 1092×1092 ≈ 1590), read from the image's header. One rule, used by
 * the rate limiter's reservation and by usage records alike.
 */
import { parseDataUrl, readImageHeader } from "./images/header.js";
import { imageTokens } from "./images/limits.js";
import type { JsonObject } from "./types.js";

/** What an image whose size cannot be read (a link, or bytes that are no image) is guessed at: a 1092×1092 one. */
const UNKNOWN_IMAGE_TOKENS = 1590;

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

/** The URL of an `image_url` part, or undefined for any other part. */
function imageUrlOf(part: unknown): string | undefined {
  if (typeof part !== "object" || part === null || (part as JsonObject)["type"] !== "image_url") return undefined;
  const iu = (part as JsonObject)["image_url"];
  const url = typeof iu === "string" ? iu : typeof iu === "object" && iu !== null ? (iu as JsonObject)["url"] : undefined;
  return typeof url === "string" ? url : "";
}

/** Tokens of one image by the 750-pixels rule, read from its data URL's header. */
export function imageUrlTokens(url: string): number {
  const data = parseDataUrl(url);
  const header = data ? readImageHeader(data.base64) : undefined;
  return header ? imageTokens(header) : UNKNOWN_IMAGE_TOKENS;
}

/** The prompt tokens of the images in a request's messages (user content and tool results). */
export function requestImageTokens(body: JsonObject): number {
  const messages = body["messages"];
  if (!Array.isArray(messages)) return 0;
  let n = 0;
  for (const m of messages) {
    const content = typeof m === "object" && m !== null ? (m as JsonObject)["content"] : undefined;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      const url = imageUrlOf(part);
      if (url !== undefined) n += imageUrlTokens(url);
    }
  }
  return n;
}

function hasImages(messages: unknown[]): boolean {
  for (const m of messages) {
    const content = typeof m === "object" && m !== null ? (m as JsonObject)["content"] : undefined;
    if (Array.isArray(content) && content.some((p) => imageUrlOf(p) !== undefined)) return true;
  }
  return false;
}

/**
 * Prompt tokens guessed before the model counts them (the rate limiter's reservation), from
 * the size of the request's messages (or prompt, or input) as JSON — roles and keys
 * included, so it errs high — with each image counted by its pixels instead of the length
 * of its base64 text.
 */
export function promptTokenEstimate(body: JsonObject): number {
  const messages = body["messages"];
  if (Array.isArray(messages) && hasImages(messages)) {
    let images = 0;
    const json = JSON.stringify(messages, (key, value: unknown) => {
      if (key === "image_url") {
        const url = imageUrlOf({ type: "image_url", image_url: value });
        images += imageUrlTokens(url ?? "");
        return "";
      }
      return value;
    });
    return estimateFromChars(json.length) + images;
  }
  const p = messages ?? body["prompt"] ?? body["input"];
  return estimateFromChars(typeof p === "string" ? p.length : JSON.stringify(p ?? "").length);
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
