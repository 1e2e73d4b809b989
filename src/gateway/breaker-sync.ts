/**
 * Circuit-breaker state shared between gateway replicas. The in-process breaker
 * (circuit-breaker.ts) stays the only thing a request consults — a WeakMap get, no network
 * on the hot path. A sync only *tells*: when a breaker opens or closes here the others hear
 * of it (and open or close theirs), and each retryable failure is also counted fleet-wide,
 * so that N failures spread over the replicas open the breaker everywhere instead of each
 * replica learning the failing upstream N times.
 *
 * A sync must never fail a request and slows none on the usual path: every method returns at
 * once (or resolves to `undefined` when the shared count cannot be had), and a sync whose
 * backend is down leaves each replica with its local breakers. The one exception is
 * `claimTrial`: when a cool-down has passed, the request that would be this replica's
 * half-open trial first asks for the fleet's single trial (one round trip, bounded by the
 * backend's time-out) — so that N replicas send one trial, not N. The others keep the
 * breaker shut until the trial's outcome is announced (a close, or an open for longer).
 *
 * @example
 *   const sync = await createRedisBreakerSync({ redisUrl, log });   // limits/breaker-sync.ts
 *   const router = new TrafficRouter({ sync });
 *   sync.attach(remoteBreakerApplier(live, router));
 */
import type { LiveEndpoint, LiveEndpoints, LiveEntity } from "./live-endpoints.js";

/** A served entity by names, the same on every replica (the objects are not). */
export interface BreakerTarget {
  endpoint: string;
  entity: string;
}

/** What another replica saw happen to a breaker. */
export type RemoteBreakerChange = { op: "open"; forMs: number } | { op: "close" };

export interface BreakerSync {
  /** This replica's breaker opened, for `forMs`. */
  opened(t: BreakerTarget, forMs: number): void;
  /** This replica saw the entity answer after failures; `wasOpen`: its breaker was open or half-open. */
  closed(t: BreakerTarget, wasOpen: boolean): void;
  /** Counts a retryable failure fleet-wide: the failures within `windowMs` of the first, or undefined when unknown. */
  failed(t: BreakerTarget, windowMs: number): Promise<number | undefined>;
  /**
   * Asks for the fleet's one half-open trial of `t`, leased for `leaseMs` (after which a
   * trial that never reported back counts as lost and another replica may try). Optional:
   * a sync without it lets every replica trial on its own.
   */
  claimTrial?(t: BreakerTarget, leaseMs: number): Promise<TrialClaim>;
  /** This replica's trial ended telling nothing (the client went away): frees its lease, if it holds one. */
  releaseTrial?(t: BreakerTarget): void;
}

/**
 * The answer to a trial claim: this replica may send the trial (also when the backend did
 * not answer: then each replica trials on its own, as without a sync); or another replica
 * holds it; or the breaker is in fact still open fleet-wide for `openForMs`.
 */
export type TrialClaim = { granted: true } | { granted: false; openForMs: number };

/** Applies changes heard from other replicas to this replica's breakers. */
export type RemoteBreakerApplier = (t: BreakerTarget, change: RemoteBreakerChange) => void;

/** The router side of a sync (TrafficRouter implements it). */
export interface RemoteBreakers {
  applyRemote(endpoint: LiveEndpoint, entity: LiveEntity, change: RemoteBreakerChange): void;
}

/** Finds the entity a change names among the endpoints served now; a change for one this replica does not serve is ignored. */
export function remoteBreakerApplier(live: LiveEndpoints, breakers: RemoteBreakers): RemoteBreakerApplier {
  return (t, change) => {
    const ep = live.get(t.endpoint);
    const entity = ep?.entities.find((e) => e.name === t.entity);
    if (ep && entity) breakers.applyRemote(ep, entity, change);
  };
}
