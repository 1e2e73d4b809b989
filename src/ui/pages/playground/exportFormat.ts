/**
 * "Export JSON": the whole conversation as a self-describing document — system prompt,
 * the parameters as sent, and per column its endpoint and messages, each reply with its
 * metrics (latency, time to first token, tokens, served model) and error if it failed.
 * Field names follow the API's snake_case so the file reads like the requests did.
 */
import type { Conversation, Turn } from "./model.js";
import { parseParams, type ParsedParams } from "./request.js";

export const EXPORT_FORMAT = "tessera.playground.v1";

export interface ExportedMessage {
  role: "user" | "assistant";
  content: string;
  images?: Array<{ name: string; media_type: string; bytes: number; data_url: string | null }>;
  endpoint?: string;
  reasoning?: string;
  tool_calls?: Array<{ id: string; name: string; arguments: unknown }>;
  finish_reason?: string | null;
  status?: string;
  error?: { status: number; code: string; message: string; body?: unknown };
  metrics?: { latency_ms: number | null; ttft_ms: number | null; prompt_tokens: number | null; completion_tokens: number | null; served_model: string | null };
  created_at: string;
}

export interface ExportDoc {
  format: typeof EXPORT_FORMAT;
  exported_at: string;
  system_prompt: string;
  parameters: ParsedParams;
  columns: Array<{ endpoint: string; messages: ExportedMessage[] }>;
}

/** Tool arguments as JSON when they parse (readable in the file), else the text as streamed. */
function args(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const round = (n: number | undefined) => (n === undefined ? null : Math.round(n));

function message(t: Turn): ExportedMessage {
  const created_at = new Date(t.at).toISOString();
  if (t.role === "user") {
    const m: ExportedMessage = { role: "user", content: t.text, created_at };
    if (t.images.length) m.images = t.images.map((i) => ({ name: i.name, media_type: i.mediaType, bytes: i.bytes, data_url: i.dataUrl || null }));
    return m;
  }
  const m: ExportedMessage = {
    role: "assistant",
    endpoint: t.endpoint,
    content: t.text,
    finish_reason: t.finishReason,
    status: t.status,
    metrics: {
      latency_ms: round(t.metrics.latencyMs),
      ttft_ms: round(t.metrics.ttftMs),
      prompt_tokens: t.metrics.promptTokens ?? null,
      completion_tokens: t.metrics.completionTokens ?? null,
      served_model: t.metrics.servedModel ?? null,
    },
    created_at,
  };
  if (t.reasoning) m.reasoning = t.reasoning;
  if (t.toolCalls.length) m.tool_calls = t.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: args(c.arguments) }));
  if (t.error) m.error = t.error;
  return m;
}

export function toExport(c: Conversation, now: number): ExportDoc {
  return {
    format: EXPORT_FORMAT,
    exported_at: new Date(now).toISOString(),
    system_prompt: c.system,
    parameters: parseParams(c.params).values,
    columns: c.columns.map((col) => ({ endpoint: col.endpoint, messages: col.turns.map(message) })),
  };
}

/** e.g. playground-2026-05-04T10-21-33.json (no colons: not allowed in Windows file names). */
export function exportFileName(now: number): string {
  return `playground-${new Date(now).toISOString().slice(0, 19).replace(/:/g, "-")}.json`;
}
