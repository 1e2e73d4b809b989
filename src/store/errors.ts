/**
 * Driver errors read the same way whichever store is behind Kysely: a unique-constraint
 * violation (SQLite `SQLITE_CONSTRAINT_UNIQUE` / `_PRIMARYKEY`, PostgreSQL SQLSTATE 23505)
 * and "the store cannot be reached right now" (PostgreSQL down, restarting, or the
 * connection cut) — which the edge answers 503 TEMPORARILY_UNAVAILABLE instead of a 500.
 */

interface DriverError {
  code?: unknown;
  message?: unknown;
}

function codeOf(err: unknown): string {
  const c = (err as DriverError | null | undefined)?.code;
  return typeof c === "string" ? c : "";
}

/** True for an insert or update that broke a unique index or primary key, on either store. */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** Network errors of a socket to the database. */
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/**
 * True when the store is unreachable or going away, not when a query is wrong: connection
 * errors (SQLSTATE class 08), server shutdown or restart (57P01–57P03), too many clients
 * (53300), socket errors, a pool that timed out waiting for a connection, and pg's own
 * "Connection terminated" errors (which carry no code).
 */
export function isStoreUnavailable(err: unknown): boolean {
  const code = codeOf(err);
  if (NETWORK.has(code) || code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300") return true;
  if (code === "SQLITE_BUSY") return true;
  const msg = (err as DriverError | null | undefined)?.message;
  return typeof msg === "string" && code === "" && /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended)/i.test(msg);
}
