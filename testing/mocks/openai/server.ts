/**
 * An OpenAI-wire mock driven by neutral `MockReply`s, for the conformance suite's
 * OpenAI-shaped providers (openai, Azure, custom, ai21labs, databricks-model-serving).
 * It answers `…/chat/completions`, `…/completions`, `…/embeddings` under any prefix, and
 * Databricks' `…/serving-endpoints/{name}/invocations` (the task read from the body).
 *
 * On the Databricks route it speaks the Databricks flavour: reasoning comes back as
 * content blocks (`[{type:"reasoning",summary:[…]},{type:"text",text}]`, in a stream as
 * content lists) and usage is always reported. On the OpenAI routes reasoning is not
 * shown (OpenAI only counts it) and a stream reports usage when asked.
 *
 * (`testing/mock-openai/` is the older, behaviour-by-model-name mock used by the
 * foundation tests and the benchmark.)
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson, startMockServer, tick, type MockServer, type RecordedRequest } from "../mock-server.js";
import { finishOf, splitPieces, type MockReply } from "../scenario.js";

type Op = "chat" | "completions" | "embeddings";

function opOf(req: RecordedRequest): { op: Op; databricks: boolean } | undefined {
  const p = req.path;
  if (p.endsWith("/chat/completions")) return { op: "chat", databricks: false };
  if (p.endsWith("/completions")) return { op: "completions", databricks: false };
  if (p.endsWith("/embeddings")) return { op: "embeddings", databricks: false };
  if (p.endsWith("/invocations")) {
    const b = (req.json ?? {}) as Record<string, unknown>;
    const op: Op = "messages" in b ? "chat" : "prompt" in b ? "completions" : "embeddings";
    return { op, databricks: true };
  }
  return undefined;
}

function usageJson(r: MockReply): Record<string, unknown> {
  const u = r.usage ?? { prompt: 11, completion: 7 };
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion,
    prompt_tokens_details: { cached_tokens: u.cached ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
  };
}

function finishValue(r: MockReply): string {
  return r.rawFinish ?? finishOf(r);
}

function reasoningBlocks(r: MockReply): Array<Record<string, unknown>> {
  return (r.reasoning ?? []).map((x) => ({
    type: "reasoning",
    summary: ["redacted" in x ? { type: "summary_encrypted_text", data: x.redacted } : { type: "summary_text", text: x.text, signature: x.signature }],
  }));
}

function chatMessage(r: MockReply, databricks: boolean): Record<string, unknown> {
  const text = r.text ?? "";
  const blocks = databricks ? reasoningBlocks(r) : [];
  let content: unknown = text;
  if (blocks.length) content = [...blocks, { type: "text", text }];
  else if (!text && r.toolCalls?.length) content = null;
  const msg: Record<string, unknown> = { role: "assistant", content, refusal: null };
  if (r.toolCalls?.length) {
    msg["tool_calls"] = r.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
  }
  return msg;
}

function sendError(res: ServerResponse, e: NonNullable<MockReply["error"]>): void {
  const type = e.type ?? (e.status === 429 ? "rate_limit_exceeded" : e.status >= 500 ? "server_error" : "invalid_request_error");
  sendJson(res, e.status, { error: { message: e.message, type, param: null, code: e.type ?? null } }, e.retryAfter ? { "retry-after": e.retryAfter } : {});
}

const BASE = { id: "chatcmpl-mock", created: 1_700_000_000, model: "mock-model" };

/** A unit vector derived from the text's hash: equal texts, equal vectors. */
function embeddingOf(text: string): number[] {
  const h = createHash("sha256").update(text).digest();
  const v = Array.from({ length: 8 }, (_, i) => (h[i] as number) / 127.5 - 1);
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function encoded(v: number[], format: unknown): number[] | string {
  return format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v;
}

function answerEmbeddings(res: ServerResponse, body: Record<string, unknown>, r: MockReply): void {
  const input = body["input"];
  const texts = typeof input === "string" ? [input] : Array.isArray(input) ? input.map((x) => String(x)) : [];
  const prompt = r.usage?.prompt ?? texts.reduce((n, t) => n + Math.max(1, Math.ceil(t.length / 4)), 0);
  sendJson(res, 200, {
    object: "list",
    data: texts.map((t, index) => ({ object: "embedding", index, embedding: encoded(embeddingOf(t), body["encoding_format"]) })),
    model: "mock-embedding",
    usage: { prompt_tokens: prompt, total_tokens: prompt },
  });
}

async function streamChat(res: ServerResponse, r: MockReply, databricks: boolean, withUsage: boolean): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = async (delta: Record<string, unknown>, finish: string | null = null) => {
    res.write(`data: ${JSON.stringify({ ...BASE, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`);
    await (r.pieceDelayMs ? new Promise((ok) => setTimeout(ok, r.pieceDelayMs)) : tick());
  };
  const n = r.pieces ?? 3;
  await send({ role: "assistant", content: "" });
  let sentContent = false;
  const afterContent = async (): Promise<boolean> => {
    if (sentContent) return false;
    sentContent = true;
    if (r.midStreamError) {
      res.write(`data: ${JSON.stringify({ error: { message: r.midStreamError.message, type: r.midStreamError.type ?? "server_error", code: null } })}\n\n`);
      res.end();
      return true;
    }
    if (r.truncate) {
      res.end();
      return true;
    }
    return false;
  };
  if (databricks) {
    for (const x of r.reasoning ?? []) {
      if ("redacted" in x) await send({ content: [{ type: "reasoning", summary: [{ type: "summary_encrypted_text", data: x.redacted }] }] });
      else {
        for (const piece of splitPieces(x.text, n)) await send({ content: [{ type: "reasoning", summary: [{ type: "summary_text", text: piece }] }] });
        await send({ content: [{ type: "reasoning", summary: [{ type: "summary_text", text: "", signature: x.signature }] }] });
      }
    }
  }
  for (const piece of splitPieces(r.text ?? "", n)) {
    await send({ content: piece });
    if (await afterContent()) return;
  }
  for (const [index, c] of (r.toolCalls ?? []).entries()) {
    await send({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] });
    for (const piece of splitPieces(JSON.stringify(c.arguments), n)) await send({ tool_calls: [{ index, function: { arguments: piece } }] });
    if (await afterContent()) return;
  }
  await send({}, finishValue(r));
  if (withUsage) res.write(`data: ${JSON.stringify({ ...BASE, object: "chat.completion.chunk", choices: [], usage: usageJson(r) })}\n\n`);
  res.end("data: [DONE]\n\n");
}

async function streamCompletion(res: ServerResponse, r: MockReply, withUsage: boolean): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream" });
  const chunk = (text: string, finish: string | null) => ({ ...BASE, object: "text_completion", choices: [{ index: 0, text, finish_reason: finish, logprobs: null }] });
  let first = true;
  for (const piece of splitPieces(r.text ?? "", r.pieces ?? 3)) {
    res.write(`data: ${JSON.stringify(chunk(piece, null))}\n\n`);
    await tick();
    if (first && (r.truncate || r.midStreamError)) {
      if (r.midStreamError) res.write(`data: ${JSON.stringify({ error: { message: r.midStreamError.message, type: "server_error" } })}\n\n`);
      res.end();
      return;
    }
    first = false;
  }
  res.write(`data: ${JSON.stringify(chunk("", finishValue(r)))}\n\n`);
  if (withUsage) res.write(`data: ${JSON.stringify({ ...BASE, object: "text_completion", choices: [], usage: usageJson(r) })}\n\n`);
  res.end("data: [DONE]\n\n");
}

/** Starts the mock. Any bearer token or `api-key` is accepted; none at all is a 401. */
export async function startMockOpenAIWire(): Promise<MockServer> {
  return startMockServer(async ({ req, res, reply }) => {
    const route = opOf(req);
    if (req.method !== "POST" || !route) return sendJson(res, 404, { error: { message: `No route ${req.method} ${req.path}`, type: "invalid_request_error" } });
    if (!req.headers.authorization && !req.headers["api-key"]) {
      return sendJson(res, 401, { error: { message: "You didn't provide an API key.", type: "invalid_request_error", code: null } });
    }
    const body = (req.json ?? {}) as Record<string, unknown>;
    const r = reply();
    if (r.error) return sendError(res, r.error);
    const stream = body["stream"] === true;
    const so = body["stream_options"] as { include_usage?: boolean } | undefined;
    const withUsage = route.databricks || so?.include_usage === true;
    switch (route.op) {
      case "embeddings":
        return answerEmbeddings(res, body, r);
      case "completions":
        if (stream) return streamCompletion(res, r, withUsage);
        return sendJson(res, 200, {
          ...BASE,
          object: "text_completion",
          choices: [{ index: 0, text: r.text ?? "", finish_reason: finishValue(r), logprobs: null }],
          usage: usageJson(r),
        });
      case "chat":
        if (stream) return streamChat(res, r, route.databricks, withUsage);
        return sendJson(res, 200, {
          ...BASE,
          object: "chat.completion",
          choices: [{ index: 0, message: chatMessage(r, route.databricks), finish_reason: finishValue(r), logprobs: null }],
          usage: usageJson(r),
        });
    }
  });
}
