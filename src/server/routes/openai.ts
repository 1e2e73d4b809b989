/**
 * OpenAI-compatible routes, endpoint name in the body's `model`, under both
 * `/serving-endpoints` (what the Databricks SDK's OpenAI client uses) and `/v1`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AccessControl } from "../../auth/index.js";
import { callerOf } from "../auth.js";
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

export function openaiRoutes(app: FastifyInstance, deps: QueryDeps, access: Pick<AccessControl, "endpointLevel">): void {
  for (const prefix of ["/serving-endpoints", "/v1"]) {
    for (const [path, task] of ROUTES) {
      app.post(prefix + path, (request: FastifyRequest, reply: FastifyReply) =>
        handleQuery(deps, request, reply, endpointOf(request), "openai", task),
      );
    }
    // Only the endpoints the caller can view are listed.
    app.get(prefix + "/models", async (request) => {
      const caller = callerOf(request);
      const data = deps.gateway
        .endpoints()
        .filter((e) => access.endpointLevel(caller, e.id) !== undefined)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((e) => ({ id: e.name, object: "model", created: 0, owned_by: "tessera", task: e.task }));
      return { object: "list", data };
    });
  }
}
