/**
 * The usage dashboard (`/usage`): requests, tokens, errors and latency of the whole
 * workspace or of one endpoint (`?endpoint=`) over a chosen range, as tiles, charts and
 * breakdown tables. It reads the same usage API as `tessera usage`; the workspace view is
 * for admins, so anyone else gets the API's 403 and picks an endpoint they can view.
 */
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { api, ApiError } from "../../api/client";
import type { Endpoint } from "../../api/types";
import { ErrorBox } from "../../components/ErrorBox";
import { PageHeader } from "../../components/PageHeader";
import { readChoice, windowOf, type RangeChoice } from "./range";
import { series, summarize } from "./series";
import { fetchUsage, type UsageData, type UsageWindow } from "./usage-api";
import { CHART_HEIGHT, LatencyChart, RequestsChart, TokensChart } from "./UsageCharts";
import { EndpointEmpty, tracksUsage, WorkspaceEmpty } from "./UsageEmpty";
import { EndpointsTable, RequestersTable } from "./UsageTables";
import { UsageTiles } from "./UsageTiles";
import { UsageToolbar } from "./UsageToolbar";
import "./usage.css";

interface Loaded extends UsageData {
  window: UsageWindow;
}

export function UsagePage() {
  const [params, setParams] = useSearchParams();
  const endpoint = params.get("endpoint") || undefined;
  const choice = readChoice(params);
  // Presets count back from this moment; Refresh (or picking a preset) moves it to now.
  const [now, setNow] = useState(() => Date.now());
  const win = windowOf(choice, now);
  const w = "window" in win ? win.window : undefined;

  const endpoints = useQuery({
    queryKey: ["usage-page", "endpoints"],
    queryFn: async () => (await api<{ endpoints?: Endpoint[] }>("GET", "/api/2.0/serving-endpoints")).endpoints ?? [],
  });
  const usage = useQuery({
    queryKey: ["usage", endpoint ?? "", w?.start, w?.end, w?.granularity],
    queryFn: async (): Promise<Loaded> => {
      if (!w) throw new Error("no range");
      return { ...(await fetchUsage(endpoint, w)), window: w };
    },
    enabled: w !== undefined,
    // The previous view stays (dimmed) while the next loads: no jump to a skeleton.
    placeholderData: keepPreviousData,
  });

  const setParam = (patch: Record<string, string | undefined>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(patch)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      return next;
    });
  const onChoice = (c: Partial<RangeChoice>) => {
    const range = c.range ?? choice.range;
    if (c.range && c.range !== "custom") setNow(Date.now());
    setParam({
      range: range === "24h" ? undefined : range,
      from: range === "custom" ? (c.from ?? choice.from) : undefined,
      to: range === "custom" ? (c.to ?? choice.to) : undefined,
      granularity: "granularity" in c ? c.granularity : choice.granularity,
    });
  };
  const refresh = () => {
    if (choice.range === "custom") void usage.refetch();
    else setNow(Date.now());
  };
  /** This page's URL for one endpoint, the range kept. */
  const linkTo = (name: string) => {
    const next = new URLSearchParams(params);
    next.set("endpoint", name);
    return `/usage?${next.toString()}`;
  };

  const selected = endpoint ? endpoints.data?.find((e) => e.name === endpoint) : undefined;
  const data = usage.data;
  const stale = usage.isPlaceholderData || (usage.isFetching && !usage.isLoading);

  return (
    <>
      <PageHeader
        title="Usage"
        subtitle={
          endpoint ? (
            <>
              Endpoint <Link to={`/endpoints/${encodeURIComponent(endpoint)}`}>{endpoint}</Link>
              {selected ? <span className={tracksUsage(selected) ? "badge badge-ready us-track" : "badge us-track"}>{tracksUsage(selected) ? "usage tracking on" : "usage tracking off"}</span> : null}
            </>
          ) : (
            "Requests, tokens, errors and latency of every endpoint that tracks usage."
          )
        }
      />
      <UsageToolbar
        endpoints={endpoints.data}
        endpoint={endpoint}
        choice={choice}
        window={w}
        autoGranularity={"auto" in win ? win.auto : true}
        fetching={usage.isFetching}
        onEndpoint={(name) => setParam({ endpoint: name })}
        onChoice={onChoice}
        onRefresh={refresh}
      />
      {"error" in win ? (
        <div className="notice" role="status">
          {win.error}
        </div>
      ) : null}
      {usage.error ? (
        <>
          <ErrorBox error={usage.error} title="Could not load usage" />
          {!endpoint && usage.error instanceof ApiError && usage.error.status === 403 ? (
            <p className="muted">The workspace view is for admins. Choose an endpoint you can view in the Endpoint list above.</p>
          ) : null}
        </>
      ) : null}
      {endpoints.error ? <ErrorBox error={endpoints.error} title="Could not list endpoints" /> : null}
      {usage.error ? null : <Dashboard data={data} stale={stale} endpoint={endpoint} tracked={selected ? tracksUsage(selected) : undefined} endpoints={endpoints.data} linkTo={linkTo} />}
    </>
  );
}

interface DashboardProps {
  data: Loaded | undefined;
  stale: boolean;
  endpoint: string | undefined;
  tracked: boolean | undefined;
  endpoints: Endpoint[] | undefined;
  linkTo(name: string): string;
}

function Dashboard({ data, stale, endpoint, tracked, endpoints, linkTo }: DashboardProps) {
  if (!data) {
    return (
      <>
        <UsageTiles s={undefined} loading />
        <div className="skeleton" style={{ height: CHART_HEIGHT + 60 }} />
      </>
    );
  }
  const s = summarize(data.totals);
  if (s.requests === 0) return endpoint ? <EndpointEmpty endpoint={endpoint} tracked={tracked} /> : <WorkspaceEmpty endpoints={endpoints} />;

  const points = series(data.buckets, data.window);
  const chart = { data: points, granularity: data.window.granularity, span: data.window.end - data.window.start };
  const untracked = endpoint ? [] : (endpoints?.filter((e) => !tracksUsage(e)).map((e) => e.name) ?? []);
  return (
    <div className={stale ? "us-dashboard us-stale" : "us-dashboard"} aria-busy={stale}>
      {endpoint && tracked === false ? <div className="notice">Usage tracking is off for {endpoint} now: these are the records from when it was on.</div> : null}
      <UsageTiles s={s} loading={false} />
      <div className="us-charts">
        <RequestsChart {...chart} />
        <TokensChart {...chart} />
        <div className="us-chart-wide">
          <LatencyChart {...chart} />
        </div>
      </div>
      {data.byEndpoint ? <EndpointsTable rows={data.byEndpoint} link={linkTo} /> : null}
      {data.byRequester ? (
        <RequestersTable rows={data.byRequester} />
      ) : (
        <p className="muted small us-foot">Who used an endpoint is shown to those who manage it.</p>
      )}
      {untracked.length ? (
        <p className="muted small us-foot">
          Not tracking usage (not counted above): {untracked.join(", ")}. Turn it on with <code>usage_tracking_config.enabled</code> in an endpoint’s AI gateway settings.
        </p>
      ) : null}
    </div>
  );
}
