/**
 * How long an upstream may take and how much it may send: the connect, first-byte, idle
 * and total deadlines of one upstream call, and the bounds on a non-streamed answer and on
 * one event of a stream. Past a deadline the call fails with a 504 (`UPSTREAM_TIMEOUT`);
 * past a bound with a 502 (`UPSTREAM_TOO_LARGE`), and the body is cut there, so a
 * misbehaving upstream can cost at most the bound in memory, never what it chooses to send.
 *
 * The process-wide defaults come from `TESSERA_UPSTREAM_*` variables (see
 * docs/providers.md, "Upstream timeouts and bounds"); a call may bring its own.
 */
import type { Readable } from "node:stream";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";

export interface UpstreamLimits {
  /** TCP (and TLS) connect. */
  connectMs: number;
  /** From the request sent to the response headers (an LLM's "time to first byte"). */
  firstByteMs: number;
  /** The longest silence between two reads of the body (a stream's gap between events). */
  idleMs: number;
  /** The whole call, a stream to its last event included. */
  totalMs: number;
  /** A non-streamed answer's body. */
  maxResponseBytes: number;
  /** One event (one `data:` payload) of a stream. */
  maxEventBytes: number;
}

const MiB = 1024 * 1024;

/**
 * Generous where an LLM is legitimately slow (a reasoning model may think for minutes
 * before its first byte; a long stream may run for many), tight where nothing legitimate
 * is slow (connecting) or large (one stream event).
 */
export const DEFAULT_UPSTREAM_LIMITS: Readonly<UpstreamLimits> = Object.freeze({
  connectMs: 10_000,
  firstByteMs: 300_000,
  idleMs: 120_000,
  totalMs: 900_000,
  maxResponseBytes: 32 * MiB,
  maxEventBytes: 4 * MiB,
});

/** The variable that sets each limit. */
export const LIMIT_VARIABLES: Readonly<Record<keyof UpstreamLimits, string>> = Object.freeze({
  connectMs: "TESSERA_UPSTREAM_CONNECT_TIMEOUT_MS",
  firstByteMs: "TESSERA_UPSTREAM_FIRST_BYTE_TIMEOUT_MS",
  idleMs: "TESSERA_UPSTREAM_IDLE_TIMEOUT_MS",
  totalMs: "TESSERA_UPSTREAM_TOTAL_TIMEOUT_MS",
  maxResponseBytes: "TESSERA_UPSTREAM_MAX_RESPONSE_BYTES",
  maxEventBytes: "TESSERA_UPSTREAM_MAX_EVENT_BYTES",
});

let defaults: UpstreamLimits = { ...DEFAULT_UPSTREAM_LIMITS };

/**
 * Reads the `TESSERA_UPSTREAM_*` variables into the process-wide defaults; a value that is
 * not a positive integer stops start-up with an error naming the variable.
 *
 * @example
 *   configureUpstreamLimits({ TESSERA_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: "60000" });
 */
export function configureUpstreamLimits(env: NodeJS.ProcessEnv): UpstreamLimits {
  const next: UpstreamLimits = { ...DEFAULT_UPSTREAM_LIMITS };
  for (const key of Object.keys(LIMIT_VARIABLES) as (keyof UpstreamLimits)[]) {
    const name = LIMIT_VARIABLES[key];
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, not '${raw}'.`);
    next[key] = v;
  }
  defaults = next;
  return next;
}

/** The limits a call runs with when it brings none. */
export function upstreamDefaults(): UpstreamLimits {
  return defaults;
}

/** The limits a response was requested with (the defaults for one made elsewhere, e.g. in a test). */
export function responseLimits(res: { limits?: UpstreamLimits | undefined }): UpstreamLimits {
  return res.limits ?? defaults;
}

export function tooLarge(provider: string, what: string, limit: number): GatewayError {
  return new GatewayError(ERROR_KINDS.UPSTREAM_TOO_LARGE, `Received ${what} from ${provider} larger than the limit of ${limit} bytes.`);
}

/**
 * The total deadline of one call, in two parts so that a call costs one timer and no
 * signal of its own (this runs on every upstream call): until the response headers, the
 * first-byte deadline is cut to the total (`headersTimeout`, see `headersDeadline`); from
 * the headers on, `armTotalDeadline` destroys the body with a 504 `GatewayError` when the
 * rest of the total has passed, which every reader of the body reports as it is. The
 * timer is cleared when the body closes, however it ends (read, cut, or let go). So the
 * whole call takes at most the connect deadline plus the total.
 */
export function headersDeadline(limits: UpstreamLimits): number {
  return limits.firstByteMs < limits.totalMs ? limits.firstByteMs : limits.totalMs;
}

export function armTotalDeadline(body: Readable, leftMs: number, totalMs: number, provider: string): void {
  const timer = setTimeout(() => body.destroy(new GatewayError(ERROR_KINDS.UPSTREAM_TIMEOUT, `${provider} did not finish within ${totalMs} ms.`)), leftMs > 1 ? leftMs : 1);
  timer.unref();
  body.once("close", () => clearTimeout(timer));
}

/**
 * Counts the bytes a stream reader fed its parser since the last event it got out of them,
 * so that one event (or one line without its end) larger than the bound fails the stream
 * before the parser has buffered more than about the bound plus one network read. The
 * bytes of a read after its last event are counted only from the next read on: the guard
 * may let an event pass that is one read (≤ 64 KiB) over the bound, never more.
 *
 * @example
 *   guard.add(buf.length); parser.feed(text); if (guard.over()) fail();  // onEvent calls guard.event()
 */
export class EventSizeGuard {
  private since = 0;
  constructor(readonly max: number) {}

  /** Before feeding a read to the parser. */
  add(bytes: number): void {
    this.since += bytes;
  }

  /** An event came out of the parser. */
  event(): void {
    this.since = 0;
  }

  /** After feeding: whether the bytes since the last event pass the bound. */
  over(): boolean {
    return this.since > this.max;
  }
}

/**
 * Reads a whole (non-streamed) body, at most `max` bytes: a `content-length` over it is
 * refused before reading, and a body without one is cut as soon as it passes it. Read
 * through the stream's events rather than `for await` (an async iterator and its
 * end-of-stream listeners per answer, on the hot path).
 */
export function readBounded(body: Readable, headers: Readonly<Record<string, string | string[] | undefined>>, max: number, provider: string): Promise<Buffer> {
  const declared = Number(headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) {
    body.destroy();
    return Promise.reject(tooLarge(provider, "an answer", max));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    let settled = false;
    body.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > max) {
        body.destroy(tooLarge(provider, "an answer", max));
        return;
      }
      parts.push(chunk);
    });
    body.once("end", () => {
      settled = true;
      resolve(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total));
    });
    body.once("error", (err) => {
      settled = true;
      reject(err);
    });
    body.once("close", () => {
      if (!settled) reject(new GatewayError(ERROR_KINDS.UPSTREAM_UNAVAILABLE, `The connection to ${provider} closed before its answer was complete.`));
    });
  });
}
