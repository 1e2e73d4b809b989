/**
 * A mock of Cohere's v2 API driven by neutral `MockReply`s: `POST /v2/chat` (JSON, or SSE
 * with `stream: true`) and `POST /v2/embed`, bearer auth, Cohere's `{id, message}` errors.
 *
 * Rendering, as Cohere does it:
 * - text → `message.content:[{type:"text"}]`; in a stream `content-start` /
 *   `content-delta` pieces / `content-end`;
 * - reasoning → `{type:"thinking", thinking}` items (before the text). Cohere's thinking
 *   has no signature and no redacted form: signatures are not sent, redacted items are
 *   left out;
 * - tool calls → `message.tool_calls` with a `tool_plan`; in a stream `tool-plan-delta`
 *   pieces, then per call `tool-call-start` / `tool-call-delta` argument pieces /
 *   `tool-call-end`;
 * - finish: stop → COMPLETE, length → MAX_TOKENS, tool_calls → TOOL_CALL. Cohere v2 has
 *   no content-filter finish; `content_filter` is sent as `ERROR_TOXIC`, the value the
 *   v1 API used for blocked output. `rawFinish` is sent verbatim;
 * - usage → `usage:{billed_units, tokens, cached_tokens?}` (both counters equal);
 * - a stream ends with `message-end` and `data: [DONE]`;
 * - `midStreamError` → after the first content, `message-end` with `finish_reason:
 *   "ERROR"` and `delta.error` (Cohere's in-stream failure report), then the end;
 * - `truncate` → after the first content, the body ends without `message-end`.
 * Like Cohere it refuses a role other than system/user/assistant/tool (400).
 */
import type { ServerResponse } from "node:http";
import { sendJson, startMockServer, tick, type MockServer } from "../mock-server.js";
import { DEFAULT_USAGE, finishOf, splitPieces, type MockReply, type MockUsage } from "../scenario.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

export interface MockCohereOptions {
  /** When set, only this bearer token is accepted; otherwise any non-empty one. */
  apiKey?: string;
}

const FINISH: Record<string, string> = { stop: "COMPLETE", length: "MAX_TOKENS", tool_calls: "TOOL_CALL", content_filter: "ERROR_TOXIC" };

function finishValue(r: MockReply): string {
  return r.rawFinish ?? FINISH[finishOf(r)] ?? "COMPLETE";
}

function usageJson(u: MockUsage = DEFAULT_USAGE): Obj {
  const counts = { input_tokens: u.prompt, output_tokens: u.completion };
  const out: Obj = { billed_units: { ...counts }, tokens: { ...counts } };
  if (u.cached !== undefined) out["cached_tokens"] = u.cached;
  return out;
}

function toolPlan(r: MockReply): string {
  return `I will call ${(r.toolCalls ?? []).map((c) => c.name).join(" and ")}.`;
}

function thinkingTexts(r: MockReply): string[] {
  return (r.reasoning ?? []).flatMap((x) => ("text" in x ? [x.text] : []));
}

function errorBody(res: ServerResponse, status: number, message: string, retryAfter?: string): void {
  sendJson(res, status, { id: "mock-error-id", message }, retryAfter ? { "retry-after": retryAfter } : {});
}

/** What Cohere would refuse in a chat body; undefined when it is acceptable. */
function chatProblem(body: Obj): string | undefined {
  if (typeof body["model"] !== "string" || !body["model"]) return "invalid request: model must be a non-empty string";
  const messages = body["messages"];
  if (!Array.isArray(messages) || messages.length === 0) return "invalid request: messages must be a non-empty list";
  for (const [i, m] of messages.entries()) {
    const role = obj(m)["role"];
    if (role !== "system" && role !== "user" && role !== "assistant" && role !== "tool") {
      return `invalid request: messages[${i}].role must be one of system, user, assistant, tool; received ${JSON.stringify(role)}`;
    }
    if (role === "tool" && typeof obj(m)["tool_call_id"] !== "string") return `invalid request: messages[${i}].tool_call_id is required`;
  }
  return undefined;
}

function chatJson(r: MockReply): Obj {
  const content: Obj[] = thinkingTexts(r).map((thinking) => ({ type: "thinking", thinking }));
  if (r.text) content.push({ type: "text", text: r.text });
  const message: Obj = { role: "assistant" };
  if (content.length) message["content"] = content;
  if (r.toolCalls?.length) {
    message["tool_plan"] = toolPlan(r);
    message["tool_calls"] = r.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
  }
  return { id: "mock-cohere-id", finish_reason: finishValue(r), message, usage: usageJson(r.usage) };
}

async function streamChat(res: ServerResponse, r: MockReply): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = async (type: string, data: Obj) => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    await tick();
  };
  const n = r.pieces ?? 3;
  let contentSent = false;
  // After the first content: the scripted failure, if any. True when the stream is over.
  const afterContent = async (): Promise<boolean> => {
    if (contentSent) return false;
    contentSent = true;
    if (r.midStreamError) {
      await send("message-end", { delta: { error: r.midStreamError.message, finish_reason: "ERROR", usage: usageJson(r.usage) } });
      res.end();
      return true;
    }
    if (r.truncate) {
      res.end();
      return true;
    }
    return false;
  };
  await send("message-start", { id: "mock-cohere-id", delta: { message: { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] } } });
  let index = 0;
  for (const thinking of thinkingTexts(r)) {
    await send("content-start", { index, delta: { message: { content: { type: "thinking", thinking: "" } } } });
    for (const piece of splitPieces(thinking, n)) {
      await send("content-delta", { index, delta: { message: { content: { thinking: piece } } } });
      if (await afterContent()) return;
    }
    await send("content-end", { index });
    index++;
  }
  if (r.text) {
    await send("content-start", { index, delta: { message: { content: { type: "text", text: "" } } } });
    for (const piece of splitPieces(r.text, n)) {
      await send("content-delta", { index, delta: { message: { content: { text: piece } } } });
      if (await afterContent()) return;
    }
    await send("content-end", { index });
  }
  if (r.toolCalls?.length) {
    for (const piece of splitPieces(toolPlan(r), n)) await send("tool-plan-delta", { delta: { message: { tool_plan: piece } } });
    for (const [i, c] of r.toolCalls.entries()) {
      await send("tool-call-start", { index: i, delta: { message: { tool_calls: { id: c.id, type: "function", function: { name: c.name, arguments: "" } } } } });
      for (const piece of splitPieces(JSON.stringify(c.arguments), n)) {
        await send("tool-call-delta", { index: i, delta: { message: { tool_calls: { function: { arguments: piece } } } } });
      }
      await send("tool-call-end", { index: i });
      if (await afterContent()) return;
    }
  }
  await send("message-end", { delta: { finish_reason: finishValue(r), usage: usageJson(r.usage) } });
  res.end("data: [DONE]\n\n");
}

/** A deterministic vector of `dims` numbers for a text. */
function vectorOf(text: string, dims: number): number[] {
  const v = Array.from({ length: dims }, (_, i) => (((text.charCodeAt(i % Math.max(1, text.length)) || 1) * (i + 1)) % 97) + 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function answerEmbed(res: ServerResponse, body: Obj, r: MockReply): void {
  if (typeof body["model"] !== "string" || !body["model"]) return errorBody(res, 400, "invalid request: model must be a non-empty string");
  const texts = body["texts"];
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === "string")) {
    return errorBody(res, 400, "invalid request: texts must be a non-empty list of strings");
  }
  if (typeof body["input_type"] !== "string") return errorBody(res, 400, "invalid request: input_type is required for embed models v3 and higher");
  const dims = typeof body["output_dimension"] === "number" ? body["output_dimension"] : 8;
  const input = r.usage?.prompt ?? texts.reduce((n: number, t: string) => n + Math.max(1, Math.ceil(t.length / 4)), 0);
  sendJson(res, 200, {
    id: "mock-embed-id",
    texts,
    embeddings: { float: texts.map((t: string) => vectorOf(t, dims)) },
    meta: { api_version: { version: "2" }, billed_units: { input_tokens: input } },
    response_type: "embeddings_by_type",
  });
}

/** Starts the mock on a loopback port. */
export async function startMockCohere(opts: MockCohereOptions = {}): Promise<MockServer> {
  return startMockServer(async ({ req, res, reply }) => {
    const auth = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ""));
    if (!auth || (opts.apiKey !== undefined && auth[1] !== opts.apiKey)) return errorBody(res, 401, "invalid api token");
    if (req.method !== "POST" || (req.path !== "/v2/chat" && req.path !== "/v2/embed")) {
      return errorBody(res, 404, `no route for ${req.method} ${req.path}`);
    }
    const body = obj(req.json);
    if (req.json === undefined) return errorBody(res, 400, "invalid request: the body must be JSON");
    if (req.path === "/v2/chat") {
      const problem = chatProblem(body);
      if (problem) return errorBody(res, 400, problem);
    }
    const r = reply();
    if (r.error) return errorBody(res, r.error.status, r.error.message, r.error.retryAfter);
    if (req.path === "/v2/embed") return answerEmbed(res, body, r);
    if (body["stream"] === true) return streamChat(res, r);
    sendJson(res, 200, chatJson(r));
  });
}
