/** Creates a secret scope; the API's reason for refusing a name is shown under the field. */
import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { ErrorBox } from "../../components/ErrorBox";
import { Field } from "../../components/Field";
import type { SecretWrites } from "./secrets-api";

export function CreateScopeForm({ writes, onCreated, autoFocus = false }: { writes: SecretWrites; onCreated(scope: string): void; autoFocus?: boolean }) {
  const [name, setName] = useState("");
  const m = writes.createScope;
  const err = m.error;
  const fieldError = err instanceof ApiError && (err.field === "scope" || err.code === "RESOURCE_ALREADY_EXISTS") ? err.message : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const scope = name.trim();
    if (!scope) return;
    m.mutate(scope, {
      onSuccess: () => {
        setName("");
        onCreated(scope);
      },
    });
  };

  return (
    <form className="sc-create" onSubmit={submit} aria-label="Create a secret scope">
      <Field label="New scope" hint="Letters, digits, _ . @ or -, e.g. openai or team-a." error={fieldError}>
        {(a) => (
          <div className="sc-inline">
            <input
              {...a}
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                if (m.error) m.reset();
              }}
              placeholder="scope name"
              autoComplete="off"
              spellCheck={false}
              maxLength={128}
              autoFocus={autoFocus}
            />
            <button type="submit" className="btn btn-primary" disabled={m.isPending || !name.trim()}>
              {m.isPending ? "Creating…" : "Create scope"}
            </button>
          </div>
        )}
      </Field>
      {err && !fieldError ? <ErrorBox error={err} title="Could not create the scope" /> : null}
    </form>
  );
}
