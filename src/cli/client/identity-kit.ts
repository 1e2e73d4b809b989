/** Shared pieces of the identity commands: sub-command dispatch, SCIM lookups by name. */

import { connect, expectPositionals, parseCommand } from "./args.js";
import { CliError, UsageError } from "./errors.js";
import type { GatewayClient, HttpMethod } from "./http.js";
import type { CommandIO } from "./io.js";
import { arrayField, isRecord, prettyJson, stringField } from "./json.js";

export type Sub = (args: string[], io: CommandIO) => Promise<number>;

export const SCIM = "/api/2.0/preview/scim/v2";
export const JSON_FLAG = { json: { type: "boolean" } } as const;

/** PATCH, which SCIM and the permissions API use. */
export const PATCH: HttpMethod = "PATCH";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function hintFor(command: string): string {
  return `Run "tessera ${command} --help" for usage.\n`;
}

/** Runs the sub-command `args[0]` of `group`, or prints the usage. */
export async function dispatch(group: string, subs: Record<string, Sub>, usage: string, args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    if (sub === undefined) throw new UsageError(`missing ${group} subcommand (one of: ${Object.keys(subs).join(", ")})`, usage);
    io.out(usage);
    return 0;
  }
  const run = Object.hasOwn(subs, sub) ? subs[sub] : undefined;
  if (!run) throw new UsageError(`unknown ${group} subcommand '${sub}' (one of: ${Object.keys(subs).join(", ")})`, usage);
  return run(rest, io);
}

/**
 * Parses a sub-command's options and positionals, handles --help, and connects: the common
 * opening of every identity command.
 */
export function open<const O extends Record<string, { type: "string" | "boolean"; short?: string }> = Record<never, never>>(
  args: string[],
  io: CommandIO,
  o: { usage: string; hint: string; names: string[]; optional?: number; options?: O },
) {
  const options = { ...JSON_FLAG, ...o.options } as typeof JSON_FLAG & O;
  const { values, positionals } = parseCommand(args, options, o.hint);
  if ((values as { help?: boolean }).help) return undefined;
  const pos = expectPositionals(positionals, o.names, o.hint, o.optional ?? 0);
  return { values, pos, client: connect(values as { host?: string; token?: string }, io) };
}

/** Prints the JSON reply with --json, else `text`. */
export function say(io: CommandIO, json: boolean | undefined, reply: unknown, text: string): number {
  io.out(json ? prettyJson(reply) : text);
  return 0;
}

export type ScimKind = "Users" | "Groups" | "ServicePrincipals";

/** A SCIM id from an id, or from a userName / group name / application id / display name. */
export async function scimId(client: GatewayClient, kind: ScimKind, ref: string): Promise<string> {
  if (/^\d+$/.test(ref)) return ref;
  const found = await findScim(client, kind, ref);
  if (!found) throw new CliError(`no ${kind === "Users" ? "user" : kind === "Groups" ? "group" : "service principal"} '${ref}'`);
  return found;
}

async function findScim(client: GatewayClient, kind: ScimKind, ref: string): Promise<string | undefined> {
  const attr = kind === "Users" ? "userName" : kind === "Groups" ? "displayName" : UUID.test(ref) ? "applicationId" : "displayName";
  const filter = `${attr} eq ${JSON.stringify(ref)}`;
  const reply = await client.json("GET", `${SCIM}/${kind}?filter=${encodeURIComponent(filter)}`);
  const found = arrayField(reply, "Resources").filter(isRecord);
  if (found.length > 1) throw new CliError(`'${ref}' names ${found.length} principals; give the id`);
  return stringField(found[0], "id");
}

/** A member for a group: a user, service principal or group, by id or name. */
export async function anyPrincipalId(client: GatewayClient, ref: string): Promise<string> {
  if (/^\d+$/.test(ref)) return ref;
  for (const kind of ["Users", "ServicePrincipals", "Groups"] as const) {
    const id = await findScim(client, kind, ref);
    if (id) return id;
  }
  throw new CliError(`no principal '${ref}'`);
}
