/** `tessera permissions …`: serving-endpoint ACLs. */

import { UsageError } from "./errors.js";
import type { CommandIO } from "./io.js";
import { PERMISSIONS_USAGE } from "./identity-usage.js";
import { connect, parseCommand } from "./args.js";
import { dispatch, hintFor, JSON_FLAG, open, PATCH, say, type Sub } from "./identity-kit.js";
import { arrayField, isRecord, prettyJson, stringField } from "./json.js";
import { renderTable } from "./table.js";

const BASE = "/api/2.0/permissions/serving-endpoints";
const hint = hintFor("permissions");
const help = (io: CommandIO) => (io.out(PERMISSIONS_USAGE), 0);
const FIELD = { user: "user_name", group: "group_name", sp: "service_principal_name" } as const;
const LEVELS = ["CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"];

/** `user:alice=CAN_QUERY` → `{user_name: "alice", permission_level: "CAN_QUERY"}`. */
export function parseGrant(text: string): Record<string, string> {
  const m = /^(user|group|sp):(.+)=([A-Z_]+)$/.exec(text);
  if (!m || !LEVELS.includes(m[3] as string)) throw new UsageError(`'${text}' is not a grant like user:alice=CAN_QUERY (kinds: user, group, sp; levels: ${LEVELS.join(", ")})`, hint);
  return { [FIELD[m[1] as keyof typeof FIELD]]: m[2] as string, permission_level: m[3] as string };
}

function table(reply: unknown): string {
  const rows = arrayField(reply, "access_control_list")
    .filter(isRecord)
    .map((e) => {
      const [kind, name] = e["user_name"] !== undefined ? ["user", e["user_name"]] : e["group_name"] !== undefined ? ["group", e["group_name"]] : ["sp", e["service_principal_name"]];
      const perms = arrayField(e, "all_permissions").filter(isRecord);
      const level = perms.map((p) => `${stringField(p, "permission_level") ?? "?"}${p["inherited"] === true ? " (inherited)" : ""}`).join(", ");
      return [kind as string, String(name), level];
    });
  return renderTable(["KIND", "NAME", "PERMISSION"], rows);
}

function change(method: "PUT" | "PATCH"): Sub {
  return async (args, io) => {
    // Any number of grants: positionals are read here rather than through `open`.
    const { values, positionals } = parseCommand(args, JSON_FLAG, hint);
    if (values.help) return help(io);
    const [endpoint, ...grants] = positionals;
    if (endpoint === undefined) throw new UsageError("missing argument <endpoint>", hint);
    if (method === "PATCH" && grants.length === 0) throw new UsageError("give at least one grant", hint);
    const body = { access_control_list: grants.map(parseGrant) };
    const reply = await connect(values, io).json(method === "PUT" ? "PUT" : PATCH, `${BASE}/${encodeURIComponent(endpoint)}`, body);
    return say(io, values.json, reply, table(reply));
  };
}

const subs: Record<string, Sub> = {
  async get(args, io) {
    const o = open(args, io, { usage: PERMISSIONS_USAGE, hint, names: ["endpoint"] });
    if (!o) return help(io);
    const reply = await o.client.json("GET", `${BASE}/${encodeURIComponent(o.pos[0] as string)}`);
    return say(io, o.values.json, reply, table(reply));
  },
  set: change("PUT"),
  update: change("PATCH"),
  async levels(args, io) {
    const o = open(args, io, { usage: PERMISSIONS_USAGE, hint, names: ["endpoint"] });
    if (!o) return help(io);
    const reply = await o.client.json("GET", `${BASE}/${encodeURIComponent(o.pos[0] as string)}/permissionLevels`);
    if (o.values.json) return say(io, true, reply, prettyJson(reply));
    const rows = arrayField(reply, "permission_levels").filter(isRecord).map((l) => [stringField(l, "permission_level") ?? "-", stringField(l, "description") ?? ""]);
    io.out(renderTable(["LEVEL", "DESCRIPTION"], rows));
    return 0;
  },
};

export const permissionsCommand: Sub = (args, io) => dispatch("permissions", subs, PERMISSIONS_USAGE, args, io);
