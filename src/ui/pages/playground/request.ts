/**
 * The chat request a column sends: the system prompt, the column's own transcript as
 * OpenAI messages (images as `image_url` parts carrying data URLs) and the parameters
 * that are set — an empty field is left out so the endpoint's default applies. Also
 * parses the parameter form, with a message per field the page shows beside it.
 */
import type { Column, Conversation, Params, Turn } from "./model.js";

/** OpenAI allows up to 4 stop sequences. */
export const MAX_STOP = 4;

export interface ParsedParams {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  stop?: string[];
  tools?: unknown[];
}

export type ParamErrors = Partial<Record<keyof Params, string>>;

function num(text: string, min: number, max: number, integer: boolean): number | string {
  const t = text.trim();
  const n = Number(t);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) || !Number.isFinite(n)) return "Enter a number.";
  if (integer && !Number.isInteger(n)) return "Enter a whole number.";
  if (n < min || n > max) return `Between ${min} and ${max}.`;
  return n;
}

/** Stop sequences, one per line; blank lines are ignored, spaces kept (they can matter). */
export function stopSequences(text: string): string[] {
  return text
    .split("\n")
    .map((s) => s.replace(/\r$/, ""))
    .filter((s) => s.trim().length > 0);
}

export function parseParams(p: Params): { values: ParsedParams; errors: ParamErrors } {
  const values: ParsedParams = {};
  const errors: ParamErrors = {};
  if (p.temperature.trim()) {
    const v = num(p.temperature, 0, 2, false);
    if (typeof v === "number") values.temperature = v;
    else errors.temperature = v;
  }
  if (p.maxTokens.trim()) {
    const v = num(p.maxTokens, 1, 1_000_000, true);
    if (typeof v === "number") values.max_tokens = v;
    else errors.maxTokens = v;
  }
  if (p.topP.trim()) {
    const v = num(p.topP, 0, 1, false);
    if (typeof v === "number") values.top_p = v;
    else errors.topP = v;
  }
  const stop = stopSequences(p.stop);
  if (stop.length > MAX_STOP) errors.stop = `At most ${MAX_STOP} stop sequences.`;
  else if (stop.length) values.stop = stop;
  if (p.tools.trim()) {
    let tools: unknown;
    try {
      tools = JSON.parse(p.tools);
    } catch (e) {
      errors.tools = `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (!errors.tools) {
      if (!Array.isArray(tools) || !tools.every((t) => typeof t === "object" && t !== null && !Array.isArray(t))) {
        errors.tools = 'A JSON array of tools, e.g. [{"type": "function", "function": {"name": "…", "parameters": {…}}}].';
      } else if (tools.length) values.tools = tools;
    }
  }
  return { values, errors };
}

export type ContentPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string | ContentPart[];
}

function userContent(t: Extract<Turn, { role: "user" }>): string | ContentPart[] {
  // Images whose pixels were not kept (storage quota) cannot be sent again.
  const images = t.images.filter((i) => i.dataUrl);
  if (!images.length) return t.text;
  const parts: ContentPart[] = t.text ? [{ type: "text", text: t.text }] : [];
  for (const i of images) parts.push({ type: "image_url", image_url: { url: i.dataUrl } });
  return parts;
}

/**
 * The messages of a column's transcript. Failed replies are left out (the model never
 * said them), and so are tool calls: the playground does not run tools, and a tool call
 * without its result is refused by most providers — only the reply's text is replayed.
 * A reply still streaming is the one being asked for, so it is not part of the history.
 */
export function buildMessages(system: string, turns: Turn[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (system.trim()) out.push({ role: "system", content: system });
  for (const t of turns) {
    if (t.role === "user") out.push({ role: "user", content: userContent(t) });
    else if ((t.status === "done" || t.status === "stopped") && t.text) out.push({ role: "assistant", content: t.text });
  }
  return out;
}

/** The streamed chat request for one column, from its transcript up to now. */
export function buildRequest(c: Conversation, column: Column): Record<string, unknown> {
  const { values } = parseParams(c.params);
  return { messages: buildMessages(c.system, column.turns), ...values, stream: true };
}
