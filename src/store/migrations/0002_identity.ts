/**
 * Identity and permissions: principals (with the `admins` group and the bootstrap user
 * `admin` in it), group members, OAuth secrets, endpoint and secret-scope ACLs; tokens get
 * the id of the principal who made them, and the bootstrap admin's tokens move from the
 * name "admin" to its id.
 */
import { sql, type Kysely, type Migration } from "kysely";

/** Fixed ids of the principals every store starts with. */
export const BOOTSTRAP_IDS = { admin: "1", admins: "2" } as const;

export const identityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("principals")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("display_name", "text", (c) => c.notNull())
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("entitlements", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("external_id", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("principals_kind_name").on("principals").columns(["kind", "name"]).unique().execute();
    await db.schema
      .createTable("group_members")
      .addColumn("group_id", "text", (c) => c.notNull())
      .addColumn("member_id", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("group_members_pk", ["group_id", "member_id"])
      .execute();
    await db.schema.createIndex("group_members_member").on("group_members").column("member_id").execute();
    await db.schema
      .createTable("oauth_secrets")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("principal_id", "text", (c) => c.notNull())
      .addColumn("secret_hash", "text", (c) => c.notNull().unique())
      .addColumn("create_time", "bigint", (c) => c.notNull())
      .addColumn("update_time", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("endpoint_acls")
      .addColumn("endpoint_id", "text", (c) => c.notNull())
      .addColumn("principal_id", "text", (c) => c.notNull())
      .addColumn("level", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("endpoint_acls_pk", ["endpoint_id", "principal_id"])
      .execute();
    await db.schema
      .createTable("secret_acls")
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("principal_id", "text", (c) => c.notNull())
      .addColumn("permission", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("secret_acls_pk", ["scope", "principal_id"])
      .execute();
    await db.schema.alterTable("tokens").addColumn("created_by", "text").execute();
    await db.schema.createIndex("tokens_principal").on("tokens").column("principal").execute();

    const now = Date.now();
    await sql`insert into principals (id, kind, name, display_name, active, entitlements, external_id, created_at) values
      (${BOOTSTRAP_IDS.admin}, 'user', 'admin', 'admin', 1, '[]', null, ${now}),
      (${BOOTSTRAP_IDS.admins}, 'group', 'admins', 'admins', 1, '[]', null, ${now})`.execute(db);
    await sql`insert into group_members (group_id, member_id) values (${BOOTSTRAP_IDS.admins}, ${BOOTSTRAP_IDS.admin})`.execute(db);
    await sql`update tokens set principal = ${BOOTSTRAP_IDS.admin}, created_by = ${BOOTSTRAP_IDS.admin} where principal = 'admin'`.execute(db);
  },
};
