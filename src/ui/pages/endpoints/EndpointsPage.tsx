/**
 * Serving endpoints: every endpoint the user may see, searchable and sortable. Search and
 * sort live in the URL (`?q=`, `?sort=key:dir`) so a filtered list can be shared or
 * reloaded as it was.
 */
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useLocation, useSearchParams } from "react-router";
import { api } from "../../api/client";
import type { Endpoint } from "../../api/types";
import { ErrorBox } from "../../components/ErrorBox";
import { PageHeader } from "../../components/PageHeader";
import { EmptyEndpoints } from "./list/EmptyEndpoints";
import { EndpointsTable, EndpointsTableSkeleton } from "./list/EndpointsTable";
import { matches, parseSort, sortEndpoints, type SortKey } from "./list/summary";
import "./list/endpoints-list.css";

function listEndpoints(): Promise<Endpoint[]> {
  return api<{ endpoints?: Endpoint[] }>("GET", "/api/2.0/serving-endpoints").then((r) => r.endpoints ?? []);
}

export function EndpointsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const sort = parseSort(params.get("sort"));
  const deleted = (useLocation().state as { deleted?: string } | null)?.deleted;
  // While a config update is in flight its state changes on its own: look again every few seconds.
  const list = useQuery({
    queryKey: ["endpoints"],
    queryFn: listEndpoints,
    refetchInterval: (query) => (query.state.data?.some((e) => e.state?.config_update === "IN_PROGRESS") ? 3000 : false),
  });

  const shown = useMemo(() => sortEndpoints((list.data ?? []).filter((e) => matches(e, q)), sort.key, sort.dir), [list.data, q, sort.key, sort.dir]);

  // `replace`: typing a search or flipping a sort should not fill the back button's history.
  const update = (k: string, v: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (v) next.set(k, v);
        else next.delete(k);
        return next;
      },
      { replace: true },
    );
  const onSort = (key: SortKey) => {
    // A new column starts ascending, except dates, where the newest first is what people want.
    const dir = sort.key === key ? (sort.dir === "asc" ? "desc" : "asc") : key === "updated" ? "desc" : "asc";
    update("sort", `${key}:${dir}`);
  };

  const total = list.data?.length ?? 0;
  return (
    <>
      <PageHeader
        title="Serving endpoints"
        subtitle="Named endpoints in front of your models: credentials, traffic split and AI gateway rules in one place."
        actions={
          <Link to="/endpoints/new" className="btn btn-primary">
            Create endpoint
          </Link>
        }
      />
      {deleted ? (
        <div className="notice ep-deleted" role="status">
          Endpoint <strong>{deleted}</strong> was deleted.
        </div>
      ) : null}
      {list.error ? <ErrorBox error={list.error} title="Could not load the endpoints" /> : null}
      {list.isPending ? <EndpointsTableSkeleton /> : null}
      {list.data && total === 0 ? <EmptyEndpoints /> : null}
      {list.data && total > 0 ? (
        <>
          <div className="toolbar">
            <label htmlFor="ep-search" className="visually-hidden">
              Search endpoints
            </label>
            <input
              id="ep-search"
              type="search"
              placeholder="Search by name, provider or model"
              value={q}
              onChange={(e) => update("q", e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
            <span className="muted small" role="status" aria-live="polite">
              {q ? `${shown.length} of ${total} endpoints` : `${total} endpoint${total === 1 ? "" : "s"}`}
            </span>
          </div>
          {shown.length > 0 ? (
            <EndpointsTable endpoints={shown} sort={sort} onSort={onSort} />
          ) : (
            <div className="empty-state ep-no-match">
              <h2>No endpoint matches “{q}”</h2>
              <div className="empty-body">Search looks at endpoint names, providers and model names.</div>
              <div className="empty-action">
                <button type="button" className="btn" onClick={() => update("q", "")}>
                  Clear search
                </button>
              </div>
            </div>
          )}
        </>
      ) : null}
    </>
  );
}
