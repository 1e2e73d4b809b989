/** Identity and permissions tables. */
import type { Kysely, Migration } from "kysely";

export const identityMigration: Migration = {
  async up(_db: Kysely<unknown>) {},
};
