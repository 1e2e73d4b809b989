/**
 * PostgreSQL's migration history — its own, separate from SQLite's (`../migrations.ts`):
 * PostgreSQL came later, so its first migration is the schema SQLite reached in three
 * steps. Same tables, same columns, same meaning (`../schema.ts` types both); what differs
 * is spelled here: identity columns instead of AUTOINCREMENT, and every text column
 * collates "C" — byte order, as SQLite compares — so `ORDER BY name` lists the same on both.
 * Append new migrations; never edit one that has shipped.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { BOOTSTRAP_IDS } from "../migrations/0002_identity.js";

const text = sql`text collate "C"`;

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s.createTable("meta").addColumn("key", text, (c) => c.primaryKey()).addColumn("value", text, (c) => c.notNull()).execute();
    await s
      .createTable("endpoints")
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("name", text, (c) => c.notNull().unique())
      .addColumn("creator", text, (c) => c.notNull())
      .addColumn("creation_timestamp", "bigint", (c) => c.notNull())
      .addColumn("last_updated_timestamp", "bigint", (c) => c.notNull())
      .addColumn("description", text)
      .addColumn("route_optimized", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("tags", text, (c) => c.notNull().defaultTo("[]"))
      .addColumn("ai_gateway", text)
      .addColumn("config", text, (c) => c.notNull())
      .addColumn("config_version", "integer", (c) => c.notNull())
      .execute();
    await s
      .createTable("endpoint_credentials")
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("endpoint_id", text, (c) => c.notNull())
      .addColumn("ciphertext", text, (c) => c.notNull())
      .execute();
    await s.createIndex("endpoint_credentials_endpoint").on("endpoint_credentials").column("endpoint_id").execute();
    await s
      .createTable("secret_scopes")
      .addColumn("name", text, (c) => c.primaryKey())
      .addColumn("backend_type", text, (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await s
      .createTable("secrets")
      .addColumn("scope", text, (c) => c.notNull())
      .addColumn("key", text, (c) => c.notNull())
      .addColumn("ciphertext", text, (c) => c.notNull())
      .addColumn("last_updated_timestamp", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("secrets_pk", ["scope", "key"])
      .execute();
    await s
      .createTable("tokens")
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("token_hash", text, (c) => c.notNull().unique())
      .addColumn("principal", text, (c) => c.notNull())
      .addColumn("comment", text)
      .addColumn("creation_time", "bigint", (c) => c.notNull())
      .addColumn("expiry_time", "bigint")
      .addColumn("created_by", text)
      .execute();
    await s.createIndex("tokens_principal").on("tokens").column("principal").execute();

    await s
      .createTable("principals")
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("kind", text, (c) => c.notNull())
      .addColumn("name", text, (c) => c.notNull())
      .addColumn("display_name", text, (c) => c.notNull())
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("entitlements", text, (c) => c.notNull().defaultTo("[]"))
      .addColumn("external_id", text)
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await s.createIndex("principals_kind_name").on("principals").columns(["kind", "name"]).unique().execute();
    await s
      .createTable("group_members")
      .addColumn("group_id", text, (c) => c.notNull())
      .addColumn("member_id", text, (c) => c.notNull())
      .addPrimaryKeyConstraint("group_members_pk", ["group_id", "member_id"])
      .execute();
    await s.createIndex("group_members_member").on("group_members").column("member_id").execute();
    await s
      .createTable("oauth_secrets")
      .addColumn("id", text, (c) => c.primaryKey())
      .addColumn("principal_id", text, (c) => c.notNull())
      .addColumn("secret_hash", text, (c) => c.notNull().unique())
      .addColumn("create_time", "bigint", (c) => c.notNull())
      .addColumn("update_time", "bigint", (c) => c.notNull())
      .execute();
    await s
      .createTable("endpoint_acls")
      .addColumn("endpoint_id", text, (c) => c.notNull())
      .addColumn("principal_id", text, (c) => c.notNull())
      .addColumn("level", text, (c) => c.notNull())
      .addPrimaryKeyConstraint("endpoint_acls_pk", ["endpoint_id", "principal_id"])
      .execute();
    await s
      .createTable("secret_acls")
      .addColumn("scope", text, (c) => c.notNull())
      .addColumn("principal_id", text, (c) => c.notNull())
      .addColumn("permission", text, (c) => c.notNull())
      .addPrimaryKeyConstraint("secret_acls_pk", ["scope", "principal_id"])
      .execute();
    const now = Date.now();
    await sql`insert into principals (id, kind, name, display_name, active, entitlements, external_id, created_at) values
      (${BOOTSTRAP_IDS.admin}, 'user', 'admin', 'admin', 1, '[]', null, ${now}),
      (${BOOTSTRAP_IDS.admins}, 'group', 'admins', 'admins', 1, '[]', null, ${now})`.execute(db);
    await sql`insert into group_members (group_id, member_id) values (${BOOTSTRAP_IDS.admins}, ${BOOTSTRAP_IDS.admin})`.execute(db);

    await s
      .createTable("usage_records")
      .addColumn("id", "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn("time", "bigint", (c) => c.notNull())
      .addColumn("endpoint_name", text, (c) => c.notNull())
      .addColumn("endpoint_id", text, (c) => c.notNull())
      .addColumn("served_entity", text)
      .addColumn("requester", text, (c) => c.notNull())
      .addColumn("requester_kind", text, (c) => c.notNull())
      .addColumn("client_request_id", text)
      .addColumn("request_id", text, (c) => c.notNull())
      .addColumn("status_code", "integer", (c) => c.notNull())
      .addColumn("error_code", text)
      .addColumn("latency_ms", "integer", (c) => c.notNull())
      .addColumn("input_tokens", "integer", (c) => c.notNull())
      .addColumn("output_tokens", "integer", (c) => c.notNull())
      .addColumn("cached_tokens", "integer", (c) => c.notNull())
      .addColumn("reasoning_tokens", "integer", (c) => c.notNull())
      .addColumn("estimated", "integer", (c) => c.notNull())
      .addColumn("streamed", "integer", (c) => c.notNull())
      .addColumn("rate_limited", "integer", (c) => c.notNull())
      .addColumn("usage_context", text)
      .execute();
    await s.createIndex("usage_records_endpoint_time").on("usage_records").columns(["endpoint_name", "time"]).execute();
    await s.createIndex("usage_records_time").on("usage_records").column("time").execute();
    await s
      .createTable("inference_payloads")
      .addColumn("id", "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn("request_date", text, (c) => c.notNull())
      .addColumn("databricks_request_id", text, (c) => c.notNull())
      .addColumn("client_request_id", text)
      .addColumn("request_time", "bigint", (c) => c.notNull())
      .addColumn("status_code", "integer", (c) => c.notNull())
      .addColumn("execution_duration_ms", "integer", (c) => c.notNull())
      .addColumn("request", text)
      .addColumn("response", text)
      .addColumn("served_entity_id", text)
      .addColumn("logging_error_codes", text, (c) => c.notNull())
      .addColumn("requester", text, (c) => c.notNull())
      .addColumn("endpoint_name", text, (c) => c.notNull())
      .addColumn("endpoint_id", text, (c) => c.notNull())
      .execute();
    await s.createIndex("inference_payloads_endpoint_time").on("inference_payloads").columns(["endpoint_name", "request_time", "id"]).execute();
    await s.createIndex("inference_payloads_request").on("inference_payloads").column("databricks_request_id").execute();
  },
};

/**
 * Usage and inference rows are appended idempotently: a batch whose COMMIT reached the
 * server but whose answer was lost with the connection is sent again by the writer, and
 * must not count twice. Each row carries its request's id, unique per recorded request,
 * so a unique index on it turns the resend into `on conflict do nothing` (../append.ts).
 */
const idempotentAppends: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex("usage_records_request_unique").unique().on("usage_records").column("request_id").execute();
    await db.schema.createIndex("inference_payloads_request_unique").unique().on("inference_payloads").column("databricks_request_id").execute();
    await db.schema.dropIndex("inference_payloads_request").execute();
  },
};

const migrations: Record<string, Migration> = { "0001_initial": initial, "0002_idempotent_appends": idempotentAppends };

export const postgresMigrations: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
