/**
 * Rate limits (`ai_gateway.rate_limits`): calls and tokens per minute, keyed by endpoint,
 * user, service principal or group. In memory by default; in Redis when a URL is given,
 * so that several gateway replicas share one budget. See docs/rate-limits.md.
 *
 * @example
 *   const limiter = await createRateLimiter({ redisUrl: "redis://127.0.0.1:6379", log });
 *   const admission = await limiter.admit({ endpoint, caller, limits, estimatedTokens: 12 });
 *   // … the request runs …
 *   admission.settle(usage.total_tokens);
 */
import { once } from "node:events";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { RateLimiter } from "../gateway/policies.js";
import { Limiter } from "./limiter.js";
import { MemoryStore } from "./memory-store.js";
import { RedisStore } from "./redis-store.js";

export interface LimiterOptions {
  /** `--redis-url` / `TESSERA_REDIS_URL`; undefined keeps the limits in memory. */
  redisUrl: string | undefined;
  log: Logger;
  /** Redis key prefix; default `TESSERA_REDIS_PREFIX` from `env`, else `tessera:rl:`. */
  prefix?: string;
  /** Where `TESSERA_REDIS_PREFIX` and `TESSERA_REDIS_TIMEOUT_MS` are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface RateLimiterService extends RateLimiter {
  close(): Promise<void>;
}

export const DEFAULT_REDIS_PREFIX = "tessera:rl:";
/** A Redis that does not answer within this many ms counts as down for that request. */
export const DEFAULT_REDIS_TIMEOUT_MS = 250;
const CONNECT_WAIT_MS = 2_000;
const WARN_EVERY_MS = 30_000;

/** Host and port only: a Redis URL may carry a password, which is never logged. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "(unparsable URL)";
  }
}

/** Whether the first connection comes up within `ms` (false at once when it is refused). */
async function readyWithin(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === "ready") return true;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    return await Promise.race([
      once(redis, "ready", { signal: ac.signal }).then(() => true),
      once(redis, "error", { signal: ac.signal }).then(() => false),
    ]);
  } catch {
    return false;
  } finally {
    ac.abort();
    clearTimeout(timer);
  }
}

export async function createRateLimiter(o: LimiterOptions): Promise<RateLimiterService> {
  const env = o.env ?? process.env;
  const memory = new MemoryStore();
  if (!o.redisUrl) {
    const limiter = new Limiter(memory, o.log);
    return { admit: (req) => limiter.admit(req), close: () => memory.close() };
  }

  if (!/^rediss?:\/\//.test(o.redisUrl)) throw new Error("The Redis URL (--redis-url / TESSERA_REDIS_URL) must start with redis:// or rediss://.");
  const timeout = Number(env["TESSERA_REDIS_TIMEOUT_MS"] ?? DEFAULT_REDIS_TIMEOUT_MS);
  const prefix = o.prefix ?? env["TESSERA_REDIS_PREFIX"] ?? DEFAULT_REDIS_PREFIX;
  const redis = new Redis(o.redisUrl, {
    // Fail fast rather than queue: a request must never wait on a Redis that is away.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_REDIS_TIMEOUT_MS,
    connectTimeout: CONNECT_WAIT_MS,
    // How long a closing socket may linger; ioredis' default (2 s) holds shutdown up when Redis is down.
    disconnectTimeout: 200,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let lastWarn = 0;
  redis.on("error", (err: Error) => {
    const now = Date.now();
    if (now - lastWarn < WARN_EVERY_MS) return;
    lastWarn = now;
    o.log.warn({ redis: where(o.redisUrl ?? ""), reason: err.message }, "rate-limit Redis connection error");
  });
  if (await readyWithin(redis, CONNECT_WAIT_MS)) o.log.info({ redis: where(o.redisUrl), prefix }, "rate limits kept in Redis");
  else o.log.error({ redis: where(o.redisUrl) }, "rate-limit Redis unreachable: each gateway process enforces the limits on its own until it is back");

  const limiter = new Limiter(new RedisStore(redis, prefix), o.log, memory);
  return {
    admit: (req) => limiter.admit(req),
    async close() {
      await memory.close();
      if (redis.status === "ready") {
        try {
          await redis.quit();
          return;
        } catch {
          // fall through: drop the connection
        }
      }
      redis.disconnect();
    },
  };
}
