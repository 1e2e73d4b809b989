/**
 * One scope: its keys with their last-updated dates and the reference an endpoint config
 * uses, the put form, and delete (of a key or of the scope) behind a confirmation. A
 * delete the gateway refuses — a secret or scope still used by an endpoint — shows the
 * API's reason in the dialog.
 */
import { useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CopyButton } from "../../components/CopyButton";
import { ErrorBox } from "../../components/ErrorBox";
import { formatAgo, formatTime } from "../../components/format";
import { PutSecretForm, type PutSecretHandle } from "./PutSecretForm";
import { keysKey, listKeys, reference, type SecretWrites } from "./secrets-api";

type Pending = { kind: "key"; key: string } | { kind: "scope" } | null;

export function ScopePanel({ scope, writes, onScopeDeleted }: { scope: string; writes: SecretWrites; onScopeDeleted(): void }) {
  const keys = useQuery({ queryKey: keysKey(scope), queryFn: () => listKeys(scope) });
  const [pending, setPending] = useState<Pending>(null);
  const form = useRef<PutSecretHandle>(null);
  const del = pending?.kind === "scope" ? writes.deleteScope : writes.deleteKey;
  const names = keys.data?.map((k) => k.key) ?? [];

  const open = (p: Pending) => {
    writes.deleteKey.reset();
    writes.deleteScope.reset();
    setPending(p);
  };
  const confirm = () => {
    if (pending?.kind === "key") writes.deleteKey.mutate({ scope, key: pending.key }, { onSuccess: () => setPending(null) });
    if (pending?.kind === "scope") writes.deleteScope.mutate(scope, { onSuccess: () => (setPending(null), onScopeDeleted()) });
  };

  return (
    <section className="sc-panel" aria-labelledby="sc-scope-title">
      <div className="card-title">
        <div>
          <h2 id="sc-scope-title" className="sc-scope-title">
            <span className="muted">Scope</span> <span className="mono">{scope}</span>
          </h2>
          <div className="muted small">{keys.data ? `${names.length} ${names.length === 1 ? "secret" : "secrets"}` : "\u00a0"}</div>
        </div>
        {keys.data ? (
          <button type="button" className="btn btn-small sc-danger-ghost" onClick={() => open({ kind: "scope" })}>
            Delete scope
          </button>
        ) : null}
      </div>

      {keys.error ? <ErrorBox error={keys.error} title="Could not list the secrets" /> : null}
      {keys.isLoading ? <div className="skeleton sc-table-skeleton" /> : null}
      {keys.data && names.length === 0 ? (
        <div className="sc-empty-keys">
          <strong>No secrets in {scope} yet.</strong> Add one below — for example a provider API key — then use it in an endpoint as{" "}
          <code>{reference(scope, "<key>")}</code>.
        </div>
      ) : null}
      {keys.data && names.length > 0 ? (
        <div className="table-wrap">
          <table aria-label={`Secrets in ${scope}`}>
            <thead>
              <tr>
                <th scope="col">Key and reference</th>
                <th scope="col">Last updated</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.key}>
                  <td>
                    <div className="mono sc-key">{k.key}</div>
                    <div className="sc-ref">
                      <code>{reference(scope, k.key)}</code>
                      <CopyButton text={reference(scope, k.key)} label="Copy" />
                    </div>
                  </td>
                  <td className="sc-date">
                    {formatTime(k.last_updated_timestamp)}
                    <div className="muted small">{formatAgo(k.last_updated_timestamp)}</div>
                  </td>
                  <td className="sc-actions">
                    <button type="button" className="btn btn-small" onClick={() => form.current?.edit(k.key)} aria-label={`Replace the value of ${k.key}`}>
                      Replace value
                    </button>
                    <button type="button" className="btn btn-small sc-danger-ghost" onClick={() => open({ kind: "key", key: k.key })} aria-label={`Delete ${k.key}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {keys.data ? <PutSecretForm key={scope} ref={form} scope={scope} keys={names} writes={writes} /> : null}

      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === "scope" ? `Delete scope ${scope}?` : `Delete secret ${pending?.key ?? ""}?`}
        confirmLabel={pending?.kind === "scope" ? "Delete scope" : "Delete secret"}
        danger
        busy={del.isPending}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      >
        {pending?.kind === "scope" ? (
          <p>
            This deletes the scope and {names.length === 1 ? "its secret" : `all ${names.length} of its secrets`}. Endpoints must not reference it any more; the gateway refuses
            otherwise.
          </p>
        ) : (
          <p>
            <code>{reference(scope, pending?.key ?? "")}</code> stops working. The gateway refuses while an endpoint still uses it.
          </p>
        )}
        {del.error ? <ErrorBox error={del.error} title="The gateway refused" /> : null}
      </ConfirmDialog>
    </section>
  );
}
