/**
 * Path rules every route shares. The router ignores one trailing slash (MLflow's client
 * sends `/api/2.0/serving-endpoints/`), so `…/serving-endpoints/` is the list and never the
 * endpoint named `''`; an empty segment inside a path (`/serving-endpoints//invocations`)
 * names nothing either, and is answered as the unknown path it is, before any lookup.
 */
import { errors, type GatewayError } from "../gateway/errors.js";

/** The 404 of a path with an empty segment inside it, or undefined for a path without one. */
export function emptySegmentError(method: string, path: string): GatewayError | undefined {
  return path.includes("//") ? errors.notFound(`No route for ${method} ${path}.`) : undefined;
}

/** The path of a URL: everything before its query. */
export function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

/** A path as the router matches it: no trailing slash (`/health/` is `/health`; `/` stays `/`). */
export function routePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}
