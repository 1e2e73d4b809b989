/**
 * Who is calling: a token as `Authorization: Bearer <token>`, or Basic with the token as
 * the password (`curl -u token:$TOKEN`), as Databricks accepts.
 */
import type { Principal } from "../auth/principal.js";
import { errors } from "../gateway/errors.js";

/** Pulls the token out of an Authorization header; undefined when there is none. */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(" ");
  if (space < 0) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === "bearer") return value || undefined;
  if (scheme === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const password = colon >= 0 ? decoded.slice(colon + 1) : "";
    return password || undefined;
  }
  return undefined;
}

/** The authenticated caller of a request (set by the auth hook on every non-public route). */
export function callerOf(request: { principal: Principal | undefined }): Principal {
  if (!request.principal) throw errors.unauthenticated("Missing credentials.");
  return request.principal;
}
