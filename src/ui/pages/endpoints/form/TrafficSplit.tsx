/**
 * Traffic split between served entities: a whole percentage each, the total shown live,
 * and a bar of the shares. With two entities, setting one sets the other to the rest.
 */
import { useId } from "react";
import { evenSplit } from "./model";

export interface TrafficSplitProps {
  /** The entities' names, in order. */
  names: readonly string[];
  value: readonly number[];
  onChange(value: number[]): void;
  error?: string | undefined;
}

const COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)"];
const PRESETS = [
  [50, 50],
  [80, 20],
  [90, 10],
];

function clamp(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.min(100, Math.round(n))) : 0;
}

export function TrafficSplit({ names, value, onChange, error }: TrafficSplitProps) {
  const id = useId();
  const total = value.reduce((a, b) => a + b, 0);
  const set = (i: number, n: number) => {
    const next = names.map((_, j) => value[j] ?? 0);
    next[i] = clamp(n);
    if (names.length === 2) next[1 - i] = 100 - (next[i] as number);
    onChange(next);
  };
  const ok = total === 100;
  return (
    <fieldset className={error ? "ef-traffic field-invalid" : "ef-traffic"} aria-describedby={`${id}-total`}>
      <legend>Traffic split</legend>
      <div className="ef-bar" aria-hidden="true">
        {names.map((n, i) => (
          <div key={n + i} className="ef-bar-part" style={{ width: `${Math.min(100, value[i] ?? 0)}%`, background: COLORS[i % COLORS.length] }} />
        ))}
      </div>
      <div className="ef-shares">
        {names.map((n, i) => (
          <div className="ef-share" key={n + i}>
            <span className="ef-dot" style={{ background: COLORS[i % COLORS.length] }} aria-hidden="true" />
            <label htmlFor={`${id}-${i}`} className="mono">
              {n || `entity ${i + 1}`}
            </label>
            <input
              id={`${id}-${i}`}
              type="number"
              min={0}
              max={100}
              step={1}
              value={value[i] ?? 0}
              onChange={(e) => set(i, e.target.valueAsNumber)}
              aria-label={`Traffic to ${n || `entity ${i + 1}`} (%)`}
            />
            <span className="muted">%</span>
          </div>
        ))}
      </div>
      <div className="ef-traffic-foot">
        <span id={`${id}-total`} className={ok ? "ef-total" : "ef-total ef-total-bad"} aria-live="polite">
          Total {total}%{ok ? "" : " — must be 100%"}
        </span>
        <span className="ef-presets">
          {names.length === 2
            ? PRESETS.map((p) => (
                <button key={p.join("/")} type="button" className="btn btn-small" onClick={() => onChange([...p])}>
                  {p.join(" / ")}
                </button>
              ))
            : null}
          <button type="button" className="btn btn-small" onClick={() => onChange(evenSplit(names.length))}>
            Split evenly
          </button>
        </span>
      </div>
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}
