/**
 * A credential field: a secret reference picked from the caller's scopes and keys (or a
 * secret created on the spot), or a write-only plaintext value the gateway stores
 * encrypted. A plaintext already stored is never shown: it is "stored (hidden)" and kept
 * by sending back the API's "[REDACTED]" marker, unless replaced.
 */
import { useId, useState } from "react";
import type { CatalogueField, SecretValue } from "./model";
import { useSecretKeys, useSecretScopes } from "./catalogue";
import { CreateSecretInline } from "./CreateSecretInline";

export interface SecretFieldProps {
  field: CatalogueField;
  value: SecretValue | undefined;
  onChange(value: SecretValue): void;
  error?: string | undefined;
  /** A plaintext value is stored for this field (editing an existing config). */
  canKeep?: boolean;
  /** The key name offered when creating a secret, e.g. `openai-api-key`. */
  suggestedKey: string;
  /** Labels of the fields that decide where the value is sent (a kept value stays only while they do). */
  destination?: string[];
}

type Mode = SecretValue["mode"];

export function SecretField({ field, value, onChange, error, canKeep = false, suggestedKey, destination = [] }: SecretFieldProps) {
  const id = useId();
  const v: SecretValue = value ?? { mode: "ref", scope: "", key: "" };
  const [creating, setCreating] = useState(false);
  const [lastScope, setLastScope] = useState(v.mode === "ref" ? v.scope : "");
  const setMode = (mode: Mode) => {
    if (mode === v.mode) return;
    if (mode === "ref") onChange({ mode, scope: lastScope, key: "" });
    else if (mode === "plaintext") onChange({ mode, value: "" });
    else onChange({ mode });
  };
  const modes: Array<{ mode: Mode; label: string }> = [
    { mode: "ref", label: "Secret reference" },
    { mode: "plaintext", label: "Plaintext (write-only)" },
    ...(canKeep ? [{ mode: "stored" as const, label: "Keep stored value (hidden)" }] : []),
  ];
  const describedBy = [field.help ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

  return (
    <fieldset className={error ? "ef-secret field-invalid" : "ef-secret"} aria-describedby={describedBy}>
      <legend>
        {field.label}
        {field.required ? (
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        ) : null}
      </legend>
      <div className="ef-modes" role="radiogroup" aria-label={`${field.label}: how it is given`}>
        {modes.map((m) => (
          <label key={m.mode} className={v.mode === m.mode ? "ef-mode ef-mode-on" : "ef-mode"}>
            <input type="radio" name={`${id}-mode`} checked={v.mode === m.mode} onChange={() => setMode(m.mode)} />
            {m.label}
          </label>
        ))}
      </div>

      {v.mode === "ref" ? (
        <RefPicker
          id={id}
          value={v}
          invalid={Boolean(error)}
          onChange={(r) => {
            setLastScope(r.scope);
            onChange(r);
          }}
        />
      ) : null}
      {v.mode === "ref" && !creating ? (
        <button type="button" className="btn btn-small ef-create-open" onClick={() => setCreating(true)}>
          + Create a secret
        </button>
      ) : null}
      {v.mode === "ref" && creating ? (
        <CreateSecretInline
          label={field.label}
          defaultScope={v.scope}
          suggestedKey={suggestedKey}
          onCancel={() => setCreating(false)}
          onCreated={(ref) => {
            setCreating(false);
            setLastScope(ref.scope);
            onChange({ mode: "ref", ...ref });
          }}
        />
      ) : null}

      {v.mode === "plaintext" ? (
        <div className="field ef-plain">
          <label htmlFor={`${id}-plain`}>Value</label>
          <input
            id={`${id}-plain`}
            type="password"
            value={v.value}
            onChange={(e) => onChange({ mode: "plaintext", value: e.target.value })}
            autoComplete="new-password"
            spellCheck={false}
            aria-invalid={Boolean(error)}
          />
          <div className="field-hint">Sent once and stored encrypted by the gateway; it is never shown again. A secret reference is easier to rotate.</div>
        </div>
      ) : null}
      {v.mode === "stored" ? (
        <p className="ef-stored">
          <span className="badge badge-plain">stored (hidden)</span> The value given earlier is kept. Choose another option to replace it.
          {destination.length ? ` It is kept only while ${destination.join(", ")} stay${destination.length === 1 ? "s" : ""} as ${destination.length === 1 ? "it is" : "they are"}: change where it goes, and enter it again.` : null}
        </p>
      ) : null}

      {field.help ? (
        <div className="field-hint" id={`${id}-help`}>
          {field.help}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}

function RefPicker({ id, value, invalid, onChange }: { id: string; value: { scope: string; key: string }; invalid: boolean; onChange(v: { mode: "ref"; scope: string; key: string }): void }) {
  const scopes = useSecretScopes();
  const keys = useSecretKeys(value.scope);
  // A reference the caller cannot list (or one just typed elsewhere) is still shown as chosen.
  const scopeNames = withCurrent((scopes.data ?? []).map((s) => s.name), value.scope);
  const keyNames = withCurrent((keys.data ?? []).map((k) => k.key), value.key);
  return (
    <div className="form-row ef-ref">
      <div className="field">
        <label htmlFor={`${id}-scope`}>Scope</label>
        <select id={`${id}-scope`} value={value.scope} aria-invalid={invalid && !value.scope} onChange={(e) => onChange({ mode: "ref", scope: e.target.value, key: "" })}>
          <option value="">{scopes.isLoading ? "Loading…" : scopeNames.length ? "Choose a scope…" : "No scopes yet"}</option>
          {scopeNames.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-key`}>Key</label>
        <select id={`${id}-key`} value={value.key} disabled={!value.scope} aria-invalid={invalid && !value.key} onChange={(e) => onChange({ mode: "ref", scope: value.scope, key: e.target.value })}>
          <option value="">{!value.scope ? "Choose a scope first" : keys.isLoading ? "Loading…" : keyNames.length ? "Choose a key…" : "No keys in this scope"}</option>
          {keyNames.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function withCurrent(list: string[], current: string): string[] {
  return current && !list.includes(current) ? [...list, current] : list;
}
