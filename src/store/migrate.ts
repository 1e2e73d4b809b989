/** Brings a store's schema up to date with its dialect's migration history. */
import { Migrator, type Kysely, type MigrationProvider } from "kysely";

/**
 * Applies pending migrations; returns their names; throws naming the one that failed.
 * `schema` (PostgreSQL) keeps Kysely's bookkeeping tables in the store's own schema: without
 * it Kysely looks for them in every schema of the database and may find another install's.
 */
export async function migrateToLatest(db: Kysely<unknown>, provider: MigrationProvider, schema?: string): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
