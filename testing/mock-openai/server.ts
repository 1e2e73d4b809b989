// A mock OpenAI-compatible upstream for tests and benchmarks.
//
// Plain `node:http`, no framework: the benchmark drives it hard, so the default
// reply paths are built from precomputed JSON fragments by string concatenation.
//
// Routes are matched by path suffix, so any prefix works (`/v1/...`, `/...`,
// Azure `/openai/deployments/<dep>/...`, `/studio/v1/...`), plus Databricks
// `/serving-endpoints/<name>/invocations`.
//
// Behaviour switches come from the request's `model` string, or from the
// `x-mock-behavior` header, which overrides it. Several may be combined with
// commas, e.g. `slow-50,midstream-error`; a `provider/` prefix is ignored.
//   error-<status>   reply <status> (400..599) with an OpenAI error body
//   slow-<ms>        wait <ms> before the headers, and between stream chunks
//   midstream-error  stream: two content chunks, then `data: {"error":...}`, end
//   truncated        stream: two content chunks, then end (no finish, no [DONE])
//   hang-stream      stream: first chunk, then silence until the client leaves
//                    (non-streaming: no reply at all until the client leaves)

import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string without the leading `?` ("" when absent). */
  query: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body; `undefined` when empty; the raw text when it is not valid JSON. */
  body: unknown;
}

export interface MockOpenAI {
  /** e.g. http://127.0.0.1:PORT (no trailing slash, no /v1). */
  url: string;
  port: number;
  /** Every request received (when recording is on). Cleared in place by reset(). */
  requests: RecordedRequest[];
  /** Requests whose connection closed before the response was finished. */
  disconnects: number;
  /** Clears `requests` (in place) and `disconnects`. */
  reset(): void;
  /** Resolves once `disconnects >= count`; rejects after `timeoutMs`. */
  waitForDisconnects(count?: number, timeoutMs?: number): Promise<void>;
  /** Stops listening and drops every open connection (including hanging streams). */
  close(): Promise<void>;
}

export interface MockOpenAIOptions {
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Record every request into `requests`. Default true. */
  record?: boolean;
}

/** The assistant text every chat/completions reply carries. */
export const MOCK_CONTENT = "Hello from the mock.";
/** Model reported when the request names none, and the only entry of GET /models. */
export const MOCK_MODEL = "mock-model";
/** Default embedding dimensionality (override with the request's `dimensions`). */
export const MOCK_EMBEDDING_DIMS = 8;
/** The `location` argument of the first and second mock tool call. */
export const MOCK_TOOL_LOCATIONS = ["Paris", "London"] as const;
/** Message of the `midstream-error` event. */
export const MOCK_MIDSTREAM_ERROR_MESSAGE = "Mock mid-stream failure";

// ---------------------------------------------------------------------------
// Precomputed fragments

/** Word deltas: "Hello", " from", " the", " mock." */
const PIECES: readonly string[] = MOCK_CONTENT.split(/(?=\s)/);
const PIECES_JSON: readonly string[] = PIECES.map((p) => JSON.stringify(p));
const MODELS_CREATED = 1_700_000_000;
const MODEL_JSON = JSON.stringify(MOCK_MODEL);
const MODELS_LIST_BODY = JSON.stringify({
  object: "list",
  data: [{ id: MOCK_MODEL, object: "model", created: MODELS_CREATED, owned_by: "mock" }],
});
const DONE_EVENT = "data: [DONE]\n\n";
const MIDSTREAM_ERROR_EVENT = `data: ${JSON.stringify({
  error: { message: MOCK_MIDSTREAM_ERROR_MESSAGE, type: "server_error" },
})}\n\n`;
const USAGE_DETAILS = `,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}`;
const MAX_N = 128;
const TOOL_CALL_TOKENS = 12;

const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";
const JSON_CONTENT_TYPE = "application/json";

/** Small unbounded-key caches are capped so a hostile client cannot grow them forever. */
const CACHE_LIMIT = 1024;
const fragmentCache = new Map<string, string>();
function cached(key: string, build: () => string): string {
  let value = fragmentCache.get(key);
  if (value === undefined) {
    value = build();
    if (fragmentCache.size >= CACHE_LIMIT) fragmentCache.clear();
    fragmentCache.set(key, value);
  }
  return value;
}

// ---------------------------------------------------------------------------
// Behaviour switches

type StreamMode = "normal" | "midstream-error" | "truncated" | "hang-stream";

interface Behaviour {
  readonly errorStatus: number; // 0 = none
  readonly slowMs: number; // 0 = none
  readonly stream: StreamMode;
}

const NORMAL: Behaviour = Object.freeze({ errorStatus: 0, slowMs: 0, stream: "normal" });
const behaviourCache = new Map<string, Behaviour>();

function parseBehaviour(source: string): Behaviour {
  if (source === "" || source === MOCK_MODEL) return NORMAL;
  const hit = behaviourCache.get(source);
  if (hit !== undefined) return hit;
  let errorStatus = 0;
  let slowMs = 0;
  let stream: StreamMode = "normal";
  for (const raw of source.split(",")) {
    let token = raw.trim().toLowerCase();
    token = token.slice(token.lastIndexOf("/") + 1);
    let m: RegExpExecArray | null;
    if ((m = /^error-(\d{3})$/.exec(token)) !== null) {
      const status = Number(m[1]);
      if (status >= 400 && status <= 599) errorStatus = status;
    } else if ((m = /^slow-(\d{1,7})$/.exec(token)) !== null) {
      slowMs = Number(m[1]);
    } else if (token === "midstream-error" || token === "truncated" || token === "hang-stream") {
      stream = token;
    }
  }
  const result: Behaviour =
    errorStatus === 0 && slowMs === 0 && stream === "normal" ? NORMAL : Object.freeze({ errorStatus, slowMs, stream });
  if (behaviourCache.size >= CACHE_LIMIT) behaviourCache.clear();
  behaviourCache.set(source, result);
  return result;
}

// ---------------------------------------------------------------------------
// Small helpers

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function copyHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(h)) {
    const v = h[key];
    if (v === undefined) continue;
    out[key] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

function chatPromptTokens(messages: readonly unknown[]): number {
  let tokens = 3;
  for (const m of messages) {
    tokens += 4;
    if (!isRecord(m)) continue;
    const content = m["content"];
    if (typeof content === "string") {
      tokens += estimateTokens(content);
    } else if (Array.isArray(content)) {
      for (const part of content) {
        if (isRecord(part) && typeof part["text"] === "string") tokens += estimateTokens(part["text"]);
      }
    }
  }
  return tokens;
}

function completionPromptTokens(prompt: unknown): number {
  if (typeof prompt === "string") return Math.max(1, estimateTokens(prompt));
  if (!Array.isArray(prompt)) return 1;
  let tokens = 0;
  for (const p of prompt) {
    if (typeof p === "string") tokens += estimateTokens(p);
    else if (typeof p === "number") tokens += 1;
    else if (Array.isArray(p)) tokens += p.length;
  }
  return Math.max(1, tokens);
}

function usageJson(prompt: number, completion: number, details: boolean): string {
  return `{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion}${
    details ? USAGE_DETAILS : "}"
  }`;
}

/** A positive integer below the number of pieces truncates the reply (finish_reason "length"). */
function pieceLimit(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value > 0 && value < PIECES.length) return value;
  return PIECES.length;
}

interface ErrorSpec {
  status: number;
  message: string;
  type: string;
  param: string | null;
  code: string | null;
  headers?: Record<string, string>;
}

function errorBody(e: ErrorSpec): string {
  return JSON.stringify({ error: { message: e.message, type: e.type, param: e.param, code: e.code } });
}

function behaviourError(status: number, model: string): ErrorSpec {
  switch (status) {
    case 400:
      return { status, message: "Mock error 400", type: "invalid_request_error", param: null, code: "invalid_request_error" };
    case 401:
      return { status, message: "Mock error 401", type: "invalid_request_error", param: null, code: "invalid_api_key" };
    case 403:
      return { status, message: "Mock error 403", type: "invalid_request_error", param: null, code: "permission_denied" };
    case 404:
      return {
        status,
        message: `The model \`${model}\` does not exist`,
        type: "invalid_request_error",
        param: null,
        code: "model_not_found",
      };
    case 429:
      return {
        status,
        message: "Mock error 429",
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
        headers: { "retry-after": "7" },
      };
    case 500:
      return { status, message: "Mock error 500", type: "server_error", param: null, code: "server_error" };
    case 503:
      return { status, message: "Mock error 503", type: "server_error", param: null, code: "service_unavailable" };
    default:
      return status >= 500
        ? { status, message: `Mock error ${status}`, type: "server_error", param: null, code: "server_error" }
        : { status, message: `Mock error ${status}`, type: "invalid_request_error", param: null, code: "mock_error" };
  }
}

function badRequest(message: string, param: string | null, code: string | null = null): ErrorSpec {
  return { status: 400, message, type: "invalid_request_error", param, code };
}

const INVALID_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

// ---------------------------------------------------------------------------
// Routing

type RouteKind = "chat" | "completions" | "embeddings" | "models" | "model" | "invocations";

interface Route {
  kind: RouteKind;
  /** Model id (GET /models/<id>) or Databricks endpoint name (invocations). */
  name: string;
}

const INVOCATIONS_RE = /\/serving-endpoints\/([^/]+)\/invocations$/;
const MODEL_RE = /\/models\/([^/]+)$/;

function matchRoute(method: string, rawPath: string): Route | null {
  let path = rawPath;
  while (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  if (method === "POST") {
    if (path.endsWith("/chat/completions")) return { kind: "chat", name: "" };
    if (path.endsWith("/completions")) return { kind: "completions", name: "" };
    if (path.endsWith("/embeddings")) return { kind: "embeddings", name: "" };
    const m = INVOCATIONS_RE.exec(path);
    if (m !== null) return { kind: "invocations", name: safeDecode(m[1] ?? "") };
    return null;
  }
  if (method === "GET") {
    if (path.endsWith("/models")) return { kind: "models", name: "" };
    const m = MODEL_RE.exec(path);
    if (m !== null) return { kind: "model", name: safeDecode(m[1] ?? "") };
  }
  return null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------------------
// Per-request state

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  seq: number;
  requestId: string;
  closed: boolean;
}

/** Resolves true after `ms`, or false as soon as the client has gone. */
function sleep(ctx: Ctx, ms: number): Promise<boolean> {
  if (ctx.closed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      ctx.res.off("close", onClose);
      resolve(!ctx.closed);
    }, ms);
    ctx.res.once("close", onClose);
  });
}

function sendJson(ctx: Ctx, status: number, body: string, extra?: Record<string, string>): void {
  const headers: Record<string, string | number> = {
    "content-type": JSON_CONTENT_TYPE,
    "content-length": Buffer.byteLength(body),
    "x-request-id": ctx.requestId,
  };
  if (extra !== undefined) Object.assign(headers, extra);
  ctx.res.writeHead(status, headers);
  ctx.res.end(body);
}

function sendError(ctx: Ctx, e: ErrorSpec): void {
  sendJson(ctx, e.status, errorBody(e), e.headers);
}

/** SSE events split so that the failure behaviours can cut after the first content chunks. */
interface StreamEvents {
  head: string[];
  body: string[];
  tail: string[];
}

async function sendStream(ctx: Ctx, ev: StreamEvents, behaviour: Behaviour): Promise<void> {
  const { res } = ctx;
  let events: string[];
  let end = true;
  switch (behaviour.stream) {
    case "normal":
      events = ev.head.concat(ev.body, ev.tail);
      events.push(DONE_EVENT);
      break;
    case "midstream-error":
      events = ev.head.concat(ev.body.slice(0, 2));
      events.push(MIDSTREAM_ERROR_EVENT);
      break;
    case "truncated":
      events = ev.head.concat(ev.body.slice(0, 2));
      break;
    case "hang-stream": {
      const first = ev.head[0] ?? ev.body[0];
      events = first === undefined ? [] : [first];
      end = false;
      break;
    }
  }
  res.writeHead(200, {
    "content-type": SSE_CONTENT_TYPE,
    "cache-control": "no-cache",
    "x-request-id": ctx.requestId,
  });
  if (behaviour.slowMs === 0) {
    if (end) res.end(events.join(""));
    else res.write(events.join(""));
    return;
  }
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && !(await sleep(ctx, behaviour.slowMs))) return;
    res.write(events[i]);
  }
  if (end) res.end();
}

// ---------------------------------------------------------------------------
// The server

class MockOpenAIServer implements MockOpenAI {
  url = "";
  port = 0;
  readonly requests: RecordedRequest[] = [];
  disconnects = 0;
  private seq = 0;
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  readonly server: Server;

  constructor(private readonly record: boolean) {
    this.server = createServer({ noDelay: true, keepAlive: true }, (req, res) => this.onRequest(req, res));
  }

  reset(): void {
    this.requests.length = 0;
    this.disconnects = 0;
  }

  waitForDisconnects(count = 1, timeoutMs = 2000): Promise<void> {
    if (this.disconnects >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        count,
        resolve: (): void => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i !== -1) this.waiters.splice(i, 1);
        reject(new Error(`mock-openai: expected ${count} disconnect(s), saw ${this.disconnects} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private onDisconnect(): void {
    this.disconnects++;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w !== undefined && this.disconnects >= w.count) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const seq = ++this.seq;
    const ctx: Ctx = { req, res, seq, requestId: `req_mock${seq}`, closed: false };
    res.on("close", () => {
      ctx.closed = true;
      if (!res.writableFinished) this.onDisconnect();
    });
    req.on("error", () => {
      // client reset; the "close" handler above does the bookkeeping
    });
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const first = chunks[0];
      const raw =
        first === undefined ? "" : chunks.length === 1 ? first.toString("utf8") : Buffer.concat(chunks).toString("utf8");
      this.dispatch(ctx, raw).catch((err: unknown) => {
        if (!res.headersSent && !ctx.closed) {
          const message = err instanceof Error ? err.message : String(err);
          sendError(ctx, { status: 500, message: `Mock internal error: ${message}`, type: "server_error", param: null, code: null });
        } else {
          res.destroy();
        }
      });
    });
  }

  private async dispatch(ctx: Ctx, raw: string): Promise<void> {
    const { req } = ctx;
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? "" : url.slice(q + 1);

    let body: unknown = undefined;
    let invalidJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        invalidJson = true;
      }
    }
    if (this.record) this.requests.push({ method, path, query, headers: copyHeaders(req.headers), body });

    const route = matchRoute(method, path);
    if (route === null) {
      sendError(ctx, {
        status: 404,
        message: `Invalid URL (${method} ${path})`,
        type: "invalid_request_error",
        param: null,
        code: null,
      });
      return;
    }
    if (method === "POST" && (invalidJson || !isRecord(body))) {
      sendError(ctx, badRequest(INVALID_JSON_MESSAGE, null));
      return;
    }
    const params: Record<string, unknown> = isRecord(body) ? body : {};

    let kind = route.kind;
    let model: string;
    if (kind === "invocations") {
      model = route.name;
      if (Array.isArray(params["messages"])) kind = "chat";
      else if (params["prompt"] !== undefined) kind = "completions";
      else if (params["input"] !== undefined) kind = "embeddings";
      else {
        sendError(ctx, badRequest("Request body must contain one of `messages`, `prompt` or `input`.", null, "BAD_REQUEST"));
        return;
      }
    } else if (kind === "model") {
      model = route.name;
    } else {
      const m = params["model"];
      model = typeof m === "string" && m !== "" ? m : MOCK_MODEL;
    }

    const header = req.headers["x-mock-behavior"];
    const behaviour = parseBehaviour(typeof header === "string" && header !== "" ? header : model);

    if (behaviour.slowMs > 0 && !(await sleep(ctx, behaviour.slowMs))) return;
    if (behaviour.errorStatus !== 0) {
      sendError(ctx, behaviourError(behaviour.errorStatus, model));
      return;
    }

    const stream = params["stream"] === true;
    if (behaviour.stream === "hang-stream" && !stream) return; // hold the request until the client leaves

    switch (kind) {
      case "chat":
        return this.chat(ctx, params, model, stream, behaviour);
      case "completions":
        return this.completions(ctx, params, model, stream, behaviour);
      case "embeddings":
        return this.embeddings(ctx, params, model);
      case "models":
        sendJson(ctx, 200, MODELS_LIST_BODY);
        return;
      case "model":
        sendJson(
          ctx,
          200,
          model === MOCK_MODEL
            ? cached("model-object", () => `{"id":${MODEL_JSON},"object":"model","created":${MODELS_CREATED},"owned_by":"mock"}`)
            : JSON.stringify({ id: model, object: "model", created: MODELS_CREATED, owned_by: "mock" }),
        );
        return;
    }
  }

  // -- chat/completions ------------------------------------------------------

  private async chat(
    ctx: Ctx,
    params: Record<string, unknown>,
    model: string,
    stream: boolean,
    behaviour: Behaviour,
  ): Promise<void> {
    const messages = params["messages"];
    if (!Array.isArray(messages)) {
      sendError(ctx, badRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter"));
      return;
    }
    if (messages.length === 0) {
      sendError(ctx, badRequest("Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages", "empty_array"));
      return;
    }
    const n = readN(params["n"]);
    if (n === 0) {
      sendError(ctx, badRequest(`Invalid 'n': expected an integer between 1 and ${MAX_N}.`, "n", "invalid_value"));
      return;
    }
    const toolName = pickToolName(params);
    const promptTokens = chatPromptTokens(messages);
    const id = `chatcmpl-mock${ctx.seq}`;
    const created = Math.floor(Date.now() / 1000);
    const modelJson = model === MOCK_MODEL ? MODEL_JSON : JSON.stringify(model);

    if (toolName !== null) {
      const completionTokens = TOOL_CALL_TOKENS * MOCK_TOOL_LOCATIONS.length * n;
      if (!stream) {
        const choices: unknown[] = [];
        for (let i = 0; i < n; i++) {
          choices.push({
            index: i,
            message: {
              role: "assistant",
              content: null,
              tool_calls: MOCK_TOOL_LOCATIONS.map((loc, k) => ({
                id: `call_mock${ctx.seq}_${i}_${k}`,
                type: "function",
                function: { name: toolName, arguments: JSON.stringify({ location: loc }) },
              })),
              refusal: null,
            },
            logprobs: null,
            finish_reason: "tool_calls",
          });
        }
        sendJson(
          ctx,
          200,
          `{"id":"${id}","object":"chat.completion","created":${created},"model":${modelJson},"choices":${JSON.stringify(
            choices,
          )},"usage":${usageJson(promptTokens, completionTokens, true)}}`,
        );
        return;
      }
      const includeUsage = wantsUsage(params);
      const pre = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${modelJson},"choices":[`;
      const post = includeUsage ? `],"usage":null}\n\n` : `]}\n\n`;
      const ev: StreamEvents = { head: [], body: [], tail: [] };
      const nameJson = JSON.stringify(toolName);
      for (let i = 0; i < n; i++) {
        ev.head.push(`${pre}{"index":${i},"delta":{"role":"assistant","content":null},"logprobs":null,"finish_reason":null}${post}`);
        MOCK_TOOL_LOCATIONS.forEach((loc, k) => {
          ev.body.push(
            `${pre}{"index":${i},"delta":{"tool_calls":[{"index":${k},"id":"call_mock${ctx.seq}_${i}_${k}","type":"function","function":{"name":${nameJson},"arguments":""}}]},"logprobs":null,"finish_reason":null}${post}`,
          );
          for (const fragment of argumentFragments(JSON.stringify({ location: loc }))) {
            ev.body.push(
              `${pre}{"index":${i},"delta":{"tool_calls":[{"index":${k},"function":{"arguments":${JSON.stringify(
                fragment,
              )}}}]},"logprobs":null,"finish_reason":null}${post}`,
            );
          }
        });
        ev.tail.push(`${pre}{"index":${i},"delta":{},"logprobs":null,"finish_reason":"tool_calls"}${post}`);
      }
      if (includeUsage) ev.tail.push(usageEvent(pre, promptTokens, completionTokens, true));
      await sendStream(ctx, ev, behaviour);
      return;
    }

    const k = pieceLimit(params["max_completion_tokens"] ?? params["max_tokens"]);
    const finish = k < PIECES.length ? "length" : "stop";
    const completionTokens = k * n;
    if (!stream) {
      const choices = cached(`chat:${n}:${k}`, () => {
        const content = JSON.stringify(PIECES.slice(0, k).join(""));
        const parts: string[] = [];
        for (let i = 0; i < n; i++) {
          parts.push(
            `{"index":${i},"message":{"role":"assistant","content":${content},"refusal":null},"logprobs":null,"finish_reason":"${finish}"}`,
          );
        }
        return `[${parts.join(",")}]`;
      });
      sendJson(
        ctx,
        200,
        `{"id":"${id}","object":"chat.completion","created":${created},"model":${modelJson},"choices":${choices},"usage":${usageJson(
          promptTokens,
          completionTokens,
          true,
        )}}`,
      );
      return;
    }
    const includeUsage = wantsUsage(params);
    const pre = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${modelJson},"choices":[`;
    const post = includeUsage ? `],"usage":null}\n\n` : `]}\n\n`;
    const ev: StreamEvents = { head: [], body: [], tail: [] };
    for (let i = 0; i < n; i++) {
      ev.head.push(
        pre +
          cached(`chat-role:${i}`, () => `{"index":${i},"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}`) +
          post,
      );
    }
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < n; i++) {
        ev.body.push(
          pre +
            cached(
              `chat-piece:${i}:${j}`,
              () => `{"index":${i},"delta":{"content":${PIECES_JSON[j]}},"logprobs":null,"finish_reason":null}`,
            ) +
            post,
        );
      }
    }
    for (let i = 0; i < n; i++) {
      ev.tail.push(
        pre + cached(`chat-finish:${i}:${finish}`, () => `{"index":${i},"delta":{},"logprobs":null,"finish_reason":"${finish}"}`) + post,
      );
    }
    if (includeUsage) ev.tail.push(usageEvent(pre, promptTokens, completionTokens, true));
    await sendStream(ctx, ev, behaviour);
  }

  // -- completions (legacy) --------------------------------------------------

  private async completions(
    ctx: Ctx,
    params: Record<string, unknown>,
    model: string,
    stream: boolean,
    behaviour: Behaviour,
  ): Promise<void> {
    const n = readN(params["n"]);
    if (n === 0) {
      sendError(ctx, badRequest(`Invalid 'n': expected an integer between 1 and ${MAX_N}.`, "n", "invalid_value"));
      return;
    }
    const promptTokens = completionPromptTokens(params["prompt"]);
    const k = pieceLimit(params["max_tokens"]);
    const finish = k < PIECES.length ? "length" : "stop";
    const completionTokens = k * n;
    const id = `cmpl-mock${ctx.seq}`;
    const created = Math.floor(Date.now() / 1000);
    const modelJson = model === MOCK_MODEL ? MODEL_JSON : JSON.stringify(model);

    if (!stream) {
      const choices = cached(`cmpl:${n}:${k}`, () => {
        const text = JSON.stringify(PIECES.slice(0, k).join(""));
        const parts: string[] = [];
        for (let i = 0; i < n; i++) {
          parts.push(`{"text":${text},"index":${i},"logprobs":null,"finish_reason":"${finish}"}`);
        }
        return `[${parts.join(",")}]`;
      });
      sendJson(
        ctx,
        200,
        `{"id":"${id}","object":"text_completion","created":${created},"model":${modelJson},"choices":${choices},"usage":${usageJson(
          promptTokens,
          completionTokens,
          false,
        )}}`,
      );
      return;
    }
    const includeUsage = wantsUsage(params);
    const pre = `data: {"id":"${id}","object":"text_completion","created":${created},"model":${modelJson},"choices":[`;
    const post = includeUsage ? `],"usage":null}\n\n` : `]}\n\n`;
    const ev: StreamEvents = { head: [], body: [], tail: [] };
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < n; i++) {
        ev.body.push(
          pre +
            cached(`cmpl-piece:${i}:${j}`, () => `{"text":${PIECES_JSON[j]},"index":${i},"logprobs":null,"finish_reason":null}`) +
            post,
        );
      }
    }
    for (let i = 0; i < n; i++) {
      ev.tail.push(
        pre + cached(`cmpl-finish:${i}:${finish}`, () => `{"text":"","index":${i},"logprobs":null,"finish_reason":"${finish}"}`) + post,
      );
    }
    if (includeUsage) ev.tail.push(usageEvent(pre, promptTokens, completionTokens, false));
    await sendStream(ctx, ev, behaviour);
  }

  // -- embeddings ------------------------------------------------------------

  private embeddings(ctx: Ctx, params: Record<string, unknown>, model: string): void {
    const texts = embeddingInputs(params["input"]);
    if (texts === null) {
      sendError(ctx, badRequest("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "input"));
      return;
    }
    const format = params["encoding_format"];
    if (format !== undefined && format !== null && format !== "float" && format !== "base64") {
      sendError(
        ctx,
        badRequest(`Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`, "encoding_format", "invalid_value"),
      );
      return;
    }
    const dimsParam = params["dimensions"];
    let dims = MOCK_EMBEDDING_DIMS;
    if (dimsParam !== undefined && dimsParam !== null) {
      if (typeof dimsParam !== "number" || !Number.isInteger(dimsParam) || dimsParam < 1 || dimsParam > 4096) {
        sendError(ctx, badRequest("Invalid 'dimensions': expected an integer between 1 and 4096.", "dimensions", "invalid_value"));
        return;
      }
      dims = dimsParam;
    }
    const base64 = format === "base64";
    let tokens = 0;
    const parts: string[] = [];
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i] ?? "";
      tokens += Math.max(1, estimateTokens(text));
      const vec = embedText(text, dims);
      let encoded: string;
      if (base64) {
        const buf = Buffer.allocUnsafe(dims * 4);
        for (let d = 0; d < dims; d++) buf.writeFloatLE(vec[d] ?? 0, d * 4);
        encoded = `"${buf.toString("base64")}"`;
      } else {
        encoded = `[${vec.join(",")}]`;
      }
      parts.push(`{"object":"embedding","index":${i},"embedding":${encoded}}`);
    }
    const modelJson = model === MOCK_MODEL ? MODEL_JSON : JSON.stringify(model);
    sendJson(
      ctx,
      200,
      `{"object":"list","data":[${parts.join(",")}],"model":${modelJson},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`,
    );
  }
}

// ---------------------------------------------------------------------------
// Request-shape helpers

/** 1 when absent; 0 signals an invalid value. */
function readN(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_N) return value;
  return 0;
}

function wantsUsage(params: Record<string, unknown>): boolean {
  const so = params["stream_options"];
  return isRecord(so) && so["include_usage"] === true;
}

/** The function name to call, or null for a plain text answer. */
function pickToolName(params: Record<string, unknown>): string | null {
  const tools = params["tools"];
  if (!Array.isArray(tools) || tools.length === 0) return null;
  const choice = params["tool_choice"];
  if (choice === "none") return null;
  if (isRecord(choice) && isRecord(choice["function"]) && typeof choice["function"]["name"] === "string") {
    return choice["function"]["name"];
  }
  for (const tool of tools) {
    if (!isRecord(tool)) continue;
    const fn = tool["function"];
    if (isRecord(fn) && typeof fn["name"] === "string") return fn["name"];
    if (typeof tool["name"] === "string") return tool["name"];
  }
  return "mock_tool";
}

/** `{"location":"Paris"}` → `{"location":`, `"Paris`, `"}` */
function argumentFragments(args: string): string[] {
  const colon = args.indexOf(":") + 1;
  if (colon <= 0 || args.length - colon < 3) return [args];
  return [args.slice(0, colon), args.slice(colon, args.length - 2), args.slice(args.length - 2)];
}

function usageEvent(pre: string, prompt: number, completion: number, details: boolean): string {
  // `pre` ends with `"choices":[`
  return `${pre}],"usage":${usageJson(prompt, completion, details)}}\n\n`;
}

/** string | string[] | number[] (tokens) | number[][]; null when invalid. */
function embeddingInputs(input: unknown): string[] | null {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((x) => typeof x === "number")) return [input.join(" ")];
  const out: string[] = [];
  for (const item of input) {
    if (typeof item === "string") out.push(item);
    else if (Array.isArray(item) && item.length > 0 && item.every((x) => typeof x === "number")) out.push(item.join(" "));
    else return null;
  }
  return out;
}

/**
 * Deterministic, L2-normalised vector for a text: FNV-1a hash seeds an
 * xorshift32 generator. Values are rounded to float32 so that the `float`
 * and `base64` encodings carry exactly the same numbers.
 */
export function embedText(text: string, dims: number = MOCK_EMBEDDING_DIMS): number[] {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let s = h >>> 0 || 1;
  const raw: number[] = new Array<number>(dims);
  let sum = 0;
  for (let d = 0; d < dims; d++) {
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    const v = (s / 0xffffffff) * 2 - 1;
    raw[d] = v;
    sum += v * v;
  }
  const norm = Math.sqrt(sum) || 1;
  for (let d = 0; d < dims; d++) raw[d] = Math.fround((raw[d] ?? 0) / norm);
  return raw;
}

// ---------------------------------------------------------------------------

export async function startMockOpenAI(opts: MockOpenAIOptions = {}): Promise<MockOpenAI> {
  const host = opts.host ?? "127.0.0.1";
  const mock = new MockOpenAIServer(opts.record ?? true);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    mock.server.once("error", onError);
    mock.server.listen(opts.port ?? 0, host, () => {
      mock.server.off("error", onError);
      resolve();
    });
  });
  const address = mock.server.address() as AddressInfo;
  mock.port = address.port;
  const urlHost =
    host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;
  mock.url = `http://${urlHost}:${address.port}`;
  return mock;
}
