/**
 * The Redis connections of one gateway process (rate-limit budgets, shared circuit
 * breakers): options that fail fast instead of queueing — a request must never wait on a
 * Redis that is away — and error logs that are throttled and never carry the URL's password.
 */
import { once } from "node:events";
import { Redis } from "ioredis";
import type { Logger } from "pino";

/** A Redis that does not answer within this many ms counts as down for that request. */
export const DEFAULT_REDIS_TIMEOUT_MS = 250;
export const CONNECT_WAIT_MS = 2_000;
const WARN_EVERY_MS = 30_000;

/** Host and port only: a Redis URL may carry a password, which is never logged. */
export function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "(unparsable URL)";
  }
}

export function checkRedisUrl(url: string): void {
  if (!/^rediss?:\/\//.test(url)) throw new Error("The Redis URL (--redis-url / TESSERA_REDIS_URL) must start with redis:// or rediss://.");
}

/**
 * A fail-fast client: no offline queue, no retries per command, `TESSERA_REDIS_TIMEOUT_MS`
 * per command; it reconnects by itself. `what` names it in the (throttled) error log.
 * `subscriber`: a connection for SUBSCRIBE, whose commands may wait for the connection
 * (ioredis re-subscribes after a reconnect).
 */
export function connectRedis(url: string, env: NodeJS.ProcessEnv, log: Logger, what: string, subscriber = false): Redis {
  const timeout = Number(env["TESSERA_REDIS_TIMEOUT_MS"] ?? DEFAULT_REDIS_TIMEOUT_MS);
  const redis = new Redis(url, {
    enableOfflineQueue: subscriber,
    maxRetriesPerRequest: subscriber ? null : 0,
    ...(subscriber ? {} : { commandTimeout: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_REDIS_TIMEOUT_MS }),
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
    log.warn({ redis: where(url), reason: err.message }, `${what} Redis connection error`);
  });
  return redis;
}

/** Whether the first connection comes up within `ms` (false at once when it is refused). */
export async function readyWithin(redis: Redis, ms: number): Promise<boolean> {
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

/** QUIT when connected, else drop the socket. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "ready") {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through: drop the connection
    }
  }
  redis.disconnect();
}
