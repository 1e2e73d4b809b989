import { ApiError } from "../api/client";

/** An error shown in full: status, error code, message, and the body the gateway sent. */
export function ErrorBox({ error, title = "Request failed" }: { error: unknown; title?: string }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-box" role="alert">
      <div className="error-title">
        {title}
        {api && api.status > 0 ? ` — ${api.status} ${api.code}` : ""}
      </div>
      <div className="error-message">{message}</div>
      {api?.body !== undefined && typeof api.body === "object" ? (
        <details>
          <summary>Response body</summary>
          <pre className="code-block">{JSON.stringify(api.body, null, 2)}</pre>
        </details>
      ) : null}
    </div>
  );
}
