/**
 * Personal access tokens. Only their SHA-256 hashes are stored; the value is shown once,
 * when it is made. Lookups on the hot path hit an in-memory cache of known tokens, which
 * maps a token to its owner's id only: the owner is resolved in the directory on every
 * request, so a deactivated owner is refused at once. Deleting a token evicts it here; other
 * replicas drop their caches when they see the identity version change (`sync.ts`).
 */
import { createHash, randomBytes } from "node:crypto";
import { isStoreUnavailable, type Db, type TokenTable } from "../store/index.js";
import { ADMIN_ID } from "./directory.js";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A new token value: a recognisable prefix (for secret scanners) and 256 random bits. */
export function newTokenValue(): string {
  return `tsr_${randomBytes(32).toString("base64url")}`;
}

/** Longest lifetime of a cache entry; an expiry time is honoured to the millisecond anyway. */
const CACHE_MS = 30_000;
const MISS_MS = 5_000;
const MAX_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

export type TokenRow = Omit<TokenTable, "token_hash">;

/** What a lookup finds: the token's id and its owner's id, or nothing. */
type Found = { tokenId: string; ownerId: string } | undefined;

interface Cached {
  /** Empty for a hash that matched no token. */
  tokenId: string;
  ownerId: string;
  expiry: number | null;
  until: number;
}

export class TokenService {
  private readonly cache = new Map<string, Cached>();
  /**
   * Cache keys are the token values themselves, so a hit costs no SHA-256 (the store still
   * keeps only hashes; the values live in memory only as long as a request would hold them).
   */
  private readonly keyOf = new Map<string, string>();
  /** Bumped on every eviction: a lookup that read the store before it must not cache what it read. */
  private generation = 0;

  constructor(private readonly db: Db) {}

  /**
   * Makes sure an admin token exists. With `TESSERA_ADMIN_TOKEN`, that value is the admin
   * token (stored as its hash). Without it, a token is generated on the first start only and
   * returned so it can be printed once; later starts return undefined.
   */
  async bootstrap(envToken: string | undefined): Promise<{ generated?: string }> {
    if (envToken !== undefined) {
      if (envToken.length < 8) throw new Error("TESSERA_ADMIN_TOKEN must be at least 8 characters.");
      const hash = hashToken(envToken);
      await this.db.deleteFrom("tokens").where("id", "=", "admin-env").execute();
      await this.db
        .insertInto("tokens")
        .values({ id: "admin-env", token_hash: hash, principal: ADMIN_ID, created_by: ADMIN_ID, comment: "TESSERA_ADMIN_TOKEN", creation_time: Date.now(), expiry_time: null })
        .onConflict((oc) => oc.column("token_hash").doNothing())
        .execute();
      this.clearCache();
      return {};
    }
    const any = await this.db.selectFrom("tokens").select("id").where("principal", "=", ADMIN_ID).executeTakeFirst();
    if (any) return {};
    const { value } = await this.create({ ownerId: ADMIN_ID, createdBy: ADMIN_ID, comment: "generated at first start" });
    return { generated: value };
  }

  /** Makes a token; the value is returned here and nowhere else, ever. */
  async create(o: { ownerId: string; createdBy: string; lifetimeSeconds?: number | undefined; comment?: string | undefined }): Promise<{ value: string; row: TokenRow }> {
    const value = newTokenValue();
    const now = Date.now();
    const lifetime = o.lifetimeSeconds && o.lifetimeSeconds > 0 ? Math.min(o.lifetimeSeconds, MAX_LIFETIME_SECONDS) : undefined;
    const row: TokenRow = {
      id: randomBytes(32).toString("hex"),
      principal: o.ownerId,
      created_by: o.createdBy,
      comment: o.comment ?? null,
      creation_time: now,
      expiry_time: lifetime ? now + lifetime * 1000 : null,
    };
    await this.db.insertInto("tokens").values({ ...row, token_hash: hashToken(value) }).execute();
    return { value, row };
  }

  async list(filter: { ownerId?: string; createdBy?: string } = {}): Promise<TokenRow[]> {
    let q = this.db.selectFrom("tokens").select(["id", "principal", "created_by", "comment", "creation_time", "expiry_time"]).orderBy("creation_time");
    if (filter.ownerId !== undefined) q = q.where("principal", "=", filter.ownerId);
    if (filter.createdBy !== undefined) q = q.where("created_by", "=", filter.createdBy);
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, creation_time: Number(r.creation_time), expiry_time: r.expiry_time === null ? null : Number(r.expiry_time) }));
  }

  async get(id: string): Promise<TokenRow | undefined> {
    const r = await this.db.selectFrom("tokens").select(["id", "principal", "created_by", "comment", "creation_time", "expiry_time"]).where("id", "=", id).executeTakeFirst();
    return r && { ...r, creation_time: Number(r.creation_time), expiry_time: r.expiry_time === null ? null : Number(r.expiry_time) };
  }

  /** Deletes a token; it stops working at once. False when there was none. */
  async delete(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom("tokens").where("id", "=", id).executeTakeFirst();
    this.evict(id);
    return Number(res.numDeletedRows) > 0;
  }

  /** Drops a token from the cache (its row is gone or going). */
  evict(id: string): void {
    this.generation++;
    const key = this.keyOf.get(id);
    if (key !== undefined) this.cache.delete(key);
    this.keyOf.delete(id);
  }

  /** Drops every cached token of an owner (after the owner was deleted). */
  evictOwner(ownerId: string): void {
    this.generation++;
    for (const [key, c] of this.cache) {
      if (c.ownerId === ownerId) {
        this.cache.delete(key);
        this.keyOf.delete(c.tokenId);
      }
    }
  }

  clearCache(): void {
    this.generation++;
    this.cache.clear();
    this.keyOf.clear();
  }

  /**
   * The token's id and owner's id, or undefined for an unknown or expired token. A cache
   * hit answers synchronously (every request but the first of a token in 30 s takes this
   * path, so it costs no promise); only a miss reads the store.
   */
  lookup(token: string): Found | Promise<Found> {
    const now = Date.now();
    const hit = this.cache.get(token);
    if (hit && hit.until > now) {
      if (hit.tokenId === "" || (hit.expiry !== null && hit.expiry <= now)) return undefined;
      return hit;
    }
    return this.lookupStore(token, hit, now);
  }

  private async lookupStore(token: string, hit: Cached | undefined, now: number): Promise<Found> {
    const hash = hashToken(token);
    const generation = this.generation;
    let row;
    try {
      row = await this.db.selectFrom("tokens").select(["id", "principal", "expiry_time"]).where("token_hash", "=", hash).executeTakeFirst();
    } catch (err) {
      // The store is down: a token this process already knew keeps working (it stays
      // revocable — a revocation reaches this replica only through the store anyway).
      if (hit && hit.tokenId !== "" && isStoreUnavailable(err)) return hit.expiry !== null && hit.expiry <= now ? undefined : hit;
      throw err;
    }
    const expiry = row?.expiry_time === null || row === undefined ? null : Number(row.expiry_time);
    const found = row && (expiry === null || expiry > now) ? { tokenId: row.id, ownerId: row.principal } : undefined;
    // An eviction while the store was read: what was read may be gone already, so it is not cached.
    if (generation !== this.generation) return found;
    if (this.cache.size > 10_000) this.clearCache();
    if (row) {
      this.cache.set(token, { tokenId: row.id, ownerId: row.principal, expiry, until: now + CACHE_MS });
      this.keyOf.set(row.id, token);
    } else {
      // Unknown tokens are remembered briefly too, so a client retrying a bad token costs no query.
      this.cache.set(token, { tokenId: "", ownerId: "", expiry: null, until: now + MISS_MS });
    }
    return found;
  }
}
