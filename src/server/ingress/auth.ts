/**
 * The credentials of a request to an ingress format: `Authorization` as everywhere, or the
 * header that format's official SDK insists on — `x-api-key` (Anthropic) or
 * `x-goog-api-key` (Gemini) — carrying a Tessera token. Those headers count only on the
 * routes of their format, so no other route learns a second way in.
 */
import { pathOf, routePath } from "../paths.js";

const KEY_HEADERS: ReadonlyArray<{ header: string; prefixes: readonly string[] }> = [
  { header: "x-api-key", prefixes: ["/serving-endpoints/anthropic/", "/v1/messages"] },
  { header: "x-goog-api-key", prefixes: ["/serving-endpoints/gemini/"] },
];

/** The Authorization header to authenticate with: the request's own, else `Bearer <key>` from a format's key header on its routes. */
export function authorizationOf(request: { url: string; headers: Record<string, string | string[] | undefined> }): string | undefined {
  const auth = request.headers["authorization"];
  if (typeof auth === "string" && auth) return auth;
  for (const k of KEY_HEADERS) {
    const v = request.headers[k.header];
    if (typeof v !== "string" || !v) continue;
    const path = routePath(pathOf(request.url));
    if (k.prefixes.some((p) => path.startsWith(p))) return `Bearer ${v}`;
  }
  return undefined;
}
