/**
 * The Databricks serving-endpoints control plane, under `/api/2.0/serving-endpoints`.
 * Viewing needs CAN_VIEW (an endpoint the caller cannot view is a 404, as if it did not
 * exist), every change CAN_MANAGE; creating needs admin rights or the
 * `allow-endpoint-create` entitlement, and the creator gets CAN_MANAGE.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { IdentityService } from "../../auth/index.js";
import type { EndpointService } from "../../gateway/endpoint-service.js";
import type { Task } from "../../gateway/types.js";
import { callerOf } from "../auth.js";
import { openApiDocument } from "../openapi.js";
import { notServedRoutes } from "./not-served.js";

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
  // The SDK's `get_open_api` asks with `Accept: text/plain` and reads the raw bytes; JSON is what it gets.
  app.get<Named>(`${base}/:name/openapi`, async (request) => {
    const view = await endpoints.get(request.params.name, access.actor(callerOf(request)));
    const config = view["config"] as { config_version?: number } | undefined;
    return openApiDocument({
      name: String(view["name"]),
      task: view["task"] as Task,
      version: config?.config_version ?? 1,
      origin: `${request.protocol}://${request.host}`,
    });
  });
  notServedRoutes(app, access);
}
