/**
 * OAuth machine-to-machine, the Databricks way: service principals' client secrets
 * (`/api/2.0/accounts/servicePrincipals/{id}/credentials/secrets`, admins only; Tessera has
 * one account, so the account id in the path is optional and ignored), the discovery
 * documents, and the token endpoint (`client_credentials`, client id and secret by Basic
 * header or in the form). The token endpoint and the discovery documents need no token
 * (they are public paths of the app) and answer errors in OAuth's shape, `{"error": …}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { IdentityService } from "../../auth/index.js";
import type { SecretInfo } from "../../auth/oauth.js";
import { errors } from "../../gateway/errors.js";
import { callerOf } from "../auth.js";
import { edgeErrorBody } from "../client-errors.js";
import { toGatewayError } from "../errors.js";
import { audit } from "./audit.js";

export const OAUTH_PUBLIC_PATHS = [
  "/oidc/v1/token",
  "/oidc/.well-known/oauth-authorization-server",
  "/oidc/.well-known/openid-configuration",
  "/.well-known/databricks-config",
];

const SCOPE = "all-apis";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  if (error === "invalid_client") void reply.header("www-authenticate", 'Basic realm="tessera"');
  return reply.code(status).header("cache-control", "no-store").send({ error, error_description: description });
}

/** Client id and secret from `Authorization: Basic` (form-encoded parts, RFC 6749 §2.3.1) or the form. */
function clientCredentials(request: FastifyRequest, form: Record<string, unknown>): { id: string; secret: string } | undefined {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    const dec = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, " "));
      } catch {
        return s;
      }
    };
    return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
  }
  const id = form["client_id"];
  const secret = form["client_secret"];
  return typeof id === "string" && typeof secret === "string" && id && secret ? { id, secret } : undefined;
}

function secretView(s: SecretInfo) {
  return { id: s.id, status: "ACTIVE", create_time: new Date(s.createTime).toISOString(), update_time: new Date(s.updateTime).toISOString() };
}

export function oauthRoutes(app: FastifyInstance, identity: IdentityService): void {
  const { oauth, directory: dir, access } = identity;

  const discovery = async (request: FastifyRequest) => {
    const o = origin(request);
    return {
      issuer: `${o}/oidc`,
      authorization_endpoint: `${o}/oidc/v1/authorize`,
      token_endpoint: `${o}/oidc/v1/token`,
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      response_types_supported: [],
      scopes_supported: [SCOPE],
    };
  };
  app.get("/oidc/.well-known/oauth-authorization-server", discovery);
  app.get("/oidc/.well-known/openid-configuration", discovery);
  app.get("/.well-known/databricks-config", async (request) => ({ oidc_endpoint: `${origin(request)}/oidc`, workspace_id: "0" }));

  // The token endpoint takes a form body only (RFC 6749 §4.4.2), so this route's own
  // (encapsulated) context swaps the app's JSON parser for a form parser, and answers every
  // error — a body that is not a form, one too large — in OAuth's shape.
  void app.register(async (sub) => {
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(typeof body === "string" ? body : body.toString("utf8"))));
    });
    sub.setErrorHandler((err, request, reply) => {
      const { error, internal } = toGatewayError(err, app.initialConfig.bodyLimit ?? 0);
      if (internal) request.log.error({ err, url: "/oidc/v1/token" }, "unhandled error");
      if (!request.raw.complete) void reply.header("connection", "close");
      if (error.kind.code === "UNSUPPORTED_MEDIA_TYPE") return oauthError(reply, 400, "invalid_request", "The token request must be a form: send Content-Type: application/x-www-form-urlencoded.");
      const body = edgeErrorBody(request.url, error, request.id) as { error: string; error_description: string };
      return oauthError(reply, error.status, body.error, body.error_description);
    });
    sub.post("/oidc/v1/token", async (request, reply) => {
      const form = request.body && typeof request.body === "object" ? (request.body as Record<string, unknown>) : {};
      const creds = clientCredentials(request, form);
      if (!creds) return oauthError(reply, 401, "invalid_client", "Client authentication failed: send the client id and secret by Basic auth or as client_id and client_secret.");
      const client = oauth.authenticateClient(creds.id, creds.secret);
      if (!client) {
        // A client id is logged only when it looks like one: a secret pasted in its place must not be.
        audit(request, "oauth.invalid_client", { clientId: UUID.test(creds.id) ? creds.id : "(not an application id)" });
        return oauthError(reply, 401, "invalid_client", "Client authentication failed.");
      }
      if (typeof form["grant_type"] !== "string" || form["grant_type"] === "") return oauthError(reply, 400, "invalid_request", "grant_type is required: send grant_type=client_credentials.");
      if (form["grant_type"] !== "client_credentials") return oauthError(reply, 400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
      const asked = typeof form["scope"] === "string" && form["scope"].trim() !== "" ? form["scope"].trim().split(/\s+/) : [SCOPE];
      if (!asked.includes(SCOPE)) return oauthError(reply, 400, "invalid_scope", `The only scope is ${SCOPE}.`);
      const token = await oauth.issue(client.sp, client.secretId, `${origin(request)}/oidc`, SCOPE);
      audit(request, "oauth.token", { clientId: client.sp.name, secretId: client.secretId });
      return reply.header("cache-control", "no-store").send({ access_token: token, token_type: "Bearer", expires_in: oauth.lifetimeSeconds, scope: SCOPE });
    });
  });

  type SpParams = { Params: { id: string; secretId?: string } };
  const servicePrincipal = (request: FastifyRequest<SpParams>) => {
    access.requireAdmin(callerOf(request));
    const id = request.params.id;
    const sp = dir.get(id)?.kind === "service_principal" ? dir.get(id) : dir.find("service_principal", id);
    if (!sp) throw errors.notFound(`Service principal ${id} does not exist.`);
    return sp;
  };
  for (const base of ["/api/2.0/accounts/servicePrincipals/:id/credentials/secrets", "/api/2.0/accounts/:accountId/servicePrincipals/:id/credentials/secrets"]) {
    app.post<SpParams>(base, async (request) => {
      const sp = servicePrincipal(request);
      const { info, secret } = await identity.change(() => oauth.createSecret(sp.id));
      audit(request, "oauth.secret.create", { servicePrincipal: sp.name, secretId: info.id });
      return { ...secretView(info), secret };
    });
    app.get<SpParams>(base, async (request) => ({ secrets: oauth.list(servicePrincipal(request).id).map(secretView) }));
    app.delete<SpParams>(`${base}/:secretId`, async (request) => {
      const sp = servicePrincipal(request);
      const secretId = request.params.secretId ?? "";
      const deleted = await identity.change(() => oauth.deleteSecret(sp.id, secretId));
      if (!deleted) throw errors.notFound(`Secret ${secretId} does not exist.`);
      audit(request, "oauth.secret.delete", { servicePrincipal: sp.name, secretId });
      return {};
    });
  }
}
