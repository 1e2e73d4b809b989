/**
 * Serving-endpoint permissions, `/api/2.0/permissions/serving-endpoints/{id}` (the
 * endpoint's id, or its name): GET, PUT (replaces the direct grants), PATCH (merges) — all
 * CAN_MANAGE — and `…/permissionLevels` (CAN_VIEW).
 */
import type { FastifyInstance } from "fastify";
import type { IdentityService } from "../../auth/index.js";
import { readAcl, renderAcl } from "../../permissions/endpoint-acl.js";
import { ENDPOINT_LEVEL_DESCRIPTIONS, ENDPOINT_LEVELS } from "../../permissions/levels.js";
import { callerOf } from "../auth.js";
import { audit } from "./audit.js";

export function permissionRoutes(app: FastifyInstance, identity: IdentityService): void {
  const { access, directory: dir } = identity;
  const grants = access.endpointGrants;
  const base = "/api/2.0/permissions/serving-endpoints/:id";
  type ById = { Params: { id: string } };

  app.get<ById>(base, async (request) => {
    const ep = await access.requireEndpoint(callerOf(request), request.params.id, "CAN_MANAGE", true);
    return renderAcl(dir, ep.id, grants.of(ep.id));
  });

  for (const method of ["PUT", "PATCH"] as const) {
    app.route<ById>({
      method,
      url: base,
      handler: async (request) => {
        const ep = await access.requireEndpoint(callerOf(request), request.params.id, "CAN_MANAGE", true);
        const acl = readAcl(dir, request.body);
        await identity.change(() => grants.change(ep.id, acl, method === "PUT"));
        audit(request, method === "PUT" ? "permissions.set" : "permissions.update", { endpoint: ep.name, entries: acl.size });
        return renderAcl(dir, ep.id, grants.of(ep.id));
      },
    });
  }

  app.get<ById>(`${base}/permissionLevels`, async (request) => {
    await access.requireEndpoint(callerOf(request), request.params.id, "CAN_VIEW", true);
    return { permission_levels: ENDPOINT_LEVELS.map((l) => ({ permission_level: l, description: ENDPOINT_LEVEL_DESCRIPTIONS[l] })) };
  });
}
