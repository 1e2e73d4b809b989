/**
 * Upstream HTTP for every provider: one pooled undici Agent per gateway process, and the
 * mapping of transport failures and upstream error replies to `GatewayError`s.
 */
import { Agent, errors as undiciErrors, request, type Dispatcher } from "undici";
import { ERROR_KINDS, GatewayError, kindForStatus } from "../../gateway/errors.js";
import { armTotalDeadline, headersDeadline, readBounded, responseLimits, upstreamDefaults, type UpstreamLimits } from "./limits.js";
import { tlsHint } from "./network.js";
import type { CallContext } from "../provider.js";

/**
 * Keep-alive connections are reused across requests (the hot path never pays a TCP
 * handshake once warm). One Agent per connect timeout (in practice one or two); the
 * first-byte and idle timeouts and the total deadline are set per call (limits.ts).
 */
const agents = new Map<number, Agent>();

export function agentFor(connectMs: number): Agent {
  let a = agents.get(connectMs);
  if (!a) {
    a = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connect: { timeout: connectMs }, connections: null });
    agents.set(connectMs, a);
  }
  return a;
}

/** undici's response, with the limits it was requested with (for the readers of its body). */
export type UpstreamResponse = Dispatcher.ResponseData & { limits?: UpstreamLimits };

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
  /** This call's deadlines and bounds; the process-wide defaults when not given. */
  limits?: UpstreamLimits | undefined;
  /** The entity's dispatcher (proxy, TLS; see network.ts), else the shared agent. */
  dispatcher?: Dispatcher | undefined;
  /** The call context's `onAbort`, when it has one (used by json-call.ts and stream-call.ts; `request` listens on the signal itself). */
  onAbort?: CallContext["onAbort"];
}

/** POSTs to the upstream; resolves with a 2xx response, or throws the upstream error as a GatewayError. */
export function postUpstream(opts: PostOptions): Promise<UpstreamResponse> {
  return sendUpstream({ ...opts, method: "POST" });
}

/** Sends a request upstream; a non-2xx reply or a transport failure is thrown as a GatewayError. */
export async function sendUpstream(
  opts: Omit<PostOptions, "body"> & { method: "GET" | "POST"; body?: string | Uint8Array },
): Promise<UpstreamResponse> {
  const limits = opts.limits ?? upstreamDefaults();
  const startedAt = Date.now();
  let res: UpstreamResponse;
  try {
    res = await request(opts.url, {
      method: opts.method,
      headers: opts.headers,
      body: opts.body ?? null,
      // The caller's signal as it is: the total deadline needs no signal of its own (limits.ts).
      signal: opts.signal,
      headersTimeout: headersDeadline(limits),
      bodyTimeout: limits.idleMs,
      // An entity's own dispatcher (proxy, TLS) keeps its connect timeout; the rest is per call.
      dispatcher: opts.dispatcher ?? agentFor(limits.connectMs),
    });
  } catch (err) {
    throw transportError(err, opts.provider, opts.signal);
  }
  armTotalDeadline(res.body, limits.totalMs - (Date.now() - startedAt), limits.totalMs, opts.provider);
  res.limits = limits;
  if (res.statusCode >= 400) throw await upstreamHttpError(res, opts.provider, opts.secrets, opts.errors);
  return res;
}

/** How much of an error reply's body is read. */
export const MAX_ERROR_BODY = 64 * 1024;

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
  return replyError(provider, res.statusCode, res.headers, await readLimited(res).catch(() => ""), secrets, reader);
}

/** The GatewayError for an error reply whose body (its first 64 KiB) was read as `text`. */
export function replyError(
  provider: string,
  status: number,
  headers: UpstreamErrorReply["headers"],
  text: string,
  secrets: readonly string[],
  reader: ErrorReader = {},
): GatewayError {
  const scrubbed = scrub(text.length > MAX_ERROR_BODY ? text.slice(0, MAX_ERROR_BODY) : text, secrets);
  let body: unknown = scrubbed;
  try {
    body = JSON.parse(scrubbed);
  } catch {
    /* not JSON: keep the text */
  }
  return upstreamError(provider, { status, body, headers }, reader);
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

/**
 * Reads a 2xx JSON reply, bounded by the call's `maxResponseBytes`; a body that is not JSON
 * is an upstream fault (502). The value is not checked: the gateway checks an answer's
 * shape against its task (gateway/response-shape.ts).
 */
export async function readJsonValue(res: UpstreamResponse, provider: string): Promise<unknown> {
  let buf: Buffer;
  try {
    buf = await readBounded(res.body, res.headers, responseLimits(res).maxResponseBytes, provider);
  } catch (err) {
    // A transport failure (idle timeout, reset) is mapped; a deadline or a bound is already a
    // GatewayError, and the caller's abort goes on as it is (it is recorded as the client's).
    throw err instanceof undiciErrors.UndiciError ? transportError(err, provider) : err;
  }
  try {
    return JSON.parse(buf.toString("utf8")) as unknown;
  } catch {
    throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received a response from ${provider} that is not JSON.`);
  }
}

/** Reads a 2xx JSON reply that must be an object (a native provider's answer, before it is converted). */
export async function readJson(res: UpstreamResponse, provider: string): Promise<Record<string, unknown>> {
  const value = await readJsonValue(res, provider);
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new GatewayError(ERROR_KINDS.UPSTREAM_BAD_RESPONSE, `Received an unexpected response from ${provider}: not a JSON object.`);
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
