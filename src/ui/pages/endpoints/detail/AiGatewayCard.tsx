/**
 * AI gateway settings: a readable summary, the raw JSON folded away, and a JSON editor
 * that saves with `PUT …/ai-gateway` (the gateway checks it; its error names the field).
 */
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Endpoint, JsonObject } from "../../../api/types";
import { CodeEditor } from "../../../components/CodeEditor";
import { ErrorBox } from "../../../components/ErrorBox";
import { endpointKey, putAiGateway } from "./api";
import { summarizeGateway } from "./gateway-summary";

const TEMPLATE = {
  usage_tracking_config: { enabled: true },
  rate_limits: [{ calls: 100, key: "user", renewal_period: "minute" }],
  fallback_config: { enabled: false },
};

function parse(text: string): { value?: JsonObject; error?: string } {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== "object" || v === null || Array.isArray(v)) return { error: "The AI gateway settings are a JSON object." };
    return { value: v as JsonObject };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function GatewayEditor({ endpoint, onDone }: { endpoint: Endpoint; onDone(): void }) {
  const qc = useQueryClient();
  const current = endpoint.ai_gateway && Object.keys(endpoint.ai_gateway).length ? endpoint.ai_gateway : TEMPLATE;
  const [text, setText] = useState(JSON.stringify(current, null, 2));
  const parsed = parse(text);
  const m = useMutation({
    mutationFn: (body: JsonObject) => putAiGateway(endpoint.name, body),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: endpointKey(endpoint.name) });
      onDone();
    },
  });
  return (
    <div className="epd-gw-editor">
      <CodeEditor label="AI gateway settings (JSON)" value={text} onChange={setText} onSubmit={() => parsed.value && m.mutate(parsed.value)} minHeight={200} />
      {parsed.error ? <div className="field-error">{parsed.error}</div> : null}
      {m.error ? <ErrorBox error={m.error} title="The gateway refused these settings" /> : null}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone} disabled={m.isPending}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={!parsed.value || m.isPending} onClick={() => parsed.value && m.mutate(parsed.value)}>
          {m.isPending ? "Saving…" : "Save AI gateway"}
        </button>
      </div>
    </div>
  );
}

export function AiGatewayCard({ endpoint }: { endpoint: Endpoint }) {
  const [editing, setEditing] = useState(false);
  const lines = summarizeGateway(endpoint.ai_gateway);
  const canManage = !endpoint.permission_level || endpoint.permission_level === "CAN_MANAGE";
  return (
    <section className="card" aria-labelledby="epd-gw-title">
      <div className="card-title">
        <h2 id="epd-gw-title">AI gateway</h2>
        {!editing && canManage ? (
          <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
            Edit AI gateway
          </button>
        ) : null}
      </div>
      {editing ? (
        <GatewayEditor endpoint={endpoint} onDone={() => setEditing(false)} />
      ) : (
        <>
          <ul className="epd-gw">
            {lines.map((l) => (
              <li key={l.label}>
                <span className="epd-gw-label">{l.label}</span>
                <span className={l.on ? "badge badge-ready" : "badge"}>{l.on ? "On" : "Off"}</span>
                {l.details.length ? (
                  <ul className="epd-gw-details">
                    {l.details.map((d) => (
                      <li key={d}>{d}</li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
          <details className="epd-raw">
            <summary>Raw JSON</summary>
            <pre className="code-block">{JSON.stringify(endpoint.ai_gateway ?? {}, null, 2)}</pre>
          </details>
        </>
      )}
    </section>
  );
}
