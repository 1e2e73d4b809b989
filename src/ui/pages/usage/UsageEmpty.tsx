/**
 * What the usage page says when the range holds no record. Only endpoints with usage
 * tracking on are recorded at all (their `ai_gateway.usage_tracking_config.enabled`), so
 * the message says which endpoints track usage and how to switch it on.
 */
import { Link } from "react-router";
import type { Endpoint } from "../../api/types";
import { EmptyState } from "../../components/EmptyState";

export function tracksUsage(e: Endpoint): boolean {
  const cfg = e.ai_gateway?.["usage_tracking_config"];
  return typeof cfg === "object" && cfg !== null && (cfg as Record<string, unknown>)["enabled"] === true;
}

const SNIPPET = `"ai_gateway": { "usage_tracking_config": { "enabled": true } }`;

function HowTo() {
  return (
    <>
      <p>
        Tessera records usage per endpoint, when its AI gateway settings turn usage tracking on. Set it on the endpoint page, or with{" "}
        <code>PUT /api/2.0/serving-endpoints/&lt;name&gt;/ai-gateway</code>:
      </p>
      <pre className="code-block us-snippet">{SNIPPET}</pre>
      <p className="small">
        Requests to endpoints without it are not recorded here (they are still counted in the Prometheus metrics at <code>/metrics</code>).
      </p>
    </>
  );
}

/** The workspace has no record in the range. */
export function WorkspaceEmpty({ endpoints }: { endpoints: Endpoint[] | undefined }) {
  const tracked = endpoints?.filter(tracksUsage) ?? [];
  return (
    <EmptyState title="No usage recorded in this time range" action={<Link className="btn" to="/endpoints">Go to endpoints</Link>}>
      {tracked.length ? (
        <p>
          Usage tracking is on for <strong>{tracked.map((e) => e.name).join(", ")}</strong>, but none of them was called in this range. Try a longer range, or send a
          request from the Playground.
        </p>
      ) : (
        <p>No endpoint tracks usage yet.</p>
      )}
      <HowTo />
    </EmptyState>
  );
}

/** One endpoint has no record in the range. */
export function EndpointEmpty({ endpoint, tracked }: { endpoint: string; tracked: boolean | undefined }) {
  const link = <Link className="btn" to={`/endpoints/${encodeURIComponent(endpoint)}`}>Open {endpoint}</Link>;
  if (tracked === false) {
    return (
      <EmptyState title={`Usage tracking is off for ${endpoint}`} action={link}>
        <HowTo />
      </EmptyState>
    );
  }
  return (
    <EmptyState title={`No requests to ${endpoint} in this time range`} action={link}>
      <p>Usage tracking is on: requests will show here as soon as it is called. Try a longer range.</p>
    </EmptyState>
  );
}
