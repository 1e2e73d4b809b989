/**
 * Where the usage writer's batches go: the store, or — while the store fails — the local
 * spill file, replayed into the store once it answers again.
 *
 * - A batch the store refuses is appended to the spill file (fsync'd) and counts as
 *   written: the batch writer moves on, and a `kill -9` now loses only what had not reached
 *   the file yet. While the store is down, batches go straight to the file (no waiting on
 *   a database that does not answer).
 * - Every `replayMs` (1 s) while anything is spilled, the files are replayed into the
 *   store; the first replay that gets through ends the outage (batches go to the store
 *   again). A replay also runs at start-up, for what a killed process left behind.
 * - The spill file full: the batch is refused (the writer keeps it in its bounded memory
 *   queue and retries), and an error says so, at most every 10 s.
 */
import type { Logger } from "pino";
import { SpillFile, SpillFullError } from "./spill-file.js";

export interface SpillingSinkOptions<T> {
  /** Writes a batch to the store (one transaction); throws when nothing was written. */
  store(batch: T[]): Promise<void>;
  /** The spill file; undefined: no spilling (the writer's memory queue is all there is). */
  spill: SpillFile<T> | undefined;
  log: Logger;
  replayMs?: number;
  /** Told how many items went to the spill file (for a metric). */
  onSpill?(count: number): void;
}

const LOG_EVERY_MS = 10_000;

export class SpillingSink<T> {
  private down = false;
  private replaying: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private lastFullLog = 0;
  private spilledSinceLog = 0;

  constructor(private readonly o: SpillingSinkOptions<T>) {
    if (o.spill) {
      this.timer = setInterval(() => void this.replay(), o.replayMs ?? 1_000);
      this.timer.unref();
      if (o.spill.pending) {
        o.log.warn({ file: o.spill.dir, bytes: o.spill.bytes }, "usage records spilled by an earlier run: replaying them into the store");
        void this.replay();
      }
    }
  }

  /** Items in the spill file wait for the store. */
  get spilledBytes(): number {
    return this.o.spill?.bytes ?? 0;
  }

  async write(batch: T[]): Promise<void> {
    const spill = this.o.spill;
    if (!spill) return this.o.store(batch);
    if (!this.down) {
      try {
        await this.o.store(batch);
        return;
      } catch (err) {
        this.down = true;
        this.o.log.error({ err: { message: err instanceof Error ? err.message : String(err) }, file: spill.dir }, "the store refused usage records: spilling them to the local file until it is back");
      }
    }
    try {
      await spill.append(batch);
      this.spilledSinceLog += batch.length;
      this.o.onSpill?.(batch.length);
    } catch (err) {
      if (err instanceof SpillFullError) {
        const now = Date.now();
        if (now - this.lastFullLog >= LOG_EVERY_MS) {
          this.lastFullLog = now;
          this.o.log.error(
            { file: spill.dir, bytes: err.bytes, maxBytes: err.maxBytes },
            "usage spill file full: new records stay in memory (bounded) until the store is back — raise TESSERA_USAGE_SPILL_MAX_BYTES or restore the store",
          );
        }
      }
      throw err;
    }
  }

  /** Replays the spill file into the store (one replay at a time); a failure leaves it for the next tick. */
  replay(): Promise<void> {
    const spill = this.o.spill;
    if (!spill || !spill.pending) return Promise.resolve();
    if (this.replaying) return this.replaying;
    this.replaying = spill
      .replay((items) => this.o.store(items))
      .then(
        (r) => {
          this.down = false;
          this.o.log.info({ written: r.written, skipped: r.skipped, spilled: this.spilledSinceLog }, "spilled usage records written to the store");
          this.spilledSinceLog = 0;
        },
        () => {
          this.down = true;
        },
      )
      .finally(() => {
        this.replaying = undefined;
      });
    return this.replaying;
  }

  /** Stops replaying, after one last replay when the store answers; what is still spilled stays on disk for the next start. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.replaying;
    if (!this.down) await this.replay();
  }
}
