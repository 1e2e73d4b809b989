import type { Endpoint } from "../../api/types";

/** The "Query endpoint" panel of the endpoint page (placeholder until built). */
export function QueryPanel({ endpoint }: { endpoint: Endpoint }) {
  return <section className="card">Query {endpoint.name}: not built yet.</section>;
}
