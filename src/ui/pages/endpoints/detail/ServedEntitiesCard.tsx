/**
 * The served entities of the current config: who serves the endpoint, with which model,
 * how much of the traffic, and how it authenticates (a secret reference or "stored
 * plaintext (hidden)" — never a value).
 */
import type { Endpoint } from "../../../api/types";
import { credentialText, describeConfig } from "./credentials";

const COLOURS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)"];

/** Each entity's share: the routes when there are any, else everything to a lone entity. */
function shares(e: Endpoint): Map<string, number> {
  const routes = e.config?.traffic_config?.routes ?? [];
  const entities = e.config?.served_entities ?? [];
  const m = new Map<string, number>();
  if (routes.length > 0) for (const r of routes) m.set(r.served_entity_name, r.traffic_percentage);
  else if (entities.length === 1 && entities[0]) m.set(entities[0].name, 100);
  return m;
}

function TrafficBar({ parts }: { parts: Array<{ name: string; pct: number; colour: string }> }) {
  const shown = parts.filter((p) => p.pct > 0);
  if (shown.length === 0) return null;
  return (
    <div className="epd-traffic">
      <div className="epd-traffic-bar" role="img" aria-label={`Traffic split: ${shown.map((p) => `${p.pct}% ${p.name}`).join(", ")}`}>
        {shown.map((p) => (
          <span key={p.name} style={{ width: `${p.pct}%`, background: p.colour }} />
        ))}
      </div>
    </div>
  );
}

export function ServedEntitiesCard({ endpoint }: { endpoint: Endpoint }) {
  const entities = endpoint.config?.served_entities ?? [];
  const share = shares(endpoint);
  const parts = entities.map((s, i) => ({ name: s.name, pct: share.get(s.name) ?? 0, colour: COLOURS[i % COLOURS.length] ?? "var(--primary)" }));
  return (
    <section className="card" aria-labelledby="epd-entities-title">
      <h2 id="epd-entities-title">Served entities</h2>
      <TrafficBar parts={parts} />
      <div className="table-wrap epd-entities">
        <table>
          <thead>
            <tr>
              <th scope="col">Entity</th>
              <th scope="col">Provider</th>
              <th scope="col">Model</th>
              <th scope="col">Task</th>
              <th scope="col" className="num">
                Traffic
              </th>
              <th scope="col">Credentials</th>
              <th scope="col">Settings</th>
            </tr>
          </thead>
          <tbody>
            {entities.map((s, i) => {
              const cfg = describeConfig(s.external_model);
              const deploy = s.state?.deployment;
              return (
                <tr key={s.name}>
                  <td>
                    <div className="epd-entity-name">
                      <span className="epd-swatch" style={{ background: parts[i]?.colour }} aria-hidden="true" />
                      <span className="mono">{s.name}</span>
                    </div>
                    {deploy && deploy !== "DEPLOYMENT_READY" ? (
                      <span className="badge badge-warn" title={s.state?.deployment_state_message}>
                        {deploy.replace(/^DEPLOYMENT_/, "").toLowerCase()}
                      </span>
                    ) : null}
                  </td>
                  <td>{s.external_model?.provider ?? "—"}</td>
                  <td className="mono epd-model">{s.external_model?.name ?? "—"}</td>
                  <td className="mono small">{s.external_model?.task ?? "—"}</td>
                  <td className="num">{parts[i]?.pct ?? 0}%</td>
                  <td>
                    {cfg.credentials.length === 0 ? <span className="muted">none</span> : null}
                    <ul className="epd-list">
                      {cfg.credentials.map((c) => (
                        <li key={c.field}>
                          <span className="epd-field">{c.field}</span>
                          <span className={c.kind === "secret" ? "epd-cred mono" : "epd-cred epd-cred-hidden"}>{credentialText(c)}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {cfg.settings.length === 0 ? <span className="muted">defaults</span> : null}
                    <ul className="epd-list">
                      {cfg.settings.map((c) => (
                        <li key={c.field}>
                          <span className="epd-field">{c.field}</span>
                          <span className="mono small epd-setting">{c.value}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
