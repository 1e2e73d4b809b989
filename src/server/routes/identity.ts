/**
 * Identity routes: SCIM principals, tokens, OAuth M2M, permissions. (Filled in by the
 * identity work; registered by the app.)
 */
import type { FastifyInstance } from "fastify";
import type { IdentityService } from "../../auth/index.js";

export function identityRoutes(_app: FastifyInstance, _identity: IdentityService): void {}
