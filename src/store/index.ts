export { openSqlite } from "./sqlite.js";
export type { Db } from "./sqlite.js";
export type * from "./schema.js";
export { appendRows, type AppendBatch } from "./append.js";
