/**
 * The native provider APIs on the way in (Anthropic Messages, OpenAI Responses, Gemini): each one a
 * folder that decodes its format into the canonical chat request and encodes the
 * canonical answer and stream back — the mirror of a provider adapter, beside the edge.
 */
import type { FastifyInstance } from "fastify";
import type { QueryDeps } from "../routes/query.js";
import { anthropicRoutes } from "./anthropic/routes.js";
import { responsesRoutes } from "./responses/routes.js";
import { geminiRoutes } from "./gemini/routes.js";

export { authorizationOf } from "./auth.js";

/** Registers every ingress format's routes. */
export function ingressRoutes(app: FastifyInstance, deps: QueryDeps): void {
  anthropicRoutes(app, deps);
  responsesRoutes(app, deps);
  geminiRoutes(app, deps);
}
