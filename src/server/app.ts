/**
 * The HTTP edge: one Fastify app with the Databricks control plane, the data plane
 * (invocations and OpenAI-compatible routes), auth on every route but `/health`, and
 * errors rendered in the shape of each route family.
 */
import { randomUUID } from "node:crypto";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Principal } from "../auth/principal.js";
import type { IdentityService } from "../auth/index.js";
import type { EndpointService } from "../gateway/endpoint-service.js";
import { errors } from "../gateway/errors.js";
import type { Gateway } from "../gateway/pipeline.js";
import type { SecretService } from "../secrets/index.js";
import { toGatewayError } from "./errors.js";
import { emptySegmentError, pathOf, routePath } from "./paths.js";
import { edgeErrorBody, frameworkError } from "./client-errors.js";
import { createConnectionGuard } from "./connections.js";
import { checkJsonLimits } from "./json-limits.js";
import { DEFAULT_EDGE_LIMITS, type EdgeLimits } from "./limits.js";
import { endpointRoutes } from "./routes/endpoints.js";
import { invocationRoutes } from "./routes/invocations.js";
import { openaiRoutes } from "./routes/openai.js";
import { authorizationOf, ingressRoutes } from "./ingress/index.js";
import { providerRoutes } from "./routes/providers.js";
import { secretRoutes } from "./routes/secrets.js";
import { identityRoutes, OAUTH_PUBLIC_PATHS } from "./routes/identity.js";
import { usageRoutes } from "./routes/usage.js";
import { defaultUiDir, isUiPath, uiRoutes } from "./routes/ui.js";
import type { UsageService } from "../usage/index.js";
import type { SqlStatements } from "../sql/statements.js";
import { sqlRoutes } from "./routes/sql.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

export interface ServerDeps {
  gateway: Gateway;
  endpoints: EndpointService;
  secrets: SecretService;
  identity: IdentityService;
  usage: UsageService;
  logger: Logger;
  /** Largest accepted request body in bytes (default 16 MiB). */
  bodyLimit: number;
  /** The built web UI (default: `dist/ui` of this package). */
  uiDir?: string;
  /** Deadlines, connection caps and JSON limits of the edge (default: DEFAULT_EDGE_LIMITS). */
  edge?: EdgeLimits;
  /** Whether the store answers now (`/ready`); absent: always ready. */
  storeReady?: () => Promise<boolean>;
  /** The SQL Statement Execution API's statements (absent: no `/api/2.0/sql` routes). */
  sql?: SqlStatements;
}

export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Errors that end the connection: a refusal of the connection itself, or an answer sent
 * before the request body was read (an unauthenticated upload is never drained).
 */
const CLOSING_KINDS = new Set(["SERVER_BUSY", "TOO_MANY_CONNECTIONS"]);

/** Paths that need no token: health, readiness, and the OAuth token endpoint and discovery documents. */
const PUBLIC_PATHS = new Set(["/health", "/ready", ...OAUTH_PUBLIC_PATHS]);

export function buildServer(deps: ServerDeps): FastifyInstance {
  const edge = deps.edge ?? DEFAULT_EDGE_LIMITS;
  const guard = createConnectionGuard(edge);
  const jsonLimits = { maxDepth: edge.maxJsonDepth, maxElements: edge.maxJsonElements };
  const app = Fastify({
    ...guard.fastifyOptions,
    frameworkErrors: frameworkError,
    // Longer names than any resource has reach their route and get its 404 (frameworkError).
    // MLflow's deployments client builds `…/serving-endpoints/` (posixpath.join with ""):
    // every route answers the same with or without one trailing slash.
    routerOptions: { maxParamLength: 2048, ignoreTrailingSlash: true },
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Per-request log lines cost throughput on the hot path; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });

  // Every JSON body is checked against the nesting and element limits before it is parsed
  // (json-limits.ts says why). application/json keeps Fastify's parser (it refuses
  // `__proto__` and `constructor` keys); clients such as `curl -d` send no JSON content
  // type, and every body here is JSON, so any other type is parsed the same way.
  const json = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (req, text, done) => {
    const s = typeof text === "string" ? text : text.toString("utf8");
    if (s.trim() === "") return done(null, undefined);
    try {
      checkJsonLimits(s, jsonLimits);
    } catch (err) {
      return done(err as Error, undefined);
    }
    json(req, s, done);
  });

  guard.attach(app.server);
  app.decorateRequest("principal", undefined);
  // One onRequest step for every route (each Fastify hook costs a turn of its hook runner):
  // the connection's caps and Host, then the caller, then the empty-segment rule. A known
  // token is resolved synchronously, so most requests go on without a promise.
  app.addHook("onRequest", (request, reply, done) => {
    const path = pathOf(request.url);
    const after = () => {
      request.principal = principal;
      done(emptySegmentError(request.method, path));
    };
    let principal: Principal | undefined;
    let pending: Promise<Principal> | undefined;
    try {
      guard.onRequest(request, reply);
      const route = routePath(path);
      const isPublic = PUBLIC_PATHS.has(route) || request.method === "OPTIONS" || ((request.method === "GET" || request.method === "HEAD") && isUiPath(route));
      if (!isPublic) {
        const found = deps.identity.authenticate(authorizationOf(request));
        if (found instanceof Promise) pending = found;
        else principal = found;
      }
    } catch (err) {
      done(err as Error);
      return;
    }
    if (pending === undefined) return after();
    pending.then((p) => {
      principal = p;
      after();
    }, done);
  });

  app.setErrorHandler((err, request, reply) => {
    const { error, internal } = toGatewayError(err, deps.bodyLimit);
    if (internal) request.log.error({ err, url: pathOf(request.url) }, "unhandled error");
    if (error.retryAfter) void reply.header("retry-after", error.retryAfter);
    if (!request.raw.complete || CLOSING_KINDS.has(error.kind.code)) void reply.header("connection", "close");
    void reply.code(error.status).send(edgeErrorBody(request.url, error, request.id));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = errors.notFound(`No route for ${request.method} ${pathOf(request.url)}.`);
    if (!request.raw.complete) void reply.header("connection", "close");
    void reply.code(404).send(edgeErrorBody(request.url, error, request.id));
  });

  // Liveness: the process serves. Readiness: it can also reach its store (a load balancer
  // may keep sending traffic to a replica that is live but not ready — it serves from memory).
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async (_request, reply) => {
    const ok = deps.storeReady ? await deps.storeReady() : true;
    return reply.code(ok ? 200 : 503).send(ok ? { status: "ready" } : { status: "not ready", reason: "the store is unreachable" });
  });
  const queryDeps = { gateway: deps.gateway, bodyLimit: deps.bodyLimit };
  endpointRoutes(app, deps.endpoints, deps.identity);
  secretRoutes(app, deps.secrets, deps.identity);
  invocationRoutes(app, queryDeps);
  openaiRoutes(app, queryDeps, deps.identity.access);
  ingressRoutes(app, queryDeps);
  identityRoutes(app, deps.identity, deps.secrets);
  usageRoutes(app, { usage: deps.usage, access: deps.identity.access });
  providerRoutes(app);
  if (deps.sql) sqlRoutes(app, deps.sql);
  uiRoutes(app, deps.uiDir ?? defaultUiDir());
  return app;
}
