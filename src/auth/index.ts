/**
 * Identity: principals (users, groups, service principals), personal access tokens and
 * OAuth machine-to-machine tokens; and who may do what (`permissions/`).
 *
 * Everything a request needs — token → owner → groups → effective permission — is answered
 * from memory after the first use of a token; the store is written through on every change.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { QueryAuthorizer } from "../gateway/policies.js";
import { errors } from "../gateway/errors.js";
import { Access, type EndpointRef } from "../permissions/access.js";
import { Grants } from "../permissions/grants.js";
import type { EndpointLevel, ScopePermission } from "../permissions/levels.js";
import type { SecretService } from "../secrets/index.js";
import type { Db } from "../store/index.js";
import { tokenFromHeader } from "../server/auth.js";
import { Directory } from "./directory.js";
import { looksLikeJwt, OAuthService, TOKEN_LIFETIME_SECONDS } from "./oauth.js";
import type { Principal } from "./principal.js";
import { IdentitySync } from "./sync.js";
import { TokenService } from "./tokens.js";

export type { Principal } from "./principal.js";

/** What other folders may ask of identity and permissions. */
export interface AccessControl extends QueryAuthorizer {
  /** Throws 403 (or 404 when the caller cannot even view it) unless the caller has `level` on the endpoint (by name; `byId`: by id, then name). */
  requireEndpoint(caller: Principal, endpointName: string, level: EndpointLevel, byId?: boolean): Promise<EndpointRef & { level: EndpointLevel }>;
  /** Throws 403 unless the caller is an admin. */
  requireAdmin(caller: Principal): void;
  /** The caller's effective level on an endpoint by id (undefined: cannot view it). */
  endpointLevel(caller: Principal, endpointId: string): EndpointLevel | undefined;
}

export interface IdentityService {
  /**
   * The caller a request's `Authorization` header names. Synchronous for a known personal
   * access token (the cache hit of every request but a token's first); a promise when the
   * store or a JWT check must be awaited. Throws (or rejects) with a 401 otherwise.
   */
  authenticate(header: string | undefined): Principal | Promise<Principal>;
  access: Access;
  /** Set on the first start without TESSERA_ADMIN_TOKEN: the generated admin token, to print once. */
  generatedAdminToken: string | undefined;
  tokens: TokenService;
  directory: Directory;
  oauth: OAuthService;
  /** Runs a change of identity state (one at a time; other replicas notice it). */
  change<T>(fn: () => Promise<T>): Promise<T>;
  /** Deletes a principal and everything it owns: tokens, OAuth secrets, grants, memberships. */
  deletePrincipal(id: string): Promise<void>;
  /** Gives OAuth its signing key, kept encrypted by the secrets store. Idempotent. */
  bindSecrets(secrets: SecretService): void;
  /** Reloads identity state if another replica changed it (told so, or a periodic re-sync). */
  refresh(): Promise<void>;
}

const SIGNING_KEY = "oauth_signing_key";

/** How often a process looks for identity changes made by other processes on the same store (`TESSERA_IDENTITY_SYNC_MS`, default 5 s). */
function syncMsOf(env: NodeJS.ProcessEnv): number {
  const n = Number(env["TESSERA_IDENTITY_SYNC_MS"] ?? 5_000);
  return Number.isFinite(n) && n >= 0 ? n : 5_000;
}

/** `TESSERA_OAUTH_TOKEN_LIFETIME_SECONDS` (1 s to 24 h), else one hour as Databricks issues them. */
function lifetimeOf(env: NodeJS.ProcessEnv): number {
  const raw = env["TESSERA_OAUTH_TOKEN_LIFETIME_SECONDS"];
  if (raw === undefined || raw === "") return TOKEN_LIFETIME_SECONDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 86_400) throw new Error("TESSERA_OAUTH_TOKEN_LIFETIME_SECONDS must be a whole number of seconds from 1 to 86400.");
  return n;
}

export interface IdentityOptions {
  db: Db;
  env: NodeJS.ProcessEnv;
  log: Logger;
  secrets?: SecretService;
  /** Tells the other replicas that identity state changed (after it is written). */
  announce?: () => Promise<void>;
}

export async function createIdentity(o: IdentityOptions): Promise<IdentityService> {
  const directory = new Directory(o.db);
  const tokens = new TokenService(o.db);
  const oauth = new OAuthService(o.db, directory, lifetimeOf(o.env));
  const endpointGrants = new Grants<EndpointLevel>(o.db, "endpoint_acls");
  const scopeGrants = new Grants<ScopePermission>(o.db, "secret_acls");
  const access = new Access(directory, endpointGrants, scopeGrants, o.db);
  directory.onChange = endpointGrants.onChange = scopeGrants.onChange = () => access.invalidate();
  const reload = async () => {
    await directory.load();
    await endpointGrants.load();
    await scopeGrants.load();
    await oauth.load();
    tokens.clearCache();
  };
  const sync = new IdentitySync(o.db, reload, syncMsOf(o.env), o.announce);
  await sync.start();
  const { generated } = await tokens.bootstrap(o.env["TESSERA_ADMIN_TOKEN"]);

  // The principal with a request's token id, made once per (token, principal version): the
  // directory hands out the same object until the principal changes, so this is a Map hit.
  const bound = new Map<string, { base: Principal; value: Principal }>();
  const withToken = (p: Principal, tokenId: string): Principal => {
    const b = bound.get(tokenId);
    if (b && b.base === p) return b.value;
    if (bound.size > 10_000) bound.clear();
    const value: Principal = Object.freeze({ ...p, tokenId });
    bound.set(tokenId, { base: p, value });
    return value;
  };
  const ownerOf = (t: { tokenId: string; ownerId: string } | undefined): Principal => {
    const p = t && directory.principal(t.ownerId);
    if (!t || !p) throw errors.unauthenticated("Invalid access token.");
    return withToken(p, t.tokenId);
  };
  const verifyJwt = async (token: string): Promise<Principal> => {
    const v = await oauth.verify(token);
    if (!v.ok) throw errors.unauthenticated(v.reason);
    const p = directory.principal(v.principalId);
    if (!p) throw errors.unauthenticated("The access token has been revoked.");
    return withToken(p, v.jti);
  };
  const identity: IdentityService = {
    tokens,
    directory,
    oauth,
    access,
    generatedAdminToken: generated,
    change: (fn) => sync.change(fn),
    refresh: () => sync.refresh(),
    authenticate(header) {
      sync.poll();
      const token = tokenFromHeader(header);
      if (!token) throw errors.unauthenticated("Missing credentials: send Authorization: Bearer <token>, or Basic auth with the token as the password.");
      if (looksLikeJwt(token)) return verifyJwt(token);
      const t = tokens.lookup(token);
      return t instanceof Promise ? t.then(ownerOf) : ownerOf(t);
    },
    async deletePrincipal(id) {
      await sync.change(async () => {
        await directory.delete(id);
        tokens.evictOwner(id);
        oauth.forgetPrincipal(id);
        endpointGrants.forgetPrincipal(id);
        scopeGrants.forgetPrincipal(id);
      });
    },
    bindSecrets(secrets) {
      oauth.setKeySource(() => secrets.sealedSetting(SIGNING_KEY, () => randomBytes(32).toString("hex")));
    },
  };
  if (o.secrets) identity.bindSecrets(o.secrets);
  return identity;
}
