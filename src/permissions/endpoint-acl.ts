/**
 * The Databricks permissions API shapes for serving endpoints: an ACL read as
 * `{object_id, object_type, access_control_list:[{user_name|group_name|service_principal_name,
 * display_name, all_permissions:[{permission_level, inherited, inherited_from_object?}]}]}`,
 * and changed with `{access_control_list:[{user_name|group_name|service_principal_name,
 * permission_level}]}`.
 */
import { z } from "zod";
import { parseWith } from "../config/ai-gateway.js";
import { ADMINS_ID, type Directory, type Entry } from "../auth/directory.js";
import { errors } from "../gateway/errors.js";
import { ENDPOINT_LEVELS, type EndpointLevel } from "./levels.js";

const entrySchema = z.object({
  user_name: z.string().min(1).optional(),
  group_name: z.string().min(1).optional(),
  service_principal_name: z.string().min(1).optional(),
  permission_level: z.enum(ENDPOINT_LEVELS),
});
const aclSchema = z.object({ access_control_list: z.array(entrySchema).default([]) });

const NAME_FIELD = { user: "user_name", group: "group_name", service_principal: "service_principal_name" } as const;

/** Reads a request's ACL into principal id → level; unknown principals are a 400 naming them. */
export function readAcl(dir: Directory, body: unknown): Map<string, EndpointLevel> {
  const input = parseWith(aclSchema, body ?? {}, "");
  const out = new Map<string, EndpointLevel>();
  for (const [i, e] of input.access_control_list.entries()) {
    const given = (["user_name", "group_name", "service_principal_name"] as const).filter((k) => e[k] !== undefined);
    if (given.length !== 1) throw errors.invalidParameter(`access_control_list[${i}]`, `access_control_list[${i}] needs exactly one of user_name, group_name or service_principal_name.`);
    const field = given[0] as (typeof given)[number];
    const name = e[field] as string;
    const kind = field === "user_name" ? "user" : field === "group_name" ? "group" : "service_principal";
    const who = dir.find(kind, name);
    if (!who) throw errors.invalidParameter(`access_control_list[${i}].${field}`, `${field} '${name}' does not exist.`);
    if (who.id === ADMINS_ID) throw errors.invalidParameter(`access_control_list[${i}].group_name`, "The admins group always has CAN_MANAGE; its permission cannot be changed.");
    out.set(who.id, e.permission_level);
  }
  return out;
}

/** The ACL of an endpoint as the permissions API shows it: direct grants, then the admins' inherited CAN_MANAGE. */
export function renderAcl(dir: Directory, endpointId: string, grants: ReadonlyMap<string, EndpointLevel>) {
  const direct = [...grants]
    .map(([id, level]) => ({ who: dir.get(id), level }))
    .filter((g): g is { who: Entry; level: EndpointLevel } => g.who !== undefined)
    .sort((a, b) => a.who.kind.localeCompare(b.who.kind) || a.who.name.localeCompare(b.who.name))
    .map(({ who, level }) => ({
      [NAME_FIELD[who.kind]]: who.name,
      display_name: who.displayName,
      all_permissions: [{ permission_level: level, inherited: false }],
    }));
  return {
    object_id: `/serving-endpoints/${endpointId}`,
    object_type: "serving-endpoint",
    access_control_list: [
      ...direct,
      { group_name: "admins", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: true, inherited_from_object: ["/serving-endpoints/"] }] },
    ],
  };
}
