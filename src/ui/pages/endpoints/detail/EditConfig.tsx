/**
 * Edit configuration: the endpoint's current config loaded into the shared served-entity
 * form (src/ui/pages/endpoints/form), saved with `PUT …/config`. Stored plaintext
 * credentials are kept (sent back as the API's "[REDACTED]" marker) unless the user
 * replaces them; the server's validation error lands next to the field it names.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../../../api/client";
import type { ProviderInfo } from "../../../api/providers";
import type { Endpoint, EndpointConfig } from "../../../api/types";
import { ErrorBox } from "../../../components/ErrorBox";
import {
  ServedEntityForm,
  TrafficSplit,
  effectiveEntityName,
  emptyEntity,
  errorKey,
  evenSplit,
  fromEndpointConfig,
  toEndpointConfig,
  useProviders,
  validateEntity,
  validateSplit,
  type EndpointFormState,
} from "../form";
import { taskLabel } from "../list/summary";
import { endpointKey, putConfig } from "./api";
import { isPlaced, maskPlaintext } from "./edit-errors";

const MAX_ENTITIES = 4;

/** Beside its field, "config.served_entities[0]…openai_api_base must be a URL." reads as "Must be a URL." */
function besideField(err: ApiError): string {
  const m = err.field && err.message.startsWith(`${err.field} `) ? err.message.slice(err.field.length + 1) : err.message;
  return m.charAt(0).toUpperCase() + m.slice(1);
}

export interface EditConfigProps {
  endpoint: Endpoint;
  /** Called with the saved endpoint, or nothing when cancelled. */
  onDone(saved?: Endpoint): void;
}

export function EditConfig({ endpoint, onDone }: EditConfigProps) {
  const providers = useProviders();
  if (providers.error) return <ErrorBox error={providers.error} title="Could not load the provider catalogue" />;
  if (!providers.data) return <div className="card skeleton epd-edit-skel" aria-busy="true" aria-label="Loading the form" />;
  return <EditForm endpoint={endpoint} providers={providers.data} onDone={onDone} />;
}

function EditForm({ endpoint, providers, onDone }: EditConfigProps & { providers: ProviderInfo[] }) {
  const qc = useQueryClient();
  const [state, setState] = useState<EndpointFormState>(() => fromEndpointConfig(endpoint.config, providers));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const initial = useMemo(() => JSON.stringify(toEndpointConfig(fromEndpointConfig(endpoint.config, providers), providers)), [endpoint.config, providers]);
  const body = toEndpointConfig(state, providers);
  const changed = JSON.stringify(body) !== initial;
  const formRef = useRef<HTMLFormElement>(null);

  const save = useMutation({
    mutationFn: () => putConfig(endpoint.name, body as Pick<EndpointConfig, "served_entities" | "traffic_config">),
    onSuccess: (saved) => {
      qc.setQueryData(endpointKey(endpoint.name), saved);
      void qc.invalidateQueries({ queryKey: ["endpoints"] });
      onDone(saved);
    },
    onError: (err) => {
      const key = err instanceof ApiError ? errorKey(err.field, err.code) : undefined;
      if (key && err instanceof ApiError && isPlaced(key, state, providers)) {
        setErrors({ [key]: besideField(err) });
        setUnplaced(null);
      } else {
        setErrors({});
        setUnplaced(err);
      }
    },
  });

  // After a refusal, the first field in error gets the focus (and scrolls into view).
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .field-invalid input, .field-invalid select')?.focus();
  }, [errors]);

  const update = (next: EndpointFormState) => {
    setState(next);
    if (Object.keys(errors).length) setErrors({});
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local = {
      ...Object.assign({}, ...state.entities.map((en, i) => validateEntity(en, i, providers.find((p) => p.name === en.provider), state.task))),
      ...validateSplit(state.entities, state.traffic),
    } as Record<string, string>;
    setUnplaced(null);
    setErrors(local);
    if (Object.keys(local).length === 0) save.mutate();
  };
  const addEntity = () => {
    const provider = providers.find((p) => p.name === state.entities[0]?.provider) ?? providers.find((p) => p.tasks.includes(state.task));
    const entities = [...state.entities, emptyEntity(provider)];
    update({ ...state, entities, traffic: evenSplit(entities.length) });
  };
  const removeEntity = (i: number) => {
    const entities = state.entities.filter((_, j) => j !== i);
    update({ ...state, entities, traffic: evenSplit(entities.length) });
  };
  const version = endpoint.config?.config_version ?? 0;

  return (
    <form ref={formRef} className="card epd-edit" onSubmit={submit} aria-labelledby="epd-edit-title" noValidate>
      <div className="card-title">
        <h2 id="epd-edit-title">Edit configuration</h2>
        <span className="muted small">
          {taskLabel(state.task)} · saving makes config version {version + 1}
        </span>
      </div>
      <p className="muted small epd-edit-intro">
        Stored credentials stay as they are unless you change them. The task of an endpoint is fixed; create another endpoint for another task.
      </p>
      {unplaced ? <ErrorBox error={unplaced} title="The gateway refused this configuration" /> : null}
      {state.entities.map((en, i) => (
        <fieldset key={i} className="epd-edit-entity">
          <legend>
            Served entity {i + 1}
            {effectiveEntityName(en) ? <span className="mono muted"> · {effectiveEntityName(en)}</span> : null}
          </legend>
          {state.entities.length > 1 ? (
            <button type="button" className="btn btn-small btn-ghost epd-edit-remove" onClick={() => removeEntity(i)} aria-label={`Remove served entity ${i + 1}`}>
              Remove
            </button>
          ) : null}
          <ServedEntityForm
            index={i}
            value={en}
            onChange={(v) => update({ ...state, entities: state.entities.map((x, j) => (j === i ? v : x)) })}
            providers={providers}
            task={state.task}
            errors={errors}
          />
        </fieldset>
      ))}
      {state.entities.length < MAX_ENTITIES ? (
        <button type="button" className="btn btn-small epd-edit-add" onClick={addEntity}>
          + Add served entity
        </button>
      ) : null}
      {state.entities.length > 1 ? (
        <TrafficSplit names={state.entities.map(effectiveEntityName)} value={state.traffic} onChange={(t) => update({ ...state, traffic: t })} error={errors["traffic"]} />
      ) : null}
      <details className="epd-raw">
        <summary>JSON it will send (PUT /api/2.0/serving-endpoints/{endpoint.name}/config)</summary>
        <pre className="code-block">{JSON.stringify(maskPlaintext(body), null, 2)}</pre>
      </details>
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => onDone()} disabled={save.isPending}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={save.isPending || !changed} title={changed ? undefined : "Nothing changed yet"}>
          {save.isPending ? "Saving…" : "Save configuration"}
        </button>
      </div>
    </form>
  );
}
