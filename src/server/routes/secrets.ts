/** The Databricks secrets API, under `/api/2.0/secrets`. Values go in; they never come out. */
import type { FastifyInstance } from "fastify";
import type { SecretService } from "../../secrets/index.js";

type Body = Record<string, unknown>;

function body(b: unknown): Body {
  return b && typeof b === "object" && !Array.isArray(b) ? (b as Body) : {};
}

export function secretRoutes(app: FastifyInstance, secrets: SecretService): void {
  const base = "/api/2.0/secrets";
  app.post(`${base}/scopes/create`, async (request) => {
    const b = body(request.body);
    await secrets.createScope(b["scope"], b["scope_backend_type"]);
    return {};
  });
  app.post(`${base}/scopes/delete`, async (request) => {
    await secrets.deleteScope(body(request.body)["scope"]);
    return {};
  });
  app.get(`${base}/scopes/list`, async () => ({ scopes: await secrets.listScopes() }));
  app.post(`${base}/put`, async (request) => {
    const b = body(request.body);
    await secrets.put(b["scope"], b["key"], { string_value: b["string_value"], bytes_value: b["bytes_value"] });
    return {};
  });
  app.post(`${base}/delete`, async (request) => {
    const b = body(request.body);
    await secrets.delete(b["scope"], b["key"]);
    return {};
  });
  app.get<{ Querystring: { scope?: string } }>(`${base}/list`, async (request) => ({ secrets: await secrets.list(request.query.scope) }));
}
