/**
 * Sign-in with a personal access token: the token is checked against `/Me` before it is
 * kept, so a wrong one is refused here with the gateway's reason.
 */
import { useState, type FormEvent } from "react";
import { Navigate, useLocation } from "react-router";
import { api, ApiError } from "../api/client";
import type { Me } from "../api/types";
import { session, useSession } from "./session";

export function SignInPage() {
  const current = useSession();
  const location = useLocation();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? "/endpoints";
  if (current) return <Navigate to={from} replace />;
  const notice = session.notice();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = token.trim();
    if (!t) return setError("Paste a personal access token.");
    setBusy(true);
    setError(null);
    try {
      const me = await api<Me>("GET", "/api/2.0/preview/scim/v2/Me", undefined, { token: t, keepSessionOn401: true });
      session.signIn({ token: t, user: me.userName ?? me.displayName ?? me.applicationId ?? me.id });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? "This token is not valid: it is unknown, expired or revoked." : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark" />
          Tessera
        </div>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">Use a personal access token: <code>npm start</code> prints the admin token on its first start, and <code>tessera tokens create</code> makes more.</p>
        {notice ? (
          <div className="notice" role="status">
            {notice}
          </div>
        ) : null}
        <label htmlFor="token">Personal access token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? "token-error" : undefined}
          autoFocus
        />
        {error ? (
          <div className="field-error" id="token-error" role="alert">
            {error}
          </div>
        ) : null}
        <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
        <p className="muted small">The token is kept in this tab's session storage only, and sent to this gateway alone.</p>
      </form>
    </main>
  );
}
