/**
 * Identity routes: SCIM principals, tokens, OAuth M2M, endpoint permissions. The OAuth
 * signing key is kept by the secrets store; binding it here keeps the wiring in one place
 * (a runtime that passes `secrets` to `createIdentity` makes this a no-op).
 */
import type { FastifyInstance } from "fastify";
import type { IdentityService } from "../../auth/index.js";
import type { SecretService } from "../../secrets/index.js";
import { oauthRoutes } from "./oauth.js";
import { permissionRoutes } from "./permissions.js";
import { scimRoutes } from "./scim.js";
import { tokenRoutes } from "./tokens.js";

export { OAUTH_PUBLIC_PATHS } from "./oauth.js";

export function identityRoutes(app: FastifyInstance, identity: IdentityService, secrets: SecretService): void {
  identity.bindSecrets(secrets);
  scimRoutes(app, identity);
  tokenRoutes(app, identity);
  oauthRoutes(app, identity);
  permissionRoutes(app, identity);
}
