/**
 * "Create a secret" without leaving the form: scope (an existing one or a new one), key
 * and value. The value is typed into a password field, sent once with secrets/put and
 * forgotten; the form then refers to it as {{secrets/scope/key}}.
 *
 * Not a <form>: it sits inside the page's form, so Enter is caught here instead.
 */
import { useId, useState, type KeyboardEvent } from "react";
import { ErrorBox } from "../../../components/ErrorBox";
import { useCreateSecret, useSecretScopes } from "./catalogue";

const NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const NEW = "\u0000new";

export interface CreateSecretInlineProps {
  /** What the secret is for, e.g. "API key" — names the panel for screen readers. */
  label: string;
  defaultScope: string;
  suggestedKey: string;
  onCreated(ref: { scope: string; key: string }): void;
  onCancel(): void;
}

export function CreateSecretInline({ label, defaultScope, suggestedKey, onCreated, onCancel }: CreateSecretInlineProps) {
  const id = useId();
  const scopes = useSecretScopes();
  const names = (scopes.data ?? []).map((s) => s.name);
  const [choice, setChoice] = useState<string>(defaultScope || "");
  const [newScope, setNewScope] = useState("");
  const [key, setKey] = useState(suggestedKey);
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const create = useCreateSecret();
  // Until the list has loaded there is nothing to choose from: default to a new scope when none exist.
  const scopeChoice = choice || (scopes.isSuccess ? (names[0] ?? NEW) : "");
  const isNew = scopeChoice === NEW;
  const scope = isNew ? newScope.trim() : scopeChoice;

  const save = () => {
    if (!NAME.test(scope)) return setProblem(isNew ? "Name the new scope: letters, digits, '-', '_' or '.'." : "Choose a scope.");
    if (!NAME.test(key.trim())) return setProblem("Give a key: letters, digits, '-', '_' or '.'.");
    if (!value) return setProblem("Type the secret's value.");
    setProblem(undefined);
    create.mutate(
      { scope, newScope: isNew, key: key.trim(), value },
      {
        onSuccess: (ref) => {
          setValue("");
          onCreated(ref);
        },
      },
    );
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Enter") {
      e.preventDefault();
      save();
    } else if (e.key === "Escape") {
      e.preventDefault();
      onCancel();
    }
  };

  return (
    <div className="ef-create-secret" role="group" aria-label={`Create a secret for ${label}`} onKeyDown={onKey}>
      <div className="ef-create-title">Create a secret</div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-scope`}>Secret scope</label>
          <select id={`${id}-scope`} value={scopeChoice} onChange={(e) => setChoice(e.target.value)}>
            {!scopes.isSuccess ? <option value="">Loading…</option> : null}
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
            <option value={NEW}>New scope…</option>
          </select>
        </div>
        {isNew ? (
          <div className="field">
            <label htmlFor={`${id}-new`}>New scope name</label>
            <input id={`${id}-new`} value={newScope} onChange={(e) => setNewScope(e.target.value)} placeholder="llm-keys" autoComplete="off" />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-key`}>Secret key</label>
          <input id={`${id}-key`} value={key} onChange={(e) => setKey(e.target.value)} autoComplete="off" spellCheck={false} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-value`}>Secret value</label>
        <input
          id={`${id}-value`}
          type="password"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoComplete="new-password"
          spellCheck={false}
          aria-describedby={`${id}-value-hint`}
        />
        <div className="field-hint" id={`${id}-value-hint`}>
          Stored encrypted by the gateway. It is never shown again — only its scope and key.
        </div>
      </div>
      {problem ? (
        <div className="field-error" role="alert">
          {problem}
        </div>
      ) : null}
      {create.error ? <ErrorBox error={create.error} title="Could not save the secret" /> : null}
      <div className="ef-create-actions">
        <button type="button" className="btn btn-small btn-primary" onClick={save} disabled={create.isPending}>
          {create.isPending ? "Saving…" : "Save secret"}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
