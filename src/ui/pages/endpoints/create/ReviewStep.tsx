/**
 * Step 4: what will be created, the exact request (credentials typed as plaintext shown
 * as placeholders), and the same call as curl and as Python mlflow.deployments.
 */
import { useState } from "react";
import type { ProviderInfo } from "../../../api/providers";
import { CopyButton } from "../../../components/CopyButton";
import { Tabs } from "../../../components/Tabs";
import { effectiveEntityName, type EntityState } from "../form";
import { curlSnippet, maskPlaintext, mlflowSnippet } from "./snippets";
import type { WizardState } from "./wizard";

type View = "json" | "curl" | "python";
const VIEWS = [
  { id: "json", label: "JSON" },
  { id: "curl", label: "curl" },
  { id: "python", label: "Python (MLflow)" },
] as const;

function credentials(e: EntityState): string {
  const parts = Object.entries(e.secrets).map(([path, s]) =>
    s.mode === "ref" ? `${path}: {{secrets/${s.scope}/${s.key}}}` : s.mode === "plaintext" ? `${path}: plaintext (write-only)` : `${path}: stored`,
  );
  return parts.length ? parts.join(", ") : "none";
}

export function ReviewStep({ w, body, providers }: { w: WizardState; body: Record<string, unknown>; providers: readonly ProviderInfo[] }) {
  const [view, setView] = useState<View>("json");
  const host = window.location.origin;
  const text = view === "json" ? JSON.stringify(maskPlaintext(body), null, 2) : view === "curl" ? curlSnippet(host, body) : mlflowSnippet(host, body);
  const entities = w.withSecond ? [w.first, w.second] : [w.first];
  const label = (name: string) => providers.find((p) => p.name === name)?.label ?? name;
  const gw = [w.gateway.usage && "usage tracking", w.gateway.inference && "inference table", w.withSecond && w.gateway.fallbacks && "fallbacks"].filter(Boolean);
  return (
    <>
      <dl className="kv cw-summary">
        <dt>Name</dt>
        <dd className="mono">{w.name}</dd>
        <dt>Task</dt>
        <dd className="mono">{w.task}</dd>
        {w.description.trim() ? (
          <>
            <dt>Description</dt>
            <dd>{w.description}</dd>
          </>
        ) : null}
        <dt>AI gateway</dt>
        <dd>{gw.length ? gw.join(", ") : "off"}</dd>
      </dl>
      <div className="table-wrap cw-entities">
        <table>
          <thead>
            <tr>
              <th>Served entity</th>
              <th>Provider</th>
              <th>Model</th>
              <th>Credentials</th>
              <th className="num">Traffic</th>
            </tr>
          </thead>
          <tbody>
            {entities.map((e, i) => (
              <tr key={i}>
                <td className="mono">{effectiveEntityName(e)}</td>
                <td>{label(e.provider)}</td>
                <td className="mono">{e.model}</td>
                <td className="mono small">{credentials(e)}</td>
                <td className="num">{w.withSecond ? w.split[i] : 100}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="cw-request">
        <div className="cw-request-head">
          <Tabs<View> tabs={VIEWS} value={view} onChange={setView} label="Request" />
          <CopyButton text={text} label={`Copy ${VIEWS.find((v) => v.id === view)?.label ?? ""}`} />
        </div>
        <pre className="code-block cw-code" tabIndex={0} aria-label={`The request as ${view}`} role="tabpanel">
          {text}
        </pre>
        <p className="muted small">
          POST /api/2.0/serving-endpoints. Plaintext credentials are shown as placeholders; the snippets read your token from <code>$DATABRICKS_TOKEN</code>.
        </p>
      </div>
    </>
  );
}
