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
import type { Logger } from "pino";
import type { RateLimiter } from "../gateway/policies.js";
import { Limiter } from "./limiter.js";
import { MemoryStore } from "./memory-store.js";
import { checkRedisUrl, closeRedis, connectRedis, CONNECT_WAIT_MS, readyWithin, where } from "./redis-connection.js";
import { RedisStore } from "./redis-store.js";

export { DEFAULT_REDIS_TIMEOUT_MS } from "./redis-connection.js";
export { createRedisBreakerSync, type RedisBreakerSync } from "./breaker-sync.js";

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

export async function createRateLimiter(o: LimiterOptions): Promise<RateLimiterService> {
  const env = o.env ?? process.env;
  const memory = new MemoryStore();
  if (!o.redisUrl) {
    const limiter = new Limiter(memory, o.log);
    return { admit: (req) => limiter.admit(req), close: () => memory.close() };
  }

  checkRedisUrl(o.redisUrl);
  const prefix = o.prefix ?? env["TESSERA_REDIS_PREFIX"] ?? DEFAULT_REDIS_PREFIX;
  const redis = connectRedis(o.redisUrl, env, o.log, "rate-limit");
  if (await readyWithin(redis, CONNECT_WAIT_MS)) o.log.info({ redis: where(o.redisUrl), prefix }, "rate limits kept in Redis");
  else o.log.error({ redis: where(o.redisUrl) }, "rate-limit Redis unreachable: each gateway process enforces the limits on its own until it is back");

  const limiter = new Limiter(new RedisStore(redis, prefix), o.log, memory);
  return {
    admit: (req) => limiter.admit(req),
    async close() {
      await memory.close();
      await closeRedis(redis);
    },
  };
}
