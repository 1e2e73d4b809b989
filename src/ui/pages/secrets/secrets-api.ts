/**
 * The secrets API as the page uses it (Databricks `/api/2.0/secrets`). Values only go in:
 * no call here reads one, and the gateway has no route that would.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, query } from "../../api/client";
import type { SecretMeta, SecretScope } from "../../api/types";

export const scopesKey = ["secrets", "scopes"] as const;
export const keysKey = (scope: string) => ["secrets", "keys", scope] as const;

export async function listScopes(): Promise<SecretScope[]> {
  return (await api<{ scopes?: SecretScope[] }>("GET", "/api/2.0/secrets/scopes/list")).scopes ?? [];
}

export async function listKeys(scope: string): Promise<SecretMeta[]> {
  return (await api<{ secrets?: SecretMeta[] }>("GET", `/api/2.0/secrets/list${query({ scope })}`)).secrets ?? [];
}

/** `{{secrets/<scope>/<key>}}`: how an endpoint config names a secret. */
export function reference(scope: string, key: string): string {
  return `{{secrets/${scope}/${key}}}`;
}

/** The four writes, each refreshing the lists it changes. */
export function useSecretWrites() {
  const qc = useQueryClient();
  const refresh = (scope?: string) => qc.invalidateQueries({ queryKey: scope ? keysKey(scope) : scopesKey });
  return {
    createScope: useMutation({
      mutationFn: (scope: string) => api("POST", "/api/2.0/secrets/scopes/create", { scope }),
      onSuccess: () => refresh(),
    }),
    deleteScope: useMutation({
      mutationFn: (scope: string) => api("POST", "/api/2.0/secrets/scopes/delete", { scope }),
      onSuccess: (_r, scope) => {
        qc.removeQueries({ queryKey: keysKey(scope) });
        return refresh();
      },
    }),
    put: useMutation({
      mutationFn: (v: { scope: string; key: string; value: string }) => api("POST", "/api/2.0/secrets/put", { scope: v.scope, key: v.key, string_value: v.value }),
      onSuccess: (_r, v) => refresh(v.scope),
    }),
    deleteKey: useMutation({
      mutationFn: (v: { scope: string; key: string }) => api("POST", "/api/2.0/secrets/delete", v),
      onSuccess: (_r, v) => refresh(v.scope),
    }),
  };
}

export type SecretWrites = ReturnType<typeof useSecretWrites>;
