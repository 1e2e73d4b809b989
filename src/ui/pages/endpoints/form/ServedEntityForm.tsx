/**
 * One served entity: provider, task, model, name, and the provider's own fields, all
 * rendered from the provider catalogue (the UI knows no provider). Credentials use
 * SecretField. Errors come keyed as errors.ts keys them and land on their control.
 */
import { useId } from "react";
import type { ProviderInfo } from "../../../api/providers";
import { Field } from "../../../components/Field";
import { configFieldKey, entityKey } from "./errors";
import { destinationLabels, effectiveEntityName, visibleFields, withProvider, type CatalogueField, type EntityState } from "./model";
import { SecretField } from "./SecretField";
import "./form.css";

export interface ServedEntityFormProps {
  /** Its position in `served_entities`: errors are keyed by it. */
  index: number;
  value: EntityState;
  onChange(value: EntityState): void;
  providers: readonly ProviderInfo[];
  /** The endpoint's task. */
  task: string;
  /**
   * Given: a task select (limited to the chosen provider's tasks) is shown and every
   * provider offered. Not given: the task is fixed and only providers serving it are offered.
   */
  onTaskChange?: (task: string) => void;
  /** The form's errors by key (see errors.ts); this entity picks its own. */
  errors?: Readonly<Record<string, string>>;
}

export function ServedEntityForm({ index, value, onChange, providers, task, onTaskChange, errors = {} }: ServedEntityFormProps) {
  const listId = useId();
  const provider = providers.find((p) => p.name === value.provider);
  const offered = onTaskChange ? providers : providers.filter((p) => p.tasks.includes(task) || p.name === value.provider);
  const examples = provider?.example_models[task] ?? [];
  // Settings first, credentials after: each credential is a block of its own.
  const shown = provider ? visibleFields(provider, value.values) : [];
  const err = (k: string) => errors[k];
  const wholeError = errors[`entities.${index}`] ?? errors[entityKey(index, "config")];

  const chooseProvider = (name: string) => {
    const p = providers.find((x) => x.name === name);
    if (!p) return onChange({ ...value, provider: "" });
    onChange(withProvider(value, p));
    if (onTaskChange && !p.tasks.includes(task) && p.tasks[0]) onTaskChange(p.tasks[0]);
  };
  const setValue = (path: string, v: string) => onChange({ ...value, values: { ...value.values, [path]: v } });

  return (
    <div className="ef-entity">
      {wholeError ? (
        <div className="error-box" role="alert">
          <div className="error-message">{wholeError}</div>
        </div>
      ) : null}
      <div className="form-row">
        <Field label="Provider" required error={err(entityKey(index, "provider"))}>
          {(a) => (
            <select {...a} value={value.provider} onChange={(e) => chooseProvider(e.target.value)}>
              <option value="">Choose a provider…</option>
              {offered.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {onTaskChange ? (
          <Field label="Task" required error={err("task")}>
            {(a) => (
              <select {...a} value={task} onChange={(e) => onTaskChange(e.target.value)}>
                {(provider?.tasks ?? [task]).map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
      </div>
      {provider?.description ? <p className="ef-provider-about">{provider.description}</p> : null}

      {provider ? (
        <>
          <div className="form-row">
            <Field label="Model" required hint={examples.length ? `For example ${examples.slice(0, 2).join(", ")}` : "The upstream's model name."} error={err(entityKey(index, "model"))}>
              {(a) => (
                <>
                  <input {...a} list={listId} value={value.model} onChange={(e) => onChange({ ...value, model: e.target.value })} autoComplete="off" spellCheck={false} />
                  <datalist id={listId}>
                    {examples.map((m) => (
                      <option key={m} value={m} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
            <Field label="Served entity name" hint="Optional: defaults to the model name." error={err(entityKey(index, "name"))}>
              {(a) => (
                <input
                  {...a}
                  value={value.name}
                  placeholder={value.model ? effectiveEntityName({ ...value, name: "" }) : ""}
                  onChange={(e) => onChange({ ...value, name: e.target.value })}
                  autoComplete="off"
                  spellCheck={false}
                />
              )}
            </Field>
          </div>
          <h3 className="ef-section">{provider.label} settings</h3>
          <div className="ef-fields">
            {shown.filter((f) => f.kind !== "secret").map((f) => (
              <div className={f.kind === "textarea" ? "ef-wide" : ""} key={`${f.path}:${f.label}`}>
                <PlainField field={f} value={value.values[f.path] ?? ""} onChange={(v) => setValue(f.path, v)} error={err(configFieldKey(index, f.path))} />
              </div>
            ))}
          </div>
          {shown.filter((f) => f.kind === "secret").map((f) => (
            <SecretField
              key={`${f.path}:${f.label}`}
              field={f}
              value={value.secrets[f.path]}
              onChange={(s) => onChange({ ...value, secrets: { ...value.secrets, [f.path]: s } })}
              error={err(configFieldKey(index, f.path))}
              canKeep={value.stored.includes(f.path)}
              destination={destinationLabels(provider)}
              suggestedKey={`${provider.name}-${f.path}`.replace(/[^A-Za-z0-9]+/g, "-")}
            />
          ))}
        </>
      ) : null}
    </div>
  );
}

function PlainField({ field, value, onChange, error }: { field: CatalogueField; value: string; onChange(v: string): void; error: string | undefined }) {
  if (field.kind === "boolean") {
    return (
      <div className="field ef-check">
        <label>
          <input type="checkbox" checked={value === "true"} onChange={(e) => onChange(e.target.checked ? "true" : "false")} /> {field.label}
        </label>
        {field.help ? <div className="field-hint">{field.help}</div> : null}
        {error ? (
          <div className="field-error" role="alert">
            {error}
          </div>
        ) : null}
      </div>
    );
  }
  return (
    <Field label={field.label} required={field.required ?? false} hint={field.help} error={error}>
      {(a) =>
        field.kind === "select" ? (
          <select {...a} value={value} onChange={(e) => onChange(e.target.value)}>
            {field.required ? null : <option value="">—</option>}
            {(field.options ?? []).map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : field.kind === "textarea" ? (
          <textarea {...a} value={value} placeholder={field.placeholder} onChange={(e) => onChange(e.target.value)} spellCheck={false} />
        ) : (
          <input
            {...a}
            // url fields stay type=text: the browser's own URL check would block what the server should judge.
            type={field.kind === "number" ? "number" : "text"}
            inputMode={field.kind === "url" ? "url" : undefined}
            value={value}
            placeholder={field.placeholder}
            onChange={(e) => onChange(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        )
      }
    </Field>
  );
}
