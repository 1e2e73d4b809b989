/**
 * Puts a secret into a scope. The value field is write-only: a password input, never
 * autofilled, cleared as soon as the gateway has it (the mutation's copy is dropped too),
 * and nothing reads a value back. Naming an existing key says the value will be replaced.
 */
import { useImperativeHandle, useRef, useState, type FormEvent, type Ref } from "react";
import { ApiError } from "../../api/client";
import { ErrorBox } from "../../components/ErrorBox";
import { Field } from "../../components/Field";
import type { SecretWrites } from "./secrets-api";

export interface PutSecretHandle {
  /** Fills the key and moves to the value (the "Replace value" action of a row). */
  edit(key: string): void;
}

interface Props {
  scope: string;
  keys: string[];
  writes: SecretWrites;
  ref?: Ref<PutSecretHandle>;
}

export function PutSecretForm({ scope, keys, writes, ref }: Props) {
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [saved, setSaved] = useState<{ key: string; replaced: boolean } | null>(null);
  const valueRef = useRef<HTMLInputElement>(null);
  const m = writes.put;
  const k = key.trim();
  const exists = keys.includes(k);

  useImperativeHandle(ref, () => ({
    edit(name: string) {
      setKey(name);
      setSaved(null);
      valueRef.current?.focus();
      valueRef.current?.scrollIntoView({ block: "center" });
    },
  }));

  const err = m.error instanceof ApiError ? m.error : undefined;
  const keyError = err?.field === "key" ? err.message : undefined;
  const valueError = err?.field === "string_value" ? err.message : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!k || !value) return;
    const replaced = exists;
    m.mutate(
      { scope, key: k, value },
      {
        onSuccess: () => {
          setValue("");
          setKey("");
          setSaved({ key: k, replaced });
          m.reset();
        },
      },
    );
  };
  const edited = () => {
    setSaved(null);
    if (m.error) m.reset();
  };

  return (
    <form className="card sc-put" onSubmit={submit} aria-labelledby="sc-put-title" autoComplete="off">
      <h2 id="sc-put-title">{exists ? "Replace a secret's value" : "Add a secret"}</h2>
      <div className="form-row">
        <Field label="Key" error={keyError} hint="Letters, digits, _ . or -, e.g. openai_api_key.">
          {(a) => (
            <input
              {...a}
              value={key}
              onChange={(e) => (setKey(e.target.value), edited())}
              placeholder="key name"
              spellCheck={false}
              maxLength={128}
            />
          )}
        </Field>
        <Field
          label="Value"
          error={valueError}
          hint={exists ? <span className="sc-replace">{k} exists: saving replaces its value. Endpoints using it switch to the new one.</span> : "Write-only: stored encrypted, never shown again."}
        >
          {(a) => (
            <input {...a} ref={valueRef} type="password" autoComplete="new-password" spellCheck={false} value={value} onChange={(e) => (setValue(e.target.value), edited())} />
          )}
        </Field>
      </div>
      {err && !keyError && !valueError ? <ErrorBox error={err} title="Could not save the secret" /> : null}
      <div className="sc-put-foot">
        <div role="status" className="sc-saved">
          {saved ? `${saved.replaced ? "Replaced the value of" : "Saved"} ${saved.key}. The value is not shown again.` : null}
        </div>
        <button type="submit" className="btn btn-primary" disabled={m.isPending || !k || !value}>
          {m.isPending ? "Saving…" : exists ? "Replace value" : "Save secret"}
        </button>
      </div>
    </form>
  );
}
