/**
 * Principals in the SCIM shapes Databricks returns: `schemas`, `id`, `userName` /
 * `applicationId`, `displayName`, `active`, `groups` and `members` as
 * `{value, display, $ref}`, `entitlements` as `{value}`.
 */
import type { Directory, Entry, EntryKind } from "../directory.js";

export const SCHEMAS: Record<EntryKind, string> = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  group: "urn:ietf:params:scim:schemas:core:2.0:Group",
  service_principal: "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal",
};

export const RESOURCE_PATH: Record<EntryKind, string> = { user: "Users", group: "Groups", service_principal: "ServicePrincipals" };

export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

export type ScimObject = Record<string, unknown>;

function ref(e: Entry): ScimObject {
  return { value: e.id, display: e.kind === "group" ? e.name : e.displayName, $ref: `${RESOURCE_PATH[e.kind]}/${e.id}` };
}

export function renderEntry(dir: Directory, e: Entry): ScimObject {
  const groups = dir
    .directGroups(e.id)
    .map((g) => dir.get(g))
    .filter((g): g is Entry => g !== undefined)
    .map((g) => ({ ...ref(g), type: "direct" }));
  const out: ScimObject = { schemas: [SCHEMAS[e.kind]], id: e.id };
  if (e.kind === "user") {
    out["userName"] = e.name;
    out["displayName"] = e.displayName;
    out["active"] = e.active;
    if (e.name.includes("@")) out["emails"] = [{ value: e.name, type: "work", primary: true }];
  } else if (e.kind === "service_principal") {
    out["applicationId"] = e.name;
    out["displayName"] = e.displayName;
    out["active"] = e.active;
  } else {
    out["displayName"] = e.name;
    out["members"] = dir
      .membersOf(e.id)
      .map((m) => dir.get(m))
      .filter((m): m is Entry => m !== undefined)
      .map(ref);
  }
  out["groups"] = groups;
  out["entitlements"] = e.entitlements.map((value) => ({ value }));
  if (e.externalId !== null) out["externalId"] = e.externalId;
  out["meta"] = { resourceType: e.kind === "user" ? "User" : e.kind === "group" ? "Group" : "ServicePrincipal", created: new Date(e.createdAt).toISOString() };
  return out;
}

/** The SCIM list response, paged by `startIndex` (1-based) and `count`. */
export function listResponse(all: ScimObject[], startIndex: number, count: number | undefined): ScimObject {
  const start = Math.max(1, startIndex);
  const page = all.slice(start - 1, count === undefined ? undefined : start - 1 + Math.max(0, count));
  return { schemas: [LIST_SCHEMA], totalResults: all.length, startIndex: start, itemsPerPage: page.length, Resources: page };
}
