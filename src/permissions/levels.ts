/**
 * Permission levels. Each list is ordered: a level includes every level before it
 * (CAN_MANAGE ⊃ CAN_QUERY ⊃ CAN_VIEW; MANAGE ⊃ WRITE ⊃ READ).
 */

export const ENDPOINT_LEVELS = ["CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"] as const;
export type EndpointLevel = (typeof ENDPOINT_LEVELS)[number];

export const SCOPE_PERMISSIONS = ["READ", "WRITE", "MANAGE"] as const;
export type ScopePermission = (typeof SCOPE_PERMISSIONS)[number];

export const ENDPOINT_LEVEL_DESCRIPTIONS: Record<EndpointLevel, string> = {
  CAN_VIEW: "Can view the endpoint, its configuration and its metrics",
  CAN_QUERY: "Can view and query the endpoint",
  CAN_MANAGE: "Can view, query, change, delete the endpoint and set its permissions",
};

/** Whether `have` includes `need` in the ordered list `order`. */
export function includes<L extends string>(order: readonly L[], have: L | undefined, need: L): boolean {
  return have !== undefined && order.indexOf(have) >= order.indexOf(need);
}

/** The higher of two levels. */
export function higher<L extends string>(order: readonly L[], a: L | undefined, b: L | undefined): L | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

export function isEndpointLevel(v: unknown): v is EndpointLevel {
  return typeof v === "string" && (ENDPOINT_LEVELS as readonly string[]).includes(v);
}

export function isScopePermission(v: unknown): v is ScopePermission {
  return typeof v === "string" && (SCOPE_PERMISSIONS as readonly string[]).includes(v);
}
