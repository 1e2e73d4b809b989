/** `POST /serving-endpoints/{name}/invocations`: the Databricks query route. */
import type { FastifyInstance } from "fastify";
import { handleQuery, type QueryDeps } from "./query.js";

export function invocationRoutes(app: FastifyInstance, deps: QueryDeps): void {
  app.post<{ Params: { name: string } }>("/serving-endpoints/:name/invocations", (request, reply) =>
    handleQuery(deps, request, reply, request.params.name, "databricks"),
  );
}
