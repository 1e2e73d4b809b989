export { openSqlite, openSqliteStore } from "./sqlite.js";
export { openStore, type StoreOptions } from "./open.js";
export type { Db, Store, StoreChange, StoreKind, ChangeListener } from "./store.js";
export type * from "./schema.js";
export { appendRows, type AppendBatch } from "./append.js";
export { isStoreUnavailable, isUniqueViolation } from "./errors.js";
export { copyStore, StoreCopyError, TABLES, type CopyReport } from "./copy.js";
