/**
 * The Databricks `thinking` parameter: `{"type":"enabled","budget_tokens":N}` turns on
 * extended reasoning for hybrid models. `budget_tokens` must be below `max_tokens`
 * (the tokens spent thinking count toward it), so that is checked before any call, for
 * every provider (`validateRequest` calls it), and adapters read the budget with it.
 */
import { errors } from "./errors.js";
import type { JsonObject } from "./types.js";

export interface Thinking {
  budgetTokens: number;
}

/** The enabled thinking budget, or undefined when thinking is absent or disabled; a 400 when malformed. */
export function thinkingOf(params: JsonObject, maxTokens: number | undefined): Thinking | undefined {
  const t = params["thinking"];
  if (t === undefined || t === null) return undefined;
  if (typeof t !== "object" || Array.isArray(t)) throw errors.invalidParameter("thinking", `'thinking' must be {"type":"enabled","budget_tokens":N}.`);
  const o = t as JsonObject;
  if (o["type"] === "disabled") return undefined;
  if (o["type"] !== "enabled") throw errors.invalidParameter("thinking.type", `'thinking.type' must be "enabled" or "disabled".`);
  const budget = o["budget_tokens"];
  if (typeof budget !== "number" || !Number.isInteger(budget) || budget < 1) {
    throw errors.invalidParameter("thinking.budget_tokens", "'thinking.budget_tokens' must be a positive integer.");
  }
  if (maxTokens === undefined) {
    throw errors.invalidParameter("max_tokens", "'max_tokens' is required when thinking is enabled, and must be greater than 'thinking.budget_tokens'.");
  }
  if (budget >= maxTokens) {
    throw errors.invalidParameter(
      "thinking.budget_tokens",
      `'thinking.budget_tokens' (${budget}) must be less than 'max_tokens' (${maxTokens}).`,
    );
  }
  return { budgetTokens: budget };
}
