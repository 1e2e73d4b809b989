/**
 * One AI function call in a statement, as the rewriter found it: what is fixed by the
 * statement's text (options, result type, the task's prompt), as opposed to the per-row
 * endpoint and request values DuckDB evaluates. Every row's call is built from its site.
 */
import { errors } from "../gateway/errors.js";
import type { JsonObject, Task } from "../gateway/types.js";
import { duckType, isString, type SqlType } from "./sql-types.js";

/** What a task function adds around the row's text, and how its answer is read back. */
export interface PromptTemplate {
  system: string;
  /** Answers are mapped onto one of these labels (ai_classify, ai_analyze_sentiment); anything else is NULL. */
  labels?: string[];
}

export interface CallSite {
  /** Unique within the engine (a statement's sites are numbered from its own base). */
  id: number;
  /** The SQL function as written: `ai_query`, `ai_summarize`, … */
  fn: string;
  /** The endpoint's task when the endpoint is a literal the gateway knows; else undefined (decided per row). */
  task: Task | undefined;
  failOnError: boolean;
  /** `modelParameters`, checked: they go into the request body as they are. */
  params: JsonObject;
  /** The type of the answer (`T`; with failOnError => false the value is STRUCT<result T, errorMessage STRING>). */
  result: SqlType;
  /** The `response_format` sent to a chat endpoint, if any. */
  responseFormat: JsonObject | undefined;
  /** The answer text is JSON to parse into `result` (json_object or a schema). */
  structured: boolean;
  prompt: PromptTemplate | undefined;
}

/** Whether DuckDB gets the site's value as JSON text to cast (anything but a plain string result). */
export function sendsJson(site: Pick<CallSite, "failOnError" | "result">): boolean {
  return !site.failOnError || !isString(site.result);
}

/** The SQL type of the site's value in DuckDB's spelling. */
export function valueType(site: Pick<CallSite, "failOnError" | "result">): string {
  const t = duckType(site.result);
  return site.failOnError ? t : `STRUCT(result ${t}, errorMessage VARCHAR)`;
}

const CHAT_PARAMS = new Set(["max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "stop", "presence_penalty", "frequency_penalty", "seed", "n", "logprobs", "top_logprobs", "reasoning_effort"]);
const EMBEDDING_PARAMS = new Set(["dimensions", "encoding_format"]);
/** Fields the request argument itself carries; naming them in modelParameters is Databricks' FOUND_RESERVED_PARAMETER_NAME. */
const RESERVED = new Set(["messages", "prompt", "input", "stream", "response_format"]);

/**
 * Checks `modelParameters` the way Databricks' AI_FUNCTION_INVALID_MODEL_PARAMETERS does:
 * an unknown or reserved name, or a value of the wrong type, is a 400 naming it.
 */
export function checkModelParameters(params: JsonObject, task: Task | undefined, endpoint: string): JsonObject {
  const allowed = task === "llm/v1/embeddings" ? EMBEDDING_PARAMS : CHAT_PARAMS;
  const shown = JSON.stringify(params);
  for (const [name, value] of Object.entries(params)) {
    const prefix = `AI_FUNCTION_INVALID_MODEL_PARAMETERS: the model parameters (${shown}) are invalid in ai_query for serving endpoint '${endpoint}':`;
    if (RESERVED.has(name)) throw errors.invalidParameter("modelParameters", `${prefix} the '${name}' parameter belongs in the request argument of ai_query.`);
    if (!allowed.has(name)) throw errors.invalidParameter("modelParameters", `${prefix} the '${name}' parameter is not supported for the serving endpoint (supported: ${[...allowed].join(", ")}).`);
    const numeric = name !== "stop" && name !== "reasoning_effort" && name !== "encoding_format" && name !== "logprobs";
    if (numeric && typeof value !== "number") throw errors.invalidParameter("modelParameters", `${prefix} the '${name}' parameter has invalid data type: expected a number, found ${JSON.stringify(value)}.`);
    if (name === "stop" && typeof value !== "string" && !(Array.isArray(value) && value.every((v) => typeof v === "string"))) {
      throw errors.invalidParameter("modelParameters", `${prefix} the 'stop' parameter must be a string or an ARRAY of strings.`);
    }
    if (name === "temperature" && typeof value === "number" && (value < 0 || value > 2)) throw errors.invalidParameter("modelParameters", `${prefix} the 'temperature' parameter must be between 0 and 2.`);
    if ((name === "max_tokens" || name === "max_completion_tokens") && typeof value === "number" && (!Number.isInteger(value) || value < 1)) {
      throw errors.invalidParameter("modelParameters", `${prefix} the '${name}' parameter must be a positive integer.`);
    }
  }
  return params;
}
