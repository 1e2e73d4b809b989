/**
 * SCIM operations on principals: create, replace (PUT), patch, as Databricks' SCIM API
 * takes them. Referenced ids (a user's `groups`, a group's `members`) are checked before
 * anything is written, so a bad request changes nothing.
 */
import { z } from "zod";
import { parseWith } from "../../config/ai-gateway.js";
import { errors } from "../../gateway/errors.js";
import type { Directory, Entry, EntryChange, EntryKind } from "../directory.js";
import type { IdentityService } from "../index.js";
import { readPatch } from "./patch.js";

const refs = z.array(z.object({ value: z.string().min(1) })).optional();
const active = z.union([z.boolean(), z.enum(["true", "false", "True", "False"])]).optional();
const common = { entitlements: refs, externalId: z.string().nullable().optional(), active };

const SCHEMAS = {
  user: z.object({ userName: z.string().trim().min(1).max(256), displayName: z.string().max(256).optional(), groups: refs, ...common }),
  group: z.object({ displayName: z.string().trim().min(1).max(256), members: refs, ...common }),
  service_principal: z.object({ applicationId: z.string().trim().min(1).max(256).optional(), displayName: z.string().max(256).optional(), groups: refs, ...common }),
};

interface Parsed {
  name: string;
  displayName: string;
  active: boolean | undefined;
  entitlements: string[] | undefined;
  externalId: string | null | undefined;
  /** Groups (ids) a user or service principal belongs to directly, when given. */
  groups: string[] | undefined;
  /** Members (ids) of a group, when given. */
  members: string[] | undefined;
}

function parse(kind: EntryKind, body: unknown): Parsed {
  const ids = (r: Array<{ value: string }> | undefined) => r?.map((x) => x.value);
  const act = (v: boolean | string | undefined) => (v === undefined ? undefined : typeof v === "boolean" ? v : v.toLowerCase() === "true");
  if (kind === "user") {
    const b = parseWith(SCHEMAS.user, body, "");
    return { name: b.userName, displayName: b.displayName || b.userName, active: act(b.active), entitlements: ids(b.entitlements), externalId: b.externalId, groups: ids(b.groups), members: undefined };
  }
  if (kind === "group") {
    const b = parseWith(SCHEMAS.group, body, "");
    return { name: b.displayName, displayName: b.displayName, active: undefined, entitlements: ids(b.entitlements), externalId: b.externalId, groups: undefined, members: ids(b.members) };
  }
  const b = parseWith(SCHEMAS.service_principal, body, "");
  const name = b.applicationId ?? "";
  return { name, displayName: b.displayName || name, active: act(b.active), entitlements: ids(b.entitlements), externalId: b.externalId, groups: ids(b.groups), members: undefined };
}

function checkRefs(dir: Directory, p: Parsed): void {
  for (const g of p.groups ?? []) if (dir.get(g)?.kind !== "group") throw errors.invalidParameter("groups", `Group ${g} does not exist.`);
  for (const m of p.members ?? []) if (!dir.get(m)) throw errors.invalidParameter("members", `Principal ${m} does not exist.`);
}

/** Makes the principal's direct groups exactly `groups`. */
async function setGroups(dir: Directory, id: string, groups: string[]): Promise<void> {
  const want = new Set(groups);
  const have = new Set(dir.directGroups(id));
  for (const g of want) if (!have.has(g)) await dir.changeMembers(g, { add: [id] });
  for (const g of have) if (!want.has(g)) await dir.changeMembers(g, { remove: [id] });
}

export class ScimService {
  constructor(private readonly identity: IdentityService) {}

  private get dir(): Directory {
    return this.identity.directory;
  }

  async create(kind: EntryKind, body: unknown): Promise<Entry> {
    const p = parse(kind, body);
    return this.identity.change(async () => {
      checkRefs(this.dir, p);
      const e = await this.dir.create(kind, { name: p.name, displayName: p.displayName, active: p.active ?? true, entitlements: p.entitlements ?? [], externalId: p.externalId ?? null });
      if (p.groups?.length) await setGroups(this.dir, e.id, p.groups);
      if (p.members?.length) await this.dir.changeMembers(e.id, { add: p.members });
      return this.dir.get(e.id) ?? e;
    });
  }

  /** PUT: the principal becomes what the body says (group members and direct groups included when given). */
  async replace(kind: EntryKind, id: string, body: unknown): Promise<Entry> {
    const p = parse(kind, body);
    return this.identity.change(async () => {
      const current = this.dir.require(id, kind);
      checkRefs(this.dir, p);
      const change: EntryChange = {
        displayName: p.displayName || current.displayName,
        entitlements: p.entitlements ?? [],
        externalId: p.externalId ?? null,
        ...(p.active === undefined ? {} : { active: p.active }),
        ...(kind === "service_principal" && p.name === "" ? {} : { name: p.name }),
      };
      if (kind === "service_principal" && p.name !== "" && p.name !== current.name) {
        throw errors.invalidParameter("applicationId", "applicationId cannot be changed.");
      }
      await this.dir.update(id, change);
      if (p.groups) await setGroups(this.dir, id, p.groups);
      if (kind === "group") await this.dir.changeMembers(id, { add: p.members ?? [], replace: true });
      return this.dir.require(id);
    });
  }

  async patch(kind: EntryKind, id: string, body: unknown): Promise<Entry> {
    return this.identity.change(async () => {
      const current = this.dir.require(id, kind);
      const p = readPatch(kind, current, body);
      if (Object.keys(p.entry).length) await this.dir.update(id, p.entry);
      const m = p.members;
      if (m.replace) await this.dir.changeMembers(id, { add: m.replace, replace: true });
      if (m.add.length || m.remove.length) await this.dir.changeMembers(id, { add: m.add, remove: m.remove });
      return this.dir.require(id);
    });
  }

  async delete(kind: EntryKind, id: string): Promise<void> {
    this.dir.require(id, kind);
    await this.identity.deletePrincipal(id);
  }
}
