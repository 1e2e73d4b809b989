/**
 * A mock of the Anthropic Messages API (`POST /v1/messages`) for tests: it checks auth
 * and the request the way Anthropic does (validate.ts), then renders the next scripted
 * `MockReply` as a message or as an SSE stream (render.ts), with `ping` events in it,
 * errors as Anthropic error bodies (529 `overloaded_error` included), a mid-stream
 * `event: error`, or a body cut off after the first content.
 *
 * Auth: `x-api-key`, or `Authorization: Bearer` as the newest SDKs send; without either,
 * or with a key other than `apiKey` (when given), a 401 `authentication_error`. The
 * `anthropic-version` header is required, as by the API.
 */
import type { ServerResponse } from "node:http";
import { sendJson, startMockServer, tick, type MockServer, type RecordedRequest } from "../mock-server.js";
import type { MockError } from "../scenario.js";
import { errorBody, errorTypeOf, messageOf, sseFrame, streamOf } from "./render.js";
import { validateRequest } from "./validate.js";

export interface MockAnthropicOptions {
  /** The only key accepted; any non-empty key when absent. */
  apiKey?: string;
}

let counter = 0;
const nextId = (prefix: string): string => `${prefix}${Date.now().toString(36)}${(++counter).toString(36).padStart(6, "0")}`;

function sendError(res: ServerResponse, status: number, type: string, message: string, retryAfter?: string): void {
  const requestId = nextId("req_mock");
  sendJson(res, status, errorBody(type, message, requestId), { "request-id": requestId, ...(retryAfter ? { "retry-after": retryAfter } : {}) });
}

function sendMockError(res: ServerResponse, e: MockError): void {
  sendError(res, e.status, errorTypeOf(e), e.message, e.retryAfter);
}

function header(req: RecordedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function keyOf(req: RecordedRequest): string | undefined {
  const key = header(req, "x-api-key");
  if (key) return key;
  const auth = header(req, "authorization");
  return auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
}

async function writeStream(res: ServerResponse, frames: string[]): Promise<void> {
  for (const f of frames) {
    if (res.destroyed) return;
    res.write(f);
    await tick();
  }
}

/**
 * Starts the mock on a loopback port.
 *
 * @example
 *   const mock = await startMockAnthropic({ apiKey: "sk-ant-test" });
 *   mock.enqueue({ text: "Hi", usage: { prompt: 10, completion: 2, cached: 4 } });
 *   // POST `${mock.url}/v1/messages` …
 */
export function startMockAnthropic(opts: MockAnthropicOptions = {}): Promise<MockServer> {
  return startMockServer(async ({ req, res, reply }) => {
    if (req.method !== "POST" || req.path !== "/v1/messages") return sendError(res, 404, "not_found_error", "Not found");
    const key = keyOf(req);
    if (!key) return sendError(res, 401, "authentication_error", "x-api-key header is required");
    if (opts.apiKey !== undefined && key !== opts.apiKey) return sendError(res, 401, "authentication_error", "invalid x-api-key");
    if (!header(req, "anthropic-version")) return sendError(res, 400, "invalid_request_error", "anthropic-version: header is required");
    // One scripted reply per model call, taken even when the request is refused, so a
    // test's queue stays in step with its calls.
    const r = reply();
    const betas = (header(req, "anthropic-beta") ?? "").split(",").map((b) => b.trim()).filter(Boolean);
    const invalid = validateRequest(req.json, betas);
    if (invalid) return sendError(res, 400, "invalid_request_error", invalid);
    if (r.error) return sendMockError(res, r.error);
    const body = req.json as Record<string, unknown>;
    const model = String(body["model"]);
    const id = nextId("msg_mock");
    if (body["stream"] !== true) return sendJson(res, 200, messageOf(r, id, model), { "request-id": nextId("req_mock") });

    const { events, cutAfter } = streamOf(r, id, model);
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "request-id": nextId("req_mock") });
    if (r.midStreamError || r.truncate) {
      await writeStream(res, events.slice(0, cutAfter + 1).map(sseFrame));
      const e = r.midStreamError;
      if (e) await writeStream(res, [sseFrame({ event: "error", data: { type: "error", error: { type: errorTypeOf(e), message: e.message } } })]);
    } else {
      await writeStream(res, events.map(sseFrame));
    }
    res.end();
  });
}
