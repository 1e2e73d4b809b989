/**
 * OpenAI-compatible routes, endpoint name in the body's `model`, under both
 * `/serving-endpoints` (what the Databricks SDK's OpenAI client uses) and `/v1`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { errors } from "../../gateway/errors.js";
import type { Task } from "../../gateway/types.js";
import { handleQuery, type QueryDeps } from "./query.js";

const ROUTES: Array<[string, Task]> = [
  ["/chat/completions", "llm/v1/chat"],
  ["/completions", "llm/v1/completions"],
  ["/embeddings", "llm/v1/embeddings"],
];

function endpointOf(request: FastifyRequest): string {
  const body = request.body;
  const model = body && typeof body === "object" ? (body as { model?: unknown }).model : undefined;
  if (typeof model !== "string" || model === "") throw errors.invalidParameter("model", "'model' is required: give the serving endpoint's name.");
  return model;
}

export function openaiRoutes(app: FastifyInstance, deps: QueryDeps): void {
  for (const prefix of ["/serving-endpoints", "/v1"]) {
    for (const [path, task] of ROUTES) {
      app.post(prefix + path, (request: FastifyRequest, reply: FastifyReply) =>
        handleQuery(deps, request, reply, endpointOf(request), "openai", task),
      );
    }
    app.get(prefix + "/models", async () => ({
      object: "list",
      data: deps.gateway
        .endpoints()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((e) => ({ id: e.name, object: "model", created: 0, owned_by: "tessera", task: e.task })),
    }));
  }
}
