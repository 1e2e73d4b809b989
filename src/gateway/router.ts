/**
 * The router: which served entity answers a request.
 *
 * Without fallbacks: the one the traffic split picks, one attempt — exactly the work of a
 * bare `call(pickEntity(endpoint))` plus a WeakMap lookup to keep the entity's circuit
 * breaker informed (no allocation beyond the result object).
 *
 * With `ai_gateway.fallback_config.enabled`: the traffic split's pick first, then, after a
 * retryable failure (`fallback.ts`: 429, 5xx, connect error, time-out), the other served
 * entities in list order — 0% entities included, since Databricks lets a 0% entity serve
 * only as a fallback. A fallback to another entity goes at once (it is another upstream,
 * whose `Retry-After` we have not been told). When the failed entity was the only one that
 * could be tried, it is tried once more after a short jittered backoff that honours
 * `Retry-After` (waits capped at `maxRetryAfterMs`; a longer Retry-After is returned to
 * the client rather than waited for). The last error is returned as the upstream gave it.
 *
 * Entities whose circuit breaker is open are skipped; when every entity is open the traffic
 * split's pick is tried anyway, as failing without trying would be worse. No attempt is
 * made once the client has gone away.
 *
 * Several replicas: with a `sync` (breaker-sync.ts, Redis behind it) a breaker that opens
 * or closes here is announced to the others, which open or close theirs (`applyRemote`);
 * failures are also counted fleet-wide, and the breaker opens once the fleet's count
 * reaches the threshold. The sync is told things off the success path only — on a failure,
 * or on the first success after failures — and never awaited by a request, except by the
 * one that would be this replica's half-open trial: it first claims the fleet's single trial
 * (`claimTrial`, one Redis round trip), so that after a cool-down one replica probes the
 * upstream and the others keep skipping it until that trial's outcome is announced.
 *
 * Streams: `call` resolves a stream only after the upstream answered 2xx, so a stream that
 * fails to open falls back like any other request. Failures after that happen while the
 * chunks are read, outside the router, after bytes may have reached the client — those are
 * never retried.
 */
import type { CallContext } from "../providers/provider.js";
import { backoffDelay, parseRetryAfter, sleep, type BackoffOptions } from "./backoff.js";
import type { BreakerSync, RemoteBreakerChange, RemoteBreakers } from "./breaker-sync.js";
import { Breakers, DEFAULT_BREAKER, type BreakerOptions, type BreakerState, type CircuitBreaker } from "./circuit-breaker.js";
import { GatewayError } from "./errors.js";
import { isRetryable, isRetryableOnSameEntity } from "./fallback.js";
import { pickEntity, type LiveEndpoint, type LiveEntity } from "./live-endpoints.js";
import type { EntityCall, Router } from "./policies.js";

export interface RetryOptions {
  /** Try the same entity once more when it was the only one that could be tried. */
  sameEntity: boolean;
  /** The longest `Retry-After` the router waits for before that retry. */
  maxRetryAfterMs: number;
  /** The backoff of that retry when the upstream gave no `Retry-After`. */
  backoff: BackoffOptions;
}

export const DEFAULT_RETRY: RetryOptions = { sameEntity: true, maxRetryAfterMs: 2_000, backoff: { baseMs: 250, maxMs: 2_000 } };

/** What the router did besides the plain path, for logs and metrics. */
export type RouterEvent =
  | { type: "fallback"; endpoint: LiveEndpoint; from: LiveEntity; to: LiveEntity; error: GatewayError }
  | { type: "retry"; endpoint: LiveEndpoint; entity: LiveEntity; error: GatewayError; delayMs: number }
  | { type: "skipped"; endpoint: LiveEndpoint; entity: LiveEntity }
  | { type: "breaker-open"; endpoint: LiveEndpoint; entity: LiveEntity; remote?: boolean };

export interface RouterOptions {
  breaker?: Partial<BreakerOptions>;
  retry?: Partial<RetryOptions>;
  /** Clock, random source and sleep, injectable for tests. */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told about fallbacks, retries, skipped entities and breakers that open; must not throw. */
  onEvent?: (e: RouterEvent) => void;
  /** Shares breaker state with other replicas (else each replica's breakers are its own). */
  sync?: BreakerSync;
}

export class TrafficRouter implements Router, RemoteBreakers {
  private readonly breakers: Breakers;
  private readonly sync: BreakerSync | undefined;
  private readonly retry: RetryOptions;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly onEvent: ((e: RouterEvent) => void) | undefined;

  constructor(opts: RouterOptions = {}) {
    this.breakers = new Breakers({ ...DEFAULT_BREAKER, ...opts.breaker });
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? sleep;
    this.onEvent = opts.onEvent;
    this.sync = opts.sync;
  }

  /** A change another replica saw: its breaker opened (open ours as long) or the entity answered (close ours). */
  applyRemote(endpoint: LiveEndpoint, entity: LiveEntity, change: RemoteBreakerChange): void {
    const now = this.now();
    if (change.op === "close") {
      this.breakers.peek(entity)?.succeeded();
      return;
    }
    const breaker = this.breakers.of(entity);
    const wasOpen = breaker.stateAt(now) === "open";
    breaker.forceOpen(now, change.forMs);
    if (!wasOpen) this.onEvent?.({ type: "breaker-open", endpoint, entity, remote: true });
  }

  /** An entity's breaker state (closed when it never failed), e.g. for metrics. */
  breakerState(entity: LiveEntity): BreakerState {
    return this.breakers.stateOf(entity, this.now());
  }

  async route<T>(endpoint: LiveEndpoint, fallback: boolean, call: EntityCall<T>, ctx: CallContext): Promise<{ entity: LiveEntity; value: T }> {
    if (fallback) return this.routeWithFallback(endpoint, call, ctx);
    return this.attempt(endpoint, pickEntity(endpoint, this.random), call, ctx);
  }

  /** One call on one entity, its outcome told to the entity's breaker. */
  private async attempt<T>(endpoint: LiveEndpoint, entity: LiveEntity, call: EntityCall<T>, ctx: CallContext): Promise<{ entity: LiveEntity; value: T }> {
    try {
      const value = await call(entity);
      this.noteSuccess(endpoint, entity);
      return { entity, value };
    } catch (err) {
      this.noteFailure(endpoint, entity, err, ctx);
      throw err;
    }
  }

  private async routeWithFallback<T>(endpoint: LiveEndpoint, call: EntityCall<T>, ctx: CallContext): Promise<{ entity: LiveEntity; value: T }> {
    const pick = pickEntity(endpoint, this.random);
    const list = endpoint.entities;
    let lastError: unknown;
    let lastTried: LiveEntity | undefined;
    let tried = 0;
    // -1 is the traffic split's pick; then the list in order, without the pick.
    for (let i = -1; i < list.length; i++) {
      const entity = i < 0 ? pick : (list[i] as LiveEntity);
      if (i >= 0 && entity === pick) continue;
      const breaker = this.breakers.peek(entity);
      const admitted = breaker ? this.admit(endpoint, entity, breaker) : true;
      // Awaited only when it is a promise: a closed breaker costs no extra tick.
      if (admitted === false || (admitted !== true && !(await admitted))) {
        this.onEvent?.({ type: "skipped", endpoint, entity });
        continue;
      }
      if (lastTried && lastError instanceof GatewayError) this.onEvent?.({ type: "fallback", endpoint, from: lastTried, to: entity, error: lastError });
      tried++;
      try {
        return await this.attempt(endpoint, entity, call, ctx);
      } catch (err) {
        if (ctx.signal.aborted || !isRetryable(err)) throw err;
        lastError = err;
        lastTried = entity;
      }
    }
    if (tried === 0) {
      // Every entity's breaker is open: trying the pick beats failing without trying.
      try {
        const value = await call(pick);
        this.noteSuccess(endpoint, pick);
        return { entity: pick, value };
      } catch (err) {
        this.noteFailure(endpoint, pick, err, ctx);
        throw err;
      }
    }
    if (tried === 1 && lastTried) return this.retrySame(endpoint, lastTried, lastError, call, ctx);
    throw lastError;
  }

  /**
   * May a request go to this entity whose breaker exists? Synchronous (a resolved value)
   * unless this request would be the half-open trial and a sync can hand out the fleet's
   * single trial: then the sync decides (granted; held by another replica — the breaker
   * stays half-open here with its trial "in flight" until the outcome is announced; or
   * still open fleet-wide — opened here for what is left).
   */
  private admit(endpoint: LiveEndpoint, entity: LiveEntity, breaker: CircuitBreaker): boolean | Promise<boolean> {
    const now = this.now();
    const before = breaker.stateAt(now);
    if (!breaker.tryAcquire(now)) return false;
    const sync = this.sync;
    if (before === "closed" || !sync?.claimTrial) return true;
    return sync.claimTrial({ endpoint: endpoint.name, entity: entity.name }, breaker.trialTimeoutMs()).then(
      (claim) => {
        if (claim.granted) return true;
        if (claim.openForMs > 0) breaker.forceOpen(this.now(), claim.openForMs);
        return false;
      },
      () => true,
    );
  }

  /** The one retry of the only entity that could be tried, or its error when a retry would not help. */
  private async retrySame<T>(endpoint: LiveEndpoint, entity: LiveEntity, error: unknown, call: EntityCall<T>, ctx: CallContext): Promise<{ entity: LiveEntity; value: T }> {
    if (!this.retry.sameEntity || !isRetryableOnSameEntity(error)) throw error;
    if (this.breakers.stateOf(entity, this.now()) !== "closed") throw error;
    const retryAfter = parseRetryAfter(error.retryAfter, this.now());
    if (retryAfter !== undefined && retryAfter > this.retry.maxRetryAfterMs) throw error;
    const delayMs = Math.min(this.retry.maxRetryAfterMs, Math.max(retryAfter ?? 0, backoffDelay(0, this.retry.backoff, this.random)));
    this.onEvent?.({ type: "retry", endpoint, entity, error, delayMs });
    await this.sleep(delayMs, ctx.signal);
    if (ctx.signal.aborted) throw ctx.signal.reason ?? error;
    return this.attempt(endpoint, entity, call, ctx);
  }

  /** Tells the entity's breaker how an attempt failed (off the success path). */
  private noteFailure(endpoint: LiveEndpoint, entity: LiveEntity, err: unknown, ctx: CallContext): void {
    if (ctx.signal.aborted || !(err instanceof GatewayError)) {
      const breaker = this.breakers.peek(entity);
      if (breaker?.stateAt(this.now()) === "half-open") this.sync?.releaseTrial?.({ endpoint: endpoint.name, entity: entity.name });
      breaker?.released();
      return;
    }
    if (!isRetryable(err)) {
      // The upstream answered (a 4xx about the request or the entity's config): it is up.
      this.noteSuccess(endpoint, entity);
      return;
    }
    const now = this.now();
    const breaker = this.breakers.of(entity);
    const wasOpen = breaker.stateAt(now) === "open";
    breaker.failed(now, parseRetryAfter(err.retryAfter, now));
    if (!wasOpen && breaker.stateAt(now) === "open") {
      this.onEvent?.({ type: "breaker-open", endpoint, entity });
      this.sync?.opened({ endpoint: endpoint.name, entity: entity.name }, breaker.remainingAt(now));
    } else if (!wasOpen && this.sync) {
      this.countFleetWide(endpoint, entity);
    }
  }

  /** A success closes the breaker; the first one after failures is told to the other replicas. */
  private noteSuccess(endpoint: LiveEndpoint, entity: LiveEntity): void {
    const breaker = this.breakers.peek(entity);
    if (!breaker) return;
    const wasOpen = breaker.stateAt(this.now()) !== "closed";
    if (breaker.succeeded()) this.sync?.closed({ endpoint: endpoint.name, entity: entity.name }, wasOpen);
  }

  /**
   * Adds a failure to the fleet's count; when that reaches the threshold the breaker opens
   * here (and is announced) even though this replica saw fewer failures itself. The count
   * comes back after the request moved on: it only decides the next requests.
   */
  private countFleetWide(endpoint: LiveEndpoint, entity: LiveEntity): void {
    const sync = this.sync;
    if (!sync) return;
    const target = { endpoint: endpoint.name, entity: entity.name };
    const opts = this.breakers.opts;
    void sync.failed(target, opts.windowMs).then((n) => {
      if (n === undefined || n < opts.threshold) return;
      const breaker = this.breakers.peek(entity);
      const now = this.now();
      if (!breaker || breaker.stateAt(now) !== "closed") return;
      breaker.forceOpen(now, opts.cooldownMs);
      this.onEvent?.({ type: "breaker-open", endpoint, entity });
      sync.opened(target, opts.cooldownMs);
    }, () => undefined);
  }
}
