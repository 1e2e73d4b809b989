/**
 * Usage, inference-table export and metrics routes:
 * - `GET /api/2.0/serving-endpoints/usage` — every endpoint, by endpoint, by requester and
 *   by bucket (admins);
 * - `GET /api/2.0/serving-endpoints/{name}/usage` — one endpoint's buckets (CAN_VIEW);
 * - `GET /api/2.0/serving-endpoints/{name}/inference-table` — JSONL (CAN_MANAGE: payloads);
 * - `GET /api/2.0/serving-endpoints/{name}/metrics` — Prometheus text, one endpoint (CAN_VIEW);
 * - `GET /metrics` — Prometheus text, everything (admins).
 *
 * The static `…/serving-endpoints/usage` wins over the parametric `…/serving-endpoints/:name`
 * (find-my-way matches static segments first), so an endpoint named `usage` cannot be read
 * by `GET` on its name.
 */
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { AccessControl } from "../../auth/index.js";
import type { UsageService } from "../../usage/index.js";
import { callerOf } from "../auth.js";
import { parseRange, parseWindow } from "./usage-params.js";

type Named = { Params: { name: string } };

/** JSON lines of an async iterable of rows. */
function jsonLines(rows: AsyncIterable<unknown>): Readable {
  return Readable.from(
    (async function* () {
      for await (const row of rows) yield `${JSON.stringify(row)}\n`;
    })(),
  );
}

export function usageRoutes(app: FastifyInstance, deps: { usage: UsageService; access: AccessControl }): void {
  const { usage, access } = deps;
  const base = "/api/2.0/serving-endpoints";

  app.get(`${base}/usage`, async (request) => {
    access.requireAdmin(callerOf(request));
    return usage.workspaceUsage(parseWindow(request.query));
  });

  app.get<Named>(`${base}/:name/usage`, async (request) => {
    const name = request.params.name;
    const ep = await access.requireEndpoint(callerOf(request), name, "CAN_VIEW");
    // Who used an endpoint is for those who manage it; viewers see the totals.
    return usage.endpointUsage(name, parseWindow(request.query), ep.level === "CAN_MANAGE");
  });

  app.get<Named>(`${base}/:name/inference-table`, async (request, reply) => {
    const name = request.params.name;
    await access.requireEndpoint(callerOf(request), name, "CAN_MANAGE");
    // An export takes the whole table unless told otherwise.
    const { start, end } = parseRange(request.query, Date.now(), Infinity);
    void reply.type("application/x-ndjson; charset=utf-8");
    return reply.send(jsonLines(usage.inferenceRows(name, start, end)));
  });

  app.get<Named>(`${base}/:name/metrics`, async (request, reply) => {
    const name = request.params.name;
    await access.requireEndpoint(callerOf(request), name, "CAN_VIEW");
    void reply.type(usage.metricsContentType);
    return usage.endpointMetricsText(name);
  });

  app.get("/metrics", async (request, reply) => {
    access.requireAdmin(callerOf(request));
    void reply.type(usage.metricsContentType);
    return usage.metricsText();
  });
}
