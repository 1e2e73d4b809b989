/**
 * Upstream HTTP for every provider: one pooled undici Agent per gateway process, and the
 * mapping of transport failures and upstream error replies to `GatewayError`s.
 */
import { Agent, errors as undiciErrors, request, type Dispatcher } from "undici";
import { ERROR_KINDS, GatewayError, kindForStatus } from "../../gateway/errors.js";
import { tlsHint } from "./network.js";

/**
 * Keep-alive connections are reused across requests (the hot path never pays a TCP
 * handshake once warm). LLM calls can take minutes before the first byte, so the
 * timeouts are generous; the client's own disconnect cancels sooner.
 */
const agent = new Agent({
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 600_000,
  headersTimeout: 600_000,
  bodyTimeout: 600_000,
  connections: null,
});

export type UpstreamResponse = Dispatcher.ResponseData;

/** Replaces every credential value in a text with a marker; credentials shorter than 4 chars are left alone. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4 && out.includes(s)) out = out.split(s).join("[REDACTED]");
  }
  return out;
}

/** What an upstream's error reply says, as far as the gateway needs it. */
export interface UpstreamErrorReply {
  status: number;
  /** The parsed JSON body, or the text when it is not JSON; already scrubbed. */
  body: unknown;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * A provider's reading of its own error replies, where it differs from the common one:
 * e.g. Anthropic's 529 "overloaded" is a 503 to the client, Vertex puts the retry delay
 * in the body. Whatever it leaves undefined is read the common way.
 */
export interface ErrorReader {
  status?(reply: UpstreamErrorReply): number | undefined;
  message?(reply: UpstreamErrorReply): string | undefined;
  retryAfter?(reply: UpstreamErrorReply): string | undefined;
  code?(reply: UpstreamErrorReply): string | undefined;
}

export interface PostOptions {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
  signal: AbortSignal;
  /** Credential values that must never reach a client in an error message. */
  secrets: readonly string[];
  errors?: ErrorReader;
  /** The entity's dispatcher (proxy, TLS; see network.ts), else the shared agent. */
  dispatcher?: Dispatcher | undefined;
}

/** POSTs to the upstream; resolves with a 2xx response, or throws the upstream error as a GatewayError. */
export function postUpstream(opts: PostOptions): Promise<UpstreamResponse> {
  return sendUpstream({ ...opts, method: "POST" });
}

/** Sends a request upstream; a non-2xx reply or a transport failure is thrown as a GatewayError. */
export async function sendUpstream(
  opts: Omit<PostOptions, "body"> & { method: "GET" | "POST"; body?: string | Uint8Array },
): Promise<UpstreamResponse> {
  let res: UpstreamResponse;
  try {
    res = await request(opts.url, {
      method: opts.method,
      headers: opts.headers,
      body: opts.body ?? null,
      signal: opts.signal,
      dispatcher: opts.dispatcher ?? agent,
    });
  } catch (err) {
    throw transportError(err, opts.provider, opts.signal);
  }
  if (res.statusCode >= 400) throw await upstreamHttpError(res, opts.provider, opts.secrets, opts.errors);
  return res;
}

const MAX_ERROR_BODY = 64 * 1024;

async function readLimited(res: UpstreamResponse): Promise<string> {
  let text = "";
  for await (const chunk of res.body) {
    text += (chunk as Buffer).toString("utf8");
    if (text.length > MAX_ERROR_BODY) {
      res.body.destroy();
      break;
    }
  }
  return text.slice(0, MAX_ERROR_BODY);
}

/** Picks the human message out of the common upstream error bodies. */
export function upstreamMessage(body: unknown): string | undefined {
  if (typeof body === "string") return body || undefined;
  if (!body || typeof body !== "object") return undefined;
  const o = body as Record<string, unknown>;
  const err = o["error"];
  if (typeof err === "string") return err;
  if (err && typeof err === "object") {
    const m = (err as Record<string, unknown>)["message"];
    if (typeof m === "string") return m;
  }
  for (const k of ["message", "detail", "error_message"]) {
    const v = o[k];
    if (typeof v === "string") return v;
  }
  return undefined;
}

function upstreamCode(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const err = (body as Record<string, unknown>)["error"];
  if (err && typeof err === "object") {
    const c = (err as Record<string, unknown>)["code"];
    if (typeof c === "string") return c;
  }
  const ec = (body as Record<string, unknown>)["error_code"];
  return typeof ec === "string" ? ec : undefined;
}

/** Builds the GatewayError for an upstream's non-2xx reply: its status and message are kept, credentials scrubbed. */
export async function upstreamHttpError(
  res: UpstreamResponse,
  provider: string,
  secrets: readonly string[],
  reader: ErrorReader = {},
): Promise<GatewayError> {
  const text = scrub(await readLimited(res).catch(() => ""), secrets);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return upstreamError(provider, { status: res.statusCode, body, headers: res.headers }, reader);
}

/** The GatewayError for an upstream error reply (HTTP or one that arrived inside a stream). */
export function upstreamError(provider: string, reply: UpstreamErrorReply, reader: ErrorReader = {}): GatewayError {
  const upstreamStatus = reply.status;
  const status = reader.status?.(reply) ?? upstreamStatus;
  const message = reader.message?.(reply) ?? upstreamMessage(reply.body) ?? `HTTP ${upstreamStatus}`;
  const retry = reply.headers["retry-after"];
  const retryAfter = reader.retryAfter?.(reply) ?? (Array.isArray(retry) ? retry[0] : retry);
  const code = reader.code?.(reply) ?? upstreamCode(reply.body);
  return new GatewayError(kindForStatus(status), `Received error from ${provider} (HTTP ${upstreamStatus}): ${message}`, {
    status,
    ...(retryAfter ? { retryAfter } : {}),
    ...(code ? { openaiCode: code } : {}),
    upstream: { provider, status: upstreamStatus, body: reply.body },
  });
}

/** Reads a 2xx JSON reply; anything else there is an upstream fault (502). */
export async function readJson(res: UpstreamResponse, provider: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = await res.body.json();
  } catch {
    throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received a response from ${provider} that is not JSON.`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received an unexpected response from ${provider}.`);
  }
  return value as Record<string, unknown>;
}

/** Maps a failure to connect or to receive in time; an abort from our side is rethrown unchanged. */
export function transportError(err: unknown, provider: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return err;
  if (err instanceof GatewayError) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError(ERROR_KINDS.UPSTREAM_TIMEOUT, `Timed out waiting for ${provider}.`);
  }
  const code = (err as { code?: unknown } | null)?.code;
  const reason = typeof code === "string" ? code : err instanceof Error ? err.message : "unknown error";
  return new GatewayError(ERROR_KINDS.UPSTREAM_UNAVAILABLE, `Could not reach ${provider}: ${reason}${tlsHint(reason)}.`);
}
