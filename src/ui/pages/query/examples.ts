/**
 * What the Query panel starts from: the endpoint's task and an example request for it
 * ("Show example"), and the request body read back from the editor with a message a
 * person can act on when it is not valid JSON. No imports, so Node's unit tests run it.
 */

export type QueryTask = "llm/v1/chat" | "llm/v1/completions" | "llm/v1/embeddings";

/** The fields of an endpoint the task is read from (structurally an `Endpoint`). */
export interface TaskSource {
  task?: string;
  config?: { served_entities?: Array<{ external_model?: { task?: string } }> };
}

const TASKS: readonly QueryTask[] = ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"];

function isTask(t: unknown): t is QueryTask {
  return typeof t === "string" && (TASKS as readonly string[]).includes(t);
}

/** The endpoint's task; chat when it names none the panel knows. */
export function taskOf(endpoint: TaskSource): QueryTask {
  if (isTask(endpoint.task)) return endpoint.task;
  const first = endpoint.config?.served_entities?.[0]?.external_model?.task;
  return isTask(first) ? first : "llm/v1/chat";
}

/** Embeddings answer in one piece: there is nothing to stream. */
export function canStream(task: QueryTask): boolean {
  return task !== "llm/v1/embeddings";
}

/** An example request for the task, as Databricks' "Show example" gives one. */
export function exampleRequest(task: QueryTask): Record<string, unknown> {
  switch (task) {
    case "llm/v1/completions":
      return { prompt: "Write a haiku about a gateway that serves many models.", max_tokens: 64, temperature: 0.7 };
    case "llm/v1/embeddings":
      return { input: ["Tessera routes requests to many model providers.", "A gateway with one API for every model."] };
    default:
      return {
        messages: [
          { role: "system", content: "You are a helpful assistant. Answer in one short paragraph." },
          { role: "user", content: "What is a model serving gateway, and why would I use one?" },
        ],
        max_tokens: 256,
      };
  }
}

/** A body as the editor shows it. */
export function formatBody(body: Record<string, unknown>): string {
  return JSON.stringify(body, null, 2) + "\n";
}

export type ParsedBody = { ok: true; body: Record<string, unknown> } | { ok: false; message: string; line?: number; column?: number };

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: (lines[lines.length - 1] ?? "").length + 1 };
}

/**
 * The editor's text as a request body. JSON.parse names a character offset (V8 adds the
 * line and column in newer versions, not all); the message is rebuilt with the line and
 * column so it reads the same everywhere.
 */
export function parseBody(text: string): ParsedBody {
  if (!text.trim()) return { ok: false, message: "The request body is empty: type a JSON object or click Show example." };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const at = /at position (\d+)/.exec(raw);
    const where = at ? lineColumn(text, Number(at[1])) : lineColumn(text, text.trimEnd().length);
    const reason = raw.replace(/\s*\(line \d+ column \d+\)/, "").replace(/,? in JSON at position \d+/, "").replace(/^JSON\.parse: /, "").trim();
    return { ok: false, message: `Invalid JSON at line ${where.line}, column ${where.column}: ${reason}`, ...where };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: "The request body must be a JSON object ({ … })." };
  }
  return { ok: true, body: value as Record<string, unknown> };
}

/** The body with `stream` set (true) or removed (false), as the Stream switch edits it. */
export function withStream(body: Record<string, unknown>, on: boolean): Record<string, unknown> {
  const { stream: _drop, ...rest } = body;
  return on ? { ...rest, stream: true } : rest;
}
