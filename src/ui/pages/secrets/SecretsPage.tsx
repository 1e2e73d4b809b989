/**
 * Secrets (`/secrets`): scopes on the left, the selected scope's keys on the right
 * (`?scope=` in the URL). Names and dates only: the API never returns a value and the
 * page never holds one longer than it takes to send it.
 */
import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { PageHeader } from "../../components/PageHeader";
import { CreateScopeForm } from "./CreateScopeForm";
import { ScopePanel } from "./ScopePanel";
import { listScopes, scopesKey, useSecretWrites } from "./secrets-api";
import "./secrets.css";

function Explainer() {
  return (
    <>
      <p>
        A secret keeps a credential — a provider API key, a client secret — out of endpoint configs. Put it in a scope once, then reference it from any endpoint as{" "}
        <code>{"{{secrets/<scope>/<key>}}"}</code>, for example in <code>openai_config.openai_api_key</code>.
      </p>
      <p className="small">Values are encrypted at rest and write-only: neither this page nor the API ever shows one again. Changing a value updates every endpoint using it.</p>
    </>
  );
}

export function SecretsPage() {
  const [params, setParams] = useSearchParams();
  const scopes = useQuery({ queryKey: scopesKey, queryFn: listScopes });
  const writes = useSecretWrites();
  const wanted = params.get("scope") || undefined;
  const selected = wanted ?? scopes.data?.[0]?.name;
  const select = (scope: string | undefined) => setParams(scope ? { scope } : {});

  const header = <PageHeader title="Secrets" subtitle="Credentials endpoints reference by name. Values go in; they never come out." />;
  if (scopes.error) {
    return (
      <>
        {header}
        <ErrorBox error={scopes.error} title="Could not list secret scopes" />
      </>
    );
  }
  if (!scopes.data) {
    return (
      <>
        {header}
        <div className="skeleton" style={{ height: 240 }} />
      </>
    );
  }
  if (scopes.data.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No secret scopes yet" action={<CreateScopeForm writes={writes} onCreated={select} autoFocus />}>
          <Explainer />
          <p className="small">Start with a scope — a named group of secrets with its own permissions — such as one per team or per provider.</p>
        </EmptyState>
      </>
    );
  }

  return (
    <>
      {header}
      <div className="sc-layout">
        <aside className="card sc-scopes" aria-labelledby="sc-scopes-title">
          <h2 id="sc-scopes-title">Scopes</h2>
          <nav aria-label="Secret scopes">
            <ul>
              {scopes.data.map((s) => (
                <li key={s.name}>
                  <Link to={`/secrets?scope=${encodeURIComponent(s.name)}`} className={s.name === selected ? "sc-scope active" : "sc-scope"} aria-current={s.name === selected ? "page" : undefined}>
                    <span className="mono">{s.name}</span>
                    {s.backend_type && s.backend_type !== "TESSERA" ? <span className="badge badge-plain">{s.backend_type}</span> : null}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <CreateScopeForm writes={writes} onCreated={select} />
        </aside>
        <div className="sc-main">
          {selected ? <ScopePanel key={selected} scope={selected} writes={writes} onScopeDeleted={() => select(undefined)} /> : null}
          <details className="sc-help">
            <summary>How endpoints use secrets</summary>
            <Explainer />
          </details>
        </div>
      </div>
    </>
  );
}
