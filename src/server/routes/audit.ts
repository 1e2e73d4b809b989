/**
 * Audit lines for identity and permission changes: who did what to whom, at `info`, as
 * `{audit: "<action>", by: <caller name>, …}`. Ids and names only — never a token, a
 * secret or a request body.
 */
import type { FastifyRequest } from "fastify";

export function audit(request: FastifyRequest, action: string, detail: Record<string, string | number | boolean | undefined> = {}): void {
  request.log.info({ audit: action, by: request.principal?.name, ...detail }, `audit: ${action}`);
}
