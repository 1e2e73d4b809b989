/**
 * Direct grants on objects (serving endpoints by id, secret scopes by name), held in
 * memory and written through to their table. One class for both: they differ only in the
 * table and the names of its columns.
 */
import type { Db } from "../store/index.js";

type GrantTable = "endpoint_acls" | "secret_acls";

export class Grants<L extends string> {
  private byObject = new Map<string, Map<string, L>>();
  /** Called after every change, so that caches of effective permissions are dropped. */
  onChange: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly table: GrantTable,
  ) {}

  async load(): Promise<void> {
    const next = new Map<string, Map<string, L>>();
    if (this.table === "endpoint_acls") {
      for (const r of await this.db.selectFrom("endpoint_acls").selectAll().execute()) add(next, r.endpoint_id, r.principal_id, r.level as L);
    } else {
      for (const r of await this.db.selectFrom("secret_acls").selectAll().execute()) add(next, r.scope, r.principal_id, r.permission as L);
    }
    this.byObject = next;
    this.onChange();
  }

  /** Direct grants on an object: principal id → level. */
  of(object: string): ReadonlyMap<string, L> {
    return this.byObject.get(object) ?? new Map();
  }

  /** Objects with any grant. */
  objects(): string[] {
    return [...this.byObject.keys()];
  }

  /**
   * Changes an object's grants: with `replace`, they become exactly `entries`; without,
   * each entry is set (a `null` level removes the principal's grant).
   */
  async change(object: string, entries: ReadonlyMap<string, L | null>, replace: boolean): Promise<void> {
    const next = new Map(replace ? [] : this.of(object));
    for (const [p, l] of entries) {
      if (l === null) next.delete(p);
      else next.set(p, l);
    }
    const rows = [...next];
    await this.db.transaction().execute(async (tx) => {
      if (this.table === "endpoint_acls") {
        await tx.deleteFrom("endpoint_acls").where("endpoint_id", "=", object).execute();
        if (rows.length) await tx.insertInto("endpoint_acls").values(rows.map(([p, l]) => ({ endpoint_id: object, principal_id: p, level: l }))).execute();
      } else {
        await tx.deleteFrom("secret_acls").where("scope", "=", object).execute();
        if (rows.length) await tx.insertInto("secret_acls").values(rows.map(([p, l]) => ({ scope: object, principal_id: p, permission: l }))).execute();
      }
    });
    if (next.size) this.byObject.set(object, next);
    else this.byObject.delete(object);
    this.onChange();
  }

  /** Removes every grant on an object (it was deleted). */
  async dropObject(object: string): Promise<void> {
    if (this.table === "endpoint_acls") await this.db.deleteFrom("endpoint_acls").where("endpoint_id", "=", object).execute();
    else await this.db.deleteFrom("secret_acls").where("scope", "=", object).execute();
    this.byObject.delete(object);
    this.onChange();
  }

  /** Forgets a deleted principal's grants (its rows went with the principal). */
  forgetPrincipal(id: string): void {
    for (const m of this.byObject.values()) m.delete(id);
    this.onChange();
  }
}

function add<L>(m: Map<string, Map<string, L>>, object: string, principal: string, level: L): void {
  let o = m.get(object);
  if (!o) m.set(object, (o = new Map()));
  o.set(principal, level);
}
