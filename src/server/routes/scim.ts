/**
 * SCIM v2 principals under `/api/2.0/preview/scim/v2`: `Users`, `Groups`,
 * `ServicePrincipals` (create, list with `filter`/`startIndex`/`count`, get, PUT, PATCH,
 * DELETE) and `Me`. Only admins manage principals and list them; anyone may read `/Me`
 * and their own record.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { kindWord, type EntryKind } from "../../auth/directory.js";
import type { IdentityService } from "../../auth/index.js";
import { compileFilter } from "../../auth/scim/filter.js";
import { listResponse, renderEntry, RESOURCE_PATH, type ScimObject } from "../../auth/scim/render.js";
import { ScimService } from "../../auth/scim/service.js";
import { errors } from "../../gateway/errors.js";
import { callerOf } from "../auth.js";
import { audit } from "./audit.js";

export const SCIM_BASE = "/api/2.0/preview/scim/v2";

interface ListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
  attributes?: string;
  excludedAttributes?: string;
  sortBy?: string;
  sortOrder?: string;
}

function int(v: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw errors.invalidParameter(name, `${name} must be a non-negative integer.`);
  return n;
}

/** Keeps only the `attributes` asked for (id and schemas always), or drops `excludedAttributes`. */
function project(o: ScimObject, attributes: string | undefined, excluded: string | undefined): ScimObject {
  const list = (s: string) => s.split(",").map((a) => a.trim().toLowerCase()).filter(Boolean);
  if (attributes) {
    const keep = new Set([...list(attributes), "id", "schemas"]);
    return Object.fromEntries(Object.entries(o).filter(([k]) => keep.has(k.toLowerCase())));
  }
  if (excluded) {
    const drop = new Set(list(excluded));
    return Object.fromEntries(Object.entries(o).filter(([k]) => !drop.has(k.toLowerCase()) || k === "id"));
  }
  return o;
}

function sortKey(o: ScimObject, by: string): string {
  const key = Object.keys(o).find((k) => k.toLowerCase() === by.toLowerCase());
  const v = key === undefined ? undefined : o[key];
  return typeof v === "string" ? v.toLowerCase() : v === undefined ? "" : JSON.stringify(v);
}

const KINDS: EntryKind[] = ["user", "group", "service_principal"];
const NAME_ATTR: Record<EntryKind, string> = { user: "userName", group: "displayName", service_principal: "applicationId" };

export function scimRoutes(app: FastifyInstance, identity: IdentityService): void {
  const scim = new ScimService(identity);
  const dir = identity.directory;
  const access = identity.access;

  app.get(`${SCIM_BASE}/Me`, async (request) => {
    const caller = callerOf(request);
    const me = dir.get(caller.id);
    if (!me) throw errors.notFound("The caller has no SCIM record.");
    // As in Databricks, a service principal's /Me also carries its application id as `userName`
    // (clients read `me().userName` to know who they are).
    const out = renderEntry(dir, me);
    return me.kind === "service_principal" ? { ...out, userName: me.name } : out;
  });

  for (const kind of KINDS) {
    const base = `${SCIM_BASE}/${RESOURCE_PATH[kind]}`;
    type ById = { Params: { id: string } };

    app.get<{ Querystring: ListQuery }>(base, async (request) => {
      access.requireAdmin(callerOf(request));
      const q = request.query;
      const match = compileFilter(q.filter);
      const sortBy = q.sortBy ?? NAME_ATTR[kind];
      const desc = q.sortOrder?.toLowerCase() === "descending";
      const all = dir
        .list(kind)
        .map((e) => renderEntry(dir, e))
        .filter(match)
        .sort((a, b) => sortKey(a, sortBy).localeCompare(sortKey(b, sortBy)) * (desc ? -1 : 1))
        .map((o) => project(o, q.attributes, q.excludedAttributes));
      return listResponse(all, int(q.startIndex, "startIndex", 1) ?? 1, int(q.count, "count", undefined));
    });

    app.post(base, async (request, reply) => {
      access.requireAdmin(callerOf(request));
      const e = await scim.create(kind, request.body);
      audit(request, "principal.create", { kind, id: e.id, name: e.name });
      return reply.code(201).send(renderEntry(dir, e));
    });

    app.get<ById>(`${base}/:id`, async (request) => {
      const caller = callerOf(request);
      // Everyone may read their own record; only admins anyone else's (others get the 404 a missing id gets).
      if (!caller.admin && caller.id !== request.params.id) throw errors.notFound(`${kindWord(kind)} ${request.params.id} does not exist.`);
      return renderEntry(dir, dir.require(request.params.id, kind));
    });

    app.put<ById>(`${base}/:id`, async (request) => {
      access.requireAdmin(callerOf(request));
      const e = await scim.replace(kind, request.params.id, request.body);
      audit(request, "principal.replace", { kind, id: e.id, name: e.name, active: e.active });
      return renderEntry(dir, e);
    });

    app.patch<ById>(`${base}/:id`, async (request) => {
      access.requireAdmin(callerOf(request));
      const e = await scim.patch(kind, request.params.id, request.body);
      audit(request, "principal.patch", { kind, id: e.id, name: e.name, active: e.active });
      return renderEntry(dir, e);
    });

    app.delete<ById>(`${base}/:id`, async (request: FastifyRequest<ById>, reply: FastifyReply) => {
      access.requireAdmin(callerOf(request));
      await scim.delete(kind, request.params.id);
      audit(request, "principal.delete", { kind, id: request.params.id });
      return reply.code(204).send();
    });
  }
}
