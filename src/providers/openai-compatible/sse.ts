/**
 * Reads an OpenAI-style SSE body (`data: {json}` … `data: [DONE]`) into typed chunks,
 * parsed once with eventsource-parser. An `{"error": …}` event, or a body that ends
 * before `[DONE]` and before any choice finished, is an error — never a clean end.
 *
 * This is the hot path of every streamed request, so it is a small hand-written async
 * iterator rather than generators stacked on the body's own async iterator: each network
 * read is parsed as a whole in one `data` callback, its chunks are queued, and `next()`
 * hands them out from the queue without waiting. A consumer that pulls in a loop (like
 * `server/sse.ts`) so gets all the chunks of one read in the same turn of the event loop,
 * and can write them out together.
 *
 * The reader also tells, through `wireText(chunk)`, the JSON text the chunk it last handed
 * out was parsed from, so the edge can send that text instead of serialising the chunk
 * again (`WireTextSource` in `providers/provider.ts` states the contract).
 */
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { createParser, type EventSourceMessage, type EventSourceParser } from "eventsource-parser";
import { errors as undiciErrors } from "undici";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { UpstreamStream } from "../common/stream-call.js";
import { scrub, upstreamMessage } from "../common/http.js";
import { EventSizeGuard, responseLimits, tooLarge } from "../common/limits.js";

export interface SseOptions {
  provider: string;
  secrets: readonly string[];
  signal: AbortSignal;
}

/**
 * After `[DONE]` the rest of the body (normally just the end of the chunked encoding) is
 * read and dropped, so the upstream connection goes back to the pool; an upstream that
 * keeps the body open longer than this after `[DONE]` has its response cut instead.
 */
const DRAIN_AFTER_DONE_MS = 1_000;

function isObject(v: unknown): v is object {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Whether any choice of a chunk carries a `finish_reason`. */
function hasFinish(chunk: object): boolean {
  const choices = (chunk as { choices?: unknown }).choices;
  if (!Array.isArray(choices)) return false;
  for (let i = 0; i < choices.length; i++) {
    const c: unknown = choices[i];
    if (c !== null && typeof c === "object" && (c as { finish_reason?: unknown }).finish_reason != null) return true;
  }
  return false;
}

interface Waiter<T> {
  resolve(r: IteratorResult<T, undefined>): void;
  reject(err: unknown): void;
}

const DONE_RESULT: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The reader's life: reading (chunks may still come) → settled (the outcome is known:
 * `[DONE]`, a clean end of the body, or a failure; queued chunks are still handed out
 * first) → closed (the outcome was handed out; the body is let go).
 */
class ChunkReader<T> implements AsyncIterableIterator<T, undefined> {
  private readonly body: Readable;
  private readonly parser: EventSourceParser;
  /** Made only once a read ends inside a multi-byte character; until then reads are decoded on their own. */
  private utf8: StringDecoder | undefined;
  /** Parsed chunks not yet handed out, `queue[head…]`, and the JSON text of each. */
  private readonly queue: T[] = [];
  private readonly texts: (string | undefined)[] = [];
  private head = 0;
  /** The chunk last handed out, and its text (see `wireText`). */
  private lastChunk: T | undefined;
  private lastText: string | undefined;
  private readonly waiters: Waiter<T>[] = [];
  private started = false;
  /** `[DONE]` was seen: the stream is complete; whatever follows is dropped. */
  private doneSeen = false;
  /** A choice finished: an end of the body without `[DONE]` is still a clean end. */
  private finished = false;
  /** The body emitted `end`. */
  private ended = false;
  private settled = false;
  private failed = false;
  private failure: unknown = undefined;
  private closed = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly size: EventSizeGuard;
  private readonly idleMs: number;

  constructor(
    res: UpstreamStream,
    private readonly opts: SseOptions,
  ) {
    this.body = res.body;
    const limits = responseLimits(res);
    this.size = new EventSizeGuard(limits.maxEventBytes);
    this.idleMs = limits.idleMs;
    this.parser = createParser({ onEvent: (e) => this.onEvent(e) });
    // Listened to from the start, so an abort before the first `next()` is kept, not thrown.
    this.body.on("error", (err) => this.onError(err));
    this.body.on("close", () => this.onClose());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (!this.started) this.start();
    // The hot path: a chunk is queued and nobody is ahead in line.
    if (this.head < this.queue.length && this.waiters.length === 0) return Promise.resolve({ done: false, value: this.take() });
    if (this.closed) return Promise.resolve(DONE_RESULT);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.settle();
      if (this.waiters.length > 0 && !this.settled && this.body.isPaused()) this.body.resume();
    });
  }

  /** The consumer stops early (`break`, or a throw in its loop): the upstream response is let go. */
  return(): Promise<IteratorResult<T, undefined>> {
    if (!this.closed) {
      this.closed = true;
      this.queue.length = 0;
      this.texts.length = 0;
      this.head = 0;
      for (const w of this.waiters.splice(0)) w.resolve(DONE_RESULT);
      this.release();
    }
    return Promise.resolve(DONE_RESULT);
  }

  /**
   * The exact JSON text `chunk` was parsed from, when `chunk` is the one this reader handed
   * out last and that text is one line; undefined otherwise.
   */
  wireText(chunk: unknown): string | undefined {
    return chunk === this.lastChunk && chunk !== undefined ? this.lastText : undefined;
  }

  private start(): void {
    this.started = true;
    if (this.body.destroyed) {
      // Destroyed before anyone read: an abort or a transport error came first.
      this.onError(this.body.errored ?? new Error("premature close"));
      return;
    }
    this.body.on("data", (buf: Buffer) => this.onData(buf));
    this.body.on("end", () => this.onEnd());
  }

  private take(): T {
    const chunk = this.queue[this.head] as T;
    this.lastChunk = chunk;
    this.lastText = this.texts[this.head];
    if (++this.head === this.queue.length) {
      this.queue.length = 0;
      this.texts.length = 0;
      this.head = 0;
    }
    return chunk;
  }

  private decode(buf: Buffer): string {
    if (this.utf8 === undefined) {
      // No character split so far, and none at the end of this read (its last byte is ASCII).
      const last = buf[buf.length - 1];
      if (last === undefined || last < 0x80) return buf.toString("utf8");
      this.utf8 = new StringDecoder("utf8");
    }
    return this.utf8.write(buf);
  }

  /** Runs inside the HTTP client's read callback: parse, queue, wake the consumer — nothing else. */
  private onData(buf: Buffer): void {
    if (this.settled) return; // after [DONE] or a failure: drained and dropped
    const backlog = this.queue.length - this.head;
    this.size.add(buf.length);
    this.parser.feed(this.decode(buf));
    if (this.size.over()) this.fail(tooLarge(this.opts.provider, "a stream event", this.size.max));
    this.settle();
    // The consumer has not caught up with the previous read either: read no further until it has.
    if (backlog > 0 && !this.settled && this.queue.length > this.head) this.body.pause();
  }

  private onEvent(e: EventSourceMessage): void {
    this.size.event();
    if (this.settled) return;
    const data = e.data;
    if (data === "[DONE]") {
      this.doneSeen = true;
      this.settled = true;
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.fail(new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received malformed stream data from ${this.opts.provider}.`));
      return;
    }
    if (chunk === null || typeof chunk !== "object") return;
    if ("error" in chunk && chunk.error) {
      const msg = scrub(upstreamMessage(chunk) ?? "stream error", this.opts.secrets);
      this.fail(
        new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received error from ${this.opts.provider} mid-stream: ${msg}`, {
          // The body the client may see is parsed again from scrubbed text, so no credential the
          // upstream echoed can reach it.
          upstream: { provider: this.opts.provider, status: 200, body: JSON.parse(scrub(data, this.opts.secrets)) as unknown },
        }),
      );
      return;
    }
    // The one shape check of a pass-through chunk (everything after it reads chunks
    // defensively): `choices` is a list of objects. A usage-only chunk may leave it out; it
    // then gets the safe default `[]`, and so goes out re-serialised, not as the upstream's text.
    const choices = (chunk as { choices?: unknown }).choices;
    let text: string | undefined = data.includes("\n") ? undefined : data;
    if (!Array.isArray(choices) || !choices.every(isObject)) {
      const usage = (chunk as { usage?: unknown }).usage;
      if (choices !== undefined || !isObject(usage)) {
        this.fail(
          new GatewayError(
            ERROR_KINDS.UPSTREAM_BAD_RESPONSE,
            `Received a malformed stream chunk from ${this.opts.provider}: "choices" ${choices === undefined ? "is missing" : "is not a list of objects"}.`,
          ),
        );
        return;
      }
      (chunk as { choices: unknown[] }).choices = [];
      text = undefined;
    }
    if (!this.finished && hasFinish(chunk)) this.finished = true;
    this.queue.push(chunk as T);
    // An event of several `data:` lines comes joined by "\n": that text cannot go out as one line.
    this.texts.push(text);
  }

  private onEnd(): void {
    this.ended = true;
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    if (this.settled) return;
    if (!this.finished && !this.opts.signal.aborted) {
      this.fail(new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `The stream from ${this.opts.provider} ended before it was complete.`));
      return;
    }
    this.settled = true;
    this.settle();
  }

  private onError(err: unknown): void {
    if (this.settled) return; // e.g. a drain after [DONE] that was cut: the consumer has everything
    if (err instanceof GatewayError || this.opts.signal.aborted) this.fail(err);
    else if (err instanceof undiciErrors.BodyTimeoutError) {
      this.fail(new GatewayError(ERROR_KINDS.UPSTREAM_TIMEOUT, `The stream from ${this.opts.provider} sent nothing for ${this.idleMs} ms.`));
    } else this.fail(new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `The stream from ${this.opts.provider} failed: ${err instanceof Error ? err.message : "unknown error"}.`));
  }

  private onClose(): void {
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    if (!this.ended) this.onError(new Error("premature close"));
  }

  private fail(err: unknown): void {
    this.settled = true;
    this.failed = true;
    this.failure = err;
    this.settle();
  }

  /** Hands out what can be handed out to whoever waits; once the outcome is handed out, closes. */
  private settle(): void {
    while (this.waiters.length > 0) {
      if (this.head < this.queue.length) {
        (this.waiters.shift() as Waiter<T>).resolve({ done: false, value: this.take() });
        continue;
      }
      if (!this.settled || this.closed) return;
      this.closed = true;
      const first = this.waiters.shift() as Waiter<T>;
      if (this.failed) first.reject(this.failure);
      else first.resolve(DONE_RESULT);
      for (const w of this.waiters.splice(0)) w.resolve(DONE_RESULT);
      // Possibly inside the HTTP client's own callback: let go of the body after it has returned.
      queueMicrotask(() => this.release());
      return;
    }
  }

  /** Lets go of the upstream body: drained after `[DONE]` (the connection is reused), cut otherwise. */
  private release(): void {
    const body = this.body;
    if (this.ended || body.destroyed) return;
    if (this.doneSeen) {
      if (body.isPaused()) body.resume();
      this.drainTimer = setTimeout(() => body.destroy(), DRAIN_AFTER_DONE_MS);
      this.drainTimer.unref();
      return;
    }
    body.destroy();
  }
}

/**
 * Turns the upstream body into chunks. Stops cleanly at `[DONE]`; throws a GatewayError on
 * an upstream error event or a truncated stream (an abort is rethrown as it is). The
 * upstream body is let go whatever way the consumer stops.
 */
export function openaiChunks<T>(res: UpstreamStream, opts: SseOptions): AsyncIterableIterator<T, undefined> & { wireText(chunk: unknown): string | undefined } {
  return new ChunkReader<T>(res, opts);
}
