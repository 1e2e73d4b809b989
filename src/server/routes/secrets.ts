/**
 * The Databricks secrets API, under `/api/2.0/secrets`. Values go in; they come out
 * (`GET …/get`, the SDK's `get_secret`) only when the operator set TESSERA_ALLOW_SECRET_READ=1,
 * then to callers with READ on the scope, each read written to the audit log.
 * Scope ACLs (READ ⊂ WRITE ⊂ MANAGE): listing needs READ, put/delete of a secret WRITE,
 * deleting a scope and its ACLs MANAGE; a scope the caller has no permission on is
 * answered like one that does not exist. Creating a scope needs admin rights or the
 * `allow-endpoint-create` entitlement; the creator gets MANAGE (or `initial_manage_principal` does).
 */
import type { FastifyInstance } from "fastify";
import type { IdentityService } from "../../auth/index.js";
import type { SecretService } from "../../secrets/index.js";
import { errors } from "../../gateway/errors.js";
import { callerOf } from "../auth.js";
import { audit } from "./audit.js";
import { scopeName, secretAclRoutes } from "./secret-acls.js";

type Body = Record<string, unknown>;

function body(b: unknown): Body {
  return b && typeof b === "object" && !Array.isArray(b) ? (b as Body) : {};
}

export function secretRoutes(app: FastifyInstance, secrets: SecretService, identity: IdentityService): void {
  const base = "/api/2.0/secrets";
  const access = identity.access;
  const grants = access.scopeGrants;

  /**
   * `initial_manage_principal` (the SDK's `create_scope(…, initial_manage_principal=)`): the
   * principal that gets MANAGE instead of the creator, as on Databricks (where only the
   * `users` group is allowed; here any user, group or service principal that exists).
   */
  const initialManager = (raw: unknown): string | undefined => {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== "string" || raw === "") throw errors.invalidParameter("initial_manage_principal", "initial_manage_principal must be a principal's name.");
    const who = identity.directory.byNameAny(raw);
    if (!who) {
      const hint = raw === "users" ? " Tessera has no built-in 'users' group: create one through SCIM, or leave the field out to make the creator the manager." : "";
      throw errors.invalidParameter("initial_manage_principal", `Principal '${raw}' does not exist: give a user name, a group name or a service principal's application id.${hint}`);
    }
    return who.id;
  };

  app.post(`${base}/scopes/create`, async (request) => {
    const caller = callerOf(request);
    access.requireCreate(caller, "secret scopes");
    const b = body(request.body);
    const manager = initialManager(b["initial_manage_principal"]) ?? caller.id;
    await secrets.createScope(b["scope"], b["scope_backend_type"]);
    // `replace`: grants left over from an earlier scope of the same name must not carry over.
    await identity.change(() => grants.change(scopeName(b["scope"]), new Map([[manager, "MANAGE"]]), true));
    return {};
  });
  app.post(`${base}/scopes/delete`, async (request) => {
    const scope = scopeName(body(request.body)["scope"]);
    access.requireScope(callerOf(request), scope, "MANAGE");
    await secrets.deleteScope(scope);
    await identity.change(() => grants.dropObject(scope));
    return {};
  });
  app.get(`${base}/scopes/list`, async (request) => {
    const caller = callerOf(request);
    const scopes = await secrets.listScopes();
    return { scopes: scopes.filter((s) => access.scopePermission(caller, s.name) !== undefined) };
  });
  app.post(`${base}/put`, async (request) => {
    const b = body(request.body);
    access.requireScope(callerOf(request), scopeName(b["scope"]), "WRITE");
    await secrets.put(b["scope"], b["key"], { string_value: b["string_value"], bytes_value: b["bytes_value"] });
    return {};
  });
  app.post(`${base}/delete`, async (request) => {
    const b = body(request.body);
    access.requireScope(callerOf(request), scopeName(b["scope"]), "WRITE");
    await secrets.delete(b["scope"], b["key"]);
    return {};
  });
  app.get<{ Querystring: { scope?: string } }>(`${base}/list`, async (request) => {
    access.requireScope(callerOf(request), scopeName(request.query.scope), "READ");
    return { secrets: await secrets.list(request.query.scope) };
  });
  app.get<{ Querystring: { scope?: string; key?: string } }>(`${base}/get`, async (request) => {
    const { scope, key } = request.query;
    secrets.requireValueRead();
    access.requireScope(callerOf(request), scopeName(scope), "READ");
    const secret = await secrets.readForClient(scope, key);
    audit(request, "secrets/get", { scope, key });
    return secret;
  });
  secretAclRoutes(app, secrets, identity);
}
