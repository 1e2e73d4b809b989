/**
 * The provider catalogue (`GET /api/2.0/tessera/providers`, a Tessera extension): for
 * each provider the gateway has, its config block's key, its tasks, and the fields of its
 * form. The UI renders provider forms from this, so it holds no provider knowledge itself.
 */
import { api } from "./client";
import type { ProviderInfo } from "./provider-types";

export type { ProviderFormField, ProviderInfo } from "./provider-types";

export async function listProviders(): Promise<ProviderInfo[]> {
  const r = await api<{ providers?: ProviderInfo[] }>("GET", "/api/2.0/tessera/providers");
  return r.providers ?? [];
}
