/** The summary tiles above the usage charts: totals of the chosen range. */
import { formatCount, formatMs } from "../../components/format";
import { percent } from "./fmt";
import type { Summary } from "./series";

function Tile({ label, value, note, tone }: { label: string; value: string; note?: string | undefined; tone?: "bad" | undefined }) {
  return (
    <div className={tone === "bad" ? "us-tile us-tile-bad" : "us-tile"} role="group" aria-label={label}>
      <div className="us-tile-label">{label}</div>
      <div className="us-tile-value">{value}</div>
      <div className="us-tile-note">{note ?? "\u00a0"}</div>
    </div>
  );
}

export function UsageTiles({ s, loading }: { s: Summary | undefined; loading: boolean }) {
  if (!s || loading) {
    return (
      <div className="us-tiles" aria-busy="true">
        {Array.from({ length: 6 }, (_, i) => (
          <div className="us-tile" key={i}>
            <div className="skeleton" style={{ width: "50%" }} />
            <div className="skeleton us-tile-skeleton" />
            <div className="us-tile-note">{"\u00a0"}</div>
          </div>
        ))}
      </div>
    );
  }
  return (
    <div className="us-tiles">
      <Tile label="Requests" value={formatCount(s.requests)} note={s.rate_limited_requests ? `${formatCount(s.rate_limited_requests)} rate-limited` : undefined} />
      <Tile label="Input tokens" value={formatCount(s.input_tokens)} note={s.cached_tokens ? `${formatCount(s.cached_tokens)} cached` : undefined} />
      <Tile
        label="Output tokens"
        value={formatCount(s.output_tokens)}
        note={s.estimated_requests ? `${formatCount(s.estimated_requests)} requests estimated` : s.reasoning_tokens ? `${formatCount(s.reasoning_tokens)} reasoning` : undefined}
      />
      <Tile label="Errors" value={formatCount(s.errors)} note={`${percent(s.errors, s.requests)} error rate`} tone={s.errors ? "bad" : undefined} />
      <Tile label="p50 latency" value={formatMs(s.p50)} />
      <Tile label="p99 latency" value={formatMs(s.p99)} />
    </div>
  );
}
