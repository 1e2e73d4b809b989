import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { api } from "../../api/client";
import type { Endpoint } from "../../api/types";
import { ErrorBox } from "../../components/ErrorBox";
import { PageHeader } from "../../components/PageHeader";
import { QueryPanel } from "../query/QueryPanel";

/** Placeholder: the endpoint's name and the Query panel (the full page is being built). */
export function EndpointPage() {
  const { name = "" } = useParams();
  const q = useQuery({ queryKey: ["endpoint", name], queryFn: () => api<Endpoint>("GET", `/api/2.0/serving-endpoints/${encodeURIComponent(name)}`) });
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <div className="skeleton" />;
  return (
    <>
      <PageHeader title={q.data.name} />
      <QueryPanel endpoint={q.data} />
    </>
  );
}
