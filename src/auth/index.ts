/**
 * Identity: principals (users, groups, service principals), personal access tokens and
 * OAuth machine-to-machine tokens; and who may do what (`permissions/`).
 */
import type { Logger } from "pino";
import type { QueryAuthorizer } from "../gateway/policies.js";
import type { Db } from "../store/index.js";
import type { Principal } from "./principal.js";
import { TokenService } from "./tokens.js";
import { tokenFromHeader } from "../server/auth.js";
import { errors } from "../gateway/errors.js";

export type { Principal } from "./principal.js";

/** What other folders may ask of identity and permissions. */
export interface AccessControl extends QueryAuthorizer {
  /** Throws 403 (or 404 when the caller cannot even view it) unless the caller has `level` on the endpoint. */
  requireEndpoint(caller: Principal, endpointName: string, level: "CAN_VIEW" | "CAN_QUERY" | "CAN_MANAGE"): Promise<void>;
  /** Throws 403 unless the caller is an admin. */
  requireAdmin(caller: Principal): void;
}

export interface IdentityService {
  /** The principal an Authorization header stands for; a 401 GatewayError otherwise. */
  authenticate(header: string | undefined): Promise<Principal>;
  access: AccessControl;
  /** Set on the first start without TESSERA_ADMIN_TOKEN: the generated admin token, to print once. */
  generatedAdminToken: string | undefined;
  tokens: TokenService;
}

export async function createIdentity(o: { db: Db; env: NodeJS.ProcessEnv; log: Logger }): Promise<IdentityService> {
  const tokens = new TokenService(o.db);
  const { generated } = await tokens.bootstrap(o.env["TESSERA_ADMIN_TOKEN"]);
  const requireAdmin = (caller: Principal) => {
    if (!caller.admin) throw errors.permissionDenied("This needs admin rights.");
  };
  return {
    tokens,
    generatedAdminToken: generated,
    async authenticate(header) {
      const token = tokenFromHeader(header);
      if (!token) throw errors.unauthenticated("Missing credentials: send Authorization: Bearer <token>, or Basic auth with the token as the password.");
      const principal = await tokens.authenticate(token);
      if (!principal) throw errors.unauthenticated("Invalid access token.");
      return principal;
    },
    access: {
      requireQuery() {},
      async requireEndpoint(caller) {
        requireAdmin(caller);
      },
      requireAdmin,
    },
  };
}
