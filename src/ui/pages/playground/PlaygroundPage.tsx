/**
 * The AI Playground: chat with any chat endpoint, streamed, or compare up to three side
 * by side — one composer sends each prompt to every column, and each column streams,
 * stops and keeps its transcript and metrics on its own. System prompt and parameters
 * are shared by the columns. The conversation lives in session storage (a reload keeps
 * it) and can be cleared or exported as JSON. `?endpoint=` picks the first column's
 * endpoint and follows it, so the address can be shared.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { Endpoint } from "../../api/types";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { PageHeader } from "../../components/PageHeader";
import { ChatColumn } from "./ChatColumn";
import { Composer, MESSAGE_BOX_ID } from "./Composer";
import { addColumn, clearTurns, hasTurns, isStreaming, newConversation, removeColumn, sendPrompt, setEndpoint } from "./conversation";
import { chatEndpoints, initialEndpoint } from "./endpoints";
import { exportFileName, toExport } from "./exportFormat";
import { MAX_COLUMNS, type Conversation, type ImageAttachment } from "./model";
import { buildRequest, parseParams } from "./request";
import { SettingsPanel } from "./SettingsPanel";
import { loadConversation, saveConversation } from "./storage";
import { useReplyRunner } from "./useReplyRunner";
import { assignEndpoints, columnLetter } from "./view";
import "./playground.css";

/** Offered in an empty column: each shows a different side of a model (prose, code, structure). */
const SUGGESTIONS = [
  "Explain what a model-serving gateway does, in three bullet points.",
  "Write a Python function that retries an HTTP call with exponential backoff.",
  "Reply with a JSON object describing a fictional customer: name, plan, signup date.",
] as const;

/** Session storage is written at most this often while replies stream. */
const SAVE_EVERY_MS = 500;

function download(name: string, json: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(json, null, 2)], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function usePersisted(conv: Conversation): void {
  const latest = useRef(conv);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    latest.current = conv;
    timer.current ??= window.setTimeout(() => {
      timer.current = undefined;
      saveConversation(sessionStorage, latest.current);
    }, SAVE_EVERY_MS);
  }, [conv]);
  // Leaving the page or reloading it writes at once what the timer has not written yet.
  useEffect(() => {
    const flush = () => {
      window.clearTimeout(timer.current);
      timer.current = undefined;
      saveConversation(sessionStorage, latest.current);
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, []);
}

export function PlaygroundPage() {
  const [search, setSearch] = useSearchParams();
  const wanted = search.get("endpoint");
  const list = useQuery({
    queryKey: ["playground", "serving-endpoints"],
    queryFn: () => api<{ endpoints?: Endpoint[] }>("GET", "/api/2.0/serving-endpoints"),
    select: (d) => chatEndpoints(d.endpoints ?? []),
  });
  const endpoints = useMemo(() => list.data ?? [], [list.data]);
  const names = useMemo(() => endpoints.map((e) => e.name), [endpoints]);
  const [conv, setConv] = useState<Conversation>(() => loadConversation(sessionStorage) ?? newConversation());
  const [showSettings, setShowSettings] = useState(true);
  const [draft, setDraft] = useState("");
  const runner = useReplyRunner(setConv);
  usePersisted(conv);

  useEffect(() => {
    if (names.length) setConv((c) => assignEndpoints(c, names, wanted));
  }, [names, wanted]);

  const { errors } = parseParams(conv.params);
  const busy = conv.columns.some(isStreaming);
  const targets = conv.columns.filter((c) => c.endpoint).length;
  const compare = conv.columns.length > 1;
  const blocked = Object.keys(errors).length ? "Fix the settings marked in red to send." : targets === 0 ? "Pick an endpoint to send." : null;

  const send = (text: string, images: ImageAttachment[]) => {
    const { conversation, replies } = sendPrompt(conv, text, images, Date.now());
    setConv(conversation);
    for (const r of replies) {
      const column = conversation.columns.find((c) => c.id === r.columnId);
      if (column) runner.start(r.columnId, r.replyId, r.endpoint, buildRequest(conversation, column));
    }
  };

  const pick = (columnId: string, index: number, name: string) => {
    setConv((c) => setEndpoint(c, columnId, name));
    if (index === 0) setSearch({ endpoint: name }, { replace: true });
  };

  const addCompare = () => setConv((c) => addColumn(c, initialEndpoint(names, null, c.columns.map((x) => x.endpoint))));

  const clear = () => {
    runner.stop();
    setConv(clearTurns);
  };

  if (list.isPending) {
    return (
      <div className="pg-page">
        <PageHeader title="Playground" subtitle="Chat with your endpoints and compare them side by side." />
        <div className="skeleton" style={{ height: 320 }} aria-label="Loading endpoints" />
      </div>
    );
  }
  if (list.isError) {
    return (
      <>
        <PageHeader title="Playground" />
        <ErrorBox error={list.error} title="Could not list the serving endpoints" />
      </>
    );
  }
  if (!endpoints.length) {
    return (
      <>
        <PageHeader title="Playground" subtitle="Chat with your endpoints and compare them side by side." />
        <EmptyState
          title="No chat endpoint yet"
          action={
            <Link className="btn btn-primary" to="/endpoints/new">
              Create an endpoint
            </Link>
          }
        >
          The playground chats with serving endpoints of task <code>llm/v1/chat</code>. Create one in front of any provider (OpenAI, Anthropic, Bedrock,
          Vertex AI, …) and come back to try it, tune its prompt and compare it with others.
        </EmptyState>
      </>
    );
  }

  return (
    <div className={showSettings ? "pg-page" : "pg-page pg-settings-hidden"}>
      <PageHeader
        title="Playground"
        subtitle={compare ? `Comparing ${conv.columns.length} endpoints: every prompt goes to each column.` : "Chat with an endpoint, or compare up to three side by side."}
        actions={
          <>
            <button type="button" className="btn" onClick={addCompare} disabled={conv.columns.length >= MAX_COLUMNS}>
              {compare ? "Add column" : "Compare"}
            </button>
            <button type="button" className="btn" onClick={clear} disabled={!hasTurns(conv)}>
              Clear
            </button>
            <button type="button" className="btn" onClick={() => download(exportFileName(Date.now()), toExport(conv, Date.now()))} disabled={!hasTurns(conv)}>
              Export JSON
            </button>
            <button type="button" className="btn btn-ghost" aria-pressed={showSettings} onClick={() => setShowSettings((s) => !s)}>
              Settings
            </button>
          </>
        }
      />
      {wanted && !names.includes(wanted) ? (
        <div className="notice" role="status">
          There is no chat endpoint named <strong>{wanted}</strong>: the playground chats with <code>llm/v1/chat</code> endpoints.
        </div>
      ) : null}
      <div className="pg-body">
        <div className="pg-chat">
          <div className="pg-columns" style={{ gridTemplateColumns: `repeat(${conv.columns.length}, minmax(0, 1fr))` }}>
            {conv.columns.map((col, i) => (
              <ChatColumn
                key={col.id}
                column={col}
                letter={compare ? columnLetter(i) : null}
                endpoints={endpoints}
                canRemove={compare}
                onEndpoint={(name) => pick(col.id, i, name)}
                onRemove={() => {
                  for (const t of col.turns) if (t.role === "assistant" && t.status === "streaming") runner.stop(t.id);
                  // The address names the first column's endpoint: the next column becomes first.
                  const next = conv.columns[1]?.endpoint;
                  if (i === 0 && next) setSearch({ endpoint: next }, { replace: true });
                  setConv((c) => removeColumn(c, col.id));
                }}
                onStop={() => {
                  for (const t of col.turns) if (t.role === "assistant" && t.status === "streaming") runner.stop(t.id);
                }}
                suggestions={i === 0 && !hasTurns(conv) ? SUGGESTIONS : []}
                onSuggest={(p) => {
                  setDraft(p);
                  document.getElementById(MESSAGE_BOX_ID)?.focus();
                }}
              />
            ))}
          </div>
          <Composer text={draft} onText={setDraft} busy={busy} blocked={blocked} targets={targets} onSend={send} onStop={() => runner.stop()} />
        </div>
        {showSettings ? (
          <SettingsPanel system={conv.system} params={conv.params} errors={errors} onSystem={(system) => setConv((c) => ({ ...c, system }))} onParams={(params) => setConv((c) => ({ ...c, params }))} />
        ) : null}
      </div>
    </div>
  );
}
