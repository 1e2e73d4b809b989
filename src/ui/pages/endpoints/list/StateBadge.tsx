/** The READY / NOT_READY badge of an endpoint, shared by the list and the endpoint page. */
import type { Endpoint } from "../../../api/types";
import { stateOf } from "./summary";

export function StateBadge({ endpoint }: { endpoint: Endpoint }) {
  const s = stateOf(endpoint);
  return (
    <span className={`badge badge-${s.tone}`} title={s.detail ?? `state.ready: ${endpoint.state?.ready ?? "unknown"}`}>
      {s.label}
    </span>
  );
}
