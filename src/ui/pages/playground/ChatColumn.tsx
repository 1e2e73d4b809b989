/**
 * One column of the playground: its endpoint picker, its own transcript and a Stop for
 * its own stream (from the streaming reply's footer). The transcript scrolls inside the column and follows a streaming reply
 * only while the reader is at the bottom; scrolling up to read stops the following.
 */
import { useLayoutEffect, useRef } from "react";
import type { Endpoint } from "../../api/types";
import { isStreaming } from "./conversation";
import { AssistantMessage, UserMessage } from "./Messages";
import type { Column } from "./model";
import { servedSummary } from "./endpoints";

export interface ChatColumnProps {
  column: Column;
  /** "A", "B", "C"; null when the column is alone. */
  letter: string | null;
  endpoints: Endpoint[];
  canRemove: boolean;
  onEndpoint(name: string): void;
  onRemove(): void;
  onStop(): void;
  /** Example prompts offered while the column is empty; picking one fills the message box. */
  suggestions: readonly string[];
  onSuggest(prompt: string): void;
}

/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 32;

export function ChatColumn({ column, letter, endpoints, canRemove, onEndpoint, onRemove, onStop, suggestions, onSuggest }: ChatColumnProps) {
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const turnCount = useRef(column.turns.length);
  const streaming = isStreaming(column);
  const endpoint = endpoints.find((e) => e.name === column.endpoint);
  const label = letter ? `Endpoint ${letter}` : "Endpoint";
  const name = column.endpoint || "no endpoint";

  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    // A new prompt always brings the column to its end; streamed text only if the reader is there.
    const grew = column.turns.length > turnCount.current;
    turnCount.current = column.turns.length;
    if (grew || atBottom.current) {
      el.scrollTop = el.scrollHeight;
      atBottom.current = true;
    }
  }, [column.turns]);

  const onScroll = () => {
    const el = log.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
  };

  return (
    <section className="pg-column" aria-label={letter ? `Column ${letter}: ${name}` : `Chat with ${name}`}>
      <header className="pg-column-head">
        {letter ? (
          <span className="pg-letter" aria-hidden="true">
            {letter}
          </span>
        ) : null}
        <div className="pg-picker">
          <label className="visually-hidden" htmlFor={`${column.id}-endpoint`}>
            {label}
          </label>
          <select id={`${column.id}-endpoint`} value={column.endpoint} onChange={(e) => onEndpoint(e.target.value)} disabled={streaming}>
            {column.endpoint && !endpoint ? <option value={column.endpoint}>{column.endpoint} (not available)</option> : null}
            {endpoints.map((e) => (
              <option key={e.name} value={e.name}>
                {e.state.ready === "READY" ? e.name : `${e.name} (not ready)`}
              </option>
            ))}
          </select>
          <div className="pg-served muted small" title={endpoint ? servedSummary(endpoint) : undefined}>
            {endpoint ? servedSummary(endpoint) : " "}
          </div>
        </div>
        <div className="pg-column-actions">
          {canRemove ? (
            <button type="button" className="btn btn-small btn-ghost pg-icon-btn" onClick={onRemove} aria-label={`Remove column ${letter ?? ""}`.trim()} title="Remove this column">
              <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
              </svg>
            </button>
          ) : null}
        </div>
      </header>
      <div className="pg-transcript" ref={log} onScroll={onScroll} role="log" aria-label={`Conversation with ${name}`} aria-live="off" tabIndex={0}>
        {column.turns.length === 0 ? (
          <div className="pg-column-empty">
            <div className="pg-column-empty-title">{column.endpoint ? `Ask ${column.endpoint} anything` : "Pick an endpoint"}</div>
            <div className="muted small">{letter ? "Every column answers the same prompt, each streaming on its own." : "Replies stream in as they are written."}</div>
            {suggestions.length ? (
              <ul className="pg-suggestions" aria-label="Example prompts">
                {suggestions.map((p) => (
                  <li key={p}>
                    <button type="button" className="pg-suggestion" onClick={() => onSuggest(p)}>
                      {p}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : (
          column.turns.map((t) =>
            t.role === "user" ? <UserMessage key={t.id} turn={t} /> : <AssistantMessage key={t.id} turn={t} onStop={onStop} stopLabel={letter ? `Stop column ${letter}` : "Stop this reply"} />,
          )
        )}
      </div>
    </section>
  );
}
