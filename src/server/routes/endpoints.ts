/** The Databricks serving-endpoints control plane, under `/api/2.0/serving-endpoints`. */
import type { FastifyInstance } from "fastify";
import type { EndpointService } from "../../gateway/endpoint-service.js";
import { errors } from "../../gateway/errors.js";

type Named = { Params: { name: string } };

export function endpointRoutes(app: FastifyInstance, endpoints: EndpointService): void {
  const base = "/api/2.0/serving-endpoints";
  app.post(base, async (request) => endpoints.create(request.body, request.principal?.name ?? "unknown"));
  app.get(base, async () => ({ endpoints: await endpoints.list() }));
  app.get<Named>(`${base}/:name`, async (request) => endpoints.get(request.params.name));
  app.delete<Named>(`${base}/:name`, async (request) => {
    await endpoints.delete(request.params.name);
    return {};
  });
  app.put<Named>(`${base}/:name/config`, async (request) => endpoints.updateConfig(request.params.name, request.body));
  app.patch<Named>(`${base}/:name/tags`, async (request) => endpoints.patchTags(request.params.name, request.body));
  app.put<Named>(`${base}/:name/ai-gateway`, async (request) => endpoints.putAiGateway(request.params.name, request.body));
  app.put<Named>(`${base}/:name/rate-limits`, async (request) => endpoints.putRateLimits(request.params.name, request.body));
  for (const path of ["openapi"]) {
    app.get<Named>(`${base}/:name/${path}`, async (request) => {
      await endpoints.get(request.params.name);
      throw errors.notImplemented(`GET /api/2.0/serving-endpoints/{name}/${path} is not implemented yet.`);
    });
  }
}
