/** Usage tracking and inference tables. */
import type { Kysely, Migration } from "kysely";

export const usageMigration: Migration = {
  async up(_db: Kysely<unknown>) {},
};
