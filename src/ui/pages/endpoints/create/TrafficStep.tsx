/**
 * Step 3: an optional second served entity with the traffic split between the two, and
 * the AI gateway switches that need no further settings.
 */
import type { ProviderInfo } from "../../../api/providers";
import { effectiveEntityName, ServedEntityForm, TrafficSplit } from "../form";
import type { WizardState } from "./wizard";

interface Props {
  w: WizardState;
  set(p: Partial<WizardState>): void;
  providers: readonly ProviderInfo[];
  errors: Record<string, string>;
}

export function TrafficStep({ w, set, providers, errors }: Props) {
  const gw = w.gateway;
  const toggle = (k: keyof WizardState["gateway"]) => set({ gateway: { ...gw, [k]: !gw[k] } });
  return (
    <>
      <label className="cw-switch">
        <input type="checkbox" checked={w.withSecond} onChange={(e) => set({ withSecond: e.target.checked })} />
        <span>
          <strong>Add a second served entity</strong>
          <span className="cw-switch-about">Split traffic between two models — an A/B test, a gradual migration, or a fallback.</span>
        </span>
      </label>
      {w.withSecond ? (
        <div className="cw-second">
          <h3 className="cw-sub">Second served entity</h3>
          <ServedEntityForm index={1} value={w.second} onChange={(second) => set({ second })} providers={providers} task={w.task} errors={errors} />
          <TrafficSplit
            names={[effectiveEntityName(w.first), effectiveEntityName(w.second)]}
            value={w.split}
            onChange={(v) => set({ split: [v[0] ?? 0, v[1] ?? 0] })}
            error={errors["traffic"]}
          />
        </div>
      ) : null}

      <h3 className="cw-sub">AI gateway</h3>
      <div className="cw-gateway">
        <label className="cw-switch">
          <input type="checkbox" checked={gw.usage} onChange={() => toggle("usage")} />
          <span>
            <strong>Usage tracking</strong>
            <span className="cw-switch-about">Count requests and tokens per requester (the Usage page).</span>
          </span>
        </label>
        <label className="cw-switch">
          <input type="checkbox" checked={gw.inference} onChange={() => toggle("inference")} />
          <span>
            <strong>Inference table</strong>
            <span className="cw-switch-about">Log each request and response payload.</span>
          </span>
        </label>
        {w.withSecond ? (
          <label className="cw-switch">
            <input type="checkbox" checked={gw.fallbacks} onChange={() => toggle("fallbacks")} />
            <span>
              <strong>Fallbacks</strong>
              <span className="cw-switch-about">On 429, 5xx or time-outs, try the other served entity.</span>
            </span>
          </label>
        ) : null}
      </div>
      {Object.entries(errors)
        .filter(([k]) => k.startsWith("ai_gateway"))
        .map(([k, v]) => (
          <div key={k} className="field-error" role="alert">
            {v}
          </div>
        ))}
    </>
  );
}
