/** `tessera secrets acls …`: secret scope ACLs (READ ⊂ WRITE ⊂ MANAGE). */

import type { CommandIO } from "./io.js";
import { SECRET_ACLS_USAGE } from "./identity-usage.js";
import { dispatch, open, say, type Sub } from "./identity-kit.js";
import { arrayField, isRecord, stringField } from "./json.js";
import { renderTable } from "./table.js";

const BASE = "/api/2.0/secrets/acls";
const hint = 'Run "tessera secrets acls --help" for usage.\n';
const help = (io: CommandIO) => (io.out(SECRET_ACLS_USAGE), 0);

const subs: Record<string, Sub> = {
  async list(args, io) {
    const o = open(args, io, { usage: SECRET_ACLS_USAGE, hint, names: ["scope"] });
    if (!o) return help(io);
    const reply = await o.client.json("GET", `${BASE}/list?${new URLSearchParams({ scope: o.pos[0] as string }).toString()}`);
    if (o.values.json) return say(io, true, reply, "");
    const rows = arrayField(reply, "items").filter(isRecord).map((i) => [stringField(i, "principal") ?? "-", stringField(i, "permission") ?? "-"]);
    io.out(rows.length ? renderTable(["PRINCIPAL", "PERMISSION"], rows) : "No ACLs.\n");
    return 0;
  },
  async get(args, io) {
    const o = open(args, io, { usage: SECRET_ACLS_USAGE, hint, names: ["scope", "principal"] });
    if (!o) return help(io);
    const q = new URLSearchParams({ scope: o.pos[0] as string, principal: o.pos[1] as string }).toString();
    const reply = await o.client.json("GET", `${BASE}/get?${q}`);
    return say(io, o.values.json, reply, `${stringField(reply, "principal") ?? "?"}  ${stringField(reply, "permission") ?? "?"}\n`);
  },
  async put(args, io) {
    const o = open(args, io, { usage: SECRET_ACLS_USAGE, hint, names: ["scope", "principal", "permission"] });
    if (!o) return help(io);
    const [scope, principal, permission] = o.pos;
    const reply = await o.client.json("POST", `${BASE}/put`, { scope, principal, permission: permission?.toUpperCase() });
    return say(io, o.values.json, reply, `Gave ${principal ?? ""} ${permission?.toUpperCase() ?? ""} on scope ${scope ?? ""}\n`);
  },
  async delete(args, io) {
    const o = open(args, io, { usage: SECRET_ACLS_USAGE, hint, names: ["scope", "principal"] });
    if (!o) return help(io);
    const [scope, principal] = o.pos;
    const reply = await o.client.json("POST", `${BASE}/delete`, { scope, principal });
    return say(io, o.values.json, reply, `Removed ${principal ?? ""}'s permission on scope ${scope ?? ""}\n`);
  },
};

export const secretAclsCommand: Sub = (args, io) => dispatch("secrets acls", subs, SECRET_ACLS_USAGE, args, io);
