/** Tables of identity and permissions (principals, group members, tokens' owners, ACLs). */
export type IdentityTables = Record<never, never>;
