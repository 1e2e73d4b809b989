/**
 * The data the served-entity form loads: the provider catalogue, and secret scopes and
 * keys (names only — the secrets API has no way to read a value). Query keys match the
 * Secrets page's, so a secret created in one place is listed in the other.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, query } from "../../../api/client";
import { listProviders } from "../../../api/providers";
import type { SecretMeta, SecretScope } from "../../../api/types";

export const providersKey = ["tessera", "providers"] as const;
const scopesKey = ["secrets", "scopes"] as const;
const keysKey = (scope: string) => ["secrets", "keys", scope] as const;

/** The provider catalogue; it does not change while the gateway runs. */
export function useProviders() {
  return useQuery({ queryKey: providersKey, queryFn: listProviders, staleTime: Infinity });
}

export function useSecretScopes() {
  return useQuery({
    queryKey: scopesKey,
    queryFn: async () => (await api<{ scopes?: SecretScope[] }>("GET", "/api/2.0/secrets/scopes/list")).scopes ?? [],
  });
}

export function useSecretKeys(scope: string) {
  return useQuery({
    queryKey: keysKey(scope),
    queryFn: async () => (await api<{ secrets?: SecretMeta[] }>("GET", `/api/2.0/secrets/list${query({ scope })}`)).secrets ?? [],
    enabled: scope !== "",
  });
}

/** Saves a secret, creating its scope first when asked; the value goes in and is never read back. */
export function useCreateSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { scope: string; newScope: boolean; key: string; value: string }) => {
      if (v.newScope) {
        try {
          await api("POST", "/api/2.0/secrets/scopes/create", { scope: v.scope });
        } catch (err) {
          // Someone made it meanwhile: putting the secret into it is still what was asked.
          if (!(err instanceof ApiError && err.code === "RESOURCE_ALREADY_EXISTS")) throw err;
        }
      }
      await api("POST", "/api/2.0/secrets/put", { scope: v.scope, key: v.key, string_value: v.value });
      return { scope: v.scope, key: v.key };
    },
    onSuccess: async (r) => {
      await Promise.all([qc.invalidateQueries({ queryKey: scopesKey }), qc.invalidateQueries({ queryKey: keysKey(r.scope) })]);
    },
  });
}
