/** `tessera users|groups|service-principals …`: SCIM principals. */

import { CliError } from "./errors.js";
import type { GatewayClient } from "./http.js";
import type { CommandIO } from "./io.js";
import { GROUPS_USAGE, SPS_USAGE, USERS_USAGE } from "./identity-usage.js";
import { anyPrincipalId, dispatch, hintFor, open, PATCH, SCIM, say, scimId, type ScimKind, type Sub } from "./identity-kit.js";
import { arrayField, isRecord, prettyJson, stringField } from "./json.js";
import { renderTable } from "./table.js";

interface Kind {
  command: string;
  scim: ScimKind;
  usage: string;
  /** The attribute that names one: userName, displayName, applicationId. */
  nameAttr: string;
  word: string;
}

const USERS: Kind = { command: "users", scim: "Users", usage: USERS_USAGE, nameAttr: "userName", word: "user" };
const GROUPS: Kind = { command: "groups", scim: "Groups", usage: GROUPS_USAGE, nameAttr: "displayName", word: "group" };
const SPS: Kind = { command: "service-principals", scim: "ServicePrincipals", usage: SPS_USAGE, nameAttr: "applicationId", word: "service principal" };

const ops = (...Operations: unknown[]) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });

function common(k: Kind): Record<string, Sub> {
  const hint = hintFor(k.command);
  const spec = (names: string[], extra: { optional?: number } = {}) => ({ usage: k.usage, hint, names, ...extra });
  const help = (io: CommandIO) => (io.out(k.usage), 0);
  const byRef = (names: string[], run: (client: GatewayClient, id: string, pos: string[], json: boolean | undefined, io: CommandIO) => Promise<number>): Sub =>
    async (args, io) => {
      const o = open(args, io, spec(names));
      if (!o) return help(io);
      return run(o.client, await scimId(o.client, k.scim, o.pos[0] as string), o.pos, o.values.json, io);
    };
  const patch = (ops: (pos: string[]) => unknown, done: (pos: string[]) => string, names: string[]) =>
    byRef(names, async (client, id, pos, json, io) => say(io, json, await client.json(PATCH, `${SCIM}/${k.scim}/${id}`, ops(pos)), done(pos)));

  return {
    async list(args, io) {
      const o = open(args, io, { ...spec([]), options: { filter: { type: "string" } } });
      if (!o) return help(io);
      const q = o.values.filter ? `?filter=${encodeURIComponent(o.values.filter)}` : "";
      const reply = await o.client.json("GET", `${SCIM}/${k.scim}${q}`);
      if (o.values.json) return say(io, true, reply, "");
      const rows = arrayField(reply, "Resources")
        .filter(isRecord)
        .map((r) => [stringField(r, "id") ?? "-", stringField(r, k.nameAttr) ?? "-", k === GROUPS ? String(arrayField(r, "members").length) : (stringField(r, "displayName") ?? "-"), k === GROUPS ? "-" : String(r["active"] ?? "-")]);
      io.out(rows.length ? renderTable(["ID", k.nameAttr.toUpperCase(), k === GROUPS ? "MEMBERS" : "DISPLAY NAME", k === GROUPS ? "" : "ACTIVE"], rows) : `No ${k.word}s.\n`);
      return 0;
    },
    get: byRef(["ref"], async (client, id, _pos, _json, io) => (io.out(prettyJson(await client.json("GET", `${SCIM}/${k.scim}/${id}`))), 0)),
    delete: byRef(["ref"], async (client, id, pos, json, io) => say(io, json, await client.json("DELETE", `${SCIM}/${k.scim}/${id}`), `Deleted ${k.word} ${pos[0] ?? ""}\n`)),
    entitle: patch((p) => ops({ op: "add", path: "entitlements", value: [{ value: p[1] }] }), (p) => `Granted ${p[1] ?? ""} to ${p[0] ?? ""}\n`, ["ref", "entitlement"]),
    unentitle: patch((p) => ops({ op: "remove", path: `entitlements[value eq ${JSON.stringify(p[1])}]` }), (p) => `Removed ${p[1] ?? ""} from ${p[0] ?? ""}\n`, ["ref", "entitlement"]),
  };
}

function activation(k: Kind): Record<string, Sub> {
  const set = (active: boolean): Sub => async (args, io) => {
    const o = open(args, io, { usage: k.usage, hint: hintFor(k.command), names: ["ref"] });
    if (!o) return (io.out(k.usage), 0);
    const id = await scimId(o.client, k.scim, o.pos[0] as string);
    const reply = await o.client.json(PATCH, `${SCIM}/${k.scim}/${id}`, ops({ op: "replace", path: "active", value: active }));
    return say(io, o.values.json, reply, `${active ? "Activated" : "Deactivated"} ${k.word} ${o.pos[0] ?? ""}\n`);
  };
  return { activate: set(true), deactivate: set(false) };
}

const usersSubs: Record<string, Sub> = {
  ...common(USERS),
  ...activation(USERS),
  async me(args, io) {
    const o = open(args, io, { usage: USERS_USAGE, hint: hintFor("users"), names: [] });
    if (!o) return (io.out(USERS_USAGE), 0);
    io.out(prettyJson(await o.client.json("GET", `${SCIM}/Me`)));
    return 0;
  },
  async create(args, io) {
    const o = open(args, io, { usage: USERS_USAGE, hint: hintFor("users"), names: ["userName"], options: { "display-name": { type: "string" }, entitlements: { type: "string" } } });
    if (!o) return (io.out(USERS_USAGE), 0);
    const entitlements = (o.values.entitlements ?? "").split(",").filter(Boolean).map((value) => ({ value }));
    const body = { userName: o.pos[0], ...(o.values["display-name"] ? { displayName: o.values["display-name"] } : {}), entitlements };
    const reply = await o.client.json("POST", `${SCIM}/Users`, body);
    return say(io, o.values.json, reply, `Created user ${o.pos[0] ?? ""} (id ${stringField(reply, "id") ?? "?"})\n`);
  },
};

const groupsSubs: Record<string, Sub> = {
  ...common(GROUPS),
  async create(args, io) {
    const o = open(args, io, { usage: GROUPS_USAGE, hint: hintFor("groups"), names: ["name"] });
    if (!o) return (io.out(GROUPS_USAGE), 0);
    const reply = await o.client.json("POST", `${SCIM}/Groups`, { displayName: o.pos[0] });
    return say(io, o.values.json, reply, `Created group ${o.pos[0] ?? ""} (id ${stringField(reply, "id") ?? "?"})\n`);
  },
  "add-member": member("add"),
  "remove-member": member("remove"),
};

function member(op: "add" | "remove"): Sub {
  return async (args, io) => {
    const o = open(args, io, { usage: GROUPS_USAGE, hint: hintFor("groups"), names: ["group", "principal"] });
    if (!o) return (io.out(GROUPS_USAGE), 0);
    const group = await scimId(o.client, "Groups", o.pos[0] as string);
    const id = await anyPrincipalId(o.client, o.pos[1] as string);
    const reply = await o.client.json(PATCH, `${SCIM}/Groups/${group}`, ops({ op, path: "members", value: [{ value: id }] }));
    return say(io, o.values.json, reply, `${op === "add" ? "Added" : "Removed"} ${o.pos[1] ?? ""} ${op === "add" ? "to" : "from"} ${o.pos[0] ?? ""}\n`);
  };
}

const spSecrets: Record<string, Sub> = {
  async create(args, io) {
    const o = open(args, io, { usage: SPS_USAGE, hint: hintFor("service-principals"), names: ["sp"] });
    if (!o) return (io.out(SPS_USAGE), 0);
    const id = await scimId(o.client, "ServicePrincipals", o.pos[0] as string);
    const reply = await o.client.json("POST", `/api/2.0/accounts/servicePrincipals/${id}/credentials/secrets`);
    if (o.values.json) return say(io, true, reply, "");
    const secret = stringField(reply, "secret");
    if (!secret) throw new CliError("the gateway did not return a secret");
    const sp = await o.client.json("GET", `${SCIM}/ServicePrincipals/${id}`);
    io.err(`OAuth secret ${stringField(reply, "id") ?? "?"} for client id ${stringField(sp, "applicationId") ?? "?"} (shown once; store it now):\n`);
    io.out(`${secret}\n`);
    return 0;
  },
  async list(args, io) {
    const o = open(args, io, { usage: SPS_USAGE, hint: hintFor("service-principals"), names: ["sp"] });
    if (!o) return (io.out(SPS_USAGE), 0);
    const id = await scimId(o.client, "ServicePrincipals", o.pos[0] as string);
    const reply = await o.client.json("GET", `/api/2.0/accounts/servicePrincipals/${id}/credentials/secrets`);
    if (o.values.json) return say(io, true, reply, "");
    const rows = arrayField(reply, "secrets").filter(isRecord).map((s) => [stringField(s, "id") ?? "-", stringField(s, "status") ?? "-", stringField(s, "create_time") ?? "-"]);
    io.out(rows.length ? renderTable(["ID", "STATUS", "CREATED"], rows) : "No OAuth secrets.\n");
    return 0;
  },
  async delete(args, io) {
    const o = open(args, io, { usage: SPS_USAGE, hint: hintFor("service-principals"), names: ["sp", "secret-id"] });
    if (!o) return (io.out(SPS_USAGE), 0);
    const id = await scimId(o.client, "ServicePrincipals", o.pos[0] as string);
    const reply = await o.client.json("DELETE", `/api/2.0/accounts/servicePrincipals/${id}/credentials/secrets/${encodeURIComponent(o.pos[1] as string)}`);
    return say(io, o.values.json, reply, `Deleted OAuth secret ${o.pos[1] ?? ""}\n`);
  },
};

const spsSubs: Record<string, Sub> = {
  ...common(SPS),
  ...activation(SPS),
  async create(args, io) {
    const o = open(args, io, { usage: SPS_USAGE, hint: hintFor("service-principals"), names: ["displayName"] });
    if (!o) return (io.out(SPS_USAGE), 0);
    const reply = await o.client.json("POST", `${SCIM}/ServicePrincipals`, { displayName: o.pos[0] });
    return say(io, o.values.json, reply, `Created service principal ${o.pos[0] ?? ""} (id ${stringField(reply, "id") ?? "?"}, application id ${stringField(reply, "applicationId") ?? "?"})\n`);
  },
  secrets: (args, io) => dispatch("service-principals secrets", spSecrets, SPS_USAGE, args, io),
};

export const PRINCIPAL_COMMANDS: Record<string, Sub> = {
  users: (args, io) => dispatch("users", usersSubs, USERS_USAGE, args, io),
  groups: (args, io) => dispatch("groups", groupsSubs, GROUPS_USAGE, args, io),
  "service-principals": (args, io) => dispatch("service-principals", spsSubs, SPS_USAGE, args, io),
};
