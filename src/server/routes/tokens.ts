/**
 * Personal access tokens: one's own (`/api/2.0/token/…`) and, for admins, anyone's
 * (`/api/2.0/token-management/…`, with `on-behalf-of` for service principals by
 * `application_id` and — a Tessera extension, since there is no password sign-in — users by
 * `user_name`). A token's value appears once, in the reply that creates it.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { IdentityService } from "../../auth/index.js";
import type { TokenRow } from "../../auth/tokens.js";
import { parseWith } from "../../config/ai-gateway.js";
import { errors } from "../../gateway/errors.js";
import { callerOf } from "../auth.js";
import { audit } from "./audit.js";

const lifetime = z.number().int().min(0).max(10 * 365 * 24 * 3600).nullable().optional();
const createSchema = z.object({ lifetime_seconds: lifetime, comment: z.string().max(1024).nullable().optional() });
const oboSchema = z.object({
  application_id: z.string().min(1).optional(),
  user_name: z.string().min(1).optional(),
  lifetime_seconds: lifetime,
  comment: z.string().max(1024).nullable().optional(),
});
const deleteSchema = z.object({ token_id: z.string().min(1) });

/** SCIM ids are decimal strings; the token APIs carry them as numbers (int64 in the SDKs). */
function idNumber(id: string | null): number | undefined {
  const n = id === null ? NaN : Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}

function publicInfo(t: TokenRow) {
  return { token_id: t.id, creation_time: t.creation_time, expiry_time: t.expiry_time ?? -1, comment: t.comment ?? "" };
}

export function tokenRoutes(app: FastifyInstance, identity: IdentityService): void {
  const { tokens, directory: dir, access } = identity;

  const fullInfo = (t: TokenRow) => {
    const owner = dir.get(t.principal);
    const creator = t.created_by === null ? undefined : dir.get(t.created_by);
    return {
      ...publicInfo(t),
      owner_id: idNumber(t.principal),
      created_by_id: idNumber(t.created_by),
      created_by_username: creator?.name,
      owner_username: owner?.name,
    };
  };

  app.post("/api/2.0/token/create", async (request) => {
    const caller = callerOf(request);
    const b = parseWith(createSchema, request.body ?? {}, "");
    const { value, row } = await tokens.create({ ownerId: caller.id, createdBy: caller.id, lifetimeSeconds: b.lifetime_seconds ?? undefined, comment: b.comment ?? undefined });
    audit(request, "token.create", { tokenId: row.id, owner: caller.name });
    return { token_value: value, token_info: publicInfo(row) };
  });

  app.get("/api/2.0/token/list", async (request) => {
    const caller = callerOf(request);
    return { token_infos: (await tokens.list({ ownerId: caller.id })).map(publicInfo) };
  });

  app.post("/api/2.0/token/delete", async (request) => {
    const caller = callerOf(request);
    const { token_id } = parseWith(deleteSchema, request.body, "");
    const t = await tokens.get(token_id);
    // Someone else's token is answered like a missing one: its id says nothing.
    if (!t || t.principal !== caller.id) throw errors.notFound(`Token ${token_id} does not exist.`);
    await identity.change(() => tokens.delete(token_id));
    audit(request, "token.delete", { tokenId: token_id });
    return {};
  });

  const mgmt = "/api/2.0/token-management";

  app.post(`${mgmt}/on-behalf-of/tokens`, async (request) => {
    const caller = callerOf(request);
    access.requireAdmin(caller);
    const b = parseWith(oboSchema, request.body, "");
    if ((b.application_id === undefined) === (b.user_name === undefined)) {
      throw errors.invalidParameter("application_id", "Give exactly one of application_id (a service principal) or user_name (a user).");
    }
    const owner = b.application_id !== undefined ? dir.find("service_principal", b.application_id) : dir.find("user", b.user_name as string);
    if (!owner) throw errors.notFound(b.application_id !== undefined ? `Service principal ${b.application_id} does not exist.` : `User ${b.user_name ?? ""} does not exist.`);
    if (!owner.active) throw errors.invalidState(`${owner.name} is not active.`);
    const { value, row } = await tokens.create({ ownerId: owner.id, createdBy: caller.id, lifetimeSeconds: b.lifetime_seconds ?? undefined, comment: b.comment ?? undefined });
    audit(request, "token.create", { tokenId: row.id, owner: owner.name });
    return { token_value: value, token_info: fullInfo(row) };
  });

  app.get<{ Querystring: { created_by_id?: string; created_by_username?: string } }>(`${mgmt}/tokens`, async (request) => {
    access.requireAdmin(callerOf(request));
    const q = request.query;
    let createdBy = q.created_by_id;
    if (q.created_by_username !== undefined) {
      const who = dir.byNameAny(q.created_by_username);
      if (!who) return { token_infos: [] };
      createdBy = who.id;
    }
    const rows = await tokens.list(createdBy === undefined ? {} : { createdBy });
    return { token_infos: rows.map(fullInfo) };
  });

  type ById = { Params: { id: string } };
  app.get<ById>(`${mgmt}/tokens/:id`, async (request) => {
    access.requireAdmin(callerOf(request));
    const t = await tokens.get(request.params.id);
    if (!t) throw errors.notFound(`Token ${request.params.id} does not exist.`);
    return { token_info: fullInfo(t) };
  });

  app.delete<ById>(`${mgmt}/tokens/:id`, async (request) => {
    access.requireAdmin(callerOf(request));
    const deleted = await identity.change(() => tokens.delete(request.params.id));
    if (!deleted) throw errors.notFound(`Token ${request.params.id} does not exist.`);
    audit(request, "token.delete", { tokenId: request.params.id });
    return {};
  });
}
