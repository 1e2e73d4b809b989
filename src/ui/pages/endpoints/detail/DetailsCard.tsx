/** The endpoint's facts: task, who made it and when, config version, the caller's permission, its id. */
import type { Endpoint } from "../../../api/types";
import { CopyButton } from "../../../components/CopyButton";
import { formatAgo, formatTime } from "../../../components/format";
import { taskLabel, taskOf } from "../list/summary";

function When({ ms }: { ms: number | undefined }) {
  if (!ms) return <>—</>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatAgo(ms)}>
      {formatTime(ms)}
    </time>
  );
}

export function DetailsCard({ endpoint: e }: { endpoint: Endpoint }) {
  return (
    <section className="card" aria-labelledby="epd-details-title">
      <h2 id="epd-details-title">Details</h2>
      <dl className="kv">
        {e.description ? (
          <>
            <dt>Description</dt>
            <dd>{e.description}</dd>
          </>
        ) : null}
        <dt>Task</dt>
        <dd>
          {taskLabel(taskOf(e))} <span className="mono small muted">{taskOf(e)}</span>
        </dd>
        <dt>Type</dt>
        <dd>{e.endpoint_type ?? "—"}</dd>
        <dt>Created by</dt>
        <dd>{e.creator ?? "—"}</dd>
        <dt>Created</dt>
        <dd>
          <When ms={e.creation_timestamp} />
        </dd>
        <dt>Last updated</dt>
        <dd>
          <When ms={e.last_updated_timestamp} /> <span className="muted small">({formatAgo(e.last_updated_timestamp)})</span>
        </dd>
        <dt>Config version</dt>
        <dd data-testid="config-version">{e.config?.config_version ?? "—"}</dd>
        <dt>Config update</dt>
        <dd className="mono small">{e.state?.config_update ?? "—"}</dd>
        <dt>Your permission</dt>
        <dd>{e.permission_level ? <span className="badge badge-plain">{e.permission_level}</span> : "—"}</dd>
        <dt>Endpoint id</dt>
        <dd className="epd-id">
          <span className="mono small">{e.id}</span>
          <CopyButton text={e.id} label="Copy id" />
        </dd>
      </dl>
    </section>
  );
}
