/**
 * An OpenAI-wire mock whose answer follows from the request, for batch tests where calls
 * arrive concurrently in any order (a scripted queue cannot say which row gets which
 * answer): chat echoes the last user message (`FAIL…` → a 400, `SLOW…` → no answer
 * until the client goes away, a `response_format` → a JSON object), completions echo the
 * prompt, embeddings give a vector derived from the text.
 */
import type { ServerResponse } from "node:http";
import { sendJson, startMockServer, type MockServer } from "../mock-server.js";

type Body = Record<string, unknown>;

function lastUserText(body: Body): string {
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as Array<{ role?: string; content?: unknown }>) : [];
  const m = [...messages].reverse().find((x) => x.role === "user");
  return typeof m?.content === "string" ? m.content : "";
}

function chatAnswer(text: string, body: Body): string {
  if (body["response_format"]) return JSON.stringify({ sentiment: /good|great|love/i.test(text) ? "positive" : "negative", score: 0.9 });
  return `echo: ${text}`;
}

const USAGE = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };

function answer(res: ServerResponse, path: string, body: Body): void {
  if (path.endsWith("/embeddings")) {
    const input = String(body["input"] ?? "");
    const v = [input.length % 7, 1, 0.5, -0.5];
    sendJson(res, 200, { object: "list", model: "echo", data: [{ object: "embedding", index: 0, embedding: v }], usage: { prompt_tokens: 2, total_tokens: 2 } });
    return;
  }
  if (path.endsWith("/chat/completions")) {
    const text = lastUserText(body);
    if (text.startsWith("FAIL")) {
      sendJson(res, 400, { error: { message: `the mock refuses '${text}'`, type: "invalid_request_error", param: null, code: null } });
      return;
    }
    const content = chatAnswer(text, body);
    sendJson(res, 200, { id: "chatcmpl-echo", object: "chat.completion", created: 1_700_000_000, model: "echo", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage: USAGE });
    return;
  }
  if (path.endsWith("/completions")) {
    sendJson(res, 200, { id: "cmpl-echo", object: "text_completion", created: 1_700_000_000, model: "echo", choices: [{ index: 0, text: `completed: ${String(body["prompt"])}`, finish_reason: "stop" }], usage: USAGE });
    return;
  }
  sendJson(res, 404, { error: { message: `no route ${path}`, type: "invalid_request_error" } });
}

/** Starts the echo mock on loopback; `latencyMs` delays every answer. */
export async function startEchoMock(opts: { latencyMs?: number } = {}): Promise<MockServer> {
  return startMockServer(async ({ req, res }) => {
    const body = (req.json ?? {}) as Body;
    if (lastUserText(body).startsWith("SLOW")) return; // never answers; the client's abort closes it
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    answer(res, req.path, body);
  });
}
