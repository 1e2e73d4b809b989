/**
 * Access tokens. Only their SHA-256 hashes are stored; the value is shown once, when it
 * is made. Lookups on the hot path hit an in-memory cache of known hashes.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { Db } from "../store/index.js";

import { BOOTSTRAP_ADMIN, type Principal } from "./principal.js";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A new token value: a recognisable prefix (for secret scanners) and 256 random bits. */
export function newTokenValue(): string {
  return `tsr_${randomBytes(32).toString("base64url")}`;
}

const CACHE_MS = 30_000;

export class TokenService {
  private readonly cache = new Map<string, { principal: Principal | undefined; until: number }>();

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
        .values({ id: "admin-env", token_hash: hash, principal: "admin", comment: "TESSERA_ADMIN_TOKEN", creation_time: Date.now(), expiry_time: null })
        .onConflict((oc) => oc.column("token_hash").doNothing())
        .execute();
      this.cache.clear();
      return {};
    }
    const any = await this.db.selectFrom("tokens").select("id").where("principal", "=", "admin").executeTakeFirst();
    if (any) return {};
    const token = newTokenValue();
    await this.db
      .insertInto("tokens")
      .values({ id: randomUUID(), token_hash: hashToken(token), principal: "admin", comment: "generated at first start", creation_time: Date.now(), expiry_time: null })
      .execute();
    return { generated: token };
  }

  /** The principal a token belongs to, or undefined for an unknown or expired token. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.principal;
    const row = await this.db.selectFrom("tokens").select(["id", "principal", "expiry_time", "token_hash"]).where("token_hash", "=", hash).executeTakeFirst();
    let principal: Principal | undefined;
    if (row && timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(hash)) && (row.expiry_time === null || Number(row.expiry_time) > now)) {
      principal = { ...BOOTSTRAP_ADMIN, tokenId: row.id };
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    return principal;
  }
}
