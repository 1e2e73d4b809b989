/**
 * The controls of the usage page: which endpoint, which time range (presets or a custom
 * from–to), the bucket size, and a refresh. Everything is kept in the URL by the page.
 */
import { useState, type FormEvent } from "react";
import type { Endpoint } from "../../api/types";
import { bucketCount, MAX_BUCKETS, PRESETS, toLocalInput, type RangeChoice } from "./range";
import type { Granularity, UsageWindow } from "./usage-api";

export interface ToolbarProps {
  endpoints: Endpoint[] | undefined;
  endpoint: string | undefined;
  choice: RangeChoice;
  /** The window asked for (undefined while a custom range is invalid). */
  window: UsageWindow | undefined;
  autoGranularity: boolean;
  fetching: boolean;
  onEndpoint(name: string | undefined): void;
  onChoice(next: Partial<RangeChoice>): void;
  onRefresh(): void;
}

const GRANULARITIES: Granularity[] = ["minute", "hour", "day"];

export function UsageToolbar(p: ToolbarProps) {
  const { choice, window: w } = p;
  const [from, setFrom] = useState(choice.from);
  const [to, setTo] = useState(choice.to);
  const names = p.endpoints?.map((e) => e.name) ?? [];
  // A name from the URL that is not (or not yet) listed still shows as selected.
  if (p.endpoint && !names.includes(p.endpoint)) names.unshift(p.endpoint);

  const custom = () => {
    const f = choice.from || (w ? toLocalInput(w.start) : "");
    const t = choice.to || (w ? toLocalInput(w.end) : "");
    setFrom(f);
    setTo(t);
    p.onChoice({ range: "custom", from: f, to: t });
  };
  const apply = (e: FormEvent) => {
    e.preventDefault();
    p.onChoice({ from, to });
  };

  return (
    <div className="us-toolbar">
      <div className="us-control">
        <label htmlFor="us-endpoint">Endpoint</label>
        <select id="us-endpoint" value={p.endpoint ?? ""} onChange={(e) => p.onEndpoint(e.target.value || undefined)}>
          <option value="">All endpoints</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>

      <div className="us-control">
        <span className="us-control-label" id="us-range-label">
          Time range
        </span>
        <div className="us-segmented" role="group" aria-labelledby="us-range-label">
          {PRESETS.map((r) => (
            <button key={r.id} type="button" aria-pressed={choice.range === r.id} title={r.long} aria-label={r.long} onClick={() => p.onChoice({ range: r.id })}>
              {r.label}
            </button>
          ))}
          <button type="button" aria-pressed={choice.range === "custom"} onClick={custom}>
            Custom
          </button>
        </div>
      </div>

      <div className="us-control">
        <label htmlFor="us-granularity">Buckets</label>
        <select
          id="us-granularity"
          value={p.autoGranularity ? "" : (w?.granularity ?? "")}
          onChange={(e) => p.onChoice({ granularity: (e.target.value || undefined) as Granularity | undefined })}
        >
          <option value="">Auto{p.autoGranularity && w ? ` (${w.granularity})` : ""}</option>
          {GRANULARITIES.map((g) => (
            <option key={g} value={g} disabled={w ? bucketCount(w, g) > MAX_BUCKETS : false}>
              {g[0]?.toUpperCase() + g.slice(1)}
            </option>
          ))}
        </select>
      </div>

      <button type="button" className="btn us-refresh" onClick={p.onRefresh} disabled={p.fetching}>
        {p.fetching ? "Loading…" : "Refresh"}
      </button>

      {choice.range === "custom" ? (
        <form className="us-custom" onSubmit={apply} aria-label="Custom time range">
          <div className="us-control">
            <label htmlFor="us-from">From</label>
            <input id="us-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </div>
          <div className="us-control">
            <label htmlFor="us-to">To</label>
            <input id="us-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
          </div>
          <button type="submit" className="btn btn-primary" disabled={from === choice.from && to === choice.to}>
            Apply
          </button>
        </form>
      ) : null}
    </div>
  );
}
