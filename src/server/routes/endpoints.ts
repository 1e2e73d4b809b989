/**
 * The Databricks serving-endpoints control plane, under `/api/2.0/serving-endpoints`.
 * Viewing needs CAN_VIEW (an endpoint the caller cannot view is a 404, as if it did not
 * exist), every change CAN_MANAGE; creating needs admin rights or the
 * `allow-endpoint-create` entitlement, and the creator gets CAN_MANAGE.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { IdentityService } from "../../auth/index.js";
import type { EndpointService } from "../../gateway/endpoint-service.js";
import { errors } from "../../gateway/errors.js";
import { callerOf } from "../auth.js";

type Named = { Params: { name: string } };

export function endpointRoutes(app: FastifyInstance, endpoints: EndpointService, identity: IdentityService): void {
  const base = "/api/2.0/serving-endpoints";
  const access = identity.access;
  const manage = (request: FastifyRequest<Named>) => access.requireEndpoint(callerOf(request), request.params.name, "CAN_MANAGE");

  app.post(base, async (request) => {
    const caller = callerOf(request);
    access.requireCreate(caller, "serving endpoints");
    const view = await endpoints.create(request.body, access.actor(caller));
    const id = String(view["id"]);
    await identity.change(() => access.endpointGrants.change(id, new Map([[caller.id, "CAN_MANAGE"]]), false));
    return view;
  });
  app.get(base, async (request) => ({ endpoints: await endpoints.list(access.actor(callerOf(request))) }));
  app.get<Named>(`${base}/:name`, async (request) => endpoints.get(request.params.name, access.actor(callerOf(request))));
  app.delete<Named>(`${base}/:name`, async (request) => {
    const ep = await manage(request);
    await endpoints.delete(request.params.name);
    await identity.change(() => access.endpointGrants.dropObject(ep.id));
    return {};
  });
  app.put<Named>(`${base}/:name/config`, async (request) => {
    await manage(request);
    return endpoints.updateConfig(request.params.name, request.body, access.actor(callerOf(request)));
  });
  app.patch<Named>(`${base}/:name/tags`, async (request) => {
    await manage(request);
    return endpoints.patchTags(request.params.name, request.body);
  });
  app.put<Named>(`${base}/:name/ai-gateway`, async (request) => {
    await manage(request);
    return endpoints.putAiGateway(request.params.name, request.body);
  });
  app.put<Named>(`${base}/:name/rate-limits`, async (request) => {
    await manage(request);
    return endpoints.putRateLimits(request.params.name, request.body);
  });
  for (const path of ["openapi"]) {
    app.get<Named>(`${base}/:name/${path}`, async (request) => {
      await access.requireEndpoint(callerOf(request), request.params.name, "CAN_VIEW");
      throw errors.notImplemented(`GET /api/2.0/serving-endpoints/{name}/${path} is not implemented yet.`);
    });
  }
}
