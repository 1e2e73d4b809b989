/**
 * One row's request body from its call site, and the model's answer back into the text
 * DuckDB gets for the row (the answer itself for a STRING result, else JSON to cast).
 */
import type { AnyResponse, JsonObject, Task } from "../gateway/types.js";
import { sendsJson, type CallSite } from "./call-site.js";
import { isString } from "./sql-types.js";
import { matchLabel } from "./tasks.js";

/** The body of one row's call; `usage_context` names the statement so usage rows can be found by it. */
export function requestBody(site: CallSite, task: Task, request: string, statementId: string): JsonObject {
  const usage_context = { statement_id: statementId, sql_function: site.fn };
  if (task === "llm/v1/embeddings") return { input: request, ...site.params, usage_context };
  if (task === "llm/v1/completions") return { prompt: site.prompt ? `${site.prompt.system}\n\n${request}` : request, ...site.params, usage_context };
  const messages = site.prompt ? [{ role: "system", content: site.prompt.system }, { role: "user", content: request }] : [{ role: "user", content: request }];
  const body: JsonObject = { messages, ...site.params, usage_context };
  if (site.responseFormat && site.responseFormat["type"] !== "text") body["response_format"] = site.responseFormat;
  return body;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((p) => (typeof p === "object" && p !== null && (p as JsonObject)["type"] === "text" && typeof (p as JsonObject)["text"] === "string" ? ((p as JsonObject)["text"] as string) : "")).join("");
  }
  return "";
}

/** The answer's value: text for chat and completions, the vector for embeddings. */
function rawValue(response: AnyResponse): string | number[] {
  if (response.object === "chat.completion") return textOf(response.choices[0]?.message.content);
  if (response.object === "text_completion") return response.choices[0]?.text ?? "";
  const e = response.data[0]?.embedding;
  if (Array.isArray(e)) return e;
  throw new Error("the embeddings endpoint answered no vector");
}

/** Thrown when an answer cannot become the site's type; with failOnError => false it is the row's errorMessage. */
export class AnswerError extends Error {}

function parseJson(text: string): unknown {
  const t = text.trim().replace(/^```(?:json)?\s*|\s*```$/g, "");
  try {
    return JSON.parse(t);
  } catch {
    throw new AnswerError(`the model's answer is not valid JSON: ${text.slice(0, 200)}`);
  }
}

/** The SQL value of an answer (before failOnError wrapping). */
export function answerValue(site: CallSite, response: AnyResponse): unknown {
  const raw = rawValue(response);
  if (Array.isArray(raw)) return raw;
  if (site.prompt?.labels) return matchLabel(raw, site.prompt.labels);
  if (site.structured) {
    const v = parseJson(raw);
    // A DDL responseFormat of a non-STRUCT type asks for {"result": …}: unwrap it.
    if (site.result.kind !== "struct" && typeof v === "object" && v !== null && !Array.isArray(v) && "result" in v) return (v as JsonObject)["result"];
    return v;
  }
  if (isString(site.result)) return raw;
  // A returnType other than STRING on a text answer: JSON when it reads as JSON (`42`, `[1,2]`), else the text, for DuckDB's cast.
  try {
    return JSON.parse(raw.trim());
  } catch {
    return raw.trim();
  }
}

/** What DuckDB gets for the row. */
export function encodeValue(site: CallSite, value: unknown, error: string | undefined): string | null {
  if (!site.failOnError) return JSON.stringify({ result: error === undefined ? value : null, errorMessage: error ?? null });
  if (value === null || value === undefined) return null;
  if (!sendsJson(site)) return typeof value === "string" ? value : JSON.stringify(value);
  return JSON.stringify(value);
}
