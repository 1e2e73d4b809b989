/**
 * Bucket state in a Map, for a single gateway process. A take is synchronous under the
 * hood, so "all or none" needs no lock. Buckets that are full again are dropped by a
 * sweep on an unref'd timer (it never keeps the process alive).
 */
import { adjusted, EPSILON_MS, taken, waitMs } from "./gcra.js";
import type { Adjustment, BucketStore, Charge, TakeResult } from "./store.js";

export interface MemoryStoreOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** How often full buckets are forgotten. */
  sweepMs?: number;
}

export class MemoryStore implements BucketStore {
  private readonly tats = new Map<string, number>();
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(o: MemoryStoreOptions = {}) {
    this.now = o.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), o.sweepMs ?? 60_000);
    this.sweeper.unref();
  }

  /** Buckets held (for tests of the sweep). */
  get size(): number {
    return this.tats.size;
  }

  takeSync(charges: readonly Charge[]): TakeResult {
    const now = this.now();
    let worst = -1;
    let worstWait = 0;
    for (let i = 0; i < charges.length; i++) {
      const c = charges[i] as Charge;
      const w = waitMs(this.tats.get(c.key), now, c.interval, c.check);
      if (w > EPSILON_MS && w > worstWait) {
        worst = i;
        worstWait = w;
      }
    }
    if (worst >= 0) return { ok: false, index: worst, waitMs: worstWait };
    for (const c of charges) {
      if (c.cost > 0) this.tats.set(c.key, taken(this.tats.get(c.key), now, c.interval, c.cost));
    }
    return { ok: true };
  }

  async take(charges: readonly Charge[]): Promise<TakeResult> {
    return this.takeSync(charges);
  }

  async adjust(adjustments: readonly Adjustment[]): Promise<void> {
    const now = this.now();
    for (const a of adjustments) {
      const next = adjusted(this.tats.get(a.key), now, a.interval, a.delta);
      if (next === undefined) this.tats.delete(a.key);
      else this.tats.set(a.key, next);
    }
  }

  /** Drops buckets that are full again: absent and full mean the same. */
  sweep(): void {
    const now = this.now();
    for (const [k, tat] of this.tats) if (tat <= now) this.tats.delete(k);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.tats.clear();
  }
}
