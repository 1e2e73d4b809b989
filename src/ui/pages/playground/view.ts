/**
 * Text the playground shows about a reply, as pure functions (tested in Node): tool-call
 * arguments pretty-printed when they are JSON, token counts, and which endpoints the
 * conversation updates, plus the placement of the endpoint page's `?endpoint=` choice.
 */
import { initialEndpoint } from "./endpoints.js";
import type { Conversation, ReplyMetrics } from "./model.js";

/** Arguments pretty-printed as JSON when they parse (a stream may still be mid-way), else as sent. */
export function prettyArguments(text: string): string {
  if (!text.trim()) return "{}";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** "11 in · 7 out", or "—" before the usage is known. */
export function tokensText(m: ReplyMetrics): string {
  if (m.promptTokens === undefined && m.completionTokens === undefined) return "—";
  const f = (n: number | undefined) => (n === undefined ? "?" : n.toLocaleString("en-US"));
  return `${f(m.promptTokens)} in · ${f(m.completionTokens)} out`;
}

/** A column letter: A, B, C. */
export function columnLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/**
 * Gives every column an endpoint that exists: the first column takes `wanted` (the URL's
 * `?endpoint=`) when it is a chat endpoint; a column without one (or whose endpoint was
 * deleted) takes the first not used by another column. Returns `c` itself when nothing
 * changes, so it can run in an effect without looping.
 */
export function assignEndpoints(c: Conversation, names: string[], wanted: string | null): Conversation {
  if (!names.length) return c;
  let changed = false;
  const taken: string[] = [];
  const columns = c.columns.map((col, i) => {
    let endpoint = col.endpoint;
    if (i === 0 && wanted && names.includes(wanted)) endpoint = wanted;
    else if (!names.includes(endpoint)) endpoint = initialEndpoint(names, null, taken);
    taken.push(endpoint);
    if (endpoint === col.endpoint) return col;
    changed = true;
    return { ...col, endpoint };
  });
  return changed ? { ...c, columns } : c;
}
