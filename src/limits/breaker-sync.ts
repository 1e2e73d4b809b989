/**
 * Circuit-breaker state shared through Redis (the `--redis-url` the rate limits use), so
 * that an upstream one replica found failing is skipped by all of them.
 *
 * - An open is a key `<prefix>cb:open:<endpoint>/<entity>` that lives as long as the open
 *   (PX = the cool-down), plus a message on the channel `<prefix>cb`. Replicas listening
 *   open their own breaker for the time that is left; a replica that starts, or whose
 *   subscription comes back after a cut, reads the keys (SCAN) to catch up on opens it did
 *   not hear. Durations travel, not instants: replicas' clocks need not agree.
 * - A close (the entity answered after failures) deletes both keys and is announced too.
 * - Failures are counted in `<prefix>cb:fail:<endpoint>/<entity>` (INCR; the key expires
 *   `windowMs` after the first failure), so the fleet's failures add up to the threshold.
 *   A success seen after failures deletes the count. This is looser than the local
 *   breaker's "N in a row": failures on one replica and successes on another within the
 *   same window may still add up.
 *
 * - One half-open trial for the fleet: when a replica's cool-down has passed, the request
 *   that would be its trial first runs CLAIM (below): refused while the open key still
 *   lives (the replica opens for what is left), refused while another replica holds the
 *   lease `<prefix>cb:trial:<endpoint>/<entity>` (SET NX PX = the trial's time-out, after
 *   which a trial that never reported back counts as lost), else granted. The outcome is
 *   the trial's close or open announcement, which also deletes the lease; a trial cut
 *   short by its client deletes the lease if it is still this replica's.
 *
 * Nothing else here is awaited by a request (the claim is one round trip, bounded by the
 * command time-out, and taken only by the request that would be a trial). Redis down: every command fails fast (no offline
 * queue, `TESSERA_REDIS_TIMEOUT_MS`), is logged at most every 30 s, and each replica keeps
 * its local breakers — requests are never failed for it.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import type { BreakerSync, BreakerTarget, RemoteBreakerApplier, TrialClaim } from "../gateway/breaker-sync.js";
import { checkRedisUrl, closeRedis, connectRedis, CONNECT_WAIT_MS, readyWithin, where } from "./redis-connection.js";

export interface RedisBreakerSyncOptions {
  redisUrl: string;
  log: Logger;
  /** Key and channel prefix; the rate limits' (`TESSERA_REDIS_PREFIX`, else `tessera:rl:`) by default. */
  prefix: string;
  env?: NodeJS.ProcessEnv;
}

export interface RedisBreakerSync extends BreakerSync {
  /** Where changes heard from other replicas go; catches up on the opens stored now. */
  attach(apply: RemoteBreakerApplier): void;
  claimTrial(t: BreakerTarget, leaseMs: number): Promise<TrialClaim>;
  releaseTrial(t: BreakerTarget): void;
  close(): Promise<void>;
}

/** The message on the channel (and nothing else is trusted from it). */
const BreakerMessage = z.object({
  from: z.string(),
  op: z.enum(["open", "close"]),
  endpoint: z.string(),
  entity: z.string(),
  ms: z.number().int().nonnegative().optional(),
});
type BreakerMessage = z.infer<typeof BreakerMessage>;

// KEYS[1]: the count. ARGV[1]: the window (ms). The window starts with the first failure.
const COUNT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;

// KEYS[1]: the open key, KEYS[2]: the trial lease. ARGV[1]: this replica, ARGV[2]: the lease (ms).
// → {"open", ms left} | {"held", 0} | {"granted", 0}
const CLAIM = `local left = redis.call('PTTL', KEYS[1])
if left > 0 then return {'open', left} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'granted', 0} end
return {'held', 0}`;
// KEYS[1]: the trial lease, ARGV[1]: this replica. Deletes the lease only if it is ours.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const ClaimReply = z.tuple([z.enum(["open", "held", "granted"]), z.number().int()]);

const WARN_EVERY_MS = 30_000;

function keyOf(t: BreakerTarget): string {
  return `${encodeURIComponent(t.endpoint)}/${encodeURIComponent(t.entity)}`;
}

function targetOf(key: string): BreakerTarget | undefined {
  const [endpoint, entity, extra] = key.split("/");
  if (endpoint === undefined || entity === undefined || extra !== undefined) return undefined;
  try {
    return { endpoint: decodeURIComponent(endpoint), entity: decodeURIComponent(entity) };
  } catch {
    return undefined;
  }
}

export async function createRedisBreakerSync(o: RedisBreakerSyncOptions): Promise<RedisBreakerSync> {
  checkRedisUrl(o.redisUrl);
  const env = o.env ?? process.env;
  const self = randomBytes(8).toString("hex");
  const channel = `${o.prefix}cb`;
  const openKey = (t: BreakerTarget) => `${o.prefix}cb:open:${keyOf(t)}`;
  const failKey = (t: BreakerTarget) => `${o.prefix}cb:fail:${keyOf(t)}`;
  const trialKey = (t: BreakerTarget) => `${o.prefix}cb:trial:${keyOf(t)}`;
  const cmd: Redis = connectRedis(o.redisUrl, env, o.log, "circuit-breaker");
  const sub: Redis = connectRedis(o.redisUrl, env, o.log, "circuit-breaker subscription", true);
  let apply: RemoteBreakerApplier | undefined;
  let lastWarn = 0;
  let closed = false;

  const warn = (err: unknown, doing: string) => {
    const now = Date.now();
    if (now - lastWarn < WARN_EVERY_MS) return;
    lastWarn = now;
    o.log.warn({ redis: where(o.redisUrl), reason: err instanceof Error ? err.message : String(err) }, `circuit-breaker Redis: ${doing} failed; breakers are per replica until it answers`);
  };
  const publish = (m: Omit<BreakerMessage, "from">) => cmd.publish(channel, JSON.stringify({ ...m, from: self }));

  /** Applies every open stored now (a start, or a subscription back after a cut). */
  const catchUp = async () => {
    if (!apply || closed) return;
    try {
      const match = `${o.prefix}cb:open:*`;
      let cursor = "0";
      do {
        const [next, keys] = await cmd.scan(cursor, "MATCH", match, "COUNT", 500);
        cursor = next;
        for (const key of keys) {
          const ms = await cmd.pttl(key);
          const t = targetOf(key.slice(match.length - 1));
          if (t && ms > 0) apply(t, { op: "open", forMs: ms });
        }
      } while (cursor !== "0");
    } catch (err) {
      warn(err, "reading the open breakers");
    }
  };

  sub.on("message", (ch: string, text: string) => {
    if (ch !== channel || !apply) return;
    let m: BreakerMessage;
    try {
      const parsed = BreakerMessage.safeParse(JSON.parse(text));
      if (!parsed.success) return;
      m = parsed.data;
    } catch {
      return;
    }
    if (m.from === self) return;
    const t = { endpoint: m.endpoint, entity: m.entity };
    apply(t, m.op === "open" ? { op: "open", forMs: m.ms ?? 0 } : { op: "close" });
  });
  sub.on("ready", () => void catchUp());
  sub.subscribe(channel).catch((err: unknown) => warn(err, "subscribing"));

  if (await readyWithin(cmd, CONNECT_WAIT_MS)) o.log.info({ redis: where(o.redisUrl), prefix: o.prefix }, "circuit breakers shared through Redis");
  else o.log.error({ redis: where(o.redisUrl) }, "circuit-breaker Redis unreachable: each gateway process keeps its own breakers until it is back");

  return {
    attach(fn) {
      apply = fn;
      void catchUp();
    },
    opened(t, forMs) {
      const ms = Math.max(1, Math.round(forMs));
      cmd
        .multi()
        .set(openKey(t), self, "PX", ms)
        .del(failKey(t), trialKey(t))
        .exec()
        .then(() => publish({ op: "open", endpoint: t.endpoint, entity: t.entity, ms }))
        .catch((err: unknown) => warn(err, "announcing an open breaker"));
    },
    closed(t, wasOpen) {
      const done = wasOpen ? cmd.del(openKey(t), failKey(t), trialKey(t)).then(() => publish({ op: "close", endpoint: t.endpoint, entity: t.entity })) : cmd.del(failKey(t));
      done.catch((err: unknown) => warn(err, "announcing a closed breaker"));
    },
    async failed(t, windowMs) {
      try {
        const n = await cmd.eval(COUNT, 1, failKey(t), Math.max(1, Math.round(windowMs)));
        return typeof n === "number" ? n : undefined;
      } catch (err) {
        warn(err, "counting a failure");
        return undefined;
      }
    },
    async claimTrial(t, leaseMs) {
      try {
        const reply = ClaimReply.safeParse(await cmd.eval(CLAIM, 2, openKey(t), trialKey(t), self, Math.max(1, Math.round(leaseMs))));
        if (!reply.success) return { granted: true };
        const [status, left] = reply.data;
        if (status === "granted") return { granted: true };
        return { granted: false, openForMs: status === "open" ? left : 0 };
      } catch (err) {
        warn(err, "claiming the half-open trial");
        return { granted: true };
      }
    },
    releaseTrial(t) {
      cmd.eval(RELEASE, 1, trialKey(t), self).catch((err: unknown) => warn(err, "releasing the half-open trial"));
    },
    async close() {
      closed = true;
      apply = undefined;
      await Promise.all([closeRedis(sub), closeRedis(cmd)]);
    },
  };
}
