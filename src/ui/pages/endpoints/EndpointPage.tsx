/**
 * One serving endpoint: its state, served entities, AI gateway settings and tags, the
 * actions on it (try it in the Playground, edit its configuration, delete it) and the
 * Query endpoint panel. `?edit=1` opens the configuration form in place of the view, so
 * an edit can be linked to and the back button leaves it.
 */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router";
import { ApiError } from "../../api/client";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { formatAgo } from "../../components/format";
import { PageHeader } from "../../components/PageHeader";
import { QueryPanel } from "../query/QueryPanel";
import { AiGatewayCard } from "./detail/AiGatewayCard";
import { endpointKey, getEndpoint } from "./detail/api";
import { DeleteEndpoint } from "./detail/DeleteEndpoint";
import { DetailsCard } from "./detail/DetailsCard";
import { EditConfig } from "./detail/EditConfig";
import { ServedEntitiesCard } from "./detail/ServedEntitiesCard";
import { TagsCard } from "./detail/TagsCard";
import { StateBadge } from "./list/StateBadge";
import { taskLabel, taskOf } from "./list/summary";
import "./detail/endpoint-detail.css";

const breadcrumb = <Link to="/endpoints">Serving endpoints</Link>;

function Loading() {
  return (
    <div aria-busy="true" aria-label="Loading the endpoint">
      <div className="skeleton epd-skel-title" />
      <div className="card">
        {[70, 55, 80, 40].map((w) => (
          <div key={w} className="skeleton epd-skel-line" style={{ width: `${w}%` }} />
        ))}
      </div>
    </div>
  );
}

export function EndpointPage() {
  const { name = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const editing = params.get("edit") === "1";
  const [deleting, setDeleting] = useState(false);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const q = useQuery({
    queryKey: endpointKey(name),
    queryFn: () => getEndpoint(name),
    refetchInterval: (query) => (query.state.data?.state?.config_update === "IN_PROGRESS" ? 3000 : false),
  });
  const setEditing = (on: boolean) => {
    setSavedVersion(null);
    setParams(on ? { edit: "1" } : {});
  };

  if (q.error instanceof ApiError && q.error.status === 404) {
    return (
      <>
        <PageHeader title={name} breadcrumb={breadcrumb} />
        <EmptyState
          title="No such endpoint"
          action={
            <>
              <Link to="/endpoints" className="btn">
                Back to the endpoints
              </Link>
              <Link to="/endpoints/new" className="btn btn-primary">
                Create endpoint
              </Link>
            </>
          }
        >
          There is no serving endpoint named <strong className="mono">{name}</strong>. It may have been deleted or renamed, or the link has a typo.
        </EmptyState>
      </>
    );
  }
  if (q.error) {
    return (
      <>
        <PageHeader title={name} breadcrumb={breadcrumb} />
        <ErrorBox error={q.error} title="Could not load the endpoint" />
      </>
    );
  }
  if (!q.data) return <Loading />;
  const e = q.data;
  const canManage = !e.permission_level || e.permission_level === "CAN_MANAGE";
  const isChat = taskOf(e) === "llm/v1/chat";

  return (
    <>
      <PageHeader
        breadcrumb={breadcrumb}
        title={
          <span className="epd-title">
            {e.name} <StateBadge endpoint={e} />
          </span>
        }
        subtitle={
          <>
            {taskLabel(taskOf(e))} · config version {e.config?.config_version ?? "—"} · updated {formatAgo(e.last_updated_timestamp)}
            {e.state?.config_update && e.state.config_update !== "NOT_UPDATING" ? ` · ${e.state.config_update}` : ""}
          </>
        }
        actions={
          <>
            {isChat ? (
              <Link to={`/playground?endpoint=${encodeURIComponent(e.name)}`} className="btn">
                Use in Playground
              </Link>
            ) : null}
            {canManage && !editing ? (
              <button type="button" className="btn" onClick={() => setEditing(true)}>
                Edit configuration
              </button>
            ) : null}
            {canManage ? (
              <button type="button" className="btn epd-danger" onClick={() => setDeleting(true)}>
                Delete
              </button>
            ) : null}
          </>
        }
      />
      {editing ? (
        <EditConfig
          endpoint={e}
          onDone={(saved) => {
            setEditing(false);
            if (saved) setSavedVersion(saved.config?.config_version ?? null);
          }}
        />
      ) : (
        <>
          {savedVersion !== null ? (
            <div className="notice epd-saved" role="status">
              Configuration saved: the endpoint now serves config version {savedVersion}.
            </div>
          ) : null}
          <ServedEntitiesCard endpoint={e} />
          <div className="epd-grid">
            <div className="epd-col">
              <DetailsCard endpoint={e} />
              <TagsCard endpoint={e} />
            </div>
            <div className="epd-col">
              <AiGatewayCard endpoint={e} />
            </div>
          </div>
          {/* The panel is its own "Query endpoint" section, heading included. */}
          <div className="epd-query">
            <QueryPanel endpoint={e} />
          </div>
        </>
      )}
      <DeleteEndpoint name={e.name} open={deleting} onClose={() => setDeleting(false)} />
    </>
  );
}
