/**
 * The errors a guardrail answers with: one stable shape for both directions.
 *
 * - Blocked: 400 `BAD_REQUEST`, message `Request blocked by input guardrail: <reason>.` or
 *   `Response blocked by output guardrail: <reason>.`; on input, `param` names the request
 *   field that was checked (`messages`, `prompt`, `input`). Reasons: `invalid keyword "<kw>"`
 *   (input only: the caller wrote it; an output keyword is not repeated), `PII detected
 *   (EMAIL, PHONE)` (types only, never values), `off-topic`, `unsafe content`, `content too
 *   long for the safety check`.
 * - A judge that could not decide: 503 `TEMPORARILY_UNAVAILABLE`, message
 *   `<Input|Output> guardrail unavailable: …`; the judge endpoint is not named (the caller
 *   may not be allowed to see it).
 */
import { errors, type GatewayError } from "../gateway/errors.js";
import type { Task } from "../gateway/types.js";
import type { Direction } from "./config.js";

export const INPUT_FIELD: Record<Task, string> = { "llm/v1/chat": "messages", "llm/v1/completions": "prompt", "llm/v1/embeddings": "input" };

export function blocked(dir: Direction, reason: string, task: Task): GatewayError {
  return dir === "input" ? errors.badRequest(`Request blocked by input guardrail: ${reason}.`, INPUT_FIELD[task]) : errors.badRequest(`Response blocked by output guardrail: ${reason}.`);
}

export function judgeUnavailable(dir: Direction, check: "safety" | "topics"): GatewayError {
  const what = check === "safety" ? "safety" : "topic";
  return dir === "input"
    ? errors.unavailable(`Input guardrail unavailable: the ${what} check could not be completed, so the request was not served. Try again later.`)
    : errors.unavailable(`Output guardrail unavailable: the ${what} check could not be completed, so the response was withheld. Try again later.`);
}
