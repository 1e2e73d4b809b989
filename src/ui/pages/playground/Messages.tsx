/**
 * One turn of a transcript: the user's message (text and image thumbnails) or a reply
 * (reasoning, Markdown answer, tool calls, error, metrics). A reply keeps its footer's
 * height from the first frame, so the metrics arriving at the end move nothing.
 */
import { useState } from "react";
import { ApiError } from "../../api/client";
import { CopyButton } from "../../components/CopyButton";
import { ErrorBox } from "../../components/ErrorBox";
import { Markdown } from "../../components/Markdown";
import { formatMs } from "../../components/format";
import type { AssistantTurn, ToolCall, UserTurn } from "./model";
import { prettyArguments, tokensText } from "./view";

export function UserMessage({ turn }: { turn: UserTurn }) {
  return (
    <article className="pg-msg pg-msg-user" aria-label="Your message">
      <div className="pg-msg-head">
        <span className="pg-role">You</span>
      </div>
      {turn.images.length ? (
        <ul className="pg-thumbs" aria-label="Attached images">
          {turn.images.map((img, i) => (
            <li key={i}>
              {img.dataUrl ? (
                <img className="pg-thumb" src={img.dataUrl} alt={img.name} title={img.name} />
              ) : (
                <span className="pg-thumb pg-thumb-missing" title={`${img.name}: too large to keep after a reload`}>
                  {img.name}
                </span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {turn.text ? <div className="pg-user-text">{turn.text}</div> : null}
    </article>
  );
}

/** Open while the model is only thinking; closes once the answer starts, unless the user chose. */
function Reasoning({ text, thinking }: { text: string; thinking: boolean }) {
  const [chosen, setChosen] = useState<boolean | null>(null);
  const open = chosen ?? thinking;
  return (
    <details
      className="pg-reasoning"
      open={open}
      onToggle={(e) => {
        const now = e.currentTarget.open;
        if (now !== open) setChosen(now);
      }}
    >
      <summary>
        Reasoning
        <span className="muted small">{thinking ? " · thinking…" : ` · ${text.trim().split(/\s+/).length} words`}</span>
      </summary>
      <div className="pg-reasoning-body">{text}</div>
    </details>
  );
}

function ToolCallView({ call }: { call: ToolCall }) {
  return (
    <div className="pg-tool" role="group" aria-label={`Tool call ${call.name}`}>
      <div className="pg-tool-head">
        <span className="pg-tool-tag">Tool call</span>
        <code className="pg-tool-name">{call.name || "…"}</code>
        {call.id ? <span className="muted small mono pg-tool-id">{call.id}</span> : null}
      </div>
      <pre className="pg-tool-args">{prettyArguments(call.arguments)}</pre>
    </div>
  );
}

interface StopProps {
  onStop(): void;
  /** Names the column in a comparison ("Stop column B"). */
  stopLabel: string;
}

function Metrics({ turn, onStop, stopLabel }: { turn: AssistantTurn } & StopProps) {
  const m = turn.metrics;
  const streaming = turn.status === "streaming";
  return (
    <div className="pg-metrics" aria-label="Reply metrics">
      {streaming ? (
        <>
          <span className="pg-live">
            <span className="pg-dot" aria-hidden="true" /> Streaming…
          </span>
          <button type="button" className="btn btn-small pg-reply-stop" onClick={onStop} aria-label={stopLabel}>
            Stop
          </button>
        </>
      ) : (
        <>
          {m.servedModel ? (
            <span className="pg-metric" title="Served model (served-model-name)">
              {m.servedModel}
            </span>
          ) : null}
          <span className="pg-metric" title="Latency: from sending to the end of the reply">
            Latency {formatMs(m.latencyMs)}
          </span>
          <span className="pg-metric" title="Time to first token">
            TTFT {formatMs(m.ttftMs)}
          </span>
          <span className="pg-metric" title="Tokens: prompt in, completion out">
            Tokens {tokensText(m)}
          </span>
        </>
      )}
    </div>
  );
}

export function AssistantMessage({ turn, onStop, stopLabel }: { turn: AssistantTurn } & StopProps) {
  const streaming = turn.status === "streaming";
  const empty = !turn.text && !turn.reasoning && !turn.toolCalls.length;
  const error = turn.error ? new ApiError(turn.error.status, turn.error.code, turn.error.message, undefined, turn.error.body) : undefined;
  return (
    <article className="pg-msg pg-msg-assistant" aria-label={`Reply from ${turn.endpoint}`} aria-busy={streaming}>
      <div className="pg-msg-head">
        <span className="pg-role">{turn.endpoint}</span>
        {turn.status === "stopped" ? <span className="badge badge-warn">Stopped</span> : null}
        {turn.status === "error" ? <span className="badge badge-bad">Failed</span> : null}
        {turn.finishReason && turn.finishReason !== "stop" && turn.status === "done" ? <span className="badge badge-plain">finish: {turn.finishReason}</span> : null}
        {turn.text && !streaming ? (
          <span className="pg-copy">
            <CopyButton text={turn.text} />
          </span>
        ) : null}
      </div>
      {turn.reasoning ? <Reasoning text={turn.reasoning} thinking={streaming && !turn.text && !turn.toolCalls.length} /> : null}
      {turn.text ? <Markdown text={turn.text} /> : null}
      {streaming && empty ? (
        <div className="pg-typing" aria-label="Waiting for the first token">
          <span />
          <span />
          <span />
        </div>
      ) : null}
      {turn.toolCalls.map((c, i) => (
        <ToolCallView key={c.id || i} call={c} />
      ))}
      {!streaming && !error && empty && turn.status === "done" ? <div className="muted small">(empty reply)</div> : null}
      {error ? <ErrorBox error={error} title="The endpoint answered with an error" /> : null}
      <Metrics turn={turn} onStop={onStop} stopLabel={stopLabel} />
    </article>
  );
}
