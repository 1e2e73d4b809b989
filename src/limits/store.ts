/**
 * Where bucket state lives. Two backends implement it: `MemoryStore` (one process) and
 * `RedisStore` (shared by every gateway replica). Both run the GCRA of `gcra.ts`.
 */

/** Take `cost` units from one bucket, checking that `check` units fit. */
export interface Charge {
  /** The bucket's key (a backend may prefix it). */
  key: string;
  /** `intervalMs(limit)`. */
  interval: number;
  cost: number;
  /** Units that must fit for the take to be allowed (the cost, clamped to the limit). */
  check: number;
}

/** Correct an earlier take by `delta` units (actual − reserved). */
export interface Adjustment {
  key: string;
  interval: number;
  delta: number;
}

export type TakeResult = { ok: true } | { ok: false; /** The refused charge that waits longest. */ index: number; waitMs: number };

export interface BucketStore {
  /** All charges or none, atomically: when one does not fit, nothing is taken. */
  take(charges: readonly Charge[]): Promise<TakeResult>;
  adjust(adjustments: readonly Adjustment[]): Promise<void>;
  close(): Promise<void>;
}
