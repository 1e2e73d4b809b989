/**
 * The buffer between the hot path and the store. `push` is O(1) and never waits; a
 * flusher writes what was pushed in batches (one `write` call — one transaction — per
 * batch) every `intervalMs` (50 ms), or at once when a batch's worth is waiting.
 *
 * Why nothing is lost, and when something can be:
 * - A failed write puts its batch back at the front and the flusher backs off (1 s, 2 s, …
 *   up to 5 s: a database that is back gets its backlog within seconds); the items stay
 *   in memory until the store takes them.
 * - `close()` writes everything still buffered, retrying a failing store a few times.
 * - Memory is bounded by `maxBuffered` items. Only when the store has been failing long
 *   enough for that many to pile up are the oldest dropped — counted (`dropped`) and
 *   logged, never silently. With the defaults that is 100,000 requests of backlog.
 */
import type { Logger } from "pino";

export interface BatchWriterOptions<T> {
  /** Writes one batch (in one transaction); throws when nothing of it was written. */
  write(batch: T[]): Promise<void>;
  log: Logger;
  /** Items per batch (default 250: a few ms of writing at a time). */
  maxBatch?: number;
  /**
   * Flush period in ms (default 50). It bounds what a `kill -9` can lose: the records of the
   * last interval plus one write (docs/usage.md). An idle tick costs a length check.
   */
  intervalMs?: number;
  /** Most items held in memory (default 100,000). */
  maxBuffered?: number;
  /** Told of dropped items (for a metric). */
  onDrop?(count: number): void;
  /** Told of failed writes (for a metric). */
  onWriteError?(): void;
}

const MAX_BACKOFF_MS = 5_000;
const CLOSE_ATTEMPTS = 5;
/** At most one "store is failing" log line per this many ms. */
const LOG_EVERY_MS = 10_000;

/** A FIFO with O(1) push and amortised O(1) removal from the front. */
class Queue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns up to `n` items from the front. */
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n) as T[];
    this.drop(out.length);
    return out;
  }

  /** Removes `n` items from the front. */
  drop(n: number): void {
    this.head += Math.min(n, this.length);
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Puts items back at the front (after a failed write). */
  unshift(items: T[]): void {
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }
}

export class BatchWriter<T> {
  private readonly q = new Queue<T>();
  private readonly o: Required<Omit<BatchWriterOptions<T>, "onDrop" | "onWriteError">> & Pick<BatchWriterOptions<T>, "onDrop" | "onWriteError">;
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private soon = false;
  private failures = 0;
  private retryAt = 0;
  private lastLog = 0;
  private closed = false;
  /** Items dropped because the buffer was full, or pushed after close. */
  dropped = 0;

  constructor(o: BatchWriterOptions<T>) {
    this.o = { maxBatch: 250, intervalMs: 50, maxBuffered: 100_000, ...o };
    this.timer = setInterval(() => void this.flush(), this.o.intervalMs);
    this.timer.unref();
  }

  /** Items waiting to be written. */
  get buffered(): number {
    return this.q.length;
  }

  /** Queues an item. O(1); never throws, never waits. */
  push(item: T): void {
    if (this.closed) {
      this.lose(1, "recorded after shutdown");
      return;
    }
    this.q.push(item);
    if (this.q.length > this.o.maxBuffered) {
      this.q.drop(1);
      this.lose(1, "the buffer is full because the store keeps failing");
    }
    if (this.q.length >= this.o.maxBatch && !this.soon && Date.now() >= this.retryAt) {
      this.soon = true;
      setImmediate(() => {
        this.soon = false;
        void this.flush();
      });
    }
  }

  private lose(n: number, why: string): void {
    this.dropped += n;
    this.o.onDrop?.(n);
    this.logThrottled("warn", { dropped: this.dropped }, `usage records dropped: ${why}`);
  }

  private logThrottled(level: "warn" | "error", obj: object, msg: string): void {
    const now = Date.now();
    if (now - this.lastLog < LOG_EVERY_MS) return;
    this.lastLog = now;
    this.o.log[level](obj, msg);
  }

  /**
   * Writes everything buffered now, batch by batch; resolves when done or when a write
   * failed (the rest is retried later). One flush runs at a time; a second caller shares it.
   */
  flush(force = false): Promise<void> {
    if (this.running) return this.running;
    if (this.q.length === 0 || (!force && Date.now() < this.retryAt)) return Promise.resolve();
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.q.length > 0) {
      const batch = this.q.take(this.o.maxBatch);
      try {
        await this.o.write(batch);
        this.failures = 0;
        this.retryAt = 0;
        // The store's driver is synchronous: let requests run between batches.
        if (this.q.length > 0) await new Promise((r) => setImmediate(r));
      } catch (err) {
        this.q.unshift(batch);
        this.failures++;
        this.retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failures - 1));
        this.o.onWriteError?.();
        this.logThrottled("error", { err, buffered: this.q.length }, "writing usage records failed; retrying");
        return;
      }
    }
  }

  /**
   * Stops the timer and writes everything still buffered. Called once the server takes no
   * more requests; a failing store is retried a few times before what is left is given up
   * (and logged with its count).
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    // Let records of requests that ended in this same turn (a client that went away) arrive.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    for (let attempt = 0; this.q.length > 0 && attempt < CLOSE_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * attempt));
      if (this.running) await this.running;
      await this.flush(true);
    }
    this.closed = true;
    if (this.q.length > 0) {
      const n = this.q.length;
      this.q.drop(n);
      this.dropped += n;
      this.o.onDrop?.(n);
      this.o.log.error({ lost: n }, "usage records could not be written before shutdown");
    }
  }
}
