/**
 * The right half of the Query panel: a summary bar (status, latency, time to first token,
 * tokens, served model), the answer text as it streams, and the response body in full —
 * or the error in full. Every slot is in place from the moment of sending and keeps its
 * size, so nothing moves while a stream grows.
 */
import { useEffect, useState, type ReactNode } from "react";
import { ApiError } from "../../api/client";
import type { Usage } from "../../api/chat";
import { CodeEditor } from "../../components/CodeEditor";
import { ErrorBox } from "../../components/ErrorBox";
import { formatCount, formatMs } from "../../components/format";
import type { QueryTask } from "./examples";
import type { Run } from "./useQueryRun";

const noop = () => undefined;

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const t = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(t);
  }, []);
  return <>{formatMs(now - since)}</>;
}

function StatusBadge({ run }: { run: Run }) {
  if (run.state === "running") return <span className="badge badge-plain">{run.stream ? "Streaming…" : "Sending…"}</span>;
  if (run.state === "stopped") return <span className="badge badge-warn">Stopped</span>;
  if (run.state === "error") {
    const status = run.error instanceof ApiError && run.error.status > 0 ? String(run.error.status) : "No response";
    return <span className="badge badge-bad">{status}</span>;
  }
  return <span className="badge badge-ready">{run.result?.status ?? 200} OK</span>;
}

function Item({ label, children, wide = false, title }: { label: string; children: ReactNode; wide?: boolean; title?: string }) {
  return (
    <div className={wide ? "qp-summary-item qp-summary-wide" : "qp-summary-item"}>
      <dt>{label}</dt>
      <dd className={wide ? "mono" : undefined} title={title}>
        {children}
      </dd>
    </div>
  );
}

function tokens(u: Usage | undefined) {
  return {
    prompt: u?.prompt_tokens,
    completion: u?.completion_tokens,
    total: u?.total_tokens ?? (u?.prompt_tokens !== undefined && u.completion_tokens !== undefined ? u.prompt_tokens + u.completion_tokens : undefined),
    cached: u?.prompt_tokens_details?.cached_tokens,
    reasoning: u?.completion_tokens_details?.reasoning_tokens,
  };
}

function Summary({ run }: { run: Run }) {
  const t = tokens(run.result?.usage);
  return (
    <dl className="qp-summary" aria-label="Response summary">
      <Item label="Status">
        <StatusBadge run={run} />
      </Item>
      <Item label="Latency">{run.state === "running" ? <Elapsed since={run.started} /> : formatMs(run.latencyMs)}</Item>
      {run.stream ? <Item label="Time to first token">{formatMs(run.ttftMs)}</Item> : null}
      {/* A failed call has no tokens and no served model: only what is known is shown. */}
      {run.state === "error" ? null : (
        <>
          <Item label="Tokens in">{formatCount(t.prompt)}</Item>
          <Item label="Tokens out">{formatCount(t.completion)}</Item>
          <Item label="Total tokens">{formatCount(t.total)}</Item>
          {t.cached ? <Item label="Cached">{formatCount(t.cached)}</Item> : null}
          {t.reasoning ? <Item label="Reasoning">{formatCount(t.reasoning)}</Item> : null}
          <Item label="Served model" wide title={run.result?.servedModel ?? undefined}>
            {run.result?.servedModel ?? "—"}
          </Item>
        </>
      )}
    </dl>
  );
}

/** "2 vectors × 1536 dimensions" from an embeddings response. */
function embeddingShape(body: unknown): string | null {
  const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data) || data.length === 0) return null;
  const first = (data[0] as { embedding?: unknown }).embedding;
  const dims = Array.isArray(first) ? first.length : 0;
  return `${data.length} ${data.length === 1 ? "vector" : "vectors"} × ${dims} dimensions`;
}

function Answer({ run, task }: { run: Run; task: QueryTask }) {
  // An error before any text: the error box says it all.
  if (run.state === "error" && !run.text && !run.reasoning) return null;
  if (task === "llm/v1/embeddings") {
    const shape = run.result ? embeddingShape(run.result.body) : null;
    return shape ? <p className="qp-embedding muted">{shape}</p> : null;
  }
  const calls = run.result?.answer.toolCalls ?? [];
  const waiting = run.state === "running" && !run.text;
  const finish = run.result?.answer.finishReason;
  return (
    <section className="qp-answer" aria-label="Answer" aria-busy={run.state === "running"}>
      <div className="qp-answer-head">
        <span>Answer</span>
        {finish ? <span className="muted small">finish_reason: {finish}</span> : null}
      </div>
      {run.reasoning ? (
        <details className="qp-reasoning">
          <summary>Reasoning</summary>
          <div className="qp-text muted">{run.reasoning}</div>
        </details>
      ) : null}
      <div className="qp-text">
        {waiting ? <span className="muted">Waiting for the first token…</span> : run.text}
        {run.state === "running" && run.text ? <span className="qp-caret" aria-hidden="true" /> : null}
        {!run.text && run.state !== "running" && !calls.length ? <span className="muted">(no text)</span> : null}
      </div>
      {calls.map((c, i) => (
        <div className="qp-tool" key={c.id || i}>
          <span className="badge badge-plain">tool call</span> <span className="mono">{c.name}</span>
          <pre className="code-block">{c.arguments}</pre>
        </div>
      ))}
    </section>
  );
}

function Json({ value, label }: { value: unknown; label: string }) {
  if (typeof value === "string") return <pre className="code-block">{value}</pre>;
  return (
    <div className="qp-json">
      <CodeEditor value={JSON.stringify(value, null, 2)} onChange={noop} readOnly label={label} minHeight={80} wrap />
    </div>
  );
}

export function ResponseView({ run, task }: { run: Run | null; task: QueryTask }) {
  if (!run) {
    return (
      <div className="qp-empty">
        <p>Send a request to see the response here: the status, latency, tokens and the served model.</p>
      </div>
    );
  }
  const err = run.error;
  const api = err instanceof ApiError ? err : undefined;
  const announce =
    run.state === "done" ? `Response ${run.result?.status ?? ""} in ${formatMs(run.latencyMs)}` : run.state === "stopped" ? "Stopped" : "";
  return (
    <div className="qp-response-body">
      <p className="visually-hidden" role="status">
        {announce}
      </p>
      <Summary run={run} />
      <Answer run={run} task={task} />
      {run.state === "stopped" ? (
        <p className="notice" role="status">
          Stopped after {formatMs(run.latencyMs)}: the answer above is what had arrived.
        </p>
      ) : null}
      {err ? (
        <>
          {/* The body is shown below in full, so the box shows only status, code and message. */}
          <ErrorBox error={api ? new ApiError(api.status, api.code, api.message, api.field, undefined) : err} />
          {api?.body !== undefined ? <Json value={api.body} label="Error response body" /> : null}
        </>
      ) : null}
      {run.result && !run.stream ? <Json value={run.result.body} label="Response body" /> : null}
      {run.result && run.stream ? (
        <details className="qp-folded">
          <summary>Final JSON, folded from {run.chunks} chunks</summary>
          <Json value={run.result.body} label="Final response body" />
        </details>
      ) : null}
    </div>
  );
}
