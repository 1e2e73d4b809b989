/**
 * Path rules every route shares. The router ignores one trailing slash (MLflow's client
 * sends `/api/2.0/serving-endpoints/`), so `…/serving-endpoints/` is the list and never the
 * endpoint named `''`; an empty segment inside a path (`/serving-endpoints//invocations`)
 * names nothing either, and is answered as the unknown path it is, before any lookup.
 */
import type { FastifyInstance } from "fastify";
import { errors } from "../gateway/errors.js";

export function rejectEmptySegments(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    const path = request.url.split("?", 1)[0] as string;
    if (path.includes("//")) throw errors.notFound(`No route for ${request.method} ${path}.`);
  });
}

/** The path of a URL as the router matches it: no query, no trailing slash (`/health/` is `/health`; `/` stays `/`). */
export function routePath(url: string): string {
  const path = url.split("?", 1)[0] as string;
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}
