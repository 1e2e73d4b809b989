/**
 * Schema migrations, applied in order at start-up by Kysely's Migrator. Append new ones;
 * never edit one that has shipped.
 */
import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely";
import { identityMigration } from "./migrations/0002_identity.js";
import { usageMigration } from "./migrations/0003_usage.js";

const migrations: Record<string, Migration> = {
  "0001_initial": {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable("meta").addColumn("key", "text", (c) => c.primaryKey()).addColumn("value", "text", (c) => c.notNull()).execute();
      await db.schema
        .createTable("endpoints")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("creator", "text", (c) => c.notNull())
        .addColumn("creation_timestamp", "bigint", (c) => c.notNull())
        .addColumn("last_updated_timestamp", "bigint", (c) => c.notNull())
        .addColumn("description", "text")
        .addColumn("route_optimized", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("ai_gateway", "text")
        .addColumn("config", "text", (c) => c.notNull())
        .addColumn("config_version", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("endpoint_credentials")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("endpoint_id", "text", (c) => c.notNull())
        .addColumn("ciphertext", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("endpoint_credentials_endpoint").on("endpoint_credentials").column("endpoint_id").execute();
      await db.schema
        .createTable("secret_scopes")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("backend_type", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("secrets")
        .addColumn("scope", "text", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("ciphertext", "text", (c) => c.notNull())
        .addColumn("last_updated_timestamp", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("secrets_pk", ["scope", "key"])
        .execute();
      await db.schema
        .createTable("tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("principal", "text", (c) => c.notNull())
        .addColumn("comment", "text")
        .addColumn("creation_time", "bigint", (c) => c.notNull())
        .addColumn("expiry_time", "bigint")
        .execute();
      await sql`select 1`.execute(db);
    },
  },
};

migrations["0002_identity"] = identityMigration;
migrations["0003_usage"] = usageMigration;

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
