/**
 * The request in the editor as code to copy: curl, the OpenAI Python and TypeScript
 * clients, MLflow. The token is always `$DATABRICKS_TOKEN`, never the session's.
 */
import { useId, useMemo, useState } from "react";
import { CopyButton } from "../../components/CopyButton";
import { Tabs } from "../../components/Tabs";
import type { QueryTask } from "./examples";
import { SNIPPETS, type SnippetKind } from "./snippets";

export interface SnippetTabsProps {
  endpoint: string;
  task: QueryTask;
  /** The body as parsed from the editor; null while it is not valid JSON. */
  body: Record<string, unknown> | null;
}

export function SnippetTabs({ endpoint, task, body }: SnippetTabsProps) {
  const [kind, setKind] = useState<SnippetKind>("curl");
  const panelId = useId();
  const spec = SNIPPETS.find((s) => s.id === kind) ?? SNIPPETS[0];
  const code = useMemo(() => (body && spec ? spec.make({ host: location.origin, endpoint, task, body }) : null), [body, spec, endpoint, task]);
  return (
    <div className="qp-snippets">
      <div className="qp-snippets-head">
        <h3>Use this request from code</h3>
        {code ? <CopyButton text={code} label={`Copy ${spec?.label ?? ""}`} /> : null}
      </div>
      <Tabs<SnippetKind> tabs={SNIPPETS} value={kind} onChange={setKind} label="Code snippet language" />
      <div role="tabpanel" id={panelId} aria-label={`${spec?.label ?? ""} snippet`}>
        {code ? (
          <pre className="code-block qp-snippet" tabIndex={0}>
            {code}
          </pre>
        ) : (
          <p className="muted">Fix the request body to see the snippets.</p>
        )}
      </div>
    </div>
  );
}
