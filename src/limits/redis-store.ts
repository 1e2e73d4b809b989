/**
 * Bucket state in Redis, shared by every gateway replica. Each request's charges go in
 * ONE round trip: a Lua script that reads every bucket, refuses all if one does not fit,
 * else writes them all — atomic, since Redis runs a script alone. The clock is Redis'
 * own (`TIME`), so replicas with skewed clocks still agree. Each key expires once its
 * bucket is full again, so idle callers cost nothing.
 *
 * The script mirrors `gcra.ts` line for line; the shared store cases hold both to the
 * same expectations.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { EPSILON_MS, PERIOD_MS } from "./gcra.js";
import type { Adjustment, BucketStore, Charge, TakeResult } from "./store.js";

// KEYS: the buckets. ARGV: interval, cost, check for each key, in that order.
// Returns {0, "0"} when all were taken, else {index (1-based) of the longest wait, wait ms}.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local worst, worstWait = 0, 0
local tats = {}
for i = 1, #KEYS do
  local v = redis.call('GET', KEYS[i])
  local tat = now
  if v then tat = math.max(tonumber(v), now) end
  tats[i] = tat
  local w = tat - now + tonumber(ARGV[3*i]) * tonumber(ARGV[3*i-2]) - ${PERIOD_MS}
  if w > ${EPSILON_MS} and w > worstWait then worst, worstWait = i, w end
end
if worst > 0 then return {worst, tostring(math.ceil(worstWait))} end
for i = 1, #KEYS do
  local cost = tonumber(ARGV[3*i-1])
  if cost > 0 then
    local nxt = tats[i] + cost * tonumber(ARGV[3*i-2])
    redis.call('SET', KEYS[i], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now) + 1000)
  end
end
return {0, '0'}
`;

// KEYS: the buckets. ARGV: interval, delta for each key.
const ADJUST = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
for i = 1, #KEYS do
  local interval, delta = tonumber(ARGV[2*i-1]), tonumber(ARGV[2*i])
  local v = redis.call('GET', KEYS[i])
  local tat = now
  if v then tat = tonumber(v) end
  local nxt
  if delta >= 0 then nxt = math.max(tat, now) + delta * interval else nxt = tat + delta * interval end
  if nxt > now then
    redis.call('SET', KEYS[i], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now) + 1000)
  elseif v then
    redis.call('DEL', KEYS[i])
  end
end
return 0
`;

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

const TAKE_SCRIPT = script(TAKE);
const ADJUST_SCRIPT = script(ADJUST);

export class RedisStore implements BucketStore {
  constructor(
    private readonly redis: Redis,
    /** Prepended to every key, e.g. `tessera:rl:`. */
    private readonly prefix: string,
  ) {}

  /** EVALSHA, loading the script on the first NOSCRIPT (after a Redis restart or flush). */
  private async run(s: Script, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith("NOSCRIPT")) return this.redis.eval(s.source, keys.length, ...keys, ...args);
      throw err;
    }
  }

  async take(charges: readonly Charge[]): Promise<TakeResult> {
    const keys: string[] = [];
    const args: number[] = [];
    for (const c of charges) {
      keys.push(this.prefix + c.key);
      args.push(c.interval, c.cost, c.check);
    }
    const r = await this.run(TAKE_SCRIPT, keys, args);
    if (!Array.isArray(r) || r.length !== 2) throw new Error("unexpected reply from the rate-limit script");
    const index = Number(r[0]);
    if (index === 0) return { ok: true };
    return { ok: false, index: index - 1, waitMs: Number(r[1]) };
  }

  async adjust(adjustments: readonly Adjustment[]): Promise<void> {
    if (adjustments.length === 0) return;
    const keys: string[] = [];
    const args: number[] = [];
    for (const a of adjustments) {
      keys.push(this.prefix + a.key);
      args.push(a.interval, a.delta);
    }
    await this.run(ADJUST_SCRIPT, keys, args);
  }

  async close(): Promise<void> {
    // The client belongs to whoever made the store (`createRateLimiter` quits it).
  }
}
