/**
 * The breakdowns of usage: the top requesters (workspace, or an endpoint for its managers)
 * and every endpoint, busiest first. Their p50/p99 are exact (the store computes them per group).
 */
import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { formatCount, formatMs } from "../../components/format";
import { percent } from "./fmt";
import type { EndpointUsage, RequesterUsage, UsageTotals } from "./usage-api";

const TOP = 10;

function byRequests<T extends UsageTotals>(rows: T[]): T[] {
  return [...rows].sort((a, b) => b.requests - a.requests || b.input_tokens + b.output_tokens - (a.input_tokens + a.output_tokens));
}

function Cells({ r }: { r: UsageTotals }) {
  return (
    <>
      <td className="num">{formatCount(r.requests)}</td>
      <td className="num">{formatCount(r.input_tokens)}</td>
      <td className="num">{formatCount(r.output_tokens)}</td>
      <td className="num">
        {formatCount(r.errors)}
        {r.errors ? <span className="muted small"> ({percent(r.errors, r.requests)})</span> : null}
      </td>
      <td className="num">{formatMs(r.p50_latency_ms)}</td>
      <td className="num">{formatMs(r.p99_latency_ms)}</td>
    </>
  );
}

function Heads() {
  return (
    <>
      <th className="num" scope="col">Requests</th>
      <th className="num" scope="col">Input tokens</th>
      <th className="num" scope="col">Output tokens</th>
      <th className="num" scope="col">Errors</th>
      <th className="num" scope="col">p50</th>
      <th className="num" scope="col">p99</th>
    </>
  );
}

interface BreakdownProps<T extends UsageTotals> {
  id: string;
  title: string;
  /** The heading of the first column, which names the group. */
  label: string;
  rows: T[];
  keyOf(row: T): string;
  name(row: T): ReactNode;
  action?: ReactNode;
}

/** One breakdown: a titled table, a row per group with its totals. */
function BreakdownTable<T extends UsageTotals>({ id, title, label, rows, keyOf, name, action }: BreakdownProps<T>) {
  return (
    <section className="us-section" aria-labelledby={id}>
      <div className="card-title">
        <h2 id={id}>{title}</h2>
        {action}
      </div>
      <div className="table-wrap">
        <table aria-labelledby={id}>
          <thead>
            <tr>
              <th scope="col">{label}</th>
              <Heads />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={keyOf(r)}>
                <td>{name(r)}</td>
                <Cells r={r} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function RequestersTable({ rows }: { rows: RequesterUsage[] }) {
  const [all, setAll] = useState(false);
  const sorted = byRequests(rows);
  return (
    <BreakdownTable
      id="us-requesters"
      title="Top requesters"
      label="Requester"
      rows={all ? sorted : sorted.slice(0, TOP)}
      keyOf={(r) => r.requester}
      name={(r) => (
        <>
          <span className="mono">{r.requester}</span>{" "}
          {r.requester_kind === "service_principal" ? <span className="badge badge-plain">service principal</span> : null}
        </>
      )}
      action={
        sorted.length > TOP ? (
          <button type="button" className="btn btn-small" onClick={() => setAll(!all)} aria-expanded={all}>
            {all ? `Show top ${TOP}` : `Show all ${sorted.length}`}
          </button>
        ) : null
      }
    />
  );
}

/** `link(name)` is the URL of the endpoint's own usage view (the range kept). */
export function EndpointsTable({ rows, link }: { rows: EndpointUsage[]; link: (endpoint: string) => string }) {
  return (
    <BreakdownTable
      id="us-endpoints"
      title="By endpoint"
      label="Endpoint"
      rows={byRequests(rows)}
      keyOf={(r) => r.endpoint}
      name={(r) => <Link to={link(r.endpoint)}>{r.endpoint}</Link>}
    />
  );
}
