/**
 * Who is calling. Every authenticated request carries one principal: a user or a service
 * principal, with the groups it belongs to. Admins are the members of the `admins` group
 * (the Databricks convention); the bootstrap admin is the user `admin`, in that group.
 */

export type PrincipalKind = "user" | "service_principal";

export const ADMINS_GROUP = "admins";

export interface Principal {
  /** The SCIM id. */
  id: string;
  kind: PrincipalKind;
  /** `userName` of a user, `applicationId` of a service principal: what ACLs and limits are keyed by. */
  name: string;
  displayName: string;
  /** Display names of the groups it is a member of (directly or through nested groups). */
  groups: readonly string[];
  /** A member of `admins`. */
  admin: boolean;
  /** The token the request came with (a PAT id or an OAuth token's `jti`), for audit. */
  tokenId?: string;
}

/** The bootstrap admin, as a principal. */
export const BOOTSTRAP_ADMIN: Principal = Object.freeze({
  id: "1",
  kind: "user",
  name: "admin",
  displayName: "admin",
  groups: Object.freeze([ADMINS_GROUP]),
  admin: true,
});

/** The gateway itself, for calls it makes on its own behalf (a guardrail's judge endpoint). */
export const SYSTEM_PRINCIPAL: Principal = Object.freeze({
  id: "0",
  kind: "service_principal",
  name: "tessera-system",
  displayName: "Tessera (system)",
  groups: Object.freeze([ADMINS_GROUP]),
  admin: true,
});
