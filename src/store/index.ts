export { openSqlite } from "./sqlite.js";
export type { Db } from "./sqlite.js";
export type * from "./schema.js";
