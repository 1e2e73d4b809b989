/**
 * The breakdowns of the workspace's usage: the top requesters and every endpoint, busiest
 * first. Their p50/p99 are exact (the store computes them per group).
 */
import { useState } from "react";
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

export function RequestersTable({ rows }: { rows: RequesterUsage[] }) {
  const [all, setAll] = useState(false);
  const sorted = byRequests(rows);
  const shown = all ? sorted : sorted.slice(0, TOP);
  return (
    <section className="us-section" aria-labelledby="us-requesters">
      <div className="card-title">
        <h2 id="us-requesters">Top requesters</h2>
        {sorted.length > TOP ? (
          <button type="button" className="btn btn-small" onClick={() => setAll(!all)} aria-expanded={all}>
            {all ? `Show top ${TOP}` : `Show all ${sorted.length}`}
          </button>
        ) : null}
      </div>
      <div className="table-wrap">
        <table aria-labelledby="us-requesters">
          <thead>
            <tr>
              <th scope="col">Requester</th>
              <Heads />
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.requester}>
                <td>
                  <span className="mono">{r.requester}</span>{" "}
                  {r.requester_kind === "service_principal" ? <span className="badge badge-plain">service principal</span> : null}
                </td>
                <Cells r={r} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** `link(name)` is the URL of the endpoint's own usage view (the range kept). */
export function EndpointsTable({ rows, link }: { rows: EndpointUsage[]; link: (endpoint: string) => string }) {
  const sorted = byRequests(rows);
  return (
    <section className="us-section" aria-labelledby="us-endpoints">
      <div className="card-title">
        <h2 id="us-endpoints">By endpoint</h2>
      </div>
      <div className="table-wrap">
        <table aria-labelledby="us-endpoints">
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <Heads />
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.endpoint}>
                <td>
                  <Link to={link(r.endpoint)}>{r.endpoint}</Link>
                </td>
                <Cells r={r} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
