/**
 * OAuth machine-to-machine for service principals: client secrets (stored as SHA-256
 * hashes, shown once) exchanged at `/oidc/v1/token` for a signed JWT access token.
 *
 * Signing: HS256 with a 256-bit key made on first use and kept in the store encrypted with
 * the master key (`SecretService.sealedSetting`), so tokens survive a restart and a copy of
 * the database alone cannot mint them. Only the gateway verifies its tokens, so a shared
 * key is enough and verification is one HMAC (no key lookup, no database query).
 *
 * Each token names the secret it was issued from (`csid`): deleting the secret, or
 * deleting or deactivating the service principal, rejects its tokens at once.
 */
import { createHash, randomBytes, randomUUID, webcrypto } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { Db } from "../store/index.js";
import type { Directory, Entry } from "./directory.js";

/** Default lifetime of an access token (`TESSERA_OAUTH_TOKEN_LIFETIME_SECONDS` changes it). */
export const TOKEN_LIFETIME_SECONDS = 3600;
export const AUDIENCE = "tessera";
const SECRET_PREFIX = "tsrs_";
const EXPIRED = "The access token has expired.";
const REVOKED = "The access token has been revoked.";

export interface SecretInfo {
  id: string;
  principalId: string;
  createTime: number;
  updateTime: number;
}

export type Verified = { ok: true; principalId: string; jti: string } | { ok: false; reason: string };

function hash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** `eyJ…` and three dot-separated parts: a JWT, not a personal access token. */
export function looksLikeJwt(token: string): boolean {
  return token.startsWith("eyJ") && token.split(".").length === 3;
}

export class OAuthService {
  private byHash = new Map<string, SecretInfo>();
  private byId = new Map<string, SecretInfo>();
  private keySource: (() => Promise<string>) | undefined;
  private key: Promise<webcrypto.CryptoKey> | undefined;
  private readonly verified = new Map<string, { principalId: string; jti: string; secretId: string; expiresAt: number }>();

  constructor(
    private readonly db: Db,
    private readonly dir: Directory,
    readonly lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
  ) {}

  /** Where the signing key comes from (hex, kept encrypted by the secrets store). */
  setKeySource(source: () => Promise<string>): void {
    this.keySource ??= source;
  }

  private signingKey(): Promise<webcrypto.CryptoKey> {
    const source = this.keySource;
    if (!source) return Promise.reject(new Error("the OAuth signing key is not available"));
    this.key ??= source().then((hex) =>
      webcrypto.subtle.importKey("raw", Buffer.from(hex, "hex"), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]),
    );
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }

  async load(): Promise<void> {
    const rows = await this.db.selectFrom("oauth_secrets").select(["id", "principal_id", "secret_hash", "create_time", "update_time"]).execute();
    this.byHash = new Map();
    this.byId = new Map();
    for (const r of rows) this.index(r.secret_hash, { id: r.id, principalId: r.principal_id, createTime: Number(r.create_time), updateTime: Number(r.update_time) });
  }

  private index(h: string, info: SecretInfo): void {
    this.byHash.set(h, info);
    this.byId.set(info.id, info);
  }

  /** A new client secret for a service principal; the value is returned here only. */
  async createSecret(principalId: string): Promise<{ info: SecretInfo; secret: string }> {
    const secret = SECRET_PREFIX + randomBytes(32).toString("base64url");
    const now = Date.now();
    const info: SecretInfo = { id: randomBytes(16).toString("hex"), principalId, createTime: now, updateTime: now };
    const h = hash(secret);
    await this.db.insertInto("oauth_secrets").values({ id: info.id, principal_id: principalId, secret_hash: h, create_time: now, update_time: now }).execute();
    this.index(h, info);
    return { info, secret };
  }

  list(principalId: string): SecretInfo[] {
    return [...this.byId.values()].filter((s) => s.principalId === principalId).sort((a, b) => a.createTime - b.createTime);
  }

  /** Deletes a secret; tokens issued from it stop working at once. */
  async deleteSecret(principalId: string, secretId: string): Promise<boolean> {
    const info = this.byId.get(secretId);
    if (!info || info.principalId !== principalId) return false;
    await this.db.deleteFrom("oauth_secrets").where("id", "=", secretId).execute();
    this.forget((s) => s.id === secretId);
    return true;
  }

  /** Forgets a deleted principal's secrets (their rows went with it). */
  forgetPrincipal(principalId: string): void {
    this.forget((s) => s.principalId === principalId);
  }

  private forget(match: (s: SecretInfo) => boolean): void {
    for (const [h, s] of this.byHash) if (match(s)) this.byHash.delete(h);
    for (const [id, s] of this.byId) if (match(s)) this.byId.delete(id);
  }

  /** The active service principal and secret a client id and secret stand for, or undefined. */
  authenticateClient(clientId: string, secret: string): { sp: Entry; secretId: string } | undefined {
    const info = this.byHash.get(hash(secret));
    const sp = this.dir.find("service_principal", clientId);
    if (!info || !sp || info.principalId !== sp.id || !this.dir.principal(sp.id)) return undefined;
    return { sp, secretId: info.id };
  }

  async issue(sp: Entry, secretId: string, issuer: string, scope: string): Promise<string> {
    return new SignJWT({ scope, client_id: sp.name, csid: secretId })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject(sp.name)
      .setIssuedAt()
      .setExpirationTime(`${this.lifetimeSeconds}s`)
      .setJti(randomUUID())
      .sign(await this.signingKey());
  }

  /**
   * Checks signature, audience and expiry — once per token string: a verified token is
   * remembered until it expires (an HMAC check costs ~50 µs, a Map hit well under 1) — and,
   * on every request, that the principal and the secret it came from are still there.
   */
  async verify(token: string): Promise<Verified> {
    let v = this.verified.get(token);
    if (!v) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, await this.signingKey(), { algorithms: ["HS256"], audience: AUDIENCE, requiredClaims: ["sub", "jti", "exp", "iat"] }));
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) return { ok: false, reason: EXPIRED };
        return { ok: false, reason: "Invalid access token." };
      }
      const sp = typeof payload.sub === "string" ? this.dir.find("service_principal", payload.sub) : undefined;
      if (!sp || typeof payload["csid"] !== "string") return { ok: false, reason: REVOKED };
      v = { principalId: sp.id, jti: String(payload.jti), secretId: payload["csid"], expiresAt: Number(payload.exp) * 1000 };
      if (this.verified.size >= 10_000) this.verified.clear();
      this.verified.set(token, v);
    }
    if (v.expiresAt <= Date.now()) {
      this.verified.delete(token);
      return { ok: false, reason: EXPIRED };
    }
    const secret = this.byId.get(v.secretId);
    if (!secret || secret.principalId !== v.principalId || this.dir.get(v.principalId)?.kind !== "service_principal") return { ok: false, reason: REVOKED };
    return { ok: true, principalId: v.principalId, jti: v.jti };
  }
}
