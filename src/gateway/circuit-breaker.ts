/**
 * Per-entity circuit breakers, so that a failing upstream is not hammered by every request
 * (and by every fallback attempt of every request) while it is down.
 *
 * closed ──N retryable failures in a row, within `windowMs`──▶ open
 * open ──cool-down passed; the next request is the one trial──▶ half-open
 * half-open ──trial succeeded──▶ closed;  ──trial failed──▶ open, for a longer cool-down
 *
 * The cool-down doubles on each open that follows a failed trial (30 s, 60 s, … up to
 * `maxCooldownMs`) and is never shorter than the `Retry-After` of the failure that opened
 * it (within the same cap). A success in any state closes the breaker: the upstream just
 * answered. A non-retryable error (a 4xx other than 429) counts as a success — the upstream
 * is reachable and answering; a request cut short by the client counts as nothing.
 *
 * Breakers live in a WeakMap keyed by the `LiveEntity` object: entities are rebuilt when an
 * endpoint's served entities or their credentials change, which starts their breakers
 * afresh (a config change is the usual fix for a broken entity), and a deleted endpoint's
 * breakers go with it. Changing only `ai_gateway` keeps the entities and their breakers.
 */
import type { LiveEntity } from "./live-endpoints.js";

export interface BreakerOptions {
  /** Retryable failures in a row that open the breaker. */
  threshold: number;
  /** The failures must fall within this time of the first of them. */
  windowMs: number;
  /** The first cool-down; doubled on each failed trial. */
  cooldownMs: number;
  maxCooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 5, windowMs: 60_000, cooldownMs: 30_000, maxCooldownMs: 300_000 };

export type BreakerState = "closed" | "open" | "half-open";

export class CircuitBreaker {
  private state: BreakerState = "closed";
  private failures = 0;
  private firstFailureAt = 0;
  /** Opens since the breaker was last closed by a success (grows the cool-down). */
  private opens = 0;
  private openUntil = 0;
  /** When the half-open trial started (0: no trial in flight). */
  private trialAt = 0;

  constructor(private readonly opts: BreakerOptions) {}

  /** The state as a caller would see it now (an open breaker whose cool-down passed reads as half-open). */
  stateAt(now: number): BreakerState {
    if (this.state === "open" && now >= this.openUntil) return "half-open";
    return this.state;
  }

  /**
   * May a request go to this entity now? Claims the single trial when the cool-down has
   * passed; a trial that has not reported back within a cool-down is presumed lost, so the
   * breaker cannot stay stuck half-open.
   */
  tryAcquire(now: number): boolean {
    switch (this.state) {
      case "closed":
        return true;
      case "open":
        if (now < this.openUntil) return false;
        this.state = "half-open";
        this.trialAt = now;
        return true;
      case "half-open":
        if (this.trialAt !== 0 && now - this.trialAt < this.cooldown(0)) return false;
        this.trialAt = now;
        return true;
    }
  }

  /** How long a half-open trial may take before it is presumed lost (and another may go). */
  trialTimeoutMs(): number {
    return this.cooldown(0);
  }

  /** Closes the breaker; true when that changed anything (it was open, half-open, or counting failures). */
  succeeded(): boolean {
    if (this.state === "closed" && this.failures === 0) return false;
    this.state = "closed";
    this.failures = 0;
    this.opens = 0;
    this.trialAt = 0;
    return true;
  }

  /** How long an open breaker stays open from `now` (0 when it is not open). */
  remainingAt(now: number): number {
    return this.state === "open" ? Math.max(0, this.openUntil - now) : 0;
  }

  /**
   * Opens for `forMs` from `now` because someone else saw the upstream fail (another
   * replica, or the fleet-wide failure count): never shortens an open that lasts longer,
   * and does not grow this breaker's own cool-down, which only its own failed trials do.
   */
  forceOpen(now: number, forMs: number): void {
    const until = now + Math.max(0, forMs);
    if (this.state === "open" && this.openUntil >= until) return;
    this.state = "open";
    this.openUntil = until;
    this.failures = 0;
    this.trialAt = 0;
  }

  /** A retryable failure; `retryAfterMs` is the upstream's own hint, if it gave one. */
  failed(now: number, retryAfterMs?: number): void {
    switch (this.state) {
      case "open":
        return; // already open: requests forced through while all are open do not extend it
      case "half-open":
        this.open(now, retryAfterMs);
        return;
      case "closed":
        if (this.failures === 0 || now - this.firstFailureAt > this.opts.windowMs) {
          this.failures = 0;
          this.firstFailureAt = now;
        }
        this.failures++;
        if (this.failures >= this.opts.threshold) this.open(now, retryAfterMs);
    }
  }

  /** The attempt ended without telling anything about the upstream (the client went away). */
  released(): void {
    if (this.state === "half-open") this.trialAt = 0;
  }

  private cooldown(extraOpens: number): number {
    return Math.min(this.opts.maxCooldownMs, this.opts.cooldownMs * 2 ** Math.max(0, this.opens - 1 + extraOpens));
  }

  private open(now: number, retryAfterMs: number | undefined): void {
    this.opens++;
    const wait = Math.min(this.opts.maxCooldownMs, Math.max(this.cooldown(0), retryAfterMs ?? 0));
    this.state = "open";
    this.openUntil = now + wait;
    this.failures = 0;
    this.trialAt = 0;
  }
}

/** The breakers of all entities; one per `LiveEntity`, made on its first failure. */
export class Breakers {
  private readonly byEntity = new WeakMap<LiveEntity, CircuitBreaker>();

  constructor(readonly opts: BreakerOptions = DEFAULT_BREAKER) {}

  /** The entity's breaker, if it ever failed (hot path: no allocation). */
  peek(entity: LiveEntity): CircuitBreaker | undefined {
    return this.byEntity.get(entity);
  }

  of(entity: LiveEntity): CircuitBreaker {
    let b = this.byEntity.get(entity);
    if (!b) {
      b = new CircuitBreaker(this.opts);
      this.byEntity.set(entity, b);
    }
    return b;
  }

  /** The entity's state now (closed when it never failed). */
  stateOf(entity: LiveEntity, now: number): BreakerState {
    return this.byEntity.get(entity)?.stateAt(now) ?? "closed";
  }
}
