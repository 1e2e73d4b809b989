/**
 * System prompt and parameters, shared by every column (a comparison then differs only by
 * the endpoint). Each field says what is sent; an empty field is not sent at all, so the
 * endpoint's own default applies. Errors show beside their field and block Send.
 */
import { useState } from "react";
import { Field } from "../../components/Field";
import { DEFAULT_PARAMS, type Params } from "./model";
import { MAX_STOP, type ParamErrors } from "./request";

export interface SettingsPanelProps {
  system: string;
  params: Params;
  errors: ParamErrors;
  onSystem(text: string): void;
  onParams(p: Params): void;
}

export function SettingsPanel({ system, params, errors, onSystem, onParams }: SettingsPanelProps) {
  const set = (k: keyof Params) => (v: string) => onParams({ ...params, [k]: v });
  const temperature = Number(params.temperature);
  const sliderValue = params.temperature.trim() && Number.isFinite(temperature) ? Math.min(2, Math.max(0, temperature)) : 1;
  const changed = JSON.stringify(params) !== JSON.stringify(DEFAULT_PARAMS);
  // Opened at first when tools are set; after that the user's toggle rules.
  const [toolsOpen] = useState(() => Boolean(params.tools.trim()));

  return (
    <aside className="pg-settings" aria-label="Settings">
      <div className="pg-settings-head">
        <h2>Settings</h2>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => onParams({ ...DEFAULT_PARAMS })} disabled={!changed}>
          Reset
        </button>
      </div>
      <p className="muted small pg-settings-note">Shared by every column. Empty fields are not sent: the endpoint's default applies.</p>
      <Field label="System prompt">
        {(p) => <textarea {...p} rows={4} value={system} placeholder="You are a helpful assistant." onChange={(e) => onSystem(e.target.value)} />}
      </Field>
      <Field label="Temperature" hint="0–2: higher is more varied." error={errors.temperature}>
        {(p) => (
          <div className="pg-range">
            <input
              type="range"
              min={0}
              max={2}
              step={0.1}
              value={sliderValue}
              aria-label="Adjust temperature"
              onChange={(e) => set("temperature")(e.target.value)}
            />
            <input {...p} className="pg-num" inputMode="decimal" value={params.temperature} placeholder="default" onChange={(e) => set("temperature")(e.target.value)} />
          </div>
        )}
      </Field>
      <div className="pg-pair">
        <Field label="Max tokens" error={errors.maxTokens}>
          {(p) => <input {...p} inputMode="numeric" value={params.maxTokens} placeholder="default" onChange={(e) => set("maxTokens")(e.target.value)} />}
        </Field>
        <Field label="Top P" error={errors.topP}>
          {(p) => <input {...p} inputMode="decimal" value={params.topP} placeholder="default" onChange={(e) => set("topP")(e.target.value)} />}
        </Field>
      </div>
      <Field label="Stop sequences" hint={`One per line, up to ${MAX_STOP}.`} error={errors.stop}>
        {(p) => <textarea {...p} className="mono pg-small-area" rows={2} value={params.stop} onChange={(e) => set("stop")(e.target.value)} />}
      </Field>
      <details className="pg-advanced" open={toolsOpen}>
        <summary>Tools</summary>
        <Field label="Tools (JSON)" hint="An OpenAI tools array. The playground shows the calls; it does not run them." error={errors.tools}>
          {(p) => (
            <textarea
              {...p}
              className="mono pg-small-area"
              rows={5}
              spellCheck={false}
              value={params.tools}
              placeholder='[{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]'
              onChange={(e) => set("tools")(e.target.value)}
            />
          )}
        </Field>
      </details>
    </aside>
  );
}
