/**
 * "Query endpoint" on the endpoint page, as in the Databricks Serving UI: a JSON request
 * (with "Show example" for the endpoint's task and a Stream switch that edits the body),
 * Send (or Ctrl/Cmd+Enter), the response or the error in full beside it, and the same
 * request as code below. The last body per endpoint survives a reload (session storage).
 */
import { useEffect, useId, useMemo, useState } from "react";
import type { Endpoint } from "../../api/types";
import { CodeEditor } from "../../components/CodeEditor";
import { canStream, exampleRequest, formatBody, parseBody, taskOf, withStream } from "./examples";
import { ResponseView } from "./ResponseView";
import { SnippetTabs } from "./SnippetTabs";
import { useQueryRun } from "./useQueryRun";
import "./query.css";

const storageKey = (name: string) => `tessera.query.${name}`;

function stored(name: string): string {
  try {
    return sessionStorage.getItem(storageKey(name)) ?? "";
  } catch {
    return "";
  }
}

const MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.userAgent);

export function QueryPanel({ endpoint }: { endpoint: Endpoint }) {
  // A different endpoint starts afresh: its own body, no response from the last one.
  return <Panel key={endpoint.name} endpoint={endpoint} />;
}

function Panel({ endpoint }: { endpoint: Endpoint }) {
  const task = taskOf(endpoint);
  const streamable = canStream(task);
  const [text, setText] = useState(() => stored(endpoint.name));
  const parsed = useMemo(() => parseBody(text), [text]);
  const { run, send, stop } = useQueryRun(endpoint.name);
  const running = run?.state === "running";
  const streamOn = parsed.ok && parsed.body["stream"] === true;
  const ids = { title: useId(), hint: useId(), stream: useId() };

  useEffect(() => {
    try {
      if (text) sessionStorage.setItem(storageKey(endpoint.name), text);
      else sessionStorage.removeItem(storageKey(endpoint.name));
    } catch {
      // Storage full or refused: the body is simply not kept.
    }
  }, [text, endpoint.name]);

  const submit = () => {
    if (parsed.ok && !running) void send(parsed.body);
  };
  const showExample = () => setText(formatBody(withStream(exampleRequest(task), streamOn && streamable)));
  const toggleStream = (on: boolean) => {
    if (parsed.ok) setText(formatBody(withStream(parsed.body, on)));
  };

  return (
    <section className="card qp" aria-labelledby={ids.title}>
      <div className="card-title">
        <h2 id={ids.title}>Query endpoint</h2>
        <span className="muted small mono">POST /serving-endpoints/{endpoint.name}/invocations</span>
      </div>
      <div className="qp-grid">
        <div className="qp-request">
          <div className="qp-bar">
            <h3>Request</h3>
            <div className="qp-bar-actions">
              <label className="qp-switch" htmlFor={ids.stream} title={streamable ? "Sets \"stream\": true in the body" : "Embeddings do not stream"}>
                <input
                  id={ids.stream}
                  type="checkbox"
                  role="switch"
                  checked={streamOn}
                  disabled={!parsed.ok || !streamable || running}
                  onChange={(e) => toggleStream(e.target.checked)}
                />
                Stream
              </label>
              <button type="button" className="btn btn-small" onClick={showExample} disabled={running}>
                Show example
              </button>
            </div>
          </div>
          <CodeEditor value={text} onChange={setText} onSubmit={submit} label="Request body (JSON)" minHeight={300} wrap />
          <div className="qp-send">
            {running ? (
              <button type="button" className="btn btn-danger qp-send-btn" onClick={stop}>
                Stop
              </button>
            ) : (
              <button type="button" className="btn btn-primary qp-send-btn" onClick={submit} disabled={!parsed.ok} aria-describedby={ids.hint}>
                Send request
              </button>
            )}
            {/* An empty editor is a starting point, not a mistake: its hint is not shown as an error. */}
            <p id={ids.hint} className={parsed.ok || !text.trim() ? "qp-hint muted small" : "qp-hint qp-invalid small"}>
              {parsed.ok ? `${MAC ? "⌘" : "Ctrl"}+Enter sends from the editor.` : parsed.message}
            </p>
          </div>
        </div>
        <div className="qp-response">
          <h3>Response</h3>
          <ResponseView run={run} task={task} />
        </div>
      </div>
      <SnippetTabs endpoint={endpoint.name} task={task} body={parsed.ok ? parsed.body : null} />
    </section>
  );
}
