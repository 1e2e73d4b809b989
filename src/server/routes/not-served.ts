/**
 * Databricks serving routes the Databricks SDK calls that Tessera does not serve. Each
 * answers 501 NOT_IMPLEMENTED in the Databricks shape, naming the route — never the
 * "No route" 404 that the SDK would raise as `NotFound`, sending the user to look for a
 * missing endpoint. The rule (docs/errors.md): an unknown path is 404; a known Databricks
 * route Tessera does not serve is 501.
 *
 * A route about one endpoint first resolves it (404 when it does not exist or the caller
 * cannot view it, 403 without the level the route needs), so the 501 only ever speaks
 * about the route itself.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AccessControl } from "../../auth/index.js";
import type { EndpointLevel } from "../../permissions/levels.js";
import { errors } from "../../gateway/errors.js";
import { callerOf } from "../auth.js";

type Method = "GET" | "POST" | "PUT" | "PATCH";

interface NotServed {
  method: Method;
  /** The route as Fastify matches it; `:name` is an endpoint name. */
  url: string;
  /** The route as the Databricks API reference spells it, for the message. */
  route: string;
  /** Why Tessera does not serve it. */
  why: string;
  /** The level needed on the endpoint named `:name`, if the route names one. */
  level?: EndpointLevel;
}

const BASE = "/api/2.0/serving-endpoints";

export const NOT_SERVED: readonly NotServed[] = [
  {
    method: "GET",
    url: `${BASE}/:name/served-models/:served/build-logs`,
    route: "GET /api/2.0/serving-endpoints/{name}/served-models/{served_model_name}/build-logs",
    why: "external models have no build",
    level: "CAN_VIEW",
  },
  {
    method: "GET",
    url: `${BASE}/:name/served-models/:served/logs`,
    route: "GET /api/2.0/serving-endpoints/{name}/served-models/{served_model_name}/logs",
    why: "there is no model server; the gateway's own log has each request",
    level: "CAN_VIEW",
  },
  {
    method: "PATCH",
    url: `${BASE}/:name/notifications`,
    route: "PATCH /api/2.0/serving-endpoints/{name}/notifications",
    why: "Tessera sends no e-mail notifications",
    level: "CAN_MANAGE",
  },
  {
    method: "PATCH",
    url: `${BASE}/:name/telemetry-config`,
    route: "PATCH /api/2.0/serving-endpoints/{name}/telemetry-config",
    why: "telemetry goes to the gateway's log and /metrics, which have no per-endpoint settings",
    level: "CAN_MANAGE",
  },
  {
    method: "POST",
    url: `${BASE}/pt`,
    route: "POST /api/2.0/serving-endpoints/pt",
    why: "Tessera serves external models only, not provisioned throughput",
  },
  {
    method: "PUT",
    url: `${BASE}/pt/:name/config`,
    route: "PUT /api/2.0/serving-endpoints/pt/{name}/config",
    why: "Tessera serves external models only, not provisioned throughput",
  },
  // The Permissions API for every other object type (clusters, jobs, token usage via
  // `authorization/tokens`, …): Tessera keeps permissions on serving endpoints only.
  ...(["GET", "PUT", "PATCH"] as const).map((method) => ({
    method,
    url: "/api/2.0/permissions/:type/:id",
    route: `${method} /api/2.0/permissions/{request_object_type}/{request_object_id}`,
    why: "Tessera keeps permissions on serving-endpoints only (and secret scope ACLs under /api/2.0/secrets/acls)",
  })),
  {
    method: "GET",
    url: "/api/2.0/permissions/:type/:id/permissionLevels",
    route: "GET /api/2.0/permissions/{request_object_type}/{request_object_id}/permissionLevels",
    why: "Tessera keeps permissions on serving-endpoints only",
  },
  {
    method: "POST",
    url: "/api/2.0/external-function",
    route: "POST /api/2.0/external-function",
    why: "Tessera has no Unity Catalog connections",
  },
];

type Named = { Params: { name?: string } };

export function notServedRoutes(app: FastifyInstance, access: Pick<AccessControl, "requireEndpoint">): void {
  for (const r of NOT_SERVED) {
    app.route<Named>({
      method: r.method,
      url: r.url,
      handler: async (request: FastifyRequest<Named>) => {
        const caller = callerOf(request);
        if (r.level && request.params.name !== undefined) await access.requireEndpoint(caller, request.params.name, r.level);
        throw errors.notImplemented(`${r.route} is not served by Tessera: ${r.why}.`);
      },
    });
  }
}
