/** Usage tracking and inference tables. */
import type { Kysely, Migration } from "kysely";

export const usageMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("usage_records")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("time", "bigint", (c) => c.notNull())
      .addColumn("endpoint_name", "text", (c) => c.notNull())
      .addColumn("endpoint_id", "text", (c) => c.notNull())
      .addColumn("served_entity", "text")
      .addColumn("requester", "text", (c) => c.notNull())
      .addColumn("requester_kind", "text", (c) => c.notNull())
      .addColumn("client_request_id", "text")
      .addColumn("request_id", "text", (c) => c.notNull())
      .addColumn("status_code", "integer", (c) => c.notNull())
      .addColumn("error_code", "text")
      .addColumn("latency_ms", "integer", (c) => c.notNull())
      .addColumn("input_tokens", "integer", (c) => c.notNull())
      .addColumn("output_tokens", "integer", (c) => c.notNull())
      .addColumn("cached_tokens", "integer", (c) => c.notNull())
      .addColumn("reasoning_tokens", "integer", (c) => c.notNull())
      .addColumn("estimated", "integer", (c) => c.notNull())
      .addColumn("streamed", "integer", (c) => c.notNull())
      .addColumn("rate_limited", "integer", (c) => c.notNull())
      .addColumn("usage_context", "text")
      .execute();
    // Per-endpoint queries and the workspace-wide one both scan a time range.
    await db.schema.createIndex("usage_records_endpoint_time").on("usage_records").columns(["endpoint_name", "time"]).execute();
    await db.schema.createIndex("usage_records_time").on("usage_records").column("time").execute();

    await db.schema
      .createTable("inference_payloads")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("request_date", "text", (c) => c.notNull())
      .addColumn("databricks_request_id", "text", (c) => c.notNull())
      .addColumn("client_request_id", "text")
      .addColumn("request_time", "bigint", (c) => c.notNull())
      .addColumn("status_code", "integer", (c) => c.notNull())
      .addColumn("execution_duration_ms", "integer", (c) => c.notNull())
      .addColumn("request", "text")
      .addColumn("response", "text")
      .addColumn("served_entity_id", "text")
      .addColumn("logging_error_codes", "text", (c) => c.notNull())
      .addColumn("requester", "text", (c) => c.notNull())
      .addColumn("endpoint_name", "text", (c) => c.notNull())
      .addColumn("endpoint_id", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("inference_payloads_endpoint_time").on("inference_payloads").columns(["endpoint_name", "request_time", "id"]).execute();
    await db.schema.createIndex("inference_payloads_request").on("inference_payloads").column("databricks_request_id").execute();
  },
};
