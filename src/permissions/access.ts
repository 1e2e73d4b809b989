/**
 * Who may do what. A principal's level on an endpoint is the highest of its own grant and
 * the grants of every group it belongs to (nested groups included); admins have
 * CAN_MANAGE on everything and MANAGE on every secret scope, as the `admins` group does in
 * Databricks.
 *
 * Why 404 and not 403: a caller who cannot even view an endpoint (or has no permission on a
 * secret scope) is told it does not exist, in the very words used for one that does not, so
 * that names cannot be probed. A caller who can view it but lacks more is told which
 * permission is missing.
 *
 * `requireQuery` is on every data-plane request: it answers from a cache of effective
 * levels per (principal, endpoint), dropped whenever a grant or a membership changes.
 */
import type { Principal } from "../auth/principal.js";
import type { Directory } from "../auth/directory.js";
import type { Actor } from "../gateway/endpoint-service.js";
import { errors } from "../gateway/errors.js";
import type { Db } from "../store/index.js";
import type { Grants } from "./grants.js";
import { ENDPOINT_LEVELS, higher, includes, SCOPE_PERMISSIONS, type EndpointLevel, type ScopePermission } from "./levels.js";

/** The entitlement (a Tessera one) that lets a non-admin create serving endpoints and secret scopes. */
export const CREATE_ENTITLEMENT = "allow-endpoint-create";

export interface EndpointRef {
  id: string;
  name: string;
}

export function endpointNotFound(nameOrId: string) {
  return errors.notFound(`Endpoint with name '${nameOrId}' does not exist.`);
}

export function scopeNotFound(scope: string) {
  return errors.notFound(`Scope ${scope} does not exist.`);
}

export class Access {
  private readonly cache = new Map<string, EndpointLevel | null>();

  constructor(
    private readonly dir: Directory,
    readonly endpointGrants: Grants<EndpointLevel>,
    readonly scopeGrants: Grants<ScopePermission>,
    private readonly db: Db,
  ) {}

  /** Drops cached levels; called on every change of grants or membership. */
  invalidate(): void {
    this.cache.clear();
  }

  /** The caller's effective level on an endpoint (by id); undefined: not even CAN_VIEW. */
  endpointLevel(caller: Principal, endpointId: string): EndpointLevel | undefined {
    if (caller.admin) return "CAN_MANAGE";
    const key = `${caller.id}\n${endpointId}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const grants = this.endpointGrants.of(endpointId);
    let level = grants.get(caller.id);
    if (grants.size) for (const g of this.dir.ancestors(caller.id)) level = higher(ENDPOINT_LEVELS, level, grants.get(g));
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(key, level ?? null);
    return level;
  }

  /** The data-plane check: CAN_QUERY, or 403 (can view) / 404 (cannot). */
  requireQuery(caller: Principal, endpoint: EndpointRef): void {
    this.check(caller, endpoint, this.endpointLevel(caller, endpoint.id), "CAN_QUERY", endpoint.name);
  }

  /**
   * An endpoint by name; with `byId`, by id first and then by name (the permissions API is
   * keyed by id). A name may look like another endpoint's id, so the order is fixed per route
   * family: a check is never made on one endpoint for an action on another.
   */
  async findEndpoint(ref: string, byId = false): Promise<EndpointRef | undefined> {
    const q = this.db.selectFrom("endpoints").select(["id", "name"]);
    const byName = () => q.where("name", "=", ref).executeTakeFirst();
    if (!byId) return byName();
    return (await q.where("id", "=", ref).executeTakeFirst()) ?? (await byName());
  }

  /** Resolves an endpoint the caller has `level` on; 404 when it does not exist or the caller cannot view it, else 403. */
  async requireEndpoint(caller: Principal, ref: string, level: EndpointLevel, byId = false): Promise<EndpointRef & { level: EndpointLevel }> {
    const ep = await this.findEndpoint(ref, byId);
    if (!ep) throw endpointNotFound(ref);
    const have = this.endpointLevel(caller, ep.id);
    this.check(caller, ep, have, level, ref);
    return { ...ep, level: have as EndpointLevel };
  }

  private check(caller: Principal, ep: EndpointRef, have: EndpointLevel | undefined, need: EndpointLevel, asked: string): void {
    if (includes(ENDPOINT_LEVELS, have, need)) return;
    if (have === undefined) throw endpointNotFound(asked);
    throw errors.permissionDenied(`Principal ${caller.name} lacks ${need} on serving endpoint '${ep.name}'.`);
  }

  requireAdmin(caller: Principal): void {
    if (!caller.admin) throw errors.permissionDenied(`Principal ${caller.name} is not an admin; this needs admin rights.`);
  }

  /** Admins, and principals with the `allow-endpoint-create` entitlement (own or a group's). */
  requireCreate(caller: Principal, what: "serving endpoints" | "secret scopes"): void {
    if (caller.admin || this.dir.entitlementsOf(caller.id).has(CREATE_ENTITLEMENT)) return;
    throw errors.permissionDenied(`Principal ${caller.name} may not create ${what}: this needs admin rights or the ${CREATE_ENTITLEMENT} entitlement.`);
  }

  /** The caller's effective permission on a secret scope; undefined: none. */
  scopePermission(caller: Principal, scope: string): ScopePermission | undefined {
    if (caller.admin) return "MANAGE";
    const grants = this.scopeGrants.of(scope);
    let p = grants.get(caller.id);
    if (grants.size) for (const g of this.dir.ancestors(caller.id)) p = higher(SCOPE_PERMISSIONS, p, grants.get(g));
    return p;
  }

  /** 404 (as if the scope did not exist) without any permission on it; 403 naming `need` otherwise. */
  requireScope(caller: Principal, scope: string, need: ScopePermission): void {
    const have = this.scopePermission(caller, scope);
    if (includes(SCOPE_PERMISSIONS, have, need)) return;
    if (have === undefined) throw scopeNotFound(scope);
    throw errors.permissionDenied(`Principal ${caller.name} lacks ${need} on secret scope '${scope}'.`);
  }

  /** The caller as the endpoint control plane sees it: its name, its levels, its READ on scopes. */
  actor(caller: Principal): Actor {
    return {
      name: caller.name,
      levelOf: (endpointId) => this.endpointLevel(caller, endpointId),
      requireSecretRead: (scope, field) => {
        if (includes(SCOPE_PERMISSIONS, this.scopePermission(caller, scope), "READ")) return;
        throw errors.permissionDenied(`Principal ${caller.name} lacks READ on secret scope '${scope}', which ${field} refers to.`);
      },
    };
  }
}
