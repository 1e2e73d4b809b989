/**
 * The principals — users, groups, service principals — and group membership, held in
 * memory and written through to the store. The request path resolves a token's owner to a
 * `Principal` here with no database query, so deactivating or deleting a principal takes
 * effect on its very next request.
 */
import { randomInt, randomUUID } from "node:crypto";
import { errors } from "../gateway/errors.js";
import { BOOTSTRAP_IDS } from "../store/migrations/0002_identity.js";
import { isUniqueViolation, type Db } from "../store/index.js";
import type { PrincipalTable } from "../store/tables/identity.js";
import { ADMINS_GROUP, type Principal } from "./principal.js";

export type EntryKind = PrincipalTable["kind"];

export interface Entry {
  id: string;
  kind: EntryKind;
  /** `userName`, group `displayName` or `applicationId`: unique, compared case-insensitively. */
  name: string;
  displayName: string;
  active: boolean;
  entitlements: string[];
  externalId: string | null;
  createdAt: number;
}

export interface EntryInput {
  name: string;
  displayName: string;
  active?: boolean;
  entitlements?: string[];
  externalId?: string | null;
}

export type EntryChange = Partial<Pick<Entry, "name" | "displayName" | "active" | "entitlements" | "externalId">>;

/** The ids every store starts with: the bootstrap user `admin` and the `admins` group. */
export const ADMIN_ID = BOOTSTRAP_IDS.admin;
export const ADMINS_ID = BOOTSTRAP_IDS.admins;

const KIND_WORD: Record<EntryKind, string> = { user: "User", group: "Group", service_principal: "Service principal" };

export function kindWord(kind: EntryKind): string {
  return KIND_WORD[kind] ?? "Principal";
}

function fromRow(r: PrincipalTable): Entry {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    displayName: r.display_name,
    active: r.active === 1,
    entitlements: JSON.parse(r.entitlements) as string[],
    externalId: r.external_id,
    createdAt: Number(r.created_at),
  };
}

export class Directory {
  private byId = new Map<string, Entry>();
  private byName = new Map<string, Entry>();
  private members = new Map<string, Set<string>>();
  private parents = new Map<string, Set<string>>();
  private ancestorCache = new Map<string, ReadonlySet<string>>();
  private principalCache = new Map<string, Principal | null>();
  /** Called after every change, so that caches built on membership are dropped. */
  onChange: () => void = () => {};

  constructor(private readonly db: Db) {}

  async load(): Promise<void> {
    const rows = await this.db.selectFrom("principals").selectAll().execute();
    const links = await this.db.selectFrom("group_members").selectAll().execute();
    this.byId = new Map();
    this.byName = new Map();
    this.members = new Map();
    this.parents = new Map();
    for (const r of rows) this.index(fromRow(r));
    for (const l of links) this.link(l.group_id, l.member_id);
    this.changed();
  }

  private index(e: Entry): void {
    this.byId.set(e.id, e);
    this.byName.set(e.name.toLowerCase(), e);
  }

  private link(groupId: string, memberId: string): void {
    let m = this.members.get(groupId);
    if (!m) this.members.set(groupId, (m = new Set()));
    m.add(memberId);
    let p = this.parents.get(memberId);
    if (!p) this.parents.set(memberId, (p = new Set()));
    p.add(groupId);
  }

  private unlink(groupId: string, memberId: string): void {
    this.members.get(groupId)?.delete(memberId);
    this.parents.get(memberId)?.delete(groupId);
  }

  private changed(): void {
    this.ancestorCache.clear();
    this.principalCache.clear();
    this.onChange();
  }

  get(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  /** A principal by its name (userName, group displayName or applicationId), any kind. */
  byNameAny(name: string): Entry | undefined {
    return this.byName.get(name.toLowerCase());
  }

  find(kind: EntryKind, name: string): Entry | undefined {
    const e = this.byName.get(name.toLowerCase());
    return e?.kind === kind ? e : undefined;
  }

  list(kind: EntryKind): Entry[] {
    return [...this.byId.values()].filter((e) => e.kind === kind);
  }

  /** Ids of the direct members of a group. */
  membersOf(groupId: string): string[] {
    return [...(this.members.get(groupId) ?? [])];
  }

  /** Ids of the groups a principal is a direct member of. */
  directGroups(id: string): string[] {
    return [...(this.parents.get(id) ?? [])];
  }

  /** Ids of every group a principal belongs to, directly or through nested groups. */
  ancestors(id: string): ReadonlySet<string> {
    const hit = this.ancestorCache.get(id);
    if (hit) return hit;
    const out = new Set<string>();
    const todo = [...(this.parents.get(id) ?? [])];
    while (todo.length) {
      const g = todo.pop() as string;
      if (out.has(g)) continue;
      out.add(g);
      for (const p of this.parents.get(g) ?? []) todo.push(p);
    }
    this.ancestorCache.set(id, out);
    return out;
  }

  /** Entitlements of a principal and of every group it belongs to. */
  entitlementsOf(id: string): Set<string> {
    const out = new Set(this.byId.get(id)?.entitlements ?? []);
    for (const g of this.ancestors(id)) for (const v of this.byId.get(g)?.entitlements ?? []) out.add(v);
    return out;
  }

  /** The request principal for an active user or service principal; undefined otherwise. */
  principal(id: string): Principal | undefined {
    const hit = this.principalCache.get(id);
    if (hit !== undefined) return hit ?? undefined;
    const e = this.byId.get(id);
    let p: Principal | null = null;
    if (e && e.active && e.kind !== "group") {
      const groups = [...this.ancestors(id)];
      const names = groups.map((g) => this.byId.get(g)?.name).filter((n): n is string => n !== undefined);
      p = Object.freeze({ id, kind: e.kind, name: e.name, displayName: e.displayName, groups: Object.freeze(names.sort()), admin: groups.includes(ADMINS_ID) });
    }
    if (this.principalCache.size > 50_000) this.principalCache.clear();
    this.principalCache.set(id, p);
    return p ?? undefined;
  }

  /** A new SCIM id: 15 decimal digits, like Databricks' numeric ids. */
  private newId(): string {
    for (;;) {
      const id = String(randomInt(100_000_000_000_000, 281_474_976_710_655));
      if (!this.byId.has(id)) return id;
    }
  }

  private checkName(name: string, self?: string): void {
    const other = this.byName.get(name.toLowerCase());
    if (other && other.id !== self) throw errors.alreadyExists(`A principal named '${name}' already exists.`);
  }

  async create(kind: EntryKind, input: EntryInput): Promise<Entry> {
    const name = kind === "service_principal" && input.name === "" ? randomUUID() : input.name;
    this.checkName(name);
    const e: Entry = {
      id: this.newId(),
      kind,
      name,
      displayName: input.displayName,
      active: kind === "group" ? true : (input.active ?? true),
      entitlements: [...new Set(input.entitlements ?? [])],
      externalId: input.externalId ?? null,
      createdAt: Date.now(),
    };
    try {
      await this.db
        .insertInto("principals")
        .values({ id: e.id, kind, name, display_name: e.displayName, active: e.active ? 1 : 0, entitlements: JSON.stringify(e.entitlements), external_id: e.externalId, created_at: e.createdAt })
        .execute();
    } catch (err) {
      // Made at the same moment through another replica (this one had not heard of it yet).
      if (isUniqueViolation(err)) throw errors.alreadyExists(`A principal named '${name}' already exists.`);
      throw err;
    }
    this.index(e);
    this.changed();
    return e;
  }

  async update(id: string, change: EntryChange): Promise<Entry> {
    const e = this.require(id);
    if (change.name !== undefined && change.name !== e.name) {
      if (id === ADMIN_ID || id === ADMINS_ID) throw errors.invalidState(`The bootstrap ${e.kind === "group" ? "group" : "user"} '${e.name}' cannot be renamed.`);
      this.checkName(change.name, id);
    }
    if (change.active === false && id === ADMIN_ID) throw errors.invalidState("The bootstrap user 'admin' cannot be deactivated.");
    const next: Entry = { ...e, ...change, active: e.kind === "group" ? true : (change.active ?? e.active) };
    next.entitlements = [...new Set(next.entitlements)];
    await this.db
      .updateTable("principals")
      .set({ name: next.name, display_name: next.displayName, active: next.active ? 1 : 0, entitlements: JSON.stringify(next.entitlements), external_id: next.externalId })
      .where("id", "=", id)
      .execute();
    this.byName.delete(e.name.toLowerCase());
    this.index(next);
    this.changed();
    return next;
  }

  /**
   * Deletes a principal with its memberships, tokens, OAuth secrets and grants, in one
   * transaction. The caller drops the in-memory copies of the last three.
   */
  async delete(id: string): Promise<Entry> {
    const e = this.require(id);
    if (id === ADMIN_ID || id === ADMINS_ID) throw errors.invalidState(`The bootstrap ${e.kind === "group" ? "group" : "user"} '${e.name}' cannot be deleted.`);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom("group_members").where((w) => w.or([w("group_id", "=", id), w("member_id", "=", id)])).execute();
      await tx.deleteFrom("tokens").where("principal", "=", id).execute();
      await tx.deleteFrom("oauth_secrets").where("principal_id", "=", id).execute();
      await tx.deleteFrom("endpoint_acls").where("principal_id", "=", id).execute();
      await tx.deleteFrom("secret_acls").where("principal_id", "=", id).execute();
      await tx.deleteFrom("principals").where("id", "=", id).execute();
    });
    for (const g of this.parents.get(id) ?? []) this.members.get(g)?.delete(id);
    for (const m of this.members.get(id) ?? []) this.parents.get(m)?.delete(id);
    this.members.delete(id);
    this.parents.delete(id);
    this.byId.delete(id);
    this.byName.delete(e.name.toLowerCase());
    this.changed();
    return e;
  }

  /** Sets a group's direct members to exactly `add` (when `replace`), or adds / removes them. */
  async changeMembers(groupId: string, op: { add?: string[]; remove?: string[]; replace?: boolean }): Promise<void> {
    const g = this.require(groupId);
    if (g.kind !== "group") throw errors.invalidParameter("id", `${groupId} is not a group.`);
    const current = new Set(this.members.get(groupId) ?? []);
    const add = new Set(op.add ?? []);
    const remove = new Set(op.replace ? [...current].filter((m) => !add.has(m)) : (op.remove ?? []));
    for (const m of add) {
      const e = this.byId.get(m);
      if (!e) throw errors.invalidParameter("members", `Principal ${m} does not exist.`);
      if (m === groupId || (e.kind === "group" && this.ancestors(groupId).has(m))) {
        throw errors.invalidParameter("members", `Adding group '${e.name}' to '${g.name}' would make a cycle.`);
      }
    }
    if (groupId === ADMINS_ID && remove.has(ADMIN_ID)) throw errors.invalidState("The bootstrap user 'admin' stays in the admins group.");
    const toAdd = [...add].filter((m) => !current.has(m));
    const toRemove = [...remove].filter((m) => current.has(m));
    if (!toAdd.length && !toRemove.length) return;
    await this.db.transaction().execute(async (tx) => {
      if (toRemove.length) await tx.deleteFrom("group_members").where("group_id", "=", groupId).where("member_id", "in", toRemove).execute();
      if (toAdd.length) await tx.insertInto("group_members").values(toAdd.map((m) => ({ group_id: groupId, member_id: m }))).execute();
    });
    for (const m of toRemove) this.unlink(groupId, m);
    for (const m of toAdd) this.link(groupId, m);
    this.changed();
  }

  require(id: string, kind?: EntryKind): Entry {
    const e = this.byId.get(id);
    if (!e || (kind && e.kind !== kind)) throw errors.notFound(`${kind ? kindWord(kind) : "Principal"} ${id} does not exist.`);
    return e;
  }
}

export { ADMINS_GROUP };
