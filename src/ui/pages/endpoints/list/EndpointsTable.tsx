/**
 * The endpoints table. Column headers are buttons (keyboard-usable) that sort, and the
 * header cell carries `aria-sort` so a screen reader says which column orders the rows.
 */
import { Link } from "react-router";
import type { Endpoint } from "../../../api/types";
import { formatAgo, formatTime } from "../../../components/format";
import { StateBadge } from "./StateBadge";
import { servedModels, taskLabel, taskOf, trafficSplit, type SortDir, type SortKey } from "./summary";

const COLUMNS: ReadonlyArray<{ key: SortKey; label: string }> = [
  { key: "name", label: "Name" },
  { key: "state", label: "State" },
  { key: "task", label: "Task" },
  { key: "models", label: "Served models" },
  { key: "updated", label: "Last update" },
  { key: "creator", label: "Created by" },
];

export interface EndpointsTableProps {
  endpoints: Endpoint[];
  sort: { key: SortKey; dir: SortDir };
  onSort(key: SortKey): void;
}

function SortHeader({ col, sort, onSort }: { col: (typeof COLUMNS)[number]; sort: EndpointsTableProps["sort"]; onSort(key: SortKey): void }) {
  const active = sort.key === col.key;
  const ariaSort = active ? (sort.dir === "asc" ? "ascending" : "descending") : "none";
  return (
    <th scope="col" aria-sort={ariaSort} className={col.key === "models" ? "ep-col-models" : undefined}>
      <button type="button" onClick={() => onSort(col.key)} className={active ? "ep-sort ep-sort-active" : "ep-sort"}>
        {col.label}
        <span className="ep-sort-icon" aria-hidden="true">
          {active ? (sort.dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}

export function EndpointsTable({ endpoints, sort, onSort }: EndpointsTableProps) {
  return (
    <div className="table-wrap">
      <table className="ep-table">
        <caption className="visually-hidden">Serving endpoints, sorted by {COLUMNS.find((c) => c.key === sort.key)?.label.toLowerCase()}</caption>
        <thead>
          <tr>
            {COLUMNS.slice(0, 4).map((c) => (
              <SortHeader key={c.key} col={c} sort={sort} onSort={onSort} />
            ))}
            <th scope="col">Traffic split</th>
            {COLUMNS.slice(4).map((c) => (
              <SortHeader key={c.key} col={c} sort={sort} onSort={onSort} />
            ))}
          </tr>
        </thead>
        <tbody>
          {endpoints.map((e) => (
            <tr key={e.name}>
              <td>
                <Link to={`/endpoints/${encodeURIComponent(e.name)}`} className="ep-name">
                  {e.name}
                </Link>
              </td>
              <td>
                <StateBadge endpoint={e} />
              </td>
              <td>
                <span title={taskOf(e)}>{taskLabel(taskOf(e))}</span>
              </td>
              <td>
                <ul className="ep-models">
                  {servedModels(e).map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              </td>
              <td>{trafficSplit(e)}</td>
              <td>
                <time dateTime={new Date(e.last_updated_timestamp).toISOString()} title={formatTime(e.last_updated_timestamp)}>
                  {formatAgo(e.last_updated_timestamp)}
                </time>
              </td>
              <td className="muted">{e.creator ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Grey bars in the table's shape while the list loads, so the page does not jump. */
export function EndpointsTableSkeleton() {
  return (
    <div className="table-wrap" aria-busy="true" aria-label="Loading endpoints">
      <table className="ep-table">
        <thead>
          <tr>
            {["Name", "State", "Task", "Served models", "Traffic split", "Last update", "Created by"].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[0, 1, 2].map((i) => (
            <tr key={i}>
              {[140, 60, 90, 150, 90, 70, 60].map((w, j) => (
                <td key={j}>
                  <div className="skeleton" style={{ width: w }} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
