/**
 * The request checks the Anthropic mock makes before it answers, each failing the way
 * the Messages API does: a 400 `invalid_request_error` whose message starts with the
 * dotted path of the field (`messages.1.content.0: …`).
 *
 * They are what a translating gateway most easily gets wrong: `max_tokens` missing, a
 * role Anthropic does not have, turns that do not alternate, a `tool_use` without its
 * `tool_result` in the next turn (or the other way round), text before tool results,
 * thinking blocks after the text of their turn or without a signature, empty text
 * blocks, more than four cache breakpoints, sampling parameters while thinking, and
 * OpenAI fields leaking into the body ("Extra inputs are not permitted"), and computer-use
 * tools that are malformed or sent without the `anthropic-beta` value they need.
 *
 * One place the mock is stricter than the API: today's API silently merges consecutive
 * same-role turns; the mock refuses them, so an adapter that forgot to merge is caught.
 */

import { checkClientTool, isClientTool } from "./client-tools.js";

type Obj = Record<string, unknown>;

class Invalid extends Error {}

function fail(path: string, message: string): never {
  throw new Invalid(`${path}: ${message}`);
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const TOP_LEVEL = new Set([
  "model",
  "messages",
  "max_tokens",
  "system",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "stream",
  "tools",
  "tool_choice",
  "thinking",
  "metadata",
  "output_config",
  "service_tier",
  "container",
  "cache_control",
  "inference_geo",
  "speed",
  "diagnostics",
  "user_profile_id",
  "workspace_id",
  "mcp_servers",
  "context_management",
]);

const MEDIA_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

function checkCacheControl(v: unknown, path: string, count: { n: number }): void {
  if (v === undefined || v === null) return;
  if (!isObj(v) || v["type"] !== "ephemeral") fail(`${path}.cache_control`, "Input should be an object with type 'ephemeral'");
  const ttl = v["ttl"];
  if (ttl !== undefined && ttl !== "5m" && ttl !== "1h") fail(`${path}.cache_control.ttl`, "Input should be '5m' or '1h'");
  count.n++;
}

function checkText(b: Obj, path: string): void {
  const text = b["text"];
  if (typeof text !== "string") fail(`${path}.text`, "Field required");
  if (text === "") fail(path, "text content blocks must be non-empty");
}

function checkImage(b: Obj, path: string): void {
  const src = b["source"];
  if (!isObj(src) || src["type"] !== "base64") fail(`${path}.source`, "Input should be a base64 image source");
  if (!MEDIA_TYPES.has(String(src["media_type"]))) fail(`${path}.source.media_type`, "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
  if (typeof src["data"] !== "string" || src["data"] === "") fail(`${path}.source.data`, "Field required");
}

function checkToolResult(b: Obj, path: string, count: { n: number }): void {
  if (typeof b["tool_use_id"] !== "string") fail(`${path}.tool_use_id`, "Field required");
  const c = b["content"];
  if (c === undefined || typeof c === "string") return;
  if (!Array.isArray(c)) fail(`${path}.content`, "Input should be a valid string or list");
  c.forEach((x: unknown, k) => {
    const p = `${path}.content.${k}`;
    if (!isObj(x)) fail(p, "Input should be an object");
    if (x["type"] === "text") checkText(x, p);
    else if (x["type"] === "image") checkImage(x, p);
    else fail(`${p}.type`, "Input should be 'text' or 'image'");
    checkCacheControl(x["cache_control"], p, count);
  });
}

function checkBlock(b: unknown, role: string, path: string, count: { n: number }): Obj {
  if (!isObj(b)) fail(path, "Input should be an object");
  const type = b["type"];
  if (role === "user") {
    if (type === "text") checkText(b, path);
    else if (type === "image") checkImage(b, path);
    else if (type === "tool_result") checkToolResult(b, path, count);
    else if (type !== "document") fail(`${path}.type`, `Input tag '${String(type)}' found using 'type' does not match any of the expected tags for a user message`);
  } else {
    if (type === "text") checkText(b, path);
    else if (type === "tool_use") {
      if (typeof b["id"] !== "string" || typeof b["name"] !== "string") fail(path, "tool_use blocks need an id and a name");
      if (!isObj(b["input"])) fail(`${path}.input`, "Input should be a valid dictionary");
    } else if (type === "thinking") {
      if (typeof b["thinking"] !== "string") fail(`${path}.thinking`, "Field required");
      if (typeof b["signature"] !== "string") fail(`${path}.signature`, "Field required");
      if (b["cache_control"] !== undefined) fail(`${path}.cache_control`, "Extra inputs are not permitted");
    } else if (type === "redacted_thinking") {
      if (typeof b["data"] !== "string") fail(`${path}.data`, "Field required");
    } else fail(`${path}.type`, `Input tag '${String(type)}' found using 'type' does not match any of the expected tags for an assistant message`);
  }
  checkCacheControl(b["cache_control"], path, count);
  return b;
}

function checkMessages(messages: unknown, count: { n: number }): void {
  if (!Array.isArray(messages)) fail("messages", "Field required");
  if (messages.length === 0) fail("messages", "at least one message is required");
  let prevToolUses: string[] = [];
  messages.forEach((m: unknown, i) => {
    const path = `messages.${i}`;
    if (!isObj(m)) fail(path, "Input should be an object");
    const role = m["role"];
    if (role !== "user" && role !== "assistant") fail(`${path}.role`, "Input should be 'user' or 'assistant'");
    const prev = i > 0 ? (messages[i - 1] as Obj)["role"] : undefined;
    if (prev === role) fail(path, `roles must alternate between "user" and "assistant", but found two "${role}" turns in a row`);
    const c = m["content"];
    let blocks: Obj[];
    if (typeof c === "string") {
      if (c === "") fail(`${path}.content`, "content must be non-empty");
      blocks = [{ type: "text", text: c }];
    } else if (Array.isArray(c)) {
      if (c.length === 0) fail(`${path}.content`, "content must be non-empty");
      blocks = c.map((b: unknown, j) => checkBlock(b, role, `${path}.content.${j}`, count));
    } else fail(`${path}.content`, "Field required");
    if (role === "user") {
      const results = blocks.filter((b) => b["type"] === "tool_result").map((b) => String(b["tool_use_id"]));
      const firstOther = blocks.findIndex((b) => b["type"] !== "tool_result");
      if (firstOther >= 0 && firstOther < results.length) fail(path, "`tool_result` blocks must come first in the content, before any other block");
      const missing = prevToolUses.filter((id) => !results.includes(id));
      if (missing.length) fail(path, `\`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
      const unexpected = results.filter((id) => !prevToolUses.includes(id));
      if (unexpected.length) fail(path, `unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(", ")}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      prevToolUses = [];
    } else {
      const firstOther = blocks.findIndex((b) => b["type"] !== "thinking" && b["type"] !== "redacted_thinking");
      const lastThinking = blocks.map((b) => b["type"]).findLastIndex((t) => t === "thinking" || t === "redacted_thinking");
      if (firstOther >= 0 && lastThinking > firstOther) fail(path, "thinking blocks must come before the other blocks of an assistant message");
      prevToolUses = blocks.filter((b) => b["type"] === "tool_use").map((b) => String(b["id"]));
    }
  });
}

function checkSystem(system: unknown, count: { n: number }): void {
  if (system === undefined || typeof system === "string") return;
  if (!Array.isArray(system)) fail("system", "Input should be a valid string or list");
  system.forEach((b: unknown, j) => {
    if (!isObj(b) || b["type"] !== "text") fail(`system.${j}.type`, "Input should be 'text'");
    checkText(b, `system.${j}`);
    checkCacheControl(b["cache_control"], `system.${j}`, count);
  });
}

function checkTools(body: Obj, count: { n: number }, betas: readonly string[]): void {
  const tools = body["tools"];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) fail("tools", "Input should be a valid list");
    tools.forEach((t: unknown, i) => {
      if (!isObj(t)) fail(`tools.${i}`, "Input should be an object");
      checkCacheControl(t["cache_control"], `tools.${i}`, count);
      if (isClientTool(t)) {
        const bad = checkClientTool(t, `tools.${i}`, betas);
        if (bad) throw new Invalid(bad);
        return;
      }
      if (t["type"] !== undefined && t["type"] !== "custom") return; // a server tool
      if (typeof t["name"] !== "string" || !TOOL_NAME.test(t["name"])) fail(`tools.${i}.name`, "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
      const schema = t["input_schema"];
      if (!isObj(schema) || schema["type"] !== "object") fail(`tools.${i}.input_schema.type`, "Input should be 'object'");
    });
  }
  const choice = body["tool_choice"];
  if (choice === undefined) return;
  if (!isObj(choice)) fail("tool_choice", "Input should be an object");
  const type = choice["type"];
  if (type !== "auto" && type !== "any" && type !== "none" && type !== "tool") fail("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
  if (type === "tool" && typeof choice["name"] !== "string") fail("tool_choice.name", "Field required");
  if (type === "none" && choice["disable_parallel_tool_use"] !== undefined) fail("tool_choice.disable_parallel_tool_use", "Extra inputs are not permitted");
}

function checkSampling(body: Obj): void {
  for (const [k, lo, hi] of [["temperature", 0, 1], ["top_p", 0, 1]] as const) {
    const v = body[k];
    if (v !== undefined && (typeof v !== "number" || v < lo || v > hi)) fail(k, `Input should be between ${lo} and ${hi}`);
  }
  const k = body["top_k"];
  if (k !== undefined && (typeof k !== "number" || !Number.isInteger(k) || k < 0)) fail("top_k", "Input should be a non-negative integer");
  const stop = body["stop_sequences"];
  if (stop !== undefined && (!Array.isArray(stop) || !stop.every((s) => typeof s === "string"))) fail("stop_sequences", "Input should be a list of strings");
  const t = body["thinking"];
  if (t === undefined || (isObj(t) && t["type"] === "disabled")) return;
  if (!isObj(t) || t["type"] !== "enabled") fail("thinking.type", "Input should be 'enabled' or 'disabled'");
  const budget = t["budget_tokens"];
  if (typeof budget !== "number" || !Number.isInteger(budget) || budget < 1024) fail("thinking.budget_tokens", "Input should be greater than or equal to 1024");
  if (budget >= (body["max_tokens"] as number)) fail("max_tokens", "`max_tokens` must be greater than `thinking.budget_tokens`");
  if (body["temperature"] !== undefined && body["temperature"] !== 1) fail("temperature", "may only be set to 1 when thinking is enabled");
  if (body["top_k"] !== undefined) fail("top_k", "may not be set when thinking is enabled");
  if (typeof body["top_p"] === "number" && body["top_p"] < 0.95) fail("top_p", "may only be set between 0.95 and 1 when thinking is enabled");
  const choice = body["tool_choice"];
  if (isObj(choice) && (choice["type"] === "any" || choice["type"] === "tool")) fail("tool_choice", "Thinking may not be enabled when tool_choice forces tool use.");
}

function checkOutputConfig(body: Obj): void {
  const oc = body["output_config"];
  if (oc === undefined) return;
  if (!isObj(oc)) fail("output_config", "Input should be an object");
  const f = oc["format"];
  if (f === undefined || f === null) return;
  if (!isObj(f) || f["type"] !== "json_schema") fail("output_config.format.type", "Input should be 'json_schema'");
  if (!isObj(f["schema"])) fail("output_config.format.schema", "Field required");
}

/** The error message for a request the Messages API would refuse, or undefined when it is fine. */
export function validateRequest(body: unknown, betas: readonly string[] = []): string | undefined {
  try {
    if (!isObj(body)) fail("body", "Input should be a JSON object");
    for (const k of Object.keys(body)) if (!TOP_LEVEL.has(k)) fail(k, "Extra inputs are not permitted");
    if (typeof body["model"] !== "string" || body["model"] === "") fail("model", "Field required");
    const max = body["max_tokens"];
    if (max === undefined) fail("max_tokens", "Field required");
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1) fail("max_tokens", "Input should be a positive integer");
    const count = { n: 0 };
    checkCacheControl(body["cache_control"], "body", count);
    checkSystem(body["system"], count);
    checkMessages(body["messages"], count);
    checkTools(body, count, betas);
    checkSampling(body);
    checkOutputConfig(body);
    const md = body["metadata"];
    if (md !== undefined) {
      if (!isObj(md)) fail("metadata", "Input should be an object");
      for (const k of Object.keys(md)) if (k !== "user_id") fail(`metadata.${k}`, "Extra inputs are not permitted");
    }
    if (count.n > 4) fail("body", `A maximum of 4 blocks with cache_control may be provided. Found ${count.n}.`);
    return undefined;
  } catch (err) {
    if (err instanceof Invalid) return err.message;
    throw err;
  }
}
