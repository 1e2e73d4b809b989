/**
 * The check of a non-streamed answer against its task's shape, before it is answered or
 * recorded: an upstream that answers 2xx with `{"foo":"bar"}`, `[1,2,3]` or
 * `{"choices":"nope"}` is a fault of that upstream (502 `UPSTREAM_BAD_RESPONSE`, naming the
 * served entity), never a 200 passed on nor a success recorded.
 *
 * Only what the gateway and its clients rely on is checked — the top-level fields, and the
 * type of each choice (or embedding) — with no copy and no walk below that, since it runs
 * on every answer. Hand-written rather than a zod schema for that reason: a schema would
 * also check (and strip or copy) what the gateway passes through untouched.
 */
import { ERROR_KINDS, GatewayError } from "./errors.js";
import type { AnyResponse, Task } from "./types.js";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What is wrong with the answer, or undefined when it has the task's shape. */
export function responseShapeProblem(task: Task, value: unknown): string | undefined {
  if (!isObject(value)) return Array.isArray(value) ? "it is a JSON array, not an object" : "it is not a JSON object";
  const usage = value["usage"];
  if (usage !== undefined && usage !== null && !isObject(usage)) return `"usage" is not an object`;
  if (task === "llm/v1/embeddings") {
    const data = value["data"];
    if (!Array.isArray(data)) return `"data" ${data === undefined ? "is missing" : "is not a list"}`;
    for (let i = 0; i < data.length; i++) {
      const d: unknown = data[i];
      if (!isObject(d)) return `"data[${i}]" is not an object`;
      const e = d["embedding"];
      if (!Array.isArray(e) && typeof e !== "string") return `"data[${i}].embedding" is neither a list of numbers nor a base64 string`;
    }
    return undefined;
  }
  const choices = value["choices"];
  if (!Array.isArray(choices)) return `"choices" ${choices === undefined ? "is missing" : "is not a list"}`;
  for (let i = 0; i < choices.length; i++) {
    const c: unknown = choices[i];
    if (!isObject(c)) return `"choices[${i}]" is not an object`;
    if (task === "llm/v1/chat") {
      if (!isObject(c["message"])) return `"choices[${i}].message" ${c["message"] === undefined ? "is missing" : "is not an object"}`;
    } else if (typeof c["text"] !== "string") {
      return `"choices[${i}].text" ${c["text"] === undefined ? "is missing" : "is not a string"}`;
    }
  }
  return undefined;
}

const NOUN: Record<Task, string> = {
  "llm/v1/chat": "a chat completion",
  "llm/v1/completions": "a completion",
  "llm/v1/embeddings": "an embeddings response",
};

/**
 * The answer, typed, when it has the task's shape; else the 502 to answer with.
 *
 * @example
 *   const response = checkedResponse("llm/v1/chat", "gpt-4o", answer);
 */
export function checkedResponse(task: Task, entity: string, value: unknown): AnyResponse {
  assertResponseShape(task, entity, value);
  return value as AnyResponse;
}

/** The same check, for a caller that keeps its own (narrower) type of the answer. */
export function assertResponseShape(task: Task, entity: string, value: unknown): void {
  const problem = responseShapeProblem(task, value);
  if (problem !== undefined) {
    throw new GatewayError(ERROR_KINDS.UPSTREAM_BAD_RESPONSE, `Served entity '${entity}' answered with something that is not ${NOUN[task]}: ${problem}.`);
  }
}
