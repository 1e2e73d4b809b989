/**
 * Tables of identity and permissions. Principals of every kind share one table (their
 * SCIM ids are one namespace, as in Databricks); tokens belong to a principal by id
 * (`tokens.principal`, a column of the initial schema).
 */

export interface PrincipalTable {
  /** The SCIM id: decimal digits. */
  id: string;
  kind: "user" | "group" | "service_principal";
  /** `userName` of a user, `displayName` of a group, `applicationId` of a service principal. */
  name: string;
  display_name: string;
  /** 1 or 0; groups are always 1. */
  active: number;
  /** JSON: string[] of entitlement values. */
  entitlements: string;
  external_id: string | null;
  created_at: number;
}

export interface GroupMemberTable {
  group_id: string;
  member_id: string;
}

/** OAuth client secrets of service principals: only a SHA-256 hash of the value. */
export interface OAuthSecretTable {
  id: string;
  principal_id: string;
  secret_hash: string;
  create_time: number;
  update_time: number;
}

/** Direct grants on serving endpoints (CAN_VIEW, CAN_QUERY, CAN_MANAGE). */
export interface EndpointAclTable {
  endpoint_id: string;
  principal_id: string;
  level: string;
}

/** Grants on secret scopes (READ, WRITE, MANAGE). */
export interface SecretAclTable {
  scope: string;
  principal_id: string;
  permission: string;
}

export interface IdentityTables {
  principals: PrincipalTable;
  group_members: GroupMemberTable;
  oauth_secrets: OAuthSecretTable;
  endpoint_acls: EndpointAclTable;
  secret_acls: SecretAclTable;
}

// The initial `tokens` table gets a column in migration 0002: who made the token (the
// owner, or the admin who made it on the owner's behalf).
declare module "../schema.js" {
  interface TokenTable {
    created_by: string | null;
  }
}
