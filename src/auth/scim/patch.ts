/**
 * SCIM PATCH (RFC 7644 §3.5.2): `{"Operations":[{op, path?, value?}]}` with op add, remove
 * or replace (any case, as Azure AD and Okta send them). Paths: an attribute
 * (`displayName`, `active`, `userName`, `externalId`, `entitlements`, `members`), a
 * filtered one (`members[value eq "123"]`, `entitlements[value eq "x"]`), or none — then
 * `value` is an object of attributes.
 */
import { z } from "zod";
import { parseWith } from "../../config/ai-gateway.js";
import { errors } from "../../gateway/errors.js";
import type { Entry, EntryChange, EntryKind } from "../directory.js";

const opSchema = z.object({
  op: z.string().transform((s) => s.toLowerCase()).pipe(z.enum(["add", "remove", "replace"])),
  path: z.string().optional(),
  value: z.unknown().optional(),
});
export const patchSchema = z.object({ schemas: z.array(z.string()).optional(), Operations: z.array(opSchema).min(1) });

export interface Patch {
  entry: EntryChange;
  /** Group members (by id) to add and remove, or the complete new set. */
  members: { add: string[]; remove: string[]; replace?: string[] };
}

const SETTABLE: Record<EntryKind, string[]> = {
  user: ["username", "displayname", "active", "externalid"],
  group: ["displayname", "externalid"],
  service_principal: ["displayname", "active", "externalid"],
};

function values(v: unknown, attr: string): string[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.map((x) => {
    const val = typeof x === "object" && x !== null ? (x as { value?: unknown }).value : x;
    if (typeof val !== "string" || val === "") throw errors.invalidParameter(attr, `${attr} values must be objects with a string 'value'.`);
    return val;
  });
}

function bool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  throw errors.invalidParameter("active", "active must be true or false.");
}

function text(v: unknown, attr: string): string {
  if (typeof v !== "string" || v.trim() === "") throw errors.invalidParameter(attr, `${attr} must be a non-empty string.`);
  return v;
}

const FILTERED = /^(\w+)\[\s*value\s+eq\s+"([^"]*)"\s*\]$/i;

/** Turns PATCH operations into a change of attributes and of members. */
export function readPatch(kind: EntryKind, current: Entry, body: unknown): Patch {
  const ops = parseWith(patchSchema, body, "").Operations;
  const out: Patch = { entry: {}, members: { add: [], remove: [] } };
  let entitlements = new Set(current.entitlements);
  const setAttr = (attrRaw: string, value: unknown) => {
    const attr = attrRaw.toLowerCase();
    if (attr === "entitlements") {
      entitlements = new Set(values(value, "entitlements"));
      return;
    }
    if (attr === "members" && kind === "group") {
      out.members = { add: [], remove: [], replace: values(value, "members") };
      return;
    }
    if (!SETTABLE[kind].includes(attr)) throw errors.invalidParameter(attrRaw, `Attribute ${attrRaw} cannot be changed here.`);
    if (attr === "active") out.entry.active = bool(value);
    else if (attr === "username") out.entry.name = text(value, "userName");
    else if (attr === "displayname") {
      out.entry.displayName = text(value, "displayName");
      if (kind === "group") out.entry.name = out.entry.displayName;
    } else if (attr === "externalid") out.entry.externalId = value === null ? null : text(value, "externalId");
  };
  for (const op of ops) {
    const filtered = op.path ? FILTERED.exec(op.path) : null;
    const attr = filtered ? (filtered[1] as string).toLowerCase() : op.path?.toLowerCase();
    const target = filtered ? [filtered[2] as string] : undefined;
    if (attr === undefined) {
      if (op.op === "remove" || typeof op.value !== "object" || op.value === null || Array.isArray(op.value)) {
        throw errors.invalidParameter("Operations", "An operation without a path must be add or replace with an object value.");
      }
      for (const [k, v] of Object.entries(op.value)) {
        if (k.toLowerCase() === "members" && op.op === "add") out.members.add.push(...values(v, "members"));
        else if (k.toLowerCase() === "entitlements" && op.op === "add") for (const e of values(v, "entitlements")) entitlements.add(e);
        else setAttr(k, v);
      }
      continue;
    }
    if (attr === "members" || attr === "entitlements") {
      if (attr === "members" && kind !== "group") throw errors.invalidParameter("path", "Only groups have members.");
      const given = target ?? values(op.value, attr);
      if (op.op === "replace" && !target) setAttr(attr, op.value);
      else if (attr === "members") (op.op === "remove" ? out.members.remove : out.members.add).push(...given);
      else if (op.op === "remove") for (const e of given) entitlements.delete(e);
      else for (const e of given) entitlements.add(e);
      continue;
    }
    if (op.op === "remove") {
      if (attr === "externalid") out.entry.externalId = null;
      else throw errors.invalidParameter(op.path ?? "path", `Attribute ${op.path ?? ""} cannot be removed.`);
      continue;
    }
    setAttr(op.path as string, op.value);
  }
  const before = [...current.entitlements].sort().join("\n");
  if ([...entitlements].sort().join("\n") !== before) out.entry.entitlements = [...entitlements];
  return out;
}
