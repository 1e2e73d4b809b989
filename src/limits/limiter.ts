/**
 * The rate limiter the pipeline calls: resolves the caller's buckets (`rules.ts`), takes
 * one call and the request's estimated tokens from all of them at once (all or none),
 * and corrects the token buckets by (actual − estimate) when the request settles.
 *
 * Token limits reserve the estimate up front so that concurrent requests cannot all slip
 * in on the same remaining budget: what a burst can overshoot by is only what its requests
 * use beyond their estimate (the completion), and the overshoot is charged, so the caller
 * waits it out afterwards.
 *
 * When the primary store fails (Redis down or slow), the request is checked against the
 * fallback store (this process's memory) instead and a warning is logged at most every
 * 30 s: limits stay enforced per replica, requests never hang and are never all refused.
 */
import type { Logger } from "pino";
import { ERROR_KINDS, GatewayError } from "../gateway/errors.js";
import type { Admission, LimitRequest, RateLimiter } from "../gateway/policies.js";
import { intervalMs, PERIOD_MS } from "./gcra.js";
import { selectBuckets, type Bucket, type Scope } from "./rules.js";
import type { Adjustment, BucketStore, Charge, TakeResult } from "./store.js";

const NOTHING_TO_SETTLE: Admission = { settle() {} };
const WARN_EVERY_MS = 30_000;

function who(s: Scope): string {
  switch (s.kind) {
    case "endpoint":
      return "";
    case "user":
      return ` for user ${s.name}`;
    case "service_principal":
      return ` for service principal ${s.name}`;
    case "user_group":
      return ` for group ${s.name}`;
  }
}

/** The 429: which limit, for whom, and when there is budget again. */
export function rateLimited(endpoint: string, b: Bucket, waitMs: number): GatewayError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new GatewayError(
    ERROR_KINDS.RATE_LIMITED,
    `Rate limit of ${b.limit} ${b.limit === 1 ? b.dim.slice(0, -1) : b.dim} per minute${who(b.scope)} on endpoint ${endpoint} exceeded. Retry in ${seconds} s.`,
    { retryAfter: String(seconds) },
  );
}

export class Limiter implements RateLimiter {
  private lastWarn = 0;

  constructor(
    private readonly store: BucketStore,
    private readonly log: Logger,
    /** Used when `store` fails; undefined: the error propagates. */
    private readonly fallback?: BucketStore,
  ) {}

  async admit(req: LimitRequest): Promise<Admission> {
    const buckets = selectBuckets(req.endpoint.name, req.limits, req.caller);
    if (buckets.length === 0) return NOTHING_TO_SETTLE;
    const estimate = Math.max(0, Math.floor(req.estimatedTokens));
    const charges: Charge[] = [];
    for (const b of buckets) {
      // A limit of 0 blocks everyone; no store is asked.
      if (b.limit === 0) throw rateLimited(req.endpoint.name, b, PERIOD_MS);
      const cost = b.dim === "calls" ? 1 : estimate;
      // A request counts for at least one token, and one bigger than the whole limit still
      // passes when the bucket is full (it then runs into debt) instead of never passing.
      const check = b.dim === "calls" ? 1 : Math.min(Math.max(cost, 1), b.limit);
      charges.push({ key: b.key, interval: intervalMs(b.limit), cost, check });
    }

    let store = this.store;
    let r: TakeResult;
    try {
      r = await store.take(charges);
    } catch (err) {
      if (!this.fallback) throw err;
      this.warn(err);
      store = this.fallback;
      r = await store.take(charges);
    }
    if (!r.ok) throw rateLimited(req.endpoint.name, buckets[r.index] as Bucket, r.waitMs);

    const tokenCharges = charges.filter((_c, i) => (buckets[i] as Bucket).dim === "tokens");
    if (tokenCharges.length === 0) return NOTHING_TO_SETTLE;
    let settled = false;
    return {
      settle: (actualTokens: number) => {
        if (settled) return;
        settled = true;
        const actual = Number.isFinite(actualTokens) ? Math.max(0, Math.round(actualTokens)) : estimate;
        const delta = actual - estimate;
        if (delta === 0) return;
        const adjustments: Adjustment[] = tokenCharges.map((c) => ({ key: c.key, interval: c.interval, delta }));
        // Off the response path: the client does not wait for the correction.
        store.adjust(adjustments).catch((err: unknown) => this.warn(err));
      },
    };
  }

  private warn(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarn < WARN_EVERY_MS) return;
    this.lastWarn = now;
    const reason = err instanceof Error ? err.message : String(err);
    this.log.warn({ reason }, "rate-limit store unavailable: limits are enforced by each gateway process on its own until it is back");
  }
}
