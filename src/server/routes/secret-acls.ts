/**
 * Secret scope ACLs, `/api/2.0/secrets/acls/{put,delete,get,list}` (MANAGE on the scope).
 * `principal` is a user name, a group name or a service principal's application id.
 */
import type { FastifyInstance } from "fastify";
import { ADMINS_ID } from "../../auth/directory.js";
import type { IdentityService } from "../../auth/index.js";
import { errors } from "../../gateway/errors.js";
import { isScopePermission, SCOPE_PERMISSIONS } from "../../permissions/levels.js";
import type { SecretService } from "../../secrets/index.js";
import { callerOf } from "../auth.js";
import { audit } from "./audit.js";

/** The scope named in a request, checked to be a string before any permission is looked at. */
export function scopeName(v: unknown): string {
  if (typeof v !== "string" || v === "") throw errors.invalidParameter("scope", "scope is required.");
  return v;
}

export function secretAclRoutes(app: FastifyInstance, secrets: SecretService, identity: IdentityService): void {
  const base = "/api/2.0/secrets/acls";
  const { access, directory: dir } = identity;
  const grants = access.scopeGrants;

  /** The scope, once the caller is known to hold MANAGE on it and it exists. */
  const managed = async (caller: ReturnType<typeof callerOf>, raw: unknown): Promise<string> => {
    const scope = scopeName(raw);
    access.requireScope(caller, scope, "MANAGE");
    if (!(await secrets.hasScope(scope))) throw errors.notFound(`Scope ${scope} does not exist.`);
    return scope;
  };
  const principalOf = (raw: unknown) => {
    if (typeof raw !== "string" || raw === "") throw errors.invalidParameter("principal", "principal is required.");
    const who = dir.byNameAny(raw);
    if (!who) throw errors.invalidParameter("principal", `Principal '${raw}' does not exist.`);
    return who;
  };
  const args = (b: unknown): Record<string, unknown> => (b && typeof b === "object" && !Array.isArray(b) ? (b as Record<string, unknown>) : {});

  app.post(`${base}/put`, async (request) => {
    const b = args(request.body);
    const scope = await managed(callerOf(request), b["scope"]);
    const who = principalOf(b["principal"]);
    const permission = b["permission"];
    if (!isScopePermission(permission)) throw errors.invalidParameter("permission", `permission must be one of ${SCOPE_PERMISSIONS.join(", ")}.`);
    if (who.id === ADMINS_ID) throw errors.invalidParameter("principal", "The admins group always has MANAGE; its permission cannot be changed.");
    await identity.change(() => grants.change(scope, new Map([[who.id, permission]]), false));
    audit(request, "secrets.acl.put", { scope, principal: who.name, permission });
    return {};
  });

  app.post(`${base}/delete`, async (request) => {
    const b = args(request.body);
    const scope = await managed(callerOf(request), b["scope"]);
    const who = principalOf(b["principal"]);
    if (!grants.of(scope).has(who.id)) throw errors.notFound(`No ACL for principal '${who.name}' on scope ${scope}.`);
    await identity.change(() => grants.change(scope, new Map([[who.id, null]]), false));
    audit(request, "secrets.acl.delete", { scope, principal: who.name });
    return {};
  });

  app.get<{ Querystring: { scope?: string; principal?: string } }>(`${base}/get`, async (request) => {
    const scope = await managed(callerOf(request), request.query.scope);
    const who = principalOf(request.query.principal);
    const permission = grants.of(scope).get(who.id);
    if (!permission) throw errors.notFound(`No ACL for principal '${who.name}' on scope ${scope}.`);
    return { principal: who.name, permission };
  });

  app.get<{ Querystring: { scope?: string } }>(`${base}/list`, async (request) => {
    const scope = await managed(callerOf(request), request.query.scope);
    const items = [...grants.of(scope)]
      .map(([id, permission]) => ({ principal: dir.get(id)?.name, permission }))
      .filter((i): i is { principal: string; permission: (typeof SCOPE_PERMISSIONS)[number] } => i.principal !== undefined)
      .sort((a, b) => a.principal.localeCompare(b.principal));
    return { items };
  });
}
